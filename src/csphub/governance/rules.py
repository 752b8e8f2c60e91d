"""Governance rules as data and small pure functions (no database): the RAG rule for an action's
quarterly update, quarters, statutory deadlines and their reminders, and the anonymous outreach
attendee token.

Examples:
    >>> rag_for(RagInput(target=1000, achieved=500, starts_on=date(2024, 4, 1),
    ...                  due_on=date(2025, 3, 31), as_of=date(2024, 9, 30))).status
    'green'
    >>> quarter_of(date(2024, 11, 5)).label
    '2024/25 Q3'
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

GREEN, AMBER, RED = "green", "amber", "red"
RAG_ORDER = (RED, AMBER, GREEN)

# ---- RAG --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RagRule:
    """When an action's update turns amber or red on its own.

    A number target is measured against a straight line from nothing at the start date to the
    target at the due date ("the trajectory"): at or above ``green_from`` of where the line is
    by the quarter's end is green, at or above ``amber_from`` amber, below that red. Past the
    due date the target itself must be met, else red. A milestone is green until
    ``milestone_amber_days`` before its due date, amber in those days, red once overdue, green
    when met. A partnership wanting other thresholds passes its own rule to :func:`rag_for`.
    """

    green_from: Decimal = Decimal("1.0")
    amber_from: Decimal = Decimal("0.8")
    milestone_amber_days: int = 30


DEFAULT_RULE = RagRule()


@dataclass(frozen=True)
class RagInput:
    """One quarterly update of one action. ``target`` None means a milestone action;
    ``achieved`` is the value reported so far (cumulative), ``milestone_met`` for milestones."""

    target: Decimal | float | int | None
    achieved: Decimal | float | int | None
    starts_on: date | None
    due_on: date | None
    as_of: date
    milestone_met: bool = False


@dataclass(frozen=True)
class Rag:
    status: str
    reason: str


def expected_by(target: Decimal, starts_on: date | None, due_on: date | None, as_of: date) -> Decimal:
    """Where the trajectory is on ``as_of``: the target in proportion to the time gone.

    Examples:
        >>> expected_by(Decimal(1000), date(2024, 4, 1), date(2025, 4, 1), date(2024, 10, 1))
        Decimal('501')
        >>> expected_by(Decimal(1000), date(2024, 4, 1), date(2025, 4, 1), date(2026, 1, 1))
        Decimal('1000')
    """
    if starts_on is None or due_on is None or due_on <= starts_on:
        return target if due_on is None or as_of >= due_on else Decimal(0)
    gone = (as_of - starts_on).days / (due_on - starts_on).days
    share = Decimal(str(min(max(gone, 0.0), 1.0)))
    return (target * share).quantize(Decimal(1))


def rag_for(update: RagInput, rule: RagRule = DEFAULT_RULE) -> Rag:
    """The automatic RAG of an update, with the reason a reader is shown."""
    if update.target is None:
        return _milestone_rag(update, rule)
    target = Decimal(str(update.target))
    if update.achieved is None:
        return Rag(AMBER, "no figure reported this quarter")
    achieved = Decimal(str(update.achieved))
    if update.due_on is not None and update.as_of >= update.due_on:
        if achieved >= target:
            return Rag(GREEN, f"target met: {_n(achieved)} of {_n(target)}")
        return Rag(RED, f"due {update.due_on:%d %b %Y} and not met: {_n(achieved)} of {_n(target)}")
    expected = expected_by(target, update.starts_on, update.due_on, update.as_of)
    if expected <= 0 or achieved >= expected * rule.green_from:
        return Rag(GREEN, f"on track: {_n(achieved)} against {_n(expected)} expected by now (target {_n(target)})")
    if achieved >= expected * rule.amber_from:
        return Rag(AMBER, f"behind: {_n(achieved)} against {_n(expected)} expected by now (target {_n(target)})")
    return Rag(RED, f"off track: {_n(achieved)} against {_n(expected)} expected by now (target {_n(target)})")


def _milestone_rag(update: RagInput, rule: RagRule) -> Rag:
    if update.milestone_met:
        return Rag(GREEN, "milestone met")
    if update.due_on is None:
        return Rag(GREEN, "in progress (no due date)")
    days = (update.due_on - update.as_of).days
    if days < 0:
        return Rag(RED, f"milestone overdue since {update.due_on:%d %b %Y}")
    if days <= rule.milestone_amber_days:
        return Rag(AMBER, f"milestone due in {days} days ({update.due_on:%d %b %Y})")
    return Rag(GREEN, f"in progress, due {update.due_on:%d %b %Y}")


def _n(value: Decimal) -> str:
    return f"{value.normalize():,f}" if value != value.to_integral() else f"{int(value):,}"


def final_rag(automatic: str, override: str, reason: str) -> str:
    """The RAG shown: the lead's override when they gave one (with its reason), else the rule's.

    Examples:
        >>> final_rag("red", "amber", "grant delayed by the Home Office"), final_rag("red", "", "")
        ('amber', 'red')
    """
    if override:
        if not reason.strip():
            raise ValueError("an override of the RAG needs a reason")
        return override
    return automatic


# ---- Quarters (financial year: April to March) -----------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter: ``year`` is the year it starts in April (2024 = 2024/25)."""

    year: int
    number: int

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.number - 1)
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        nxt = self.next()
        return nxt.start - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.number}"

    def next(self) -> Quarter:
        return Quarter(self.year + (self.number == 4), self.number % 4 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2024/25 Q3', '2024-25 Q3' or '2024Q3' (the financial year starting April 2024).

        Examples:
            >>> Quarter.parse("2024/25 Q3").start, Quarter.parse("2024Q4").end
            (datetime.date(2024, 10, 1), datetime.date(2025, 3, 31))
        """
        found = re.fullmatch(r"\s*(\d{4})(?:[/-]\d{2})?\s*Q([1-4])\s*", text, re.IGNORECASE)
        if not found:
            raise ValueError(f"expected a quarter like '2024/25 Q3', got {text!r}")
        return cls(int(found.group(1)), int(found.group(2)))


def parse_day(text: str) -> date:
    """A day typed as DD/MM/YYYY or YYYY-MM-DD.

    Examples:
        >>> parse_day(" 30/09/2025"), parse_day("2025-09-30")
        (datetime.date(2025, 9, 30), datetime.date(2025, 9, 30))
    """
    typed = text.strip()
    for pattern in (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{1,2})/(\d{1,2})/(\d{4})"):
        found = re.fullmatch(pattern, typed)
        if found:
            a, b, c = (int(g) for g in found.groups())
            try:
                return date(a, b, c) if a > 31 else date(c, b, a)
            except ValueError:
                break
    raise ValueError(f"{typed!r} is not a real date as DD/MM/YYYY or YYYY-MM-DD")


def quarter_of(day: date) -> Quarter:
    year = day.year if day.month >= 4 else day.year - 1
    return Quarter(year, (day.month - 4) % 12 // 3 + 1)


def quarters_between(start: date, end: date) -> list[Quarter]:
    found, q = [], quarter_of(start)
    while q.start <= end:
        found.append(q)
        q = q.next()
    return found


# ---- Deadlines and reminders -----------------------------------------------------------------

#: How often a recurring calendar item comes round, in months (0: once).
RECURRENCE_MONTHS = {"once": 0, "monthly": 1, "quarterly": 3, "yearly": 12, "three_yearly": 36}


@dataclass(frozen=True)
class StatutoryDeadline:
    """A duty that falls due on a cycle, with where the duty comes from."""

    key: str
    title: str
    recurrence: str
    source: str
    remind_days: int = 28


#: The partnership's statutory and agreed cycles (docs/governance.md).
STATUTORY_DEADLINES: tuple[StatutoryDeadline, ...] = (
    StatutoryDeadline("strategic_assessment", "Strategic Assessment", "yearly",
                      "Crime and Disorder (Formulation and Implementation of Strategy) Regulations 2007, reg 5"),
    StatutoryDeadline("sv_needs_assessment", "Serious Violence strategic needs assessment refreshed", "yearly",
                      "Serious Violence Duty statutory guidance (2022): reviewed and refreshed every 12 months"),
    StatutoryDeadline("sv_strategy", "Serious Violence strategy reviewed", "yearly",
                      "Police, Crime, Sentencing and Courts Act 2022, s.7; statutory guidance"),
    StatutoryDeadline("cdp_jna_addendum", "Combating Drugs joint needs assessment: quarterly addendum", "quarterly",
                      "CDP decision (Jan 2023): a living document, an addendum for each meeting", 14),
    StatutoryDeadline("cdp_jna_review", "Combating Drugs joint needs assessment: 12-month review", "yearly",
                      "CDP decision (Jan 2023)"),
    StatutoryDeadline("cdp_jna_rewrite", "Combating Drugs joint needs assessment: rewrite", "three_yearly",
                      "CDP decision (Jan 2023): rewritten every three years", 90),
)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, the day clipped to the month's last (31 Jan + 1 = 28/29 Feb).

    Examples:
        >>> add_months(date(2024, 1, 31), 1), add_months(date(2024, 11, 30), 3)
        (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28))
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def next_due(due_on: date, recurrence: str, done_on: date | None) -> date | None:
    """When a recurring item next falls due once the one due ``due_on`` is done; None for a
    one-off (or one not yet done: it is still due ``due_on``)."""
    months = RECURRENCE_MONTHS[recurrence]
    if done_on is None or months == 0:
        return None
    return add_months(due_on, months)


@dataclass(frozen=True)
class DeadlineState:
    status: str  # "done", "overdue", "remind", "upcoming"
    days_left: int


def deadline_state(due_on: date, remind_days: int, today: date, done_on: date | None = None) -> DeadlineState:
    """Whether a calendar item is done, overdue (after its due day), in its reminder window
    (``remind_days`` or fewer days to go, including the day itself) or still upcoming.

    Examples:
        >>> deadline_state(date(2025, 3, 31), 28, date(2025, 3, 3)).status
        'remind'
        >>> deadline_state(date(2025, 3, 31), 28, date(2025, 3, 2)).status
        'upcoming'
        >>> deadline_state(date(2025, 3, 31), 28, date(2025, 4, 1)).status
        'overdue'
    """
    days = (due_on - today).days
    if done_on is not None:
        return DeadlineState("done", days)
    if days < 0:
        return DeadlineState("overdue", days)
    if days <= remind_days:
        return DeadlineState("remind", days)
    return DeadlineState("upcoming", days)


# ---- Anonymous outreach ------------------------------------------------------------------------

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9]{4,20}")


def attendee_token_digest(token: str, secret: str) -> str:
    """What is stored for an attendee's own token (a word or number she chose): a keyed hash,
    so the token itself is never kept and cannot be searched for elsewhere. Case and spaces do
    not matter ("Robin 7" = "robin7"). ValueError for a token that is not 4-20 letters/digits.

    Examples:
        >>> attendee_token_digest("Robin 7", "k") == attendee_token_digest("robin7", "k")
        True
        >>> len(attendee_token_digest("robin7", "k"))
        64
    """
    cleaned = re.sub(r"\s+", "", token).lower()
    if not TOKEN_PATTERN.fullmatch(cleaned):
        raise ValueError("a token is 4 to 20 letters or digits chosen by the attendee (no names)")
    return hmac.new(secret.encode(), b"csphub-outreach:" + cleaned.encode(), hashlib.sha256).hexdigest()


def unique_and_repeat(sessions_tokens: list[set[str]]) -> tuple[int, int]:
    """Unique attendees and those who came to more than one session, from each session's tokens.

    Examples:
        >>> unique_and_repeat([{"a", "b"}, {"b", "c"}, {"b"}])
        (3, 1)
    """
    seen: dict[str, int] = {}
    for tokens in sessions_tokens:
        for t in tokens:
            seen[t] = seen.get(t, 0) + 1
    return len(seen), sum(1 for n in seen.values() if n > 1)


def parse_counts(text: str, what: str = "count") -> dict[str, int]:
    """'adults: 120' lines (or 'adults=120', comma separated) as {label: count}; ValueError
    naming the line that is not a label and a whole number.

    Examples:
        >>> parse_counts("Adults: 120\\nYoung people: 45")
        {'Adults': 120, 'Young people': 45}
    """
    found: dict[str, int] = {}
    for number, line in enumerate(re.split(r"[\n,;]", text), start=1):
        if not line.strip():
            continue
        m = re.fullmatch(r"\s*(.+?)\s*[:=]\s*(\d+)\s*%?\s*", line)
        if not m:
            raise ValueError(f"line {number} ({line.strip()!r}): expected 'label: {what}', a whole number")
        found[m.group(1)] = found.get(m.group(1), 0) + int(m.group(2))
    return found


# ---- Periods of papers --------------------------------------------------------------------------


def period_of(first_month: str, last_month: str) -> tuple[date, date]:
    """'2025-04', '2025-09' -> 1 April 2025 .. 30 September 2025; ValueError naming the value."""
    def month(text: str) -> date:
        try:
            year, number = (int(p) for p in text.strip().split("-"))
            return date(year, number, 1)
        except ValueError as e:
            raise ValueError(f"expected a month as YYYY-MM, got {text!r}") from e

    start, last = month(first_month), month(last_month)
    if last < start:
        raise ValueError(f"the period ends ({last_month}) before it starts ({first_month})")
    end = add_months(last, 1) - timedelta(days=1)
    return start, end
