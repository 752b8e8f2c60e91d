"""The HTML report's wording (issue 13, "Found", last bullet, the parts outside Word and Excel):
months by name ("Apr 2024", never "2024-04" or "24-04"), populations as whole numbers, the
population's source by name (never a local file path), no heading printed twice, and the
grammar of the partial-data banner and the hotspot sentences.

Real data: Medway from the four Kent files (Jan-Apr 2024), the population loaded without
``--source`` (so the warehouse holds the file's path), assessed for 2024/25 (April 2024 only)."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures
from csphub.analytics.assessment.narrative import hotspot_sentences, prompts
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.render import render_html
from csphub.analytics.assessment.tables import report_tables
from csphub.analytics.geography import load_lookup, load_population
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse

MEDWAY = "E06000035"
#: a YYYY-MM month key as printed (not the generation time's YYYY-MM-DD)
MONTH_KEY = re.compile(r"\b20\d\d-(0[1-9]|1[0-2])\b(?!-)")


class _Text(HTMLParser):
    """Visible text, and the text of each heading and table caption."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.headings: list[str] = []
        self._in: str | None = None
        self._skip = False

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip = True
        if tag in ("h1", "h2", "h3", "h4", "caption"):
            self._in, self.headings = tag, [*self.headings, ""]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip = False
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._in:
            self.headings[-1] += data


def _read(html: str) -> _Text:
    parsed = _Text()
    parsed.feed(html)
    return parsed


@pytest.fixture(scope="module")
def medway(shared_data, tmp_path_factory):
    with open_warehouse(tmp_path_factory.mktemp("wording") / "w.duckdb") as con:
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        load_population(con, shared_data / "ons" / "lsoa21_population.csv", 2021)  # no source given
        ingest_police_uk(con, [shared_data / "police-uk" / "kent"])
        area = add_area(con, "Medway", [MEDWAY])
        figures = build_figures(con, area, AssessmentOptions(FinancialYear(2024), previous_years=1,
                                                             permutations=99))
    return figures, render_html(figures, report_tables(figures), [])


def test_the_population_source_is_named_never_a_local_path(shared_data, medway):
    figures, html = medway
    assert figures["population"]["source"] == "lsoa21_population.csv"
    assert str(shared_data) not in html and "/ons/lsoa21_population.csv" not in html
    assert "Population: lsoa21_population.csv (2021)" in html


def test_ward_populations_are_whole_numbers_equal_to_pandas(shared_data, medway):
    figures, _ = medway
    lookup = pd.read_csv(shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv", dtype=str, encoding="utf-8-sig")
    lookup = lookup[lookup.LAD23CD == MEDWAY]
    population = pd.read_csv(shared_data / "ons" / "lsoa21_population.csv", encoding="utf-8-sig")
    by_ward = lookup.merge(population, left_on="LSOA21CD", right_on="lsoacd").groupby("WD23NM").population.sum()
    wards = next(t for t in report_tables(figures) if t.key == "Wards")
    printed = {row[0]: row[1] for row in wards.rows}
    assert printed == {name: f"{int(round(n)):,}" for name, n in by_ward.items()}  # "11,316", not "11,316.0"


def test_months_are_named_in_the_report(medway):
    figures, html = medway
    text = " ".join(_read(html).parts)
    assert MONTH_KEY.findall(text) == []
    seasonality = next(t for t in report_tables(figures) if t.key == "Seasonality")
    assert [row[0] for row in seasonality.rows][:2] == ["Apr 2024", "May 2024"]
    assert "(missing: May 2024, Jun 2024, Jul 2024" in text


def test_no_heading_or_table_title_is_printed_twice(medway):
    _, html = medway
    headings = [h.strip() for h in _read(html).headings]
    assert len(headings) > 20
    assert sorted({h for h in headings if headings.count(h) > 1}) == []


def test_the_banner_counts_months_in_good_grammar(medway):
    figures, html = medway
    text = re.sub(r"\s+", " ", " ".join(_read(html).parts))
    assert "1 of 12 months is present" in text and "months are present" not in text
    one_flagged = copy.deepcopy(figures)
    one_flagged["coverage"]["months_incomplete"] = ["2024-04"]
    text = re.sub(r"\s+", " ", " ".join(_read(render_html(one_flagged, report_tables(one_flagged), [])).parts))
    assert "this month looks incomplete: Apr 2024" in text
    two = copy.deepcopy(figures)
    two["coverage"]["months_incomplete"] = ["2024-04", "2024-05"]
    text = re.sub(r"\s+", " ", " ".join(_read(render_html(two, report_tables(two), [])).parts))
    assert "these months look incomplete: Apr 2024, May 2024" in text


def test_one_hotspot_lsoa_reads_as_one(medway):
    cluster = {"lsoas": ["E01000001"], "summary": "Centre: 1 LSOA (Town 001A), 3 ASB incidents",
               "place": "Centre", "wards": ["Centre"]}
    hot = {"fdr_q": 0.05, "crime": [], "crime_clusters": [], "asb": [], "asb_clusters": [cluster]}
    assert hotspot_sentences(hot) == [
        "No LSOA is a statistically significant crime hotspot (Gi*, false discovery rate q = 0.05).",
        "1 LSOA is a statistically significant ASB hotspot (Gi*, false discovery rate q = 0.05), in 1 cluster: "
        "Centre: 1 LSOA (Town 001A), 3 ASB incidents."]
    figures = {**copy.deepcopy(medway[0]), "hotspots": hot}
    asked = " ".join(p for ps in prompts(figures).values() for p in ps)
    assert "(the largest: Centre, 1 LSOA)" in asked and "1 LSOAs" not in asked
