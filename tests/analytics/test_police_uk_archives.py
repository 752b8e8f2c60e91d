"""Hostile archives (issue 11, item 3): zip slip, zip bombs, and where extracted files go."""

from __future__ import annotations

import io
import tempfile
import uuid
import zipfile
from pathlib import Path

import pytest

from csphub.analytics import police_uk
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse
from csphub.errors import InputFileError

from .police_uk_files import street_row, write_street


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        yield connection


def _street_bytes(month: str, rows: int) -> bytes:
    """A street file of ``rows`` distinct crimes, as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        rows_ = [street_row(month=month, crime_id=f"{i:064x}") for i in range(rows)]
        return write_street(Path(folder), month, rows_).read_bytes()


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return path


def _count(con) -> int:
    return con.execute("select count(*) from street_crime").fetchone()[0]


def test_a_member_climbing_out_of_the_scratch_folder_is_refused_and_named(con, tmp_path):
    escape = f"csphub-slip-{uuid.uuid4().hex}"
    member = f"../../{escape}/2022-04-kent-street.csv"
    archive = _zip(tmp_path / "2022-04.zip", {member: _street_bytes("2022-04", 2)})
    assert zipfile.ZipFile(archive).namelist() == [member]
    written_today = Path("/tmp") / escape / "2022-04-kent-street.csv"  # where it used to land
    try:
        with pytest.raises(InputFileError) as error:
            ingest_police_uk(con, [archive])
        assert member in str(error.value)
        assert "outside the scratch folder" in str(error.value)
        assert not written_today.exists()
        assert not (tmp_path / escape).exists() and not (tmp_path.parent / escape).exists()
        assert _count(con) == 0
    finally:
        if written_today.exists():
            written_today.unlink()
            written_today.parent.rmdir()


def test_an_absolute_member_path_is_refused(con, tmp_path):
    target = tmp_path / "elsewhere" / "2022-04-kent-street.csv"
    archive = _zip(tmp_path / "2022-04.zip", {str(target): _street_bytes("2022-04", 2)})
    with pytest.raises(InputFileError, match="outside the scratch folder") as error:
        ingest_police_uk(con, [archive])
    assert str(target) in str(error.value)
    assert not target.exists()


def test_a_zip_bomb_is_refused_before_anything_is_extracted(con, tmp_path):
    # A valid header, then one 20 MB line of one letter: deflate shrinks it about 1,000 times.
    bomb = _street_bytes("2024-01", 0) + b"x" * (20 << 20) + b"\n"
    archive = _zip(tmp_path / "2024-01.zip", {"2024-01/2024-01-kent-street.csv": bomb})
    assert archive.stat().st_size < 100_000
    seen: list[Path] = []
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [archive], progress=lambda *_: seen.append(Path()))
    assert "2024-01/2024-01-kent-street.csv" in str(error.value)
    assert "compressed" in str(error.value) and "zip bomb" in str(error.value)
    assert seen == [] and _count(con) == 0


def test_extracted_size_is_capped(con, tmp_path):
    members = {f"2024-0{m}/2024-0{m}-kent-street.csv": _street_bytes(f"2024-0{m}", 30)
               for m in (1, 2)}
    archive = _zip(tmp_path / "two.zip", members)
    one = len(members["2024-01/2024-01-kent-street.csv"])
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [archive], limits=police_uk.ArchiveLimits(max_bytes=one + 10))
    assert f"at most {one + 10:,} bytes" in str(error.value)
    assert "CSPHUB_ARCHIVE_MAX_MB" in str(error.value)
    ingest_police_uk(con, [archive], limits=police_uk.ArchiveLimits(max_bytes=2 * one))
    assert _count(con) == 60


def test_the_number_of_extracted_files_is_capped_across_archives(con, tmp_path):
    first = _zip(tmp_path / "a.zip", {"2024-01/2024-01-kent-street.csv": _street_bytes("2024-01", 1)})
    second = _zip(tmp_path / "b.zip", {"2024-02/2024-02-kent-street.csv": _street_bytes("2024-02", 1)})
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [first, second], limits=police_uk.ArchiveLimits(max_files=1))
    assert "at most 1 police.uk files" in str(error.value)
    assert "CSPHUB_ARCHIVE_MAX_FILES" in str(error.value)
    assert _count(con) == 0


def test_a_member_larger_than_it_claims_is_refused(con, tmp_path):
    """The central directory may lie about a member's size; the bytes extracted are counted."""
    data = _street_bytes("2024-01", 40)
    archive = tmp_path / "liar.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr("2024-01/2024-01-kent-street.csv", data)
    raw = bytearray(buffer.getvalue())
    # Patch the uncompressed size in the central directory to claim 100 bytes.
    central = raw.rindex(b"PK\x01\x02")
    raw[central + 24:central + 28] = (100).to_bytes(4, "little")
    archive.write_bytes(bytes(raw))
    with pytest.raises(InputFileError) as error:
        ingest_police_uk(con, [archive])
    assert "liar.zip" in str(error.value)
    assert _count(con) == 0


def test_scratch_is_under_the_given_folder_and_removed_after_the_load(con, tmp_path):
    archive = _zip(tmp_path / "2024-01.zip",
                   {"2024-01/2024-01-kent-street.csv": _street_bytes("2024-01", 3)})
    scratch = tmp_path / "data" / "scratch"
    during: list[list[Path]] = []
    ingest_police_uk(con, [archive], scratch=scratch,
                     progress=lambda *_: during.append(sorted(scratch.rglob("*.csv"))))
    assert during and all(len(found) == 1 for found in during)
    assert during[0][0].name == "2024-01-kent-street.csv"
    assert list(scratch.iterdir()) == []
    assert _count(con) == 3


def test_by_default_scratch_is_beside_the_warehouse_not_the_system_temp_folder(con, tmp_path):
    archive = _zip(tmp_path / "2024-01.zip",
                   {"2024-01/2024-01-kent-street.csv": _street_bytes("2024-01", 3)})
    during: list[list[Path]] = []
    ingest_police_uk(con, [archive],
                     progress=lambda *_: during.append(sorted((tmp_path / "scratch").rglob("*.csv"))))
    assert during and during[0] and during[0][0].name == "2024-01-kent-street.csv"


def test_a_failed_load_removes_its_scratch_too(con, tmp_path):
    good = _street_bytes("2024-01", 2)
    archive = _zip(tmp_path / "2024-01.zip", {"2024-01/2024-01-kent-street.csv": good,
                                              "2024-02/2024-02-kent-street.csv": b"wrong,header\n"})
    scratch = tmp_path / "scratch"
    with pytest.raises(InputFileError, match="header"):
        ingest_police_uk(con, [archive], scratch=scratch)
    assert list(scratch.iterdir()) == []
