"""The return to the funder: each workstream's planned outputs and outcomes against the actuals
per quarter, and spend against budget, as Excel (csphub.spreadsheets) and Word (python-docx)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from csphub.spreadsheets import Formatted, Sheet, write_xlsx

from . import rules, services
from .models import Grant


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def return_rows(grant: Grant, until: date | None = None) -> tuple[list[rules.Quarter], list[list[object]]]:
    figures = services.grant_figures(grant, until)
    quarters = rules.quarters_between(grant.starts_on, min(until or grant.ends_on, grant.ends_on))
    rows: list[list[object]] = []
    for f in figures:
        ws = f.workstream
        by_q = {(r.year, r.quarter): r for r in f.by_quarter}
        rows.append([ws.title, "Outputs", ws.output_unit, _num(ws.planned_output),
                     *[_num(by_q[(q.year, q.number)].outputs) if (q.year, q.number) in by_q else None for q in quarters],
                     _num(f.outputs)])
        if ws.planned_outcome is not None:
            rows.append([ws.title, "Outcomes", ws.outcome_unit, _num(ws.planned_outcome),
                         *[_num(by_q[(q.year, q.number)].outcomes) if (q.year, q.number) in by_q else None
                           for q in quarters], _num(f.outcomes)])
        rows.append([ws.title, "Spend (£)", "", _num(ws.budget),
                     *[_num(by_q[(q.year, q.number)].spend) if (q.year, q.number) in by_q else None for q in quarters],
                     _num(f.spend)])
    return quarters, rows


def write_return_xlsx(grant: Grant, path: Path, until: date | None = None) -> Path:
    quarters, rows = return_rows(grant, until)
    headings = ["Workstream", "Measure", "Unit", "Planned", *[q.label for q in quarters], "To date"]
    spend = sum((r[-1] or 0) for r in rows if r[1] == "Spend (£)")
    summary = [["Fund", grant.fund], ["Round", grant.round], ["Amount (£)", Formatted(float(grant.amount), "#,##0")],
               ["Period", f"{grant.starts_on:%d %b %Y} to {grant.ends_on:%d %b %Y}"], ["Lead agency", grant.led_by.name],
               ["Spent to date (£)", Formatted(float(spend), "#,##0")], ["Conditions", grant.conditions]]
    write_xlsx(path, [Sheet("Return", [[f"{grant}: return to the funder"], headings, *rows], bold_rows=2),
                      Sheet("Grant", summary)])
    return path


def write_return_docx(grant: Grant, path: Path, until: date | None = None) -> Path:
    from docx import Document

    quarters, rows = return_rows(grant, until)
    doc = Document()
    doc.add_heading(f"{grant}: return to the funder", 0)
    doc.add_paragraph(f"£{grant.amount:,.0f}, {grant.starts_on:%d %B %Y} to {grant.ends_on:%d %B %Y}; lead agency "
                      f"{grant.led_by}.")
    if grant.conditions:
        doc.add_paragraph(f"Conditions: {grant.conditions}")
    headings = ["Workstream", "Measure", "Planned", *[q.label for q in quarters], "To date"]
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
    for row in rows:
        values = [row[0], f"{row[1]} {row[2]}".strip(), *row[3:]]
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = "" if value is None else (f"{value:,.0f}" if isinstance(value, float) else str(value))
    evidence = list(grant.evidence.filter(archived_on__isnull=True))
    if evidence:
        doc.add_heading("Evidence attached", 1)
        for paper in evidence:
            doc.add_paragraph(paper.title, style="List Bullet")
    doc.save(str(path))
    return path
