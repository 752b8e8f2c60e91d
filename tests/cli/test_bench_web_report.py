"""benchmarks/bench_web.py writes its own figures into docs/performance.md (issue 19, item 6):
the block between its markers, with each target judged from the figures, as a person reading
the table would judge it."""

from __future__ import annotations

import importlib.util
import json
import sys

from ..conftest import PROJECT_ROOT


def _bench_web():
    spec = importlib.util.spec_from_file_location("benchmarks_bench_web", PROJECT_ROOT / "benchmarks" / "bench_web.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmarks_bench_web"] = module
    spec.loader.exec_module(module)
    return module


def _runs(p95: float, rps: float) -> list[dict]:
    return [{"p50": p95 / 2, "p95": p95, "p99": p95 * 1.2, "rps": rps, "errors": 0}] * 3


def _figures(p95_at_32: float, rps: tuple[float, float, float]) -> dict:
    by_clients = {1: _runs(20, rps[0]), 8: _runs(150, rps[1]), 32: _runs(p95_at_32, rps[2])}
    baseline = {1: _runs(20, 40), 8: _runs(200, 45), 32: _runs(900, 45)}
    return {"sqlite": {"/cases/": {"waitress x1 (baseline)": baseline, "gunicorn x2": by_clients}}}


def test_the_block_judges_p95_at_32_clients_and_rising_throughput(tmp_path):
    bench = _bench_web()
    page = tmp_path / "performance.md"
    page.write_text("# Web\n<!-- bench-web:start -->\nfigures of an earlier run\n<!-- bench-web:end -->\nAfter\n")
    figures = _figures(250, (50, 90, 95))
    bench.rewrite_block(page, bench.markdown(figures, "python benchmarks/bench_web.py", 0.4))
    text = page.read_text()
    assert "figures of an earlier run" not in text and text.endswith("<!-- bench-web:end -->\nAfter\n")
    assert "| `/cases/` | gunicorn x2 | 32 | 125 | 250 (250-250) | 300 | 95 (95-95) | x2.11 |" in text
    assert "| p95 under 300 ms at 32 clients | `/cases/` | 250 ms: pass | not run |" in text
    assert "| throughput rising with clients up to the core count | `/cases/` | pass | not run |" in text


def test_a_slow_route_and_flat_throughput_fail(tmp_path):
    bench = _bench_web()
    text = bench.markdown(_figures(640, (50, 49, 60)), "cmd", 0.4)
    assert "| p95 under 300 ms at 32 clients | `/cases/` | 640 ms: FAIL | not run |" in text
    assert "| throughput rising with clients up to the core count | `/cases/` | FAIL | not run |" in text


def test_an_earlier_runs_json_is_reported_without_running(tmp_path, capsys):
    bench = _bench_web()
    saved, page = tmp_path / "web.json", tmp_path / "performance.md"
    saved.write_text(json.dumps({"figures": _figures(250, (50, 90, 95)), "load": 0.3, "command": "earlier"}))
    page.write_text("<!-- bench-web:start -->\n<!-- bench-web:end -->\n")
    assert bench.main(["--from-json", str(saved), "--markdown", str(page)]) == 0
    assert "load average 0.3 at the start" in page.read_text() and "earlier" in page.read_text()
    assert bench.main(["--from-json", str(tmp_path / "web.json")]) == 0
    saved.write_text(json.dumps({"figures": _figures(640, (50, 90, 95))}))
    assert bench.main(["--from-json", str(saved)]) == 1  # a missed target exits 1, as a run does
    assert "p95 640 ms at 32 clients" in capsys.readouterr().out
