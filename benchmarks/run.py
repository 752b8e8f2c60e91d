"""CSP Hub's benchmarks: police.uk files to a first answer, against peers, and memory at scale.

    python benchmarks/run.py                       # 6.2M rows (1x) and 4x, 3 rounds (make bench)
    python benchmarks/run.py --quick               # smoke run: 200,000 rows, 2 months, 1 round
    python benchmarks/run.py --rows 1500000 --scale 1,4,16 --markdown docs/performance.md

Every measurement runs in its own process (``benchmarks/measure.py``), so its peak memory is
its own process's resident memory. The measurements are **interleaved**: each round runs every
one once (CSP Hub's ingest, its no-op re-run, its count, DuckDB alone, pandas, polars where
installed, then the ingest at each larger scale), and there are at least three rounds, so a
machine that slows down for a minute slows every contender alike. Medians and ranges are
printed; each ratio is taken within a round and its median and range reported. An archive
``N`` times larger has N times the months (the national archive grows by months).

Targets (issue 19): files to first answer within 2x of DuckDB's ``read_csv`` + GROUP BY and 3x
faster than pandas; the repeated national count within 1.2x of the same GROUP BY on a plain
DuckDB native table; one authority's count under 0.2 s in-process; a no-op re-run on a cold
page cache under 10% of the first load; ingest peak memory under 1.5 GB at every scale. Exit
status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import national  # noqa: E402  (a sibling module, found through the path above)

MEMORY_LIMIT_MB = 1536
BLOCK_START, BLOCK_END = "<!-- bench:start -->", "<!-- bench:end -->"
console = Console()

LABELS = {
    "ingest": "CSP Hub ingest (`ingest_police_uk`, new warehouse)",
    "noop": "CSP Hub no-op re-run (same files again)",
    "noop-cold": "CSP Hub no-op re-run, page cache dropped first",
    "count": "CSP Hub count (`count_table`, month x type x ward)",
    "count-repeat": "CSP Hub count again, same process (repeated national count)",
    "one-authority": "CSP Hub count of one authority, first question in-process",
    "native": "DuckDB native table: the same GROUP BY, second run",
    "duckdb": "DuckDB alone: `read_csv` + join + GROUP BY",
    "bare": "DuckDB `read_csv` (as text) + `count(*)`",
    "pandas": "pandas `read_csv` + concat + merge + groupby",
    "polars": "polars `scan_csv` + join + `group_by`",
    "bare-default": "DuckDB `read_csv` (types detected) + `count(*)`",
    "bare-load": "DuckDB copy into a table on disk (no validation)",
}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=6_200_000, help="street rows at 1x")
    parser.add_argument("--forces", type=int, default=43, help="forces (1-43)")
    parser.add_argument("--months", type=int, default=12, help="months per force at 1x")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (at least 3 for figures)")
    parser.add_argument("--scale", default="1,4",
                        help="archive sizes for the memory and time growth, e.g. 1,4 or 1,4,16")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 200,000 rows, 43 forces x 2 months, 1 round, 1x only")
    parser.add_argument("--skip-pandas", action="store_true", help="leave out the slow baseline")
    parser.add_argument("--references", action="store_true",
                        help="also time DuckDB's type-detecting scan and a bare copy into a table")
    parser.add_argument("--cold-files-only", action="store_true",
                        help="before the cold no-op re-run drop only the archive's and warehouse's own "
                             "cached pages, not the kernel's whole page cache (which needs root)")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="scratch folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--markdown", type=Path,
                        help=f"rewrite the block between {BLOCK_START} and {BLOCK_END} in this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.months, args.repeats, args.scale = 200_000, 2, 1, "1"
    try:
        args.scales = sorted({int(s) for s in args.scale.split(",")} | {1})
    except ValueError:
        parser.error(f"--scale must be whole numbers separated by commas, not {args.scale!r}")
    if not 1 <= args.forces <= len(national.FORCES):
        parser.error(f"--forces must be between 1 and {len(national.FORCES)}")
    return args


@dataclass
class Figures:
    """Every round's result of every measurement, and the ratios within each round."""

    runs: dict[str, list[dict]] = field(default_factory=dict)
    ratios: dict[str, list[float]] = field(default_factory=dict)
    cache_dropped: str = "not dropped"

    def add(self, name: str, result: dict) -> None:
        self.runs.setdefault(name, []).append(result)

    def ok(self, name: str, key: str = "seconds") -> list[float]:
        return [r[key] for r in self.runs.get(name, []) if "failed" not in r]


