"""Account routes. Route names are stable (templates, tests and docs use them).

- ``signin_urlpatterns``, under /login/: need a password only (the second step of sign-in,
  setting up an authenticator app, a forgotten or reset password).
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import SetPasswordForm

signin_urlpatterns = [
    path("mfa/", views.mfa_verify, name="mfa-verify"),
    path("mfa/setup/", views.mfa_setup, name="mfa-setup"),
    path("forgotten/", views.forgotten_password, name="password-forgotten"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        form_class=SetPasswordForm, success_url=reverse_lazy("password-reset-complete")),
        name="password-reset-confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
