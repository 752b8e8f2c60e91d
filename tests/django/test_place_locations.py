"""`csphub geography place-locations`: locations saved with a postcode before the postcode
directory was loaded are placed from it afterwards, as saving does; history and audit say so,
an unknown postcode stays flagged, and a second run places nothing (issue 12, item 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from csphub.analytics.postcodes import load_postcodes
from csphub.analytics.warehouse import open_warehouse
from csphub.audit.models import AuditEntry
from csphub.casework import services
from csphub.casework.geography import PLACED_REASON
from csphub.casework.models import Location, PostcodeStatus
from csphub.cli import main
from csphub.settings import load_settings

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db(transaction=True)
WARD, LSOA21, LSOA11 = "E05002030", "E01016020", "E01016017"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["geography", "place-locations", *args])


def load_directory(tmp_path: Path) -> None:
    csv = tmp_path / "onspd.csv"
    csv.write_text("pcds,oslaua,osward,lsoa11,lsoa21,lat,long\n"
                   f"ME7 1AA,E06000035,{WARD},{LSOA11},{LSOA21},51.3879,0.5466\n")
    with open_warehouse(load_settings().warehouse_path) as con:
        load_postcodes(con, csv)


@pytest.fixture
def officer() -> Any:
    return create_user("officer", create_agency("Medway Council"), "place.officer")


def test_locations_saved_before_the_directory_are_placed_once(data_dir: Path, tmp_path: Path, officer: Any):
    known = services.location_for(officer, address="1 High Street, Gillingham", postcode="me7 1aa")
    unknown = services.location_for(officer, address="2 Nowhere Road", postcode="ME7 9ZZ")
    services.location_for(officer, address="The park", latitude=51.39, longitude=0.55)  # no postcode: left alone
    assert known.postcode_status == unknown.postcode_status == PostcodeStatus.NO_DIRECTORY

    refused = run()
    assert refused.exit_code == 1 and "csphub geography load-postcodes FILE" in refused.output

    load_directory(tmp_path)
    dry = run("--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.strip() == ("1 location(s) would be placed from the postcode directory, 1 still unknown "
                                  "(postcode not in the directory), 0 already placed.")
    known.refresh_from_db()
    assert known.postcode_status == PostcodeStatus.NO_DIRECTORY and known.ward_code == ""

    done = run()
    assert done.exit_code == 0, done.output
    assert done.output.startswith("1 location(s) placed from the postcode directory, 1 still unknown")
    known.refresh_from_db()
    assert known.postcode_status == PostcodeStatus.FOUND
    assert (known.ward_code, known.lsoa21_code, known.lsoa11_code) == (WARD, LSOA21, LSOA11)
    assert known.point == (0.5466, 51.3879) and (known.latitude, known.longitude) == (None, None)
    unknown.refresh_from_db()
    assert unknown.postcode_status == PostcodeStatus.NOT_FOUND and unknown.ward_code == "" and unknown.point is None
    last = known.history.latest()
    assert (last.history_change_reason, last.history_user, last.ward_code) == (PLACED_REASON, None, WARD)
    audits = AuditEntry.objects.filter(action="changed", object_type="location", channel="cli")
    assert sorted(audits.values_list("object_id", flat=True)) == sorted([str(known.pk), str(unknown.pk)])

    services.location_for(officer, address="3 High Street", postcode="ME7 1AA")  # placed when saved
    again = run()
    assert again.output.strip() == ("0 location(s) placed from the postcode directory, 1 still unknown "
                                    "(postcode not in the directory), 2 already placed.")
    assert known.history.count() == 2 and audits.count() == 2  # nothing written the second time
    assert Location.objects.get(address="The park").postcode_status == PostcodeStatus.NOT_GIVEN