def _generate(args: argparse.Namespace, scale: int) -> national.NationalArchive:
    started = time.perf_counter()
    with console.status(f"Generating the {scale}x archive..."):
        archive = national.generate(args.work, args.rows * scale, args.forces, args.months * scale)
    console.print(f"{scale}x archive: {archive.directory} ({len(archive.street_files)} files, "
                  f"{archive.rows:,} rows) ready in {time.perf_counter() - started:.1f}s")
    return archive


def _warm_page_cache(archive: national.NationalArchive) -> None:
    """Read every file once, so no measurement pays for (or profits from) a cold disk."""
    for path in [*archive.street_files, archive.lookup]:
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass


def _drop_page_cache(archive: national.NationalArchive, warehouse: Path, whole_kernel: bool) -> str:
    """Empty the page cache before a cold measurement: the kernel's whole cache (page cache,
    dentries and inodes) when asked and this process may (root: ``/proc/sys/vm/drop_caches``),
    else each file's cached pages (``posix_fadvise`` DONTNEED, after an fsync). Returns which
    was done."""
    os.sync()
    if whole_kernel:
        try:
            Path("/proc/sys/vm/drop_caches").write_text("3\n")
            return "the kernel's page cache, dentries and inodes dropped (drop_caches)"
        except OSError:
            pass
    for path in [*archive.street_files, archive.lookup, warehouse]:
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    return "each file's cached pages dropped (posix_fadvise DONTNEED; dentries and inodes stay cached)"


