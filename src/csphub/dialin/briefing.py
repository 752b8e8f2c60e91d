"""The Daily Dial In and operations section of the committee briefing note (found by
``csphub.governance.papers``): entries, conversion to casework, and operations' outputs.
Counts only: no accounts, places or people."""

from __future__ import annotations

from datetime import date
from typing import Any

from csphub.change import counted

from .models import DialInEntry, Operation


def _amount(value: Any) -> str:
    """'1,275' for a whole number, '1.6' for tonnage."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def dialin_section(start: date, end: date) -> dict[str, Any] | None:
    """None when there is neither a dial-in entry nor an operation in the period."""
    from .operations import all_quarter_totals
    from .services import count_figures

    entries = DialInEntry.objects.filter(archived_on__isnull=True)
    fig = count_figures(entries, start, end)
    outputs = all_quarter_totals(start=start, end=end)
    operations = Operation.objects.filter(archived_on__isnull=True, starts_on__lte=end).exclude(ends_on__lt=start)
    if not fig["entries"] and not outputs:
        return None
    lines = []
    if fig["entries"]:
        days = len(fig["by_day"])
        lines.append(f"{counted(fig['entries'], 'Daily Dial In entry', 'Daily Dial In entries')} from "
                     f"{counted(len(fig['by_agency']), 'agency', 'agencies')} over {counted(days, 'day')}; "
                     f"{fig['to_cases']} put on ASB cases, {fig['to_tasks']} turned into tasks, "
                     f"{fig['to_panels']} referred to a panel; {counted(fig['repeat_locations'], 'repeat location')} "
                     f"({fig['repeat_rule']}).")
    tables = []
    if outputs:
        names = [o.name for o in operations.order_by("starts_on")]
        if names:
            lines.append(f"Operations and days of action: {', '.join(names)}.")
        kinds = sorted({k for q in outputs.values() for k in q})
        rows = [[k] + [_amount(outputs[q].get(k, 0)) for q in outputs] for k in kinds]
        tables.append({"headings": ["Output", *outputs], "rows": rows})
    return {"title": "Daily Dial In and operations",
            "paragraphs": [f"Between {start:%d %B %Y} and {end:%d %B %Y}:", lines],
            "tables": tables,
            "sources": [f"dial-in entries and operations' outputs {start} to {end} (csphub.dialin): counts only"]}


def briefing_sections() -> list[tuple[str, Any]]:
    return [("dialin", dialin_section)]
