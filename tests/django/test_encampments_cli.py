"""The encampment and PSPO commands, run in-process against the test database."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from django.utils import timezone

from csphub.accounts.models import Agency
from csphub.audit.models import AuditEntry
from csphub.cli import main
from csphub.encampments import services
from csphub.pspo import services as pspo

from .factories import create_user

pytestmark = pytest.mark.django_db(transaction=True)

SQUARE = {"type": "Polygon", "coordinates": [[[0.54, 51.38], [0.56, 51.38], [0.56, 51.395], [0.54, 51.395],
                                              [0.54, 51.38]]]}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def test_encampments_stats_and_overdue():
    officer = create_user("officer", Agency.objects.create(name="Council", kind="council"))
    site = services.add_site(officer, name="Great Lines", land_owner="council")
    for day in (date(2025, 5, 6), date(2025, 8, 4), date(2024, 6, 3)):
        services.record_incursion(officer, services.IncursionInput(site=site, arrived_at=at(day), vehicles=3))
    result = run("encampments", "stats", "--year", "2025/26", "--today", "2025-09-02", "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert (figures["incursions"], figures["previous"]["incursions"], figures["incursions_percent_change"]) == \
        (2, 1, 100.0)
    assert figures["repeat_sites"] == 1 and figures["sites_map"][0]["incursions"] == 2
    table = run("encampments", "stats", "--year", "2025/26", "--today", "2025-09-02")
    assert table.exit_code == 0 and "incursions +100.0%" in table.output
    bad = run("encampments", "stats", "--year", "2025")
    assert bad.exit_code == 2 and "is not a financial year" in bad.output
    overdue = json.loads(run("encampments", "overdue", "--today", "2025-09-02", "--format", "json").output)
    assert len(overdue) == 3 and "s77 direction to leave served" in overdue[0]["overdue"]
    assert AuditEntry.objects.filter(channel="cli", object_type="encampment_figures", object_id="2025/26").exists()


def test_pspo_list_expiring_and_stats(tmp_path, monkeypatch):
    monkeypatch.setenv("CSPHUB_WAREHOUSE", str(tmp_path / "none.duckdb"))
    officer = create_user("officer", Agency.objects.create(name="Council", kind="council"))
    today = timezone.localdate()
    order = pspo.make_order(officer, pspo.OrderInput(
        name="Town centre alcohol PSPO", made_on=today - timedelta(days=1000), effective_on=today - timedelta(days=1000),
        expires_on=today + timedelta(days=60), area_geojson=json.dumps(SQUARE), prohibitions="Drinking"))
    pspo.record_enforcement(officer, order, pspo.EnforcementInput(
        kind="warning", occurred_at=timezone.now() - timedelta(days=3), latitude=51.388, longitude=0.55))
    listed = json.loads(run("pspo", "list", "--format", "json").output)
    assert [(r["name"], r["status"]) for r in listed] == [("Town centre alcohol PSPO", "expiring")]
    assert len(json.loads(run("pspo", "expiring", "--format", "json").output)) == 1
    assert json.loads(run("pspo", "expiring", "--today", (today - timedelta(days=400)).isoformat(),
                          "--format", "json").output) == []
    stats = run("pspo", "stats")
    assert stats.exit_code == 0, stats.output
    assert "crime and ASB inside the area not known" in stats.output
    rows = json.loads(run("pspo", "stats", "--format", "json").output)
    assert sum(c.get("warning", 0) for c in rows[0]["quarters"].values()) == 1
    assert rows[0]["crime"]["available"] is False
