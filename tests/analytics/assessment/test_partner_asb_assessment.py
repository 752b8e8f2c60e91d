"""ASB by incident type in the assessment, on the hand-made partnership (handmade.py) with partner
ASB files whose counts are set by hand:

Gridshire Council, every month of 2022/23 and 2023/24, in LSOA (0, 0) unless said:
- Noise: 10 a month in 2022/23 (120), 20 a month in 2023/24 (240): a significant rise;
- Vehicle nuisance: 5 a month both years (60), given as latitude/longitude of cell (5, 5);
- Fireworks: 30 in November both years;
- no type recorded: 1 a month in 2023/24 (12), kept as 'Not recorded';
- Begging: 2 in April 2023 (in 2023/24), none the year before;
- Trespass: 4 in May 2022 only (none in 2023/24: shown as 0);
- Noise: 7 in June 2023 in an LSOA outside Gridshire (not counted).
National categories: Noise, Fireworks and Begging 'Nuisance', Vehicle nuisance 'Environmental',
none for the untyped rows.

Gridshire Police CAD: Street drinking, 3 a month in January to March 2024 only (partial, no
previous year).
"""

from __future__ import annotations

import csv
from datetime import date

import pytest

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.render import build_charts, map_layers, render_html, render_xlsx
from csphub.analytics.assessment.tables import report_tables
from csphub.analytics.geography import load_boundaries, load_lookup, load_population
from csphub.analytics.partner_asb import ingest_partner_asb
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse

from . import handmade
from .handmade import LAD, centre, lsoa, months

COUNCIL = "Gridshire Council"
POLICE = "Gridshire Police CAD"


def council_rows() -> list[list[str]]:
    rows = []
    for start in (2022, 2023):
        for month in months(start):
            when = f"12/{month:%m/%Y}"
            noise = 20 if start == 2023 else 10
            rows += [[when, "Noise", "Nuisance", lsoa(0, 0), "", ""]] * noise
            lon, lat = centre(5, 5)
            rows += [[when, "Vehicle nuisance", "Environmental", "", f"{lat}", f"{lon}"]] * 5
            if month.month == 11:
                rows += [[when, "Fireworks", "Nuisance", lsoa(0, 0), "", ""]] * 30
            if start == 2023:
                rows += [[when, "", "", lsoa(0, 0), "", ""]]
    rows += [["03/04/2023", "Begging", "Nuisance", lsoa(0, 0), "", ""]] * 2
    rows += [["20/05/2022", "Trespass", "Nuisance", lsoa(0, 0), "", ""]] * 4
    rows += [["09/06/2023", "Noise", "Nuisance", "E01000001", "", ""]] * 7
    return rows


def write(path, header, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("partner")
    files = handmade.write_partnership(folder / "src")
    council = write(folder / "council.csv", ["Date", "ASB Type", "ASB Category", "LSOA", "Latitude", "Longitude"],
                    council_rows())
    police = write(folder / "cad.csv", ["Incident date", "Incident type", "LSOA21CD"],
                   [[f"2024-{m:02d}-05", "Street drinking", lsoa(3, 3)] for m in (1, 2, 3) for _ in range(3)])
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, files["lookup"])
        load_population(con, files["population"], 2023, "hand-made")
        load_boundaries(con, files["boundaries"])
        ingest_police_uk(con, [files["police"]])
        area = add_area(con, "Gridshire", [LAD])
        summary = ingest_partner_asb(con, [council], COUNCIL, today=date(2025, 1, 1))
        ingest_partner_asb(con, [police], POLICE, today=date(2025, 1, 1))
        figures = build_figures(con, area, AssessmentOptions(FinancialYear(2023), previous_years=1))
        layers = map_layers(con, figures)
    return figures, layers, summary, folder


def test_the_council_file_loaded_whole(built):
    _, _, summary, _ = built
    assert (summary.rows_loaded, summary.rows_quarantined, summary.rows_unplaced) == (
        120 + 240 + 120 + 60 + 12 + 2 + 4 + 7, 0, 0)


def test_incident_types_with_counts_shares_and_change(built):
    figures = built[0]
    asb = figures["asb"]
    council = [r for r in asb["by_incident_type"] if r["source"] == COUNCIL]
    total = 240 + 60 + 30 + 12 + 2
    assert [(r["incident_type"], r["count"], r["previous_count"]) for r in council] == [
        ("Noise", 240, 120), ("Vehicle nuisance", 60, 60), ("Fireworks", 30, 30),
        ("Not recorded", 12, 0), ("Begging", 2, 0), ("Trespass", 0, 4)]
    assert council[0]["share"] == pytest.approx(240 / total, abs=1e-4)
    assert council[0]["change"]["direction"] == "rise" and council[0]["change"]["percent"] == 100.0
    assert council[1]["change"]["direction"] == "no significant change"
    assert council[1]["change"]["basis"] == "the full financial year"
    assert sum(r["share"] for r in council) == pytest.approx(1.0, abs=1e-3)
    categories = {(r["source"], r["national_category"]): (r["count"], r["previous_count"])
                  for r in asb["by_national_category"]}
    assert categories == {(COUNCIL, "Nuisance"): (272, 154), (COUNCIL, "Environmental"): (60, 60),
                          (COUNCIL, "Not recorded"): (12, 0)}


def test_partners_are_kept_apart_and_police_uk_asb_is_unchanged(built):
    figures = built[0]
    asb = figures["asb"]
    assert asb["total"] == 852  # police.uk ASB, as in test_known_answers
    police = [r for r in asb["by_incident_type"] if r["source"] == POLICE]
    assert [(r["incident_type"], r["count"], r["share"], r["previous_count"], r["change"]) for r in police] == [
        ("Street drinking", 9, 1.0, None, None)]
    sources = {s["source"]: s for s in asb["partner_sources"]}
    assert sources[COUNCIL]["total"] == 344 and sources[COUNCIL]["partial"] is False
    assert sources[POLICE]["months_with_data"] == 3 and sources[POLICE]["partial"] is True
    assert sources[POLICE]["change"] is None
    assert asb["by_incident_type_source"] == f"partner ASB data: {COUNCIL}, {POLICE}"
    assert "neither added to police.uk's count" in asb["by_incident_type_note"]
    assert asb["partner_unplaced"] == 0


def test_narrative_names_the_commonest_type_and_significant_changes(built):
    text = " ".join(built[0]["narrative"])
    assert f"In the ASB records of {COUNCIL}, the most common incident type was Noise (70% of 344 incidents)." in text
    assert "Noise +100%" in text


def test_the_report_shows_the_breakdown(built):
    figures, layers, _, folder = built
    tables = report_tables(figures)
    html = render_html(figures, tables, build_charts(figures, layers))
    assert f"ASB by incident type (partner data: {COUNCIL}, {POLICE})" in html
    assert "Vehicle nuisance" in html
    assert 'alt="ASB by incident type (Gridshire Council)"' in html
    from openpyxl import load_workbook

    render_xlsx(tables, folder / "assessment.xlsx")
    book = load_workbook(folder / "assessment.xlsx")
    sheet = book["ASB types"]
    assert [c.value for c in sheet[2]][:2] == ["Incident type", "Partner"]
    assert [c.value for c in sheet[3]][:4] == ["Noise", COUNCIL, 240, 0.698]  # a share, as a number
    assert sheet[3][3].number_format == "0.0%"
    assert "ASB categories" in book.sheetnames
