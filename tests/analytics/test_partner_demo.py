"""The demo partners' files load through the real loader with nothing quarantined or lost, and
their counts are those of the files (pandas over the very files written)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from csphub.analytics.areas import Area
from csphub.analytics.geography import load_boundaries, load_lookup
from csphub.analytics.partner.builtin import BUILTIN
from csphub.analytics.partner.counts import count_partner
from csphub.analytics.partner.loader import ingest_partner
from csphub.analytics.partner.profiles import find_profile
from csphub.analytics.synthetic import DEMO_LAD, write_demo_sources
from csphub.analytics.synthetic.partner_data import write_partner_files
from csphub.analytics.warehouse import connect

RIVERFORD = Area("Riverford", (DEMO_LAD,))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("partner-demo")
    sources = write_demo_sources(folder / "source", years=1, end_month=date(2025, 3, 1))
    written = write_partner_files(sources, folder / "partner", seed=7)
    con = connect(folder / "w.duckdb")
    load_lookup(con, sources.lookup)
    for path in (sources.lsoa_boundaries, sources.ward_boundaries):
        load_boundaries(con, path)
    summaries = {name: ingest_partner(con, [path], find_profile(name), agency=agency, authority=DEMO_LAD,
                                      today=date(2025, 6, 30))
                 for name, (path, agency) in written.items()}
    yield con, written, summaries
    con.close()


def test_every_profile_has_a_demo_file_that_loads_whole(demo):
    _, written, summaries = demo
    assert set(written) == set(BUILTIN)
    for name, summary in summaries.items():
        assert summary.rows_loaded > 0, name
        assert (summary.rows_quarantined, summary.rows_unplaced) == (0, 0), name


def test_deliberate_fires_and_suppressed_admissions_match_the_files(demo):
    con, written, _ = demo
    fires = pd.read_csv(written["fire"][0], dtype=str)
    deliberate = fires[fires["Motive"] == "Deliberate"].groupby("Property Category").size().to_dict()
    counted = count_partner(con, "fire", RIVERFORD, None, None, ["category"], where={"motive": "Deliberate"})
    assert {r["category"]: r["count"] for r in counted} == deliberate
    admissions = pd.read_csv(written["hospital-assaults"][0], dtype=str)
    numeric = pd.to_numeric(admissions["Admissions"], errors="coerce")
    rows = count_partner(con, "hospital-assaults", RIVERFORD, None, None, ["financial_year"])
    assert rows == [{"financial_year": "2024/25", "count": int(numeric.sum()), "suppressed": int(numeric.isna().sum())}]
    assert numeric.isna().sum() > 0 and (admissions["Admissions"][numeric.isna()] == "*").all()


def test_off_map_casualties_are_placed_in_the_authority_the_file_names(demo):
    con, written, summaries = demo
    casualties = pd.read_csv(written["stats19"][0])
    assert summaries["stats19"].rows_authority_only > 0
    assert sum(r["count"] for r in count_partner(con, "stats19", RIVERFORD, None, None, ["category"])) == len(casualties)


def test_the_demo_consultation_loads_two_waves_weighted_with_a_significant_fall_after_dark(demo, tmp_path):
    from csphub.analytics.partner.survey import (
        ingest_survey,
        load_survey_population,
        parse_age_bands,
        parse_mapping,
        survey_results,
    )
    from csphub.analytics.synthetic import write_demo_sources
    from csphub.analytics.synthetic.survey import AGE_BANDS, write_demo_survey

    con = demo[0]
    sources = write_demo_sources(tmp_path / "source", years=1, end_month=date(2025, 3, 1))
    mapping_path, exports, population = write_demo_survey(sources, tmp_path / "survey")
    assert load_survey_population(con, population, 2024, parse_age_bands(AGE_BANDS)) == 14
    mapping = parse_mapping(mapping_path.read_text(), str(mapping_path))
    for wave, path in exports.items():
        summary = ingest_survey(con, path, mapping, wave, authority=DEMO_LAD)
        assert summary.quarantined == 0 and summary.respondents == len(pd.read_csv(path))
    result = survey_results(con, "riverford-consultation", weighted=True)
    dark = next(r for r in result["rows"] if r["measure"] == "safe_dark")
    assert dark["change"]["significant"] and dark["change"]["text"].startswith("down from")
    assert not result["low_response"] and "weighted by age and sex" in result["weighting"]
