"""One benchmark measurement, run in its own process so its peak memory is its own.

Usage: ``python benchmarks/measure.py NAME ARCHIVE_DIR WAREHOUSE`` where NAME is one of
``ingest``, ``noop`` (also run as ``noop-cold`` after the caller dropped the page cache),
``count``, ``native``, ``pandas``, ``polars``, ``duckdb``, ``bare``, ``bare-default`` or
``bare-load``. Prints one JSON line: seconds, rows, peak_mb (the process's peak resident
memory, ``ru_maxrss``, not a DuckDB setting) and extras; ``count``, ``pandas``, ``polars`` and
``duckdb`` also write their month x crime type x ward table to ``results/NAME.parquet`` beside
WAREHOUSE (one folder per run) so the run can check they agree.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd


def _files(archive: Path) -> list[Path]:
    manifest = json.loads((archive / "manifest.json").read_text())
    return [archive / p for p in manifest["files"]]


def _lad_codes(archive: Path) -> list[str]:
    return sorted(pd.read_csv(archive / "lookup.csv", usecols=["LAD23CD"])["LAD23CD"].unique())


def measure_ingest(archive: Path, warehouse: Path) -> dict:
    """CSP Hub's own path: load the lookup, then ingest every street file into a new warehouse."""
    from csphub.analytics.geography import load_lookup  # noqa: I001 (sorted; modules of helper A)
    from csphub.analytics.police_uk import ingest_police_uk
    from csphub.analytics.warehouse import connect

    warehouse.unlink(missing_ok=True)
    con = connect(warehouse)
    started = time.perf_counter()
    load_lookup(con, archive / "lookup.csv")
    lookup_seconds = time.perf_counter() - started
    started = time.perf_counter()
    summary = ingest_police_uk(con, _files(archive))
    con.close()  # timed too: closing checkpoints the load into the warehouse file
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": summary.rows_loaded, "lookup_seconds": lookup_seconds,
            "quarantined": summary.rows_quarantined, "files": summary.files_loaded}


def measure_noop(archive: Path, warehouse: Path) -> dict:
    """The same ingest again on the warehouse ``ingest`` wrote: every file already loaded."""
    from csphub.analytics.police_uk import ingest_police_uk
    from csphub.analytics.warehouse import connect

    con = connect(warehouse)
    started = time.perf_counter()
    summary = ingest_police_uk(con, _files(archive))
    con.close()
    seconds = time.perf_counter() - started
    if summary.files_loaded:
        raise SystemExit(f"the re-run loaded {summary.files_loaded} files: not a no-op")
    return {"seconds": seconds, "rows": 0, "files": summary.files_skipped}


def measure_count(archive: Path, warehouse: Path) -> dict:
    """A month x crime type x ward count over every authority, through ``count_table``; then
    the same count again (``repeat_seconds``: the repeated national count), and before either,
    as the first question of a fresh connection, one authority's count (``one_authority_seconds``:
    the authority with the most rows, month x crime type x ward), all in this one process.

    The answer is an Arrow table, as pandas' is a Series: turning its 970,000 groups into
    Python dicts for printing (``count_by``) is output formatting, not counting, and is not
    timed here (it took about 0.8 s on its own).
    """
    from csphub.analytics.areas import Area  # noqa: I001 (sorted; modules of helper A)
    from csphub.analytics.counts import count_table
    from csphub.analytics.warehouse import connect

    dims = ["month", "crime_type", "ward"]
    con = connect(warehouse)
    largest = _largest_authority(archive)
    started = time.perf_counter()
    count_table(con, Area(name=largest, lad_codes=(largest,)), None, None, dims)
    one_authority = time.perf_counter() - started
    area = Area(name="England and Wales (synthetic)", lad_codes=tuple(_lad_codes(archive)))
    started = time.perf_counter()
    answer = count_table(con, area, None, None, dims)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    count_table(con, area, None, None, dims)
    repeat = time.perf_counter() - started
    con.close()
    table = answer.to_pandas()
    _save(warehouse, "count", table[["month", "crime_type", "ward_code", "count"]])
    return {"seconds": seconds, "repeat_seconds": repeat, "one_authority_seconds": one_authority,
            "one_authority": largest, "rows": int(table["count"].sum()), "groups": len(table)}


def _largest_authority(archive: Path) -> str:
    """The authority with the most LSOAs in the lookup (the synthetic archive gives each LSOA
    about the same share of its force's rows, so it is among the largest by rows)."""
    lads = pd.read_csv(archive / "lookup.csv", usecols=["LAD23CD"])["LAD23CD"]
    return str(lads.value_counts().sort_index().idxmax())


def measure_native(archive: Path, warehouse: Path) -> dict:
    """The same count on a plain DuckDB native table: every file copied as text into a table of
    a new database file, with the lookup beside it (not timed), then ``read_csv``-free GROUP BY
    month x crime type x ward joined to the lookup, run twice: ``seconds`` is the second run,
    the repeated count CSP Hub's ``repeat_seconds`` is compared with."""
    import duckdb

    target = warehouse.with_name("native.duckdb")
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    con.execute("""create table street as select "Month" as month, "Crime type" as crime_type,
                          "LSOA code" as lsoa_code from read_csv(?, header = true, all_varchar = true)""",
                [[str(p) for p in _files(archive)]])
    con.execute("create table lookup as select * from read_csv(?, header = true, all_varchar = true)",
                [str(archive / "lookup.csv")])
    query = """select s.month, s.crime_type, l.WD23CD as ward_code, any_value(l.WD23NM) as ward_name,
                      count(*) as count
               from street s join lookup l on s.lsoa_code = l.LSOA21CD
               group by s.month, s.crime_type, l.WD23CD order by 1, 2, 3"""
    first_started = time.perf_counter()
    con.execute(query).to_arrow_table()
    first = time.perf_counter() - first_started
    started = time.perf_counter()
    answer = con.execute(query).to_arrow_table()  # Arrow, as count_table answers
    seconds = time.perf_counter() - started
    con.close()
    table = answer.to_pandas()
    target.unlink(missing_ok=True)
    _save(warehouse, "native", table[["month", "crime_type", "ward_code", "count"]])
    return {"seconds": seconds, "first_seconds": first, "rows": int(table["count"].sum()), "groups": len(table)}


