"""Benchmark: the full Strategic Assessment for one CSP from a national-scale warehouse.

    python benchmarks/bench_assess.py            # 6.2 million rows, 43 forces x 12 months
    python benchmarks/bench_assess.py --rows 200000 --months 12   # a quick run

Target (issue 3): under 10 seconds on the project machine, figures and all five outputs.
Baseline measured in the same run: the same assessment from a warehouse holding only the
area's own force (12 files), so the ratio shows what the other 42 forces cost.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import national  # noqa: E402
from csphub.analytics.areas import add_area  # noqa: E402
from csphub.analytics.assessment import AssessmentOptions, build_figures, render_all  # noqa: E402
from csphub.analytics.assessment.periods import FinancialYear  # noqa: E402
from csphub.analytics.assessment.render import map_layers  # noqa: E402
from csphub.analytics.geography import load_lookup, load_population  # noqa: E402
from csphub.analytics.police_uk import ingest_police_uk  # noqa: E402
from csphub.analytics.warehouse import open_warehouse  # noqa: E402

TARGET_SECONDS = 10.0


def _population_file(archive: national.NationalArchive) -> Path:
    path = archive.directory / "population.csv"
    if not path.exists():
        with open(archive.lookup, encoding="utf-8-sig") as src, open(path, "w") as out:
            out.write("lsoacd,population\n")
            for row in csv.DictReader(src):
                out.write(f"{row['LSOA21CD']},1600\n")
    return path


def _warehouse(path: Path, archive: national.NationalArchive, files: list[Path]) -> tuple[Path, float]:
    started = time.perf_counter()
    if not path.exists():
        with open_warehouse(path) as con:
            load_lookup(con, archive.lookup)
            load_population(con, _population_file(archive), 2024, "benchmark: 1,600 per LSOA")
            ingest_police_uk(con, files)
    return path, time.perf_counter() - started


def _assess(path: Path, lad: str, out: Path) -> float:
    started = time.perf_counter()
    with open_warehouse(path) as con:
        area = add_area(con, "Benchmark CSP", [lad])
        figures = build_figures(con, area, AssessmentOptions(FinancialYear(2024), previous_years=0))
        layers = map_layers(con, figures)
    render_all(figures, layers, out)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=6_200_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args(argv)
    archive = national.generate(args.work, args.rows, 43, args.months)
    with open(archive.lookup, encoding="utf-8-sig") as handle:
        first = next(csv.DictReader(handle))
    lad = first["LAD23CD"]
    force_files = [f for f in archive.street_files if "-avon-and-somerset-" in f.name]
    national_db, national_load = _warehouse(archive.directory / "assess-national.duckdb", archive,
                                            archive.street_files)
    force_db, force_load = _warehouse(archive.directory / "assess-one-force.duckdb", archive, force_files)
    one_force = _assess(force_db, lad, archive.directory / "assess-out-one-force")
    whole = _assess(national_db, lad, archive.directory / "assess-out-national")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"warehouse rows: {archive.rows:,} (national) vs {len(force_files)} files (one force)")
    print(f"setup (ingest, not timed against the target): national {national_load:.1f}s, one force {force_load:.1f}s")
    print(f"assessment from the one-force warehouse (baseline): {one_force:.2f}s")
    print(f"assessment from the national warehouse:            {whole:.2f}s")
    print(f"ratio national / one force: {whole / one_force:.2f}x; peak memory {peak:,.0f} MB")
    verdict = "PASS" if whole < TARGET_SECONDS else "FAIL"
    print(f"target: under {TARGET_SECONDS:.0f}s -> {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
