"""`csphub serve` runs several worker processes (issue 19, item 1): gunicorn with two
single-request workers per core by default (`--workers`, `--threads`), and a single waitress
process with `--workers 1` (as where gunicorn cannot run). The server is started for real on
127.0.0.1 and its worker processes counted, and their CPU time read, from /proc."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts processes in /proc")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the field after the state is the parent's pid
            found.append(int(stat.parent.name))
    return found


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for the module: the first start migrates the database, the rest reuse it."""
    return tmp_path_factory.mktemp("serve") / "data"


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # user + system time


def _load(port: int, clients: int, each: int) -> None:
    """``clients`` threads, each sending ``each`` GET /login/ on its own kept connection."""
    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(each):
            connection.request("GET", "/login/")
            connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _serve(data_dir: Path, *args: str, clients: int = 0) -> tuple[str, int, list[int], list[int]]:
    """Start `csphub serve ARGS`, answer one request, and return what it printed, the status of
    GET /login/, its child processes and, with ``clients``, the children that each did at least
    a fifth of an equal share of the work of ``clients`` concurrent clients (by CPU time)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSPHUB_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["CSPHUB_DATA_DIR"] = str(data_dir)
    csphub = Path(sys.executable).parent / "csphub"
    process = subprocess.Popen([str(csphub), "serve", "--port", str(port), *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):  # the first start migrates a new database: minutes on a busy machine
            if process.poll() is not None:
                pytest.fail(f"csphub serve stopped: {process.stderr.read() if process.stderr else ''}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", "/login/")
                status = connection.getresponse().status
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("csphub serve did not start")
        time.sleep(1)  # gunicorn forks its workers as it starts; give the last a moment
        children = _children(process.pid)
        busy: list[int] = []
        if clients:
            before = {pid: _cpu(pid) for pid in children}
            _load(port, clients, 10)
            used = {pid: _cpu(pid) - before[pid] for pid in children}
            share = sum(used.values()) / len(used)  # an equal share of the work
            busy = [pid for pid, seconds in used.items() if seconds >= 0.2 * share]
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    return out, status, children, busy


def test_serve_runs_two_single_request_gunicorn_workers_per_core_by_default(data_dir):
    workers = max(2, 2 * (os.cpu_count() or 1))
    out, status, children = _serve(data_dir)[:3]
    assert status == 200
    assert f"gunicorn, {workers} process(es) x 1 threads" in out
    assert len(children) == workers, children


def test_requests_from_many_clients_are_shared_among_the_workers(data_dir):
    """32 clients at once, each keeping its connection: the default (sync) workers each take a
    connection only when free, so more than one worker answers (threaded workers let one worker
    hold all 32; docs/adr/0005-serve-sync-workers.md). Each answer names its worker's pid."""
    out, status, children, pids = _serve(data_dir, clients=32)
    assert status == 200 and len(children) >= 2
    assert len(pids) >= 2, pids  # at least two workers did a fair part of the work


def test_serve_with_two_workers_answers_from_two_processes(data_dir):
    out, status, children = _serve(data_dir, "--workers", "2", "--threads", "2")[:3]
    assert status == 200
    assert "gunicorn, 2 process(es) x 2 threads" in out
    assert len(children) == 2, children


def test_serve_with_one_worker_is_one_waitress_process(data_dir):
    out, status, children = _serve(data_dir, "--workers", "1")[:3]
    assert status == 200
    assert "waitress, 1 process(es) x 8 threads" in out
    assert children == []
