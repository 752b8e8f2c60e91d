"""Permission matrix rows for the exports of the case list and the statistics page (issue 12,
items 5 and 10; see matrix_kit). Both are the same routes as their pages, with a query string:

- ``/cases/?format=csv`` and ``?format=xlsx``: the roles that work cases (officers, supervisors,
  analysts; admins 403); the world's case is in the file exactly when its rule lets the user see
  it, and is then audited as listed by id.
- ``/statistics/?format=csv`` and ``?format=xlsx``, and a chosen quarter: analysts, supervisors
  and partnership admins, whatever their agency (counts only); others 403.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from openpyxl import load_workbook

from .matrix_kit import Exercise, Shown, World


def _csv_references(response: HttpResponse) -> list[str]:
    return [row.get("Reference", "") for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))]


def _xlsx_references(response: HttpResponse) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.xlsx"
        path.write_bytes(response.content)
        sheet = load_workbook(path)["Cases"]
        return [str(row[0].value) for row in sheet.iter_rows(min_row=3)]


def in_csv(response: HttpResponse, case: Any) -> bool:
    return case.reference in _csv_references(response)


def in_xlsx(response: HttpResponse, case: Any) -> bool:
    return case.reference in _xlsx_references(response)


RULES: dict[str, Any] = {}
PAGES: dict[str, tuple[Exercise, ...]] = {}
API_ROUTES: dict[str, tuple[Exercise, ...]] = {}
MORE_EXERCISES: dict[str, tuple[Exercise, ...]] = {
    "/cases/": (
        Exercise("case_list", query="format=csv", shown=(Shown("case_view", "case", "case", in_csv),)),
        Exercise("case_list", query="format=xlsx&status=not_closed",
                 shown=(Shown("case_view", "case", "case", in_xlsx),)),
    ),
    "/statistics/": (
        Exercise("statistics", query="format=csv"),
        Exercise("statistics", query="format=xlsx"),
        Exercise("statistics", query="quarter=1"),
    ),
}


def add_records(world: World) -> None:
    """Nothing more: the exports read the casework world's case."""
