"""The demo's casework: agencies, users of every role, and cases that obey the rules."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from csphub.accounts.models import Membership
from csphub.casework.demo import DEMO_USERS, reset_demo_passwords, seed_casework
from csphub.casework.models import AsbCase, CaseType, Intervention

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def lsoas():
    corners = [(0.0, 51.0), (0.01, 51.0), (0.01, 51.01), (0.0, 51.01)]
    return [SimpleNamespace(ward_code=f"E0599900{i}", ward_name=name, corners=corners)
            for i, name in enumerate(["Town Centre", "Castle", "Northgate", "Brookside"])]


@pytest.fixture
def seeded():
    for name in ["Neighbour dispute", "Noise nuisance", "Youth ASB / street group", "Greenspace ASB", "Street drinking",
                 "Drug-related ASB", "Cuckooing", "Rough sleeping / tents", "Unauthorised encampment",
                 "Nuisance vehicles", "Hate-related ASB", "Environmental ASB"]:
        CaseType.objects.get_or_create(name=name)
    return seed_casework(lsoas(), ["Town Centre", "Castle"], cases=60, seed=7, today=TODAY)


def test_the_demo_makes_one_user_of_each_role_who_can_sign_in(seeded):
    assert {m.role for m in Membership.objects.all()} == {"officer", "supervisor", "analyst", "agency_admin",
                                                         "partnership_admin"}
    username, password, _, _ = seeded.logins[0]
    user = get_user_model().objects.get(username=username)
    assert user.check_password(password)
    new = reset_demo_passwords()
    assert [u for u, *_ in new] == [u[0] for u in DEMO_USERS]
    user.refresh_from_db()
    assert not user.check_password(password) and user.check_password(new[0][1])


def test_demo_cases_concentrate_in_hotspot_wards_and_grow_year_on_year(seeded):
    cases = AsbCase.objects.select_related("location")
    assert cases.count() == 60 == seeded.cases
    in_hotspots = sum(c.location.ward_name in ("Town Centre", "Castle") for c in cases)
    assert in_hotspots / 60 > 0.6  # 65% go to hotspots, plus their share of the rest
    recent = cases.filter(opened_on__gt=date(2025, 11, 22)).count()
    assert recent > 60 - recent


def test_every_demo_notice_follows_a_written_warning_for_the_same_conduct(seeded):
    for notice in Intervention.objects.filter(kind="cpn"):
        assert Intervention.objects.filter(kind="cpw", person=notice.person, conduct=notice.conduct,
                                           written=True, issued_on__lt=notice.issued_on).exists()


def test_the_demo_seeds_panels_an_iom_cohort_and_case_reviews(seeded):
    from csphub.casereview.models import CaseReviewApplication
    from csphub.panels.models import Cohort, Panel
    from csphub.panels.services import cohort_harm_report

    assert Panel.objects.get(kind="complex_needs").cohort_cap == 20
    cohort = Cohort.objects.get(name="IOM fixed")
    report = cohort_harm_report(cohort, as_of=TODAY, index="Demo harm index (illustrative, not the Cambridge CHI)")
    assert report.members and report.harm_before > report.harm_during  # offending falls on IOM, as in the seed
    assert CaseReviewApplication.objects.count() == seeded.panels["case_reviews"] > 0


def test_the_demo_runs_one_case_review_to_its_recommendations(seeded):
    from csphub.casereview.models import Recommendation, ReviewMeeting

    meeting = ReviewMeeting.objects.get(independent_chair="Chair of the Aldshire Victims' Forum")
    assert meeting.application.case_links.count() == 1 and meeting.attendances.count() == 3
    recommendations = Recommendation.objects.filter(application=meeting.application)
    assert sorted((r.owner_agency.name, r.is_overdue(TODAY)) for r in recommendations) == [
        ("Aldshire Police", False), ("Riverford Homes", True)]
