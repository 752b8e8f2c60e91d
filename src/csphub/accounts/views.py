"""Sign-in pages: the code from the authenticator app (and setting an app up), a forgotten
password. They live under /login/ and need only a password. API tokens and user administration
are pages of csphub.administration.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from . import mfa
from .forms import MfaCodeForm

WRONG_CODE = "That code is not right. Enter the 6 digits your app shows now (check your phone's clock is right)."


def _next(request: HttpRequest) -> str:
    """Where to go after the code: the page first asked for, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return settings.LOGIN_REDIRECT_URL


def _verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


@never_cache
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Sign-in, second step: the code from the user's authenticator app."""
    device = mfa.confirmed_device(request.user)
    if device is None:
        return redirect(reverse("mfa-setup") + _query(request))
    if _verified(request):
        return redirect(_next(request))
    form = MfaCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = mfa.wait_seconds(device)
        if wait:
            form.add_error("code", f"Too many wrong codes. Wait {wait} seconds, then enter the code your app shows.")
        elif mfa.verify(request, device, form.cleaned_data["code"]):
            return redirect(_next(request))
        else:
            form.add_error("code", WRONG_CODE)
    return render(request, "accounts/mfa_verify.html", {"title": "Enter the code from your app", "form": form,
                                                         "next": _next(request)})


@never_cache
@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Setting up an authenticator app: scan the QR code (or type the secret), then give a code."""
    if mfa.confirmed_device(request.user) is not None:  # replacing an app needs an admin (csphub user reset-password --reset-mfa)
        return redirect(reverse("mfa-verify") + _query(request))
    device = mfa.device_to_set_up(request.user)
    form = MfaCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, device, form.cleaned_data["code"]):
            messages.success(request, "Your authenticator app is set up. CSP Hub will ask for a code at every sign-in.")
            return redirect(_next(request))
        form.add_error("code", WRONG_CODE)
    return render(request, "accounts/mfa_setup.html", {
        "title": "Set up your authenticator app", "form": form, "next": _next(request),
        "qr_svg": mfa.qr_svg(device), "secret": mfa.secret_text(device), "config_url": device.config_url,
        "required": mfa.required_for(request.user),
    })


def _query(request: HttpRequest) -> str:
    from urllib.parse import urlencode

    wanted = request.GET.get("next", "")
    return "?" + urlencode({"next": wanted}) if wanted else ""


def forgotten_password(request: HttpRequest) -> HttpResponse:
    """The same page for everyone: it asks for no username, so it tells nobody which exist."""
    return render(request, "accounts/forgotten_password.html", {"title": "Forgotten your password"})
