"""Querysets compiled once per process and run again with new values: a prepared statement.

Django builds and compiles a queryset's SQL afresh every time it is evaluated. For a read a
page makes on every request with the same shape (the notes of *a* case, for *a* user's scope),
that compilation, not the database, is most of the page's cost: a case page makes a dozen such
reads. :func:`planned` builds the queryset once with marker values in place of the values that
change (a case's id), compiles it, and keeps the SQL with the compiler's map of columns to
models (the ``select_related`` joins). Later calls with the same key bind the real values into
the kept SQL and read rows through Django's own iterable, so instances, ``select_related`` and
``prefetch_related`` behave as before. The rows are always read fresh: only the SQL is kept.

The key must name everything the SQL depends on other than the marked values (which scope,
which joins, the user's agency and role): that is the caller's promise. With the setting
``CSPHUB_CHECK_PLANS`` on (the test settings), every call also compiles the queryset afresh and
raises PlanMismatch if its SQL or parameters differ from the kept plan's, so a key that forgets
something fails the suite rather than reading the wrong rows.

Examples:
    >>> from django.contrib.auth.models import Group  # doctest: +SKIP
    >>> found = planned(("groups named",), lambda name: Group.objects.filter(name=name), "x")  # doctest: +SKIP
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql import Query

#: Stand-ins for the values a plan binds on each call: ids no record has.
MARKERS = tuple(-(2**62) - n for n in range(8))
_MAX = 2048


class PlanMismatch(AssertionError):
    """A kept plan's SQL differs from a fresh compile: its key leaves out something it depends on."""


class _Plan:
    def __init__(self, queryset: QuerySet[Any], using: str, arity: int) -> None:
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()  # also fills compiler.select, klass_info, col_count
        params = tuple(params)
        self.positions = [[i for i, p in enumerate(params) if type(p) is int and p == m] for m in MARKERS[:arity]]
        if not all(self.positions):
            raise ValueError(f"a plan's values must each appear as a parameter of its SQL: {sql}")
        self.template, self.sql, self.params, self.using = queryset, sql, params, using
        compiler.query = None  # the compiler is a template: it never compiles again
        self.compiler = compiler

    def bind(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        params = list(self.params)
        for positions, value in zip(self.positions, values, strict=True):
            for i in positions:
                params[i] = value
        return tuple(params)


class _PlannedQuery(Query):
    """A query whose compiler is the plan's, with the call's values bound (never compiled)."""

    plan: _Plan
    params: tuple[Any, ...]

    def get_compiler(self, using: str | None = None, connection: Any = None, elide_empty: bool = True) -> Any:
        compiler = copy.copy(self.plan.compiler)
        compiler.connection = connection if connection is not None else connections[using or self.plan.using]
        compiler.query = self
        sql, params = self.plan.sql, self.params
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler

    def _fixed(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("A planned queryset's SQL is fixed: filter, order, slice or count in its build.")

    add_q = get_count = has_results = get_aggregation = set_limits = add_ordering = _fixed


_PLANS: dict[Hashable, _Plan] = {}
_LOCK = Lock()


def planned(key: Hashable, build: Callable[..., QuerySet[Any]], *values: Any, using: str = "default") -> QuerySet[Any]:
    """``build(*values)`` as a queryset to iterate, compiled once per process for ``key``.

    ``values`` are ids (ints) that appear as parameters of the SQL. The queryset returned is
    for reading rows (iterate it, or chain ``prefetch_related``); filtering or counting it
    further is refused, since its SQL is already fixed."""
    plan = _PLANS.get((key, using))
    if plan is None:
        built = build(*MARKERS[: len(values)])
        if built.query.is_empty():  # a scope of nothing (.none()) has no SQL to keep
            return build(*values)
        plan = _Plan(built, using, len(values))
        with _LOCK:
            if len(_PLANS) >= _MAX:
                _PLANS.clear()
            _PLANS[(key, using)] = plan
    params = plan.bind(values)
    if getattr(settings, "CSPHUB_CHECK_PLANS", False):
        fresh_sql, fresh_params = build(*values).query.get_compiler(using=using).as_sql()
        if (fresh_sql, tuple(fresh_params)) != (plan.sql, params):
            raise PlanMismatch(f"plan {key!r} kept\n{plan.sql} {params}\nbut compiles now to\n{fresh_sql} {fresh_params}")
    found = plan.template._chain()
    found.query.__class__ = _PlannedQuery  # the fresh clone's own query
    found.query.plan, found.query.params = plan, params
    return found


def forget() -> None:
    """Drop every kept plan (tests; a plan never goes stale by data, only by code)."""
    with _LOCK:
        _PLANS.clear()
