"""ASB Case Review deadlines in working days: Monday to Friday, less bank holidays.

Bank holidays for England ("ENG") or Wales ("WLS") come from the ``holidays`` package. The
partnership publishes its own service standards (by default: acknowledge an application within
5 working days, decide whether the threshold is met within 10, complete the review within 25);
every deadline is counted from the day the application was received.

Day 1 is the first working day after the start, so an application received on a Friday and
due "within 1 working day" is due on the Monday (the Tuesday if that Monday is a bank holiday).
A stage is overdue from the day after its deadline; on the deadline day itself it is still due.

Examples:
    >>> from datetime import date
    >>> deadlines(date(2025, 12, 22))["acknowledge_by"]  # over Christmas 2025
    datetime.date(2025, 12, 31)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import lru_cache

import holidays

from csphub.errors import ConfigurationError

NATIONS: dict[str, str] = {"ENG": "England", "WLS": "Wales"}


@lru_cache(maxsize=256)
def _bank_holidays(year: int, subdiv: str) -> frozenset[date]:
    return frozenset(holidays.UnitedKingdom(subdiv=subdiv, years=year))


def _check_subdiv(subdiv: str) -> None:
    if subdiv not in NATIONS:
        raise ConfigurationError(
            f"Bank holiday region {subdiv!r} is not supported; expected one of "
            + ", ".join(f"{code!r} ({name})" for code, name in NATIONS.items())
        )


def is_bank_holiday(d: date, subdiv: str = "ENG") -> bool:
    """True when ``d`` is a bank holiday in England ("ENG") or Wales ("WLS").

    Examples:
        >>> is_bank_holiday(date(2026, 4, 3))  # Good Friday
        True
    """
    _check_subdiv(subdiv)
    return d in _bank_holidays(d.year, subdiv)


def is_working_day(d: date, subdiv: str = "ENG") -> bool:
    """True on Monday to Friday unless it is a bank holiday.

    Examples:
        >>> is_working_day(date(2025, 12, 24))  # Wednesday, Christmas Eve
        True
        >>> is_working_day(date(2025, 12, 25))  # Thursday, Christmas Day
        False
        >>> is_working_day(date(2025, 12, 27))  # Saturday
        False
    """
    return d.weekday() < 5 and not is_bank_holiday(d, subdiv)


def add_working_days(start: date, n: int, subdiv: str = "ENG") -> date:
    """The ``n``-th working day after ``start`` (day 1 is the next working day; 0 is ``start``).

    Examples:
        >>> add_working_days(date(2026, 4, 2), 1)  # Thursday; Good Friday, Easter Monday skipped
        datetime.date(2026, 4, 7)
        >>> add_working_days(date(2026, 4, 4), 0)
        datetime.date(2026, 4, 4)
    """
    if n < 0:
        raise ValueError(f"Number of working days must be 0 or more, got {n}")
    _check_subdiv(subdiv)
    day = start
    for _ in range(n):
        day += timedelta(days=1)
        while not is_working_day(day, subdiv):
            day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date, subdiv: str = "ENG") -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier).

    The inverse of ``add_working_days``: working_days_between(s, add_working_days(s, n)) == n.

    Examples:
        >>> working_days_between(date(2025, 12, 22), date(2026, 1, 2))  # over Christmas
        6
        >>> working_days_between(date(2026, 1, 2), date(2026, 1, 2))
        0
    """
    if end < start:
        return -working_days_between(end, start, subdiv)
    _check_subdiv(subdiv)
    days = (end - start).days
    return sum(1 for i in range(1, days + 1) if is_working_day(start + timedelta(days=i), subdiv))


@dataclass(frozen=True)
class CaseReviewTimetable:
    """The partnership's published service standards, in working days from receipt."""

    acknowledge_working_days: int = 5
    decide_working_days: int = 10
    review_working_days: int = 25

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigurationError(
                    f"Case review timetable setting {f.name!r} is {value!r}; "
                    "expected a whole number of working days, at least 1"
                )
        if not (
            self.acknowledge_working_days <= self.decide_working_days <= self.review_working_days
        ):
            raise ConfigurationError(
                "Case review timetable is out of order: expected acknowledge_working_days <= "
                "decide_working_days <= review_working_days (all are counted from receipt), "
                f"got {self.acknowledge_working_days}, {self.decide_working_days}, "
                f"{self.review_working_days}"
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> CaseReviewTimetable:
        """Build from the partnership's settings; missing keys take the defaults (5, 10, 25).

        Examples:
            >>> CaseReviewTimetable.from_mapping({"review_working_days": 20}).review_working_days
            20
            >>> try:
            ...     CaseReviewTimetable.from_mapping({"acknowledge_days": 5})
            ... except ConfigurationError as error:
            ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
            Unknown case review timetable setting 'acknowledge_days'; expected one of
            acknowledge_working_days, decide_working_days, review_working_days
        """
        if not isinstance(values, Mapping):
            raise ConfigurationError(
                f"Case review timetable must be a mapping of names to values, got {values!r}"
            )
        known = [f.name for f in fields(cls)]
        for key in values:
            if key not in known:
                raise ConfigurationError(
                    f"Unknown case review timetable setting {key!r}; "
                    f"expected one of {', '.join(known)}"
                )
        return cls(**values)  # type: ignore[arg-type]


STAGES: tuple[tuple[str, str], ...] = (
    ("acknowledge_by", "acknowledge_working_days"),
    ("decide_by", "decide_working_days"),
    ("review_by", "review_working_days"),
)


def deadlines(
    received_on: date,
    timetable: CaseReviewTimetable = CaseReviewTimetable(),  # noqa: B008 - frozen, so safe
    *,
    subdiv: str = "ENG",
) -> dict[str, date]:
    """Each stage's deadline, counted in working days from the day the application arrived.

    Keys, in order: ``acknowledge_by``, ``decide_by``, ``review_by``.

    Examples:
        >>> for stage, due in deadlines(date(2026, 4, 1)).items():  # Wednesday before Easter
        ...     print(stage, due.strftime("%a %d %b %Y"))
        acknowledge_by Fri 10 Apr 2026
        decide_by Fri 17 Apr 2026
        review_by Mon 11 May 2026
    """
    return {
        stage: add_working_days(received_on, getattr(timetable, setting), subdiv)
        for stage, setting in STAGES
    }


def overdue(
    deadline_map: Mapping[str, date], done: Mapping[str, date | None], today: date
) -> list[str]:
    """Stages (keys of ``deadline_map``, in its order) past their deadline and not yet done.

    ``done`` maps a stage to the date it was done, or None; a missing stage is not done. A
    stage is overdue from the day after its deadline.

    Examples:
        >>> due = deadlines(date(2025, 12, 22))
        >>> overdue(due, {"acknowledge_by": date(2025, 12, 30)}, today=date(2026, 1, 9))
        ['decide_by']
    """
    return [
        stage
        for stage, deadline in deadline_map.items()
        if today > deadline and done.get(stage) is None
    ]
