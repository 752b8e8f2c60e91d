"""Headers every answer gets, and a busy database answered as 503, never 500.

- ``Permissions-Policy`` turns off browser features CSP Hub never uses (camera, microphone,
  geolocation, payment, USB...).
- ``Cache-Control: no-store`` on every answer to a signed-in user and every API answer: they
  hold personal data that must not sit in a shared or browser cache.
- A database that stays locked past the busy timeout (SQLite under many writers) answers 503
  with ``Retry-After``: in the API's error shape under /api/, a page saying what to do elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

from .errors import error_body

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
    "interest-cohort", "browsing-topics",
))
RETRY_AFTER_SECONDS = 2


def is_busy(error: Exception) -> bool:
    """A lock that outlived the busy timeout (SQLite's "database is locked"), not a real fault."""
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def busy_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("busy", "The database is busy with other changes; nothing was saved. "
                                           f"Try again in {RETRY_AFTER_SECONDS} seconds."), status=503)
    else:
        response = HttpResponse(loader.get_template("errors/503.html").render({"title": "Busy"}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or getattr(user, "is_authenticated", False):
            add_never_cache_headers(response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_busy(exception) else None
