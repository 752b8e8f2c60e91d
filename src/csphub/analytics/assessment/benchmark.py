"""Benchmarking like the seed's Most Similar Group tables: offence rate per 1,000 and Crime
Severity Score, this year and last, % change and rank, for the area and its peers.

Peers come from the other areas defined in the warehouse (computed the same way) and from a CSV
of published figures the user supplies (``--peers FILE``) with columns
``area_code, area_name, period, measure, value``; ``period`` is a financial year such as
``2023/24`` and ``measure`` is ``offence_rate`` or ``css``.

Examples:
    >>> pct(110, 100)
    10.0
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from csphub.analytics.areas import Area, list_areas
from csphub.analytics.assessment.data import load_area_data
from csphub.analytics.assessment.groups import ASB
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.severity_section import css_section
from csphub.change import percent_change
from csphub.errors import InputFileError, InputProblem

MEASURES = ("offence_rate", "css")


def pct(current: float | None, previous: float | None) -> float | None:
    return None if current is None or previous is None else percent_change(current, previous)


def _warehouse_row(con: duckdb.DuckDBPyConnection, area: Area, year: FinancialYear,
                   ward_vintage: str | None) -> dict:
    data = load_area_data(con, area, year.previous().start, year.end, ward_vintage, year.start_year)
    row: dict = {"area_name": area.name, "area_code": ",".join(area.lad_codes), "source": "warehouse"}
    for suffix, fy in (("", year), ("_previous", year.previous())):
        part = data.counts[(data.counts["month"] >= fy.start) & (data.counts["month"] <= fy.end)
                           & (data.counts["crime_type"] != ASB)]
        months = part["month"].nunique()
        row[f"offence_rate{suffix}"] = (round(int(part["count"].sum()) * 1000 / data.population, 1)
                                        if data.population and months else None)
        row[f"months{suffix}"] = int(months)
    css = css_section(con, data, year)
    row["css"], row["css_previous"] = css.get("value"), css.get("previous")
    row["css_method"] = css.get("method")
    return row


def read_peers(path: Path, year: FinancialYear) -> list[dict]:
    """Published peer figures for this year and last from a CSV."""
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
            row = rows.setdefault(record["area_code"], {"area_name": record["area_name"],
                                                        "area_code": record["area_code"],
                                                        "source": "peers file"})
            row[f"{record['measure']}{suffix}"] = value
    return list(rows.values())


def _rank(rows: list[dict], key: str) -> None:
    ranked = sorted((r for r in rows if r.get(key) is not None), key=lambda r: -r[key])
    for position, row in enumerate(ranked, start=1):
        row[f"{key}_rank"] = position


def benchmark_table(con: duckdb.DuckDBPyConnection, area: Area, figures: dict, options) -> dict:
    """The area and its peers, ranked (1 = highest) on each measure this year."""
    year = options.year
    own = _warehouse_row(con, area, year, options.ward_vintage)
    own["is_subject"] = True
    rows = [own]
    for peer in list_areas(con):
        if peer.name != area.name and set(peer.lad_codes) != set(area.lad_codes):
            rows.append(_warehouse_row(con, peer, year, options.ward_vintage))
    if options.peers_file:
        rows += read_peers(Path(options.peers_file), year)
    for row in rows:
        row["offence_rate_change"] = pct(row.get("offence_rate"), row.get("offence_rate_previous"))
        row["css_change"] = pct(row.get("css"), row.get("css_previous"))
    _rank(rows, "offence_rate")
    _rank(rows, "css")
    return {"year": year.name, "previous_year": year.previous().name, "rows": rows,
            "note": "Rank 1 is the highest. Warehouse rows are computed from police.uk data; rows "
                    "from a peers file are the published figures supplied. A year with fewer than "
                    "12 months of data is partial (see months)."}
