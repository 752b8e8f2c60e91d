"""Police.uk outcomes by crime type (latest outcome per crime, grouped) and stop and search in the
area (placed by point) with its rates and breakdowns, on hand-made rows with known answers."""

from __future__ import annotations

from datetime import date

import pytest

from csphub.analytics.areas import Area
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.police_outcomes_section import (
    CHARGED,
    INVESTIGATING,
    NO_OUTCOME,
    NO_SUSPECT,
    OUT_OF_COURT,
    outcome_group,
    outcomes_section,
    stop_search_section,
)
from csphub.analytics.warehouse import open_warehouse

from .partner_kit import OTHERTON, TESTFORD, load_geography, point_in

YEAR = FinancialYear(2023)
AREA = Area("Testford", (TESTFORD,))


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        load_geography(connection, tmp_path / "geo")
        yield connection


def street(con, crime_id, crime_type, month, lsoa, last_outcome):
    con.execute("insert into street_crime (file_id, crime_id, month, force, lsoa_code, crime_type, last_outcome) "
                "values (1, ?, ?, 'testshire', ?, ?, ?)", [crime_id, month, lsoa, crime_type, last_outcome])


def outcome(con, crime_id, month, outcome_type):
    con.execute("insert into outcomes (file_id, crime_id, month, force, outcome_type) values (2, ?, ?, 'testshire', ?)",
                [crime_id, month, outcome_type])


def test_outcome_groups():
    assert outcome_group("Suspect charged as part of another case") == CHARGED
    assert outcome_group("Offender given penalty notice") == OUT_OF_COURT
    assert outcome_group("Under investigation") == INVESTIGATING
    assert outcome_group("") == NO_OUTCOME


def test_outcome_shares_by_crime_type_use_each_crimes_latest_outcome(con):
    may, jan = date(2023, 5, 1), date(2024, 1, 1)
    street(con, "a", "Burglary", may, "E01000901", "Under investigation")
    outcome(con, "a", date(2023, 6, 1), "Under investigation")
    outcome(con, "a", date(2023, 9, 1), "Suspect charged")  # the latest outcome wins
    street(con, "b", "Burglary", may, "E01000902", "Investigation complete; no suspect identified")
    street(con, "c", "Burglary", jan, "E01000903", "Under investigation")  # Q4, still open
    street(con, "d", "Shoplifting", may, "E01000901", None)
    outcome(con, "d", date(2023, 7, 1), "Offender given a caution")
    street(con, "e", "Shoplifting", may, "E01000904", "Suspect charged")  # in Otherton: not counted
    street(con, None, "Anti-social behaviour", may, "E01000901", None)  # ASB has no outcome
    result = outcomes_section(con, AREA, YEAR, "2023")
    assert result["crimes"] == 4 and result["from_outcomes_files"] == 2
    burglary = next(r for r in result["by_crime_type"] if r["crime_type"] == "Burglary")
    assert (burglary["crimes"], burglary["counts"][CHARGED], burglary["counts"][NO_SUSPECT],
            burglary["counts"][INVESTIGATING]) == (3, 1, 1, 1)
    assert burglary["shares"][CHARGED] == round(1 / 3, 4)
    assert result["all_crimes"]["counts"][OUT_OF_COURT] == 1
    assert result["pending_by_quarter"] == [{"quarter": "Q1", "crimes": 3, "pending_share": 0.0},
                                            {"quarter": "Q4", "crimes": 1, "pending_share": 1.0}]
    assert "Outcomes lag the crime" in result["caveats"][0]


def search(con, lsoa, obj, result, linked, ethnicity, age, month=date(2023, 6, 1), located=True):
    lon, lat = point_in(lsoa) if located else (None, None)
    con.execute("""insert into stop_search (file_id, month, force, longitude, latitude, object_of_search, outcome,
        outcome_linked_to_object, officer_defined_ethnicity, age_range, gender)
        values (3, ?, 'testshire', ?, ?, ?, ?, ?, ?, ?, 'Male')""", [month, lon, lat, obj, result, linked, ethnicity, age])


def test_stop_and_search_in_the_area_by_object_outcome_ethnicity_and_age(con):
    search(con, "E01000901", "Controlled drugs", "Arrest", "True", "White", "18-24")
    search(con, "E01000901", "Controlled drugs", "A no further action disposal", "False", "Black", "18-24")
    search(con, "E01000903", "Offensive weapons", "A no further action disposal", "False", "White", "25-34")
    search(con, "E01000903", "Controlled drugs", "Community resolution", "True", "Asian", "10-17")
    search(con, "E01000904", "Controlled drugs", "Arrest", "True", "White", "18-24")  # Otherton
    search(con, "E01000901", "Stolen goods", "Arrest", "True", "White", "18-24", located=False)
    search(con, "E01000901", "Stolen goods", "Arrest", "True", "White", "18-24", month=date(2024, 6, 1))  # next year
    result = stop_search_section(con, AREA, YEAR, population=8000)
    assert (result["searches"], result["no_location"], result["outside_or_unplaced"]) == (4, 1, 1)
    assert result["rate_per_1000"] == 0.5 and result["no_further_action_share"] == 0.5 and result["find_rate"] == 0.5
    assert [(r["group"], r["searches"], r["find_rate"]) for r in result["by_object"]] == [
        ("Controlled drugs", 3, round(2 / 3, 4)), ("Offensive weapons", 1, 0.0)]
    assert {r["group"]: r["searches"] for r in result["by_ethnicity"]} == {"White": 2, "Black": 1, "Asian": 1}
    assert {r["group"]: r["share"] for r in result["by_age"]} == {"18-24": 0.5, "25-34": 0.25, "10-17": 0.25}
    other = stop_search_section(con, Area("Otherton", (OTHERTON,)), YEAR, population=None)
    assert other["searches"] == 1 and other["rate_per_1000"] is None


def test_stop_and_search_without_boundaries_says_so(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as con:
        load_geography(con, tmp_path / "geo", boundaries=False)
        search(con, "E01000901", "Controlled drugs", "Arrest", "True", "White", "18-24")
        result = stop_search_section(con, AREA, YEAR, population=8000)
        assert not result["available"] and "load the area's LSOA boundaries" in result["note"]
        assert not stop_search_section(con, AREA, FinancialYear(2020), 8000)["available"]


def test_stop_and_search_by_outcome_and_self_defined_ethnicity_where_the_officer_gave_none(con):
    search(con, "E01000901", "Controlled drugs", "Arrest", "True", "White", "18-24")
    search(con, "E01000901", "Controlled drugs", "A no further action disposal", "False", "", "18-24")
    search(con, "E01000903", "Offensive weapons", "A no further action disposal", "False", "", "25-34")
    con.execute("update stop_search set self_defined_ethnicity = 'Asian/Asian British - Indian' "
                "where outcome = 'A no further action disposal' and object_of_search = 'Controlled drugs'")
    result = stop_search_section(con, AREA, YEAR, population=3000)
    assert result["rate_per_1000"] == 1.0 and result["no_further_action_share"] == round(2 / 3, 4)
    assert [(r["group"], r["searches"], r["no_further_action_share"]) for r in result["by_outcome"]] == [
        ("A no further action disposal", 2, 1.0), ("Arrest", 1, 0.0)]
    # officer-defined first; the self-defined one where the officer recorded none; else "Not stated"
    assert {r["group"]: r["searches"] for r in result["by_ethnicity"]} == {
        "White": 1, "Asian/Asian British - Indian": 1, "Not stated": 1}
