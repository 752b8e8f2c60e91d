"""Who changed what on an ASB Case Review, when and why (issue 12, items 1 and 8): the
application, its complaints, the review meeting and who attended it (an attendance taken off is
shown as removed, with the reason), and the recommendations, from django-simple-history's rows.
The application is read through csphub.access (audited); the rest hangs off it.
"""

from __future__ import annotations

from typing import Any

from csphub.access import policy
from csphub.audit.services import Channel
from csphub.casework.history import LIMIT, entries_of
from csphub.errors import PermissionRefused

from .models import (
    AgencyAttendance,
    CaseReviewApplication,
    CaseReviewComplaint,
    Recommendation,
    ReviewMeeting,
)
from .services import get_application


def review_history(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    """The application's history and its records', newest first (officers and supervisors)."""
    application = get_application(user, pk, purpose="case review history", channel=channel)
    if not policy.can_handle_case_reviews(user):
        raise PermissionRefused("Case reviews are handled by officers and supervisors.")
    meeting_ids = list(ReviewMeeting.history.filter(application_id=application.pk).values_list("id", flat=True)
                       .distinct())
    found = entries_of(list(CaseReviewApplication.history.filter(id=application.pk).select_related("history_user")),
                       lambda r: "The application")
    found += entries_of(list(CaseReviewComplaint.history.filter(application_id=application.pk)
                             .select_related("history_user")),
                        lambda r: f"Complaint of {r.reported_on:%d %B %Y}")
    found += entries_of(list(ReviewMeeting.history.filter(id__in=meeting_ids).select_related("history_user")),
                        lambda r: f"The review meeting of {r.held_on:%d %B %Y}")
    found += entries_of(list(AgencyAttendance.history.filter(meeting_id__in=meeting_ids)
                             .select_related("history_user", "agency")),
                        lambda r: f"Attendance: {r.agency.name}, {r.name_role}")
    found += entries_of(list(Recommendation.history.filter(application_id=application.pk)
                             .select_related("history_user")),
                        lambda r: f"Recommendation due {r.due_on:%d %B %Y}")
    found.sort(key=lambda e: (e.when, e.record_id), reverse=True)
    return {"app": application, "entries": found[:LIMIT], "more": max(0, len(found) - LIMIT)}
