"""`csphub case-review stats --year`: a financial year (any usual spelling) or a calendar year."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from csphub.cli import main
from csphub.cli.panels import _financial_or_calendar_year


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2025/26", date(2025, 4, 1), date(2026, 3, 31)),
    ("2025-26", date(2025, 4, 1), date(2026, 3, 31)),
    ("2025/2026", date(2025, 4, 1), date(2026, 3, 31)),
    ("2025", date(2025, 1, 1), date(2025, 12, 31)),
])
def test_the_years_it_accepts(text, start, end):
    assert _financial_or_calendar_year(text) == (start, end)


@pytest.mark.parametrize("year", ["2025/99", "2025/25", "twenty25", "0000"])
def test_a_year_that_is_neither_is_refused_as_a_usage_error(year):
    result = CliRunner().invoke(main, ["case-review", "stats", "--year", year])
    assert result.exit_code == 2  # click's usage error, before the casework database is opened
    assert (f"Invalid value for --year: {year!r} is not a financial year; expected the form 2025/26 "
            "(April 2025 to March 2026), or a calendar year such as 2025") in result.output