def measure_pandas(archive: Path, warehouse: Path) -> dict:
    """The analyst's way today: read every CSV, concatenate, join the lookup, group."""
    started = time.perf_counter()
    frames = [pd.read_csv(path) for path in _files(archive)]
    crimes = pd.concat(frames, ignore_index=True)
    lookup = pd.read_csv(archive / "lookup.csv")
    placed = crimes.merge(lookup, left_on="LSOA code", right_on="LSOA21CD")
    grouped = placed.groupby(["Month", "Crime type", "WD23CD"]).size()
    seconds = time.perf_counter() - started
    table = grouped.reset_index()
    table.columns = ["month", "crime_type", "ward_code", "count"]
    _save(warehouse, "pandas", table)
    return {"seconds": seconds, "rows": len(crimes), "groups": len(table)}


def measure_polars(archive: Path, warehouse: Path) -> dict:
    """polars' lazy way: ``scan_csv`` over every file, join the lookup, ``group_by``."""
    import polars as pl

    started = time.perf_counter()
    crimes = pl.scan_csv([str(p) for p in _files(archive)], infer_schema=False)
    lookup = pl.scan_csv(archive / "lookup.csv", infer_schema=False)
    grouped = (crimes.join(lookup, left_on="LSOA code", right_on="LSOA21CD")
               .group_by(["Month", "Crime type", "WD23CD"]).len().collect())
    seconds = time.perf_counter() - started
    table = grouped.to_pandas()
    table.columns = ["month", "crime_type", "ward_code", "count"]
    _save(warehouse, "polars", table)
    return {"seconds": seconds, "rows": int(table["count"].sum()), "groups": len(table)}


def measure_duckdb(archive: Path, warehouse: Path) -> dict:
    """DuckDB alone, as an analyst would use it: ``read_csv`` over every file, join the
    lookup, GROUP BY month x crime type x ward. No validation, nothing kept."""
    import duckdb

    con = duckdb.connect()
    started = time.perf_counter()
    table = con.execute(
        """select c."Month" as month, c."Crime type" as crime_type, l.WD23CD as ward_code,
                  count(*) as count
           from read_csv(?, header = true, all_varchar = true) c
           join read_csv(?, header = true, all_varchar = true) l on c."LSOA code" = l.LSOA21CD
           group by all""",
        [[str(p) for p in _files(archive)], str(archive / "lookup.csv")]).df()
    seconds = time.perf_counter() - started
    _save(warehouse, "duckdb", table)
    return {"seconds": seconds, "rows": int(table["count"].sum()), "groups": len(table)}


def measure_bare(archive: Path, warehouse: Path) -> dict:
    """DuckDB's bare ``read_csv`` over every file and ``count(*)``: the practical limit.

    Columns are read as text (``all_varchar``), as a validating loader reads them: DuckDB 1.x
    otherwise spends most of its time detecting column types (13 s against 1.5 s here).
    """
    import duckdb

    con = duckdb.connect()
    started = time.perf_counter()
    (rows,) = con.execute("select count(*) from read_csv(?, header = true, all_varchar = true)",
                          [[str(p) for p in _files(archive)]]).fetchone()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def measure_bare_default(archive: Path, warehouse: Path) -> dict:
    """The same bare scan with ``read_csv``'s defaults (column types detected), as issue 2
    words it; on DuckDB 1.x the type detection dominates."""
    import duckdb

    con = duckdb.connect()
    started = time.perf_counter()
    (rows,) = con.execute("select count(*) from read_csv(?)",
                          [[str(p) for p in _files(archive)]]).fetchone()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def measure_bare_load(archive: Path, warehouse: Path) -> dict:
    """DuckDB copying every file, as text, into a table of a new database file: the floor
    for any loader that keeps the rows (no validation, no types, no lookup)."""
    import duckdb

    target = warehouse.with_name("bare-load.duckdb")
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    started = time.perf_counter()
    con.execute("create table street as select * from read_csv(?, all_varchar = true, "
                "filename = true)", [[str(p) for p in _files(archive)]])
    (rows,) = con.execute("select count(*) from street").fetchone()
    con.close()
    seconds = time.perf_counter() - started
    target.unlink(missing_ok=True)
    return {"seconds": seconds, "rows": rows}


def _save(warehouse: Path, name: str, table: pd.DataFrame) -> None:
    (warehouse.parent / "results").mkdir(exist_ok=True)
    table.to_parquet(warehouse.parent / "results" / f"{name}.parquet", index=False)


MEASUREMENTS = {
    "ingest": measure_ingest,
    "noop": measure_noop,
    "noop-cold": measure_noop,
    "count": measure_count,
    "native": measure_native,
    "pandas": measure_pandas,
    "polars": measure_polars,
    "duckdb": measure_duckdb,
    "bare": measure_bare,
    "bare-default": measure_bare_default,
    "bare-load": measure_bare_load,
}


def main(argv: list[str]) -> int:
    name, archive, warehouse = argv[1], Path(argv[2]), Path(argv[3])
    result = MEASUREMENTS[name](archive, warehouse)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
