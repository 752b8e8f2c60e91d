"""Forms of the sign-in pages: a code from the authenticator app, a new password."""

from __future__ import annotations

from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm

from csphub.core.forms import GovukFormMixin
from django import forms


class MfaCodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app", max_length=12,
        help_text="The 6 digits your app shows for CSP Hub now.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "class": "govuk-input govuk-input--width-5", "spellcheck": "false"}))


class SetPasswordForm(GovukFormMixin, DjangoSetPasswordForm):
    pass
