"""Sends a signed-in user who still owes a code from their authenticator app to give it.

Installed right after django-otp's OTPMiddleware (which follows AuthenticationMiddleware), so
no page, the admin included, is reachable with a password alone. Sign-in pages (under
/login/), sign-out, static files and the API (bearer tokens, no session) pass through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty

from . import mfa


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.open_paths = ("/login/", "/logout/", "/api/", settings.STATIC_URL or "/static/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.open_paths):
            if mfa.owes_code(request):
                return self._to_code_page(request)
            # owes_code has read the user: from here on the page uses the user itself, not
            # Django's lazy stand-in, every attribute of which (a page reads a thousand) is
            # looked up through a proxy that raises and catches an AttributeError each time.
            request.user = _unwrapped(request.user)
        return self.get_response(request)

    def _to_code_page(self, request: HttpRequest) -> HttpResponse:
        name = "mfa-verify" if mfa.confirmed_device(request.user) is not None else "mfa-setup"
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


def _unwrapped(user: Any) -> Any:
    """The user behind Django's (and django-otp's, around it) lazy stand-ins, once each has
    been read; a stand-in not yet read is kept as it is."""
    while isinstance(user, LazyObject) and user._wrapped is not empty:
        user = user._wrapped
    return user
