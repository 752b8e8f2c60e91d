"""Sends a signed-in user who still owes a code from their authenticator app to give it.

Installed right after django-otp's OTPMiddleware (which follows AuthenticationMiddleware), so
no page, the admin included, is reachable with a password alone. Sign-in pages (under
/login/), sign-out, static files and the API (bearer tokens, no session) pass through.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import mfa


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.open_paths = ("/login/", "/logout/", "/api/", settings.STATIC_URL or "/static/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.open_paths) and mfa.owes_code(request):
            return self._to_code_page(request)
        return self.get_response(request)

    def _to_code_page(self, request: HttpRequest) -> HttpResponse:
        name = "mfa-verify" if mfa.confirmed_device(request.user) is not None else "mfa-setup"
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
