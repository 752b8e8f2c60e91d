"""Writing audit entries: the one module every read and change goes through.

Reads are written by :mod:`csphub.access.reads` (which filters and audits in one call); changes
by the domain services. Entries hold ids, the purpose and structural detail, never names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.db import router, transaction
from django.db.models import F
from django.utils import timezone

from .models import AuditEntry

Action = AuditEntry.Action
Channel = AuditEntry.Channel

#: Refused reads by one user of one kind of record within this window are one entry (with a
#: count), so guessing thousands of ids cannot flood the log.
REFUSAL_BURST = timedelta(minutes=5)
#: At most this many refused ids are listed on a coalesced entry; the count keeps the total.
REFUSAL_IDS_KEPT = 50


def _who(user: Any) -> dict[str, Any]:
    membership = getattr(user, "membership", None) if user is not None else None
    return {
        "user": user if getattr(user, "pk", None) else None,
        "username": getattr(user, "username", "") or "system",
        "agency": str(membership.agency) if membership else "",
    }


#: Read entries (viewed, listed) waiting to be written in one statement at the end of a web or
#: API request (csphub.web.middleware.ReadAuditMiddleware); None outside a request, where each
#: entry is written at once.
_pending_reads: ContextVar[list[AuditEntry] | None] = ContextVar("csphub_pending_reads", default=None)
_READS = frozenset({Action.VIEWED, Action.LISTED})


def _flush_reads() -> None:
    pending = _pending_reads.get()
    if pending:
        _insert(pending)
        pending.clear()


#: Every column an entry writes (its id is the database's).
_COLUMNS = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key and not f.generated]


def _insert(entries: list[AuditEntry]) -> None:
    """The entries in one INSERT statement, asking nothing back. ``bulk_create`` asks for the new
    ids (``INSERT ... RETURNING``), and SQLite commits such a statement only once its rows have
    been read back: between the two the thread waits for Python's interpreter lock while holding
    the database's write lock, and under load every other process's write sleeps on it (a read's
    audit write took 17 ms at the median and 90 ms at p95 with 32 clients, for 1.2 ms of work).
    A plain INSERT in autocommit takes and frees the write lock inside the one call into SQLite.
    Within a transaction it is part of that transaction, as before."""
    AuditEntry.objects._insert(entries, fields=_COLUMNS, using=router.db_for_write(AuditEntry))


@contextmanager
def reads_collected() -> Iterator[None]:
    """Within it, read entries are kept and written together, in one INSERT, when it ends (also
    when it ends with an error: a read is audited whether or not the answer got out). Any other
    entry (a change, a refusal, an export) first writes the reads kept so far, so the log keeps
    the order things happened in. Each entry keeps the time it was recorded."""
    token = _pending_reads.set([])
    try:
        yield
    finally:
        try:
            _flush_reads()
        finally:
            _pending_reads.reset(token)


def record(
    user: Any,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    channel: str = Channel.WEB,
    summary: str = "",
    purpose: str = "",
    object_ids: Iterable[object] = (),
) -> AuditEntry:
    """Write one audit entry. ``user`` may be None for system jobs (retention, the CLI).

    ``summary`` is for structural detail only (``"status -> closed"``, a rule's name): never a
    name, an address or text a user typed. Inside :func:`reads_collected` a read (viewed,
    listed) is kept to be written with the request's other reads."""
    entry = AuditEntry(
        **_who(user),
        action=action,
        channel=channel,
        object_type=object_type,
        object_id=str(object_id),
        object_ids=[str(i) for i in object_ids],
        purpose=purpose[:100],
        summary=summary[:1000],
    )
    pending = _pending_reads.get()
    if pending is not None and action in _READS:
        pending.append(entry)
        return entry
    _flush_reads()
    entry.save()
    return entry


def record_list(user: Any, object_type: str, ids: Iterable[object], *, channel: str, purpose: str) -> AuditEntry:
    """Audit a list page, search or list endpoint: one entry naming every record shown, by id."""
    return record(user, Action.LISTED, object_type, "", channel=channel, purpose=purpose, object_ids=ids)


def record_refused(user: Any, object_type: str, object_id: object, *, channel: str, purpose: str) -> AuditEntry:
    """Audit a refused read (answered as "not found"). Refusals by one user of one kind of
    record within REFUSAL_BURST are coalesced into one entry with a count."""
    now = timezone.now()
    who = _who(user)
    with transaction.atomic():
        recent = (AuditEntry.objects.select_for_update()
                  .filter(username=who["username"], action=Action.REFUSED, object_type=object_type,
                          channel=channel, at__gte=now - REFUSAL_BURST)
                  .order_by("-at").first())
        if recent is None:
            return record(user, Action.REFUSED, object_type, object_id, channel=channel, purpose=purpose,
                          summary="not found or not visible", object_ids=[object_id])
        ids = list(recent.object_ids)
        if str(object_id) not in ids and len(ids) < REFUSAL_IDS_KEPT:
            ids.append(str(object_id))
        AuditEntry.objects.filter(pk=recent.pk).update(count=F("count") + 1, last_at=now, object_ids=ids)
        recent.refresh_from_db()
        return recent
