"""Benchmarking like the seed's Most Similar Group tables: offence rate per 1,000 and Crime
Severity Score, this year and last, % change and rank, for the area and its peers.

Peers come from the area's Most Similar Group when one is loaded (``csphub ingest msg``; those of
its members defined in the warehouse), else the other areas defined in the warehouse (computed the
same way), and from a CSV
of published figures the user supplies (``--peers FILE``) with columns
``area_code, area_name, period, measure, value``; ``period`` is a financial year such as
``2023/24`` and ``measure`` is ``offence_rate`` or ``css``.

Nothing is compared unless it is like for like. Each measure of each row carries the months
behind it (``*_period``) and its method (``*_method``). A change is given only on the months
present and complete in both years (a published figure is a whole year), and a rank only among
areas measured on the same months by the same method; otherwise the figure is None and
``*_change_note`` or ``*_rank_note`` says why. An area in the peers file and in the warehouse
(the subject, typically) is one row: its published figures are used where the file gives this
year's, so it ranks among its published peers. The published ONS CSS of the area, its peers and
England and Wales, and violence against the person from offence-code counts, are in
:mod:`csphub.analytics.assessment.published_benchmark` (``published_css``, ``violence``).

Examples:
    >>> pct(110, 100)
    10.0
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb

from csphub.analytics.areas import Area
from csphub.analytics.assessment import published_benchmark
from csphub.analytics.assessment.comparison import match_months
from csphub.analytics.assessment.completeness import completeness
from csphub.analytics.assessment.data import load_area_data
from csphub.analytics.assessment.groups import ASB
from csphub.analytics.assessment.periods import (
    Period,
    describe_months,
    month_key,
    months_basis,
    year_ago,
)
from csphub.analytics.assessment.published_benchmark import COVERS_COMPUTED, COVERS_PUBLISHED
from csphub.analytics.assessment.severity_section import css_section
from csphub.change import percent_change
from csphub.errors import InputFileError, InputProblem

MEASURES = ("offence_rate", "css")
POLICE_UK = "police.uk street-level crime"
PUBLISHED = "published (peers file)"
#: methods that measure the same thing: an exact CSS is computed as ONS computes the published one
SAME_METHOD = {"exact CSS (offence-code counts)": "ONS CSS", PUBLISHED + " css": "ONS CSS"}


def pct(current: float | None, previous: float | None) -> float | None:
    return None if current is None or previous is None else percent_change(current, previous)


def _measure(row: dict, name: str, **values) -> None:
    for key, value in values.items():
        row[name if key == "value" else f"{name}_{key}"] = value


def _warehouse_row(con: duckdb.DuckDBPyConnection, area: Area, year: Period,
                   ward_vintage: str | None) -> dict:
    data = load_area_data(con, area, year.previous().start, year.end, ward_vintage, year.start_year)
    match = match_months(year, set(data.counts["month"]), completeness(con, area, data.ward_vintage).months("crime"))
    row: dict = {"area_name": area.name, "area_code": ",".join(area.lad_codes), "source": "warehouse"}
    crimes = data.counts[data.counts["crime_type"] != ASB].groupby("month")["count"].sum()

    def rate(months: list) -> float | None:
        if not months or not data.population:
            return None
        return round(int(sum(crimes.get(m, 0) for m in months)) * 1000 / data.population, 1)

    change = None
    if match.matched and data.population:
        change = percent_change(int(sum(crimes.get(m, 0) for m in match.matched)),
                                int(sum(crimes.get(year_ago(m), 0) for m in match.matched)))
    _measure(row, "offence_rate", value=rate(match.current), previous=rate(match.previous),
             period=computed_period(match.current, len(year.months)),
             period_previous=computed_period(match.previous, len(year.months)),
             months=[month_key(m) for m in match.current], months_previous=[month_key(m) for m in match.previous],
             covers=COVERS_COMPUTED, partial=len(match.current) < len(year.months),
             method=POLICE_UK, change=change,
             change_basis=match.basis() if match.matched else None,
             change_note=_change_note(match.note(), match.current, data.population))
    css = css_section(con, data, year, match)
    css_change = css.get("change") or {}
    css_months = list(css.get("months") or ()) if css.get("value") is not None else []
    _measure(row, "css", value=css.get("value"), previous=css.get("previous"),
             period=_computed_label(css.get("value_basis")), period_previous=_computed_label(css.get("previous_basis")),
             months=css_months,
             months_previous=([month_key(m) for m in match.previous] if css.get("method") == "estimate"
                              and css.get("previous") is not None else None),
             covers=COVERS_COMPUTED if css.get("value") is not None else None,
             partial=len(css_months) < len(year.months) if css.get("value") is not None else None,
             method=_css_method(css.get("method")), change=css_change.get("percent"),
             change_basis=css_change.get("basis"),
             change_note=None if css.get("value") is None else css.get("change_note"))
    return row


def computed_period(months: list, of: int) -> str | None:
    """The months behind a figure computed here, in words, saying it is computed.

    Examples:
        >>> computed_period([date(2024, 4, 1)], 12)
        'Apr 2024 only: 1 of 12 months, partial (computed here)'
    """
    return _computed_label(months_basis(months, of)) if months else None


def _computed_label(basis: str | None) -> str | None:
    return None if basis is None else f"{basis} (computed here)"


def published_period(year_name: str) -> str:
    """A published figure's period: always a whole financial year.

    Examples:
        >>> published_period("2024/25")
        '2024/25, full year (published)'
    """
    return f"{year_name}, full year (published)"


def _change_note(note: str | None, current: list, population: float | None) -> str | None:
    if not current:
        return "no police.uk data loaded for the year"
    if not population:
        return "no population loaded: no rate"
    return note


def _css_method(method: str | None) -> str | None:
    return {"exact": "exact CSS (offence-code counts)", "estimate": "CSS estimated from police.uk"}.get(
        method or "")


def read_peers(path: Path, year: Period) -> list[dict]:
    """Published peer figures for this year and last from a CSV (each a whole financial year)."""
    rows: dict[str, dict] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = {"area_code", "area_name", "period", "measure", "value"}
        if not needed <= set(reader.fieldnames or []):
            raise InputFileError(InputProblem(str(path), 1, "header", ",".join(reader.fieldnames or []),
                                              "columns area_code, area_name, period, measure, value"))
        for line, record in enumerate(reader, start=2):
            if record["measure"] not in MEASURES:
                raise InputFileError(InputProblem(str(path), line, "measure", record["measure"],
                                                  "offence_rate or css"))
            try:
                value = float(record["value"])
            except ValueError as e:
                raise InputFileError(InputProblem(str(path), line, "value", record["value"], "a number")) from e
            suffix = {year.name: "", year.previous().name: "_previous"}.get(record["period"].strip())
            if suffix is None:
                continue
            row = rows.setdefault(record["area_code"].strip(), {
                "area_name": record["area_name"].strip(), "area_code": record["area_code"].strip(),
                "source": "peers file"})
            row[f"{record['measure']}{suffix}"] = value
    for row in rows.values():
        for measure in MEASURES:
            _published(row, measure, year)
    return list(rows.values())


def _published(row: dict, measure: str, year: Period) -> None:
    """Period, method and change of a published measure: whole financial years."""
    current, previous = row.get(measure), row.get(f"{measure}_previous")
    row[measure], row[f"{measure}_previous"] = current, previous
    note = None
    if current is None:
        note = f"no published figure for {year.name}"
    elif previous is None:
        note = f"no published figure for {year.previous().name}"
    _measure(row, measure, period=published_period(year.name) if current is not None else None,
             period_previous=published_period(year.previous().name) if previous is not None else None,
             months=[month_key(m) for m in year.months] if current is not None else [],
             months_previous=[month_key(m) for m in year.previous().months] if previous is not None else None,
             covers=COVERS_PUBLISHED if current is not None else None, partial=False if current is not None else None,
             method=PUBLISHED,
             change=pct(current, previous),
             change_basis="the full financial year (published)" if note is None else None,
             change_note=note)


def _same_area(row: dict, peer: dict) -> bool:
    codes = set(row["area_code"].split(","))
    return (peer["area_name"].casefold() == row["area_name"].casefold()
            or peer["area_code"] in codes or peer["area_code"] == row["area_code"])


def _merge(rows: list[dict], peers: list[dict]) -> list[dict]:
    """Peers-file rows of an area already in the warehouse rows become part of its row: a
    measure whose figure for this year is published is taken from the file."""
    extra = []
    for peer in peers:
        same = next((r for r in rows if _same_area(r, peer)), None)
        if same is None:
            extra.append(peer)
            continue
        same["source"] = "warehouse and peers file"
        for measure in MEASURES:
            if peer.get(measure) is not None:
                for key in [k for k in peer if k == measure or k.startswith(f"{measure}_")]:
                    same[key] = peer[key]
    return rows + extra


def _method_group(measure: str, method: str | None) -> str | None:
    if method is None:
        return None
    return SAME_METHOD.get(method + (" css" if method == PUBLISHED and measure == "css" else ""), method)


def _rank(rows: list[dict], measure: str) -> None:
    """Rank 1 = highest, among rows on the same months and method only."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        row[f"{measure}_rank"] = row[f"{measure}_rank_of"] = None
        row[f"{measure}_rank_note"] = None
        if row.get(measure) is None:
            continue
        key = (_method_group(measure, row.get(f"{measure}_method")), tuple(row.get(f"{measure}_months") or ()))
        groups.setdefault(key, []).append(row)
    for (_, months), members in groups.items():
        if len(members) < 2:
            row = members[0]
            row[f"{measure}_rank_note"] = (
                f"not ranked: no other area measured on the same months "
                f"({describe_months_keys(months)}) by the same method ({row[f'{measure}_method']})")
            continue
        for position, row in enumerate(sorted(members, key=lambda r: -r[measure]), start=1):
            row[f"{measure}_rank"], row[f"{measure}_rank_of"] = position, len(members)


