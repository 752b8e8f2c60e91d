"""Panel and ASB Case Review commands: crime harm weights and reports, case review statistics."""

from __future__ import annotations

import json
import re
from datetime import MINYEAR, date
from pathlib import Path

import click

from csphub.dates import parse_financial_year

from ._common import emit
from .casework import _date, _django


@click.group()
def harm() -> None:
    """Crime harm (e.g. the Cambridge Crime Harm Index) for offender cohorts such as IOM."""


@harm.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--index", default="Cambridge Crime Harm Index", show_default=True,
              help="Name of the harm index the weights belong to; loading again replaces its weights.")
def harm_load(file: Path, index: str) -> None:
    """Load offence -> weight from a CSV with columns 'offence' and 'weight' (e.g. days of custody).

    A bad row stops the load, naming the file, line, field and value; nothing is half-loaded."""
    _django()
    from csphub.panels.services import load_harm_weights

    n = load_harm_weights(file, index)
    click.echo(f"Loaded {n} weights into {index!r} from {file}.")


@harm.command("report")
@click.option("--cohort", required=True, help="Cohort name, e.g. 'IOM fixed'.")
@click.option("--as-of", default=None, help="Report date YYYY-MM-DD (default today): 'during' ends here.")
@click.option("--before-months", default=12, show_default=True, type=click.IntRange(1, 120),
              help="How many months before entry count as 'before'.")
@click.option("--index", default="Cambridge Crime Harm Index", show_default=True, help="Which loaded harm index to use.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              help="table/csv: one row per member (person ids, no names); json: totals and members.")
def harm_report(cohort: str, as_of: str | None, before_months: int, index: str, output_format: str) -> None:
    """The cohort's total crime harm before vs during membership, and per member."""
    day = _date(as_of, "--as-of") if as_of else None
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.errors import NotFoundError
    from csphub.panels.models import Cohort
    from csphub.panels.services import cohort_harm_report

    found = Cohort.objects.filter(name__iexact=cohort).first()
    if found is None:
        known = ", ".join(Cohort.objects.values_list("name", flat=True)) or "none yet"
        raise NotFoundError(f"No cohort {cohort!r}. Known cohorts: {known}.")
    report = cohort_harm_report(found, as_of=day, before_months=before_months, index=index).as_dict()
    record(None, Action.EXPORTED, "cohort_harm", found.pk, channel=Channel.CLI, summary=found.name)
    if output_format == "json":
        click.echo(json.dumps({"cohort": found.name, **report}, indent=2))
        return
    emit(report["members"], output_format,
         f"{found.name}: harm {report['harm_before']:,} before vs {report['harm_during']:,} during")
    if report["unweighted_offences"]:
        click.echo(f"No weight for: {report['unweighted_offences']} (counted, no harm added)", err=True)


@click.group("case-review")
def case_review() -> None:
    """The ASB Case Review ('Community Trigger')."""


def _financial_or_calendar_year(value: str) -> tuple[date, date]:
    """'2025/26' (or '2025-26') -> 1 Apr 2025 .. 31 Mar 2026; '2025' -> the calendar year."""
    text = value.strip()
    if re.fullmatch(r"[0-9]{4}", text) and int(text) >= MINYEAR:
        return date(int(text), 1, 1), date(int(text), 12, 31)
    try:
        year = parse_financial_year(text)
    except ValueError as e:
        raise click.BadParameter(f"{e}, or a calendar year such as 2025", param_hint="--year") from e
    return year.start, year.end


@case_review.command("stats")
@click.option("--year", required=True, help="Financial year YYYY/YY, e.g. 2025/26 (April-March), or calendar year YYYY.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              help="Output format.")
def case_review_stats(year: str, output_format: str) -> None:
    """The figures the Act requires the partnership to publish each year: applications received,
    threshold not met, reviews held, and reviews that led to recommendations."""
    start, end = _financial_or_calendar_year(year)
    _django()
    from csphub.casereview.services import annual_statistics

    figures = annual_statistics(start, end)
    if output_format == "json":
        click.echo(json.dumps(figures, indent=2))
        return
    rows = [{"measure": k, "count": v} for k, v in figures.items() if k != "period"]
    emit(rows, output_format, f"ASB Case Review {start} to {end}")


@click.group()
def people() -> None:
    """Matching people across agencies (splink record linkage)."""


@people.command("dedupe")
@click.option("--threshold", default=0.9, show_default=True, type=click.FloatRange(0.5, 1.0),
              help="Match probability at or above which a pair goes to the review queue.")
def people_dedupe(threshold: float) -> None:
    """Link every agency's person records and fill the review queue with likely duplicates.

    Reviewers merge or reject each pair at /people/matches/ (only pairs where they may see both
    records). Pairs already in the queue, merged or rejected are not added again."""
    _django()
    from csphub.people.services import run_dedupe

    result = run_dedupe(threshold)
    click.echo(f"Compared {result['records']:,} person records: {result['pairs']:,} likely pairs at "
               f"probability >= {threshold}, {result['new']:,} new in the review queue.")
