"""The Daily Dial In's pure rules, at their boundaries (no database)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from csphub.dialin import rules

T = datetime(2026, 12, 1, 22, 30)


def test_the_same_reference_from_the_same_agency_is_the_same_entry_whatever_else_changed():
    a = rules.natural_key("Kent Police", "CAD 4411", T, "Noise nuisance", "1 High St", "ME4 4TZ", "Loud party")
    b = rules.natural_key("kent police ", " cad 4411", datetime(2026, 12, 1, 23, 0), "Youth ASB", "", "", "edited")
    assert a == b


def test_the_same_reference_from_another_agency_is_another_entry():
    assert rules.natural_key("Kent Police", "123", T, "Noise", "", "", "x") != rules.natural_key(
        "Medway Council", "123", T, "Noise", "", "", "x")


def test_without_a_reference_the_content_names_the_entry():
    key = rules.natural_key("Police", "", T, "Noise", "1  High St", "me44tz", "Loud  party")
    assert key == rules.natural_key("Police", "", T, "noise", "1 high st", "ME4 4TZ", "loud party")
    assert key != rules.natural_key("Police", "", T.replace(minute=31), "Noise", "1 High St", "ME4 4TZ", "Loud party")


def test_a_place_is_an_address_not_a_postcode():
    assert rules.place_key("12, Castle St.", "me1 1aa") == rules.place_key("12 castle st", "ME11AA")
    assert rules.place_key("12 Castle St", "ME1 1AA") != rules.place_key("14 Castle St", "ME1 1AA")
    assert rules.place_key("12 Castle St", "ME1 1AA") != rules.place_key("12 Castle St", "ME2 1AA")
    assert rules.place_key("", "ME1 1AA") == ""


@pytest.mark.parametrize(("counts", "expected"), [
    ({"River": 5, "A": 1, "B": 1, "C": 1}, ["River"]),      # 5 >= 5 and 5 >= 2 x mean 2.0
    ({"River": 4, "A": 1, "B": 1, "C": 1}, []),             # under the minimum of 5
    ({"River": 6, "Strood": 6}, []),                        # busy everywhere: no ward stands out
    ({"River": 10, "Strood": 9, "A": 0, "B": 1}, []),       # 10 < 2 x mean(10, 9, 1) = 13.3
    ({}, []),
])
def test_hotspot_wards_at_the_boundaries(counts, expected):
    assert rules.hotspot_wards(counts) == expected


def test_hotspot_rule_is_configurable():
    rule = rules.HotspotRule.from_mapping({"min_entries": 2, "factor": 1.0, "unknown": 1})
    assert rules.hotspot_wards({"River": 2, "Strood": 2}, rule) == ["River", "Strood"]


@pytest.mark.parametrize(("day", "quarter"), [
    (date(2022, 3, 31), "2021/22 Q4"), (date(2022, 4, 1), "2022/23 Q1"), (date(2022, 6, 30), "2022/23 Q1"),
    (date(2022, 7, 1), "2022/23 Q2"), (date(2022, 12, 31), "2022/23 Q3"), (date(2023, 1, 1), "2022/23 Q4"),
    (date(1999, 4, 1), "1999/00 Q1"),
])
def test_financial_quarters(day, quarter):
    assert rules.financial_quarter(day) == quarter


def test_a_good_csv_line():
    row = rules.parse_csv_row("log.csv", 2, {"occurred_at": "01/12/2026 22:30", "type": "noise nuisance",
                                             "account": "Party", "latitude": "51.38", "longitude": "0.52",
                                             "urgency": "Urgent", "reference": "CAD 1"}, ["Noise nuisance"])
    assert isinstance(row, rules.EntryRow)
    assert (row.occurred_at, row.entry_type, row.urgency, row.latitude) == (T, "Noise nuisance", "urgent", 51.38)


def test_a_bad_csv_line_names_file_line_field_value_and_what_was_expected():
    problems = rules.parse_csv_row("log.csv", 7, {"occurred_at": "2026-12-01 22:30", "type": "Noise nuisance",
                                                  "account": "x", "postcode": "ME4", "latitude": "151",
                                                  "longitude": "0.5", "urgency": "soon"}, ["Noise nuisance"])
    assert [str(p) for p in problems] == [
        "log.csv, line 7, field 'postcode': got 'ME4'; expected a UK postcode, e.g. ME4 4TZ",
        "log.csv, line 7, field 'latitude': got '151'; expected a latitude in Great Britain (49 to 61)",
        "log.csv, line 7, field 'urgency': got 'soon'; expected one of routine, priority, urgent",
    ]


def test_half_a_coordinate_is_refused():
    problems = rules.parse_csv_row("f", 2, {"occurred_at": "2026-12-01 22:30", "type": "A", "account": "x",
                                            "latitude": "51.4"}, ["A"])
    assert [p.field for p in problems] == ["longitude"]


def test_an_area_from_vertices_or_geojson():
    vertices = rules.parse_area("0.52 51.38\n0.53,51.38\n\n0.53 51.39")
    assert vertices["type"] == "Polygon" and len(vertices["coordinates"][0]) == 4  # closed ring
    feature = '{"type": "Feature", "geometry": ' + __import__("json").dumps(vertices) + "}"
    assert rules.parse_area(feature) == vertices


@pytest.mark.parametrize(("text", "expected"), [
    ("", "draw or paste"),
    ("0.52 51.38\n0.53 51.38", "at least 3 vertices, got 2"),
    ("0.52 51.38\nnorth\n0.53 51.39", "vertex line 2 'north'"),
    ("51.38 0.52\n51.38 0.53\n51.39 0.53", "not in Great Britain"),
    ("0 51\n1 52\n0 52\n1 51", "crosses itself"),
    ('{"type": "Point", "coordinates": [0.5, 51.4]}', "expected a polygon, got a Point"),
    ('{"type": ', "not valid GeoJSON"),
])
def test_a_bad_area_says_what_was_expected(text, expected):
    with pytest.raises(ValueError, match=expected):
        rules.parse_area(text)


@pytest.mark.parametrize(("text", "expected"), [
    ('{"type": "Polygon", "coordinates": [[[0.52, 51.38], [0.53, 51.38], [0.53, 51.39]]]}',
     r"area: a GeoJSON ring must be closed .* starts at \[0.52, 51.38\] and ends at \[0.53, 51.39\]"),
    ('{"type": "Polygon", "coordinates": [[[0.52, 51.38], [0.53, 51.38], [0.53, 51.38], [0.52, 51.38]]]}',
     "at least 3 distinct points, got 2"),
    ("0.52 51.38\n0.53 51.38\n0.52 51.38", "at least 3 distinct points, got 2"),
])
def test_a_drawn_ring_must_be_closed_with_three_distinct_points(text, expected):
    with pytest.raises(ValueError, match=expected):
        rules.parse_area(text)


MEDWAY_MAP = (0.42, 51.32, 0.73, 51.49)


def test_an_area_must_lie_inside_the_partnership_map_naming_the_field():
    inside = "0.52 51.38\n0.53 51.38\n0.53 51.39"
    assert rules.parse_area(inside, "comparison", within=MEDWAY_MAP)["type"] == "Polygon"
    with pytest.raises(ValueError, match=r"^comparison: the area reaches outside the partnership's wards "
                                         r"\(longitude 0.4200 to 0.7300, latitude 51.3200 to 51.4900 expected\)"):
        rules.parse_area("0.52 51.38\n0.80 51.38\n0.53 51.39", "comparison", within=MEDWAY_MAP)


def test_a_closed_geojson_polygon_as_the_map_writes_it_is_taken():
    drawn = ('{"type":"Polygon","coordinates":[[[0.52,51.38],[0.53,51.38],[0.53,51.39],[0.52,51.39],'
             '[0.52,51.38]]]}')
    area = rules.parse_area(drawn, within=MEDWAY_MAP)
    assert area["coordinates"][0][0] == area["coordinates"][0][-1] and len(area["coordinates"][0]) == 5
