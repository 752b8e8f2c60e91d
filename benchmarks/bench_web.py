"""Web load benchmark: the demo casework served by `csphub serve`, at 1, 8 and 32 clients.

    python benchmarks/bench_web.py                    # SQLite, then PostgreSQL if reachable
    python benchmarks/bench_web.py --database sqlite --requests 100 --repeats 3

Builds the demo partnership (``csphub demo --years 1``) in a scratch data directory, signs a
supervisor of the lead agency in, and sends ``--requests`` requests per client count to three
routes (the case list page ``/cases/``, one case page, and ``GET /api/v1/cases/``) from that
many concurrent clients, each on its own keep-alive connection. Two servers are measured in
the same run, interleaved (A B A B ...) ``--repeats`` times: the baseline, one waitress process
of 8 threads (``--workers 1``, what `csphub serve` was), and `csphub serve` with its defaults
(gunicorn, two single-request worker processes per core). Printed per route, server and client count: p50, p95 and p99 latency and throughput
(medians over the repeats, with their range), and throughput against the baseline.

Targets (issue 19, item 1): p95 under 300 ms at 32 clients for each route; throughput rising
with clients up to the core count. Everything listens on 127.0.0.1 only; each run is bounded
by --requests. Exit status 1 when a target is missed.

``--markdown FILE`` rewrites the block between ``<!-- bench-web:start -->`` and
``<!-- bench-web:end -->`` in FILE with the run's own figures, the command, the commit and the
machine's load; ``--from-json FILE`` writes that block (and the report) from an earlier run's
``--json`` instead of running again.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
BLOCK_START, BLOCK_END = "<!-- bench-web:start -->", "<!-- bench-web:end -->"
CSPHUB = Path(sys.executable).parent / "csphub"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/test"
PASSWORD = "tidy walrus copper lantern"
CLIENTS = (1, 8, 32)
TARGET_P95_MS = 300.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSPHUB_", "DATABASE_URL"))}
    env.update({"CSPHUB_DATA_DIR": str(data_dir), "CSPHUB_MFA": "off"})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(CSPHUB), *args], env=env, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise SystemExit(f"csphub {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _postgres_database() -> str | None:
    """A fresh database on the local PostgreSQL, or None when it is not reachable."""
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as con:
            con.execute("DROP DATABASE IF EXISTS csphub_bench_web")
            con.execute("CREATE DATABASE csphub_bench_web")
    except psycopg.OperationalError:
        return None
    return PG_ADMIN.rsplit("/", 1)[0] + "/csphub_bench_web"


def prepare(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The demo in ``data_dir`` (built once; kept with --work), the bench user and a token."""
    env = _environment(data_dir, database_url)
    started = time.perf_counter()
    marker = data_dir / "bench-web-ready"
    if not marker.exists():
        _run(env, "demo", "--years", "1")
        _run(env, "user", "create", "bench.supervisor", "--agency", "Riverford Council ASB Team", "--role",
             "supervisor", "--password", PASSWORD)
        marker.write_text("built\n")
        print(f"  demo built in {time.perf_counter() - started:.0f} s")
    token = _run(env, "token", "create", "bench.supervisor", "--scope", "read", "--name", "bench").strip().splitlines()[-1]
    return {"token": token, **env}


class Server:
    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [str(CSPHUB), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             *(["--workers", str(workers)] if workers else [])], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"csphub serve ended: {self.process.stderr.read() if self.process.stderr else ''}") from None
                time.sleep(0.2)
        raise SystemExit("csphub serve did not start within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _session_cookie(port: int) -> str:
    """Sign in through the real form (CSRF token and all); the session and CSRF cookies."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    con.request("GET", "/login/")
    response = con.getresponse()
    page = response.read().decode()
    cookies = {m.group(1): m.group(2) for m in re.finditer(r"([^=;,\s]+)=([^;]*)",
                                                            " ".join(response.headers.get_all("Set-Cookie") or []))}
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"username": "bench.supervisor", "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    con.request("POST", "/login/", body, {"Content-Type": "application/x-www-form-urlencoded",
                                           "Cookie": f"csrftoken={cookies['csrftoken']}",
                                           "Referer": f"http://127.0.0.1:{port}/login/"})
    response = con.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"bench sign-in answered {response.status}")
    session = re.search(r"sessionid=([^;]+)", " ".join(response.headers.get_all("Set-Cookie") or [])).group(1)
    return f"csrftoken={cookies['csrftoken']}; sessionid={session}"


def _first_case(port: int, token: str) -> int:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    con.request("GET", "/api/v1/cases/?limit=1", headers={"Authorization": f"Bearer {token}"})
    answer = json.loads(con.getresponse().read())
    return answer["items"][0]["id"]  # list routes answer in an envelope: items, total, next


def load(port: int, path: str, headers: dict[str, str], clients: int, requests: int) -> dict[str, float]:
    """``requests`` GETs of ``path`` from ``clients`` threads, each with its own connection."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client(n: int) -> None:
        nonlocal errors
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        for _ in range(n):
            started = time.perf_counter()
            con.request("GET", path, headers=headers)
            response = con.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors += 1
        con.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in per_client if n]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000, "rps": len(latencies) / elapsed,
            "errors": errors}


