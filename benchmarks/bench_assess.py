"""Benchmark: the full Strategic Assessment for one CSP from a national-scale warehouse.

    python benchmarks/bench_assess.py            # 6.2 million rows, 43 forces x 12 months
    python benchmarks/bench_assess.py --rows 200000 --months 12 --repeats 3   # a quick run

Each assessment is the real command, ``csphub assess --area ... --year 2024/25 --out ...``, run
in its own process with the CLI's defaults (four previous years, 9,999 permutations for the
hotspots, maps, all five outputs; the area gets synthetic LSOA and ward polygons so that the
hotspots and maps run as they do on real boundaries), so every run pays its own imports and nothing is warm from
an earlier one. Baseline measured in the same run: the same assessment from a warehouse holding
only the area's own force (12 files), so the ratio shows what the other 42 forces cost. The
two are interleaved (baseline, national, baseline, national, ...) ``--repeats`` times and the
medians and ranges printed, with each run's peak memory (its own process's RSS).

Target (issue 3): under 10 seconds on the project machine, figures and all five outputs.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import national  # noqa: E402
from csphub.analytics.areas import add_area  # noqa: E402
from csphub.analytics.geography import load_boundaries, load_lookup, load_population  # noqa: E402
from csphub.analytics.police_uk import ingest_police_uk  # noqa: E402
from csphub.analytics.warehouse import open_warehouse  # noqa: E402

AREA = "Benchmark CSP"
TARGET_SECONDS = 10.0


def _population_file(archive: national.NationalArchive) -> Path:
    path = archive.directory / "population.csv"
    if not path.exists():
        with open(archive.lookup, encoding="utf-8-sig") as src, open(path, "w") as out:
            out.write("lsoacd,population\n")
            for row in csv.DictReader(src):
                out.write(f"{row['LSOA21CD']},1600\n")
    return path


def _boundaries(archive: national.NationalArchive, lad: str) -> list[Path]:
    """Synthetic LSOA and ward polygons for the area (a grid of 0.01-degree squares, a ward being
    its five LSOAs), so that the hotspots (Gi*) and the maps are timed with everything else."""
    import json

    import shapely
    from shapely.geometry import box, mapping

    with open(archive.lookup, encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["LAD23CD"] == lad]
    squares = {r["LSOA21CD"]: box(-2.6 + (i % 15) * 0.01, 51.4 + (i // 15) * 0.01,
                                  -2.59 + (i % 15) * 0.01, 51.41 + (i // 15) * 0.01) for i, r in enumerate(rows)}
    wards: dict[tuple[str, str], list] = {}
    for r in rows:
        wards.setdefault((r["WD23CD"], r["WD23NM"]), []).append(squares[r["LSOA21CD"]])
    files = {"lsoa": [{"type": "Feature", "geometry": mapping(squares[r["LSOA21CD"]]),
                       "properties": {"LSOA21CD": r["LSOA21CD"], "LSOA21NM": r["LSOA21NM"], "LAD23CD": lad}}
                      for r in rows],
             "ward": [{"type": "Feature", "geometry": mapping(shapely.unary_union(parts)),
                       "properties": {"WD23CD": code, "WD23NM": name, "LAD23CD": lad}}
                      for (code, name), parts in wards.items()]}
    out = []
    for kind, features in files.items():
        path = archive.directory / f"boundaries-{kind}-{lad}.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
        out.append(path)
    return out


def _warehouse(folder: Path, archive: national.NationalArchive, files: list[Path], lad: str) -> tuple[Path, float]:
    """A data directory whose warehouse holds ``files``, the lookup, populations and the area."""
    started = time.perf_counter()
    path = folder / "warehouse.duckdb"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with open_warehouse(path) as con:
            load_lookup(con, archive.lookup)
            load_population(con, _population_file(archive), 2024, "benchmark: 1,600 per LSOA")
            ingest_police_uk(con, files)
            for boundary_file in _boundaries(archive, lad):
                load_boundaries(con, boundary_file)
            add_area(con, AREA, [lad])
    return folder, time.perf_counter() - started


def _assess(data_dir: Path, out: Path) -> tuple[float, float]:
    """One ``csphub assess`` in its own process: (seconds, peak RSS in MB)."""
    command = [str(Path(sys.executable).parent / "csphub"), "assess", "--area", AREA, "--year", "2024/25", "--out", str(out)]
    env = {**os.environ, "CSPHUB_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"csphub assess failed ({child.returncode}):\n{output.decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} (range {min(values):.2f} to {max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=6_200_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each (at least 3)")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args(argv)
    archive = national.generate(args.work, args.rows, 43, args.months)
    with open(archive.lookup, encoding="utf-8-sig") as handle:
        lad = next(csv.DictReader(handle))["LAD23CD"]
    force_files = [f for f in archive.street_files if "-avon-and-somerset-" in f.name]
    national_dir, national_load = _warehouse(archive.directory / "assess-national", archive, archive.street_files, lad)
    force_dir, force_load = _warehouse(archive.directory / "assess-one-force", archive, force_files, lad)
    runs: dict[str, list[tuple[float, float]]] = {"one force": [], "national": []}
    for n in range(max(3, args.repeats)):
        runs["one force"].append(_assess(force_dir, archive.directory / f"assess-out-one-force-{n}"))
        runs["national"].append(_assess(national_dir, archive.directory / f"assess-out-national-{n}"))
    print(f"warehouse rows: {archive.rows:,} (national) vs {len(force_files)} files (one force)")
    print(f"setup (ingest, not timed against the target): national {national_load:.1f}s, one force {force_load:.1f}s")
    print(f"csphub assess, whole command, CLI defaults, {len(runs['national'])} interleaved runs each (seconds):")
    for name, found in runs.items():
        print(f"  {name:<10} {_summary([t for t, _ in found])}   peak RSS {_summary([m for _, m in found])} MB")
    ratios = [n[0] / f[0] for f, n in zip(runs["one force"], runs["national"], strict=True)]
    print(f"ratio national / one force, per pair: {_summary(ratios)}x")
    whole = statistics.median(t for t, _ in runs["national"])
    verdict = "PASS" if whole < TARGET_SECONDS else "FAIL"
    print(f"target: under {TARGET_SECONDS:.0f}s -> {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
