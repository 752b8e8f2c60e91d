"""Panel confidentiality: the one place that decides who sees panel records.

Panel records are visible only to users whose agency is a member of the panel, in a role that
works cases (officer, supervisor). Being on a panel also lets its members see the people referred
to it (casework.permissions.visible_people asks here)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from csphub.casework import permissions as casework_permissions

from .models import Cohort, Panel, PanelReferral

PANEL_ROLES = casework_permissions.PERSON_VIEW_ROLES


def visible_panels(user: Any) -> QuerySet[Panel]:
    m = casework_permissions.membership(user)
    if m is None or m.role not in PANEL_ROLES:
        return Panel.objects.none()
    return Panel.objects.filter(members__id=m.agency_id, archived_on__isnull=True).distinct()


def visible_referrals(user: Any) -> QuerySet[PanelReferral]:
    return PanelReferral.objects.filter(panel__in=visible_panels(user), archived_on__isnull=True)


def visible_cohorts(user: Any) -> QuerySet[Cohort]:
    return Cohort.objects.filter(panel__in=visible_panels(user), archived_on__isnull=True)


def can_refer_to(user: Any, panel: Panel) -> bool:
    """Any officer or supervisor may refer to a panel (partners refer in); only members see it."""
    return casework_permissions.role_of(user) in PANEL_ROLES
