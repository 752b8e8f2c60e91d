"""The Daily Dial In commands, run in-process against the test database."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from django.core import mail

from csphub.cli import main
from csphub.dialin import operations
from csphub.dialin.models import DialInEntry, EntryType, OutputKind

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def officer():
    # A transactional test flushes seeded rows: make sure the lists exist.
    for name in ("Noise nuisance", "Youth ASB"):
        EntryType.objects.get_or_create(name=name)
    for name in ("Arrests", "Stop-searches"):
        OutputKind.objects.get_or_create(name=name)
    create_agency("Medway Council")
    return create_user("officer", create_agency("Kent Police", "police"), "pc.smith")


def test_upload_refuses_bad_rows_to_quarantine_and_adds_nothing_twice(officer, tmp_path):
    today = (date.today() - timedelta(days=1)).isoformat()  # last night: early hours of today may be ahead
    log = tmp_path / "overnight.csv"
    log.write_text("occurred_at,type,account,postcode,reference\n"
                   f"{today} 01:10,Noise nuisance,Party,ME7 1AA,CAD 1\n"
                   f"{today} 02:00,Youth ASB,,ME7 1AA,CAD 2\n"
                   f"{today} 03:00,youth asb,Stones thrown,ME4 4TZ,CAD 3\n")
    refused = tmp_path / "refused.csv"
    first = run("dialin", "upload", str(log), "--as", "pc.smith", "--quarantine", str(refused))
    assert first.exit_code == 1
    assert "2 entries added, 0 already there, 1 rows refused" in first.output
    assert "overnight.csv, line 3, field 'account': got ''; expected a short account" in first.output
    rows = list(csv.DictReader(refused.open()))
    assert [(r["line"], r["reference"]) for r in rows] == [("3", "CAD 2")]
    again = run("dialin", "upload", str(log), "--as", "pc.smith")
    assert "0 entries added, 2 already there" in again.output
    assert DialInEntry.objects.count() == 2 and {e.source for e in DialInEntry.objects.all()} == {"cli"}


def test_distribution_digest_email_figures_and_quarters(officer, tmp_path):
    assert run("dialin", "distribution", "set", "kent police", "--email", "nt@kent.example").exit_code == 0
    bad = run("dialin", "distribution", "set", "Kent Police", "--email", "not an address")
    assert bad.exit_code == 1 and "Not email addresses" in bad.output
    listed = json.loads(run("dialin", "distribution", "list", "--format", "json").output)
    assert listed == [{"agency": "Kent Police", "emails": "nt@kent.example"}]
    log = tmp_path / "log.csv"
    log.write_text(f"occurred_at,type,account,ward\n{date.today() - timedelta(days=1)} 01:10,Noise nuisance,Party at number 4,River\n")
    run("dialin", "upload", str(log), "--as", "pc.smith")
    digest = run("dialin", "digest", "--email", "--format", "json", "--site-url", "https://csphub.example/")
    assert json.loads(digest.stdout) == [{"ward": "River", "type": "Noise nuisance", "entries": 1}]
    assert len(mail.outbox) == 1 and "number 4" not in mail.outbox[0].body
    assert f"https://csphub.example/dial-in/digest/?day={date.today()}" in mail.outbox[0].body
    figures = json.loads(run("dialin", "figures", "--format", "json").output)
    assert {"measure": "by_ward", "category": "River", "count": 1} in figures
    op = operations.plan_operation(officer, name="Operation Ratify", aim="Mopeds", starts_on=date(2022, 4, 1))
    operations.record_output(officer, op, kind="Arrests", quantity=30, on=date(2022, 5, 1))
    operations.record_output(officer, op, kind="Stop-searches", quantity=38, on=date(2022, 7, 1))
    quarters = json.loads(run("dialin", "quarters", "--format", "json").output)
    assert quarters == [{"quarter": "2022/23 Q1", "output": "Arrests", "total": "30"},
                        {"quarter": "2022/23 Q2", "output": "Stop-searches", "total": "38"}]
    assert run("dialin", "distribution", "remove", "Kent Police").exit_code == 0
