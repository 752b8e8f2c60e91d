"""ASB Case Review routes of the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from csphub.core.api import API, ERRORS, Id

from . import services
from .models import CaseReviewApplication

router = Router(tags=["case reviews"])


class ApplicationOut(Schema):
    id: int
    reference: str
    applicant_id: int
    received_on: date
    status: str
    threshold_met: bool | None
    decision_reason: str
    threshold_check: str
    deadlines: dict[str, date]
    overdue: list[str]
    review_held_on: date | None
    has_recommendations: bool


def application_out(a: CaseReviewApplication) -> dict[str, Any]:
    return {"id": a.pk, "reference": a.reference, "applicant_id": a.applicant_id, "received_on": a.received_on,
            "status": a.status, "threshold_met": a.threshold_met, "decision_reason": a.decision_reason,
            "threshold_check": services.check_threshold(a).reason, "deadlines": services.deadlines_for(a),
            "overdue": services.overdue_stages(a), "review_held_on": a.review_held_on,
            "has_recommendations": a.has_recommendations}


@router.get("/", response={200: list[ApplicationOut], **ERRORS}, summary="Applications the caller may see")
def list_applications(request: HttpRequest) -> Any:
    return [application_out(a) for a in services.application_list(request.auth, channel=API,
                                                                     purpose="api case review list", limit=500)]


@router.get("/{application_id}", response={200: ApplicationOut, **ERRORS})
def get_application(request: HttpRequest, application_id: Id) -> Any:
    return application_out(services.get_application(request.auth, application_id, channel=API))


@router.post("/{application_id}/decision", response={200: ApplicationOut, **ERRORS},
             summary="Record the threshold decision, as the partnership's rule gives it")
def decide(request: HttpRequest, application_id: Id) -> Any:
    application = services.get_application(request.auth, application_id, channel=API)
    services.decide_threshold(request.auth, application, channel=API)
    return application_out(application)
