"""PSPO commands: the register, orders to extend before they expire, and the figures."""

from __future__ import annotations

import json

import click

from ._common import emit
from .casework import _date, _django

FORMAT = click.Choice(["table", "csv", "json"])


@click.group()
def pspo() -> None:
    """Public Spaces Protection Orders: the register, expiry alerts and enforcement figures."""


@pspo.command("list")
@click.option("--today", default=None, help="Status as of YYYY-MM-DD (default today).")
@click.option("--format", "output_format", type=FORMAT, default="table", help="table, csv or json.")
def pspo_list(today: str | None, output_format: str) -> None:
    """Every order on the register with its dates and status (in force, expiring within 6
    months, expired, discharged, not yet in force)."""
    day = _date(today, "--today") if today else None
    _django()
    from csphub.pspo.services import register_rows

    emit(register_rows(today=day), output_format, "PSPO register")


@pspo.command("expiring")
@click.option("--today", default=None, help="As if today were YYYY-MM-DD.")
@click.option("--format", "output_format", type=FORMAT, default="table", help="table, csv or json.")
def pspo_expiring(today: str | None, output_format: str) -> None:
    """Orders in force that expire within 6 months: consult now to extend them (up to 3 years,
    before they expire). Exits 0 either way; prints nothing but the empty table when none."""
    day = _date(today, "--today") if today else None
    _django()
    from csphub.pspo.services import register_rows

    emit([r for r in register_rows(today=day) if r["status"] == "expiring"], output_format,
         "PSPOs expiring within 6 months")


@pspo.command("stats")
@click.option("--months", type=click.IntRange(1, 36), default=12, show_default=True,
              help="Months after the order took effect to compare with the same months a year before.")
@click.option("--today", default=None, help="As if today were YYYY-MM-DD (only months ended by then count).")
@click.option("--format", "output_format", type=FORMAT, default="table",
              help="table and csv: one row per order and quarter; json: also crime and ASB inside each "
                   "order's area before and after.")
def pspo_stats(months: int, today: str | None, output_format: str) -> None:
    """Per order and financial quarter: patrols, warnings, FPNs issued and paid, prosecutions;
    and crime and ASB inside the order's area, the same calendar months before and after it took
    effect, from the warehouse (said to be unknown, not zero, when the months are not loaded).
    Counts only; audited."""
    day = _date(today, "--today") if today else None
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.pspo.models import Order
    from csphub.pspo.services import order_figures

    found = order_figures(list(Order.objects.filter(archived_on__isnull=True)), today=day, months=months)
    record(None, Action.EXPORTED, "pspo_figures", "", channel=Channel.CLI, summary="pspo stats")
    if output_format == "json":
        click.echo(json.dumps([{"id": r["id"], "name": r["name"], "effective_on": r["effective_on"],
                                "quarters": r["quarters"], "crime": r["crime"].as_dict()} for r in found],
                              indent=2, default=str))
        return
    rows = [{"order": r["name"], "quarter": q, "patrols": c.get("patrol", 0), "warnings": c.get("warning", 0),
             "fpns_issued": c.get("fpn", 0), "fpns_paid": c.get("fpn_paid", 0),
             "prosecutions": c.get("prosecution", 0)} for r in found for q, c in r["quarters"].items()]
    emit(rows, output_format, "PSPO enforcement by quarter")
    for r in found:
        crime = r["crime"]
        if crime.available:
            click.echo(f"{r['name']}: crime {crime.before.crime} -> {crime.after.crime}, ASB {crime.before.asb} -> "
                       f"{crime.after.asb} inside the area ({crime.before.label} vs {crime.after.label})")
        else:
            click.echo(f"{r['name']}: crime and ASB inside the area not known: {crime.reason}")
