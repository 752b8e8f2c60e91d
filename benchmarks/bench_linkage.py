"""Benchmark: matching people across agencies (csphub.linkage) on 100,000+ synthetic records.

    .venv/bin/python benchmarks/bench_linkage.py                  # 100,000+ records
    .venv/bin/python benchmarks/bench_linkage.py --records 20000  # a quick run

Generates seeded synthetic records of people held by 4-6 agencies, with typos, nicknames,
swapped names, house moves and missing or transposed dates of birth, and the true pairs. Times
``PersonMatcher.fit`` (prepare + train) and ``predict_pairs``, scores the pairs at the
threshold (0.9 by default: see docs/linkage.md) against the truth, and measures a baseline in
the same run: exact match on normalised (first name, last name, date of birth) with a pandas
merge. Targets: precision >= 0.95, recall >= 0.90, the whole run under 60 s. Peak memory is the
process's peak resident set (DuckDB's memory included). Exit status 1 when a target is missed.
See docs/performance.md for the figures measured on the project machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from csphub.linkage import PersonMatcher, generate_people, pairs_from_frame, precision_recall
from csphub.linkage.model import prepare

TARGET_PRECISION = 0.95
TARGET_RECALL = 0.90
TARGET_SECONDS = 60.0
RECORDS_PER_PERSON = 1.9  # a little under the generator's mean (1.94), so --records is reached
THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)

console = Console()


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000,
                        help="at least this many person records (default 100,000)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the synthetic data")
    parser.add_argument("--threshold", type=float, default=0.9,
                        help="match probability at or above which a pair is a match")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def _generate(records: int, seed: int) -> tuple[pd.DataFrame, set[tuple[str, str]], float]:
    started = time.perf_counter()
    people = math.ceil(records / RECORDS_PER_PERSON)
    frame, truth = generate_people(people, seed)
    while len(frame) < records:  # rare: the seed drew fewer records a person than usual
        people = math.ceil(people * 1.02)
        frame, truth = generate_people(people, seed)
    return frame, truth, time.perf_counter() - started


def _splink(frame: pd.DataFrame, threshold: float) -> tuple[pd.DataFrame, dict]:
    """Pairs scored at or above the lowest threshold reported, and the timings."""
    started = time.perf_counter()
    with PersonMatcher(seed=42).fit(frame) as matcher:
        fitted = time.perf_counter()
        scored = matcher.predict_pairs(min(threshold, *THRESHOLDS))
        predicted = time.perf_counter()
        note = matcher.training_note
    return scored, {"fit_seconds": fitted - started, "predict_seconds": predicted - fitted,
                    "seconds": predicted - started, "training": note}


def _baseline(frame: pd.DataFrame) -> tuple[set[tuple[str, str]], float]:
    """Exact match on normalised first name, last name and date of birth (pandas merge)."""
    started = time.perf_counter()
    keys = ["first_name", "last_name", "date_of_birth"]
    people = prepare(frame)[["unique_id", *keys]].dropna()
    joined = people.merge(people, on=keys, suffixes=("_l", "_r"))
    joined = joined[joined["unique_id_l"] < joined["unique_id_r"]]
    return pairs_from_frame(joined), time.perf_counter() - started


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _process_seconds() -> float | None:
    """Wall time since this process started, Python's imports included (Linux only)."""
    try:
        after_name = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_ticks = int(after_name[19])  # field 22, starttime, in clock ticks since boot
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - started_ticks / os.sysconf("SC_CLK_TCK")


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _threshold_table(scored: pd.DataFrame, truth: set[tuple[str, str]], chosen: float) -> Table:
    table = Table(title="Precision and recall by threshold (same predictions)")
    for column in ("threshold", "precision", "recall", "TP", "FP", "FN"):
        table.add_column(column, justify="right")
    for threshold in sorted({*THRESHOLDS, chosen}):
        pairs = pairs_from_frame(scored[scored["match_probability"] >= threshold])
        precision, recall, tp, fp, fn = precision_recall(pairs, truth)
        mark = " (chosen)" if threshold == chosen else ""
        table.add_row(f"{threshold}{mark}", f"{precision:.4f}", f"{recall:.4f}", f"{tp:,}",
                      f"{fp:,}", f"{fn:,}")
    return table


