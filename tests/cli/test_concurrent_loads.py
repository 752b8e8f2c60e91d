"""One load at a time, reads meanwhile, and what a killed load leaves (issue 11, item 3).

A second process really holds the load here: ``HOLDER`` below runs what ``csphub ingest
police-uk`` runs and stops inside the load's transaction until the test lets it go (or kills
itself there, to play a load killed by the machine).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from csphub.cli import main
from tests.analytics.police_uk_files import street_row, write_street

LAD = "E06000099"

HOLDER = """
import os, signal, sys, threading, time
from pathlib import Path
from csphub.analytics.loads import LoadFiles, writing
from csphub.analytics.police_uk import ingest_police_uk
from csphub.settings import load_settings

ready, go, how = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
files = LoadFiles.of(load_settings())

def pause(done, total):
    # After the last batch, inside the transaction: rows written, nothing committed yet.
    if done < total or threading.current_thread() is not threading.main_thread():
        return
    ready.write_text(str(os.getpid()))
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    while not go.exists():
        time.sleep(0.05)

with writing(files) as con:
    ingest_police_uk(con, [Path(p) for p in sys.argv[4:]], progress=pause, scratch=files.scratch)
"""

# A load of one file per batch that kills itself inside its second batch: the first batch
# committed, the second written and not.
KILLED_IN_SECOND_BATCH = """
import os, signal, sys, threading
from pathlib import Path
from csphub.analytics import police_uk
from csphub.analytics.loads import LoadFiles, writing
from csphub.settings import load_settings

police_uk.BATCH_BYTES = 1
files = LoadFiles.of(load_settings())

def kill(done, total):
    if done == 2 and threading.current_thread() is threading.main_thread():
        os.kill(os.getpid(), signal.SIGKILL)

with writing(files) as con:
    police_uk.ingest_police_uk(con, [Path(p) for p in sys.argv[1:]], progress=kill,
                               scratch=files.scratch)
