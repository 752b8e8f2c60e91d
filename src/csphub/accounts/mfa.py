"""Two-factor sign-in: a password, then a 6-digit code from an authenticator app (TOTP, django-otp).

Who must give a code: every user of an agency with ``mfa_required`` (the default for a new
agency), and every user who has set an app up, unless ``CSPHUB_MFA=off`` (a laptop or the test
suite; production refuses it). Users without an agency (a superuser) always must. A user who
must and has no app yet is asked to set one up right after their password; after that, every
sign-in asks for a code. :class:`csphub.accounts.middleware.MfaRequiredMiddleware` sends a
signed-in user who still owes a code to give it, whatever page they ask for.

Wrong codes are throttled by django-otp (after each failure the next try must wait twice as
long: 1 s, 2 s, 4 s... up to an hour).
"""

from __future__ import annotations

from typing import Any

import django_otp
import segno
from django.conf import settings
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def required_for(user: Any) -> bool:
    """Whether ``user`` must give a code from an authenticator app to sign in."""
    if not getattr(settings, "CSPHUB_MFA_REQUIRED", True):
        return False
    membership = getattr(user, "membership", None)
    return membership is None or membership.agency.mfa_required or confirmed_device(user) is not None


def states(users: list[Any]) -> dict[int, str]:
    """Each user's authenticator-app state by id, in one query: "set up", "not set up" (required
    but not yet set up) or "not required" (for the CLI's user list and the administration pages)."""
    with_app = set(TOTPDevice.objects.filter(user_id__in=[u.pk for u in users], confirmed=True)
                   .values_list("user_id", flat=True))
    return {u.pk: "set up" if u.pk in with_app else ("not set up" if required_for(u) else "not required")
            for u in users}


def owes_code(request: HttpRequest) -> bool:
    """Signed in with a password, but not yet with the code they must also give."""
    user = request.user
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified()) and required_for(user)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def device_to_set_up(user: Any) -> TOTPDevice:
    """The user's app being set up: the same secret until they confirm it with a code, so
    reloading the page does not change what they scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base 32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The setup link as an inline SVG QR code, drawn here (no request leaves the server)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, title="QR code for your authenticator app", light="#fff")


def verify(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Check a code against the device. On success the session is marked verified (with a new
    session key) and a device being set up becomes the user's app."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == device.digits) or not device.verify_token(code):
        return False
    if not device.confirmed:
        TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    request.session.cycle_key()
    django_otp.login(request, device)
    return True


def wait_seconds(device: TOTPDevice) -> int:
    """Seconds before another code may be tried (0: now), after wrong codes."""
    from django.utils import timezone

    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
