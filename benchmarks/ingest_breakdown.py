"""Where a police.uk ingest's time goes: a diagnostic beside ``run.py``, not a target.

Usage: ``python benchmarks/ingest_breakdown.py ARCHIVE_DIR [--repeats 2]`` where ARCHIVE_DIR is
an archive ``run.py`` generated (``benchmarks/work/national-...``, holding ``manifest.json``).

It prints, each the median of ``--repeats`` runs:
- the whole ``ingest_police_uk`` into a new warehouse, and the time of each statement of its
  batch loads (the insert of the good rows, the per-file row count, the repeated Crime ID check);
- the same read of every file stored four ways, to separate reading, checking and keeping:
  counted only; selected into an in-memory table; into a table on disk; on disk with the
  row checks (``_problem_sql``) applied as the ingest applies them.
The difference between the in-memory and the on-disk table is what keeping a compressed
warehouse costs, which DuckDB alone (``measure.py duckdb``: read, join, GROUP BY, keep nothing)
does not pay. Then the on-disk store again with what was tried to make it cheaper (issue 19):
Crime IDs uncompressed (as the warehouse now stores them), nothing compressed, and without the
three columns the lookup could give back (``Reported by``, ``Falls within``, ``LSOA name``: the
most that not storing them could save). Beside each wall time it prints the process's CPU time
(user + system), steadier than wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb


def _files(archive: Path) -> list[Path]:
    manifest = json.loads((archive / "manifest.json").read_text())
    return [archive / p for p in manifest["files"]]


class _Timed:
    """A DuckDB connection whose ``execute`` calls are timed by the first line of their SQL."""

    def __init__(self, con: duckdb.DuckDBPyConnection, into: dict[str, float]) -> None:
        self._con, self._into = con, into

    def execute(self, sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        result = self._con.execute(sql, *args)
        first = " ".join(sql.split())[:70]
        self._into[first] += time.perf_counter() - started
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def ingest_once(archive: Path, folder: Path) -> dict[str, tuple[float, float]]:
    from csphub.analytics import police_uk
    from csphub.analytics.geography import load_lookup
    from csphub.analytics.warehouse import connect

    path = folder / "warehouse.duckdb"
    path.unlink(missing_ok=True)
    con = connect(path)
    load_lookup(con, archive / "lookup.csv")
    statements: dict[str, float] = defaultdict(float)
    load_batch = police_uk._load_batch
    police_uk._load_batch = lambda c, batch: load_batch(_Timed(c, statements), batch)  # type: ignore[assignment, arg-type]
    try:
        started, cpu = time.perf_counter(), _cpu()
        police_uk.ingest_police_uk(con, _files(archive))
        con.close()
        total = (time.perf_counter() - started, _cpu() - cpu)
    finally:
        police_uk._load_batch = load_batch  # type: ignore[assignment]
    return {"whole ingest (new warehouse, closed)": total,
            **{f"  statement: {k}...": (v, float("nan")) for k, v in statements.items()}}


def stores_once(archive: Path, folder: Path) -> dict[str, tuple[float, float]]:
    from csphub.analytics import police_uk

    kind = police_uk.KINDS["street"]
    read = police_uk._read_csv_sql(kind, "$paths")
    select = ", ".join(kind.select_expressions)
    checked = f"({police_uk._problem_sql(kind, 'c1')}) is null"  # month checked against itself
    paths = {"paths": [str(p) for p in _files(archive)]}
    columns = ", ".join(
        f"{c} {'DOUBLE' if c in ('longitude', 'latitude') else 'VARCHAR'}"
        + (" USING COMPRESSION uncompressed" if c == "crime_id" else "")
        for c in kind.insert_columns)
    lookup_held = {"reported_by", "falls_within", "lsoa_name"}
    kept = ", ".join(e for c, e in zip(kind.insert_columns, kind.select_expressions, strict=True)
                     if c not in lookup_held)
    ways = {
        "read and count only": ("", f"select count(*) from {read}"),
        "into an in-memory table": ("", f"create temp table r as select {select} from {read}"),
        "into a table on disk": ("", f"create table r as select {select} from {read}"),
        "into a table on disk, rows checked": (
            "", f"create table r as select {select} from {read} where {checked}"),
        "on disk, Crime ID uncompressed": (
            f"create table r ({columns})", f"insert into r select {select} from {read}"),
        "on disk, nothing compressed": (
            "set force_compression = 'uncompressed'", f"create table r as select {select} from {read}"),
        "on disk, without the 3 lookup columns": ("", f"create table r as select {kept} from {read}"),
    }
    out = {}
    for label, (setup, sql) in ways.items():
        target = folder / "store.duckdb"
        target.unlink(missing_ok=True)
        con = duckdb.connect(str(target))
        con.execute("set threads = 2; set preserve_insertion_order = false")
        if setup:
            con.execute(setup)
        started, cpu = time.perf_counter(), _cpu()
        con.execute(sql, paths).fetchall()
        con.execute("checkpoint")
        out[label] = (time.perf_counter() - started, _cpu() - cpu)
        con.close()
    return out


def _cpu() -> float:
    """This process's CPU time so far, user and system, in seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path, help="an archive folder run.py generated")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each (median printed)")
    args = parser.parse_args(argv)
    runs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="breakdown-") as scratch:
        for _ in range(args.repeats):  # interleaved: ingest, then the stores, per round
            for name, seconds in {**ingest_once(args.archive, Path(scratch)),
                                  **stores_once(args.archive, Path(scratch))}.items():
                runs[name].append(seconds)
    width = max(len(k) for k in runs)
    for name, values in runs.items():
        wall, cpu = [v[0] for v in values], [v[1] for v in values]
        print(f"{name:<{width}}  {statistics.median(wall):6.2f} s  "
              f"({min(wall):.2f}-{max(wall):.2f})  cpu {statistics.median(cpu):6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
