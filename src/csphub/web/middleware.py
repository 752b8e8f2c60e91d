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

from csphub.audit.services import reads_collected

from .errors import error_body

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "gyroscope", "magnetometer", "microphone", "payment", "usb",
    "interest-cohort", "browsing-topics",
)) + ", geolocation=(self)"  # the Daily Dial In's "Use my location" on a phone; this site only
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


class ReadAuditMiddleware:
    """Every read a request audits (csphub.access.reads: one entry per kind of record shown) is
    written in one INSERT when the view has answered (csphub.audit.services.reads_collected),
    not one statement each: a case page reads a dozen kinds of record. If that write fails the
    answer is not sent (a locked database answers 503, as a view's would)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            with reads_collected():
                return self.get_response(request)
        except OperationalError as error:
            if is_busy(error):
                return busy_response(request)
            raise


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
