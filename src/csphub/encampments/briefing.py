"""The unauthorised encampments section of the committee briefing note (governance papers find
this module by name: see ``csphub.governance.papers``). Counts only, no people or vehicles.

The seed briefing notes read: "15 incursions compared to 7 the previous year (114%)"; the
section says the same from the record, like for like (a period still under way is compared with
the same days a year earlier)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from csphub.change import counted

from .models import Incursion

STEP_NAMES = {"s77": "a s77 direction", "s78": "a s78 removal order", "s61": "a police s61 direction",
              "s60c": "s60C", "s62a": "a s62A direction", "cpr55": "a possession claim", "ipo": "an interim possession order"}


def _compared(now: int, before: int, change: float | None) -> str:
    if before == 0:
        return f"{now} (none in the same period a year earlier)"
    return f"{now} compared with {before} in the same period a year earlier ({change:+.0f}%)"


def encampments_section(start: date, end: date) -> dict[str, Any] | None:
    """None when no incursion has ever been recorded (the app is installed but unused)."""
    from .services import period_figures

    if not Incursion.objects.filter(archived_on__isnull=True).exists():
        return None
    f = period_figures(start, end)
    before = f["previous"]
    lines = [f"Unauthorised encampments (incursions): {_compared(f['incursions'], before['incursions'], f['incursions_percent_change'])}.",
             f"{counted(f['sites'], 'site')}, {f['repeat_sites']} of them repeat sites; {f['still_on_site']} still on site at "
             "the period's end."]
    if f["median_days_on_site"] is not None:
        lines.append(f"Median stay: {f['median_days_on_site']} days on site.")
    steps = [f"{STEP_NAMES.get(k, k)}: median {v} working days from arrival"
             for k, v in f["median_working_days_to"].items() if v is not None]
    if steps:
        lines.append("Time to each legal step — " + "; ".join(steps) + ".")
    costs = Decimal(f["costs"] or 0)
    lines.append(f"Clean-up, repair and legal costs recorded: £{costs:,.0f}; {counted(f['arrests'], 'arrest')}; "
                 f"{counted(f['sites_reentered'], 'site')} re-entered.")
    tents = f["tents"]["records"]
    if tents:
        lines.append(f"{counted(tents, 'tents or rough-sleeping enforcement record')} opened.")
    rows = [[s["site"], s["land_owner"], str(s["incursions"])] for s in f["sites_map"]]
    tables = [{"headings": ["Site", "Land owner", "Incursions"], "rows": rows}] if rows else []
    note = " (to date: compared like for like)" if f["like_for_like"] else ""
    return {"title": "Unauthorised encampments",
            "paragraphs": [f"Between {start:%d %B %Y} and {date.fromisoformat(f['to']):%d %B %Y}{note}:", lines],
            "tables": tables,
            "sources": [f"encampment incursions arriving {f['from']} to {f['to']} and {before['from']} to "
                        f"{before['to']} (csphub.encampments): counts only"]}


def briefing_sections() -> list[tuple[str, Any]]:
    return [("encampments", encampments_section)]
