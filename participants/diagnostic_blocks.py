"""Blocks that higher apps add to a student's diagnostics results page.

The results suggest events (seed 000 §2.10: «предложения по дальнейшим шагам»), but events belong to `venues`, which
`participants` must not import. So the page offers this hook, the way `bilet.navigation` lets venues add its entries:
`venues` registers a provider when the app is ready, and the page renders whatever blocks the providers return, on the
server — the suggestions are there without JavaScript, and the URLs and the reading rights stay in one place.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ResultBlock:
    template: str
    context: dict = field(default_factory=dict)


# provider(*, user, student, spheres) -> ResultBlock | None
_PROVIDERS: list[Callable[..., ResultBlock | None]] = []


def register(provider: Callable[..., ResultBlock | None]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def result_blocks(*, user, student, spheres: list[str]) -> list[ResultBlock]:
    blocks = (provider(user=user, student=student, spheres=spheres) for provider in _PROVIDERS)
    return [block for block in blocks if block is not None]
