"""Retention for ASB Case Review records: what a retention run (``csphub.casework.retention``)
removes once a case or a person goes.

Applications linked to a due case or made by a person who goes lose the behaviour complained
of, who they were made for, the decision reason, the recommendations and the escalation
outcome (and any reason for a review at discretion); their complaints lose the agencies'
references; their meetings lose the chair's and attendees' names and the documents; their
recommendations lose their words (owner, due date and status stay). Dates, statuses, the threshold decision
and whether recommendations were made stay, so the yearly figures the Act requires still add up.
History rows go the same way.
"""

from __future__ import annotations

from collections.abc import Collection

from csphub.casework.retention import ids_of, scrub

from .models import (
    AgencyAttendance,
    CaseReviewApplication,
    CaseReviewCaseLink,
    CaseReviewComplaint,
    Recommendation,
    ReviewMeeting,
)

WORDS = ["behaviour", "on_behalf_of", "decision_reason", "recommendations", "escalation_outcome",
         "discretion_reason"]


def applications_of(case_ids: Collection[int], person_ids: Collection[int]) -> set[int]:
    """Applications linked to one of ``case_ids`` or made by one of ``person_ids``, now or in
    any history row."""
    linked = set(CaseReviewCaseLink.objects.filter(case_id__in=list(case_ids)).values_list("application_id", flat=True))
    return (ids_of(CaseReviewApplication, "case_id", case_ids) | linked
            | ids_of(CaseReviewApplication, "applicant_id", person_ids))


def anonymise_case_reviews(case_ids: Collection[int], person_ids: Collection[int]) -> int:
    """Anonymise the case review records of the due cases and departing people; the number of
    applications anonymised."""
    applications = applications_of(case_ids, person_ids)
    scrub(CaseReviewApplication, "id", applications, WORDS)
    scrub(CaseReviewComplaint, "application_id", applications, ["reference"])
    # The workflow (issue 12, item 8): the meeting's people and documents, the recommendations' words.
    meetings = ids_of(ReviewMeeting, "application_id", applications)
    scrub(ReviewMeeting, "application_id", applications, ["chair", "independent_chair", "documents"])
    scrub(AgencyAttendance, "meeting_id", meetings, ["name_role"])
    scrub(Recommendation, "application_id", applications, ["text", "status_reason"])
    return len(applications)
