"""Template context every page gets: the signed-in user's agency, role and navigation."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest

from csphub.access import policy, roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    m = roles.membership(user)
    items = []
    if m is not None:
        items.append(("Dashboard", "/"))
        if roles.works_cases(user):
            items.append(("Inbox", "/inbox/"))  # issue 12, item 3
        if policy.can_list_cases(user):
            items.append(("Cases", "/cases/"))
        if roles.works_cases(user):
            items.append(("Referrals", "/referrals/"))
            items.append(("Panels", "/panels/"))
            items.append(("Case reviews", "/case-reviews/"))
            items.append(("Duplicates", "/people/matches/"))
        if policy.can_view_cctv_register(user):
            items.append(("CCTV", "/cctv/"))
        items.append(("Governance", "/governance/"))  # ---- Governance ----

        # ---- Encampments and PSPOs ----
        if policy.can_view_encampments(user):
            items.append(("Encampments", "/encampments/"))
        elif policy.can_view_encampment_figures(user):
            items.append(("Encampments", "/encampments/figures/"))
        items.append(("PSPOs", "/pspos/"))
        if roles.works_cases(user):
            items.append(("Daily Dial In", "/dial-in/" if policy.can_view_morning(user) else "/dial-in/new/"))  # Dial In
        if policy.can_view_statistics(user):
            items.append(("Statistics", "/statistics/"))
        if policy.can_view_audit(user):
            items.append(("Audit", "/audit/"))
        if policy.can_manage_users(user):
            items.append(("Users", "/administration/users/"))
        items.append(("API tokens", "/account/tokens/"))
    # A fresh key on every form: a form sent twice (a double click, a resend) is saved once.
    return {"membership": m, "nav_items": items, "nav_current": request.path, "form_key": uuid.uuid4().hex}
