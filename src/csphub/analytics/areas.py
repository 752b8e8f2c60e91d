"""A partnership's area: a name and the local authority districts (LADs) it covers.

Examples:
    >>> Area("Medway", ("E06000035",)).lad_codes
    ('E06000035',)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from csphub.analytics.warehouse import transaction
from csphub.errors import NotFoundError

LAD_CODE = re.compile(r"^[EWSN]0[6-9]\d{6}$")


@dataclass(frozen=True)
class Area:
    """A named area made of whole local authority districts."""

    name: str
    lad_codes: tuple[str, ...]


def add_area(con: duckdb.DuckDBPyConnection, name: str, lad_codes: list[str]) -> Area:
    """Define (or redefine) an area; its LAD list is replaced, never duplicated."""
    bad = [code for code in lad_codes if not LAD_CODE.match(code)]
    if not name.strip() or not lad_codes or bad:
        raise ValueError(
            f"area {name!r}: expected a name and LAD codes like E06000035, got {bad or lad_codes}"
        )
    with transaction(con):
        con.execute("delete from areas where area_name = ?", [name])
        con.executemany("insert into areas values (?, ?)", [[name, c] for c in sorted(set(lad_codes))])
    return Area(name, tuple(sorted(set(lad_codes))))


def list_areas(con: duckdb.DuckDBPyConnection) -> list[Area]:
    """Every area defined, by name."""
    rows = con.execute(
        "select area_name, list(lad_code order by lad_code) from areas group by 1 order by 1"
    ).fetchall()
    return [Area(name, tuple(codes)) for name, codes in rows]


def resolve_area(con: duckdb.DuckDBPyConnection, name_or_lad_code: str) -> Area:
    """Find an area by its name (case-insensitive) or take a bare LAD code as an area of its own.

    A LAD code works without ``area add``: its name comes from the lookups when known.
    """
    for area in list_areas(con):
        if area.name.casefold() == name_or_lad_code.casefold():
            return area
    if LAD_CODE.match(name_or_lad_code):
        row = con.execute(
            "select lad_name from lsoa_ward_lookup where lad_code = ? and lad_name is not null "
            "order by ward_vintage desc limit 1",
            [name_or_lad_code],
        ).fetchone()
        return Area(row[0] if row else name_or_lad_code, (name_or_lad_code,))
    known = ", ".join(a.name for a in list_areas(con)) or "none yet"
    raise NotFoundError(
        f"no area called {name_or_lad_code!r} (known areas: {known}); "
        "define one with `csphub area add NAME --lad CODE` or pass a LAD code such as E06000035"
    )
