"""The sign-in form."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm

from csphub.core.forms import GovukFormMixin


class LoginForm(GovukFormMixin, AuthenticationForm):
    pass
