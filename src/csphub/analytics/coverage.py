"""Coverage: which months each force has supplied for an area, and which look partial.

data.police.uk does publish partial months. A month is flagged ``incomplete`` when its volume
is below ``threshold`` (default 0.5) times the median month for that force in the area, or when
it is missing altogether between the first and last month loaded.

Examples:
    >>> is_incomplete(400, 1000)
    True
    >>> is_incomplete(900, 1000)
    False
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

import duckdb

from csphub.analytics.areas import Area
from csphub.analytics.counts import area_records, counted
from csphub.analytics.query import measure

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class CoverageRow:
    """One force and month: the rows supplied in the area and whether the month looks partial."""

    force: str
    month: date
    rows: int
    incomplete: bool

    def as_dict(self) -> dict:
        return {"force": self.force, "month": self.month.strftime("%Y-%m"), "rows": self.rows,
                "incomplete": self.incomplete}


def is_incomplete(rows: int, typical: float, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """True when a month's rows are below ``threshold`` x the typical month."""
    return rows < threshold * typical


def _months_between(first: date, last: date) -> list[date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def coverage(
    con: duckdb.DuckDBPyConnection, area: Area, threshold: float = DEFAULT_THRESHOLD,
    ward_vintage: str | None = None,
) -> list[CoverageRow]:
    """One row per force and month (gaps included, with 0 rows), oldest first."""
    query = counted(area_records(con, area, ward_vintage=ward_vintage), ["force", "month"])
    per_force: dict[str, dict[date, int]] = {}
    for force, month, rows in measure(con, "coverage: rows per force and month", query.sql, query.params):
        per_force.setdefault(force, {})[month] = rows
    result: list[CoverageRow] = []
    for force, by_month in per_force.items():
        typical = statistics.median(by_month.values())
        for month in _months_between(min(by_month), max(by_month)):
            rows = by_month.get(month, 0)
            result.append(CoverageRow(force, month, rows, is_incomplete(rows, typical, threshold)))
    return sorted(result, key=lambda r: (r.month, r.force))


# -- completeness per series ------------------------------------------------------------------

#: a month is flagged below this share of its expected count (a crime type below
#: CRIME_TYPE_THRESHOLD: categories swing more, and a fault shows as a category half gone) ...
SERIES_THRESHOLD = 0.8
CRIME_TYPE_THRESHOLD = 0.5
#: ... when a Poisson count as low as it would arise by chance less often than this
SERIES_ALPHA = 0.001
NEIGHBOURS = 2  # loaded months each side
ASB_TYPE = "Anti-social behaviour"


@dataclass(frozen=True)
class SeriesFlag:
    """A month of one force's series (crime or ASB), or of one crime type, that looks incomplete."""

    force: str
    series: str  # 'crime' or 'ASB'
    crime_type: str | None  # None: the whole series
    month: date
    count: int
    expected: float
    basis: str  # what the expected count is

    @property
    def ratio(self) -> float:
        return self.count / self.expected

    def describe(self) -> str:
        what = f"{self.series}" + (f" ({self.crime_type})" if self.crime_type else "")
        return (f"{self.month.strftime('%b %Y')}: {self.force} {what} {self.count:,}, "
                f"{self.ratio:.0%} of {self.expected:,.0f} expected from {self.basis}")

    def as_dict(self) -> dict:
        return {"force": self.force, "series": self.series, "crime_type": self.crime_type,
                "month": self.month.strftime("%Y-%m"), "count": self.count,
                "expected": round(self.expected, 1), "ratio": round(self.ratio, 3), "basis": self.basis,
                "test": SERIES_TEST}


SERIES_TEST = (f"below {SERIES_THRESHOLD:.0%} of the expected count (a crime type below "
               f"{CRIME_TYPE_THRESHOLD:.0%}) and too low for chance (Poisson, p < {SERIES_ALPHA}), both "
               "against the same month a year earlier where loaded (times the median change on the year "
               f"of the months around it) and against the median of up to {NEIGHBOURS} loaded months "
               "either side (the neighbours alone with no year earlier); judged per force, for crime and "
               "ASB separately and for each crime type")


def series_looks_incomplete(count: int, expected: float, threshold: float = SERIES_THRESHOLD,
                            alpha: float = SERIES_ALPHA) -> bool:
    """True when ``count`` is below ``threshold`` x ``expected`` and a Poisson count with mean
    ``expected`` would be this low with probability below ``alpha``.

    Examples:
        >>> series_looks_incomplete(760, 1000)  # 76%: far beyond chance at this size
        True
        >>> series_looks_incomplete(8, 12)  # 67%, but small counts vary that much
        False
    """
    from scipy.stats import poisson

    return expected > 0 and count < threshold * expected and float(poisson.cdf(count, expected)) < alpha


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _neighbours(month: date, counts: dict[date, int], loaded: list[date]) -> tuple[float, str] | None:
    """The median of the loaded months either side of ``month``."""
    where = loaded.index(month)
    around = loaded[max(0, where - NEIGHBOURS):where] + loaded[where + 1:where + 1 + NEIGHBOURS]
    if not around:
        return None
    names = ", ".join(m.strftime("%b %Y") for m in around)
    return float(statistics.median(counts.get(m, 0) for m in around)), f"the neighbouring months ({names})"


def _expected(month: date, counts: dict[date, int], loaded: list[date]) -> list[tuple[float, str]]:
    """What ``month`` is judged against: the same month a year earlier if loaded, scaled by the
    median change on the year of the loaded months around it (so a genuine trend is not taken
    for a gap), and the median of the loaded months either side; the neighbours alone when no
    year earlier is loaded. A month is short only when short against each."""
    where = loaded.index(month)
    around = loaded[max(0, where - NEIGHBOURS):where] + loaded[where + 1:where + 1 + NEIGHBOURS]
    ago = _add_months(month, -12)
    months = set(loaded)
    found = []
    if ago in months:
        ratios = [counts.get(m, 0) / counts[_add_months(m, -12)] for m in around
                  if _add_months(m, -12) in months and counts.get(_add_months(m, -12), 0) > 0]
        level = statistics.median(ratios) if ratios else 1.0
        basis = f"the same month a year earlier ({ago.strftime('%b %Y')})"
        if round(level, 2) != 1:
            basis += f" x {level:.2f}, the change on the year of the months around it"
        found.append((float(counts.get(ago, 0)) * level, basis))
    if (near := _neighbours(month, counts, loaded)) is not None:
        found.append(near)
    return found


def _by_month(rows: list[tuple[date, str, int]]) -> dict[date, int]:
    """(month, crime type, count) rows -> month -> their total."""
    totals: dict[date, int] = {}
    for month, _, n in rows:
        totals[month] = totals.get(month, 0) + n
    return totals


def series_coverage(con: duckdb.DuckDBPyConnection, area: Area, ward_vintage: str | None = None,
                    threshold: float = SERIES_THRESHOLD, alpha: float = SERIES_ALPHA) -> list[SeriesFlag]:
    """Every force x series x month (and force x crime type x month) of the area that looks
    incomplete (see :func:`series_looks_incomplete`), oldest first. Crime (every police.uk
    category but ASB) and ASB are judged apart, so a month whose crime is short is not hidden
    by its ASB; months missing altogether are :func:`coverage`'s gaps, not judged here."""
    query = counted(area_records(con, area, ward_vintage=ward_vintage), ["force", "month", "crime_type"])
    per_force: dict[str, list[tuple[date, str, int]]] = {}
    for force, month, crime_type, n in measure(con, "coverage: rows per force, month and crime type",
                                               query.sql, query.params):
        per_force.setdefault(force, []).append((month, crime_type, n))
    flags: list[SeriesFlag] = []
    for force, rows in per_force.items():
        loaded = sorted({month for month, _, _ in rows})
        for series, part in (("crime", [r for r in rows if r[1] != ASB_TYPE]),
                             ("ASB", [r for r in rows if r[1] == ASB_TYPE])):
            if not part:
                continue
            judged: list[tuple[str | None, dict[date, int]]] = [(None, _by_month(part))]
            if series == "crime":
                judged += [(t, _by_month([r for r in part if r[1] == t])) for t in sorted({r[1] for r in part})]
            for crime_type, counts in judged:
                for month in loaded:  # a series absent from a month the force supplied counts 0
                    found = _expected(month, counts, loaded)
                    share = threshold if crime_type is None else min(threshold, CRIME_TYPE_THRESHOLD)
                    count = counts.get(month, 0)
                    if found and all(series_looks_incomplete(count, e, share, alpha) for e, _ in found):
                        expected, basis = found[0]  # reported against the first reference
                        flags.append(SeriesFlag(force, series, crime_type, month, count, expected,
                                                basis + ("" if len(found) == 1 else f" and below {share:.0%} "
                                                         f"of {found[1][1]} ({found[1][0]:,.0f})")))
    return sorted(flags, key=lambda f: (f.month, f.force, f.series, f.crime_type or ""))


@dataclass(frozen=True)
class MonthCoverage:
    """One force and month for ``csphub coverage``: the rows supplied, whether the month is
    missing between the first and last loaded, and the per-series flags the assessment uses."""

    force: str
    month: date
    rows: int
    missing: bool
    flags: tuple[SeriesFlag, ...]

    @property
    def incomplete(self) -> bool:
        return self.missing or bool(self.flags)

    def as_dict(self) -> dict:
        why = ["no rows supplied"] if self.missing else [f.describe() for f in self.flags]
        return {"force": self.force, "month": self.month.strftime("%Y-%m"), "rows": self.rows,
                "missing": self.missing, "incomplete": self.incomplete, "why": "; ".join(why)}


def month_coverage(con: duckdb.DuckDBPyConnection, area: Area, ward_vintage: str | None = None,
                   threshold: float = SERIES_THRESHOLD) -> list[MonthCoverage]:
    """Each force's months (gaps included) judged by :func:`series_coverage`, the test the
    Strategic Assessment applies, so the command and the report never disagree on a month."""
    flags: dict[tuple[str, date], list[SeriesFlag]] = {}
    for flag in series_coverage(con, area, ward_vintage=ward_vintage, threshold=threshold):
        flags.setdefault((flag.force, flag.month), []).append(flag)
    return [MonthCoverage(r.force, r.month, r.rows, r.rows == 0, tuple(flags.get((r.force, r.month), ())))
            for r in coverage(con, area, ward_vintage=ward_vintage)]
