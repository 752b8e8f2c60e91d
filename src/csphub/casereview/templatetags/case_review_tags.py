"""The dashboard's list of overdue case review recommendations owned by the user's agency: a
template tag, so the casework dashboard shows it without importing this app."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from csphub.access import policy
from django import template

from .. import services

register = template.Library()


@register.inclusion_tag("casereview/_dashboard_overdue.html", takes_context=True)
def overdue_recommendations(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    today = timezone.localdate()
    return {"show": policy.can_handle_case_reviews(user),
            "overdue": services.overdue_for_my_agency(user, today), "today": today}
