"""Demo panels, cohorts and ASB Case Review applications for the demo partnership.

The harm weights here are an illustrative index made up for the demo, NOT the Cambridge Crime
Harm Index (load the real one with `csphub harm load`)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from csphub.accounts.models import Agency
from csphub.casereview import services as case_reviews
from csphub.casework.models import AsbCase, Person, RiskAssessment

from . import services
from .models import Cohort, CohortMembership, HarmWeight, Offence, Panel

DEMO_HARM_INDEX = "Demo harm index (illustrative, not the Cambridge CHI)"
DEMO_WEIGHTS = {"Burglary - residential": 730, "Robbery of personal property": 365, "Assault with injury": 180,
                "Criminal damage": 10, "Shoplifting": 2, "Possession of drugs": 1, "Public order": 5}

PANELS = [
    ("Vulnerability Panel (Community MARAC)", "vulnerability", None,
     ["Riverford Council ASB Team", "Aldshire Police", "Riverford Homes", "Riverford Adult Social Care",
      "Riverford Mental Health Trust", "Aldshire Fire and Rescue"]),
    ("Blue Light Project", "complex_needs", 20,
     ["Riverford Council ASB Team", "Aldshire Police", "Riverford Mental Health Trust", "Probation Service (Aldshire)"]),
    ("Integrated Offender Management", "iom", None,
     ["Aldshire Police", "Probation Service (Aldshire)", "Riverford Council ASB Team"]),
]


def seed_panels(users: dict[str, Any], *, seed: int = 2024, today: date | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    officer = users["asb.officer"]
    counts = {"panels": 0, "referrals": 0, "cohort_members": 0, "case_reviews": 0}
    with transaction.atomic():
        panels = {}
        for name, kind, cap, members in PANELS:
            panel = Panel.objects.create(name=name, kind=kind, cohort_cap=cap)
            panel.members.set(Agency.objects.filter(name__in=members))
            panels[kind] = panel
            counts["panels"] += 1
        high = RiskAssessment.objects.filter(level="high").select_related("case", "case__lead_officer", "person")
        for assessment in high[:15]:
            if services.PanelReferral.objects.filter(person=assessment.person, status__in=("referred", "adopted")).exists():
                continue
            referrer = assessment.case.lead_officer
            referral = services.refer_to_panel(referrer, panels["vulnerability"], person=assessment.person,
                                               case=assessment.case, reason="High-risk repeat victim of ASB",
                                               consent="given")
            counts["referrals"] += 1
            if rng.random() < 0.6:
                services.decide(users["police.officer"], referral, "adopted", on=today - timedelta(days=rng.randint(5, 60)))
        _seed_iom(officer, panels["iom"], rng, today, counts)
        _seed_case_reviews(officer, rng, today, counts)
        _seed_case_review_workflow(officer, today, counts)
    return counts


def _seed_iom(officer: Any, panel: Panel, rng: random.Random, today: date, counts: dict[str, int]) -> None:
    for offence, weight in DEMO_WEIGHTS.items():
        HarmWeight.objects.create(index=DEMO_HARM_INDEX, offence=offence, weight=weight)
    fixed = Cohort.objects.create(name="IOM fixed", panel=panel, description="Prolific acquisitive offenders")
    subjects = Person.objects.filter(case_roles__role="subject").distinct()[:25]
    offences = list(DEMO_WEIGHTS)
    for person in subjects:
        entered = today - timedelta(days=rng.randint(180, 500))
        CohortMembership.objects.create(cohort=fixed, person=person, entered_on=entered)
        counts["cohort_members"] += 1
        for _ in range(rng.randint(2, 7)):  # busy before entry
            Offence.objects.create(person=person, offence=rng.choice(offences),
                                   committed_on=entered - timedelta(days=rng.randint(1, 364)), source="Demo police records")
        for _ in range(rng.choice([0, 0, 1, 1, 2])):  # quieter during
            Offence.objects.create(person=person, offence=rng.choice(["Shoplifting", "Possession of drugs", "Public order"]),
                                   committed_on=entered + timedelta(days=rng.randint(1, (today - entered).days)),
                                   source="Demo police records")


def _seed_case_review_workflow(officer: Any, today: date, counts: dict[str, int]) -> None:
    """One review run to its recommendations: a linked case whose incidents count, the meeting
    with the agencies that came, and two recommendations, one of them overdue (for Riverford Homes)."""
    owners = {a.name: a for a in Agency.objects.filter(name__in=["Aldshire Police", "Riverford Homes"])}
    case = (AsbCase.objects.filter(lead_agency=officer.membership.agency, parties__role="victim")
            .order_by("opened_on").first())
    if case is None or len(owners) < 2:
        return
    received = max(today - timedelta(days=70), case.opened_on)
    if (today - received).days < 30:
        return
    victim = case.parties.filter(role="victim").first().person
    app = case_reviews.receive_application(officer, applicant=victim, behaviour=case.summary, complaints=[],
                                           received_on=received, case=case)
    counts["case_reviews"] += 1
    decided_on = received + timedelta(days=5)
    if case_reviews.check_threshold(app).met:
        case_reviews.decide_threshold(officer, app, on=decided_on)
    else:
        case_reviews.decide_discretionary(officer, app, on=decided_on,
                                          reason="The victim is elderly and the behaviour is escalating")
    held_on = received + timedelta(days=25)
    case_reviews.record_meeting(officer, app, held_on=held_on, chair="Head of Community Safety, Riverford Council",
                                independent_chair="Chair of the Aldshire Victims' Forum",
                                documents="Case chronology\nIncident log\nRisk assessment",
                                attendees=[case_reviews.AttendanceInput(officer.membership.agency, "ASB officer"),
                                           case_reviews.AttendanceInput(owners["Aldshire Police"], "Beat manager"),
                                           case_reviews.AttendanceInput(owners["Riverford Homes"], "Housing officer")])
    case_reviews.add_recommendation(officer, app, text="Offer the victim a management move",
                                    owner_agency=owners["Riverford Homes"], due_on=today - timedelta(days=7))
    case_reviews.add_recommendation(officer, app, text="Patrols on the estate on Friday and Saturday nights",
                                    owner_agency=owners["Aldshire Police"], due_on=today + timedelta(days=30))


def _seed_case_reviews(officer: Any, rng: random.Random, today: date, counts: dict[str, int]) -> None:
    agencies = list(Agency.objects.filter(name__in=["Aldshire Police", "Riverford Council ASB Team", "Riverford Homes"]))
    cases = list(AsbCase.objects.filter(lead_agency=officer.membership.agency).order_by("-opened_on")[:12])
    for case in cases:
        victim = case.parties.filter(role="victim").first()
        if victim is None:
            continue
        received = min(case.opened_on + timedelta(days=rng.randint(60, 150)), today)
        n = rng.choice([2, 3, 3, 4])
        complaints = [case_reviews.ComplaintInput(reported_on=received - timedelta(days=20 + 35 * i),
                                                  behaviour_on=received - timedelta(days=22 + 35 * i),
                                                  agency=rng.choice(agencies)) for i in range(n)]
        app = case_reviews.receive_application(officer, applicant=victim.person, behaviour=case.summary,
                                               complaints=complaints, received_on=received, case=case)
        counts["case_reviews"] += 1
        if (today - received).days > 14:
            case_reviews.decide_threshold(officer, app, on=received + timedelta(days=7))
            if app.threshold_met and (today - received).days > 40:
                case_reviews.record_review(officer, app, held_on=received + timedelta(days=30),
                                           recommendations=rng.choice(["", "Mediation between neighbours; CPW to the subject"]))
