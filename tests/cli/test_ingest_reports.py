"""What `csphub ingest police-uk` says about duplicated rows and header-only files."""

from __future__ import annotations

from click.testing import CliRunner

from csphub.cli import main
from tests.analytics.police_uk_files import street_row, write_street


def test_the_summary_names_duplicates_and_header_only_files(data_dir, tmp_path):
    crimes = [street_row(crime_id=f"{n:064x}") for n in range(3)]
    duplicated = write_street(tmp_path, "2024-01", crimes + crimes[:1] * 2)
    empty = write_street(tmp_path, "2024-02", [])
    result = CliRunner().invoke(main, ["ingest", "police-uk", str(duplicated), str(empty)])
    assert result.exit_code == 0, result.output
    assert "rows: 3 loaded, 2 quarantined (2 of them duplicates of an earlier line)" in result.output
    assert f"header only, nothing loaded: {empty}" in result.output
    assert "months: 2024-01 to 2024-01 (1)" in result.output
    listed = CliRunner().invoke(main, ["quarantine", "--format", "csv"])
    assert listed.stdout.count("duplicate of line 2") == 2
