"""What the ASB Case Review puts in inboxes each day: ``csphub notify overdue`` tells the owner
agency of an open recommendation past its due date, once per recommendation per day (the agency's
inbox: a recommendation is owned by an agency, not a person). Titles name the review's reference
and the dates, never the applicant."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from csphub.inbox import services as inbox

from .models import Recommendation


def post_overdue_recommendations(today: date) -> int:
    """Open recommendations due before ``today`` (neither they nor their application archived):
    one item in the owner agency's inbox per recommendation per day. How many were posted."""
    posted = 0
    found = (Recommendation.objects.filter(status=Recommendation.Status.OPEN, due_on__lt=today,
                                           archived_on__isnull=True, application__archived_on__isnull=True)
             .select_related("application"))
    for recommendation in found:
        title = (f"Overdue case review recommendation on {recommendation.application.reference} "
                 f"(was due {recommendation.due_on:%d %B %Y})")
        posted += int(bool(inbox.post(
            agency=recommendation.owner_agency_id, kind=inbox.Kind.OVERDUE, title=title,
            link=reverse("case-review-recommendation", args=[recommendation.pk]), object_type="recommendation",
            object_id=recommendation.pk, notice_key=f"overdue:recommendation:{recommendation.pk}:{today}")))
    return posted
