"""Panels: confidentiality to members, referral decisions, the cohort cap, agenda building,
actions, and cohort harm from loaded weights."""

from __future__ import annotations

from datetime import date

import pytest

from csphub.access import policy
from csphub.errors import InputFileError, NotFoundError, RuleRefused
from csphub.panels import services
from csphub.panels.models import Cohort, CohortMembership, Offence, Panel

from .factories import create_agency, create_person, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_world():
    council, police, housing = create_agency("Council"), create_agency("Police", "police"), create_agency("Housing", "housing")
    panel = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability", cohort_cap=2)
    panel.members.set([council, police])
    referrer = create_user("officer", council, "ref")
    return panel, council, police, housing, referrer


def test_panel_records_are_visible_only_to_member_agencies(panel_world):
    panel, council, police, housing, referrer = panel_world
    person = create_person(referrer, first_name="Pat")
    referral = services.refer_to_panel(referrer, panel, person=person, reason="Repeat victim", consent="given")
    police_officer, housing_officer = create_user("officer", police), create_user("officer", housing)
    police_analyst = create_user("analyst", police)
    assert list(policy.panel_referrals(police_officer)) == [referral]
    assert list(policy.panel_referrals(housing_officer)) == []
    assert list(policy.panel_referrals(police_analyst)) == []
    with pytest.raises(NotFoundError):
        services.get_referral(housing_officer, referral.pk)
    # Membership of the panel lets police see the referred person; housing still cannot.
    assert policy.can_view_person(police_officer, person)
    assert not policy.can_view_person(housing_officer, person)


def test_decisions_follow_the_lifecycle_and_the_cohort_cap(panel_world):
    panel, council, police, housing, referrer = panel_world
    people = [create_person(referrer, first_name=n) for n in ("A", "B", "C")]
    referrals = [services.refer_to_panel(referrer, panel, person=p, reason="r", consent="given") for p in people]
    with pytest.raises(RuleRefused, match="already has an open referral"):
        services.refer_to_panel(referrer, panel, person=people[0], reason="again", consent="given")
    services.decide(referrer, referrals[0], "adopted", on=date(2026, 5, 1))
    services.decide(referrer, referrals[1], "adopted", on=date(2026, 5, 1))
    with pytest.raises(RuleRefused) as full:
        services.decide(referrer, referrals[2], "adopted")
    assert full.value.rule == "cohort_cap_reached" and "at most 2" in full.value.reason
    # In custody keeps the place (and the record open); closing frees it.
    services.decide(referrer, referrals[0], "in_custody")
    with pytest.raises(RuleRefused):
        services.decide(referrer, referrals[2], "adopted")
    with pytest.raises(RuleRefused, match="reasons"):
        services.decide(referrer, referrals[1], "closed")
    services.decide(referrer, referrals[1], "closed", reason="Risk reduced; engaging with treatment")
    services.decide(referrer, referrals[2], "adopted")
    assert services.cohort_size(panel) == 2
    with pytest.raises(RuleRefused, match="cannot become adopted"):
        services.decide(referrer, referrals[1], "adopted")


def test_the_agenda_lists_new_referrals_then_due_reviews(panel_world):
    panel, council, police, housing, referrer = panel_world
    panel.cohort_cap = None
    panel.save()
    a, b, c, d = (create_person(referrer, first_name=n) for n in "ABCD")
    old = services.refer_to_panel(referrer, panel, person=a, reason="r", consent="given")
    old.referred_on = date(2026, 4, 1)
    old.save()
    new = services.refer_to_panel(referrer, panel, person=b, reason="r", consent="given")
    new.referred_on = date(2026, 4, 20)
    new.save()
    due = services.refer_to_panel(referrer, panel, person=c, reason="r", consent="given")
    services.decide(referrer, due, "adopted", on=date(2026, 3, 20))  # review due 17 Apr (28 days)
    later = services.refer_to_panel(referrer, panel, person=d, reason="r", consent="given")
    services.decide(referrer, later, "adopted", on=date(2026, 4, 20))  # review due 18 May
    meeting = services.hold_meeting(referrer, panel, held_on=date(2026, 4, 30), agencies=[council, police])
    agenda = [(item.kind, item.referral_id) for item in meeting.agenda.all()]
    assert agenda == [("new", old.pk), ("new", new.pk), ("review", due.pk)]


def test_actions_belong_to_member_agencies_and_carry_rag(panel_world):
    panel, council, police, housing, referrer = panel_world
    referral = services.refer_to_panel(referrer, panel, person=create_person(referrer), reason="r", consent="given")
    with pytest.raises(RuleRefused, match="not a member"):
        services.add_action(referrer, referral, description="Housing visit", owner_agency=housing, due_on=date(2026, 6, 1))
    action = services.add_action(referrer, referral, description="Joint visit", owner_agency=police, due_on=date(2026, 6, 1))
    assert action.rag == "red"
    services.update_action(referrer, action, "green")
    assert [h.rag for h in action.history.order_by("history_date")] == ["red", "green"]


def test_cohort_harm_report_from_loaded_weights(panel_world, tmp_path):
    panel, council, police, housing, referrer = panel_world
    weights = tmp_path / "harm.csv"
    weights.write_text("Offence,Weight\nBurglary,730\nShoplifting,2\n", encoding="utf-8")
    assert services.load_harm_weights(weights) == 2
    person = create_person(referrer)
    cohort = Cohort.objects.create(name="IOM fixed", panel=panel)
    CohortMembership.objects.create(cohort=cohort, person=person, entered_on=date(2025, 1, 1))
    Offence.objects.create(person=person, offence="Burglary", committed_on=date(2024, 6, 1))
    Offence.objects.create(person=person, offence="Shoplifting", committed_on=date(2025, 6, 1))
    report = services.cohort_harm_report(cohort, as_of=date(2026, 1, 1))
    assert (report.harm_before, report.harm_during) == (730.0, 2.0)


def test_a_bad_harm_weights_file_names_the_line_and_field(tmp_path):
    path = tmp_path / "harm.csv"
    path.write_text("offence,weight\nBurglary,730\nTheft,lots\n", encoding="utf-8")
    with pytest.raises(InputFileError) as bad:
        services.load_harm_weights(path)
    message = str(bad.value)
    assert "line 3" in message and "weight" in message and "lots" in message
