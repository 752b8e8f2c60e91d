"""Encampment commands: the year's figures for the assessment and committee papers, and the
incursions whose legal steps are overdue."""

from __future__ import annotations

import json

import click

from ._common import emit
from .casework import _date, _django

FORMAT = click.Choice(["table", "csv", "json"])


@click.group()
def encampments() -> None:
    """Unauthorised encampments: figures and overdue legal steps (counts and references, no people)."""


@encampments.command("stats")
@click.option("--year", required=True, help="Financial year, e.g. 2025/26 (April to March).")
@click.option("--today", default=None, help="Count as if today were YYYY-MM-DD (a year under way is compared "
                                            "like for like: last year to the same day).")
@click.option("--format", "output_format", type=FORMAT, default="table",
              help="table and csv: one row per measure, this year and the previous; json: everything, "
                   "with the time to each step, tents counts and the sites map.")
def encampments_stats(year: str, today: str | None, output_format: str) -> None:
    """Incursions, sites, repeat sites, median days on site, median working days to each legal
    step, costs, arrests and re-entries, against the previous year with the % change.

    Counts every incursion in the partnership (no personal data); the run is audited."""
    from csphub.dates import parse_financial_year

    try:
        fy = parse_financial_year(year)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--year") from e
    day = _date(today, "--today") if today else None
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.encampments.services import year_figures

    figures = year_figures(fy, today=day)
    record(None, Action.EXPORTED, "encampment_figures", fy.label, channel=Channel.CLI, summary="encampments stats")
    if output_format == "json":
        click.echo(json.dumps(figures, indent=2, default=str))
        return
    previous = figures["previous"]
    measures = ("incursions", "sites", "repeat_sites", "median_days_on_site", "still_on_site", "costs", "arrests",
                "sites_reentered")
    rows = [{"measure": m, "this_year": figures[m], "previous": previous[m]} for m in measures]
    rows += [{"measure": f"median_working_days_to_{step}", "this_year": days,
              "previous": previous["median_working_days_to"].get(step)}
             for step, days in figures["median_working_days_to"].items()]
    rows.append({"measure": "tents_records", "this_year": figures["tents"]["records"], "previous": None})
    change = figures["incursions_percent_change"]
    title = (f"Encampments {figures['from']} to {figures['to']} vs {previous['from']} to {previous['to']}"
             + (f" (incursions {change:+}%)" if change is not None else ""))
    emit(rows, output_format, title)


@encampments.command("overdue")
@click.option("--today", default=None, help="As if today were YYYY-MM-DD.")
@click.option("--format", "output_format", type=FORMAT, default="table", help="table, csv or json.")
def encampments_overdue(today: str | None, output_format: str) -> None:
    """Encampments still on site with a step past its working-day deadline (welfare check, s77,
    s78, removal), oldest first. References and sites only."""
    day = _date(today, "--today") if today else None
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.encampments.services import overdue_incursions

    rows = overdue_incursions(today=day)
    record(None, Action.EXPORTED, "incursion", "", channel=Channel.CLI, summary="overdue steps",
           object_ids=[r["id"] for r in rows])
    emit(rows, output_format, "Encampments with overdue steps")
