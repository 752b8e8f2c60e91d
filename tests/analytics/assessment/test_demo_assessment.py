"""The demo partnership's assessment runs, and its totals equal a pandas count of the demo's
own police.uk files for Riverford's LSOAs."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.render import map_layers, render_all
from csphub.analytics.geography import load_boundaries, load_lookup, load_population
from csphub.analytics.partner_asb import ingest_partner_asb
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.synthetic import DEMO_AREA, DEMO_LAD, write_demo_sources
from csphub.analytics.synthetic.partner_asb import PARTNER_SOURCE, write_partner_asb_csv
from csphub.analytics.warehouse import open_warehouse


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    sources = write_demo_sources(folder / "src", years=2, end_month=date(2025, 3, 1))
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, sources.lookup)
        load_population(con, sources.population, sources.population_year, "demo")
        for path in (sources.lsoa_boundaries, sources.ward_boundaries):
            load_boundaries(con, path)
        ingest_police_uk(con, sources.street_files)
        partner = write_partner_asb_csv(sources, folder / "src" / "partner" / "council-asb.csv")
        ingest_partner_asb(con, [partner], PARTNER_SOURCE)
        area = add_area(con, DEMO_AREA, [DEMO_LAD])
        figures = build_figures(con, area, AssessmentOptions(FinancialYear(2024), previous_years=1))
        layers = map_layers(con, figures)
    return sources, figures, layers, folder


def test_demo_totals_equal_pandas(demo):
    sources, figures, _, _ = demo
    rows = pd.concat(pd.read_csv(p, dtype=str) for p in sources.street_files)
    lookup = pd.read_csv(sources.lookup, dtype=str, encoding="utf-8-sig")
    riverford = rows[rows["LSOA code"].isin(lookup.loc[lookup.LAD23CD == DEMO_LAD, "LSOA21CD"])]
    year = riverford[riverford.Month >= "2024-04"]
    assert figures["crime"]["total"] == (year["Crime type"] != "Anti-social behaviour").sum()
    assert figures["asb"]["total"] == (year["Crime type"] == "Anti-social behaviour").sum()
    assert figures["coverage"]["partial"] is False


def test_demo_sections_are_meaningful(demo):
    _, figures, _, _ = demo
    assert figures["asb"]["top_wards_share"] > 0.3  # ASB concentrated in a few wards
    assert figures["hotspots"]["asb_hot"]  # a real Gi* hotspot
    months = [m["count"] for m in figures["asb"]["by_month"]]
    assert max(months[2:5]) > min(months[8:11])  # summer above winter


def test_demo_report_renders(demo):
    _, figures, layers, folder = demo
    paths = render_all(figures, layers, folder / "out")
    assert all(p.exists() and p.stat().st_size > 1000 for p in paths)


def test_demo_council_asb_is_broken_down_by_type(demo):
    _, figures, _, folder = demo
    rows = pd.read_csv(folder / "src" / "partner" / "council-asb.csv", dtype=str)
    when = pd.to_datetime(rows["Date Reported"], format="%d/%m/%Y %H:%M")
    year = rows[(when >= "2024-04-01") & (when < "2025-04-01")]
    types = {r["incident_type"]: r["count"] for r in figures["asb"]["by_incident_type"]}
    assert sum(types.values()) == len(year)  # every council incident is in Riverford
    assert types["Not recorded"] == year["ASB Type"].isna().sum()
    assert max(types, key=types.get) == "Rowdy or inconsiderate behaviour"
    assert figures["asb"]["partner_sources"][0]["change"]["basis"] == "the full financial year"
    fireworks = when[rows["ASB Type"] == "Fireworks"].dt.month
    assert fireworks.mode()[0] == 11  # fireworks peak in November
