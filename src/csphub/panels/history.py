"""Who changed what on a panel referral and its action plan, when and why (issue 12, item 1),
from django-simple-history's rows. The referral is read through csphub.access (panel members
only, audited), its actions through the same policy (audited by the ids shown)."""

from __future__ import annotations

from typing import Any

from csphub.access import policy, reads
from csphub.audit.services import Channel
from csphub.casework.history import LIMIT, entries_of

from .models import PanelAction, PanelReferral
from .services import get_referral


def referral_history(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    """The referral's history and its actions', newest first."""
    referral = get_referral(user, pk, purpose="panel referral history", channel=channel)
    purpose = f"panel referral history {referral.pk}"
    actions = reads.shown(user, "panel_action", policy.panel_actions(user).filter(referral=referral),
                          purpose=purpose, channel=channel)
    found = entries_of(list(PanelReferral.history.filter(id=referral.pk).select_related("history_user")),
                       lambda r: "The referral")
    if actions:
        found += entries_of(list(PanelAction.history.filter(id__in=[a.pk for a in actions])
                                 .select_related("history_user")),
                            lambda r: f"Action due {r.due_on:%d %B %Y}")
    found.sort(key=lambda e: (e.when, e.record_id), reverse=True)
    return {"referral": referral, "entries": found[:LIMIT], "more": max(0, len(found) - LIMIT)}
