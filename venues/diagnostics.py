"""The block of suggested events on a student's diagnostics results page (`participants.diagnostic_blocks`)."""

from participants.diagnostic_blocks import ResultBlock

from .selectors.suggestions import SUGGESTIONS_SHOWN, events_suggested_for


def suggestions_block(*, user, student, spheres) -> ResultBlock:
    events = list(events_suggested_for(user=user, student=student, spheres=spheres)[:SUGGESTIONS_SHOWN])
    return ResultBlock("venues/diagnostics/suggestions.html", {"events": events, "spheres": spheres})


def register() -> None:
    from participants.diagnostic_blocks import register as register_block

    register_block(suggestions_block)