def _measure(name: str, archive: national.NationalArchive, warehouse: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), name, str(archive.directory), str(warehouse)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        console.print(f"[red]{name} failed:[/red]\n{done.stderr[-3000:]}")
        return {"failed": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _shown(args: argparse.Namespace) -> list[str]:
    """The measurements as printed: each process's, with the count's other two timings after it."""
    names = _names(args)
    at = names.index("count") + 1
    return [*names[:at], "count-repeat", "one-authority", *names[at:]]


def _names(args: argparse.Namespace) -> list[str]:
    names = ["ingest", "noop", "noop-cold", "count", "native", "duckdb", "bare"]
    if not args.skip_pandas:
        names.append("pandas")
    if importlib.util.find_spec("polars") is not None:
        names.append("polars")
    if args.references:
        names += ["bare-default", "bare-load"]
    return names


def _round(args: argparse.Namespace, archives: dict[int, national.NationalArchive],
           run_dir: Path, figures: Figures, number: int) -> bool | None:
    """One round: every measurement once at 1x, then the ingest at each larger scale."""
    warehouse = run_dir / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    seconds: dict[str, float] = {}
    for name in _names(args):
        console.print(f"  round {number}: {name}", end="\r")
        if name == "noop-cold":
            figures.cache_dropped = _drop_page_cache(archives[1], warehouse, not args.cold_files_only)
        result = _measure(name, archives[1], warehouse)
        if name == "noop-cold":
            _warm_page_cache(archives[1])  # the rest of the round reads warm files, as before
        figures.add(name, result)
        if "failed" not in result:
            seconds[name] = result["seconds"]
        if name == "count" and "failed" not in result:  # the same process's other two timings
            for extra, key in (("count-repeat", "repeat_seconds"), ("one-authority", "one_authority_seconds")):
                figures.add(extra, {"seconds": result[key], "peak_mb": result["peak_mb"], "rows": 0})
                seconds[extra] = result[key]
    for scale in args.scales[1:]:
        console.print(f"  round {number}: ingest at {scale}x", end="\r")
        result = _measure("ingest", archives[scale], run_dir / f"warehouse-{scale}x.duckdb")
        figures.add(f"ingest-{scale}x", result)
        (run_dir / f"warehouse-{scale}x.duckdb").unlink(missing_ok=True)
    _ratios(seconds, figures)
    agree = _results_agree(run_dir)
    shutil.rmtree(run_dir / "results", ignore_errors=True)
    return agree


def _ratios(seconds: dict[str, float], figures: Figures) -> None:
    """The round's ratios, each against a baseline measured in the same round."""
    answer = seconds.get("ingest", 0) + seconds.get("count", 0)
    pairs = {
        "files to first answer / DuckDB alone": (answer, seconds.get("duckdb")),
        "pandas / files to first answer": (seconds.get("pandas"), answer),
        "polars / files to first answer": (seconds.get("polars"), answer),
        "ingest / DuckDB read_csv + count(*)": (seconds.get("ingest"), seconds.get("bare")),
        # With --references: against the floor for any loader that keeps the rows (a copy of
        # every file, as text, into a table on disk): the like-for-like peer of a warehouse.
        "ingest / DuckDB copy into a table on disk": (seconds.get("ingest"), seconds.get("bare-load")),
        "no-op re-run / first load": (seconds.get("noop"), seconds.get("ingest")),
        "no-op re-run on a cold cache / first load": (seconds.get("noop-cold"), seconds.get("ingest")),
        "repeated national count / DuckDB native table": (seconds.get("count-repeat"), seconds.get("native")),
    }
    for name, (top, bottom) in pairs.items():
        if top and bottom and "ingest" in seconds:
            figures.ratios.setdefault(name, []).append(top / bottom)


def _results_agree(run_dir: Path) -> bool | None:
    """CSP Hub's counts equal each peer's, group for group (None when nothing to compare)."""
    folder = run_dir / "results"
    if not (folder / "count.parquet").exists():
        return None
    keys = ["month", "crime_type", "ward_code"]

    def table(name: str) -> pd.DataFrame:
        frame = pd.read_parquet(folder / f"{name}.parquet")[[*keys, "count"]]
        frame = frame.astype({"month": str, "crime_type": str, "ward_code": str, "count": int})
        return frame.sort_values(keys).reset_index(drop=True)

    ours = table("count")
    peers = [p.stem for p in folder.glob("*.parquet") if p.stem != "count"]
    return all(ours.equals(table(peer)) for peer in peers) if peers else None


def _spread(values: list[float], fmt: str) -> str:
    if not values:
        return "-"
    median = statistics.median(values)
    if len(values) == 1:
        return format(median, fmt)
    return f"{format(median, fmt)} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def _ratio_format(values: list[float]) -> str:
    """Two decimals, or three significant figures for a ratio far below 1 (a no-op re-run)."""
    return ".2f" if min(values) >= 0.1 else ".3g"


def _growth(figures: Figures, scales: list[int]) -> list[tuple[int, str, str, str, str]]:
    """(scale, rows, seconds, peak MB, exponents) per scale: exponent = log(ratio)/log(scale)."""
    rows = []
    base_t = statistics.median(figures.ok("ingest")) if figures.ok("ingest") else None
    base_m = statistics.median(figures.ok("ingest", "peak_mb")) if figures.ok("ingest") else None
    for scale in scales:
        name = "ingest" if scale == 1 else f"ingest-{scale}x"
        t, m = figures.ok(name), figures.ok(name, "peak_mb")
        loaded = figures.ok(name, "rows")
        exponent = "-"
        if scale > 1 and t and base_t and base_m:
            exponent = (f"time {math.log(statistics.median(t) / base_t) / math.log(scale):.2f}, "
                        f"memory {math.log(statistics.median(m) / base_m) / math.log(scale):.2f}")
        rows.append((scale, f"{int(loaded[0]):,}" if loaded else "-", _spread(t, ".2f"),
                     _spread(m, ",.0f"), exponent))
    return rows


def targets(figures: Figures, scales: list[int]) -> list[tuple[str, str, bool | None]]:
    """(target, measured median, passed) for issue 19's targets; None when not measured."""
    checks: list[tuple[str, str, bool | None]] = []

    def ratio(target: str, name: str, limit: float, at_least: bool) -> None:
        values = figures.ratios.get(name)
        if not values:
            checks.append((target, "not measured", None))
            return
        value = statistics.median(values)
        checks.append((target, f"{format(value, _ratio_format([value]))}x",
                       value >= limit if at_least else value <= limit))

    ratio("files to first answer within 2x of DuckDB alone", "files to first answer / DuckDB alone",
          2, False)
    ratio("files to first answer 3x faster than pandas", "pandas / files to first answer", 3, True)
    ratio("no-op re-run under 10% of the first load", "no-op re-run / first load", 0.10, False)
    ratio("no-op re-run on a cold page cache under 10% of the first load",
          "no-op re-run on a cold cache / first load", 0.10, False)
    ratio("repeated national count within 1.2x of a DuckDB native table",
          "repeated national count / DuckDB native table", 1.2, False)
    one = figures.ok("one-authority")
    checks.append(("one authority's count under 0.2 s in-process",
                   f"{statistics.median(one):.3f} s" if one else "not measured",
                   statistics.median(one) < 0.2 if one else None))
    for scale in scales:
        peaks = figures.ok("ingest" if scale == 1 else f"ingest-{scale}x", "peak_mb")
        if peaks:
            checks.append((f"ingest peak memory under 1.5 GB at {scale}x",
                           f"{max(peaks):,.0f} MB (highest)", max(peaks) < MEMORY_LIMIT_MB))
    return checks


def _machine() -> str:
    import duckdb

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} CPU cores shared with other work (load average {load:.1f} at the "
            f"start), {memory:.0f} GB RAM, Python {platform.python_version()}, DuckDB "
            f"{duckdb.__version__}, pandas {pd.__version__}")


