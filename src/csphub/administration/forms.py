"""Forms of the administration pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from csphub.accounts.models import Agency, ApiToken
from csphub.core.forms import GovukFormMixin
from django import forms


class NewUserForm(GovukFormMixin, forms.Form):
    username = forms.CharField(label="Username", max_length=150,
                               help_text="Letters, digits and . _ - only, e.g. sam.jones")
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(label="Email address", required=False,
                             help_text="Where notifications go; the sign-in link is shown to you, not emailed.")
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none(), empty_label=None)
    role = forms.ChoiceField(label="Role", choices=())

    def __init__(self, *args: Any, agencies: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["role"].choices = roles  # type: ignore[attr-defined]

    def clean_username(self) -> str:
        import re

        name = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[A-Za-z0-9._-]{3,150}", name):
            raise forms.ValidationError("Enter 3 or more letters, digits, dots, underscores or hyphens")
        return name


class RoleForm(GovukFormMixin, forms.Form):
    role = forms.ChoiceField(label="New role", choices=())

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]


class NewAgencyForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind of agency", choices=Agency.Kind.choices)
    mfa_required = forms.BooleanField(label="Its users must use an authenticator app at sign-in", required=False,
                                      initial=True)


class ApiTokenForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=100,
                           help_text="What it is for, so you know which to revoke, e.g. 'Power BI export'.")
    scope = forms.ChoiceField(label="What it may do", choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ,
                              widget=forms.RadioSelect)
    days = forms.IntegerField(label="Days until it expires", min_value=1, max_value=366)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = getattr(settings, "CSPHUB_TOKEN_DAYS", 90)
