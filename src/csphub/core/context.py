"""Template context every page gets: the signed-in user's agency, role and navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    from csphub.casework import permissions

    user = getattr(request, "user", None)
    m = permissions.membership(user)
    items = []
    if m is not None:
        items.append(("Dashboard", "/"))
        if m.role in permissions.CASE_VIEW_ROLES:
            items.append(("Cases", "/cases/"))
        if m.role in permissions.PERSON_VIEW_ROLES:
            items.append(("Panels", "/panels/"))
            items.append(("Case reviews", "/case-reviews/"))
            items.append(("Duplicates", "/people/matches/"))
        if permissions.can_view_statistics(user):
            items.append(("Statistics", "/statistics/"))
        if permissions.can_view_audit(user):
            items.append(("Audit", "/audit/"))
    return {
        "membership": m,
        "nav_items": items,
        "nav_current": request.path,
    }
