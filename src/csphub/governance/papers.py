"""Committee papers written from the record: the briefing note to Overview and Scrutiny (seeds
000, 001) and the portfolio holder's report (003), as an editable Word document and a PDF.

Each section lists the records it was built from ("Built from: meetings 3, 4; decisions 7,
8"), so a figure in the paper can be traced to the record behind it.

Other apps add sections (CCTV, unauthorised encampments...) without this module knowing them:
either call :func:`register_section` from their ``AppConfig.ready``, or give the app a
``briefing`` module with a ``briefing_sections()`` function returning ``(key, provider)``
pairs. A provider is called with the period's first and last day and returns a
:class:`Section`, a dict with the same keys, or None to leave the section out.

Examples:
    >>> period_of("2025-04", "2025-09")
    (datetime.date(2025, 4, 1), datetime.date(2025, 9, 30))
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string

from csphub.change import counted, percent_change

from . import rules, services
from .models import Action, Board, Decision, Grant, Meeting, Plan, QuarterlyUpdate

# ---- What a paper is made of -----------------------------------------------------------------


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    """A numbered section: a title, paragraphs (a paragraph may be a list of bullet points),
    tables, sub-sections, and the records it was built from."""

    title: str
    paragraphs: list[str | list[str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, value: Section | dict[str, Any]) -> Section:
        if isinstance(value, Section):
            return value
        tables = [t if isinstance(t, Table) else Table(list(t["headings"]), [list(r) for r in t["rows"]])
                  for t in value.get("tables", [])]
        return cls(value["title"], list(value.get("paragraphs", [])), tables,
                   [cls.of(s) for s in value.get("subsections", [])], list(value.get("sources", [])))


@dataclass
class Paper:
    kind: str  # "briefing" or "portfolio"
    heading: str
    title: str
    date_line: str
    to: str
    purpose: str
    start: date
    end: date
    sections: list[Section]
    lead_officer: str = ""
    appendices: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


period_of = rules.period_of  # '2025-04', '2025-09' -> the period's first and last day

SectionProvider = Callable[[date, date], Section | dict[str, Any] | None]
_REGISTERED: dict[str, tuple[int, SectionProvider]] = {}


def register_section(key: str, provider: SectionProvider, order: int = 50) -> None:
    """Add a section to every paper (e.g. the CCTV app's camera faults and decisions)."""
    _REGISTERED[key] = (order, provider)


def section_providers() -> list[tuple[str, SectionProvider]]:
    """Registered providers and those of installed apps' ``briefing`` modules, in order."""
    found = dict(_REGISTERED)
    for config in apps.get_app_configs():
        name = f"{config.name}.briefing"
        if config.name == __package__ or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for key, provider in getattr(module, "briefing_sections", lambda: [])():
            found.setdefault(key, (50, provider))
    return [(k, p) for k, (_, p) in sorted(found.items(), key=lambda kv: (kv[1][0], kv[0]))]


# ---- The period ----------------------------------------------------------------------------------


def _n(value: Decimal | int | float | None) -> str:
    if value is None:
        return "0"
    value = Decimal(str(value))
    return f"{int(value):,}" if value == value.to_integral() else f"{value:,.2f}"


def _money(value: Decimal) -> str:
    return f"£{int(value):,}" if value == value.to_integral() else f"£{value:,.2f}"


def _ids(label: str, records: list[Any]) -> str:
    return f"{label} {', '.join(str(pk) for pk in sorted(r.pk for r in records))}" if records else f"{label}: none"


OUTCOME_PHRASES = {"Housing advice": "supported with housing advice", "Found accommodation": "found accommodation",
                   "Sexual health": "engaged with sexual health services", "Benefits advice": "supported with benefit advice",
                   "Substance misuse service": "engaged with the substance misuse service",
                   "Domestic abuse support": "supported by the domestic abuse service",
                   "Health treatment on the night": "received treatment on the night",
                   "Food voucher": "given food vouchers"}


# ---- Sections ------------------------------------------------------------------------------------


def meetings_in(board: Board, start: date, end: date) -> list[Meeting]:
    return list(Meeting.objects.filter(board=board, held=True, held_on__gte=start, held_on__lte=end,
                                       archived_on__isnull=True).order_by("held_on")
                .prefetch_related("agenda", "decisions", "actions_arising"))


def summary_section(board: Board, meetings: list[Meeting], start: date) -> Section:
    standing = [s.title for s in board.standing_items.all()]
    occasions = {1: "once"}.get(len(meetings), f"on {len(meetings)} occasions")
    paragraphs: list[str | list[str]] = [
        f"The {board.name} ({board.short_name}) has met {occasions} between {start:%B %Y} and the date of this note."
        if meetings else f"The {board.name} ({board.short_name}) has not met in the period.",
        f"The {board.short_name} meets {board.get_frequency_display().lower()} and has a number of standing items on "
        "the agenda that are reported on at each meeting. These are:",
        standing,
    ]
    if meetings:
        paragraphs.append("The following key issues were discussed:")
    return Section("Summary", paragraphs, sources=[_ids("board", [board]), _ids("meetings", meetings)])


def meeting_section(meeting: Meeting) -> Section:
    subsections = []
    decisions = [d for d in meeting.decisions.all() if d.archived_on is None]
    placed: set[int] = set()
    for item in meeting.agenda.all():
        paragraphs: list[str | list[str]] = [p.strip() for p in item.notes.split("\n\n") if p.strip()]
        topical = [d for d in decisions if item.topic and d.topic == item.topic and d.pk not in placed]
        placed |= {d.pk for d in topical}
        for d in topical:
            paragraphs.append(_decision_sentence(d))
        if paragraphs:
            subsections.append(Section(item.title, paragraphs, sources=[_ids("decisions", topical)] if topical else []))
    loose = [d for d in decisions if d.pk not in placed]
    if loose:
        subsections.append(Section("Other decisions", [_decision_sentence(d) for d in loose],
                                   sources=[_ids("decisions", loose)]))
    arising = [a for a in meeting.actions_arising.all() if a.archived_on is None]
    if arising:
        subsections.append(Section("Actions arising", [[f"{a.description} ({a.owner_agency}, by {a.due_on:%d %B %Y})"
                                                        + (" - done" if a.done_on else "") for a in arising]],
                                   sources=[_ids("actions arising", arising)]))
    return Section(f"{meeting.held_on:%B %Y} Meeting", [], subsections=subsections,
                   sources=[_ids("meeting", [meeting])])


def _decision_sentence(decision: Decision) -> str:
    text = decision.text.rstrip(".")
    if decision.kind == Decision.Kind.RECOMMENDATION:
        return f"Recommendation: {text}."
    if decision.kind == Decision.Kind.PENDING:
        return f"Awaiting decision: {text}."
    return f"The {decision.meeting.board.short_name} {text[0].lower() + text[1:]}." if text.lower().startswith(
        ("agreed", "approved", "noted", "decided")) else f"Decision: {text}."


def decisions_section(meetings: list[Meeting]) -> Section | None:
    decisions = [d for m in meetings for d in m.decisions.all() if d.archived_on is None]
    if not decisions:
        return None
    rows = [[f"{d.meeting.held_on:%d %b %Y}", d.get_kind_display(), d.topic.replace("_", " "), d.text] for d in decisions]
    n_decisions = sum(d.kind == Decision.Kind.DECISION for d in decisions)
    n_recommendations = sum(d.kind == Decision.Kind.RECOMMENDATION for d in decisions)
    return Section("Decisions and recommendations register",
                   [f"{n_decisions} decisions and {n_recommendations} recommendations were recorded in the period."],
                   [Table(["Meeting", "Kind", "Item", "Decision or recommendation"], rows)],
                   sources=[_ids("decisions", decisions)])


def deadlines_section(start: date, end: date) -> Section | None:
    """Statutory deadlines and annual attendances met in the period, and those overdue at its end."""
    from .models import CalendarItem

    items = CalendarItem.objects.filter(archived_on__isnull=True).select_related("board")
    done = list(items.filter(done_on__gte=start, done_on__lte=end).order_by("done_on"))
    overdue = list(items.filter(Q(done_on__isnull=True) | Q(done_on__gt=end), due_on__lt=end).order_by("due_on"))
    if not done and not overdue:
        return None
    paragraphs: list[str | list[str]] = []
    if done:
        paragraphs.append(f"{counted(len(done), 'deadline or attendance was', 'deadlines and attendances were')} met in "
                          "the period:")
        paragraphs.append([f"{i.title}: due {i.due_on:%d %B %Y}, done {i.done_on:%d %B %Y}" for i in done])
    if overdue:
        paragraphs.append(f"{counted(len(overdue), 'was', 'were')} overdue at the end of the period:")
        paragraphs.append([f"{i.title}: due {i.due_on:%d %B %Y}" for i in overdue])
    return Section("Statutory deadlines and annual attendances", paragraphs, sources=[_ids("calendar items", done + overdue)])


def plan_progress(plan: Plan, end: date) -> dict[str, Any]:
    """Each priority's RAG counts from each action's latest update up to ``end``."""
    actions = list(Action.objects.filter(priority__plan=plan, archived_on__isnull=True)
                   .select_related("priority", "led_by").prefetch_related("updates"))
    last = rules.quarter_of(end)
    latest: dict[int, QuarterlyUpdate] = {}
    for a in actions:
        ups = sorted((u for u in a.updates.all() if u.archived_on is None and (u.year, u.quarter) <= (last.year, last.number)),
                     key=lambda u: (u.year, u.quarter), reverse=True)
        if ups:
            latest[a.pk] = ups[0]
    priorities = []
    for p in plan.priorities.filter(archived_on__isnull=True):
        mine = [a for a in actions if a.priority_id == p.pk]
        counts = {k: sum(1 for a in mine if a.pk in latest and latest[a.pk].rag == k) for k in rules.RAG_ORDER}
        counts["none"] = sum(1 for a in mine if a.pk not in latest)
        priorities.append({"priority": p, "actions": mine, "counts": counts,
                           "updates": [latest[a.pk] for a in mine if a.pk in latest]})
    totals = {k: sum(p["counts"][k] for p in priorities) for k in (*rules.RAG_ORDER, "none")}
    return {"plan": plan, "priorities": priorities, "totals": totals, "latest": latest, "actions": actions}


def plan_section(plan: Plan, end: date) -> Section:
    progress = plan_progress(plan, end)
    t = progress["totals"]
    total = len(progress["actions"])
    rows = [[f"{p['priority'].number}. {p['priority'].title}", str(len(p["actions"])), str(p["counts"]["green"]),
             str(p["counts"]["amber"]), str(p["counts"]["red"]), str(p["counts"]["none"])] for p in progress["priorities"]]
    off = [(a, progress["latest"][a.pk]) for a in progress["actions"]
           if a.pk in progress["latest"] and progress["latest"][a.pk].rag == rules.RED]
    paragraphs: list[str | list[str]] = [
        f"Of the {total} actions in the {plan.name}, {t['green']} are green, {t['amber']} amber and {t['red']} red "
        f"at their latest update ({rules.quarter_of(end).label} or earlier); {t['none']} have no update yet."]
    if off:
        paragraphs.append("Actions off track:")
        paragraphs.append([f"{a.reference} {a.title} ({a.led_by}): {u.rag_reason}" for a, u in off])
    return Section(f"{plan.name}: progress", paragraphs,
                   [Table(["Priority", "Actions", "Green", "Amber", "Red", "No update"], rows)],
                   sources=[_ids("plan", [plan]), _ids("quarterly updates", list(progress["latest"].values()))])


def grants_section(start: date, end: date) -> Section | None:
    grants = list(Grant.objects.filter(archived_on__isnull=True, starts_on__lte=end, ends_on__gte=start)
                  .select_related("led_by"))
    if not grants:
        return None
    subsections = []
    for g in grants:
        figures = services.grant_figures(g, until=end)
        bullets = []
        for f in figures:
            ws = f.workstream
            line = f"{ws.title}"
            if ws.planned_output is not None:
                line += f": {_n(f.outputs)} of {_n(ws.planned_output)} {ws.output_unit} delivered"
            if ws.planned_outcome is not None:
                line += f"; {_n(f.outcomes)} {ws.outcome_unit} (planned {_n(ws.planned_outcome)})"
            line += f"; spent {_money(f.spend)} of {_money(ws.budget)}"
            bullets.append(line)
        spend = sum((f.spend for f in figures), Decimal(0))
        subsections.append(Section(
            str(g), [f"{_money(g.amount)} from {g.starts_on:%B %Y} to {g.ends_on:%B %Y}, led by {g.led_by}. "
                     f"{len(figures)} workstreams; {_money(spend)} spent to date.", bullets],
            sources=[_ids("grant", [g]), _ids("workstream returns", [r for f in figures for r in f.by_quarter])]))
    return Section("Funded projects", [f"{len(grants)} funded projects were live in the period."],
                   subsections=subsections, sources=[_ids("grants", grants)])


def engagement_section(start: date, end: date) -> Section | None:
    totals = services.engagement_totals(start, end)
    outreach = services.outreach_summary(start, end)
    if not totals["events"] and not outreach["sessions"]:
        return None
    paragraphs: list[str | list[str]] = []
    if totals["events"]:
        paragraphs.append(f"A total of {totals['events']} community engagement events have been arranged or attended "
                          f"by the partnership in {totals['wards']} wards, engaging with {totals['people']:,} people.")
        if totals["items"]:
            paragraphs.append("Items handed out:")
            paragraphs.append([f"{v:,} {k}" for k, v in sorted(totals["items"].items(), key=lambda kv: -kv[1])])
    subsections = []
    from .models import OutreachProgramme, OutreachSession

    for programme in OutreachProgramme.objects.filter(archived_on__isnull=True):
        o = services.outreach_summary(start, end, programme)
        if not o["sessions"]:
            continue
        lines: list[str | list[str]] = [
            f"{o['sessions']} sessions were held with {o['attendances']:,} attendances (average {o['average']} "
            "attendees per session)."
            + (f" {o['unique_attendees']} individuals attended at least one session and {o['repeat_attendees']} came "
               "more than once (counted from tokens attendees chose; no names are taken)." if o["attendees_with_token"] else "")]
        if o["outcomes"]:
            lines.append([f"{v} {OUTCOME_PHRASES.get(k, k.lower())}" for k, v in o["outcomes"].items()])
        if o["safeguarding_escalations"]:
            lines.append(f"{counted(o['safeguarding_escalations'], 'safeguarding concern was', 'safeguarding concerns were')} "
                         "escalated on the night.")
        sessions = list(OutreachSession.objects.filter(programme=programme, held_on__gte=start, held_on__lte=end,
                                                       archived_on__isnull=True))
        subsections.append(Section(programme.name, lines, sources=[_ids("outreach sessions", sessions)]))
    events = list(services.Event.objects.filter(held_on__gte=start, held_on__lte=end, archived_on__isnull=True))
    return Section("Community engagement", paragraphs, subsections=subsections, sources=[_ids("events", events)])


CASEWORK_LABELS = {"service_requests": "ASB service requests", "cases_opened": "ASB cases opened",
                   "cases_closed": "ASB cases closed", "warnings": "warnings (Community Protection Warnings, s59)",
                   "notices": "notices (Community Protection Notices, closure notices)",
                   "contracts": "Acceptable Behaviour Contracts", "penalties": "fixed penalty notices",
                   "orders": "orders (injunctions, closure orders, CBOs)"}


def casework_section(cases: QuerySet[Any] | None, start: date, end: date) -> Section | None:
    """Casework and tools-and-powers figures with the year before, from csphub.casework.stats."""
    if cases is None:
        return None
    from csphub.casework.stats import casework_statistics

    figures = casework_statistics(cases, start, end)
    rows, bullets = [], []
    for row in figures["headline"]:
        label = CASEWORK_LABELS.get(row["measure"], row["measure"])
        change = row["percent_change"]
        trend = "no change" if row["change"] == 0 else (
            f"{'up' if row['change'] > 0 else 'down'} {abs(change):.0f}%" if change is not None else "new this year")
        rows.append([label, f"{row['count']:,}", f"{row['previous_count']:,}", trend])
        if row["count"] or row["previous_count"]:
            bullets.append(f"{row['count']:,} {label} ({trend}, from {row['previous_count']:,} a year earlier)")
    detail = [[r["category"], f"{r['count']:,}", f"{r['previous_count']:,}"] for r in figures["rows"]
              if r["measure"] == "interventions"]
    tables = [Table(["Measure", "This period", "Same period last year", "Change"], rows)]
    if detail:
        tables.append(Table(["Tool or power", "This period", "Same period last year"], detail))
    return Section("Anti-social behaviour casework and tools and powers",
                   [f"Between {start:%d %B %Y} and {end:%d %B %Y}, compared with the same period a year earlier:", bullets],
                   tables, sources=[f"casework statistics (csphub.casework.stats) for {figures['period']['from']} to "
                                    f"{figures['period']['to']} and {figures['previous_period']['from']} to "
                                    f"{figures['previous_period']['to']}: counts only"])


def plugged_sections(start: date, end: date) -> list[Section]:
    found = []
    for _key, provider in section_providers():
        value = provider(start, end)
        if value is not None:
            found.append(Section.of(value))
    return found


# ---- The papers ----------------------------------------------------------------------------------


def written_on() -> date:
    from django.utils import timezone

    return timezone.localdate()


def current_plan(end: date) -> Plan | None:
    return (Plan.objects.filter(archived_on__isnull=True, kind=Plan.Kind.COMMUNITY_SAFETY, starts_on__lte=end)
            .order_by("-starts_on").first())


def briefing(board: Board, start: date, end: date, *, cases: QuerySet[Any] | None = None, number: str = "",
             committee: str = "Overview and Scrutiny Committee", lead_officer: str = "Community Safety Partnership Manager"
             ) -> Paper:
    """The briefing note for the period: the board's meetings with their standing items and
    decisions, the action plan's RAG, funded projects, engagement, casework, and any sections
    other apps plug in."""
    meetings = meetings_in(board, start, end)
    sections = [summary_section(board, meetings, start), *[meeting_section(m) for m in meetings]]
    plan = current_plan(end)
    optional = [decisions_section(meetings), deadlines_section(start, end), plan_section(plan, end) if plan else None,
                grants_section(start, end),
                engagement_section(start, end), casework_section(cases, start, end)]
    sections += [s for s in optional if s is not None] + plugged_sections(start, end)
    figures = _figures(board, meetings, plan, start, end)
    return Paper("briefing", committee, f"BRIEFING NOTE{f' – No. {number}' if number else ''}", f"{written_on():%d %B %Y}",
                 f"All Members of the {committee}", f"Community Safety Partnership update, {start:%B %Y} to {end:%B %Y}",
                 start, end, sections, lead_officer,
                 [f"Appendix A - {plan.name} with the latest RAG (csphub plan export)"] if plan else [], figures)


def portfolio_report(start: date, end: date, *, cases: QuerySet[Any] | None = None, portfolio: str = "Portfolio Holder",
                     committee: str = "Overview and Scrutiny Committee") -> Paper:
    """The portfolio holder's report (seed 003): progress by priority of the plan, then funded
    projects, engagement, casework and any plugged-in sections."""
    plan = current_plan(end)
    sections = [Section("Background", [
        "The Community Safety Partnership is made up of the responsible authorities of the Crime and Disorder Act 1998: "
        "the council, the police, fire and rescue, probation and health.",
        f"This report sets out progress from {start:%B %Y} to {end:%B %Y}" + (f" against the {plan.name}." if plan else ".")])]
    if plan:
        progress = plan_progress(plan, end)
        for p in progress["priorities"]:
            c = p["counts"]
            paragraphs: list[str | list[str]] = [
                f"{len(p['actions'])} actions: {c['green']} green, {c['amber']} amber, {c['red']} red, {c['none']} "
                "without an update."]
            if p["priority"].aim:
                paragraphs.insert(0, p["priority"].aim)
            for u in p["updates"]:
                paragraphs.append(f"{u.action.objective} - {u.action.title} ({u.action.led_by}, {u.rag.upper()}): {u.narrative}")
            sections.append(Section(p["priority"].title, paragraphs, sources=[_ids("quarterly updates", p["updates"])]))
    optional = [grants_section(start, end), engagement_section(start, end), casework_section(cases, start, end)]
    sections += [s for s in optional if s is not None] + plugged_sections(start, end)
    return Paper("portfolio", committee.upper(), f"ATTENDANCE BY THE {portfolio.upper()}", f"{written_on():%d %B %Y}",
                 f"Members of the {committee}", f"Progress made within the areas of the {portfolio} covering the "
                 "Community Safety Partnership", start, end, sections, "",
                 [], _figures(None, [], plan, start, end))


def _figures(board: Board | None, meetings: list[Meeting], plan: Plan | None, start: date, end: date) -> dict[str, Any]:
    """The paper's headline figures, for tests and the page: each one also appears in the text."""
    figures: dict[str, Any] = {"meetings": len(meetings),
                               "decisions": sum(1 for m in meetings for d in m.decisions.all()
                                                if d.archived_on is None and d.kind == Decision.Kind.DECISION),
                               "engagement": services.engagement_totals(start, end),
                               "outreach": services.outreach_summary(start, end)}
    if plan:
        figures["rag"] = plan_progress(plan, end)["totals"]
    return figures


def year_on_year(now: int, before: int) -> str:
    change = percent_change(now, before)
    return "no change" if now == before else (f"{'up' if now > before else 'down'} {abs(change):.0f}%"
                                              if change is not None else "new")


# ---- Writing Word and PDF ----------------------------------------------------------------------


def _paragraph_numbers(number: str, section: Section) -> list[tuple[str, str | list[str]]]:
    """Each paragraph with its number (1.1, 1.2...); a list of bullets has none ("")."""
    found, count = [], 0
    for paragraph in section.paragraphs:
        if isinstance(paragraph, list):
            found.append(("", paragraph))
        else:
            count += 1
            found.append((f"{number}.{count}", paragraph))
    return found


def _numbered(sections: list[Section], prefix: str = "", after: int = 0) -> list[tuple[str, Section]]:
    return [(f"{prefix}{i}", s) for i, s in enumerate(sections, start=after + 1)]


def _write_section(doc: Any, number: str, section: Section, level: int) -> None:
    from docx.shared import Pt

    doc.add_heading(f"{number}. {section.title}", min(level, 4))
    for paragraph_number, paragraph in _paragraph_numbers(number, section):
        if isinstance(paragraph, list):
            for bullet in paragraph:
                doc.add_paragraph(bullet, style="List Bullet")
        else:
            doc.add_paragraph(f"{paragraph_number}. {paragraph}")
    for table in section.tables:
        _write_table(doc, table)
    if section.sources:
        run = doc.add_paragraph().add_run("Built from: " + "; ".join(section.sources))
        run.italic, run.font.size = True, Pt(8)
    for sub_number, sub in _numbered(section.subsections, f"{number}.", _text_count(section)):
        _write_section(doc, sub_number, sub, level + 1)


def _write_table(doc: Any, table: Table) -> None:
    grid = doc.add_table(rows=1, cols=len(table.headings))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.headings, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in table.rows:
        for cell, text in zip(grid.add_row().cells, row, strict=False):
            cell.text = str(text)


def write_docx(paper: Paper, path: Path) -> Path:
    """An editable Word document, numbered like the seeds (1., 1.1., 1.1.1.)."""
    from docx import Document

    doc = Document()
    doc.add_heading(paper.heading, 1)
    doc.add_heading(paper.title, 1)
    for label, value in (("Date", paper.date_line), ("Briefing paper to" if paper.kind == "briefing" else "To", paper.to),
                         ("Purpose", paper.purpose)):
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    for number, section in _numbered(paper.sections):
        _write_section(doc, number, section, 2)
    if paper.lead_officer:
        doc.add_heading("Lead officer", 2)
        doc.add_paragraph(paper.lead_officer)
    if paper.appendices:
        doc.add_heading("Appendices", 2)
        for appendix in paper.appendices:
            doc.add_paragraph(appendix)
    doc.save(str(path))
    return path


def flat(sections: list[Section], prefix: str = "", level: int = 2, after: int = 0) -> list[dict[str, Any]]:
    """The sections and their sub-sections in reading order, each with its number and level
    (a sub-section is numbered on from its parent's paragraphs: 2.1, 2.2 then 2.3 ...)."""
    found: list[dict[str, Any]] = []
    for number, section in _numbered(sections, prefix, after):
        paragraphs = [{"number": n, "text": p, "bullets": n == ""} for n, p in _paragraph_numbers(number, section)]
        found.append({"number": number, "level": min(level, 4), "section": section, "paragraphs": paragraphs})
        found += flat(section.subsections, f"{number}.", level + 1, _text_count(section))
    return found


def _text_count(section: Section) -> int:
    return sum(1 for p in section.paragraphs if not isinstance(p, list))


def to_html(paper: Paper) -> str:
    return render_to_string("governance/paper_print.html", {"paper": paper, "sections": flat(paper.sections)})


def write_pdf(paper: Paper, path: Path) -> Path:
    from weasyprint import HTML

    HTML(string=to_html(paper)).write_pdf(str(path))
    return path


# ---- The page's one call -------------------------------------------------------------------------


def paper_for(user: Any, *, kind: str, start: date, end: date, board: Board | None = None, number: str = "",
              committee: str = "Overview and Scrutiny Committee", output: str = "docx",
              channel: str = "web") -> tuple[bytes, str, str]:
    """Write the paper for a manager: (content, file name, content type). Casework figures are
    the cases the user's statistics count (csphub.access.policy.statistics_cases). Audited as an
    export."""
    import tempfile

    from csphub.access import policy
    from csphub.audit.services import Action as Audit
    from csphub.audit.services import record

    services.require_manager(user)
    cases = policy.statistics_cases(user)
    if kind == "briefing":
        if board is None:
            raise services.RuleRefused("board_needed", "A briefing note reports a board's meetings: choose one.", "board")
        paper = briefing(board, start, end, cases=cases, number=number, committee=committee)
    else:
        paper = portfolio_report(start, end, cases=cases, committee=committee)
    name = f"{kind}-{start:%Y-%m}-to-{end:%Y-%m}.{output}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        (write_pdf if output == "pdf" else write_docx)(paper, path)
        content = path.read_bytes()
    record(user, Audit.EXPORTED, "committee_paper", board.pk if board else "", channel=channel,
           summary=f"{kind} {start:%Y-%m}..{end:%Y-%m} {output}")
    types = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    return content, name, types[output]
