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

from csphub.settings import ACT_2014_CAP

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
    PenaltyCap(PSPO, date(2014, 10, 20), ACT_2014_CAP, "ASBCPA 2014 s68(6); commenced 20 Oct 2014 (SI 2014/2590)"),
    PenaltyCap(CPN, date(2014, 10, 20), ACT_2014_CAP, "ASBCPA 2014 s52(6); commenced 20 Oct 2014 (SI 2014/2590)"),
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


# ---- Paying a fixed penalty, and what follows if it is not paid ---------------------------------
#
# 2014 Act ss52(2), 68(2): no proceedings for the offence may be taken "before the end of the period
# of 14 days following the date of the notice": the penalty is due by the 14th day after issue (a
# partnership may allow longer, never less: CSPHUB_PENALTY_PAYMENT_DAYS). Unpaid, the person may be
# prosecuted for the original offence, a summary offence: Magistrates' Courts Act 1980 s127(1), the
# information must be laid "within six months from the time when the offence was committed".

PAYMENT_DAYS_IN_LAW = 14  # ss52(2), 68(2): the least time to pay
PROSECUTION_MONTHS = 6    # Magistrates' Courts Act 1980 s127(1)


@dataclass(frozen=True)
class ProsecutionTimeLimit:
    """For an offence committed on or after ``in_force_from``, the information must be laid within
    ``months`` of the offence (a summary offence: breach of a CPN, s48, or of a PSPO, s67)."""

    in_force_from: date
    months: int
    source: str


# A dated table, as the caps are: the limit that applies is the one in force on the offence date.
# The Magistrates' Courts Act 1980 came into force on 6 July 1981 (SI 1981/457); its six months
# carried over the Magistrates' Courts Act 1952 s104. Should a future Act set a longer limit for
# these offences, add its row, dated from its commencement.
PROSECUTION_TIME_LIMITS: tuple[ProsecutionTimeLimit, ...] = (
    ProsecutionTimeLimit(date(1981, 7, 6), PROSECUTION_MONTHS,
                         "Magistrates' Courts Act 1980 s127(1): within six months from the offence"),
)


def prosecution_limit_on(offence_on: date,
                         table: Sequence[ProsecutionTimeLimit] = PROSECUTION_TIME_LIMITS) -> ProsecutionTimeLimit:
    """The time limit in force for an offence on ``offence_on`` (the earliest row before the table).

    Examples:
        >>> prosecution_limit_on(date(2026, 1, 15)).months
        6
    """
    found = [row for row in table if row.in_force_from <= offence_on]
    return max(found, key=lambda row: row.in_force_from) if found else min(table, key=lambda row: row.in_force_from)

UNPAID, PAID, WITHDRAWN = "unpaid", "paid", "withdrawn"
PAYMENT_STATUSES: dict[str, str] = {UNPAID: "Unpaid", PAID: "Paid", WITHDRAWN: "Withdrawn"}


def payment_due_on(issued_on: date, days: int = PAYMENT_DAYS_IN_LAW) -> date:
    """The last day to pay a fixed penalty issued on ``issued_on``.

    Examples:
        >>> payment_due_on(date(2026, 1, 1))
        datetime.date(2026, 1, 15)
        >>> payment_due_on(date(2026, 1, 1), 28)
        datetime.date(2026, 1, 29)
    """
    if days < PAYMENT_DAYS_IN_LAW:
        raise ValueError(f"A fixed penalty gives at least {PAYMENT_DAYS_IN_LAW} days to pay (2014 Act ss52(2), "
                         f"68(2)); {days} was set")
    return date.fromordinal(issued_on.toordinal() + days)


#: Days after the notice within which the lesser amount a notice may offer is accepted (the
#: partnership's notices state the period; CSPHUB_PENALTY_EARLY_PAYMENT_DAYS, at most the days to pay).
EARLY_PAYMENT_DAYS = 10


def early_payment_by(issued_on: date, days: int = EARLY_PAYMENT_DAYS, pay_within_days: int = PAYMENT_DAYS_IN_LAW) -> date:
    """The last day on which the early-payment amount a notice offers may be paid: ``days`` after
    the notice, counted as the due date is, and never after the due date.

    Examples:
        >>> early_payment_by(date(2026, 1, 1))
        datetime.date(2026, 1, 11)
    """
    if not 1 <= days <= pay_within_days:
        raise ValueError(f"The early-payment period is 1 to {pay_within_days} days (the days to pay); {days} was set")
    return date.fromordinal(issued_on.toordinal() + days)


