"""What the three benchmarked pages cost (issue 19, item 1), without changing what they show:
the case page reads the warehouse's boundaries once per process until the warehouse changes,
not once per place on every request (each read opened DuckDB and parsed every boundary)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from csphub.analytics.geography import load_boundaries
from csphub.analytics.warehouse import open_warehouse
from csphub.casework import geography, services
from csphub.casework.geography import NO_BOUNDARIES
from csphub.settings import load_settings

from .factories import create_agency, create_case, create_user

pytestmark = pytest.mark.django_db
LON, LAT = 0.5466, 51.3879  # Gillingham High Street, inside the Medway boundaries
ELSEWHERE = (-1.5, 53.8)  # Leeds: outside every boundary loaded


@pytest.fixture
def medway(data_dir: Path, shared_data: Path) -> Path:
    path = load_settings().warehouse_path
    with open_warehouse(path) as con:
        boundaries = shared_data / "ons" / "boundaries"
        load_boundaries(con, boundaries / "medway_E06000035_wards.geojson")
        load_boundaries(con, boundaries / "medway_E06000035_lsoa21.geojson")
    geography._BOUNDARIES.clear()
    return path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each time the case page's map check opens the warehouse."""
    seen: list[Path] = []
    real = geography.open_warehouse

    def counting(path: Any, read_only: bool = False) -> Any:
        seen.append(Path(path))
        return real(path, read_only=read_only)

    monkeypatch.setattr(geography, "open_warehouse", counting)
    return seen


def test_the_case_page_reads_the_boundaries_once_until_the_warehouse_changes(medway: Path, opened: list[Path],
                                                                             client: Client):
    officer = create_user("officer", create_agency("Medway Council"))
    here = services.location_for(officer, address="1 High Street, Gillingham", latitude=LAT, longitude=LON)
    case = create_case(officer, location=here)
    client.force_login(officer)
    opened.clear()  # placing the address read the warehouse too
    for _ in range(3):
        page = client.get(f"/cases/{case.pk}/").content.decode()
        assert NO_BOUNDARIES not in page  # the place is inside the boundaries: its map is offered
    assert opened == [medway]  # three pages, one read

    with open_warehouse(medway) as con:  # the boundaries removed: the page must notice
        con.execute("delete from boundaries")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert NO_BOUNDARIES in page
    assert len(opened) == 2


def test_the_kept_boundaries_answer_as_a_fresh_read_does(medway: Path):
    from csphub.analytics.maps import areas_around, areas_in

    kept = geography.loaded_boundaries(medway)
    with open_warehouse(medway, read_only=True) as con:
        for point in ((LON, LAT), ELSEWHERE, (0.52, 51.37), (0.60, 51.40)):
            fresh = [(a.kind, a.code) for a in areas_around(con, *point)]
            assert [(a.kind, a.code) for a in areas_in(kept, *point)] == fresh
    assert [(a.kind, a.code) for a in areas_in(kept, *ELSEWHERE)] == []
    assert {a.kind for a in areas_in(kept, LON, LAT)} == {"ward", "lsoa"}
