"""A review's evidence from a real warehouse (Kent police.uk, Medway boundaries), and the ward
and LSOA of a camera placed by the boundaries when the register gives none."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from csphub.analytics.geography import load_boundaries
from csphub.analytics.near import before_after_near, count_near
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse
from csphub.cctv import services
from csphub.settings import load_settings

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db
LON, LAT = 0.5466, 51.3879  # Gillingham High Street


@pytest.fixture
def warehouse(shared_data: Path, data_dir: Path, tmp_path: Path) -> Path:
    path = load_settings().warehouse_path
    with open_warehouse(path) as con:
        ingest_police_uk(con, sorted((shared_data / "police-uk" / "kent").glob("2024-0*-kent-street.csv")),
                         scratch=tmp_path)
        boundaries = shared_data / "ons" / "boundaries"
        load_boundaries(con, boundaries / "medway_E06000035_wards.geojson")
        load_boundaries(con, boundaries / "medway_E06000035_lsoa21.geojson")
    return path


@pytest.fixture
def lead() -> Any:
    user = create_user("supervisor", create_agency("Medway Council CCTV"), "cctv.lead")
    user.user_permissions.add(Permission.objects.get(codename="manage_estate", content_type__app_label="cctv"))
    return type(user).objects.get(pk=user.pk)


def test_a_camera_without_a_ward_is_placed_by_the_boundaries(warehouse: Path, lead: Any):
    camera = services.add_camera(lead, camera_id="GH-1", location="Gillingham High Street", latitude=LAT, longitude=LON)
    assert camera.ward_source == "boundaries" and camera.ward_code.startswith("E05")
    assert camera.ward_name and camera.lsoa_code.startswith("E01")


def test_the_review_evidence_counts_crime_and_asb_near_the_camera_before_and_after(warehouse: Path, lead: Any):
    camera = services.add_camera(lead, camera_id="GH-1", location="Gillingham High Street", latitude=LAT, longitude=LON,
                                 installed_on=date(2024, 3, 12))
    review = services.open_placement_review(lead, camera, reason="Review")
    services.recommend(lead, review, recommendation="keep", reason="Busy")
    crime = review.evidence["crime"]
    with open_warehouse(warehouse, read_only=True) as con:
        near = count_near(con, LON, LAT, 200, date(2024, 1, 1), date(2024, 4, 1))
        ba = before_after_near(con, LON, LAT, 200, date(2024, 3, 12))
    assert crime["available"] and (crime["near"]["crime"], crime["near"]["asb"]) == (near.crime, near.asb)
    assert crime["before_after"]["months_each_side"] == 1
    assert crime["before_after"]["before"]["crime"] == ba.before.crime and crime["before_after"]["after"]["asb"] == ba.after.asb
    assert crime["ward"] is None  # no LSOA -> ward lookup loaded: said, not guessed
    client = Client()
    client.force_login(lead)
    page = client.get(f"/cctv/reviews/{review.pk}/").content.decode()
    assert f"Within 200 m, 2024-01-01 to 2024-04-01: {near.crime} crimes, {near.asb} ASB." in page