def paid_amount_refusal(*, paid_amount: int | None, amount: int | None, early_amount: int | None,
                        paid_on: date, early_by: date | None) -> str | None:
    """Why ``paid_amount`` paid on ``paid_on`` does not settle the penalty, or None if it does: the
    full amount settles it on any day; the early-payment amount only up to ``early_by``.

    Examples:
        >>> print(paid_amount_refusal(paid_amount=75, amount=100, early_amount=75, paid_on=date(2026, 1, 11),
        ...                           early_by=date(2026, 1, 11)))
        None
        >>> print(paid_amount_refusal(paid_amount=75, amount=100, early_amount=75, paid_on=date(2026, 1, 12),
        ...                           early_by=date(2026, 1, 11)))
        The early-payment amount (GBP 75) was payable up to 11 January 2026; paid on 12 January 2026, the full penalty (GBP 100) is due.
    """
    if paid_amount is not None and paid_amount == amount:
        return None
    if early_amount is not None and paid_amount == early_amount:
        if early_by is not None and paid_on > early_by:
            return (f"The early-payment amount (GBP {early_amount}) was payable up to {early_by.day} "
                    f"{early_by:%B %Y}; paid on {paid_on.day} {paid_on:%B %Y}, the full penalty (GBP {amount}) is due.")
        return None
    offered = f" or the early-payment amount (GBP {early_amount})" if early_amount is not None else ""
    return f"The amount paid is the full penalty (GBP {amount}){offered}; GBP {paid_amount} was entered."


def prosecution_by(offence_on: date, table: Sequence[ProsecutionTimeLimit] = PROSECUTION_TIME_LIMITS) -> date:
    """The last day to lay the information for the offence (six months to the day, MCA 1980 s127;
    the 31st of a month ends on the last day of a shorter month), by the limit in force on the
    offence date.

    Examples:
        >>> prosecution_by(date(2026, 1, 15)), prosecution_by(date(2026, 8, 31))
        (datetime.date(2026, 7, 15), datetime.date(2027, 2, 28))
    """
    from csphub.dates import add_months

    return add_months(offence_on, prosecution_limit_on(offence_on, table).months)


@dataclass(frozen=True)
class PenaltyState:
    """Where a fixed penalty stands on a day: ``state`` is one of ``paid``, ``withdrawn``,
    ``awaiting_payment``, ``overdue`` (unpaid after its due date, still time to prosecute) or
    ``out_of_time`` (unpaid, and six months from the offence have passed)."""

    state: str
    due_on: date
    prosecute_by: date
    settled_on: date | None = None
    days_overdue: int = 0  # unpaid: days since the due date (0 until it has passed)

    @property
    def needs_action(self) -> bool:
        return self.state == "overdue"

    @property
    def summary(self) -> str:
        due, by = f"{self.due_on.day} {self.due_on:%B %Y}", f"{self.prosecute_by.day} {self.prosecute_by:%B %Y}"
        settled = f" on {self.settled_on.day} {self.settled_on:%B %Y}" if self.settled_on else ""
        return {
            "paid": f"Paid{settled}",
            "withdrawn": f"Withdrawn{settled}",
            "awaiting_payment": f"Due by {due}; if unpaid, prosecution must be laid by {by}",
            "overdue": f"Unpaid since {due}: prosecution must be laid by {by}",
            "out_of_time": f"Unpaid: the time to prosecute ended on {by} (Magistrates' Courts Act 1980 s127)",
        }[self.state]


def penalty_state(*, offence_on: date, due_on: date, status: str, settled_on: date | None, today: date) -> PenaltyState:
    """The state of a fixed penalty on ``today``.

    Examples:
        >>> s = penalty_state(offence_on=date(2026, 1, 1), due_on=date(2026, 1, 15), status=UNPAID,
        ...                   settled_on=None, today=date(2026, 1, 16))
        >>> s.state, s.summary
        ('overdue', 'Unpaid since 15 January 2026: prosecution must be laid by 1 July 2026')
    """
    if status not in PAYMENT_STATUSES:
        raise ValueError(f"Unknown payment status {status!r}; expected one of {', '.join(PAYMENT_STATUSES)}")
    by = prosecution_by(offence_on)
    if status in (PAID, WITHDRAWN):
        return PenaltyState(status, due_on, by, settled_on)
    if today <= due_on:
        return PenaltyState("awaiting_payment", due_on, by)
    late = (today - due_on).days
    return PenaltyState("overdue" if today <= by else "out_of_time", due_on, by, days_overdue=late)
