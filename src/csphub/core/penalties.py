"""The most a fixed penalty notice may be, as the law has set it on each date (one table, used by
casework's tools and powers and by the PSPO register's enforcement).

The law sets the cap; the partnership chooses an amount at or below it. The cap has changed and
will change, so it is a dated table, never a literal in code: the cap in force on the day of
the offence is the one that applies.

Sources:
- Anti-social Behaviour, Crime and Policing Act 2014, s52(6) (breach of a Community Protection
  Notice) and s68(6) (breach of a Public Spaces Protection Order): "must not be more than £100";
  Part 4 commenced on 20 October 2014 (SI 2014/2590).
- The Crime and Policing Bill (introduced 25 February 2025, clause 4) raises both caps to £500.
  Its commencement date was not known when this table was written. A partnership adds the new
  cap, dated the day the regulations bring it into force, with the setting
  ``CSPHUB_PENALTY_CAPS=pspo:YYYY-MM-DD:500,cpn:YYYY-MM-DD:500`` (docs/settings.md): offences
  before that day keep the GBP 100 cap, offences from it take the new one. When the date is
  known, add the row here too.

Examples:
    >>> from datetime import date
    >>> cap_on(PSPO, date(2025, 6, 1))
    100
    >>> cap_on(PSPO, date(2014, 10, 19)) is None   # before the power existed
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

PSPO = "pspo"  # breach of a Public Spaces Protection Order, ASBCPA 2014 s68
CPN = "cpn"    # breach of a Community Protection Notice, ASBCPA 2014 s52

KINDS: dict[str, str] = {
    PSPO: "breach of a Public Spaces Protection Order (2014 Act s68)",
    CPN: "breach of a Community Protection Notice (2014 Act s52)",
}


@dataclass(frozen=True)
class PenaltyCap:
    """From ``in_force_from`` (inclusive), a fixed penalty for ``kind`` may be at most ``maximum``."""

    kind: str
    in_force_from: date
    maximum: int
    source: str


PENALTY_CAPS: tuple[PenaltyCap, ...] = (
    PenaltyCap(PSPO, date(2014, 10, 20), 100, "ASBCPA 2014 s68(6); commenced 20 Oct 2014 (SI 2014/2590)"),
    PenaltyCap(CPN, date(2014, 10, 20), 100, "ASBCPA 2014 s52(6); commenced 20 Oct 2014 (SI 2014/2590)"),
    # Crime and Policing Bill 2025 cl. 4: GBP 500 for both, from a date still to be confirmed.
)


def cap_table() -> tuple[PenaltyCap, ...]:
    """The caps in law: the 2014 Act's and any the partnership has added with
    ``CSPHUB_PENALTY_CAPS`` since the law changed (read from the environment each time)."""
    from csphub.settings import load_settings

    added = tuple(PenaltyCap(kind, day, amount, f"CSPHUB_PENALTY_CAPS: from {day:%d %b %Y}")
                  for kind, day, amount in load_settings().penalty_caps)
    return PENALTY_CAPS + added


def cap_on(kind: str, offence_on: date, table: Sequence[PenaltyCap] | None = None) -> int | None:
    """The cap in force for ``kind`` on the day of the offence, or None if there was none yet.

    Examples:
        >>> rows = (PenaltyCap(PSPO, date(2014, 10, 20), 100, "s68"),
        ...         PenaltyCap(PSPO, date(2026, 1, 1), 500, "new law"))
        >>> cap_on(PSPO, date(2025, 12, 31), rows), cap_on(PSPO, date(2026, 1, 1), rows)
        (100, 500)
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown fixed penalty kind {kind!r}; expected one of {', '.join(KINDS)}")
    table = cap_table() if table is None else table
    found = [row for row in table if row.kind == kind and row.in_force_from <= offence_on]
    return max(found, key=lambda row: row.in_force_from).maximum if found else None


def cap_row_on(kind: str, offence_on: date, table: Sequence[PenaltyCap] | None = None) -> PenaltyCap | None:
    """The row of the table in force (to name its source in a refusal)."""
    table = cap_table() if table is None else table
    found = [row for row in table if row.kind == kind and row.in_force_from <= offence_on]
    return max(found, key=lambda row: row.in_force_from) if found else None


def highest_cap(kind: str, table: Sequence[PenaltyCap] | None = None) -> int:
    """The highest cap the table knows for ``kind`` (a partnership's chosen amount may not be more)."""
    table = cap_table() if table is None else table
    return max(row.maximum for row in table if row.kind == kind)


def amount_refusal(kind: str, amount: int, offence_on: date,
                   table: Sequence[PenaltyCap] | None = None) -> str | None:
    """Why ``amount`` may not be charged for an offence on ``offence_on``, or None if it may.

    Examples:
        >>> amount_refusal(PSPO, 100, date(2025, 6, 1)) is None
        True
        >>> print(amount_refusal(PSPO, 150, date(2025, 6, 1)))
        A fixed penalty for a breach of a Public Spaces Protection Order (2014 Act s68) may be at most GBP 100 for an offence on 01 June 2025 (ASBCPA 2014 s68(6); commenced 20 Oct 2014 (SI 2014/2590)); GBP 150 was entered.
    """
    if amount <= 0:
        return f"A fixed penalty is a whole number of pounds above 0; GBP {amount} was entered."
    row = cap_row_on(kind, offence_on, table)
    if row is None:
        return (f"There was no fixed penalty for a {KINDS[kind]} on {offence_on:%d %B %Y}: "
                "the power was not yet in force.")
    if amount > row.maximum:
        return (f"A fixed penalty for a {KINDS[kind]} may be at most GBP {row.maximum} for an offence on "
                f"{offence_on:%d %B %Y} ({row.source}); GBP {amount} was entered.")
    return None