def _commit() -> str:
    done = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=HERE, capture_output=True,
                          text=True, check=False)
    return done.stdout.strip() or "unknown"


def markdown(figures: Figures, args: argparse.Namespace, archives: dict, agree: bool | None,
             command: str, machine: str) -> str:
    """The figures as the Markdown block docs/performance.md carries."""
    one = archives[1]
    lines = [
        f"Generated by `benchmarks/run.py` on {datetime.now(UTC):%d %B %Y at %H:%M} UTC, "
        f"commit `{_commit()}`. {machine}.",
        "",
        "```",
        command,
        "```",
        "",
        f"1x: {len(one.street_files)} street files ({args.forces} forces x {args.months} months), "
        f"{one.rows:,} rows. {args.repeats} rounds, interleaved (each round runs every "
        "measurement once, in its own process); median (lowest-highest) of the rounds. "
        f"Before the cold no-op re-run: {figures.cache_dropped}.",
        "",
        "| measurement | seconds | peak MB |",
        "|---|---:|---:|",
    ]
    for name in _shown(args):
        lines.append(f"| {LABELS[name]} | {_spread(figures.ok(name), '.2f')} | "
                     f"{_spread(figures.ok(name, 'peak_mb'), ',.0f')} |")
    lines += ["", "Ratios, each taken within a round against a baseline of the same round:", "",
              "| ratio | median (lowest-highest) |", "|---|---:|"]
    for name, values in figures.ratios.items():
        lines.append(f"| {name} | {_spread(values, _ratio_format(values))}x |")
    if agree is not None:
        lines += ["", f"CSP Hub's counts {'equal' if agree else 'DIFFER FROM'} every peer's, "
                      "group for group (month x crime type x ward)."]
    lines += ["", "Ingest at each scale (the archive N times larger has N times the months); "
              "exponent = log(ratio to 1x) / log(N): 1 grows in proportion, 0 not at all:", "",
              "| scale | rows | seconds | peak MB | growth exponent |",
              "|---:|---:|---:|---:|---|"]
    for scale, rows, seconds, peak, exponent in _growth(figures, args.scales):
        lines.append(f"| {scale}x | {rows} | {seconds} | {peak} | {exponent} |")
    lines += ["", "| target | measured | result |", "|---|---:|---|"]
    for target, measured, passed in targets(figures, args.scales):
        lines.append(f"| {target} | {measured} | "
                     f"{'-' if passed is None else ('pass' if passed else 'FAIL')} |")
    return "\n".join(lines)


