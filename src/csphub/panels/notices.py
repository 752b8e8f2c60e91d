"""What panels put in inboxes (csphub.inbox) each day: ``csphub notify overdue`` tells the owner
of a panel action past its due date (its named owner and their supervisors, else the owner
agency's inbox), once per action per day until it is complete. Titles name the panel, the agency
and the dates, never the person referred."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from csphub.inbox import services as inbox

from .models import PanelAction


def post_overdue_actions(today: date) -> int:
    """Panel actions not complete and due before ``today`` (neither they nor their referral
    archived): one item per recipient per action per day. How many items were posted."""
    posted = 0
    found = (PanelAction.objects.filter(due_on__lt=today, archived_on__isnull=True, referral__archived_on__isnull=True)
             .exclude(rag=PanelAction.Rag.COMPLETE)
             .select_related("owner", "owner_agency", "referral__panel"))
    for action in found:
        title = (f"Overdue panel action for {action.owner_agency.name} from {action.referral.panel.name} "
                 f"(was due {action.due_on:%d %B %Y})")
        posted += inbox.post_to_owner_or_agency(
            action.owner, action.owner_agency, kind=inbox.Kind.OVERDUE, title=title,
            link=reverse("panel-referral", args=[action.referral_id]), object_type="panel_action",
            object_id=action.pk, key=f"overdue:panel_action:{action.pk}:{today}")
    return posted
