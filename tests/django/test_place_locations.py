"""`csphub geography place-locations`: locations and Daily Dial In entries saved with a postcode
before the postcode directory was loaded are placed from it afterwards, as saving does; history
and audit say so, an unknown postcode stays flagged, a second run places nothing, and the
warehouse is opened once per run, not once per record (issue 12, item 6)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from csphub.analytics.geography import load_lookup
from csphub.analytics.postcodes import load_postcodes
from csphub.analytics.warehouse import open_warehouse
from csphub.audit.models import AuditEntry
from csphub.casework import geography, services
from csphub.casework.geography import PLACED_REASON
from csphub.casework.models import Location, PostcodeStatus
from csphub.cli import main
from csphub.dialin import rules as dialin_rules
from csphub.dialin import services as dialin
from csphub.dialin.models import DialInEntry, EntryType
from csphub.settings import load_settings

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db(transaction=True)
WARD, LSOA21, LSOA11 = "E05002030", "E01016020", "E01016017"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["geography", "place-locations", *args])


NO_ENTRIES = ("0 Daily Dial In entry(ies) placed from the postcode directory, 0 still unknown (postcode not in "
              "the directory), 0 already placed.")


def load_directory(tmp_path: Path) -> None:
    csv = tmp_path / "onspd.csv"
    csv.write_text("pcds,oslaua,osward,lsoa11,lsoa21,lat,long\n"
                   f"ME7 1AA,E06000035,{WARD},{LSOA11},{LSOA21},51.3879,0.5466\n")
    # The ward's name comes from the ward lookup loaded (the directory gives its code only).
    lookup = tmp_path / "LSOA21_WD23_LAD23_EW_LU.csv"
    lookup.write_text("LSOA21CD,LSOA21NM,WD23CD,WD23NM,LAD23CD,LAD23NM\n"
                      f"{LSOA21},Medway 001A,{WARD},Gillingham North,E06000035,Medway\n")
    with open_warehouse(load_settings().warehouse_path) as con:
        load_postcodes(con, csv)
        load_lookup(con, lookup)


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
    assert dry.output.splitlines()[0] == ("1 location(s) would be placed from the postcode directory, 1 still "
                                          "unknown (postcode not in the directory), 0 already placed.")
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
    assert again.output.splitlines() == ["0 location(s) placed from the postcode directory, 1 still unknown "
                                         "(postcode not in the directory), 2 already placed.", NO_ENTRIES]
    assert known.history.count() == 2 and audits.count() == 2  # nothing written the second time
    assert Location.objects.get(address="The park").postcode_status == PostcodeStatus.NOT_GIVEN


def log_entry(officer: Any, postcode: str, account: str, **point: float) -> DialInEntry:
    entry, created = dialin.log_entry(officer, dialin_rules.EntryRow(
        occurred_at=timezone.now() - timedelta(hours=2), entry_type="Street drinking", account=account,
        address="High Street", postcode=postcode, **point))
    assert created
    return entry


def test_dial_in_entries_are_placed_too_counted_apart_with_one_warehouse_open_per_run(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    officer = create_user("officer", create_agency("Kent Police", "police"), "pc.place")
    EntryType.objects.get_or_create(name="Street drinking")  # the seeded list is flushed between these tests
    known, other = log_entry(officer, "me7 1aa", "Group drinking"), log_entry(officer, "ME7 1AA", "Shouting")
    unknown = log_entry(officer, "ME7 9ZZ", "Bottles thrown")
    pinned = log_entry(officer, "ME7 1AA", "Fight", latitude=51.39, longitude=0.55)  # a map point: its own ward
    services.location_for(officer, address="1 High Street, Gillingham", postcode="ME7 1AA")
    assert known.postcode_status == unknown.postcode_status == PostcodeStatus.NO_DIRECTORY
    load_directory(tmp_path)

    opened: list[Path] = []
    real_open = geography.open_warehouse

    @contextmanager
    def counting_open(path: Any, read_only: bool = False) -> Any:
        opened.append(path)
        with real_open(path, read_only=read_only) as con:
            yield con

    monkeypatch.setattr(geography, "open_warehouse", counting_open)
    done = run()
    assert done.exit_code == 0, done.output
    assert done.output.splitlines() == [
        "1 location(s) placed from the postcode directory, 0 still unknown (postcode not in the directory), "
        "0 already placed.",
        "2 Daily Dial In entry(ies) placed from the postcode directory, 1 still unknown (postcode not in the "
        "directory), 0 already placed."]
    assert len(opened) == 1  # one location and three entries looked up, the warehouse opened once

    known.refresh_from_db()
    assert (known.postcode_status, known.ward_code, known.ward_name) == (PostcodeStatus.FOUND, WARD,
                                                                         "Gillingham North")
    assert known.point == (0.5466, 51.3879) and (known.latitude, known.longitude) == (None, None)
    unknown.refresh_from_db()
    assert (unknown.postcode_status, unknown.ward_code, unknown.point) == (PostcodeStatus.NOT_FOUND, "", None)
    pinned.refresh_from_db()
    assert pinned.postcode_status == PostcodeStatus.NO_DIRECTORY  # not an entry without a map point: left alone
    last = known.history.latest()
    assert (last.history_change_reason, last.history_user) == (dialin.ENTRY_PLACED_REASON, None)
    audits = AuditEntry.objects.filter(action="changed", object_type="dialin_entry", channel="cli")
    assert sorted(audits.values_list("object_id", flat=True)) == sorted(
        str(e.pk) for e in (known, other, unknown))

    again = run()
    assert again.output.splitlines()[1] == (
        "0 Daily Dial In entry(ies) placed from the postcode directory, 1 still unknown (postcode not in the "
        "directory), 2 already placed.")
    assert known.history.count() == 2 and audits.count() == 3  # nothing written the second time
    assert len(opened) == 2
