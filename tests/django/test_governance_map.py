"""The events map (issue 16 item 4): the Medway wards shaded by crime and ASB from the warehouse
(real police.uk points for January 2024, the real ONS lookup and boundaries), the events on
them at their ward's centre, the same figures in the table below; an image for anyone who may
see events, 403 for anyone else; and, with no boundaries loaded, a sentence saying why."""

from __future__ import annotations

import csv
import html
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from csphub.analytics.areas import add_area
from csphub.analytics.geography import load_boundaries, load_lookup
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse
from csphub.governance import engagement, services
from csphub.settings import load_settings

from .factories import PASSWORD, create_agency, create_user

pytestmark = pytest.mark.django_db
MEDWAY = "E06000035"
PERIOD = "from=2024-01-01&to=2024-01-31"


@pytest.fixture
def medway(data_dir: Path, tmp_path: Path, shared_data: Path) -> dict[str, str]:
    """A warehouse with January 2024 in Kent, Medway as the area, and its ward boundaries;
    returns {ward name: ward code}."""
    with open_warehouse(load_settings().warehouse_path) as con:
        ingest_police_uk(con, [shared_data / "police-uk" / "kent" / "2024-01-kent-street.csv"], scratch=tmp_path)
        load_lookup(con, shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv")
        load_boundaries(con, shared_data / "ons" / "boundaries" / "medway_E06000035_wards.geojson")
        add_area(con, "Medway", [MEDWAY])
        return dict(con.execute("select name, code from boundaries where kind = 'ward'").fetchall())


def _hand_count(shared_data: Path) -> Counter[str]:
    """Crime and ASB per Medway ward in January 2024, counted from the raw files."""
    with open(shared_data / "ons" / "LSOA21_WD23_LAD23_EW_LU.csv", encoding="utf-8-sig") as f:
        ward_of = {r["LSOA21CD"]: r["WD23CD"] for r in csv.DictReader(f) if r["LAD23CD"] == MEDWAY}
    with open(shared_data / "police-uk" / "kent" / "2024-01-kent-street.csv", encoding="utf-8") as f:
        return Counter(ward_of[r["LSOA code"]] for r in csv.DictReader(f) if r["LSOA code"] in ward_of)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_map_shades_each_ward_by_its_crime_and_asb_and_marks_the_events(medway, shared_data):
    council = create_agency("Medway Council")
    officer = create_user("officer", council)
    for title in ("Street stall", "Knife crime talk"):
        services.record_event(None, title=title, held_on=date(2024, 1, 20), place="High Street",
                              ward_code=medway["Gillingham South"], ward_name="Gillingham South", attendees={"adults": 30})
    client = _signed_in(officer)

    answer = client.get(f"/governance/events/map.svg?{PERIOD}")
    assert answer.status_code == 200 and answer["Content-Type"] == "image/svg+xml"
    svg = answer.content.decode()
    counted = _hand_count(shared_data)
    busiest = max(counted, key=counted.__getitem__)
    quietest = min((c for c in medway.values() if c in counted), key=counted.__getitem__)
    assert f'id="ward-{busiest}-band-5"' in svg          # the busiest ward is in the darkest band
    band = int(re.search(rf'id="ward-{quietest}-band-(\d)"', svg).group(1))
    assert band < 5
    assert "Gillingham South" in svg and "Strood North" in svg  # ward names labelled
    assert 'id="map-points"' in svg and "at the ward's centre" in svg  # the events, and the legend saying where

    page = client.get(f"/governance/events/?{PERIOD}").content.decode()
    assert f'src="/governance/events/map.svg?{PERIOD.replace("&", "&amp;")}"' in page
    assert re.search(r'alt="Map of the wards shaded by crime and ASB recorded from January 2024 to January 2024[^"]*'
                     r'2 of 2 events', page)
    # The table below carries the same figure for the busiest ward as the hand count.
    row = re.search(rf"<td class=\"govuk-table__cell\">{re.escape(html.escape(_name(medway, busiest)))}</td>(.*?)</tr>", page).group(1)
    asb, crime = (int(n) for n in re.findall(r"--numeric\">(\d+)<", row)[1:3])
    assert asb + crime == counted[busiest]


def _name(medway: dict[str, str], code: str) -> str:
    return next(name for name, c in medway.items() if c == code)


def test_someone_who_may_not_see_events_is_refused_the_map(data_dir):
    nobody = get_user_model().objects.create_user("no.agency", password=PASSWORD)
    assert _signed_in(nobody).get("/governance/events/map.svg").status_code == 403


def test_without_boundaries_the_page_says_why_and_the_map_address_still_answers_an_image(data_dir):
    officer = create_user("officer", create_agency("Medway Council"))
    services.record_event(None, title="Stall", held_on=date.today(), place="Hub", attendees={"adults": 3})
    client = _signed_in(officer)
    page = client.get("/governance/events/").content.decode()
    assert engagement.NO_BOUNDARIES.split(";")[0] in page and 'id="events-map"' not in page
    image = client.get("/governance/events/map.svg")
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    assert b"ward boundaries are not loaded" in image.content
