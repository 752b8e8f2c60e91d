"""The demo's Daily Dial In: two weeks of entries whose prompts fire, an operation, an initiative."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from csphub.casework.demo import seed_casework
from csphub.casework.models import CaseType
from csphub.dialin import operations, services
from csphub.dialin.demo import seed_dialin
from csphub.dialin.models import DialInEntry, Operation, PlaceInitiative

from .test_demo_casework import lsoas

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    for name in ["Neighbour dispute", "Noise nuisance", "Youth ASB / street group", "Greenspace ASB", "Street drinking",
                 "Drug-related ASB", "Cuckooing", "Rough sleeping / tents", "Unauthorised encampment",
                 "Nuisance vehicles", "Hate-related ASB", "Environmental ASB"]:
        CaseType.objects.get_or_create(name=name)
    seed_casework(lsoas(), ["Town Centre", "Castle"], cases=40, seed=7)
    users = {u.username: u for u in get_user_model().objects.all()}
    return users, seed_dialin(users, seed=7)


def test_two_weeks_of_entries_from_several_agencies(seeded):
    users, made = seeded
    today = timezone.localdate()
    days = set(DialInEntry.objects.values_list("dial_in_on", flat=True))
    assert days == {today - timedelta(days=n) for n in range(14)}
    assert made["entries"] == DialInEntry.objects.count() >= 14 * 4
    assert DialInEntry.objects.values("agency").distinct().count() >= 4
    assert made["cases"] == 2 == DialInEntry.objects.filter(case__isnull=False, incident__isnull=False).count()


def test_the_demo_morning_view_has_prompts(seeded):
    users, _ = seeded
    kinds = set()
    for back in range(14):
        view = services.morning(users["asb.officer"], timezone.localdate() - timedelta(days=back))
        kinds |= {p.kind for _, types in view.groups for _, rows in types for r in rows for p in r.prompts}
    assert {"open_case_place", "repeat_location"} <= kinds


def test_the_demo_operation_and_initiative(seeded):
    users, _ = seeded
    ratify = Operation.objects.get(name="Operation Ratify")
    totals = {str(k): v for k, v in operations.operation_totals(ratify)}
    assert totals["Arrests"] == 30 and totals["Vehicles seized"] == 50 and totals["Stop-searches"] == 38
    initiative = PlaceInitiative.objects.get()
    assert [p.name for p in initiative.phases.all()] == ["Clear", "Hold", "Build"]
    assert initiative.comparison_geojson
