"""ASB Case Review applications and the complaints they rely on can be corrected, with a reason
kept in their history (issue 12, item 1): registered with csphub.casework.corrections. A
corrected complaint or date received re-checks the threshold and says when its answer changes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.urls import reverse
from django.utils import timezone

from csphub.access import policy
from csphub.casework.corrections import Spec, register
from csphub.casework.services import refuse
from csphub.errors import RuleRefused

from . import rules
from .models import CaseReviewApplication, CaseReviewComplaint
from .services import check_threshold, complaints_of, threshold_rule


def _validate_application(application: CaseReviewApplication) -> None:
    if not application.behaviour.strip():
        raise RuleRefused("behaviour_required", "Say what behaviour the applicant complains of.", "behaviour")
    refuse(rules.not_in_future(application.received_on, timezone.localdate(), "An application", "received_on"))


def _validate_complaint(complaint: CaseReviewComplaint) -> None:
    refuse(rules.check_complaint_dates(complaint.reported_on, complaint.behaviour_on, timezone.localdate()))


def _said(decision: rules.ThresholdDecision) -> str:
    return "met" if decision.met else "not met"


def _threshold_effects(application: CaseReviewApplication, before: rules.ThresholdDecision) -> list[str]:
    after = check_threshold(application)
    if after.met == before.met:
        return []
    decided = f" It was decided on {application.decided_on:%d %B %Y}: review the decision." if application.decided_on else ""
    return [f"The threshold for {application.reference} is now {_said(after)} (it was {_said(before)}): "
            f"{after.reason}{decided}"]


def _recheck_application(user: Any, application: CaseReviewApplication, before: dict[str, Any],
                         changed: list[str]) -> list[str]:
    if "received_on" not in changed:
        return []
    earlier = rules.case_review_threshold_met(complaints_of(application), threshold_rule(),
                                              as_of=before["received_on"])
    return _threshold_effects(application, earlier)


def _recheck_complaint(user: Any, complaint: CaseReviewComplaint, before: dict[str, Any],
                       changed: list[str]) -> list[str]:
    application = complaint.application
    old = {k: (v.name if k == "agency" else v) for k, v in before.items()}
    complaints = [replace(c, **old) if c.reference == complaint.reference and c.reported_on == complaint.reported_on
                  and c.behaviour_on == complaint.behaviour_on and c.agency == complaint.agency.name else c
                  for c in complaints_of(application)]
    earlier = rules.case_review_threshold_met(complaints, threshold_rule(), as_of=application.received_on)
    return _threshold_effects(application, earlier)


def _page(record: Any) -> str:
    return reverse("case-review", args=[record.application_id if isinstance(record, CaseReviewComplaint) else record.pk])


register("case_review", Spec(CaseReviewApplication, ("on_behalf_of", "behaviour", "received_on"),
                             "case review application", "case_review", scope=policy.case_reviews,
                             require=lambda user, record: None, validate=_validate_application,
                             recheck=_recheck_application, page=_page))
register("case_review_complaint", Spec(CaseReviewComplaint, ("reported_on", "behaviour_on", "agency", "is_hate",
                                                             "reference"), "complaint", "case_review_complaint",
                                       scope=lambda user: CaseReviewComplaint.objects.filter(
                                           application__in=policy.case_reviews(user)),
                                       require=lambda user, record: None, validate=_validate_complaint,
                                       recheck=_recheck_complaint, page=_page))
