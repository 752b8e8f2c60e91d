"""Behind a TLS-terminating reverse proxy: believe X-Forwarded-* only from the proxies named in
CSPHUB_TRUSTED_PROXIES, and drop them from anyone else, so a client cannot claim https or
another address. Django then reads the scheme from X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDED = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST")


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = frozenset(getattr(settings, "CSPHUB_TRUSTED_PROXIES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("REMOTE_ADDR") in self.trusted:
            forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded_for:  # the address the proxy saw: the last one it appended
                request.META["REMOTE_ADDR"] = forwarded_for.split(",")[-1].strip()
        else:
            for header in FORWARDED:
                request.META.pop(header, None)
        return self.get_response(request)