def rewrite_block(path: Path, block: str) -> None:
    """Replace what lies between the bench markers in ``path`` with ``block``."""
    text = path.read_text()
    # The markers on lines of their own: the page may mention them in its text.
    pattern = re.compile("^" + re.escape(BLOCK_START) + "$.*?^" + re.escape(BLOCK_END) + "$",
                         re.DOTALL | re.MULTILINE)
    if not pattern.search(text):
        raise SystemExit(f"{path} has no {BLOCK_START} ... {BLOCK_END} block to rewrite")
    path.write_text(pattern.sub(lambda _: f"{BLOCK_START}\n{block}\n{BLOCK_END}", text))


def _print(figures: Figures, args: argparse.Namespace) -> None:
    table = Table(title=f"Measurements at 1x, median (range) of {args.repeats} interleaved rounds")
    for column in ("measurement", "seconds", "peak MB"):
        table.add_column(column, justify="left" if column == "measurement" else "right")
    for name in _shown(args):
        table.add_row(LABELS[name], _spread(figures.ok(name), ".2f"),
                      _spread(figures.ok(name, "peak_mb"), ",.0f"))
    console.print(table)
    ratios = Table(title="Ratios within each round")
    ratios.add_column("ratio")
    ratios.add_column("median (range)", justify="right")
    for name, values in figures.ratios.items():
        ratios.add_row(name, _spread(values, _ratio_format(values)) + "x")
    console.print(ratios)
    growth = Table(title="Ingest at each scale")
    for column in ("scale", "rows", "seconds", "peak MB", "growth exponent"):
        growth.add_column(column, justify="right")
    for row in _growth(figures, args.scales):
        growth.add_row(f"{row[0]}x", *row[1:])
    console.print(growth)
    verdicts = Table(title="Targets")
    for column in ("target", "measured", "result"):
        verdicts.add_column(column)
    for target, measured, passed in targets(figures, args.scales):
        verdict = "-" if passed is None else ("[green]PASS[/green]" if passed else "[red]FAIL[/red]")
        verdicts.add_row(target, measured, verdict)
    console.print(verdicts)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    machine = _machine()
    archives = {scale: _generate(args, scale) for scale in args.scales}
    with console.status("Reading the archives once to warm the page cache..."):
        for archive in archives.values():
            _warm_page_cache(archive)
    # One folder per run, so runs started side by side never share a warehouse or results.
    run_dir = args.work / f"run-{os.getpid()}"
    run_dir.mkdir(parents=True, exist_ok=True)
    figures, agreement = Figures(), []
    try:
        for number in range(1, args.repeats + 1):
            agreement.append(_round(args, archives, run_dir, figures, number))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    agree = None if all(a is None for a in agreement) else all(a is not False for a in agreement)
    _print(figures, args)
    if agree is not None:
        console.print(f"CSP Hub's counts {'equal' if agree else '[red]differ from[/red]'} the peers'.")
    if args.markdown:
        rewrite_block(args.markdown, markdown(figures, args, archives, agree, command.strip(),
                                              machine))
        console.print(f"Rewrote the figures in {args.markdown}")
    if args.json:
        args.json.write_text(json.dumps({"rows": archives[1].rows, "scales": args.scales,
                                         "runs": figures.runs, "ratios": figures.ratios, "agree": agree,
                                         "targets": targets(figures, args.scales)}, indent=2))
    checks = targets(figures, args.scales)
    failed = any(passed is False for _, _, passed in checks) or agree is False
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
