"""The site URL map: sign-in, the API under /api/v1/, the admin, and each domain's pages.

Every domain page is wrapped in :func:`csphub.web.pages.page` here, so no page can forget
sign-in, the refusal handling or the no-store header.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from csphub.accounts import urls as accounts_urls
from csphub.administration import urls as administration_urls
from csphub.casereview import urls as casereview_urls
from csphub.casework import urls as casework_urls
from csphub.cctv import urls as cctv_urls
from csphub.dialin import urls as dialin_urls
from csphub.encampments import urls as encampments_urls  # Encampments
from csphub.governance import urls as governance_urls  # ---- Governance ----
from csphub.inbox import urls as inbox_urls  # Inbox
from csphub.panels import urls as panels_urls
from csphub.people import urls as people_urls
from csphub.pspo import urls as pspo_urls  # PSPOs

from . import views
from .api import api
from .forms import LoginForm
from .pages import page


def pages(patterns: list[Any]) -> list[Any]:
    """The patterns with every view wrapped in the page decorator (nested includes too)."""
    wrapped: list[Any] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            wrapped.append(URLResolver(pattern.pattern, pages(list(pattern.url_patterns)), pattern.default_kwargs,
                                       pattern.app_name, pattern.namespace))
        elif isinstance(pattern, URLPattern):
            wrapped.append(URLPattern(pattern.pattern, page(pattern.callback), pattern.default_args, pattern.name))
    return wrapped


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/", include(accounts_urls.signin_urlpatterns)),  # the code from the app; a forgotten password
    path("account/", include(pages(administration_urls.account_urlpatterns))),  # API tokens
    path("account/", include(pages(inbox_urls.account_urlpatterns))),  # email notifications
    path("inbox/", include(pages(inbox_urls.urlpatterns))),  # Inbox
    path("administration/", include(pages(administration_urls.urlpatterns))),  # users, agencies
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("audit/", page(views.audit_page), name="audit-log"),
    path("panels/", include(pages(panels_urls.urlpatterns))),
    path("case-reviews/", include(pages(casereview_urls.urlpatterns))),
    path("people/", include(pages(people_urls.urlpatterns))),
    path("cctv/", include(pages(cctv_urls.urlpatterns))),

    path("governance/", include(pages(governance_urls.urlpatterns))),  # ---- Governance ----

    path("encampments/", include(pages(encampments_urls.urlpatterns))),  # Encampments
    path("pspos/", include(pages(pspo_urls.urlpatterns))),  # PSPOs

    path("dial-in/", include(pages(dialin_urls.urlpatterns))),  # ---- Daily Dial In ----
    path("", include(pages(casework_urls.urlpatterns))),
]

handler404 = "csphub.web.errors.not_found"
handler500 = "csphub.web.errors.server_error"
handler403 = "csphub.web.errors.forbidden"
