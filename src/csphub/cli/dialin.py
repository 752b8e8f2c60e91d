"""Daily Dial In commands: CSV upload of entries, the day's digest (counts; email), the figures,
the distribution list, and operations' outputs by quarter.

These start Django (the casework database), bringing its schema up to date first. No command
prints an account, a place finer than the ward, or a person.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click

from ._common import FORMATS, emit


def _django() -> None:
    from csphub.django_setup import setup_django

    setup_django(migrate=True)


def _day(value: str | None, option: str) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {value!r}", param_hint=option) from e


@click.group()
def dialin() -> None:
    """The Daily Dial In: partners' log of the last 24 hours, the digest for the daily meeting,
    figures, and operations' outputs."""


@dialin.command("upload")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True,
              help="The officer or supervisor uploading: the entries are their agency's.")
@click.option("--day", default=None, help="The dial-in day the entries are for, YYYY-MM-DD (default today).")
@click.option("--quarantine", "quarantine", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the refused rows, with their problems, to this CSV.")
def upload(csv_file: Path, username: str, day: str | None, quarantine: Path | None) -> None:
    """Add the entries in CSV_FILE (header: occurred_at,type,account and optionally address,
    postcode, latitude, longitude, urgency, reference, ward). Good rows are added together; each
    bad row is refused and named (file, line, field, value, expected). Uploading the same file
    again adds nothing. Exits 1 when any row was refused."""
    dial_in_on = _day(day, "--day")
    _django()
    from csphub.accounts.services import find_user
    from csphub.audit.services import Channel
    from csphub.dialin.models import EntrySource
    from csphub.dialin.services import upload_csv

    result = upload_csv(find_user(username), csv_file.name, csv_file.read_bytes(), source=EntrySource.CLI,
                        channel=Channel.CLI, dial_in_on=dial_in_on)
    click.echo(result.summary())
    for problem in result.problems:
        click.echo(f"  {problem}", err=True)
    if quarantine and result.refused_rows:
        from csphub.spreadsheets import write_csv

        columns = list(dict.fromkeys(k for r in result.refused_rows for k in r))
        write_csv(quarantine, result.refused_rows, columns)
        click.echo(f"Refused rows written to {quarantine}")
    if result.problems:
        raise SystemExit(1)


@dialin.command("digest")
@click.option("--day", default=None, help="The dial-in day, YYYY-MM-DD (default today).")
@click.option("--email", "send", is_flag=True, help="Email the distribution list that the digest is ready.")
@click.option("--site-url", default="http://localhost:8000",
              help="The address of CSP Hub, for the link in the email (e.g. https://csphub.medway.gov.uk).")
@click.option("--format", "output_format", type=FORMATS, default="table", help="Output format.")
def digest(day: str | None, send: bool, site_url: str, output_format: str) -> None:
    """The day's entries by ward and type (counts only). With --email, tell the distribution list
    the digest is waiting: the email holds the day, the number of entries and a link, never an
    account, a place or a person."""
    dial_in_on = _day(day, "--day")
    _django()
    from csphub.dialin.services import day_counts, send_digest

    emit(day_counts(dial_in_on), output_format, f"Daily Dial In {dial_in_on:%d %B %Y}")
    if send:
        sent = send_digest(dial_in_on, f"{site_url.rstrip('/')}/dial-in/digest/?day={dial_in_on.isoformat()}")
        click.echo(f"Emailed {sent} addresses." if sent else "No addresses on the distribution list: nothing sent.",
                   err=True)


@dialin.command("figures")
@click.option("--from", "start", default=None, help="First day, YYYY-MM-DD (default 28 days before --to).")
@click.option("--to", "end", default=None, help="Last day, YYYY-MM-DD (default today).")
@click.option("--format", "output_format", type=FORMATS, default="table", help="Output format.")
def figures(start: str | None, end: str | None, output_format: str) -> None:
    """Entries per day, agency, type and ward; conversions to cases, tasks and panel referrals;
    repeat locations (counts only; the run is audited)."""
    last = _day(end, "--to")
    first = _day(start, "--from") if start else last - timedelta(days=27)
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.dialin.services import figure_rows

    rows = figure_rows(first, last)
    record(None, Action.VIEWED, "dialin_figures", f"{first}..{last}", channel=Channel.CLI, purpose="dial-in figures")
    emit(rows, output_format, f"Daily Dial In figures {first} to {last}")


@dialin.group("distribution")
def distribution() -> None:
    """The agencies on the dial-in distribution (their officers and supervisors see the morning
    view) and the inboxes the digest email goes to."""


@distribution.command("set")
@click.argument("agency")
@click.option("--email", "emails", multiple=True, help="A team inbox for the digest email (repeat for more).")
def distribution_set(agency: str, emails: tuple[str, ...]) -> None:
    """Put AGENCY (its name) on the distribution, with its inboxes (replacing any before)."""
    _django()
    from csphub.dialin.services import set_distribution

    found = set_distribution(agency, list(emails))
    click.echo(f"{found.agency} is on the distribution ({len(found.addresses)} addresses).")


@distribution.command("remove")
@click.argument("agency")
def distribution_remove(agency: str) -> None:
    """Take AGENCY off the distribution: its officers keep adding entries but no longer see others'."""
    _django()
    from csphub.dialin.services import remove_from_distribution

    click.echo(f"{agency} removed." if remove_from_distribution(agency) else f"{agency} was not on the distribution.")


@distribution.command("list")
@click.option("--format", "output_format", type=FORMATS, default="table", help="Output format.")
def distribution_list(output_format: str) -> None:
    """The agencies on the distribution and their inboxes."""
    _django()
    from csphub.dialin.services import distribution_rows

    emit(distribution_rows(), output_format, "Daily Dial In distribution")


@dialin.command("quarters")
@click.option("--from", "start", default=None, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", default=None, help="Last day, YYYY-MM-DD.")
@click.option("--format", "output_format", type=FORMATS, default="table", help="Output format.")
def quarters(start: str | None, end: str | None, output_format: str) -> None:
    """Operations' outputs (arrests, stop-searches, waste tonnage...) totalled by financial
    quarter and kind, for committee papers."""
    first = _day(start, "--from") if start else None
    last = _day(end, "--to") if end else None
    _django()
    from csphub.dialin.operations import all_quarter_totals

    rows = [{"quarter": q, "output": k, "total": f"{v:f}".rstrip("0").rstrip(".") if "." in f"{v:f}" else f"{v:f}"}
            for q, kinds in all_quarter_totals(start=first, end=last).items() for k, v in kinds.items()]
    emit(rows, output_format, "Operation outputs by quarter")
