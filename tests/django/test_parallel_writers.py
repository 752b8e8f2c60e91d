"""Eight parallel writers against a real `csphub serve` (issue 11, item 2), on the database this
run uses: SQLite under a fresh data directory, or a fresh PostgreSQL database when DATABASE_URL
names PostgreSQL. Bounded (a fixed number of requests, 127.0.0.1 only) and self-stopping.

Asserted: no server error (no 5xx at all, so no 500 and no 503 either), no lost update (every
incident answered 201 is there afterwards; the case's version counts every status change
answered 200), one answer per referral, and the panel's cohort cap held.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

WRITERS = 8
ROUNDS = 6  # per writer and kind of work

SEED = r'''
import json, os
from csphub.django_setup import setup_django
setup_django(migrate=True)
from datetime import date
from csphub.accounts.models import Agency, ApiToken
from csphub.accounts.services import create_user
from csphub.casework import services
from csphub.casework.models import CaseType
from csphub.panels import services as panels
from csphub.panels.models import Panel

council = Agency.objects.create(name="Council ASB Team", kind="council")
housing = Agency.objects.create(name="Riverford Homes", kind="housing")
officer = create_user("lead.officer", council, "officer", "a-long-Passw0rd-for-tests", check_password=False)
receivers = [create_user(f"housing{i}", housing, "officer", "a-long-Passw0rd-for-tests", check_password=False)
             for i in range(%(writers)d)]
case = services.open_case(officer, case_type=CaseType.objects.get_or_create(name="Noise nuisance")[0],
                          summary="Loud music")
victim = services.record_person(officer, first_name="Sam", last_name="Jones")
services.add_party(officer, case, victim, "victim")
referrals = [services.refer(officer, case, to_agency=housing, reason=f"Support {i}", person=victim).pk
             for i in range(4)]
panel = Panel.objects.create(name="Blue Light", kind="complex_needs", cohort_cap=3)
panel.members.set([council])
panel_referrals = [panels.refer_to_panel(officer, panel, reason="Dependent drinker", consent="given",
                                         person=services.record_person(officer, first_name=f"P{i}", last_name="X")).pk
                   for i in range(8)]
print(json.dumps({"case": case.pk, "referrals": referrals, "panel_referrals": panel_referrals,
                  "lead": [ApiToken.issue(officer) for _ in range(%(writers)d)],
                  "housing": [ApiToken.issue(u) for u in receivers]}))
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_for(tmp_path: Path) -> tuple[str, object]:
    """The DATABASE_URL the server uses, and how to drop it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path / 'data' / 'csphub.sqlite3'}", None
    import psycopg

    name = f"csphub_writers_{uuid.uuid4().hex[:8]}"
    admin = url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.rsplit("/", 1)[0] + f"/{name}", drop


def _request(method: str, url: str, token: str, body: dict | None = None, headers: dict | None = None
             ) -> tuple[int, dict, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"{}"), dict(answer.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), dict(e.headers)


@pytest.fixture
def server(tmp_path):
    database_url, drop = _database_for(tmp_path)
    env = {**os.environ, "CSPHUB_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": database_url,
           "CSPHUB_ENV": "local"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    (tmp_path / "data").mkdir()
    seeded = subprocess.run([sys.executable, "-c", SEED % {"writers": WRITERS}], env=env, capture_output=True,
                            text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    world = json.loads(seeded.stdout.strip().splitlines()[-1])
    port = _free_port()
    csphub = Path(sys.executable).parent / "csphub"
    process = subprocess.Popen([str(csphub), "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("csphub serve did not start")
        yield base, world
    finally:
        process.terminate()
        process.wait(timeout=30)
        if drop is not None:
            drop()


def test_eight_parallel_writers_lose_nothing_and_never_see_a_server_error(server):
    base, world = server
    case = world["case"]
    statuses: Counter[int] = Counter()

    def incidents(n: int) -> list[int]:
        return [_request("POST", f"{base}/cases/{case}/incidents", world["lead"][n],
                         {"occurred_at": f"2026-05-0{1 + i % 9}T22:00:00Z", "description": f"Writer {n} round {i}"})[0]
                for i in range(ROUNDS)]

    def status_changes(n: int) -> list[int]:
        codes = []
        for i in range(ROUNDS):
            code, body, headers = _request("GET", f"{base}/cases/{case}", world["lead"][n])
            codes.append(code)
            target = ["investigating", "action", "monitoring", "open"][(n + i) % 4]
            code, _, _ = _request("PATCH", f"{base}/cases/{case}", world["lead"][n], {"status": target},
                                  {"If-Match": headers.get("ETag", "")})
            codes.append(code)
        return codes

    def answers(n: int) -> list[int]:
        return [_request("PATCH", f"{base}/referrals/{r}", world["housing"][n],
                         {"status": "accepted" if n % 2 else "declined"})[0] for r in world["referrals"]]

    def adoptions(n: int) -> list[int]:
        return [_request("POST", f"{base}/panels/referrals/{r}/decision", world["lead"][n], {"status": "adopted"})[0]
                for r in world["panel_referrals"][n::2]]

    kinds = {"incidents": incidents, "status": status_changes, "answers": answers, "adoptions": adoptions}
    with ThreadPoolExecutor(WRITERS * len(kinds)) as pool:
        jobs = [(kind, pool.submit(work, n)) for n in range(WRITERS) for kind, work in kinds.items()]
        by_work: dict[str, list[int]] = {kind: [] for kind in kinds}
        for kind, job in jobs:
            by_work[kind] += job.result(timeout=600)
    for codes in by_work.values():
        statuses.update(codes)
    requests = sum(statuses.values())
    errors = sum(n for code, n in statuses.items() if code >= 500)
    print(f"\nparallel writers on {os.environ.get('DATABASE_URL', 'sqlite').split(':')[0]}: {WRITERS} writers, "  # noqa: T201
          f"{requests} requests, {errors} server errors, answers {dict(sorted(statuses.items()))}")
    assert errors == 0, statuses

    # No lost update: every incident answered 201 is on the case.
    lead = world["lead"][0]
    recorded = _request("GET", f"{base}/cases/{case}/incidents?limit=500", lead)[1]["items"]
    assert len(recorded) == by_work["incidents"].count(201) == WRITERS * ROUNDS
    # Every status change answered 200 moved the version on by one; the rest were refused (409).
    _, body, _ = _request("GET", f"{base}/cases/{case}", lead)
    changes = by_work["status"][1::2]
    assert set(changes) <= {200, 409} and body["version"] == 1 + changes.count(200)
    # One answer per referral: the first wins, every later one is refused by the lifecycle rule.
    assert by_work["answers"].count(200) == len(world["referrals"])
    assert set(by_work["answers"]) <= {200, 409, 422}
    # The cohort cap (3) held with eight adoptions racing.
    assert by_work["adoptions"].count(200) == 3 and set(by_work["adoptions"]) <= {200, 409, 422}
