"""Panel referrals and their actions can be corrected, with a reason kept in their history, by
the panel's members (issue 12, item 1): registered with csphub.casework.corrections, which checks
the version, writes the history row and the audit entry."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from csphub.access import policy
from csphub.access.roles import agency_id_of
from csphub.casework.corrections import Spec, register
from csphub.errors import RuleRefused

from .models import PanelAction, PanelReferral
from .services import action_in_inbox


def _validate_referral(referral: PanelReferral) -> None:
    if not referral.reason.strip():
        raise RuleRefused("reason_required", "Say why the person or place was referred.", "reason")
    if referral.person_id is None and not referral.location.strip():
        raise RuleRefused("referral_needs_subject", "A referral without a person needs a location.", "location")


def _validate_action(action: PanelAction) -> None:
    if not action.description.strip():
        raise RuleRefused("description_required", "Say what the action is.", "description")
    if not action.referral.panel.members.filter(pk=action.owner_agency_id).exists():
        raise RuleRefused("owner_not_a_member", f"{action.owner_agency} is not a member of {action.referral.panel}.",
                          "owner_agency")
    if action.owner_id is not None and agency_id_of(action.owner) != action.owner_agency_id:
        action.owner = None  # the named owner was of the agency it was handed over from


def _recheck_action(user: Any, action: PanelAction, before: dict[str, Any], changed: list[str]) -> list[str]:
    """An action handed to another agency goes into that agency's inbox, as a new action does."""
    if "owner_agency" not in changed:
        return []
    action_in_inbox(action)
    return [f"The action is now in {action.owner_agency.name}'s inbox."]


def _referral_page(record: Any) -> str:
    return reverse("panel-referral", args=[record.referral_id if isinstance(record, PanelAction) else record.pk])


register("panel_referral", Spec(PanelReferral, ("reason", "risks", "consent", "location"), "panel referral",
                                "panel_referral", scope=policy.panel_referrals, require=lambda user, record: None,
                                validate=_validate_referral, page=_referral_page))
register("panel_action", Spec(PanelAction, ("description", "owner_agency", "due_on"), "panel action", "panel_action",
                              scope=policy.panel_actions, require=lambda user, record: None,
                              validate=_validate_action, recheck=_recheck_action, page=_referral_page))
