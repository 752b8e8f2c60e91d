"""Casework rules as data plus small pure functions (no database, no Django).

The tools and powers of the Anti-social Behaviour, Crime and Policing Act 2014, victim risk
scoring, repeat flags and retention. Views and the API call these through casework.services;
a refused action returns the rule it broke and why, in words an officer can act on.

Examples:
    >>> from datetime import date
    >>> refusals = check_intervention(
    ...     InterventionRequest(kind=CPN, issued_on=date(2026, 5, 1), person_id=1,
    ...                         date_of_birth=date(2000, 1, 1), conduct="Loud music late at night"),
    ...     earlier=[],
    ... )
    >>> refusals[0].rule
    'cpn_needs_prior_written_warning'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from csphub.core import penalties
from csphub.dates import add_months

# Kinds of intervention (the tools and powers), as stored on Intervention.kind.
CPW = "cpw"
CPN = "cpn"
CPN_FIXED_PENALTY = "cpn_fpn"
ABC = "abc"
CIVIL_INJUNCTION = "civil_injunction"
CLOSURE_NOTICE = "closure_notice"
CLOSURE_ORDER = "closure_order"
PSPO_FIXED_PENALTY = "pspo_fpn"
S59_WARNING = "s59_warning"
CBO = "cbo"

INTERVENTION_KINDS: dict[str, str] = {
    CPW: "Community Protection Warning",
    CPN: "Community Protection Notice",
    CPN_FIXED_PENALTY: "Fixed penalty notice (breach of a Community Protection Notice)",
    ABC: "Acceptable Behaviour Contract",
    CIVIL_INJUNCTION: "Civil injunction",
    CLOSURE_NOTICE: "Closure notice",
    CLOSURE_ORDER: "Closure order",
    PSPO_FIXED_PENALTY: "Fixed penalty notice (breach of a Public Spaces Protection Order)",
    S59_WARNING: "Section 59 warning (vehicle used anti-socially)",
    CBO: "Criminal Behaviour Order",
}

# Kinds counted as "warnings", "notices", "contracts" and "penalties" in casework statistics.
STATISTIC_GROUPS: dict[str, tuple[str, ...]] = {
    "warnings": (CPW, S59_WARNING),
    "notices": (CPN, CLOSURE_NOTICE),
    "contracts": (ABC,),
    "penalties": (CPN_FIXED_PENALTY, PSPO_FIXED_PENALTY),
    "orders": (CIVIL_INJUNCTION, CLOSURE_ORDER, CBO),
}


@dataclass(frozen=True)
class ToolsAndPowersConfig:
    """What the partnership (within the law) sets: penalty amounts and minimum ages."""

    cpn_fixed_penalty_amount: int = 100  # s52(6): at most GBP 100
    pspo_fixed_penalty_amount: int = 100  # s68(6): at most GBP 100
    community_protection_min_age: int = 16  # s43(1) and s53: 16 or over
    civil_injunction_min_age: int = 10  # s1(1): 10 or over
    cbo_min_age: int = 10
    s59_valid_months: int = 12  # Police Reform Act 2002 s59: a warning lasts 12 months
    closure_notice_max_hours: int = 48  # s77: 24 hours, extendable to 48
    closure_order_max_months: int = 3  # s80(5): up to 3 months (extendable to 6 in total)
    fixed_penalty_payment_days: int = 14  # ss52(2), 68(2): no proceedings within 14 days of the notice
    # The lesser amount a notice may offer is payable this many days after it (the notice states it).
    fixed_penalty_early_payment_days: int = penalties.EARLY_PAYMENT_DAYS

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> ToolsAndPowersConfig:
        """Build from settings; an unknown key or a non-integer value is an error."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"Unknown tools-and-powers setting(s) {unknown}; expected {sorted(known)}")
        for key, value in values.items():
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"Tools-and-powers setting {key!r} must be a whole number >= 0, got {value!r}")
        config = cls(**values)  # type: ignore[arg-type]
        if config.fixed_penalty_payment_days < penalties.PAYMENT_DAYS_IN_LAW:
            raise ValueError(f"A fixed penalty gives at least {penalties.PAYMENT_DAYS_IN_LAW} days to pay "
                             f"(2014 Act ss52(2), 68(2)); fixed_penalty_payment_days is "
                             f"{config.fixed_penalty_payment_days}")
        if not 1 <= config.fixed_penalty_early_payment_days <= config.fixed_penalty_payment_days:
            raise ValueError(f"fixed_penalty_early_payment_days is {config.fixed_penalty_early_payment_days}; "
                             f"expected 1 to fixed_penalty_payment_days ({config.fixed_penalty_payment_days})")
        # The cap is a dated table (csphub.core.penalties); the cap on the offence date is checked
        # again when a penalty is issued.
        if (config.cpn_fixed_penalty_amount > penalties.highest_cap(penalties.CPN)
                or config.pspo_fixed_penalty_amount > penalties.highest_cap(penalties.PSPO)):
            raise ValueError(f"Fixed penalty amounts may not exceed GBP {penalties.highest_cap(penalties.PSPO)} "
                             "(2014 Act ss52, 68; csphub.core.penalties)")
        return config