def describe_months_keys(keys: tuple | None) -> str:
    months = [date(int(k[:4]), int(k[5:7]), 1) for k in keys or ()]
    return describe_months(months)


def benchmark_table(con: duckdb.DuckDBPyConnection, area: Area, figures: dict, options) -> dict:
    """The area and its peers, ranked (1 = highest) on each measure this year, like for like."""
    year = options.year
    own = _warehouse_row(con, area, year, options.ward_vintage)
    own["is_subject"] = True
    rows = [own]
    peers = published_benchmark.peer_list(con, area)  # the Most Similar Group when loaded
    for peer in [p["area"] for p in peers["peers"] if p["area"] is not None]:
        rows.append(_warehouse_row(con, peer, year, options.ward_vintage))
    if options.peers_file:
        rows = _merge(rows, read_peers(Path(options.peers_file), year))
    for measure in MEASURES:
        _rank(rows, measure)
    return {"year": year.name, "previous_year": year.previous().name, "rows": rows,
            "peers_source": peers["source"],
            "published_css": published_benchmark.published_css_table(con, area, year, peers, figures.get("css")),
            "violence": published_benchmark.violence_table(con, area, year, peers, options.ward_vintage),
            "note": "Rank 1 is the highest. A change is given only on the months present and "
                    "complete in both years, and a rank only among areas measured on the same "
                    "months by the same method (police.uk street-level crime, a CSS estimate from "
                    "it, or published figures, each a whole financial year); otherwise the "
                    "figure is left out and the reason given. Warehouse rows are computed from "
                    "police.uk data; rows from a peers file are the published figures supplied."}
