"""Governance commands: action plans (import, export, progress), boards' agendas and deadlines,
grant returns, anonymous outreach figures, and committee papers written from the record.

These start Django (the casework database) like the casework commands. They act as the system
(the CLI's audit entries have no user); exports are audited.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from ._common import emit
from .casework import _date, _django


def _duties() -> tuple[Any, ...]:
    from csphub.governance.rules import STATUTORY_DEADLINES

    return STATUTORY_DEADLINES


@click.group()
def plan() -> None:
    """Action plans: the Community Safety Plan, the CDP plan, Prevent, Serious Violence..."""


@plan.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plan", "plan_name", required=True, help="The plan's name (quote names with spaces).")
@click.option("--create", is_flag=True, help="Create the plan if there is none of that name (needs --starts and --ends).")
@click.option("--starts", help="A new plan's first day, YYYY-MM-DD.")
@click.option("--ends", help="A new plan's last day, YYYY-MM-DD.")
@click.option("--kind", type=click.Choice(["community_safety", "combating_drugs", "prevent", "serious_violence", "other"]),
              default="community_safety", show_default=True, help="A new plan's kind.")
def plan_import(file: Path, plan_name: str, create: bool, starts: str | None, ends: str | None, kind: str) -> None:
    """Load a plan's priorities and actions from a CSV or Excel FILE (columns: docs/cli/governance.md).

    Rows with a problem are quarantined (see `csphub plan quarantine`) and the others load; a
    second run changes the actions with the same references and duplicates nothing."""
    _django()
    from csphub.errors import NotFoundError
    from csphub.governance import plan_files, services

    try:
        found = services.find_plan(plan_name)
    except NotFoundError:
        if not create:
            raise
        if not (starts and ends):
            raise click.UsageError("--create needs --starts and --ends.") from None
        found = services.create_plan(None, name=plan_name, starts_on=_date(starts, "--starts"),
                                     ends_on=_date(ends, "--ends"), kind=kind)
    summary = plan_files.import_plan(None, found, file)
    click.echo(str(summary))
    for problem in summary.quarantined:
        click.echo(f"  quarantined: {problem}", err=True)


@plan.command("updates")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plan", "plan_name", required=True, help="The plan the actions belong to.")
def plan_updates(file: Path, plan_name: str) -> None:
    """Load a quarter's updates from a CSV or Excel FILE: columns reference, quarter (e.g.
    2025/26 Q2), narrative, and optionally achieved, milestone_met, rag_override, override_reason.

    The RAG comes from the rule, as on the page; rows with a problem are quarantined; a quarter
    loaded again is corrected, never duplicated."""
    _django()
    from csphub.governance import plan_files, services

    summary = plan_files.import_updates(None, services.find_plan(plan_name), file)
    click.echo(str(summary).replace("actions added", "updates added"))
    for problem in summary.quarantined:
        click.echo(f"  quarantined: {problem}", err=True)


@plan.command("quarantine")
@click.option("--plan", "plan_name", help="Only rows imported into this plan.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table", help="Output format.")
def plan_quarantine(plan_name: str | None, output_format: str) -> None:
    """Rows of imported plan files that were refused, and why (newest first)."""
    _django()
    from csphub.governance.models import ImportedRow

    rows = ImportedRow.objects.all()
    if plan_name:
        rows = rows.filter(plan_name__iexact=plan_name)
    emit([{"plan": r.plan_name, "file": r.file, "line": r.line, "field": r.field, "value": r.value,
           "expected": r.expected, "imported_on": r.imported_on.isoformat(timespec="seconds")} for r in rows[:1000]],
         output_format, "Quarantined plan rows")


@plan.command("export")
@click.option("--plan", "plan_name", required=True, help="The plan's name.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .xlsx (Excel) or .docx (Word).")
def plan_export(plan_name: str, out: Path) -> None:
    """Export the plan with each action's latest RAG and update to Excel or Word."""
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.governance import plan_files, services

    found = services.find_plan(plan_name)
    if out.suffix.lower() not in (".xlsx", ".docx"):
        raise click.BadParameter("the file must end .xlsx or .docx", param_hint="--out")
    out.parent.mkdir(parents=True, exist_ok=True)
    (plan_files.export_docx if out.suffix.lower() == ".docx" else plan_files.export_xlsx)(found, out)
    record(None, Action.EXPORTED, "plan", found.pk, channel=Channel.CLI, summary=out.suffix)
    click.echo(f"Wrote {out}")