def _verdicts(checks: list[tuple[str, str, bool]]) -> Table:
    table = Table(title="Targets")
    for column in ("target", "measured", "result"):
        table.add_column(column)
    for target, measured, passed in checks:
        table.add_row(target, measured, "[green]PASS[/green]" if passed else "[red]FAIL[/red]")
    return table


def _figures_table(figures: dict) -> Table:
    table = Table(title="Measurements")
    for column in ("method", "seconds", "precision", "recall", "TP", "FP", "FN"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for name, label in (("splink", f"splink, p >= {figures['threshold']}"),
                        ("baseline", "exact name + DOB")):
        r = figures[name]
        table.add_row(label, f"{r['seconds']:.2f}", f"{r['precision']:.4f}", f"{r['recall']:.4f}",
                      f"{r['tp']:,}", f"{r['fp']:,}", f"{r['fn']:,}")
    return table


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    run_started = time.perf_counter()
    frame, truth, generate_seconds = _generate(args.records, args.seed)
    console.print(f"Generated {len(frame):,} records of {frame['agency'].nunique()} agencies, "
                  f"{len(truth):,} true pairs, in {generate_seconds:.1f}s (seed {args.seed})")
    with console.status("prepare + train + predict..."):
        scored, splink = _splink(frame, args.threshold)
    chosen = pairs_from_frame(scored[scored["match_probability"] >= args.threshold])
    with console.status("baseline..."):
        baseline_pairs, baseline_seconds = _baseline(frame)
    figures = {"records": len(frame), "agencies": int(frame["agency"].nunique()),
               "true_pairs": len(truth), "threshold": args.threshold, "seed": args.seed,
               "generate_seconds": generate_seconds}
    for name, pairs, seconds in (("splink", chosen, splink["seconds"]),
                                 ("baseline", baseline_pairs, baseline_seconds)):
        precision, recall, tp, fp, fn = precision_recall(pairs, truth)
        figures[name] = {"seconds": seconds, "precision": precision, "recall": recall,
                         "tp": tp, "fp": fp, "fn": fn}
    figures["splink"].update({k: v for k, v in splink.items() if k != "seconds"})
    figures["recall_ratio"] = figures["splink"]["recall"] / figures["baseline"]["recall"]
    figures["time_ratio"] = splink["seconds"] / baseline_seconds
    figures["run_seconds"] = _process_seconds() or time.perf_counter() - run_started
    figures["cpu_seconds"] = _cpu_seconds()
    figures["peak_mb"] = _peak_mb()

    console.print(_figures_table(figures))
    console.print(f"splink: fit (prepare + train) {splink['fit_seconds']:.2f}s, predict "
                  f"{splink['predict_seconds']:.2f}s; {splink['training']}")
    console.print(f"Ratios: splink recall / baseline recall {figures['recall_ratio']:.2f}x; "
                  f"splink time / baseline time {figures['time_ratio']:.1f}x")
    console.print(f"Whole run (process start to here, imports and generation included) "
                  f"{figures['run_seconds']:.1f}s wall, {figures['cpu_seconds']:.1f}s CPU; "
                  f"peak memory (max RSS) {figures['peak_mb']:,.0f} MB")
    console.print(_threshold_table(scored, truth, args.threshold))
    s = figures["splink"]
    checks = [
        (f"precision >= {TARGET_PRECISION}", f"{s['precision']:.4f}",
         s["precision"] >= TARGET_PRECISION),
        (f"recall >= {TARGET_RECALL}", f"{s['recall']:.4f}", s["recall"] >= TARGET_RECALL),
        (f"whole run < {TARGET_SECONDS:.0f} s", f"{figures['run_seconds']:.1f} s",
         figures["run_seconds"] < TARGET_SECONDS),
        (f"at least {args.records:,} records (--records)", f"{len(frame):,}",
         len(frame) >= args.records),
    ]
    console.print(_verdicts(checks))
    if args.json:
        figures["targets"] = checks
        args.json.write_text(json.dumps(figures, indent=2))
    return 1 if any(not passed for _, _, passed in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
