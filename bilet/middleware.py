"""The portal's own middleware."""

from django.shortcuts import render

from .db import Busy

# Long enough for the lock holder to finish (its waits are bounded by bilet.db.LOCK_TIMEOUT), short enough to retry.
RETRY_AFTER_SECONDS = 3


class BusyMiddleware:
    """A write that found the database busy (`bilet.db.Busy`) answers 503 «Сервер занят, попробуйте ещё раз» with
    `Retry-After`, never a 500: nothing was written, and the same request a moment later is safe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Busy):
            return None
        response = render(request, "503.html", {"message": exception.message}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