@plan.command("progress")
@click.option("--plan", "plan_name", required=True, help="The plan's name.")
@click.option("--as-of", help="Latest updates up to the quarter containing this day, YYYY-MM-DD (default today).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json", "markdown"]), default="table",
              help="table/csv/json: RAG counts per priority; markdown: 'What we have been doing' for "
                   "`csphub assess --activity` (a '## Priority' heading, then each action's latest update).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of printing.")
def plan_progress(plan_name: str, as_of: str | None, output_format: str, out: Path | None) -> None:
    """Progress on the plan's priorities: RAG counts, or the text the Strategic Assessment takes."""
    _django()
    from django.utils import timezone

    from csphub.governance import papers, services

    found = services.find_plan(plan_name)
    day = _date(as_of, "--as-of") if as_of else timezone.localdate()
    progress = papers.plan_progress(found, day)
    if output_format == "markdown":
        text = progress_markdown(progress)
        if out:
            out.write_text(text, encoding="utf-8")
            click.echo(f"Wrote {out}")
        else:
            click.echo(text, nl=False)
        return
    rows = [{"priority": f"{p['priority'].number}. {p['priority'].title}", "actions": len(p["actions"]),
             **{k: p["counts"][k] for k in ("green", "amber", "red", "none")}} for p in progress["priorities"]]
    if out:
        from csphub.spreadsheets import write_csv

        write_csv(out, rows, list(rows[0]) if rows else ["priority"])
        click.echo(f"Wrote {out}")
        return
    emit(rows, output_format, f"{found.name}: latest RAG by priority")


def progress_markdown(progress: dict[str, Any]) -> str:
    """'## Priority' then one line per action's latest update: the shape `csphub assess --activity` reads."""
    lines = []
    for p in progress["priorities"]:
        c = p["counts"]
        lines.append(f"## {p['priority'].title}")
        lines.append(f"- {len(p['actions'])} actions: {c['green']} green, {c['amber']} amber, {c['red']} red, "
                     f"{c['none']} without an update.")
        for u in p["updates"]:
            lines.append(f"- {u.action.title} ({u.action.led_by}, {u.rag.upper()}, {u.period.label}): {u.narrative}")
        lines.append("")
    return "\n".join(lines)


@click.group()
def board() -> None:
    """Boards (SEG, SOCP, CDP...), their agendas and the partnership's deadlines."""


@board.command("add")
@click.argument("name")
@click.option("--short-name", required=True, help="What papers call it, e.g. SEG.")
@click.option("--frequency", type=click.Choice(["monthly", "quarterly", "twice_yearly", "yearly", "as_needed"]),
              default="quarterly", show_default=True, help="How often it meets.")
@click.option("--chair-role", default="", help="The post that chairs it, e.g. 'CSP Manager'.")
@click.option("--member", "members", multiple=True, help="A member agency's name (repeat for each).")
@click.option("--item", "items", multiple=True,
              help="A standing item as 'Title' or 'Title=topic' (repeat, in agenda order); topic action_plan "
                   "brings actions off track onto the agenda, and decisions are filed under the topic.")
def board_add(name: str, short_name: str, frequency: str, chair_role: str, members: tuple[str, ...],
              items: tuple[str, ...]) -> None:
    """Add a board or forum called NAME with its members and standing items."""
    _django()
    from csphub.accounts.services import find_agency
    from csphub.governance import services

    standing = [(i.split("=", 1)[0].strip(), i.split("=", 1)[1].strip() if "=" in i else "") for i in items]
    found = services.create_board(None, name=name, short_name=short_name, frequency=frequency, chair_role=chair_role,
                                  members=[find_agency(m) for m in members], standing_items=standing)
    click.echo(f"Added {found.name} ({found.short_name}) with {len(standing)} standing items.")


@board.command("deadline")
@click.option("--duty", required=True, type=click.Choice([d.key for d in _duties()]),
              help="Which statutory or agreed cycle (docs/governance.md).")
