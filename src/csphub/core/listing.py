"""Windows onto a list for a partner system that syncs: by offset, or by cursor after a time.

An API list answers ``{"items": [...], "total": N, "next": URL or null}``. A client either pages
by ``offset`` (``next`` carries the next offset), or syncs: ``updated_since=T`` lists the records
changed at or after T, oldest change first, and ``next`` carries an opaque ``cursor`` naming the
last record returned (its change time and id), so records changed while the client pages are
neither skipped nor repeated the way offsets would. ``total`` counts every record the window
could return (all pages).

Only the rows a window returns are read, so an audited list names exactly those ids.

Examples:
    >>> from datetime import datetime, UTC
    >>> token = encode_cursor(datetime(2026, 3, 1, 9, 30, tzinfo=UTC), 42)
    >>> decode_cursor(token)
    (datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.timezone.utc), 42)
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet

from csphub.errors import RuleRefused

MAX_LIMIT = 500


@dataclass(frozen=True)
class Window:
    """What part of a list a caller asked for (``limit`` rows from ``offset``, or after ``cursor``)."""

    limit: int = 100
    offset: int = 0
    cursor: str = ""
    updated_since: datetime | None = None

    @property
    def syncing(self) -> bool:
        return bool(self.cursor) or self.updated_since is not None


@dataclass(frozen=True)
class Slice:
    """The rows of a window, how many the whole list holds, and where the next window starts."""

    rows: list[Any]
    total: int
    next_offset: int | None = None
    next_cursor: str | None = None


def encode_cursor(changed: datetime, pk: int) -> str:
    text = f"{changed.astimezone(UTC).isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, int]:
    """The (change time, id) a cursor names; a cursor this service did not make is bad input."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        when, pk = text.split("|")
        changed = datetime.fromisoformat(when)
        if changed.tzinfo is None:
            raise ValueError("no offset")
        return changed, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as e:
        raise RuleRefused("bad_cursor", "cursor must be the value a list's `next` link carried, unchanged.",
                          "cursor") from e


def take(queryset: QuerySet[Any], window: Window, *, changed: str = "modified_on",
         counted: QuerySet[Any] | None = None) -> Slice:
    """The window's rows of ``queryset`` (the caller's filtered, possibly audited, list).

    Paging by offset keeps the list's own order; syncing orders by ``changed`` then id.
    ``counted``: the same list before ``.values()`` named related columns, counted instead of
    ``queryset`` (a values list keeps every join its columns need in its count too)."""
    if window.updated_since is not None:
        since = {f"{changed}__gte": window.updated_since}
        queryset = queryset.filter(**since)
        counted = counted.filter(**since) if counted is not None else None
    total = (counted if counted is not None else queryset).count()
    if not window.syncing:
        rows = list(_stable(queryset)[window.offset:window.offset + window.limit])
        more = window.offset + len(rows) < total
        return Slice(rows, total, next_offset=window.offset + window.limit if more else None)
    ordered = queryset.order_by(changed, "pk")
    if window.cursor:
        when, pk = decode_cursor(window.cursor)
        ordered = ordered.filter(Q(**{f"{changed}__gt": when}) | Q(**{changed: when, "pk__gt": pk}))
    rows = list(ordered[:window.limit])
    last = rows[-1] if len(rows) == window.limit else None
    if last is None:
        return Slice(rows, total)
    if isinstance(last, dict):  # rows read as .values(): the change time and "id" are keys
        return Slice(rows, total, next_cursor=encode_cursor(last[changed], last["id"]))
    return Slice(rows, total, next_cursor=encode_cursor(getattr(last, changed), last.pk))


class CountedPaginator(Paginator):
    """Django's Paginator over one queryset (a page's ``.values()``), counting another: the same
    list before its values named related columns, so the count joins nothing it does not filter
    by (on PostgreSQL the case list's count took twice as long with the joins)."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, counted: QuerySet[Any]) -> None:
        super().__init__(object_list, per_page)
        self._counted = counted

    @cached_property
    def count(self) -> int:
        return self._counted.count()


def _stable(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The list's own order with the id last, so that offset pages neither repeat nor skip rows
    that tie on the order's columns."""
    order = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    if any(str(o).lstrip("-") in ("pk", "id") for o in order):
        return queryset
    return queryset.order_by(*order, "pk")


__all__ = ["MAX_LIMIT", "CountedPaginator", "Slice", "Window", "decode_cursor", "encode_cursor", "take"]