@dataclass(frozen=True)
class InterventionRequest:
    """What an officer asks to issue. ``person_id`` is None for a premises (closure powers)."""

    kind: str
    issued_on: date
    conduct: str = ""
    person_id: int | None = None
    date_of_birth: date | None = None
    written: bool = True
    expires_on: date | None = None
    amount: int | None = None
    premises: str = ""
    relies_on: int | None = None  # id of the earlier intervention this one follows
    comply_by: date | None = None  # a CPW: the last day of the time it gives to comply
    offence_on: date | None = None  # a fixed penalty: the day of the offence (default: issued_on)
    early_payment_amount: int | None = None  # a fixed penalty: the lesser amount the notice offers


@dataclass(frozen=True)
class EarlierIntervention:
    """An intervention already on record, as the rules need to see it."""

    id: int
    kind: str
    issued_on: date
    conduct: str = ""
    person_id: int | None = None
    written: bool = True
    premises: str = ""
    expires_on: date | None = None
    comply_by: date | None = None  # a CPW: the last day of the time it gave to comply


@dataclass(frozen=True)
class Refusal:
    """A rule an intervention breaks: a stable ``rule`` name and a sentence saying why."""

    rule: str
    message: str
    field: str = ""


def same_conduct(a: str, b: str) -> bool:
    """Conduct matches when the words match, ignoring case, spacing and punctuation."""

    def words(text: str) -> tuple[str, ...]:
        return tuple("".join(c if c.isalnum() else " " for c in text.casefold()).split())

    return bool(words(a)) and words(a) == words(b)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on ``day``.

    Examples:
        >>> age_on(date(2010, 6, 1), date(2026, 5, 31)), age_on(date(2010, 6, 1), date(2026, 6, 1))
        (15, 16)
    """
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def _min_age(request: InterventionRequest, minimum: int, rule: str, what: str) -> list[Refusal]:
    if request.date_of_birth is None:
        return [Refusal(rule, f"{what} needs the person's date of birth to check they are {minimum} "
                              "or over; record it first.", "date_of_birth")]
    age = age_on(request.date_of_birth, request.issued_on)
    if age < minimum:
        return [Refusal(rule, f"{what} may only be issued to a person aged {minimum} or over; "
                              f"this person is {age} on {request.issued_on:%d %B %Y}.", "person")]
    return []


def _needs_person(request: InterventionRequest) -> list[Refusal]:
    if request.person_id is None:
        name = INTERVENTION_KINDS[request.kind]
        return [Refusal("needs_person", f"A {name} is issued to a person: choose who.", "person")]
    return []


def _needs_conduct(request: InterventionRequest) -> list[Refusal]:
    if not request.conduct.strip():
        return [Refusal("needs_conduct", "Describe the conduct the intervention is about.", "conduct")]
    return []


def _prior_written_warning(request: InterventionRequest, earlier: Sequence[EarlierIntervention]) -> list[Refusal]:
    """s43(5): a CPN needs an earlier written warning to the same person for the same conduct,
    and the time the warning gave to comply must have passed (s43(5)(b): "has had enough time")."""
    matching = [
        e for e in earlier
        if e.kind == CPW and e.written and e.person_id == request.person_id
        and e.issued_on < request.issued_on and same_conduct(e.conduct, request.conduct)
    ]
    if request.relies_on is not None:
        matching = [e for e in matching if e.id == request.relies_on]
    if matching:
        return _time_to_comply_passed(request, matching)
    others = [e for e in earlier if e.kind == CPW and e.person_id == request.person_id]
    detail = ""
    if others:
        detail = " Warnings on record for this person: " + "; ".join(
            f"{e.issued_on:%d %b %Y} {'written' if e.written else 'verbal'} about '{e.conduct}'"
            for e in others
        ) + "."
    return [Refusal(
        "cpn_needs_prior_written_warning",
        "A Community Protection Notice needs an earlier written Community Protection Warning to "
        "the same person for the same conduct (ASB, Crime and Policing Act 2014, s43(5))." + detail,
        "conduct",
    )]


def warning_relied_on(request: InterventionRequest, earlier: Iterable[EarlierIntervention]) -> int | None:
    """The id of the warning a notice (allowed by the rules) follows: the one it names, else the
    latest written warning to the same person for the same conduct whose time to comply has passed."""
    if request.relies_on is not None:
        return request.relies_on
    fits = [e for e in earlier if e.kind == CPW and e.written and e.person_id == request.person_id
            and e.issued_on < request.issued_on and same_conduct(e.conduct, request.conduct)
            and (e.comply_by is None or e.comply_by < request.issued_on)]
    return max(fits, key=lambda e: (e.issued_on, e.id)).id if fits else None


def _time_to_comply_passed(request: InterventionRequest, warnings: Sequence[EarlierIntervention]) -> list[Refusal]:
    """A CPN may be issued from the day after a warning's time to comply ends.

    Examples:
        >>> w = EarlierIntervention(1, CPW, date(2026, 3, 1), "Loud music", 7, comply_by=date(2026, 3, 15))
        >>> [r.rule for r in _time_to_comply_passed(InterventionRequest(CPN, date(2026, 3, 15)), [w])]
        ['cpn_before_time_to_comply']
        >>> _time_to_comply_passed(InterventionRequest(CPN, date(2026, 3, 16)), [w])
        []
    """
    # A warning that named no time to comply: any later day will do (s43(5) asks for "enough time").
    if any(e.comply_by is None or e.comply_by < request.issued_on for e in warnings):
        return []
    last = min(e.comply_by for e in warnings if e.comply_by is not None)
    return [Refusal(
        "cpn_before_time_to_comply",
        f"The warning of {warnings[0].issued_on:%d %B %Y} gave until {last:%d %B %Y} to comply: a Community "
        f"Protection Notice may be issued from {last + timedelta(days=1):%d %B %Y} if the conduct has "
        "continued (2014 Act s43(5)).",
        "issued_on",
    )]


def _comply_by(request: InterventionRequest) -> list[Refusal]:
    if request.comply_by is not None and request.comply_by < request.issued_on:
        return [Refusal("comply_by_before_issue", f"The time to comply must end on or after the day the warning "
                        f"is issued ({request.issued_on:%d %B %Y}).", "comply_by")]
    return []


def _offence_date(request: InterventionRequest) -> list[Refusal]:
    """A fixed penalty is for an offence on or before the day it is issued, and within the six months
    in which the offence could still be prosecuted (MCA 1980 s127)."""
    offence_on = request.offence_on or request.issued_on
    if offence_on > request.issued_on:
        return [Refusal("offence_after_penalty", "The offence must be on or before the day the fixed penalty "
                        f"is issued ({request.issued_on:%d %B %Y}).", "offence_on")]
    last = penalties.prosecution_by(offence_on)
    if request.issued_on > last:
        return [Refusal("fixed_penalty_out_of_time", f"The offence of {offence_on:%d %B %Y} can no longer be "
                        f"prosecuted (six months ended on {last:%d %B %Y}, Magistrates' Courts Act 1980 s127), "
                        "so a fixed penalty cannot be offered for it.", "offence_on")]
    return []


def _fixed_penalty_needs_cpn(request: InterventionRequest, earlier: Sequence[EarlierIntervention]) -> list[Refusal]:
    if any(e.kind == CPN and e.person_id == request.person_id and e.issued_on <= request.issued_on for e in earlier):
        return []
    return [Refusal("fixed_penalty_needs_cpn", "A fixed penalty for breaching a Community Protection "
                    "Notice needs a notice issued to the same person first (s52).", "person")]


def _amount(request: InterventionRequest, configured: int, kind: str = "") -> list[Refusal]:
    if request.amount is not None and kind:
        over = penalties.amount_refusal(kind, request.amount, request.issued_on)
        if over:
            return [Refusal("fixed_penalty_amount", over, "amount")]
    if request.amount is not None and request.amount != configured:
        return [Refusal("fixed_penalty_amount", f"The partnership's fixed penalty is GBP {configured}; "
                        f"GBP {request.amount} was entered.", "amount")]
    return []


def _closure_notice(request: InterventionRequest, config: ToolsAndPowersConfig) -> list[Refusal]:
    refusals = []
    if not request.premises.strip():
        refusals.append(Refusal("closure_needs_premises", "A closure notice is for premises: give the address.", "premises"))
    if request.expires_on is not None:
        limit = request.issued_on + timedelta(hours=config.closure_notice_max_hours)
        if request.expires_on > limit:
            refusals.append(Refusal("closure_notice_too_long", f"A closure notice lasts at most "
                                    f"{config.closure_notice_max_hours} hours (s77): it must end by {limit:%d %B %Y}.", "expires_on"))
    return refusals


def _closure_order(request: InterventionRequest, earlier: Sequence[EarlierIntervention], config: ToolsAndPowersConfig) -> list[Refusal]:
    refusals = []
    notices = [e for e in earlier if e.kind == CLOSURE_NOTICE and same_conduct(e.premises, request.premises)
               and e.issued_on <= request.issued_on]
    if not notices:
        refusals.append(Refusal("closure_order_needs_notice", "A closure order follows a closure notice on "
                                "the same premises (s80): issue the notice first.", "premises"))
    if request.expires_on is not None and request.expires_on > add_months(request.issued_on, config.closure_order_max_months):
        refusals.append(Refusal("closure_order_too_long", f"A closure order lasts at most "
                                f"{config.closure_order_max_months} months (s82 allows extension by the court).", "expires_on"))
    return refusals


def check_intervention(
    request: InterventionRequest,
    earlier: Iterable[EarlierIntervention],
    config: ToolsAndPowersConfig | None = None,
) -> list[Refusal]:
    """Every rule ``request`` breaks, given the interventions already on record. Empty = allowed."""
    config = config or ToolsAndPowersConfig()
    history = list(earlier)
    kind = request.kind
    if kind not in INTERVENTION_KINDS:
        return [Refusal("unknown_kind", f"Unknown intervention {kind!r}; expected one of "
                        f"{', '.join(INTERVENTION_KINDS)}.", "kind")]
    if kind in (CLOSURE_NOTICE, CLOSURE_ORDER):
        if kind == CLOSURE_NOTICE:
            return _closure_notice(request, config)
        return _closure_order(request, history, config)
    refusals = _needs_person(request)
    if refusals:
        return refusals
    if kind in (CPW, CPN):
        refusals += _needs_conduct(request)
        refusals += _min_age(request, config.community_protection_min_age, "community_protection_min_age",
                             INTERVENTION_KINDS[kind])
        if kind == CPN:
            refusals += _prior_written_warning(request, history)
        else:
            refusals += _comply_by(request)
    elif kind == CPN_FIXED_PENALTY:
        refusals += _min_age(request, config.community_protection_min_age, "community_protection_min_age",
                             "A fixed penalty notice")
        refusals += _fixed_penalty_needs_cpn(request, history)
        refusals += _amount(request, config.cpn_fixed_penalty_amount, penalties.CPN)
        refusals += _offence_date(request)
    elif kind == PSPO_FIXED_PENALTY:
        refusals += _amount(request, config.pspo_fixed_penalty_amount, penalties.PSPO)
        refusals += _offence_date(request)
    elif kind == CIVIL_INJUNCTION:
        refusals += _min_age(request, config.civil_injunction_min_age, "civil_injunction_min_age", "A civil injunction")
    elif kind == CBO:
        refusals += _min_age(request, config.cbo_min_age, "cbo_min_age", "A Criminal Behaviour Order")
    return refusals + _early_payment(request, config)


def _early_payment(request: InterventionRequest, config: ToolsAndPowersConfig) -> list[Refusal]:
    """A fixed penalty notice may offer a lesser amount if paid early; it is less than the full one."""
    early = request.early_payment_amount
    if early is None:
        return []
    if request.kind not in FIXED_PENALTIES:
        return [Refusal("early_payment_amount", "Only a fixed penalty notice offers an early-payment amount.",
                        "early_payment_amount")]
    full = request.amount if request.amount is not None else default_amount(request.kind, config)
    if full is None or not 0 < early < full:
        return [Refusal("early_payment_amount", f"An early-payment amount is less than the full penalty "
                        f"(GBP {full}); GBP {early} was entered.", "early_payment_amount")]
    return []


def default_expiry(kind: str, issued_on: date, config: ToolsAndPowersConfig | None = None) -> date | None:
    """When an intervention lapses if the officer gives no date (s59 warnings: 12 months).

    Examples:
        >>> default_expiry(S59_WARNING, date(2026, 3, 1))
        datetime.date(2027, 3, 1)
    """
    config = config or ToolsAndPowersConfig()
    if kind == S59_WARNING:
        return add_months(issued_on, config.s59_valid_months)
    if kind == CLOSURE_NOTICE:
        return issued_on + timedelta(hours=config.closure_notice_max_hours)
    if kind == CLOSURE_ORDER:
        return add_months(issued_on, config.closure_order_max_months)
    return None


FIXED_PENALTIES = (CPN_FIXED_PENALTY, PSPO_FIXED_PENALTY)


def payment_due_on(kind: str, issued_on: date, config: ToolsAndPowersConfig | None = None) -> date | None:
    """The day a fixed penalty is due by (None for other kinds).

    Examples:
        >>> payment_due_on(CPN_FIXED_PENALTY, date(2026, 1, 1)), payment_due_on(CPW, date(2026, 1, 1))
        (datetime.date(2026, 1, 15), None)
    """
    config = config or ToolsAndPowersConfig()
    if kind not in FIXED_PENALTIES:
        return None
    return penalties.payment_due_on(issued_on, config.fixed_penalty_payment_days)


def default_amount(kind: str, config: ToolsAndPowersConfig | None = None) -> int | None:
    config = config or ToolsAndPowersConfig()
    return {CPN_FIXED_PENALTY: config.cpn_fixed_penalty_amount,
            PSPO_FIXED_PENALTY: config.pspo_fixed_penalty_amount}.get(kind)


def is_in_force(kind: str, issued_on: date, expires_on: date | None, on: date) -> bool:
    """Whether an intervention is in force on a day (e.g. is a s59 warning still valid?)."""
    return issued_on <= on and (expires_on is None or on <= expires_on)


# ---- Victim risk assessment -------------------------------------------------------------

@dataclass(frozen=True)
class RiskQuestion:
    key: str
    text: str
    weight: int


# Modelled on the ASB victim risk assessment matrices used by English police forces and
# councils: yes answers score their weight; 'high' if the total reaches 20 or any question
# marked as a trigger is answered yes.
RISK_QUESTIONS: tuple[RiskQuestion, ...] = (
    RiskQuestion("repeat", "Has the victim reported ASB three or more times in the last year?", 4),
    RiskQuestion("targeted", "Does the victim feel personally targeted?", 3),
    RiskQuestion("hate", "Is the victim targeted because of race, religion, disability, sexuality or gender identity?", 5),
    RiskQuestion("fear", "Is the victim afraid to leave or stay in their home?", 4),
    RiskQuestion("health", "Is the ASB affecting the victim's physical or mental health?", 3),
    RiskQuestion("vulnerable", "Does the victim have a disability, long-term illness or other vulnerability?", 3),
    RiskQuestion("isolated", "Is the victim isolated, with little support from family or friends?", 2),
    RiskQuestion("children", "Are children in the household affected?", 2),
    RiskQuestion("violence", "Has there been violence, threats of violence or damage to the home?", 5),
    RiskQuestion("escalating", "Is the behaviour getting worse or more frequent?", 3),
    RiskQuestion("self_harm", "Has the victim mentioned thoughts of self-harm or suicide?", 8),
    RiskQuestion("moving", "Is the victim thinking of moving home because of the ASB?", 2),
)
RISK_TRIGGERS = frozenset({"self_harm"})
RISK_MEDIUM_FROM = 10
RISK_HIGH_FROM = 20

STANDARD, MEDIUM, HIGH = "standard", "medium", "high"


@dataclass(frozen=True)
class RiskResult:
    score: int
    level: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    unanswered: tuple[str, ...] = field(default_factory=tuple, compare=False)  # keys of questions not answered


def score_risk(answers: Mapping[str, bool | None]) -> RiskResult:
    """Score a victim risk assessment: standard (< 10), medium (10-19) or high (20+, or a trigger).

    A question left out, or answered None, is "not answered": it scores nothing but is listed in
    ``unanswered``, never taken for a "no" (the officer is told the score may be low).

    Examples:
        >>> score_risk({"repeat": True, "fear": True, "health": True}).level
        'medium'
        >>> score_risk({"self_harm": True}).level
        'high'
        >>> len(score_risk({"repeat": True, "fear": False}).unanswered)
        10
    """
    unknown = set(answers) - {q.key for q in RISK_QUESTIONS}
    if unknown:
        raise ValueError(f"Unknown risk question(s): {sorted(unknown)}")
    score = sum(q.weight for q in RISK_QUESTIONS if answers.get(q.key))
    reasons = tuple(q.text for q in RISK_QUESTIONS if answers.get(q.key))
    triggered = any(answers.get(k) for k in RISK_TRIGGERS)
    if score >= RISK_HIGH_FROM or triggered:
        level = HIGH
    elif score >= RISK_MEDIUM_FROM:
        level = MEDIUM
    else:
        level = STANDARD
    unanswered = tuple(q.key for q in RISK_QUESTIONS if answers.get(q.key) is None)
    return RiskResult(score, level, reasons, unanswered)


# ---- Repeat flags --------------------------------------------------------------------------

@dataclass(frozen=True)
class RepeatRule:
    """Repeat = at least ``threshold`` incidents within ``window_days`` (default 3 in 365 days)."""

    threshold: int = 3
    window_days: int = 365


def is_repeat(incident_dates: Iterable[date], as_of: date, rule: RepeatRule | None = None) -> bool:
    """True when at least ``threshold`` incidents fall in the window ending on ``as_of``.

    Examples:
        >>> d = [date(2026, 1, 5), date(2026, 4, 1), date(2026, 9, 30)]
        >>> is_repeat(d, date(2026, 10, 1)), is_repeat(d, date(2027, 2, 1))
        (True, False)
    """
    rule = rule or RepeatRule()
    start = as_of - timedelta(days=rule.window_days - 1)
    return sum(1 for d in incident_dates if start <= d <= as_of) >= rule.threshold


# ---- Retention ----------------------------------------------------------------------------

def retention_due(closed_on: date | None, today: date, retain_years: int) -> bool:
    """A closed case is anonymised ``retain_years`` after it closed; open cases never are.

    Examples:
        >>> retention_due(date(2020, 3, 31), date(2026, 3, 31), 6), retention_due(None, date(2030, 1, 1), 6)
        (True, False)
    """
    if closed_on is None:
        return False
    return add_months(closed_on, 12 * retain_years) <= today


# ---- Dates a person enters (issue 12, item 9) ------------------------------------------------
# What has happened cannot be dated in the future, and a report cannot come before what it
# reports. Each check returns the Refusals it finds (empty = fine), on the field to correct.

def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def not_in_future(value: date | datetime | None, now: date | datetime, what: str, field_name: str) -> list[Refusal]:
    """Refused when ``value`` (a date, or a date and time) is after ``now``.

    Examples:
        >>> not_in_future(date(2026, 5, 2), date(2026, 5, 1), "An incident", "occurred_at")[0].message
        'An incident cannot be in the future: 02 May 2026 is after today (01 May 2026).'
        >>> not_in_future(date(2026, 5, 1), date(2026, 5, 1), "A visit", "visited_on")
        []
    """
    if value is None:
        return []
    if isinstance(value, datetime) and isinstance(now, datetime):
        if value > now:
            return [Refusal("date_in_future", f"{what} cannot be in the future: {value:%d %B %Y %H:%M} is after "
                            f"now ({now:%d %B %Y %H:%M}).", field_name)]
        return []
    if _day(value) > _day(now):
        return [Refusal("date_in_future", f"{what} cannot be in the future: {_day(value):%d %B %Y} is after today "
                        f"({_day(now):%d %B %Y}).", field_name)]
    return []


def not_before(value: date | datetime | None, earlier: date | datetime | None, what: str, earlier_what: str,
               field_name: str, rule: str = "date_before_what_it_follows") -> list[Refusal]:
    """Refused when ``value`` is on a day before ``earlier`` (the same day is fine).

    Examples:
        >>> not_before(date(2026, 3, 1), date(2026, 3, 2), "The complaint", "the behaviour it reports",
        ...            "reported_on")[0].message
        'The complaint (01 March 2026) cannot be before the behaviour it reports (02 March 2026).'
    """
    if value is None or earlier is None or _day(value) >= _day(earlier):
        return []
    return [Refusal(rule, f"{what} ({_day(value):%d %B %Y}) cannot be before {earlier_what} "
                    f"({_day(earlier):%d %B %Y}).", field_name)]


def check_incident_dates(occurred_at: datetime, reported_on: date, now: datetime) -> list[Refusal]:
    """An incident happened in the past, and was reported on or after the day it happened."""
    return [*not_in_future(occurred_at, now, "An incident", "occurred_at"),
            *not_in_future(reported_on, now, "The date reported", "reported_on"),
            *not_before(reported_on, occurred_at, "The report", "the incident it reports", "reported_on",
                        "report_before_incident")]