@click.option("--due", required=True, help="When it is next due, YYYY-MM-DD.")
@click.option("--board", "board_name", help="The board it is reported to (its agenda then lists it when due).")
def board_deadline(duty: str, due: str, board_name: str | None) -> None:
    """Put a statutory deadline in the calendar; marking it done brings the next one round."""
    day = _date(due, "--due")
    _django()
    from csphub.governance import services

    item = services.add_statutory_deadline(None, duty, day, services.find_board(board_name) if board_name else None)
    click.echo(f"{item.title}: due {item.due_on:%d %B %Y}, {item.recurrence}.")


@board.command("agenda")
@click.option("--board", "board_name", required=True, help="The board's short name (e.g. SEG) or name.")
@click.option("--date", "day", help="The meeting's date, YYYY-MM-DD (default today).")
def board_agenda(board_name: str, day: str | None) -> None:
    """The agenda a meeting would start with: standing items, actions off track, decisions
    pending and deadlines due before the next meeting. Nothing is saved."""
    _django()
    from django.utils import timezone

    from csphub.governance import services

    found = services.find_board(board_name)
    held_on = _date(day, "--date") if day else timezone.localdate()
    click.echo(f"{found.name}, {held_on:%d %B %Y}")
    for number, (title, source, _topic) in enumerate(services.agenda_for(found, held_on), start=1):
        click.echo(f"{number:>3}. {title} [{source}]")


@board.command("deadlines")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table", help="Output format.")
def board_deadlines(output_format: str) -> None:
    """Statutory deadlines and annual attendances: due, in their reminder window, or overdue."""
    _django()
    from django.utils import timezone

    from csphub.governance import rules
    from csphub.governance.models import CalendarItem

    today = timezone.localdate()
    rows = [{"due_on": i.due_on.isoformat(), "title": i.title, "board": i.board.short_name if i.board else "",
             "recurrence": i.recurrence, "status": rules.deadline_state(i.due_on, i.remind_days, today, i.done_on).status,
             "source": i.source}
            for i in CalendarItem.objects.filter(done_on__isnull=True, archived_on__isnull=True).select_related("board")]
    emit(rows, output_format, "Deadlines")


@click.group()
def grant() -> None:
    """Grants and funded projects."""