"""


def _crimes(month: str, n: int, start: int = 0) -> list[list[str]]:
    return [street_row(month=month, crime_id=f"{i:064x}") for i in range(start, start + n)]


@pytest.fixture
def run(data_dir):
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True, env: dict[str, str] | None = None):
        result = runner.invoke(main, list(args), catch_exceptions=False, env=env)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture
def january(run, tmp_path):
    lookup = tmp_path / "lookup.csv"
    lookup.write_text(f"LSOA21CD,WD23CD,WD23NM,LAD23CD,LAD23NM\nE01000001,E05000001,Castle,{LAD},Townshire\n")
    run("geography", "load", str(lookup))
    run("area", "add", "Townshire", "--lad", LAD)
    run("ingest", "police-uk", str(write_street(tmp_path / "jan", "2024-01", _crimes("2024-01", 2))))


def _february_zip(tmp_path: Path) -> Path:
    path = write_street(tmp_path / "feb", "2024-02", _crimes("2024-02", 3, start=100))
    archive = tmp_path / "2024-02.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(path, "2024-02/2024-02-kent-street.csv")
    return archive


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSPHUB_")}
    return {**env, "CSPHUB_DATA_DIR": str(data_dir), **extra}


def _hold(data_dir: Path, tmp_path: Path, how: str, *paths: Path) -> tuple[subprocess.Popen, Path]:
    """Start a load in another process; return once it is inside its transaction."""
    ready, go = tmp_path / "ready", tmp_path / "go"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(ready), str(go), how, *map(str, paths)],
        env=_environment(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ready.exists():
        if holder.poll() is not None:
            pytest.fail(f"the holding load ended early: {holder.communicate()}")
        assert time.monotonic() < deadline, "the holding load never started"
        time.sleep(0.05)
    return holder, go


def _csphub(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from csphub.cli import main; main()", *args],
                          env=_environment(data_dir, **env), capture_output=True, text=True,
                          timeout=120)


def _by_month(output: str) -> dict[str, int]:
    return {row["month"]: row["count"] for row in json.loads(output)}


def test_reads_work_and_a_second_load_is_told_while_a_load_runs(january, run, data_dir, tmp_path):
    holder, go = _hold(data_dir, tmp_path, "wait", _february_zip(tmp_path))
    try:
        # A read in a third process: the warehouse as it was when the load started.
        counts = _csphub(data_dir, "counts", "--area", "Townshire", "--by", "month", "--format", "json")
        assert counts.returncode == 0, counts.stderr
        assert _by_month(counts.stdout) == {"2024-01": 2}
        assert f"a load is running (pid {holder.pid}, started " in counts.stderr
        assert run("quarantine", "--format", "json").stdout.strip() == "[]"

        # A second load exits at once, saying who holds the warehouse.
        march = write_street(tmp_path / "mar", "2024-03", _crimes("2024-03", 1, start=200))
        second = run("ingest", "police-uk", str(march), ok=False)
        assert second.exit_code == 1
        assert re.search(rf"another load is running \(pid {holder.pid}, started \d\d:\d\d\)",
                         second.output), second.output
        assert "CSPHUB_LOAD_WAIT_SECONDS" in second.output

        # So does any other command that writes, instead of a traceback.
        other = run("area", "add", "Elsewhere", "--lad", LAD, ok=False)
        assert other.exit_code == 1 and f"another load is running (pid {holder.pid}" in other.output
        assert "Traceback" not in other.output

        # With a wait, a second load waits for the first and then runs.
        waiting = subprocess.Popen(
            [sys.executable, "-c", "from csphub.cli import main; main()", "ingest", "police-uk",
             str(march)], env=_environment(data_dir, CSPHUB_LOAD_WAIT_SECONDS="120"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1)
        assert waiting.poll() is None, waiting.communicate()
    finally:
        go.write_text("go")
        out, err = holder.communicate(timeout=120)
    assert holder.returncode == 0, err
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert f"waiting up to 120 s for another load (pid {holder.pid}" in err
    counts = run("counts", "--area", "Townshire", "--by", "month", "--format", "json")
    assert _by_month(counts.stdout) == {"2024-01": 2, "2024-02": 3, "2024-03": 1}
    assert not (data_dir / "warehouse.snapshot.duckdb").exists()
    assert (data_dir / "warehouse.lock").read_text() == ""


def test_a_killed_load_keeps_nothing_and_the_next_load_sweeps_up_after_it(
        january, run, data_dir, tmp_path):
    holder, _ = _hold(data_dir, tmp_path, "kill", _february_zip(tmp_path))
    holder.communicate(timeout=60)
    assert holder.returncode == -9
    # Its extracted files are left in the data directory, not the system temp folder.
    assert [p.name for p in (data_dir / "scratch").rglob("*.csv")] == ["2024-02-kent-street.csv"]
    assert json.loads((data_dir / "warehouse.lock").read_text())["pid"] == holder.pid

    # Reads still work: the dead load's lock is recognised as stale.
    counts = _csphub(data_dir, "counts", "--area", "Townshire", "--by", "month", "--format", "json")
    assert counts.returncode == 0, counts.stderr
    assert _by_month(counts.stdout) == {"2024-01": 2}

    march = write_street(tmp_path / "mar", "2024-03", _crimes("2024-03", 1, start=200))
    result = run("ingest", "police-uk", str(march))
    assert f"a previous load (pid {holder.pid}, started " in result.output
    assert "did not finish" in result.output
    assert list((data_dir / "scratch").iterdir()) == []
    assert not (data_dir / "warehouse.snapshot.duckdb").exists()
    counts = run("counts", "--area", "Townshire", "--by", "month", "--format", "json")
    assert _by_month(counts.stdout) == {"2024-01": 2, "2024-03": 1}


def test_a_load_killed_after_its_first_batch_keeps_it_and_the_rerun_loads_exactly_the_rest(
        january, run, data_dir, tmp_path):
    months = tmp_path / "months"
    for n, month in enumerate(("2024-02", "2024-03", "2024-04"), start=1):
        write_street(months, month, _crimes(month, n, start=100 * n))
    killed = subprocess.run([sys.executable, "-c", KILLED_IN_SECOND_BATCH, str(months)],
                            env=_environment(data_dir), capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    counts = run("counts", "--area", "Townshire", "--by", "month", "--format", "json")
    assert _by_month(counts.stdout) == {"2024-01": 2, "2024-02": 1}  # February, wholly

    rerun = run("ingest", "police-uk", str(months))
    assert "did not finish" in rerun.output
    assert "files: 2 loaded, 1 already loaded (skipped), 0 replaced" in rerun.output
    assert "rows: 5 loaded, 0 quarantined" in rerun.output
    counts = run("counts", "--area", "Townshire", "--by", "month", "--format", "json")
    # What one clean load of January and the three months gives: nothing twice.
    assert _by_month(counts.stdout) == {"2024-01": 2, "2024-02": 1, "2024-03": 2, "2024-04": 3}
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*), count(distinct (kind, force, month)) "
                           "from source_files").fetchone() == (4, 4)
        assert con.execute("select count(*), count(distinct crime_id) from street_crime"
                           ).fetchone() == (8, 8)


def test_the_limits_and_the_wait_are_settings(january, run, tmp_path):
    archive = _february_zip(tmp_path)
    refused = run("ingest", "police-uk", str(archive), ok=False,
                  env={"CSPHUB_ARCHIVE_MAX_FILES": "0"})
    assert refused.exit_code == 1 and "CSPHUB_ARCHIVE_MAX_FILES" in refused.output
    refused = run("ingest", "police-uk", str(archive), ok=False, env={"CSPHUB_ARCHIVE_MAX_MB": "0"})
    assert refused.exit_code == 1 and "at most 0 bytes" in refused.output
    for name, value in (("CSPHUB_ARCHIVE_MAX_MB", "lots"), ("CSPHUB_ARCHIVE_MAX_FILES", "-1"),
                        ("CSPHUB_LOAD_WAIT_SECONDS", "1.5")):
        bad = run("ingest", "police-uk", str(archive), ok=False, env={name: value})
        assert bad.exit_code == 1 and f"{name}={value!r}: expected a whole number" in bad.output
    assert "3 loaded" in run("ingest", "police-uk", str(archive)).output


def test_three_counts_at_once_all_succeed(january, data_dir):
    """Read commands open the warehouse read-only, so readers never block each other (issue 19,
    item 2): before, the second of two `csphub counts` at once died with "Could not set lock".
    A fourth reader (here, this test) holds the file open read-only throughout, so the three
    overlap with at least one other reader whatever their timing."""
    import duckdb

    held = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    command = [sys.executable, "-c", "from csphub.cli import main; main()", "counts", "--area", "Townshire", "--by", "month",
               "--format", "json"]
    readers = [subprocess.Popen(command, env=_environment(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(3)]
    results = [(reader.communicate(timeout=120), reader.returncode) for reader in readers]
    held.close()
    assert [code for _, code in results] == [0, 0, 0], [err for (_, err), _ in results]
    assert len({out for (out, _), _ in results}) == 1  # the same answer three times
    assert _by_month(results[0][0][0]) == {"2024-01": 2}


def test_every_read_command_shares_the_warehouse_with_another_reader(january, data_dir, tmp_path):
    """`csphub area list` and `csphub assess` only read the warehouse, so they open it read-only
    (issue 19, item 2): with another reader holding the file, a command that opened it to write
    would be refused ("the warehouse ... is open in another program")."""
    held = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        areas = _csphub(data_dir, "area", "list", "--format", "json")
        assessed = _csphub(data_dir, "assess", "--area", "Townshire", "--year", "2023/24", "--no-casework",
                           "--out", str(tmp_path / "assessment"))
    finally:
        held.close()
    assert areas.returncode == 0, areas.stderr
    assert json.loads(areas.stdout) == [{"area": "Townshire", "lad_codes": LAD}]
    assert assessed.returncode == 0, assessed.stderr
    figures = json.loads((tmp_path / "assessment" / "figures.json").read_text())
    assert figures["area"]["name"] == "Townshire"
