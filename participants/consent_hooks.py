"""What a withdrawn consent does in higher apps.

Withdrawing a consent must cancel the child's future bookings (SPEC §3), but bookings belong to `venues`, which
`participants` must not import. So the withdrawal service calls the handlers registered here, inside its transaction;
`venues` registers its handler when the app is ready (as it does with `diagnostic_blocks`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class WithdrawalEffect:
    """What a handler did: the things it cancelled, and those it could not with the reason (a Russian sentence)."""

    cancelled: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)


# handler(*, actor, student) -> WithdrawalEffect
_HANDLERS: list[Callable[..., WithdrawalEffect]] = []


def register(handler: Callable[..., WithdrawalEffect]) -> None:
    if handler not in _HANDLERS:
        _HANDLERS.append(handler)


def on_withdrawal(*, actor, student) -> WithdrawalEffect:
    total = WithdrawalEffect()
    for handler in _HANDLERS:
        effect = handler(actor=actor, student=student)
        total.cancelled += effect.cancelled
        total.kept += effect.kept
    return total
