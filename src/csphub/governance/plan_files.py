"""An action plan in and out of files: import from CSV or Excel (bad rows to quarantine),
export with each action's latest RAG to Excel (csphub.spreadsheets) and Word (python-docx).

The import's columns (a heading row, any order, case and spaces ignored):

``priority`` (number), ``priority_title``, ``objective``, ``reference``, ``action`` (what we
will do), ``done_so_far``, ``theme`` (Prevent, Protect, Prepare, Pursue), ``lead_agency`` (an
agency's name as in CSP Hub), ``partners`` (names separated by ``;``), ``baseline``,
``target`` (a number, or blank for a milestone), ``unit``, ``milestone``, ``starts_on`` and
``due_on`` (YYYY-MM-DD or DD/MM/YYYY).

Each row is checked in full; a row with a problem goes to the quarantine (ImportedRow: file,
line, field, value, what was expected) and the others load. Re-importing the same file changes
the actions with the same references and adds none twice.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from csphub.accounts.models import Agency
from csphub.audit.services import Action as Audit
from csphub.audit.services import Channel, record
from csphub.errors import InputFileError, InputProblem
from csphub.spreadsheets import Sheet, write_xlsx

from . import services
from .models import Action, ImportedRow, Plan, Theme

REQUIRED = ("priority", "objective", "reference", "action", "theme", "lead_agency")
OPTIONAL = ("priority_title", "done_so_far", "partners", "baseline", "target", "unit", "milestone",
            "starts_on", "due_on")


@dataclass
class ImportSummary:
    file: str
    loaded: int = 0
    changed: int = 0
    quarantined: list[InputProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.file}: {self.loaded} actions added, {self.changed} changed, "
                f"{len(self.quarantined)} rows quarantined")


def _key(heading: object) -> str:
    return str(heading or "").strip().lower().replace(" ", "_").replace("-", "_")


def read_rows(path: Path, required: tuple[str, ...] = REQUIRED, optional: tuple[str, ...] = OPTIONAL
              ) -> list[dict[str, str]]:
    """The file's rows as {column: text}, from CSV (UTF-8, with or without BOM) or .xlsx."""
    name = path.name
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as e:  # noqa: BLE001 - any unreadable workbook is the same problem for the user
            raise InputFileError(InputProblem(name, None, None, None, f"an Excel workbook (.xlsx): {e}")) from e
        raw = [[("" if c is None else c) for c in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                raw = list(csv.reader(handle))
        except UnicodeDecodeError as e:
            raise InputFileError(InputProblem(name, None, None, None, "a UTF-8 CSV file")) from e
    if not raw:
        raise InputFileError(InputProblem(name, 1, None, None, "a heading row"))
    headings = [_key(h) for h in raw[0]]
    missing = [c for c in required if c not in headings]
    if missing:
        raise InputFileError(InputProblem(name, 1, ", ".join(missing), None,
                                          f"columns {', '.join(required)} (and optionally {', '.join(optional)})"))
    rows = []
    for values in raw[1:]:
        cells = {h: _text(v) for h, v in zip(headings, values, strict=False) if h}
        rows.append(cells)
    return rows


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(text: str) -> date | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


@dataclass
class _Row:
    priority: int
    priority_title: str
    values: dict[str, Any]


def _partners(text: str, agencies: dict[str, Agency]) -> list[Agency] | str:
    """The partner agencies named, or the first name that is not an agency."""
    found = []
    for partner in filter(None, (p.strip() for p in text.split(";"))):
        if partner.casefold() not in agencies:
            return partner
        found.append(agencies[partner.casefold()])
    return found


def _target(row: dict[str, str]) -> Decimal | None | str:
    """The target, None for a milestone, or what was expected when it is neither."""
    if not row.get("target"):
        return None if row.get("milestone") else "a number, or a milestone in the 'milestone' column"
    try:
        target = Decimal(row["target"].replace(",", ""))
    except InvalidOperation:
        return "a number, e.g. 1000 (blank for a milestone)"
    return target if target >= 0 else "a number of zero or more"


def _dates(row: dict[str, str]) -> dict[str, date | None] | tuple[str, str]:
    dates = {}
    for column in ("starts_on", "due_on"):
        try:
            dates[column] = _date(row.get(column, ""))
        except ValueError:
            return column, "a date as YYYY-MM-DD or DD/MM/YYYY"
    if dates["starts_on"] and dates["due_on"] and dates["due_on"] < dates["starts_on"]:
        return "due_on", "a date on or after starts_on"
    return dates


def _check(row: dict[str, str], agencies: dict[str, Agency], name: str, line: int) -> _Row | InputProblem:
    def problem(column: str, expected: str) -> InputProblem:
        return InputProblem(name, line, column, row.get(column, ""), expected)

    missing = next((c for c in REQUIRED if not row.get(c)), None)
    if missing:
        return problem(missing, "a value")
    if not row["priority"].isdigit():
        return problem("priority", "the priority's number, e.g. 1")
    theme = row["theme"].strip().lower()
    if theme not in Theme.values:
        return problem("theme", "one of Prevent, Protect, Prepare, Pursue")
    lead = agencies.get(row["lead_agency"].casefold())
    if lead is None:
        return problem("lead_agency", "the name of an agency in CSP Hub (csphub agency list)")
    partners = _partners(row.get("partners", ""), agencies)
    if isinstance(partners, str):
        return problem("partners", f"agency names separated by ';' ({partners!r} is not one)")
    target = _target(row)
    if isinstance(target, str):
        return problem("target", target)
    dates = _dates(row)
    if isinstance(dates, tuple):
        return problem(*dates)
    values = {"reference": row["reference"][:20], "objective": row["objective"][:200], "title": row["action"],
              "done_so_far": row.get("done_so_far", ""), "theme": theme, "led_by": lead, "partners": partners,
              "baseline": row.get("baseline", "")[:200], "target": target, "unit": row.get("unit", "")[:60],
              "milestone": row.get("milestone", "")[:200], **dates}
    return _Row(int(row["priority"]), row.get("priority_title", ""), values)


@transaction.atomic
def import_plan(user: Any, plan: Plan, path: Path, *, channel: str = Channel.CLI) -> ImportSummary:
    """Load the file's actions into ``plan``. Rows with a problem go to the quarantine; anything
    unexpected rolls the whole load back."""
    if user is not None:
        services.require_manager(user)
    summary = ImportSummary(path.name)
    agencies = {a.name.casefold(): a for a in Agency.objects.all()}
    seen: set[str] = set()
    for line, row in enumerate(read_rows(path), start=2):
        if not any(row.values()):
            continue
        checked = _check(row, agencies, path.name, line)
        if isinstance(checked, _Row) and checked.values["reference"] in seen:
            checked = InputProblem(path.name, line, "reference", checked.values["reference"],
                                   "a reference used once in the file")
        if isinstance(checked, InputProblem):
            summary.quarantined.append(checked)
            ImportedRow.objects.create(plan_name=plan.name[:200], file=path.name[:300], line=line,
                                       field=checked.field or "", value=(checked.value or "")[:300],
                                       expected=checked.expected[:300])
            continue
        seen.add(checked.values["reference"])
        existed = Action.objects.filter(priority__plan=plan, reference=checked.values["reference"]).exists()
        priority = services.priority_of(user, plan, checked.priority, checked.priority_title)
        services.add_action(user, priority, channel=channel, **checked.values)
        summary.changed += existed
        summary.loaded += not existed
    record(user, Audit.CREATED, "plan_import", plan.pk, channel=channel,
           summary=f"{summary.loaded} added, {summary.changed} changed, {len(summary.quarantined)} quarantined")
    return summary


# ---- Export -----------------------------------------------------------------------------------

HEADINGS = ["Priority", "Objective", "Ref", "What we will do", "What we have done so far", "Theme", "Lead agency",
            "Lead officer", "Partners", "Baseline", "Target", "Due", "Latest quarter", "Achieved", "RAG", "RAG reason",
            "Latest update"]


def plan_rows(plan: Plan) -> list[list[object]]:
    view = services._plan_view(plan, list(services._actions_of(plan)))
    rows: list[list[object]] = []
    for block in view.priorities:
        for row in block["rows"]:
            a, u = row["action"], row["update"]
            achieved = None if u is None or u.achieved is None else float(u.achieved)
            rows.append([str(block["priority"]), a.objective, a.reference, a.title, a.done_so_far, a.get_theme_display(),
                         a.led_by.name, a.lead_officer.get_full_name() if a.lead_officer else "",
                         "; ".join(p.name for p in a.partners.all()), a.baseline, a.target_text,
                         a.due_on, u.period.label if u else "", achieved, u.rag.upper() if u else "NO UPDATE",
                         u.rag_reason if u else "", u.narrative if u else ""])
    return rows


def export_xlsx(plan: Plan, path: Path) -> Path:
    rows = plan_rows(plan)
    write_xlsx(path, [Sheet("Action plan", [[f"{plan.name}: action plan with latest RAG"], HEADINGS, *rows],
                            bold_rows=2)])
    return path


RAG_COLOURS = {"RED": "D4351C", "AMBER": "F47738", "GREEN": "00703C", "NO UPDATE": "B1B4B6"}


def export_docx(plan: Plan, path: Path) -> Path:
    """The plan as a Word document in the shape of the partnership's own (objective, what we
    have done so far, what we will do), with each action's latest RAG and update."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    view = services._plan_view(plan, list(services._actions_of(plan)))
    doc = Document()
    doc.add_heading(plan.name, 0)
    doc.add_paragraph(f"{plan.get_kind_display()}, {plan.starts_on:%B %Y} to {plan.ends_on:%B %Y}"
                      + (f"; aligned to {plan.aligned_to}" if plan.aligned_to else ""))
    counts = view.rag_counts
    doc.add_paragraph(f"Latest RAG: {counts['green']} green, {counts['amber']} amber, {counts['red']} red, "
                      f"{counts['none']} without an update.")
    for block in view.priorities:
        priority = block["priority"]
        doc.add_heading(f"{priority.number}. {priority.title}", 1)
        if priority.aim:
            doc.add_paragraph(priority.aim)
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["Objective", "What we have done so far", "What we will do",
                                                     "Lead and target", "RAG and latest update"], strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for row in block["rows"]:
            a, u = row["action"], row["update"]
            rag = u.rag.upper() if u else "NO UPDATE"
            cells = table.add_row().cells
            cells[0].text = f"{a.reference} {a.objective} ({a.get_theme_display()})"
            cells[1].text = a.done_so_far
            cells[2].text = a.title
            cells[3].text = f"{a.led_by}" + (f"; target {a.target_text}" if a.target_text else "") + \
                (f"; due {a.due_on:%d %b %Y}" if a.due_on else "")
            cells[4].text = f"{rag}" + (f" ({u.period.label}): {u.narrative}" if u else "")
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:fill"), RAG_COLOURS[rag])
            cells[4]._tc.get_or_add_tcPr().append(shading)
    doc.save(str(path))
    return path


# ---- A quarter's updates from a spreadsheet ----------------------------------------------------

UPDATE_REQUIRED = ("reference", "quarter", "narrative")
UPDATE_OPTIONAL = ("achieved", "milestone_met", "rag_override", "override_reason")
YES = {"yes", "y", "true", "1", "met"}


def _check_update(row: dict[str, str], actions: dict[str, Action], name: str, line: int) -> dict[str, Any] | InputProblem:
    from . import rules

    def problem(column: str, expected: str) -> InputProblem:
        return InputProblem(name, line, column, row.get(column, ""), expected)

    missing = next((c for c in UPDATE_REQUIRED if not row.get(c)), None)
    if missing:
        return problem(missing, "a value")
    action = actions.get(row["reference"])
    if action is None:
        return problem("reference", "the reference of an action in the plan")
    try:
        quarter = rules.Quarter.parse(row["quarter"])
    except ValueError:
        return problem("quarter", "a quarter like 2025/26 Q2")
    achieved = None
    if row.get("achieved"):
        try:
            achieved = Decimal(row["achieved"].replace(",", ""))
        except InvalidOperation:
            return problem("achieved", "a number (the running total)")
        if achieved < 0:
            return problem("achieved", "a number of zero or more")
    override = row.get("rag_override", "").strip().lower()
    if override and override not in ("green", "amber", "red"):
        return problem("rag_override", "green, amber or red (or blank for the rule's)")
    if override and not row.get("override_reason"):
        return problem("override_reason", "why the RAG differs from the rule's")
    return {"action": action, "quarter": quarter, "narrative": row["narrative"], "achieved": achieved,
            "milestone_met": row.get("milestone_met", "").strip().lower() in YES, "rag_override": override,
            "override_reason": row.get("override_reason", "")}


@transaction.atomic
def import_updates(user: Any, plan: Plan, path: Path, *, channel: str = Channel.CLI) -> ImportSummary:
    """Load a quarter's updates (columns ``reference``, ``quarter``, ``narrative``, optionally
    ``achieved``, ``milestone_met``, ``rag_override``, ``override_reason``) into the plan's
    actions; the RAG comes from the rule as on the page. A row with a problem is quarantined; a
    quarter loaded again is corrected, not duplicated. ``user`` None (the CLI) records them as
    the system; a user must be allowed to update each action (else the row is quarantined)."""
    if user is not None:
        services.require_reader(user)
    summary = ImportSummary(path.name)
    actions = {a.reference: a for a in Action.objects.filter(priority__plan=plan, archived_on__isnull=True)
               .select_related("led_by")}
    for line, row in enumerate(read_rows(path, UPDATE_REQUIRED, UPDATE_OPTIONAL), start=2):
        if not any(row.values()):
            continue
        checked = _check_update(row, actions, path.name, line)
        if isinstance(checked, dict) and user is not None and not services.policy.can_update_action(user, checked["action"]):
            checked = InputProblem(path.name, line, "reference", row["reference"],
                                   "an action your agency leads (or import as a partnership admin)")
        if isinstance(checked, InputProblem):
            summary.quarantined.append(checked)
            ImportedRow.objects.create(plan_name=plan.name[:200], file=path.name[:300], line=line,
                                       field=checked.field or "", value=(checked.value or "")[:300],
                                       expected=checked.expected[:300])
            continue
        action, quarter = checked.pop("action"), checked.pop("quarter")
        existed = action.updates.filter(year=quarter.year, quarter=quarter.number).exists()
        services.record_update(user, action, quarter=quarter, channel=channel, **checked)
        summary.changed += existed
        summary.loaded += not existed
    record(user, Audit.CREATED, "plan_updates_import", plan.pk, channel=channel,
           summary=f"{summary.loaded} added, {summary.changed} changed, {len(summary.quarantined)} quarantined")
    return summary
