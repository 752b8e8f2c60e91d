"""Every list answers in a constant number of queries whatever its length, and a read writes
nothing but its audit entry (issue 19, item 1).

The lists are the permission matrix's: every page and API route whose GET shows records
(``Shown``), so a new list page or API list gets its query count checked as soon as it has its
matrix row (and the matrix fails until it has one). Each list is read by someone allowed to see
its record, with 10 and then 100 copies of that record: the number of queries is the same.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from csphub.audit.models import AuditEntry

from .matrix_kit import ALLOWED, RELATIONS, ROLES, RULES, Exercise, World
from .test_domain_lists import _copy
from .test_permission_matrix import MATRIX, build_world, method_of, send

pytestmark = pytest.mark.django_db

DETAIL = re.compile(r"(>|\})/?$|/content$|\.(png|svg|pdf)$")
PLACEHOLDER = re.compile(r"<[^>]+>")

#: records a copy does not add to a list: people and users are listed through their link to a
#: case, entry or agency, which a copy lacks; a case party is unique per case, person and role.
#: The governance home shows the current plan, not a list of plans.
NOT_COPIED = {"victim", "subject", "dialin_victim", "officer_lead_user", "party"}
NOT_A_LIST = {("/governance/", "gov_plan")}


def _listed(key: str, exercise: Exercise) -> list[tuple[str, str]]:
    """The (rule, record) of each kind of record a GET lists: its ``Shown`` items, and the reads
    of a route that does not end at one record (a list such as /encampments/, or a case's
    incidents)."""
    items = [(item.rule, item.record) for item in exercise.shown]
    route = key.split(" ", 1)[-1]
    if not DETAIL.search(route) and not PLACEHOLDER.search(key):  # pages under one record: forms
        items += [(exercise.rule, read.record) for read in exercise.reads
                  if read.record not in exercise.params.values()]
    return [(rule, record) for rule, record in items
            if record not in NOT_COPIED and (key, record) not in NOT_A_LIST]


#: (route, exercise, (rule, record)) for every GET of the matrix that lists records
LISTS = [(key, exercise, item) for key, exercises in MATRIX.items() for exercise in exercises
         if method_of(key, exercise) == "get" and not exercise.query for item in _listed(key, exercise)]

#: every GET of the matrix that someone may make: list and detail pages and API routes
READS = [(key, exercise) for key, exercises in MATRIX.items() for exercise in exercises
         if method_of(key, exercise) == "get"]


def reader(*rules: str) -> tuple[str, str]:
    """The first (role, relation) allowed by every rule: someone who sees the list and its item."""
    return next((role, relation) for role in ROLES for relation in RELATIONS
                if all(RULES[rule](role, relation) == ALLOWED for rule in rules))


_signed_in: dict[tuple[str, str], Client] = {}


def _client(world: World, who: tuple[str, str]) -> Client:
    """A client signed in once as ``who`` (signing in writes: the session, the sign-in log)."""
    if who not in _signed_in:
        _signed_in[who] = Client()
        _signed_in[who].force_login(world.users[who])
    return _signed_in[who]


def _read(key: str, exercise: Exercise, world: World, who: tuple[str, str]) -> tuple[list[str], int]:
    """The SQL of one GET by ``who``, and the length of its answer."""
    client = _client(world, who)
    with CaptureQueriesContext(connection) as captured:
        response = send(client, key, exercise, world, who if " " in key else None)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == (exercise.ok or 200), (key, response.status_code)
    return [q["sql"] for q in captured.captured_queries], len(body)


@pytest.fixture
def world(db: Any) -> World:
    _signed_in.clear()
    return build_world()


def test_every_kind_of_list_is_covered():
    """The lists the issue names are all among those checked (a guard against a matrix that lost
    its Shown rows): cases, people, tasks, the inbox, panels, case reviews, CCTV, encampments,
    PSPOs and FPNs, governance, the dial-in, users and agencies, and the API's lists. (The
    people list, whose people are listed through their cases, is in test_query_counts.)"""
    routes = {key for key, _, _ in LISTS}
    for route in ("/cases/", "/referrals/", "/", "/inbox/", "/panels/", "/case-reviews/", "/cctv/",
                  "/encampments/", "/pspos/", "/dial-in/", "/audit/",
                  "GET /api/v1/cases/", "GET /api/v1/tasks/", "GET /api/v1/referrals/",
                  "GET /api/v1/inbox/", "GET /api/v1/cctv/cameras", "GET /api/v1/pspos/"):
        assert route in routes, f"{route} is not checked for its query count"
    assert len(LISTS) >= 30, len(LISTS)


def _grow(world: World, record: str, copies: int, problems: list[str]) -> None:
    """Copies of the record up to ``copies`` (each in its own savepoint: a copy a constraint
    refuses is a problem of the test, reported, and does not end the others)."""
    made = world.records.setdefault(f"{record}__copies", 0)
    for n in range(made, copies):
        try:
            with transaction.atomic():
                _copy(world.records[record], n)
        except IntegrityError as e:
            problems.append(f"{record} could not be copied: {e}")
            return
    world.records[f"{record}__copies"] = copies


def test_every_list_takes_the_same_number_of_queries_for_10_and_for_100_rows(world):
    """One world for every list (building it takes seconds): every record a list shows copied to
    10, every list read; then to 100, every list read again. Each list must have grown, in the
    same number of queries."""
    problems: list[str] = []
    seen: dict[tuple[str, str], tuple[int, int]] = {}
    for size in (10, 100):
        for record in sorted({record for _, _, (_, record) in LISTS}):
            _grow(world, record, size - 1, problems)
        for key, exercise, (rule, record) in LISTS:
            who = reader(exercise.rule, rule)
            _read(key, exercise, world, who)  # warm: the session, the token's first use today
            queries, length = _read(key, exercise, world, who)
            if (key, record) not in seen:
                seen[(key, record)] = (len(queries), length)
                continue
            (count, before), repeated = seen[(key, record)], Counter(re.sub(r"\b\d+\b", "N", q) for q in queries)
            if length <= before:
                problems.append(f"{key}: the list did not grow with 90 more {record} rows")
            if len(queries) != count:
                sql, times = repeated.most_common(1)[0]
                problems.append(f"{key} ({record}): {count} queries for 10, {len(queries)} for 100; "
                                f"run {times} times: {sql[:300]}")
    assert problems == [], "\n".join(problems)


WRITES = ("insert", "update", "delete", "replace")


def test_a_read_writes_nothing_but_its_audit_entries(world):
    """A GET writes no session, no token ``last_used_on`` and no history row: only audit rows,
    at most one per kind of record it read or listed (each route read once to warm up: the
    sign-in's session, the token's first use today)."""
    problems: list[str] = []
    table = AuditEntry._meta.db_table
    for key, exercise in READS:
        who = reader(exercise.rule)
        _read(key, exercise, world, who)
        before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        writes = [sql for sql in _read(key, exercise, world, who)[0]
                  if sql.lstrip().lower().startswith(WRITES) and f'"{table}"' not in sql]
        if writes:
            problems.append(f"{key}: writes {writes[0][:200]}")
        written = list(AuditEntry.objects.filter(id__gt=before).values_list("object_type", "action"))
        if len(written) != len(set(written)):
            problems.append(f"{key}: more than one audit entry of a kind: {written}")
    assert problems == [], "\n".join(problems)
