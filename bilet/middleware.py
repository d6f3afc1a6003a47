"""The portal's own middleware."""

from django.db import DatabaseError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from .db import Busy, is_busy_error

# Long enough for the lock holder to finish (its waits are bounded by settings.LOCK_TIMEOUT), short enough to retry.
RETRY_AFTER_SECONDS = 3


class BusyMiddleware:
    """A write that found the database busy (`bilet.db.Busy`) answers 503 «Сервер занят, попробуйте ещё раз» with
    `Retry-After`, never a 500: nothing was written, and the same request a moment later is safe. So does any statement
    whose lock wait reached the connection's `lock_timeout` (or that PostgreSQL ended in a deadlock) outside a service
    that names its own busy error: its transaction was rolled back on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and is_busy_error(exception):
            exception = Busy()
        if not isinstance(exception, Busy):
            return None
        response = render(request, "503.html", {"message": exception.message}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def no_store_for_signed_in(get_response):
    """`Cache-Control: no-store, private` on every response to a signed-in user (issue 12 §7).

    A signed-in page may show a child's personal data, and a shared or school computer's browser would otherwise keep
    it on disk and show it again from «Back» after sign-out. Anonymous pages (the catalog) stay cacheable, and static
    files never get here: WhiteNoise answers them earlier in the chain.
    """

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
