"""Permission matrix rows for the ASB Case Review workflow (issue 12, item 8; see matrix_kit).

The world's applications are received by the lead agency (Council ASB Team) and linked to the
world's case, which is shared with the Police: officers and supervisors of both see them and act
on them (others: as if absent). A case is linked only if the caller may see it too. A
recommendation is seen by those who see its review and by its owner agency (Housing, "referred"),
which marks it done or not accepted. The recommendations list and the people to tell are for
officers and supervisors of any agency (others: 403).
"""

from __future__ import annotations

from datetime import timedelta

from csphub.casereview import services
from csphub.casework import services as casework

from .factories import create_case
from .matrix_kit import CASEWORK, Exercise, Read, Shown, World, api_ids, href, iso, sees

RULES = {
    "case_review_recommendation": sees(CASEWORK, {"lead", "shared", "referred"}),
}


def add_records(world: World) -> None:
    officer, today, agencies = world.lead_officer, world.today, world.agencies
    victim, case = world.records["victim"], world.records["case"]

    def below_threshold(received_days_ago: int) -> object:
        received = today - timedelta(days=received_days_ago)
        app = services.receive_application(
            officer, applicant=victim, behaviour="Shouting in the stairwell", received_on=received, case=case,
            complaints=[services.ComplaintInput(received - timedelta(days=2), received - timedelta(days=3),
                                                agencies["lead"])])
        services.decide_discretionary(officer, app, reason="Elderly victim with poor mental health",
                                      on=received + timedelta(days=2))
        return app

    # A second case of the lead agency, shared with the Police, not yet linked to any review.
    world.records["other_case"] = other = create_case(officer, summary="Youths on the stairs")
    casework.share_case(officer, other, agencies["shared"])
    world.records["review_due"] = below_threshold(20)
    reviewed = below_threshold(30)
    services.record_meeting(officer, reviewed, held_on=today - timedelta(days=20), chair="Head of Community Safety",
                            attendees=[services.AttendanceInput(agencies["lead"], "ASB officer"),
                                       services.AttendanceInput(agencies["shared"], "Beat manager")])
    world.records["reviewed"] = reviewed
    # Owned by Housing, due five days ago and still open: overdue.
    world.records["recommendation"] = services.add_recommendation(
        officer, reviewed, text="Offer a management move", owner_agency=agencies["referred"],
        due_on=today - timedelta(days=5))


APPLICATION = {"pk": "case_review"}
APPLICATION_READ = Read("case_review", "case_review")
VICTIM = Read("person", "victim")
RECOMMENDATION_READ = Read("case_review_recommendation", "recommendation")


def _page(rule: str, params: dict[str, str], reads: tuple[Read, ...], refused: str, body) -> tuple[Exercise, ...]:
    return (Exercise(rule, "get", params, reads=reads, refused=refused),
            Exercise(rule, "post", params, body=body, refused=refused))


PAGES: dict[str, tuple[Exercise, ...]] = {
    "/case-reviews/<int:pk>/cases/link/": _page(
        "case_review", APPLICATION, (APPLICATION_READ, VICTIM), "case_review", lambda w: {"case": w.pk("other_case")}),
    "/case-reviews/<int:pk>/discretion/": _page(
        "case_review", APPLICATION, (APPLICATION_READ, VICTIM), "case_review",
        lambda w: {"reason": "Victim is disabled and isolated", "version": ""}),
    "/case-reviews/<int:pk>/meeting/": _page(
        "case_review", {"pk": "review_due"}, (Read("case_review", "review_due"), VICTIM), "case_review",
        lambda w: {"held_on": iso(w.today), "chair": "Head of Community Safety", "independent_chair": "",
                   "documents": "Case chronology", "attendee-TOTAL_FORMS": "1", "attendee-INITIAL_FORMS": "0",
                   "attendee-0-agency": w.agencies["lead"].pk, "attendee-0-name_role": "ASB officer"}),
    "/case-reviews/<int:pk>/meeting/edit/": _page(
        "case_review", {"pk": "reviewed"}, (Read("case_review", "reviewed"), VICTIM), "case_review",
        lambda w: {"held_on": iso(w.today - timedelta(days=19)), "chair": "Head of Community Safety",
                   "independent_chair": "", "documents": "Case chronology", "version": "",
                   "correction_reason": "It was the next day", "attendee-TOTAL_FORMS": "1",
                   "attendee-INITIAL_FORMS": "0", "attendee-0-agency": w.agencies["lead"].pk,
                   "attendee-0-name_role": "ASB officer"}),
    "/case-reviews/<int:pk>/history/": (Exercise("case_review", params={"pk": "reviewed"}, refused="case_review",
                                                 reads=(Read("case_review", "reviewed"), VICTIM)),),
    "/case-reviews/<int:pk>/recommendations/new/": _page(
        "case_review", {"pk": "reviewed"}, (Read("case_review", "reviewed"), VICTIM), "case_review",
        lambda w: {"text": "Mediation between neighbours", "owner_agency": w.agencies["lead"].pk,
                   "due_on": iso(w.today + timedelta(days=30))}),
    "/case-reviews/recommendations/": (Exercise("casework_role", shown=(
        Shown("case_review_recommendation", "case_review_recommendation", "recommendation",
              href("/case-reviews/recommendations/{pk}/")),)),),
    "/case-reviews/recommendations/<int:pk>/": _page(
        "case_review_recommendation", {"pk": "recommendation"}, (RECOMMENDATION_READ,), "case_review_recommendation",
        lambda w: {"status": "done", "status_reason": "", "due_on": iso(w.records["recommendation"].due_on),
                   "version": ""}),
    "/case-reviews/people-to-tell/": (Exercise("casework_role"),),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {
    "POST /api/v1/case-reviews/{application_id}/cases": (Exercise(
        "case_review", params={"application_id": "case_review"}, body=lambda w: {"case_id": w.pk("other_case")},
        refused="case_review", ok=200),),
    "POST /api/v1/case-reviews/{application_id}/discretion": (Exercise(
        "case_review", params={"application_id": "case_review"}, body=lambda w: {"reason": "Disabled victim"},
        refused="case_review", ok=200),),
    "POST /api/v1/case-reviews/{application_id}/meeting": (Exercise(
        "case_review", params={"application_id": "review_due"}, refused="case_review", body=lambda w: {
            "held_on": iso(w.today), "chair": "Head of Community Safety",
            "attendees": [{"agency": "Council ASB Team", "name_role": "ASB officer"}]}),),
    "PATCH /api/v1/case-reviews/{application_id}/meeting": (Exercise(
        "case_review", params={"application_id": "reviewed"}, refused="case_review", ok=200, body=lambda w: {
            "chair": "Head of Community Safety and Housing", "reason": "Fuller title"}),),
    "POST /api/v1/case-reviews/{application_id}/recommendations": (Exercise(
        "case_review", params={"application_id": "reviewed"}, refused="case_review", body=lambda w: {
            "text": "Mediation", "owner_agency": "Police", "due_on": iso(w.today + timedelta(days=30))}),),
    "PATCH /api/v1/case-reviews/recommendations/{recommendation_id}": (Exercise(
        "case_review_recommendation", params={"recommendation_id": "recommendation"},
        body=lambda w: {"status": "not_accepted", "status_reason": "No suitable property"},
        refused="case_review_recommendation", ok=200),),
}

__all__ = ["API_ROUTES", "PAGES", "RULES", "add_records", "api_ids"]