@grant.command("add")
@click.option("--fund", required=True, help="e.g. 'Safer Streets'.")
@click.option("--round", "round_", default="", help="e.g. 5.")
@click.option("--amount", required=True, type=click.FloatRange(min=0), help="Pounds awarded.")
@click.option("--starts", required=True, help="First day, YYYY-MM-DD.")
@click.option("--ends", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--lead", "lead", required=True, help="The lead agency's name.")
@click.option("--conditions", default="", help="The funder's conditions.")
@click.option("--report-due", "report_due", multiple=True, help="A reporting date, YYYY-MM-DD (repeat).")
def grant_add(fund: str, round_: str, amount: float, starts: str, ends: str, lead: str, conditions: str,
              report_due: tuple[str, ...]) -> None:
    """Add a grant; prints its id (for `csphub grant workstream` and `csphub grant return`)."""
    first, last = _date(starts, "--starts"), _date(ends, "--ends")
    reporting = [_date(d, "--report-due") for d in report_due]
    _django()
    from decimal import Decimal

    from csphub.accounts.services import find_agency
    from csphub.governance import services

    found = services.create_grant(None, fund=fund, round=round_, amount=Decimal(str(amount)), starts_on=first,
                                  ends_on=last, led_by=find_agency(lead), conditions=conditions, reporting_dates=reporting)
    click.echo(f"Added grant {found.pk}: {found}.")


@grant.command("workstream")
@click.option("--grant", "grant_id", required=True, type=int, help="The grant's id.")
@click.option("--title", required=True, help="e.g. 'Door staff training'.")
@click.option("--budget", required=True, type=click.FloatRange(min=0), help="Pounds.")
@click.option("--output", "output", type=click.FloatRange(min=0), help="Planned outputs, e.g. 6.")
@click.option("--output-unit", default="", help="e.g. 'training courses'.")
@click.option("--outcome", "outcome", type=click.FloatRange(min=0), help="Planned outcomes, e.g. 90.")
@click.option("--outcome-unit", default="", help="e.g. 'door staff trained'.")
def grant_workstream(grant_id: int, title: str, budget: float, output: float | None, output_unit: str,
                     outcome: float | None, outcome_unit: str) -> None:
    """Add a workstream to a grant, with its planned outputs and outcomes."""
    _django()
    from decimal import Decimal

    from csphub.errors import NotFoundError
    from csphub.governance import services
    from csphub.governance.models import Grant

    found = Grant.objects.filter(pk=grant_id, archived_on__isnull=True).first()
    if found is None:
        raise NotFoundError(f"No grant {grant_id}.")
    def number(v: float | None) -> Decimal | None:
        return None if v is None else Decimal(str(v))

    ws = services.add_workstream(None, found, title=title, budget=Decimal(str(budget)), planned_output=number(output),
                                 output_unit=output_unit, planned_outcome=number(outcome), outcome_unit=outcome_unit)
    click.echo(f"Added workstream {ws.pk} to {found}.")


@grant.command("return")
@click.option("--grant", "grant_id", required=True, type=int, help="The grant's id (shown on its page).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .docx (Word) or .xlsx (Excel).")
@click.option("--until", help="Actuals up to the quarter containing this day, YYYY-MM-DD (default: all).")
def grant_return(grant_id: int, out: Path, until: str | None) -> None:
    """The return to the funder: planned outputs and outcomes against actuals per quarter, spend against budget."""
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.errors import NotFoundError
    from csphub.governance import returns
    from csphub.governance.models import Grant

    found = Grant.objects.filter(pk=grant_id, archived_on__isnull=True).first()
    if found is None:
        raise NotFoundError(f"No grant {grant_id}.")
    if out.suffix.lower() not in (".xlsx", ".docx"):
        raise click.BadParameter("the file must end .xlsx or .docx", param_hint="--out")
    day = _date(until, "--until") if until else None
    (returns.write_return_docx if out.suffix.lower() == ".docx" else returns.write_return_xlsx)(found, out, day)
    record(None, Action.EXPORTED, "grant", found.pk, channel=Channel.CLI, summary=f"return {out.suffix}")
    click.echo(f"Wrote {out}")


@click.group()
def outreach() -> None:
    """Anonymous outreach (e.g. a monthly women-only night): counts only, no personal data."""


@outreach.command("summary")
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", help="Output format.")
def outreach_summary(start: str, end: str, output_format: str) -> None:
    """Sessions, attendances, average per session, unique and repeat attendees, outcomes."""
    _django()
    from csphub.governance import services

    figures = services.outreach_summary(_date(start, "--from"), _date(end, "--to"))
    if output_format == "json":
        click.echo(json.dumps(figures, indent=2))
        return
    rows = [{"measure": k, "value": v} for k, v in figures.items() if k != "outcomes"]
    rows += [{"measure": f"outcome: {k}", "value": v} for k, v in figures["outcomes"].items()]
    emit(rows, "table", "Anonymous outreach")


@click.group()
def paper() -> None:
    """Committee papers written from the record, as Word (editable) and PDF."""


def _period(start: str, end: str) -> tuple[date, date]:
    from csphub.governance.rules import period_of

    try:
        return period_of(start, end)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--from/--to") from e


def _write(found: Any, out: Path, stem: str) -> None:
    from csphub.governance import papers

    out.mkdir(parents=True, exist_ok=True)
    docx, pdf = out / f"{stem}.docx", out / f"{stem}.pdf"
    papers.write_docx(found, docx)
    papers.write_pdf(found, pdf)
    click.echo(f"Wrote {docx} and {pdf}")


def _cases() -> Any:
    from csphub.casework.models import AsbCase

    return AsbCase.objects.filter(archived_on__isnull=True)


@paper.command("briefing")
@click.option("--from", "start", required=True, help="First month, YYYY-MM.")
@click.option("--to", "end", required=True, help="Last month, YYYY-MM.")
@click.option("--board", "board_name", default="SEG", show_default=True, help="The board whose meetings it reports.")
@click.option("--out", "out", default=Path("out"), show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write briefing.docx and briefing.pdf into.")
@click.option("--number", default="", help="The briefing note's number, e.g. 02/24.")
@click.option("--committee", default="Overview and Scrutiny Committee", show_default=True, help="The committee it goes to.")
def paper_briefing(start: str, end: str, board_name: str, out: Path, number: str, committee: str) -> None:
    """The briefing note (like the partnership's to Overview and Scrutiny): the board's meetings,
    standing items and decisions, action plan RAG, funded projects, engagement, casework and
    tools and powers with the year before, and sections other apps add (CCTV, encampments).

    Example: csphub paper briefing --from 2025-04 --to 2025-09 --board SEG --out out/"""
    first, last = _period(start, end)
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.governance import papers, services

    found = services.find_board(board_name)
    result = papers.briefing(found, first, last, cases=_cases(), number=number, committee=committee)
    _write(result, out, "briefing")
    record(None, Action.EXPORTED, "committee_paper", found.pk, channel=Channel.CLI, summary=f"briefing {start}..{end}")


@paper.command("portfolio")
@click.option("--from", "start", required=True, help="First month, YYYY-MM.")
@click.option("--to", "end", required=True, help="Last month, YYYY-MM.")
@click.option("--out", "out", default=Path("out"), show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write portfolio.docx and portfolio.pdf into.")
@click.option("--portfolio", default="Portfolio Holder", show_default=True,
              help="The portfolio, e.g. 'Portfolio Holder for Resources'.")
def paper_portfolio(start: str, end: str, out: Path, portfolio: str) -> None:
    """The portfolio holder's report: progress by priority, funded projects, engagement, casework."""
    first, last = _period(start, end)
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.governance import papers

    _write(papers.portfolio_report(first, last, cases=_cases(), portfolio=portfolio), out, "portfolio")
    record(None, Action.EXPORTED, "committee_paper", "", channel=Channel.CLI, summary=f"portfolio {start}..{end}")


def seed_demo_governance(ctx: Any) -> str:
    """The demo step: the plan, boards, grants, events and outreach (after the casework)."""
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.counts import count_by
    from csphub.analytics.synthetic import DEMO_AREA
    from csphub.governance.demo import seed_governance

    sources = ctx.require_sources()
    start, end = sources.months[-12], sources.months[-1]
    asb = count_by(ctx.con, resolve_area(ctx.con, DEMO_AREA), start, end, ["crime_type", "ward"])
    wards = [(r["ward_code"], r["ward_name"]) for r in
             sorted((r for r in asb if r["crime_type"] == "Anti-social behaviour"), key=lambda r: -r["count"])]
    counts = seed_governance(wards=wards, seed=ctx.seed)
    if not counts:
        return "already seeded"
    return (f"a plan of {counts['actions']} actions with four quarters of updates; {counts['meetings']} meetings of "
            f"the SEG and SOCP; {counts['grants']} grants; {counts['events']} events; {counts['outreach_sessions']} "
            "outreach sessions")


@click.group()
def governance() -> None:
    """Partnership governance as a whole: the daily emailed reminders."""


@governance.command("remind")
@click.option("--day", default=None, help="The day to remind for, YYYY-MM-DD (default today).")
@click.option("--days", default=14, show_default=True, type=click.IntRange(min=0),
              help="Remind of grant returns due within this many days (and overdue ones).")
def governance_remind(day: str | None, days: int) -> None:
    """Email each person with governance work waiting how much is waiting: plan actions they
    lead without an update for the last quarter that ended, meeting actions they own past their
    due date, returns of their agency's grants due within --days days, and (to the partnership
    admins who keep the calendar) statutory deadlines and annual attendances in their reminder
    window or overdue. One email per person
    per day (running it again the same day sends nothing more); the email holds counts and a
    link only. Prints how many were emailed."""
    today = _date(day, "--day") if day else date.today()
    _django()
    from csphub.governance.reminders import send_reminders

    run = send_reminders(today, days)
    click.echo(f"{run.emailed} reminder{'' if run.emailed == 1 else 's'} emailed for {today:%d %B %Y}; "
               f"{run.already} already emailed today; {run.not_emailed} with work waiting but no email "
               "(no address, or chose never).")
