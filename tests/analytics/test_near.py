"""Crime and ASB near a point, on the real Kent police.uk files, against a count made by hand
(Python's csv and the haversine formula over the same rows)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from csphub.analytics.near import before_after_near, count_near, metres_between, months_loaded
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import connect

# Gillingham High Street, Medway (the seed's faulty camera).
LON, LAT, RADIUS = 0.5466, 51.3879, 300


def hand_count(files: list[Path]) -> tuple[int, int]:
    crime = asb = 0
    for path in files:
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if not row["Longitude"] or metres_between(LON, LAT, float(row["Longitude"]), float(row["Latitude"])) > RADIUS:
                    continue
                if row["Crime type"] == "Anti-social behaviour":
                    asb += 1
                else:
                    crime += 1
    return crime, asb


@pytest.fixture(scope="module")
def kent(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    files = sorted((shared_data / "police-uk" / "kent").glob("2024-0*-kent-street.csv"))
    con = connect(tmp_path_factory.mktemp("near") / "w.duckdb")
    ingest_police_uk(con, files, scratch=tmp_path_factory.mktemp("scratch"))
    yield con, {f.name[:7]: f for f in files}
    con.close()


def test_counts_within_a_radius_match_a_hand_count(kent):
    con, files = kent
    found = count_near(con, LON, LAT, RADIUS, date(2024, 1, 1), date(2024, 4, 1))
    assert (found.crime, found.asb) == hand_count(list(files.values()))
    assert found.crime + found.asb > 50 and found.months == 4


def test_before_and_after_is_like_for_like(kent):
    con, files = kent
    assert months_loaded(con) == (date(2024, 1, 1), date(2024, 4, 1))
    # Placed in March: January and February before, April after -> one month each side.
    result = before_after_near(con, LON, LAT, RADIUS, date(2024, 3, 12), months=12)
    assert result.months_each_side == 1
    assert (result.before.crime, result.before.asb) == hand_count([files["2024-02"]])
    assert (result.after.crime, result.after.asb) == hand_count([files["2024-04"]])
    outside = before_after_near(con, LON, LAT, RADIUS, date(2024, 1, 5))
    assert outside.before is None and "does not cover whole months on both sides" in outside.note
