"""A location entered with a postcode and no coordinates takes its LSOA and ward from the loaded
postcode directory; an unknown postcode is flagged, not guessed; the location page shows the map
drawn from the real Medway boundaries, or says there is none."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.test import Client

from csphub.analytics.geography import load_boundaries
from csphub.analytics.maps import areas_around
from csphub.analytics.postcodes import load_postcodes
from csphub.analytics.warehouse import open_warehouse
from csphub.audit.models import AuditEntry
from csphub.casework import corrections, services
from csphub.casework.models import PostcodeStatus
from csphub.settings import load_settings

from .factories import create_agency, create_case, create_user

pytestmark = pytest.mark.django_db
LON, LAT = 0.5466, 51.3879  # Gillingham High Street, Gillingham South ward


@pytest.fixture
def directory(data_dir: Path, tmp_path: Path, shared_data: Path) -> dict[str, str]:
    """A two-postcode directory (ONSPD spelling) whose codes are those of the real boundaries
    holding the point, and the Medway ward and LSOA boundaries."""
    path = load_settings().warehouse_path
    with open_warehouse(path) as con:
        boundaries = shared_data / "ons" / "boundaries"
        load_boundaries(con, boundaries / "medway_E06000035_wards.geojson")
        load_boundaries(con, boundaries / "medway_E06000035_lsoa21.geojson")
        areas = {a.kind: a for a in areas_around(con, LON, LAT)
                 if a.kind == "ward" or a.geometry.covers(shapely.Point(LON, LAT))}
        codes = {"ward": areas["ward"].code, "ward_name": areas["ward"].name, "lsoa21": areas["lsoa"].code}
        csv = tmp_path / "onspd.csv"
        csv.write_text("pcd,pcds,oslaua,osward,lsoa11,lsoa21,lat,long\n"
                       f"ME7 1AA,ME7 1AA,E06000035,{codes['ward']},E01016017,{codes['lsoa21']},{LAT},{LON}\n"
                       f"ME7 1AB,ME7 1AB,E06000035,{codes['ward']},E01016017,{codes['lsoa21']},99.999999,0.000000\n")
        load_postcodes(con, csv)
    return codes


@pytest.fixture
def officer() -> Any:
    return create_user("officer", create_agency("Medway Council"), "geo.officer")


def test_a_postcode_without_coordinates_gives_the_lsoa_and_ward(directory: dict[str, str], officer: Any):
    location = services.location_for(officer, address="1 High Street, Gillingham", postcode="me71aa")
    location.refresh_from_db()
    assert location.postcode == "ME7 1AA"
    assert location.postcode_status == PostcodeStatus.FOUND
    assert (location.lsoa21_code, location.lsoa11_code) == (directory["lsoa21"], "E01016017")
    assert (location.ward_code, location.ward_name) == (directory["ward"], directory["ward_name"])
    assert (location.latitude, location.longitude) == (None, None)  # typed coordinates stay empty
    assert location.point == (LON, LAT)  # the postcode's centre, for the map


def test_an_unknown_postcode_is_flagged_not_guessed(directory: dict[str, str], officer: Any):
    location = services.location_for(officer, address="2 Nowhere Road", postcode="ME7 9ZZ")
    assert location.postcode_status == PostcodeStatus.NOT_FOUND
    assert location.get_postcode_status_display() == "Postcode not found in the loaded directory"
    assert (location.ward_code, location.lsoa21_code, location.point) == ("", "", None)


def test_without_a_directory_the_location_says_so(data_dir: Path, officer: Any):
    location = services.location_for(officer, address="1 High Street", postcode="ME7 1AA")
    assert location.postcode_status == PostcodeStatus.NO_DIRECTORY and location.ward_code == ""


def test_correcting_the_postcode_places_the_location_again(directory: dict[str, str], officer: Any):
    location = services.location_for(officer, address="1 High Street", postcode="ME7 9ZZ")
    assert location.postcode_status == PostcodeStatus.NOT_FOUND
    case = create_case(officer)  # only an agency working a case at the place may correct it
    case.location = location
    case.save()
    corrections.correct(officer, "location", location, {"postcode": "ME7 1AA"}, reason="Typo in the postcode")
    location.refresh_from_db()
    assert location.postcode_status == PostcodeStatus.FOUND and location.ward_code == directory["ward"]
    # A postcode the directory has without a grid reference still gives its LSOA, but no point.
    corrections.correct(officer, "location", location, {"postcode": "ME7 1AB"}, reason="Other side of road")
    location.refresh_from_db()
    assert location.lsoa21_code == directory["lsoa21"] and location.point is None


def test_the_location_page_shows_the_map_and_the_map_is_audited(directory: dict[str, str], officer: Any):
    case = create_case(officer)
    case.location = services.location_for(officer, address="1 High Street", postcode="ME7 1AA")
    case.save()
    client = Client()
    client.force_login(officer)
    page = client.get(f"/locations/{case.location.pk}/").content.decode()
    assert f'src="/locations/{case.location.pk}/map.svg"' in page and directory["lsoa21"] in page
    response = client.get(f"/locations/{case.location.pk}/map.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b'id="location-point"' in response.content and f'ward-{directory["ward"]}'.encode() in response.content
    assert AuditEntry.objects.filter(user=officer, object_type="location", object_id=str(case.location.pk),
                                     purpose="location map").exists()
    outsider = create_user("officer", create_agency("Other Council"), "geo.outsider")
    client.force_login(outsider)
    assert client.get(f"/locations/{case.location.pk}/map.svg").status_code == 404


def test_without_boundaries_the_page_says_no_map(data_dir: Path, officer: Any):
    case = create_case(officer)
    case.location = services.location_for(officer, address="1 High Street", postcode="", latitude=LAT,
                                          longitude=LON)
    case.save()
    client = Client()
    client.force_login(officer)
    response = client.get(f"/locations/{case.location.pk}/")
    assert response.status_code == 200
    assert "No map: boundaries not loaded" in response.content.decode()
    assert 'id="location-map"' not in response.content.decode()
    image = client.get(f"/locations/{case.location.pk}/map.svg")
    assert image.status_code == 200 and b"No map: boundaries not loaded" in image.content


def test_the_case_page_shows_the_map_of_each_of_its_places(directory: dict[str, str], officer: Any):
    case = create_case(officer, address="1 High Street, Gillingham", postcode="ME7 1AA")
    elsewhere = services.location_for(officer, address="2 Nowhere Road", postcode="ME7 9ZZ")  # unknown postcode
    services.record_incident(officer, case, occurred_at=datetime(2026, 4, 2, 21, 0), description="Shouting",
                             location=elsewhere, reported_on=date(2026, 4, 2))
    client = Client()
    client.force_login(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'src="/locations/{case.location.pk}/map.svg"' in page
    assert (f'alt="Map of 1 High Street, Gillingham in {directory["ward_name"]} ward, over the ward and LSOA '
            'boundaries"') in page
    # The incident's place has no point: its image is the "no map" one, and the alt text says so.
    assert f'src="/locations/{elsewhere.pk}/map.svg"' in page
    assert 'alt="2 Nowhere Road: No map: the place has no coordinates' in page
    assert AuditEntry.objects.filter(user=officer, object_type="location", purpose=f"case page {case.pk}").exists()
    image = client.get(f"/locations/{case.location.pk}/map.svg")
    assert image.status_code == 200 and f'ward-{directory["ward"]}'.encode() in image.content
    # Someone who cannot see the case sees neither the case nor the map of its place.
    outsider = create_user("officer", create_agency("Swale Council"), "geo.case.outsider")
    client.force_login(outsider)
    assert client.get(f"/cases/{case.pk}/").status_code in (403, 404)
    assert client.get(f"/locations/{case.location.pk}/map.svg").status_code == 404
    assert client.get(f"/locations/{elsewhere.pk}/map.svg").status_code == 404


def test_without_boundaries_the_case_page_shows_the_no_map_image(data_dir: Path, officer: Any):
    case = create_case(officer, address="1 High Street", latitude=LAT, longitude=LON)
    client = Client()
    client.force_login(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'src="/locations/{case.location.pk}/map.svg"' in page
    assert 'alt="1 High Street: No map: boundaries not loaded for this place."' in page
    image = client.get(f"/locations/{case.location.pk}/map.svg")
    assert image.status_code == 200 and b"No map: boundaries not loaded" in image.content


def test_opening_a_case_at_an_unknown_postcode_says_so_and_the_case_page_flags_it(directory: dict[str, str],
                                                                                   officer: Any):
    """The officer is told when they save, and whoever opens the case sees the flag by the address."""
    from csphub.casework.models import AsbCase, CaseType

    client = Client()
    client.force_login(officer)
    today = date.today()
    response = client.post("/cases/new/", {
        "case_type": CaseType.objects.get_or_create(name="Noise nuisance")[0].pk, "summary": "Loud music",
        "address": "2 Nowhere Road", "postcode": "ME7 9ZZ",
        "opened_on-day": today.day, "opened_on-month": today.month, "opened_on-year": today.year}, follow=True)
    page = response.content.decode()
    case = AsbCase.objects.get()
    assert case.location.postcode_status == PostcodeStatus.NOT_FOUND
    assert "Postcode ME7 9ZZ is not in the loaded postcode directory: the case has no ward." in page
    assert 'id="postcode-unknown"' in client.get(f"/cases/{case.pk}/").content.decode()
    # A postcode the directory knows: no warning, no flag, and the ward by the address.
    response = client.post("/cases/new/", {
        "case_type": CaseType.objects.get_or_create(name="Noise nuisance")[0].pk, "summary": "Loud music",
        "address": "1 High Street", "postcode": "me71aa",
        "opened_on-day": today.day, "opened_on-month": today.month, "opened_on-year": today.year}, follow=True)
    page = response.content.decode()
    assert "not in the loaded postcode directory" not in page and 'id="postcode-unknown"' not in page
    assert f"ME7 1AA ({directory['ward_name']} ward)" in page
