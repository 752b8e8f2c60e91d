"""ASB Case Review on the database: threshold decision, deadlines, review, escalation, the
annual statistics, and victims whose own complaints already meet the threshold."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from csphub.casereview import services
from csphub.casereview.services import ComplaintInput
from csphub.casework import services as casework
from csphub.errors import NotFoundError, RuleRefused

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return create_user("officer", create_agency("Council ASB Team"), "cr.lead")


def complaints(agency, *days):
    return [ComplaintInput(reported_on=d, behaviour_on=d, agency=agency) for d in days]


def test_three_complaints_in_six_months_meet_the_threshold(officer):
    police = create_agency("Police", "police")
    applicant = create_person(officer)
    app = services.receive_application(officer, applicant=applicant, behaviour="Noise", received_on=date(2026, 6, 1),
                                       complaints=complaints(police, date(2026, 1, 5), date(2026, 3, 10), date(2026, 5, 30)))
    decision = services.decide_threshold(officer, app, on=date(2026, 6, 3))
    assert decision.met and app.status == "threshold_met" and app.threshold_met is True
    assert app.decision_reason.startswith("Threshold met: 3 qualifying complaints")
    with pytest.raises(RuleRefused, match="was decided on 2026-06-03"):
        services.decide_threshold(officer, app)


def test_not_met_is_recorded_with_its_reason(officer):
    police = create_agency("Police", "police")
    app = services.receive_application(officer, applicant=create_person(officer), behaviour="Noise",
                                       received_on=date(2026, 6, 1),
                                       complaints=complaints(police, date(2025, 10, 1), date(2026, 5, 1)))
    decision = services.decide_threshold(officer, app)
    assert not decision.met and app.status == "threshold_not_met"
    with pytest.raises(RuleRefused, match="once the threshold is met"):
        services.record_review(officer, app, held_on=date(2026, 6, 20))


def test_deadlines_are_working_days_and_overdue_stages_are_listed(officer):
    # Received Wed 1 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr are bank holidays.
    app = services.receive_application(officer, applicant=create_person(officer), behaviour="x",
                                       received_on=date(2026, 4, 1), complaints=[])
    assert services.deadlines_for(app) == {"acknowledge_by": date(2026, 4, 10), "decide_by": date(2026, 4, 17),
                                           "review_by": date(2026, 5, 11)}
    assert services.overdue_stages(app, today=date(2026, 4, 13)) == ["acknowledge_by"]
    services.acknowledge(officer, app, on=date(2026, 4, 13))
    assert services.overdue_stages(app, today=date(2026, 4, 20)) == ["decide_by"]


def test_applications_are_need_to_know(officer):
    app = services.receive_application(officer, applicant=create_person(officer), behaviour="x", complaints=[])
    stranger = create_user("officer", create_agency("Housing", "housing"))
    with pytest.raises(NotFoundError):
        services.get_application(stranger, app.pk)
    assert services.get_application(officer, app.pk) == app


def test_annual_statistics_count_what_the_act_requires(officer):
    police = create_agency("Police", "police")
    three = (date(2025, 5, 1), date(2025, 6, 1), date(2025, 7, 1))
    met_with = services.receive_application(officer, applicant=create_person(officer), behaviour="a",
                                            received_on=date(2025, 8, 1), complaints=complaints(police, *three))
    met_without = services.receive_application(officer, applicant=create_person(officer), behaviour="b",
                                               received_on=date(2025, 9, 1), complaints=complaints(police, *three))
    not_met = services.receive_application(officer, applicant=create_person(officer), behaviour="c",
                                           received_on=date(2025, 10, 1), complaints=complaints(police, three[0]))
    services.receive_application(officer, applicant=create_person(officer), behaviour="d",
                                 received_on=date(2026, 4, 2), complaints=[])  # next year
    for app in (met_with, met_without, not_met):
        services.decide_threshold(officer, app, on=app.received_on)
    services.record_review(officer, met_with, held_on=date(2025, 9, 1), recommendations="Mediation; CPW to neighbour")
    services.record_review(officer, met_without, held_on=date(2025, 10, 1))
    services.escalate(officer, not_met, requested_on=date(2025, 10, 20))
    figures = services.annual_statistics(date(2025, 4, 1), date(2026, 3, 31))
    assert figures == {"period": {"from": "2025-04-01", "to": "2026-03-31"}, "applications_received": 3,
                       "threshold_not_met": 1, "reviews_held": 2, "reviews_with_recommendations": 1,
                       "awaiting_decision": 0}


def test_victims_whose_own_complaints_meet_the_threshold_are_flagged(officer):
    case = create_case(officer, opened_on=date(2026, 1, 1))
    victim, quiet = create_person(officer, first_name="Vic"), create_person(officer, first_name="Quinn")
    casework.add_party(officer, case, victim, "victim")
    other = create_case(officer, opened_on=date(2026, 1, 1))
    casework.add_party(officer, other, quiet, "victim")
    for day in (date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)):
        when = timezone.make_aware(datetime(day.year, day.month, day.day, 22))
        casework.record_incident(officer, case, occurred_at=when, description="noise", reported_on=day)
    casework.record_incident(officer, other, occurred_at=timezone.make_aware(datetime(2026, 2, 1, 22)),
                             description="noise", reported_on=date(2026, 2, 1))
    assert services.victims_meeting_threshold(officer, as_of=date(2026, 4, 1)) == [victim]
    services.receive_application(officer, applicant=victim, behaviour="noise", complaints=[])
    assert services.victims_meeting_threshold(officer, as_of=date(2026, 4, 1)) == []  # already applied