def bench(env: dict[str, str], args: argparse.Namespace) -> dict:
    from csphub.cli.casework import default_workers

    # The baseline: one waitress process of 8 threads (what `serve` was); then serve's defaults.
    servers = {"waitress x1 (baseline)": 1, f"gunicorn x{default_workers()} (default)": 0}
    running = {name: Server(env, workers) for name, workers in servers.items()}
    try:
        any_port = next(iter(running.values())).port
        case_id = _first_case(any_port, env["token"])
        auth = {name: {"Cookie": _session_cookie(s.port)} for name, s in running.items()}
        routes = {"/cases/": None, f"/cases/{case_id}/": None, "/api/v1/cases/": {"Authorization": f"Bearer {env['token']}"}}
        results: dict = {}
        for clients in CLIENTS:
            for _ in range(args.repeats):
                for name, server in running.items():  # interleaved: A B A B ...
                    for route, headers in routes.items():
                        figures = load(server.port, route, headers or auth[name], clients, args.requests)
                        results.setdefault(route, {}).setdefault(name, {}).setdefault(clients, []).append(figures)
        return results
    finally:
        for server in running.values():
            server.stop()


def _median(runs: list[dict], key: str) -> tuple[float, float, float]:
    values = [r[key] for r in runs]
    return statistics.median(values), min(values), max(values)


def report(database: str, results: dict) -> list[str]:
    missed = []
    print(f"\n{database}: latency in ms (median of repeats [range]), throughput in requests/s")
    for route, by_server in results.items():
        print(f"\n  {route}")
        baseline = next(iter(by_server.values()))
        for name, by_clients in by_server.items():
            for clients, runs in by_clients.items():
                p50, p95, p99, rps = (_median(runs, k) for k in ("p50", "p95", "p99", "rps"))
                ratio = rps[0] / _median(baseline[clients], "rps")[0]
                errors = sum(r["errors"] for r in runs)
                print(f"    {name:<24} {clients:>2} clients  p50 {p50[0]:7.1f}  p95 {p95[0]:7.1f} "
                      f"[{p95[1]:.0f}-{p95[2]:.0f}]  p99 {p99[0]:7.1f}  {rps[0]:6.1f} req/s [{rps[1]:.0f}-{rps[2]:.0f}]"
                      f"  x{ratio:.2f} of baseline{'  ERRORS ' + str(errors) if errors else ''}")
                if not name.startswith("waitress") and clients == max(CLIENTS) and p95[0] > TARGET_P95_MS:
                    missed.append(f"{database} {route}: p95 {p95[0]:.0f} ms at {clients} clients (target {TARGET_P95_MS:.0f})")
                if errors:
                    missed.append(f"{database} {route} {name}: {errors} non-200 answers")
    return missed


def _throughput_rises(by_clients: dict) -> bool:
    """Throughput at each client count up to the core count is above the count before it."""
    cores = os.cpu_count() or 1
    counts = sorted(int(c) for c in by_clients)
    upto = [c for c in counts if c <= cores] + [min((c for c in counts if c > cores), default=counts[-1])]
    upto = sorted(set(upto))
    medians = [_median(by_clients[c] if c in by_clients else by_clients[str(c)], "rps")[0] for c in upto]
    return all(b > a for a, b in zip(medians, medians[1:], strict=False))


