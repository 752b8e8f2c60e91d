"""Retention for ASB Case Review records: what a retention run (``csphub.casework.retention``)
removes once a case or a person goes.

Applications linked to a due case or made by a person who goes lose the behaviour complained
of, who they were made for, the decision reason, the recommendations and the escalation
outcome; their complaints lose the agencies' references. Dates, statuses, the threshold decision
and whether recommendations were made stay, so the yearly figures the Act requires still add up.
History rows go the same way.
"""

from __future__ import annotations

from collections.abc import Collection

from csphub.casework.retention import ids_of, scrub

from .models import CaseReviewApplication, CaseReviewComplaint

WORDS = ["behaviour", "on_behalf_of", "decision_reason", "recommendations", "escalation_outcome"]


def applications_of(case_ids: Collection[int], person_ids: Collection[int]) -> set[int]:
    """Applications linked to one of ``case_ids`` or made by one of ``person_ids``, now or in
    any history row."""
    return ids_of(CaseReviewApplication, "case_id", case_ids) | ids_of(CaseReviewApplication, "applicant_id", person_ids)


def anonymise_case_reviews(case_ids: Collection[int], person_ids: Collection[int]) -> int:
    """Anonymise the case review records of the due cases and departing people; the number of
    applications anonymised."""
    applications = applications_of(case_ids, person_ids)
    scrub(CaseReviewApplication, "id", applications, WORDS)
    scrub(CaseReviewComplaint, "application_id", applications, ["reference"])
    return len(applications)
