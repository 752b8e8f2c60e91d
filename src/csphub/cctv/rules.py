"""The CCTV estate's rules, as data and small pure functions (no database, no Django).

- The six-month rule (the partnership's own: "if a camera reports zero activity for a period of
  6 months the camera's placement will be reviewed"): :func:`zero_activity_run`.
- A camera faulty for more than N days is flagged: :func:`faulty_too_long`.
- Mean time to repair per quarter: :func:`mean_days_to_repair`.
- The SEG decides ("no single Officer, Member ... will decide"): :func:`check_decision`.
- Quarters: :func:`quarter_bounds` ("2025Q3" is July to September 2025).
- Uptime of the control room's monitoring: :func:`uptime_percent`.
- The 12 guiding principles of the Surveillance Camera Code of Practice: :data:`CODE_PRINCIPLES`.

Examples:
    >>> quarter_bounds("2025Q3")
    (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    >>> m = [MonthActivity(date(2025, n, 1), 0) for n in range(1, 7)]
    >>> zero_activity_run(m, CctvRules()).due
    True
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from csphub.errors import RuleRefused


@dataclass(frozen=True)
class CctvRules:
    """The partnership's settings for its estate (Django setting ``CSPHUB_CCTV_RULES``).

    - ``zero_activity_months``: consecutive months of zero activity that open a placement review
      (the seed's 6).
    - ``faulty_month_days``: a month in which the camera was faulty on at least this many days
      is a *faulty month*: its zero says nothing about the camera's placement, so it breaks the
      run (the run starts again after it).
    - ``fault_flag_days``: a fault open for more than this many days is flagged.
    - ``review_radius_m``: the radius for crime and ASB counts around a camera (metres).
    - ``before_after_months``: months each side of a camera's installation, like for like.
    """

    zero_activity_months: int = 6
    faulty_month_days: int = 15
    fault_flag_days: int = 28
    review_radius_m: int = 200
    before_after_months: int = 12

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> CctvRules:
        known = set(cls.__dataclass_fields__)
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"CSPHUB_CCTV_RULES: unknown keys {sorted(unknown)}; known: {sorted(known)}")
        rules = cls(**{k: int(v) for k, v in values.items()})
        for name in known:
            if getattr(rules, name) < 1:
                raise ValueError(f"CSPHUB_CCTV_RULES[{name!r}] must be 1 or more")
        return rules


# ---- Months and quarters -------------------------------------------------------------------

QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


def quarter_bounds(text: str) -> tuple[date, date]:
    """'2025Q3' (or '2025-Q3') -> first and last day of that calendar quarter (Jul-Sep 2025).

    Examples:
        >>> quarter_bounds("2026q1")
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    """
    m = QUARTER.match(text or "")
    if not m:
        raise ValueError(f"expected a quarter like 2025Q3 (calendar quarters: Q1 is January to March), got {text!r}")
    year, q = int(m.group(1)), int(m.group(2))
    start = date(year, 3 * q - 2, 1)
    end_month = 3 * q
    return start, date(year, end_month, calendar.monthrange(year, end_month)[1])


def quarter_of(day: date) -> str:
    """The calendar quarter a day falls in, e.g. '2025Q3'."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """First days of each month from ``first``'s month to ``last``'s, inclusive."""
    out, current = [], month_start(first)
    while current <= last:
        out.append(current)
        current = add_months(current, 1)
    return out


# ---- Faults -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FaultSpan:
    opened_on: date
    closed_on: date | None = None


def fault_days_in(spans: Iterable[FaultSpan], start: date, end: date, today: date) -> int:
    """Days from ``start`` to ``end`` inclusive on which at least one fault was open (an open
    fault counts up to ``today``; a fault closed on a day counts that day as faulty)."""
    days: set[date] = set()
    for span in spans:
        first = max(span.opened_on, start)
        last = min(span.closed_on or today, end)
        while first <= last:
            days.add(first)
            first += timedelta(days=1)
    return len(days)


def days_open(span: FaultSpan, today: date) -> int:
    return ((span.closed_on or today) - span.opened_on).days


def faulty_too_long(span: FaultSpan, today: date, rules: CctvRules) -> bool:
    """An open fault older than ``rules.fault_flag_days`` days (a closed one is never flagged).

    Examples:
        >>> faulty_too_long(FaultSpan(date(2025, 1, 1)), date(2025, 1, 29), CctvRules())
        False
        >>> faulty_too_long(FaultSpan(date(2025, 1, 1)), date(2025, 1, 30), CctvRules())
        True
    """
    return span.closed_on is None and days_open(span, today) > rules.fault_flag_days


def mean_days_to_repair(spans: Iterable[FaultSpan]) -> float | None:
    """Mean days from report to repair of the closed faults given; None when none closed."""
    closed = [(s.closed_on - s.opened_on).days for s in spans if s.closed_on is not None]
    return round(sum(closed) / len(closed), 1) if closed else None


# ---- The six-month rule ------------------------------------------------------------------------

@dataclass(frozen=True)
class MonthActivity:
    """One camera's month in the control room's report: its total activity (incidents captured,
    footage requests, evidential uses, arrests assisted) and the days it was faulty."""

    month: date
    total: int
    faulty_days: int = 0


@dataclass(frozen=True)
class ZeroRun:
    due: bool
    months: int                       # length of the run of zero months ending at the last month
    first: date | None = None
    last: date | None = None
    reason: str = ""
    broken_by: list[str] = field(default_factory=list)


def zero_activity_run(months: Sequence[MonthActivity], rules: CctvRules, *, since: date | None = None) -> ZeroRun:
    """Whether a camera's reports end with ``rules.zero_activity_months`` consecutive months of
    zero activity (a placement review is then due).

    The run counts back from the latest month reported. It stops at a month with activity, at a
    faulty month (faulty on ``rules.faulty_month_days`` days or more), at a month missing from the
    reports (no report is not zero activity), and at ``since`` (e.g. the last SEG decision on the
    camera: a camera the SEG kept starts counting afresh from the month after).

    Examples:
        >>> zero = [MonthActivity(date(2025, n, 1), 0) for n in range(1, 6)]
        >>> zero_activity_run(zero, CctvRules()).months, zero_activity_run(zero, CctvRules()).due
        (5, False)
    """
    ordered = sorted(months, key=lambda m: m.month)
    if since is not None:
        ordered = [m for m in ordered if m.month > month_start(since)]
    run: list[MonthActivity] = []
    broken: list[str] = []
    for m in reversed(ordered):
        if run and add_months(m.month, 1) != run[-1].month:
            broken.append(f"no report for the month before {run[-1].month:%B %Y}")
            break
        if m.faulty_days >= rules.faulty_month_days:
            broken.append(f"{m.month:%B %Y}: faulty on {m.faulty_days} days")
            break
        if m.total > 0:
            broken.append(f"{m.month:%B %Y}: activity {m.total}")
            break
        run.append(m)
    if not run:
        return ZeroRun(False, 0, reason="the latest month reported had activity, a fault, or no report",
                       broken_by=broken)
    first, last = run[-1].month, run[0].month
    due = len(run) >= rules.zero_activity_months
    span = f"{first:%B %Y} to {last:%B %Y}" if first != last else f"{first:%B %Y}"
    reason = (f"zero activity for {len(run)} consecutive months ({span}); the rule is "
              f"{rules.zero_activity_months}")
    return ZeroRun(due, len(run), first, last, reason, broken)


def total_activity(incidents: int, police_requests: int, other_requests: int, evidential: int, arrests: int) -> int:
    return incidents + police_requests + other_requests + evidential + arrests


# ---- Decisions ---------------------------------------------------------------------------------

#: What the SEG may decide, by kind of review.
DECISIONS: dict[str, tuple[str, ...]] = {
    "placement": ("keep", "relocate", "make_permanent", "decommission"),
    "new_camera": ("install", "decline"),
}


@dataclass(frozen=True)
class DecisionFacts:
    kind: str                      # 'placement' or 'new_camera'
    decision: str
    meeting_reference: str = ""    # the SEG meeting the decision was taken at
    meeting_held_on: date | None = None
    decided_on: date | None = None
    has_recommendation: bool = False
    rationale: str = ""
    camera_permanent: bool = True
    dpia_signed_off: bool = False
    already_decided: bool = False


def check_decision(facts: DecisionFacts) -> None:
    """Refuse a decision the partnership's process does not allow (RuleRefused naming the rule).

    - ``seg_meeting_required``: only the SEG decides; a decision names the SEG meeting it was
      taken at ("no single Officer, Member or Government Official will decide").
    - ``decision_before_meeting``: a decision cannot be dated before the meeting.
    - ``recommendation_required``: the lead officer's recommendation, on documented evidence,
      goes to the SEG first.
    - ``rationale_required``: Ward Members are told the decision *and the rationale*.
    - ``decision_not_allowed``: keep/relocate/make permanent/decommission for a placement
      review; install/decline for a new-camera request; make permanent only a temporary camera.
    - ``dpia_required``: a camera is installed only with a signed-off privacy impact assessment.
    """
    problems: list[tuple[str, str, str]] = []
    if facts.already_decided:
        problems.append(("already_decided", "The SEG's decision on this review is already recorded.", "decision"))
    if not facts.meeting_reference.strip():
        problems.append(("seg_meeting_required", "A decision is the SEG's: name the SEG meeting it was taken at "
                         "(no single officer or member decides the location or removal of a camera).", "meeting"))
    elif facts.meeting_held_on and facts.decided_on and facts.decided_on < facts.meeting_held_on:
        problems.append(("decision_before_meeting", f"The decision cannot be dated before the SEG meeting "
                         f"({facts.meeting_held_on:%d %B %Y}).", "decided_on"))
    if not facts.has_recommendation:
        problems.append(("recommendation_required", "Record the lead officer's recommendation, with its evidence, "
                         "before the SEG's decision.", "decision"))
    if not facts.rationale.strip():
        problems.append(("rationale_required", "Give the rationale: Ward Members are told the decision and why.",
                         "rationale"))
    allowed = DECISIONS.get(facts.kind, ())
    if facts.decision not in allowed:
        problems.append(("decision_not_allowed", f"A {facts.kind.replace('_', ' ')} review can be decided: "
                         f"{', '.join(d.replace('_', ' ') for d in allowed)}.", "decision"))
    elif facts.decision == "make_permanent" and facts.camera_permanent:
        problems.append(("decision_not_allowed", "The camera is already permanent.", "decision"))
    if facts.decision == "install" and not facts.dpia_signed_off:
        problems.append(("dpia_required", "A new camera is installed only with a signed-off privacy impact "
                         "assessment (DPIA).", "decision"))
    if problems:
        first, *others = problems
        raise RuleRefused(*first, others=tuple(others))


def check_status_change(old: str, new: str, *, seg_decided_decommission: bool) -> None:
    """A camera leaves service (decommissioned or removed) only on the SEG's decision; the lead
    cannot do it by editing the register.

    Examples:
        >>> check_status_change("working", "faulty", seg_decided_decommission=False)
        >>> check_status_change("working", "removed", seg_decided_decommission=True)
    """
    leaving = ("decommissioned", "removed")
    if new in leaving and old not in leaving and not seg_decided_decommission:
        raise RuleRefused("seg_decision_required", "A camera is decommissioned or removed only on the SEG's decision: "
                          "open a placement review and record the SEG's decision.", "status")


# ---- Monitoring ---------------------------------------------------------------------------------

def uptime_percent(hours_monitored: float, downtime_hours: float) -> float | None:
    """Share of the hours that were monitored (100.0 = no downtime); None without figures.

    Examples:
        >>> uptime_percent(744, 0)
        100.0
        >>> uptime_percent(720, 7.2)
        99.0
    """
    if hours_monitored <= 0:
        return None
    return round(100 * (hours_monitored - downtime_hours) / hours_monitored, 2)


# ---- DPIA and the Surveillance Camera Code ------------------------------------------------------

#: The Surveillance Camera Code of Practice's 12 guiding principles (Home Office, 2013, amended
#: 2021), in short, for the self-assessment.
CODE_PRINCIPLES: tuple[str, ...] = (
    "Used for a specified purpose, in pursuit of a legitimate aim and necessary to meet an identified pressing need.",
    "Takes into account its effect on individuals and their privacy, with regular reviews that its use remains justified.",
    "As much transparency as possible, including a published contact point for access to information and complaints.",
    "Clear responsibility and accountability for all its activities, including the images and information collected, held and used.",
    "Clear rules, policies and procedures in place before use, communicated to all who need to comply with them.",
    "No more images and information stored than strictly required for the stated purpose; deleted once that purpose is discharged.",
    "Access to retained images restricted, with clearly defined rules on who may have access and why; disclosure only when necessary.",
    "Operators consider approved operational, technical and competency standards and work to meet and maintain them.",
    "Images and information subject to appropriate security measures against unauthorised access and use.",
    "Effective review and audit mechanisms that legal requirements, policies and standards are met in practice; regular published reports.",
    "Used in the most effective way to support public safety and law enforcement, processing images of evidential value.",
    "Any information compared against a reference database for matching (e.g. ANPR, facial recognition) is accurate and up to date.",
)
RAG = ("red", "amber", "green")


def code_assessment_problems(principles: Mapping[str, Mapping[str, str]]) -> list[tuple[str, str]]:
    """(principle number, what is missing) for a self-assessment: each of the 12 principles
    needs a RAG rating and the evidence for it."""
    problems = []
    for number in range(1, len(CODE_PRINCIPLES) + 1):
        entry = principles.get(str(number)) or {}
        if entry.get("rag") not in RAG:
            problems.append((str(number), "a RAG rating (red, amber or green)"))
        if not str(entry.get("evidence", "")).strip():
            problems.append((str(number), "the evidence for the rating"))
    return problems


def code_rag_counts(principles: Mapping[str, Mapping[str, str]]) -> dict[str, int]:
    counts = dict.fromkeys(RAG, 0)
    for entry in principles.values():
        if entry.get("rag") in counts:
            counts[entry["rag"]] += 1
    return counts


#: The sections of the DPIA (after the ICO's DPIA template and the Surveillance Camera
#: Commissioner's DPIA for surveillance cameras), each required before sign-off.
DPIA_SECTIONS: tuple[tuple[str, str], ...] = (
    ("pressing_need", "The pressing need: the problem, with its evidence"),
    ("purpose", "The purpose of the camera and what it will be used for"),
    ("lawful_basis", "The lawful basis (e.g. DPA 2018 Part 3 law enforcement; UK GDPR Article 6(1)(e))"),
    ("data_captured", "What is captured: area covered, times, audio, privacy masking, ANPR"),
    ("alternatives", "Less intrusive alternatives considered and why they are not enough"),
    ("sharing", "Who images are shared with and how (e.g. police footage requests)"),
    ("retention", "How long images are kept, and how they are deleted"),
    ("risks", "Risks to individuals' privacy, their likelihood and severity, and the measures to reduce them"),
    ("consultation", "Who was consulted (Ward Members, residents, police, DPO)"),
    ("conclusion", "The conclusion: residual risk, and whether the camera is justified"),
)


def dpia_missing(sections: Mapping[str, str]) -> list[str]:
    """The DPIA sections still empty (all must be filled before the DPO signs it off)."""
    return [label for key, label in DPIA_SECTIONS if not str(sections.get(key, "")).strip()]