def markdown(figures: dict, command: str, load: float) -> str:
    """The run's figures as the Markdown block docs/performance.md carries."""
    from datetime import UTC, datetime

    commit = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=HERE, capture_output=True, text=True,
                            check=False).stdout.strip() or "unknown"
    lines = [f"Generated by `benchmarks/bench_web.py` on {datetime.now(UTC):%d %B %Y at %H:%M} UTC, commit "
             f"`{commit}`. {os.cpu_count()} CPU cores, load average {load:.1f} at the start; the load "
             "generator's threads run on the same cores.", "", "```", command, "```", "",
             "Median of the repeats (lowest-highest); latency in ms, throughput in requests/s; "
             "x baseline is throughput against one waitress process at the same client count.", ""]
    for database, results in figures.items():
        lines += [f"**{'SQLite' if database == 'sqlite' else 'PostgreSQL'}**", "",
                  "| route | server | clients | p50 | p95 | p99 | req/s | x baseline |",
                  "|---|---|---:|---:|---:|---:|---:|---:|"]
        for route, by_server in results.items():
            baseline = next(iter(by_server.values()))
            for name, by_clients in by_server.items():
                for clients, runs in by_clients.items():
                    p50, p95, p99, rps = (_median(runs, k) for k in ("p50", "p95", "p99", "rps"))
                    ratio = rps[0] / _median(baseline[clients], "rps")[0]
                    lines.append(f"| `{route}` | {name} | {clients} | {p50[0]:.0f} | {p95[0]:.0f} "
                                 f"({p95[1]:.0f}-{p95[2]:.0f}) | {p99[0]:.0f} | {rps[0]:.0f} ({rps[1]:.0f}-{rps[2]:.0f}) "
                                 f"| x{ratio:.2f} |")
        lines.append("")
    lines += ["| target | route | SQLite | PostgreSQL |", "|---|---|---|---|"]
    for route in next(iter(figures.values()), {}):
        p95s, rises = [], []
        for database in ("sqlite", "postgresql"):
            served = figures.get(database, {}).get(route)
            if not served:
                p95s.append("not run")
                rises.append("not run")
                continue
            name, by_clients = list(served.items())[-1]
            top = max(by_clients, key=int)
            value = _median(by_clients[top], "p95")[0]
            p95s.append(f"{value:.0f} ms: {'pass' if value <= TARGET_P95_MS else 'FAIL'}")
            rises.append("pass" if _throughput_rises(by_clients) else "FAIL")
        lines.append(f"| p95 under {TARGET_P95_MS:.0f} ms at {max(CLIENTS)} clients | `{route}` | {p95s[0]} | {p95s[1]} |")
        lines.append(f"| throughput rising with clients up to the core count | `{route}` | {rises[0]} | {rises[1]} |")
    return "\n".join(lines)


def rewrite_block(path: Path, block: str) -> None:
    """Replace what lies between the bench-web markers (each on a line of its own) in ``path``."""
    text = path.read_text()
    pattern = re.compile("^" + re.escape(BLOCK_START) + "$.*?^" + re.escape(BLOCK_END) + "$", re.DOTALL | re.MULTILINE)
    if not pattern.search(text):
        raise SystemExit(f"{path} has no {BLOCK_START} ... {BLOCK_END} block to rewrite")
    path.write_text(pattern.sub(lambda _: f"{BLOCK_START}\n{block}\n{BLOCK_END}", text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200, help="requests per route, server and client count")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats (medians and ranges printed)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--work", type=Path, help="keep the built demo here and reuse it (SQLite only)")
    parser.add_argument("--markdown", type=Path,
                        help=f"rewrite the block between {BLOCK_START} and {BLOCK_END} in this file")
    parser.add_argument("--from-json", type=Path, help="report (and --markdown) an earlier run's --json; run nothing")
    args = parser.parse_args(argv)
    command = "python benchmarks/bench_web.py " + " ".join(sys.argv[1:] if argv is None else argv)
    load = os.getloadavg()[0]
    figures, missed = {}, []
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        figures, load, command = saved.get("figures", saved), saved.get("load", load), saved.get("command", command)
        figures = {db: {route: {name: {int(c): runs for c, runs in by_clients.items()}
                                  for name, by_clients in by_server.items()}
                         for route, by_server in results.items()} for db, results in figures.items()}
        for database, results in figures.items():
            missed += report(database, results)
    for database in ("sqlite", "postgresql") if not args.from_json else ():
        if args.database not in (database, "both"):
            continue
        url = None
        if database == "postgresql":
            url = _postgres_database()
            if url is None:
                print("PostgreSQL at 127.0.0.1:5432 not reachable: skipped")
                continue
        keep = args.work is not None and database == "sqlite"
        scratch = args.work if keep else Path(tempfile.mkdtemp(prefix=f"csphub-bench-web-{database}-"))
        try:
            print(f"{database}: building the demo in {scratch}")
            env = prepare(scratch, url)
            figures[database] = bench(env, args)
            missed += report(database, figures[database])
        finally:
            if not keep:
                shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "load": load, "command": command}, indent=2))
    if args.markdown:
        rewrite_block(args.markdown, markdown(figures, command, load))
        print(f"Rewrote the figures in {args.markdown}")
    print("\nTargets missed:\n  " + "\n  ".join(missed) if missed else "\nAll targets met.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
