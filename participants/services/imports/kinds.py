"""The kinds of import the portal offers, each with who may use it, its check, its write and its template.

The upload page, the job's check and import, and the template download are one implementation for every kind
(`participants.import_views`, `participants.services.import_jobs`). Students and navigators are registered by this
package; venues by the `venues` app when it is ready (`participants` must not import a higher app), as it registers
its consent and diagnostics hooks.
"""

from collections.abc import Callable
from dataclasses import dataclass

from bilet.roles import Roles

from .checking import CheckResult
from .templates import TemplateSpec


@dataclass(frozen=True)
class ImportKind:
    name: str  # the job's `kind` and the URL's: participants:import_<name>
    title: str  # the upload page's heading («Импорт учеников»)
    row_hint: str  # what one row of the template is, after «Download the template»
    allowed: Callable[[Roles], bool]
    # check(*, actor, header, rows, progress) → CheckResult: every row's errors; reads, never writes
    check: Callable[..., CheckResult]
    # create(*, actor, records, invitation_url) → the number of records created, inside the caller's transaction
    create: Callable[..., int]
    template: Callable[..., TemplateSpec]  # template(*, user) → the header and an example row for this user
    list_url_name: str  # where the imported records are listed
    list_label: str
    # Whether a file's error rows name people (their page view goes to the personal-data log).
    personal_data: bool = True

    @property
    def upload_url_name(self) -> str:
        return f"participants:import_{self.name}"


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    _KINDS[kind.name] = kind


def import_kind(name: str) -> ImportKind | None:
    return _KINDS.get(name)


def may_import(roles: Roles) -> bool:
    """Whether a user may import anything (the job pages are open to them)."""
    return any(kind.allowed(roles) for kind in _KINDS.values())
