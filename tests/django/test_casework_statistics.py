"""Statistics an analyst can use (issue 12, item 10): a period (financial year, quarter or two
dates) against the same number of days a year earlier, breakdowns by ward, type of case and tool,
charts drawn on the server with a table beside each, CSV and Excel exports, plain words.

The hand-made world, checked by hand:

2025/26 (1 April 2025 to 31 March 2026)
- A: Noise nuisance at 1 Abbey Street (Abbey), opened 1 May 2025: 3 incidents; a CPW.
- B: Neighbour dispute at 2 Castle Street (Castle), opened 1 August 2025: 1 incident; an ABC.
- C: Noise nuisance, no location, opened 1 September 2025: 1 incident at 2 Castle Street.
2024/25
- D: Noise nuisance at 1 Abbey Street, opened 1 May 2024: 2 incidents; a CPW.
Another agency's case E (2025/26, 4 incidents in Abbey) is not counted for the council's analyst.

So: service requests 5 against 2 (up 150.0%); cases opened 3 against 1 (up 200.0%); by ward Abbey
3 against 2 (up 50.0%), Castle 2 against 0 (no comparison); by type Noise nuisance 2 against 1,
Neighbour dispute 1 against 0; tools: a CPW each year (no change), an ABC against none.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from csphub.audit.models import AuditEntry
from csphub.casework import pages, services
from csphub.casework.models import Location
from csphub.casework.stats import MEASURE_LABELS, comparison_period, financial_period
from csphub.dates import FinancialYear

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 21))


def _place(officer: Any, address: str, ward: str) -> Location:
    location = services.location_for(officer, address=address)
    location.ward_name = ward
    location.save()
    return location


def _incidents(officer: Any, case: Any, days: list[date], location: Location | None = None) -> None:
    for day in days:
        services.record_incident(officer, case, occurred_at=at(day), description="Noise", reported_on=day,
                                 location=location)


@pytest.fixture
def world() -> dict[str, Any]:
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "jo.officer")
    analyst = create_user("analyst", council, "ana.analyst")
    abbey, castle = _place(officer, "1 Abbey Street", "Abbey"), _place(officer, "2 Castle Street", "Castle")
    subject = create_person(officer, date_of_birth=date(1980, 1, 1))
    a = create_case(officer, location=abbey, opened_on=date(2025, 5, 1))
    _incidents(officer, a, [date(2025, 5, 2), date(2025, 6, 1), date(2025, 7, 1)])
    services.add_party(officer, a, subject, "subject")
    services.issue_intervention(officer, a, kind="cpw", person=subject, conduct="Noise", issued_on=date(2025, 6, 10))
    b = create_case(officer, case_type="Neighbour dispute", location=castle, opened_on=date(2025, 8, 1))
    _incidents(officer, b, [date(2025, 8, 2)])
    services.add_party(officer, b, subject, "subject")
    services.issue_intervention(officer, b, kind="abc", person=subject, conduct="Shouting", issued_on=date(2025, 8, 10))
    c = create_case(officer, opened_on=date(2025, 9, 1))
    _incidents(officer, c, [date(2025, 9, 2)], location=castle)
    d = create_case(officer, location=abbey, opened_on=date(2024, 5, 1))
    _incidents(officer, d, [date(2024, 5, 2), date(2024, 6, 1)])
    services.add_party(officer, d, subject, "subject")
    services.issue_intervention(officer, d, kind="cpw", person=subject, conduct="Noise", issued_on=date(2024, 6, 1))
    police = create_user("officer", create_agency("Police", "police"), "pc.police")
    e = create_case(police, location=abbey, opened_on=date(2025, 5, 1))
    _incidents(police, e, [date(2025, 5, 3)] * 4)
    return {"officer": officer, "analyst": analyst}


def _breakdown(figures: dict[str, Any], key: str) -> dict[str, tuple[int, int, str]]:
    found = next(b for b in figures["breakdowns"] if b["key"] == key)
    return {r["label"]: (r["count"], r["previous_count"], r["change_words"]) for r in found["rows"]}


def test_the_counts_the_change_and_the_breakdowns_checked_by_hand(world):
    figures = pages.statistics(world["analyst"], (date(2025, 4, 1), date(2026, 3, 31)))
    head = {r["measure"]: r for r in figures["headline"]}
    assert (head["service_requests"]["count"], head["service_requests"]["previous_count"]) == (5, 2)
    assert head["service_requests"]["change_words"] == "up 150.0%"
    assert (head["cases_opened"]["count"], head["cases_opened"]["previous_count"]) == (3, 1)
    assert head["cases_opened"]["change_words"] == "up 200.0%"
    assert _breakdown(figures, "ward") == {"Abbey": (3, 2, "up 50.0%"), "Castle": (2, 0, "no comparison")}
    assert _breakdown(figures, "case_type") == {"Noise nuisance": (2, 1, "up 100.0%"),
                                                "Neighbour dispute": (1, 0, "no comparison")}
    assert _breakdown(figures, "tool") == {"Community Protection Warning": (1, 1, "no change"),
                                           "Acceptable Behaviour Contract": (1, 0, "no comparison")}
    assert (figures["previous_start"], figures["previous_end"], figures["days"]) == (date(2024, 4, 1),
                                                                                     date(2025, 3, 31), 365)
    assert figures["earlier_has_data"] is True


def test_the_earlier_period_is_as_long_as_this_one():
    # 1 February to 31 March 2024 holds 29 February: 60 days, so the earlier period runs to 1 April 2023.
    assert comparison_period(date(2024, 2, 1), date(2024, 3, 31)) == (date(2023, 2, 1), date(2023, 4, 1))
    assert financial_period(FinancialYear(2025), 2, date(2026, 12, 2)) == (date(2025, 7, 1), date(2025, 9, 30))
    assert financial_period(FinancialYear(2026), None, date(2026, 12, 2)) == (date(2026, 4, 1), date(2026, 12, 2))


def test_an_earlier_period_with_nothing_says_no_comparison_not_plus_100(client: Client, world):
    client.force_login(world["analyst"])
    page = client.get("/statistics/?year=2024")  # 2024/25, against 2023/24, when nothing was recorded
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nothing was recorded in the same period a year earlier, so there is no comparison." in text
    headline_table = text.split('id="headline"')[1].split("<table")[1].split("</table>")[0]
    assert "no comparison" in headline_table and "%" not in headline_table
    figures = page.context["figures"]
    assert figures["earlier_has_data"] is False
    assert _breakdown(figures, "ward") == {"Abbey": (2, 0, "no comparison")}


def test_the_page_takes_a_quarter_or_two_dates_and_says_what_is_wrong(client: Client, world):
    client.force_login(world["analyst"])
    quarter = client.get("/statistics/?year=2025&quarter=2")  # July to September 2025: B and C opened; incidents on A, B, C
    head = {r["measure"]: r["count"] for r in quarter.context["figures"]["headline"]}
    assert head["cases_opened"] == 2 and head["service_requests"] == 3
    assert "1 July 2025 to 30 September 2025 (92 days), compared with 1 July 2024 to 30 September 2024" in (
        quarter.content.decode())
    dates = client.get("/statistics/?period_from-day=1&period_from-month=5&period_from-year=2025"
                       "&period_to-day=31&period_to-month=5&period_to-year=2025")
    assert {r["measure"]: r["count"] for r in dates.context["figures"]["headline"]}["cases_opened"] == 1
    wrong = client.get("/statistics/?period_from-day=31&period_from-month=5&period_from-year=2025"
                       "&period_to-day=1&period_to-month=5&period_to-year=2025")
    assert "<title>Error: Casework statistics" in wrong.content.decode()
    assert "The last day must be the same as or after the first day" in wrong.content.decode()
    future = client.get("/statistics/?year=2026&quarter=4")
    assert "January to March 2026/27 has not started yet" in future.content.decode()


def test_charts_are_inline_svg_with_a_title_and_a_table_beside_them(client: Client, world):
    client.force_login(world["analyst"])
    text = client.get("/statistics/?year=2025").content.decode()
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="csphub-chart" role="img"') == 4
    assert '<title id="chart-ward-title">Service requests by ward</title>' in text
    assert "Abbey: 3 (This period), 2 (A year earlier)" in text  # the chart's description
    ward_table = text.split('id="table-ward"')[1].split("</table>")[0]
    assert ">Abbey</th>" in ward_table and ">Castle</th>" in ward_table
    assert "<script" not in text.split('id="headline"')[1].split("</main>")[0]  # drawn, not scripted


def test_every_label_is_in_plain_words(client: Client, world):
    figures = pages.statistics(world["analyst"], (date(2025, 4, 1), date(2026, 3, 31)))
    labels = [*MEASURE_LABELS.values(), *[r["label"] for r in figures["headline"]],
              *[r["label"] for r in figures["rows"]], *[r["category_label"] for r in figures["rows"]],
              *[b["title"] for b in figures["breakdowns"]], *[r["label"] for b in figures["breakdowns"] for r in b["rows"]]]
    assert labels and not [label for label in labels if "_" in label]
    client.force_login(world["analyst"])
    text = client.get("/statistics/?year=2025").content.decode()
    assert "service_requests" not in text and "cases_opened" not in text


def test_the_csv_holds_the_figures_and_the_export_is_audited(client: Client, world):
    client.force_login(world["analyst"])
    got = client.get("/statistics/?year=2025&format=csv")
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    assert 'filename="casework-statistics-2025-04-01-to-2026-03-31.csv"' in got["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Measure", "Category", "This period", "A year earlier", "Change", "Change in words"]
    assert ["Casework", "Service requests (incidents reported)", "All", "5", "2", "150.0%", "up 150.0%"] in rows
    assert ["Service requests by ward", "Service requests", "Abbey", "3", "2", "50.0%", "up 50.0%"] in rows
    assert ["Service requests by ward", "Service requests", "Castle", "2", "0", "", "no comparison"] in rows
    assert ["Tools and powers issued, by kind", "Tools and powers issued", "Acceptable Behaviour Contract",
            "1", "0", "", "no comparison"] in rows
    assert not [r for r in rows if "_" in r[1] or "_" in r[2]]
    entry = AuditEntry.objects.filter(user=world["analyst"], action=AuditEntry.Action.EXPORTED,
                                      object_type="statistics").get()
    assert entry.purpose == "statistics export (csv)" and entry.summary == "2025-04-01 to 2026-03-31"


def test_the_excel_file_keeps_figures_as_numbers(client: Client, world, tmp_path):
    client.force_login(world["analyst"])
    got = client.get("/statistics/?year=2025&format=xlsx")
    path = tmp_path / "stats.xlsx"
    path.write_bytes(got.content)
    sheet = load_workbook(path)["Statistics"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith("Casework statistics 01 April 2025 to 31 March 2026, against 01 April 2024")
    ward = next(r for r in rows if r[0] == "Service requests by ward" and r[2] == "Abbey")
    assert ward[3:6] == [3, 2, 0.5]


def test_an_unknown_format_is_not_found_and_an_officer_is_refused(client: Client, world):
    client.force_login(world["analyst"])
    assert client.get("/statistics/?format=pdf").status_code == 404
    client.force_login(world["officer"])
    assert client.get("/statistics/?format=csv").status_code == 403
