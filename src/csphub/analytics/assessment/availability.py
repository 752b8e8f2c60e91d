"""What is loaded for an area and a period, source by source, and the error when nothing is.

An assessment of a period with no data of any kind would print zeros ("0 crimes", "CI 0.0 to
0.0") that read as facts: :func:`check_period` stops it with :class:`NoDataForPeriod`, naming
each source and what is loaded instead. Where only one source is absent, its sections say "no
data loaded" (see ``sections.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from csphub.analytics.areas import Area
from csphub.analytics.assessment.periods import describe_months
from csphub.analytics.query import measure
from csphub.errors import CsphubError


class NoDataForPeriod(CsphubError):
    """No source holds any data for the area in the period asked for."""


@dataclass(frozen=True)
class Availability:
    """Which sources hold data for the area in the period."""

    police_uk_months: list[date]  # months of the period with police.uk rows in the area
    police_uk_loaded: list[date]  # every month with police.uk rows in the area
    offence_count_years: list[str]  # financial years with offence-code counts for the area
    offence_counts: bool  # offence-code counts for the period's financial year
    partner_asb: int  # partner ASB incidents placed in the area in the period

    @property
    def anything(self) -> bool:
        return bool(self.police_uk_months or self.offence_counts or self.partner_asb)


def offence_count_years(con: duckdb.DuckDBPyConnection, area: Area) -> list[str]:
    """Financial years of the Home Office offence-code counts loaded for the area (by name or LAD)."""
    return [r[0] for r in measure(
        con, "offence-code count years loaded for the area",
        """select distinct financial_year from offence_counts
        where lower(area_name) = lower($name) or list_contains($codes, area_code) order by 1""",
        {"name": area.name, "codes": list(area.lad_codes)})]


def police_uk_note(area: Area, period, loaded: list[date], series: str = "") -> str:
    """'No police.uk data loaded for Kent in 2017/18 ...', naming what is loaded instead."""
    what = f"police.uk {series} data" if series else "police.uk data"
    elsewhere = (f"loaded for {area.name}: {describe_months(loaded)}" if loaded
                 else f"none is loaded for {area.name}")
    return f"No {what} loaded for {area.name} in {period.name} ({elsewhere})."


def check_period(con: duckdb.DuckDBPyConnection, area: Area, period, police_uk_loaded: list[date],
                 partner_incidents: int) -> Availability:
    """What is loaded for ``area`` in ``period``; raises :class:`NoDataForPeriod` when nothing is.

    ``police_uk_loaded`` are the months with police.uk rows in the area (any period);
    ``partner_incidents`` the partner ASB incidents placed in the area in the period.
    """
    loaded = sorted(police_uk_loaded)
    years = offence_count_years(con, area)
    found = Availability(
        police_uk_months=[m for m in period.months if m in set(loaded)],
        police_uk_loaded=loaded,
        offence_count_years=years,
        offence_counts=period.name in years,
        partner_asb=partner_incidents,
    )
    if not found.anything:
        counts_note = (f"offence-code counts are loaded for {', '.join(years)}" if years
                       else f"none is loaded for {area.name}")
        span = f" ({period.label})" if period.label != period.name else ""
        raise NoDataForPeriod(
            f"No data for {area.name} in {period.name}{span}: "
            f"no police.uk months ("
            + (f"loaded for {area.name}: {describe_months(loaded)}" if loaded else "none loaded for the area")
            + f"), no Home Office offence-code counts ({counts_note}), no partner ASB records. "
            "Load data for the period (csphub ingest police-uk, offence-counts or partner-asb) "
            "or choose a period that has some.")
    return found


def latest_complete_months(rows, area: Area, months: int):
    """The ``months`` months up to the latest month loaded for the area that is present and not
    flagged incomplete (``rows``: coverage rows), as a period; :class:`NoDataForPeriod` when no
    such month is loaded."""
    from csphub.analytics.assessment.periods import MonthSpan

    flagged = {r.month for r in rows if r.incomplete}
    complete = sorted({r.month for r in rows if r.rows > 0} - flagged)
    if not complete:
        raise NoDataForPeriod(
            f"No complete month of police.uk data is loaded for {area.name}, so there is no latest "
            f"{months} months to assess"
            + (f" (loaded but incomplete: {describe_months(sorted(flagged))})" if flagged else "")
            + ". Load police.uk data (csphub ingest police-uk) or give --year or --from and --to.")
    return MonthSpan.ending(complete[-1], months)
