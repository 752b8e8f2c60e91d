"""Start-up of the command line (issue 19, item 5): ``csphub --help``, and ``csphub counts``
against the same count run in an interpreter that has already imported everything.

Each round runs, in fresh processes and in turn (interleaved, A B C A B C ...): a bare Python
interpreter (the floor nobody can beat), ``csphub --help``, ``csphub counts`` and the count alone
in-process (the query, timed inside the process). A command's overhead is its wall time minus the
count alone. Medians and ranges over the rounds are printed as a Markdown table for
docs/performance.md.

Usage: ``python benchmarks/bench_startup.py [--rounds 5]`` (builds a small warehouse in a
temporary folder; no network).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LAD = "E06000099"

#: the count alone: imports done before the clock starts, then what ``csphub counts`` runs
QUERY_ONLY = """
import sys, time
from csphub.analytics.areas import resolve_area
from csphub.analytics.counts import count_by
from csphub.analytics.warehouse import open_warehouse
with open_warehouse(sys.argv[1], read_only=True) as con:
    started = time.perf_counter()
    count_by(con, resolve_area(con, "Townshire"), None, None, ["month", "crime_type"])
    print(time.perf_counter() - started)
"""


def _build(folder: Path) -> Path:
    from csphub.analytics.areas import add_area
    from csphub.analytics.warehouse import open_warehouse

    warehouse = folder / "warehouse.duckdb"
    with open_warehouse(warehouse) as con:
        con.execute("insert into lsoa_ward_lookup (lsoa_code, lsoa_vintage, ward_code, ward_name, ward_vintage, "
                    "lad_code) values ('E01000001', '2021', 'E05000001', 'Castle', '2023', ?)", [LAD])
        con.execute("insert into street_crime (file_id, month, force, lsoa_code, crime_type) "
                    "select 1, date '2024-01-01' + to_months(i % 12), 'kent', 'E01000001', "
                    "case when i % 3 = 0 then 'Burglary' else 'Anti-social behaviour' end from range(100000) t(i)")
        add_area(con, "Townshire", [LAD])
    return warehouse


def _wall(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (at least 3)")
    rounds = max(3, parser.parse_args().rounds)
    with tempfile.TemporaryDirectory() as folder:
        warehouse = _build(Path(folder))
        env = {**os.environ, "CSPHUB_DATA_DIR": folder, "PYTHONPATH": os.pathsep.join(sys.path)}
        cli = [sys.executable, "-c", "from csphub.cli import main; main()"]
        runs: dict[str, list[float]] = {"python -c pass": [], "csphub --help": [], "csphub counts": [],
                                        "the count alone (in-process)": []}
        for _ in range(rounds):
            runs["python -c pass"].append(_wall([sys.executable, "-c", "pass"], env)[0])
            runs["csphub --help"].append(_wall([*cli, "--help"], env)[0])
            runs["csphub counts"].append(_wall([*cli, "counts", "--area", "Townshire", "--format", "json"], env)[0])
            runs["the count alone (in-process)"].append(float(_wall([sys.executable, "-c", QUERY_ONLY,
                                                                     str(warehouse)], env)[1]))
    query = statistics.median(runs["the count alone (in-process)"])
    print(f"{rounds} interleaved rounds, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the end\n")
    print("| run | median s | range s | overhead beyond the count s |")
    print("|---|---:|---:|---:|")
    for name, seconds in runs.items():
        overhead = f"{statistics.median(seconds) - query:.2f}" if name == "csphub counts" else ""
        print(f"| {name} | {statistics.median(seconds):.3f} | {min(seconds):.3f} to {max(seconds):.3f} "
              f"| {overhead} |")


if __name__ == "__main__":
    main()
