"""Casework exports as CSV and Excel, through the one safe writer (csphub.spreadsheets), so no
cell can run as a formula when an analyst opens the file.

The case list export holds the cases of the list with its filters, read through csphub.access
(so only cases the user may see, audited as "listed" naming every id exported) and an
"exported" entry naming the same ids. Summaries, addresses and postcodes are columns only for
roles that may read them (``policy.can_read_free_text``); an analyst's file has the facts only.
The statistics export holds the figures of the statistics page: counts, no personal data.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone

from csphub.access import policy
from csphub.audit.services import Action, Channel, record
from csphub.errors import NotFoundError
from csphub.spreadsheets import Formatted, Sheet, write_csv, write_xlsx

from . import find, pages

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise NotFoundError(f"No export as {fmt[:20]!r}: choose csv or xlsx.")
    return fmt


def _file(name: str, sheet: str, fmt: str, headings: list[str], rows: list[list[Any]], title: str) -> ExportFile:
    """CSV (UTF-8 with a byte-order mark, for Excel): the headings then the rows. Excel: a title
    line, the headings, the rows."""
    if fmt == "csv":
        buffer = io.StringIO()
        write_csv(buffer, [dict(zip(headings, row, strict=True)) for row in rows], headings)
        return ExportFile(f"{name}.csv", FORMATS["csv"], buffer.getvalue().encode("utf-8-sig"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.xlsx"
        write_xlsx(path, [Sheet(sheet, [[title], headings, *rows], bold_rows=2)])
        return ExportFile(path.name, FORMATS["xlsx"], path.read_bytes())


# ---- The case list -----------------------------------------------------------------------------

FACT_COLUMNS = ["Reference", "Type of case", "Status", "Outcome", "Lead agency", "Lead officer", "Ward",
                "Opened", "Closed", "Next review"]
FREE_TEXT_COLUMNS = ["Summary", "Address", "Postcode"]


def case_columns(user: Any) -> list[str]:
    """The columns of the user's case list export: the facts, and the words for those who may read them."""
    return FACT_COLUMNS + (FREE_TEXT_COLUMNS if policy.can_read_free_text(user) else [])


def _case_row(case: Any, words: bool) -> list[Any]:
    officer = case.lead_officer
    location = case.location
    row = [case.reference, case.case_type.name, case.get_status_display(), case.get_outcome_display(),
           case.lead_agency.name, (officer.get_full_name() or officer.username) if officer else "",
           location.ward_name if location else "", case.opened_on, case.closed_on or "", case.next_review_on or ""]
    if words:
        row += [case.summary, location.address if location else "", location.postcode if location else ""]
    return row


def case_list_file(user: Any, filters: find.CaseFilters, fmt: str) -> ExportFile:
    """Every case of the list with ``filters`` the user may see, as ``fmt`` (csv or xlsx)."""
    check_format(fmt)
    found = find.case_list(user, filters, purpose=f"case list export ({fmt})")["cases"]
    cases = list(found)  # one "listed" entry naming every case exported
    words = policy.can_read_free_text(user)
    rows = [_case_row(c, words) for c in cases]
    record(user, Action.EXPORTED, "case", "", channel=Channel.WEB, purpose=f"case list export ({fmt})",
           summary=f"{len(cases)} cases", object_ids=[c.pk for c in cases])
    return _file("cases", "Cases", fmt, case_columns(user), rows,
                 f"Cases ({len(cases)}), exported {timezone.localdate():%d %B %Y}")


# ---- The statistics ------------------------------------------------------------------------------

STATISTICS_COLUMNS = ["Section", "Measure", "Category", "This period", "A year earlier", "Change", "Change in words"]


def statistics_rows(figures: dict[str, Any], fmt: str) -> list[list[Any]]:
    """The page's figures as rows: the measures by category, then each breakdown."""
    def pct(row: dict[str, Any]) -> Any:
        if row["percent_change"] is None:
            return ""
        return Formatted(row["percent_change"] / 100, "0.0%") if fmt == "xlsx" else f"{row['percent_change']}%"

    rows = [["Casework", r["label"], r["category_label"], r["count"], r["previous_count"], pct(r), r["change_words"]]
            for r in figures["rows"]]
    for breakdown in figures["breakdowns"]:
        rows += [[breakdown["title"], breakdown["measure"], r["label"], r["count"],
                  r["previous_count"], pct(r), r["change_words"]] for r in breakdown["rows"]]
    return rows


def statistics_file(user: Any, start: date, end: date, fmt: str) -> ExportFile:
    """The statistics of ``start``..``end`` and the same days a year earlier, as ``fmt``; audited."""
    check_format(fmt)
    figures = pages.statistics_figures(user, start, end)
    record(user, Action.EXPORTED, "statistics", "", channel=Channel.WEB, purpose=f"statistics export ({fmt})",
           summary=f"{start} to {end}")
    title = (f"Casework statistics {start:%d %B %Y} to {end:%d %B %Y}, against {figures['previous_start']:%d %B %Y} "
             f"to {figures['previous_end']:%d %B %Y} ({figures['days']} days each)")
    return _file(f"casework-statistics-{start}-to-{end}", "Statistics", fmt, STATISTICS_COLUMNS, statistics_rows(figures, fmt), title)
