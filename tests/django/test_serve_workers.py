"""`csphub serve` forks its gunicorn workers with no database connection open (issue 19). Its
start-up migration opens one; a worker forked with it shares its socket with every other
worker, and on PostgreSQL one worker then reads the answer to another's query: measured at 8
clients, 66 of 100 page loads were 500s (sessions read as another's, "tuple index out of
range", a worker killed by SIGSEGV). Runs on the database the suite runs on: SQLite, and
PostgreSQL in CI (a database of its own, dropped after)."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")]

PASSWORD = "tidy walrus copper lantern"  # noqa: S105 - a test user's
CSPHUB = Path(sys.executable).parent / "csphub"
URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = URL.startswith(("postgres://", "postgresql://"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database(tmp_path: Path):
    """A database of the test's own: a new PostgreSQL database, or SQLite in the data directory."""
    if not ON_POSTGRES:
        yield None
        return
    import psycopg

    name = f"csphub_serve_{os.getpid()}"
    admin = URL.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    yield name
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _env(data_dir: Path, database: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSPHUB_", "DATABASE_URL", "DJANGO_"))}
    env.update({"CSPHUB_DATA_DIR": str(data_dir), "CSPHUB_MFA": "off"})
    if database:
        env["DATABASE_URL"] = URL.rsplit("/", 1)[0] + "/" + database
    return env


def _sign_in(port: int) -> str:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    con.request("GET", "/login/")
    response = con.getresponse()
    page = response.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", " ".join(response.headers.get_all("Set-Cookie") or [])).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    con.request("POST", "/login/", urlencode({"username": "serve.officer", "password": PASSWORD,
                                              "csrfmiddlewaretoken": token}),
                {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
                 "Referer": f"http://127.0.0.1:{port}/login/"})
    response = con.getresponse()
    response.read()
    assert response.status == 302, response.status
    session = re.search(r"sessionid=([^;]+)", " ".join(response.headers.get_all("Set-Cookie") or [])).group(1)
    return f"csrftoken={csrf}; sessionid={session}"


def _master_holds_the_database(pid: int, data_dir: Path, database: str | None) -> bool:
    if database is None:  # SQLite: a file the master process has open
        return any(os.readlink(fd).endswith("csphub.sqlite3") for fd in Path(f"/proc/{pid}/fd").iterdir()
                   if fd.is_symlink())
    import psycopg

    with psycopg.connect(URL.replace("postgres://", "postgresql://", 1), autocommit=True) as con:
        return con.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)).fetchone()[0] > 0


def test_workers_are_forked_with_no_database_connection_and_answer_every_client(tmp_path, database):
    data_dir = tmp_path / "data"
    env = _env(data_dir, database)
    for command in (["agency", "add", "Serve Council ASB Team", "--kind", "council"],
                    ["user", "create", "serve.officer", "--agency", "Serve Council ASB Team", "--role", "officer",
                     "--password", PASSWORD, "--first-name", "Sasha", "--last-name", "Served"]):
        subprocess.run([str(CSPHUB), *command], env=env, check=True, capture_output=True, timeout=600)
    port = _free_port()
    process = subprocess.Popen([str(CSPHUB), "serve", "--port", str(port), "--workers", "4"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(1)  # every worker forked, none has answered a request yet
        assert not _master_holds_the_database(process.pid, data_dir, database)
        cookie = _sign_in(port)
        answers: list[tuple[int, bool]] = []

        def client() -> None:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for _ in range(10):
                con.request("GET", "/cases/", headers={"Cookie": cookie})
                response = con.getresponse()
                answers.append((response.status, "Sasha Served" in response.read().decode()))

        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [(200, True)] * 80  # every page, and each the signed-in officer's own
    finally:
        process.terminate()
        process.communicate(timeout=30)
