"""`csphub serve` runs several worker processes (issue 19, item 1): gunicorn with one worker per
core by default (`--workers`), and a single waitress process with `--workers 1` (as where
gunicorn cannot run). The server is started for real on 127.0.0.1 and its worker processes
counted from /proc."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
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


def _serve(data_dir: Path, *args: str) -> tuple[str, int, list[int]]:
    """Start `csphub serve ARGS`, answer one request, and return what it printed, the status of
    GET /login/ and its child processes."""
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
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    return out, status, children


def test_serve_runs_one_gunicorn_worker_per_core_by_default(data_dir):
    cores = max(1, os.cpu_count() or 1)
    out, status, children = _serve(data_dir)
    assert status == 200
    if cores == 1:  # one core: one waitress process
        assert "waitress, 1 process(es)" in out
        return
    assert f"gunicorn, {cores} process(es) x 8 threads" in out
    assert len(children) == cores, children


def test_serve_with_two_workers_answers_from_two_processes(data_dir):
    out, status, children = _serve(data_dir, "--workers", "2", "--threads", "2")
    assert status == 200
    assert "gunicorn, 2 process(es) x 2 threads" in out
    assert len(children) == 2, children


def test_serve_with_one_worker_is_one_waitress_process(data_dir):
    out, status, children = _serve(data_dir, "--workers", "1")
    assert status == 200
    assert "waitress, 1 process(es) x 8 threads" in out
    assert children == []
