"""The demo's encampments and PSPOs: every page and figure has something to show, and the
records obey the rules (they are made through the services)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from csphub.casework.demo import seed_casework
from csphub.casework.models import CaseType
from csphub.dates import FinancialYear
from csphub.encampments import services
from csphub.encampments.demo import seed_encampments
from csphub.encampments.models import Incursion, TentCase
from csphub.pspo import services as pspo
from csphub.pspo.demo import seed_pspos
from csphub.pspo.models import Enforcement, Order

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
WARDS = ["Town Centre", "Castle", "Northgate", "Brookside"]


def lsoas():
    cells = []
    for i in range(8):
        x, y = 0.01 * (i % 4), 51.0 + 0.01 * (i // 4)
        corners = [(x, y), (x + 0.01, y), (x + 0.01, y + 0.01), (x, y + 0.01)]
        cells.append(SimpleNamespace(ward_code=f"E0599900{i % 4}", ward_name=WARDS[i % 4], corners=corners))
    return cells


@pytest.fixture
def seeded():
    for name in ["Neighbour dispute", "Noise nuisance", "Rough sleeping / tents", "Unauthorised encampment"]:
        CaseType.objects.get_or_create(name=name)
    seed_casework(lsoas(), ["Town Centre", "Castle"], cases=40, seed=7, today=TODAY)
    return seed_encampments(lsoas(), seed=7, today=TODAY), seed_pspos(lsoas(), ["Town Centre", "Castle"], seed=7,
                                                                       today=TODAY)


def test_the_demo_seeds_every_kind_of_record(seeded):
    camps, orders = seeded
    assert camps["sites"] == 8 and camps["incursions"] == Incursion.objects.count() >= 20
    assert camps["tents"] == TentCase.objects.count() == 12
    assert orders["orders"] == Order.objects.count() == 2 and orders["refused_above_cap"] == 2
    assert orders["documents"] == 1 and Order.objects.get(name__contains="alcohol").documents.get().content_type \
        .endswith("wordprocessingml.document")
    assert Enforcement.objects.filter(kind="fpn", paid_on__isnull=False).exists()
    assert Enforcement.objects.exclude(prosecution="").exists()
    assert seed_encampments(lsoas(), seed=7, today=TODAY) == {}  # run again: nothing added


def test_the_demo_figures_say_something(seeded):
    analyst = get_user_model().objects.get(username="csp.analyst")
    this = services.figures(analyst, FinancialYear(2026), today=TODAY)
    last = services.figures(analyst, FinancialYear(2025), today=TODAY)
    assert this["incursions"] >= 12 and last["incursions"] == 7 and this["repeat_sites"] >= 1
    assert this["median_days_on_site"] is not None and this["costs"] > 0 and "s77" in this["median_working_days_to"]
    statuses = {o.name: o.status(TODAY) for o in Order.objects.all()}
    assert statuses == {"Riverford town centre alcohol PSPO": "in force",
                        "Riverford nuisance vehicles and car meets PSPO": "expiring"}
    rows = pspo.figures(analyst, today=TODAY)
    assert all(r["quarters"] for r in rows)


def test_every_demo_page_answers(client: Client, seeded):
    officer = get_user_model().objects.get(username="asb.officer")
    client.force_login(officer)
    incursion = Incursion.objects.first()
    order = Order.objects.first()
    for path in ["/encampments/", f"/encampments/{incursion.pk}/", f"/encampments/sites/{incursion.site_id}/",
                 "/encampments/sites/", "/encampments/tents/", f"/encampments/tents/{TentCase.objects.first().pk}/",
                 "/pspos/", f"/pspos/{order.pk}/", f"/pspos/enforcement/{Enforcement.objects.first().pk}/"]:
        assert client.get(path).status_code == 200, path
    client.force_login(get_user_model().objects.get(username="csp.analyst"))
    assert client.get("/encampments/figures/").status_code == 200
    assert client.get("/pspos/figures/").status_code == 200
