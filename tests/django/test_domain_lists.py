"""Every domain's API list answers in the envelope a partner system syncs with (issue 12, item 11)
and in a constant number of queries whatever its length (issue 19, item 1).

The world is the permission matrix's (one record of each kind); each list is then grown by 30
copies of its record and read again: the total grows by 30, a page of 10 carries a ``next``,
and the number of queries is the same as for the one-record list."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from .test_permission_matrix import build_world

pytestmark = pytest.mark.django_db

# path, who reads it (role, relation), the record the list holds, and how to grow it.
LISTS = [
    ("/api/v1/cctv/cameras", ("supervisor", "lead"), "camera"),
    ("/api/v1/cctv/faults", ("supervisor", "lead"), "fault"),
    ("/api/v1/cctv/reviews", ("supervisor", "lead"), "review"),
    ("/api/v1/cctv/footage-requests", ("supervisor", "lead"), "footage"),
    ("/api/v1/encampments/sites", ("officer", "lead"), "site"),
    ("/api/v1/encampments/incursions", ("officer", "lead"), "incursion"),
    ("/api/v1/encampments/tents", ("officer", "lead"), "tent_case"),
    ("/api/v1/pspos/", ("officer", "lead"), "order"),
    ("/api/v1/pspos/{order}/enforcement", ("officer", "shared"), "fpn"),
    ("/api/v1/panels/", ("officer", "lead"), "panel"),
    ("/api/v1/panels/{panel}/referrals", ("officer", "lead"), "panel_referral"),
    ("/api/v1/case-reviews/", ("officer", "lead"), "case_review"),
    ("/api/v1/dial-in/entries", ("officer", "lead"), "dialin_entry"),
    ("/api/v1/dial-in/operations", ("officer", "lead"), "operation"),
    ("/api/v1/governance/plans/", ("officer", "lead"), "gov_plan"),
    ("/api/v1/governance/decisions/", ("officer", "lead"), "gov_decision"),
]


def _copy(record: models.Model, n: int) -> None:
    """A copy of ``record`` with its unique text made unique (e.g. a camera id "M-101-c3")."""
    original = type(record).objects.get(pk=record.pk)
    clone = type(record).objects.get(pk=record.pk)
    clone.pk = None
    clone.id = None  # type: ignore[attr-defined]
    clone._state.adding = True
    for field in clone._meta.concrete_fields:
        if field.unique and not field.primary_key and isinstance(field, models.CharField):
            setattr(clone, field.attname, f"{getattr(clone, field.attname)[:field.max_length - 4]}-c{n}")
    if hasattr(clone, "version"):
        clone.version = 1
    models.Model.save(clone)
    for field in clone._meta.many_to_many:  # e.g. a panel's member agencies
        getattr(clone, field.name).set(getattr(original, field.name).all())


def _get(client: Any, path: str, token: str) -> tuple[dict[str, Any], int]:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200, (path, answer.content[:300])
    return answer.json(), len(captured.captured_queries)


@pytest.fixture
def world(db: Any) -> Any:
    return build_world()


@pytest.mark.parametrize("path, reader, key", LISTS, ids=[p for p, _, _ in LISTS])
def test_a_domain_list_pages_in_the_envelope_in_constant_queries(client, world, path, reader, key):
    path = path.format(order=world.pk("order"), panel=world.pk("panel"))
    token = world.tokens[reader]
    _get(client, path, token)  # warm: the token's first use
    small, queries_small = _get(client, path, token)
    assert set(small) == {"items", "total", "next"}
    assert small["total"] == len(small["items"]) >= 1 and small["next"] is None
    assert world.pk(key) in [item["id"] for item in small["items"]]
    for n in range(30):
        _copy(world.records[key], n)
    large, queries_large = _get(client, path, token)
    assert large["total"] == small["total"] + 30
    assert queries_large == queries_small, f"{path}: {queries_small} queries for 1 row, {queries_large} for 31"
    first, _ = _get(client, f"{path}?limit=10", token)
    assert len(first["items"]) == 10 and first["next"].endswith("limit=10&offset=10")
    second, _ = _get(client, first["next"], token)
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_dial_in_sync_lists_changes_on_any_day_oldest_first(client, world):
    """Paging by offset lists one day; a partner syncing with updated_since gets every day's changes."""
    from datetime import timedelta

    from django.utils import timezone

    from csphub.dialin.models import DialInEntry

    entry = world.records["dialin_entry"]
    token = world.tokens[("officer", "lead")]
    DialInEntry.objects.filter(pk=entry.pk).update(dial_in_on=world.today - timedelta(days=5))
    today, _ = _get(client, "/api/v1/dial-in/entries", token)
    assert entry.pk not in [i["id"] for i in today["items"]]
    since = (timezone.now() - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    synced, _ = _get(client, f"/api/v1/dial-in/entries?updated_since={since}", token)
    assert entry.pk in [i["id"] for i in synced["items"]]
