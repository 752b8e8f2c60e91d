"""A Daily Dial In entry with a postcode and no map point is placed from the loaded postcode
directory by the function casework locations use: its ward and the postcode's centre; an
unknown postcode is flagged on the entry, not guessed (issue 17, item 1, with issue 12, item 6)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.test import Client
from django.utils import timezone

from csphub.analytics.geography import load_boundaries
from csphub.analytics.maps import areas_around
from csphub.analytics.postcodes import load_postcodes
from csphub.analytics.warehouse import open_warehouse
from csphub.casework.models import PostcodeStatus
from csphub.dialin import rules, services
from csphub.dialin.models import DialInEntry, EntryType
from csphub.settings import load_settings

from .factories import create_agency, create_token, create_user

pytestmark = pytest.mark.django_db
LON, LAT = 0.5466, 51.3879  # Gillingham High Street


@pytest.fixture
def directory(data_dir: Path, tmp_path: Path, shared_data: Path) -> dict[str, str]:
    """The real Medway ward boundaries (for the ward's name) and a one-postcode directory whose
    ward is the real ward holding the point."""
    with open_warehouse(load_settings().warehouse_path) as con:
        load_boundaries(con, shared_data / "ons" / "boundaries" / "medway_E06000035_wards.geojson")
        ward = next(a for a in areas_around(con, LON, LAT)
                    if a.kind == "ward" and a.geometry.covers(shapely.Point(LON, LAT)))
        csv = tmp_path / "onspd.csv"
        csv.write_text("pcds,oslaua,osward,lsoa11,lsoa21,lat,long\n"
                       f"ME7 1AA,E06000035,{ward.code},E01016017,E01016020,{LAT},{LON}\n")
        load_postcodes(con, csv)
    return {"ward": ward.code, "ward_name": ward.name}


@pytest.fixture
def officer() -> Any:
    return create_user("officer", create_agency("Kent Police", "police"), "pc.postcode")


def entry_row(postcode: str, **kwargs: Any) -> rules.EntryRow:
    return rules.EntryRow(occurred_at=timezone.now() - timedelta(hours=2), entry_type="Street drinking",
                          account="Group drinking outside the shop", address="High Street", postcode=postcode, **kwargs)


def test_a_postcode_without_a_map_point_gives_the_ward_and_the_postcodes_centre(directory, officer):
    entry, created = services.log_entry(officer, entry_row("me71aa"))
    entry.refresh_from_db()
    assert created and entry.postcode == "ME7 1AA" and entry.postcode_status == PostcodeStatus.FOUND
    assert (entry.ward_code, entry.ward_name) == (directory["ward"], directory["ward_name"])
    assert (entry.latitude, entry.longitude) == (None, None)  # no map point was given
    assert (entry.postcode_latitude, entry.postcode_longitude) == (LAT, LON) and entry.point == (LON, LAT)


def test_an_unknown_postcode_is_flagged_and_nothing_is_guessed(directory, officer):
    entry, _ = services.log_entry(officer, entry_row("ME7 9ZZ"))
    assert entry.postcode_status == PostcodeStatus.NOT_FOUND
    assert (entry.ward_code, entry.ward_name, entry.point) == ("", "", None)


def test_a_map_point_decides_the_ward_and_the_postcode_is_still_checked(directory, officer):
    entry, _ = services.log_entry(officer, entry_row("ME7 1AA", latitude=51.3879, longitude=0.5466))
    assert entry.ward_code == directory["ward"] and entry.postcode_status == PostcodeStatus.FOUND
    assert entry.point == (0.5466, 51.3879)


def test_without_a_directory_the_entry_says_so(data_dir, officer):
    entry, _ = services.log_entry(officer, entry_row("ME7 1AA"))
    assert entry.postcode_status == PostcodeStatus.NO_DIRECTORY and entry.ward_code == ""


def _quick_entry(client: Client, postcode: str) -> Any:
    form = client.get("/dial-in/new/").content.decode()
    key = form.split('name="form_key" value="')[1].split('"')[0]
    return client.post("/dial-in/new/", {
        "form_key": key, "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "entry_type": EntryType.objects.get(name="Street drinking").pk, "account": f"Shouting at {postcode}",
        "address": "High Street", "postcode": postcode, "urgency": "routine"}, follow=True)


def test_the_quick_entry_page_places_by_postcode_and_flags_an_unknown_one(directory, officer):
    client = Client()
    client.force_login(officer)
    placed = _quick_entry(client, "me7 1aa").content.decode()
    entry = DialInEntry.objects.get(postcode="ME7 1AA")
    assert f"Entry {entry.pk} added" in placed and f"{directory['ward_name']} ward" in placed
    assert entry.ward_code == directory["ward"]
    page = client.get(f"/dial-in/entries/{entry.pk}/").content.decode()
    assert 'id="postcode-placed"' in page and directory["ward_name"] in page

    flagged = _quick_entry(client, "ME7 9ZZ").content.decode()
    unknown = DialInEntry.objects.get(postcode="ME7 9ZZ")
    assert "postcode ME7 9ZZ is not in the loaded postcode directory" in flagged
    assert unknown.postcode_status == PostcodeStatus.NOT_FOUND and unknown.ward_code == ""
    page = client.get(f"/dial-in/entries/{unknown.pk}/").content.decode()
    assert 'id="postcode-unknown"' in page and "Postcode not found in the loaded directory" in page


def test_the_api_says_whether_the_postcode_was_found(directory, officer):
    entry, _ = services.log_entry(officer, entry_row("ME7 9ZZ"))
    auth = {"Authorization": f"Bearer {create_token(officer)}"}
    got = Client().get(f"/api/v1/dial-in/entries/{entry.pk}", headers=auth).json()
    assert (got["postcode"], got["postcode_status"], got["ward_name"]) == ("ME7 9ZZ", "not_found", "")
