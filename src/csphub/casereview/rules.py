"""Has an ASB Case Review (the "Community Trigger") been triggered? Plain Python, no database.

Under the Anti-social Behaviour, Crime and Policing Act 2014 s104 each partnership publishes a
threshold. By default a review is triggered when someone has complained about anti-social
behaviour three times within six months, each complaint made within one month of the behaviour
it reports. A partnership may set a lower threshold, such as one complaint about a hate
incident. Complaints count whichever relevant body (council, police, housing provider)
received them.

Boundaries are inclusive, as an officer counting on a calendar would count them:

- a complaint reported exactly one month after the behaviour qualifies (behaviour 1 Feb,
  reported 1 Mar); one reported a day later does not;
- a third complaint reported exactly six months after the first still falls in the window
  (5 Jan, then 5 Jul); one reported on 6 Jul does not.

Months are calendar months, clamped to the end of a shorter month: 31 Jan + 1 month is
28 Feb (29 Feb in a leap year).

Examples:
    >>> from datetime import date
    >>> complaints = [
    ...     Complaint(date(2026, 1, 5), behaviour_on=date(2026, 1, 3), agency="police"),
    ...     Complaint(date(2026, 3, 10), behaviour_on=date(2026, 3, 9), agency="council"),
    ...     Complaint(date(2026, 5, 30), behaviour_on=date(2026, 5, 28), agency="housing"),
    ... ]
    >>> case_review_threshold_met(complaints).reason
    'Threshold met: 3 qualifying complaints between 2026-01-05 and 2026-05-30, within 6 months.'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date

from csphub.casework.rules import Refusal, not_before, not_in_future
from csphub.dates import add_months
from csphub.errors import ConfigurationError


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


def _complaints(n: int, what: str = "qualifying complaint") -> str:
    return f"1 {what}" if n == 1 else f"{n} {what}s"


@dataclass(frozen=True)
class ThresholdRule:
    """The partnership's published ASB Case Review threshold.

    ``hate_complaints_required`` is the lower threshold for complaints about hate incidents
    (for example 1); None means the partnership has no hate variant.
    """

    complaints_required: int = 3
    window_months: int = 6
    report_within_months: int = 1
    hate_complaints_required: int | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            _check_whole_number(f.name, getattr(self, f.name), optional=f.name.startswith("hate"))
        hate = self.hate_complaints_required
        if hate is not None and hate > self.complaints_required:
            raise ConfigurationError(
                f"Case review setting 'hate_complaints_required' is {hate}; expected at most "
                f"complaints_required ({self.complaints_required}), since it is a lower "
                "threshold for hate incidents"
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> ThresholdRule:
        """Build from the partnership's settings; missing keys take the statutory defaults.

        Examples:
            >>> ThresholdRule.from_mapping({"hate_complaints_required": 1}).complaints_required
            3
            >>> try:
            ...     ThresholdRule.from_mapping({"window_months": "six"})
            ... except ConfigurationError as error:
            ...     print(error)
            Case review setting 'window_months' is 'six'; expected a whole number of at least 1
        """
        _check_keys(cls, values)
        return cls(**values)  # type: ignore[arg-type]


def _check_keys(cls: type, values: Mapping[str, object]) -> None:
    if not isinstance(values, Mapping):
        raise ConfigurationError(
            f"Case review settings must be a mapping of names to values, got {values!r}"
        )
    known = sorted(f.name for f in fields(cls))
    for key in values:
        if key not in known:
            raise ConfigurationError(
                f"Unknown case review setting {key!r}; expected one of {', '.join(known)}"
            )


def _check_whole_number(name: str, value: object, *, optional: bool = False) -> None:
    """Raise ConfigurationError unless ``value`` is a whole number of at least 1."""
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        expected = "a whole number of at least 1" + (" or None" if optional else "")
        raise ConfigurationError(f"Case review setting {name!r} is {value!r}; expected {expected}")


@dataclass(frozen=True)
class Complaint:
    """One complaint about anti-social behaviour, to any relevant body."""

    reported_on: date
    behaviour_on: date
    agency: str
    is_hate: bool = False
    reference: str = ""


@dataclass(frozen=True)
class ThresholdDecision:
    """Whether the threshold is met, which complaints made it, and why, in plain English.

    ``qualifying`` holds the complaints that made the threshold (the earliest that did), or,
    when it is not met, the longest run of qualifying complaints found in one window.
    ``excluded`` pairs each complaint that does not count with the reason it does not.
    """

    met: bool
    qualifying: tuple[Complaint, ...]
    excluded: tuple[tuple[Complaint, str], ...]
    reason: str
    hate_variant: bool


def exclusion_reason(complaint: Complaint, rule: ThresholdRule, as_of: date | None = None) -> str:
    """Why a complaint does not count towards the threshold; "" when it does.

    Examples:
        >>> late = Complaint(reported_on=date(2026, 3, 20), behaviour_on=date(2026, 2, 1),
        ...                  agency="council")
        >>> exclusion_reason(late, ThresholdRule())
        'reported 2026-03-20, more than 1 month after the behaviour on 2026-02-01'
    """
    reported, behaviour = complaint.reported_on, complaint.behaviour_on
    if as_of is not None and reported > as_of:
        return f"reported {reported}, after the date of this decision ({as_of})"
    if reported < behaviour:
        return (
            f"reported {reported}, before the behaviour it reports on {behaviour}; check the dates"
        )
    if reported > add_months(behaviour, rule.report_within_months):
        return (
            f"reported {reported}, more than {_months(rule.report_within_months)} "
            f"after the behaviour on {behaviour}"
        )
    return ""


def _in_report_order(complaints: Iterable[Complaint]) -> list[Complaint]:
    return sorted(
        complaints,
        key=lambda c: (c.reported_on, c.behaviour_on, c.agency, c.reference, c.is_hate),
    )


def _earliest_run(
    ordered: Sequence[Complaint], required: int, window_months: int
) -> tuple[Complaint, ...] | None:
    """The first ``required`` complaints of the earliest window holding that many, or None."""
    for start in range(len(ordered) - required + 1):
        last = ordered[start + required - 1]
        if last.reported_on <= add_months(ordered[start].reported_on, window_months):
            return tuple(ordered[start : start + required])
    return None


def _longest_run(ordered: Sequence[Complaint], window_months: int) -> tuple[Complaint, ...]:
    """The most complaints any one window holds (the earliest such window)."""
    best: tuple[Complaint, ...] = ()
    for start, first in enumerate(ordered):
        end = add_months(first.reported_on, window_months)
        run = tuple(c for c in ordered[start:] if c.reported_on <= end)
        if len(run) > len(best):
            best = run
    return best


def _span(run: Sequence[Complaint], rule: ThresholdRule) -> str:
    first, last = run[0].reported_on, run[-1].reported_on
    if len(run) == 1:
        return f"on {first}"
    return f"between {first} and {last}, within {_months(rule.window_months)}"


def _met_reason(run: Sequence[Complaint], rule: ThresholdRule, hate: bool) -> str:
    if hate:
        what = _complaints(len(run), "qualifying hate complaint")
        return (
            f"Threshold met (hate incident): {what} {_span(run, rule)}; "
            f"the partnership's threshold for hate incidents is {rule.hate_complaints_required}."
        )
    return f"Threshold met: {_complaints(len(run))} {_span(run, rule)}."


def _not_met_reason(most: int, most_hate: int, rule: ThresholdRule) -> str:
    window = f"{rule.window_months}-month window"
    if most == 0:
        general = f"Threshold not met: no qualifying complaints; {rule.complaints_required} needed"
    else:
        general = (
            f"Threshold not met: at most {_complaints(most)} in any {window}; "
            f"{rule.complaints_required} needed"
        )
    if rule.hate_complaints_required is None:
        return general + "."
    found = "none found" if most_hate == 0 else f"at most {most_hate} in any window"
    return f"{general}, or {rule.hate_complaints_required} about hate incidents ({found})."


def case_review_threshold_met(
    complaints: Iterable[Complaint],
    rule: ThresholdRule = ThresholdRule(),  # noqa: B008 - frozen, so a safe default
    *,
    as_of: date | None = None,
) -> ThresholdDecision:
    """Decide whether a person's complaints meet the ASB Case Review threshold.

    A complaint qualifies when it is reported within ``report_within_months`` of the behaviour
    (inclusive) and, when ``as_of`` is given, on or before ``as_of``. The threshold is met
    when one window of ``window_months`` calendar months, starting on a qualifying complaint's
    report date (inclusive at both ends), holds ``complaints_required`` qualifying complaints,
    or ``hate_complaints_required`` qualifying hate complaints when the rule has a hate
    variant. The earliest such window is chosen; when both the general and the hate threshold
    are met, the one met first counts, the general one on a tie. The order of ``complaints``
    does not matter.

    Examples:
        >>> two = [
        ...     Complaint(reported_on=date(2026, 1, 5), behaviour_on=date(2026, 1, 3),
        ...               agency="police"),
        ...     Complaint(reported_on=date(2026, 2, 9), behaviour_on=date(2026, 2, 8),
        ...               agency="council", is_hate=True),
        ... ]
        >>> case_review_threshold_met(two).reason
        'Threshold not met: at most 2 qualifying complaints in any 6-month window; 3 needed.'
        >>> decision = case_review_threshold_met(two, ThresholdRule(hate_complaints_required=1))
        >>> decision.met, decision.hate_variant
        (True, True)
    """
    counted: list[Complaint] = []
    excluded: list[tuple[Complaint, str]] = []
    for complaint in _in_report_order(complaints):
        why = exclusion_reason(complaint, rule, as_of)
        if why:
            excluded.append((complaint, why))
        else:
            counted.append(complaint)

    general = _earliest_run(counted, rule.complaints_required, rule.window_months)
    hate_only = [c for c in counted if c.is_hate]
    hate = None
    if rule.hate_complaints_required is not None:
        hate = _earliest_run(hate_only, rule.hate_complaints_required, rule.window_months)

    if hate is not None and (general is None or hate[-1].reported_on < general[-1].reported_on):
        return ThresholdDecision(True, hate, tuple(excluded), _met_reason(hate, rule, True), True)
    if general is not None:
        return ThresholdDecision(
            True, general, tuple(excluded), _met_reason(general, rule, False), False
        )
    best = _longest_run(counted, rule.window_months)
    most_hate = len(_longest_run(hate_only, rule.window_months))
    reason = _not_met_reason(len(best), most_hate, rule)
    return ThresholdDecision(False, best, tuple(excluded), reason, False)


def victims_to_notify(
    complaints_by_person: Mapping[str, Sequence[Complaint]],
    rule: ThresholdRule = ThresholdRule(),  # noqa: B008 - frozen, so a safe default
    *,
    as_of: date | None = None,
) -> list[str]:
    """Ids (sorted) of the people whose own complaints already meet the threshold.

    An officer should tell each of them about their right to ask for an ASB Case Review:
    victims' groups report that most people who qualify never hear of it.

    Examples:
        >>> def c(month: int) -> Complaint:
        ...     return Complaint(reported_on=date(2026, month, 10),
        ...                      behaviour_on=date(2026, month, 9), agency="police")
        >>> victims_to_notify({"V2": [c(1), c(2), c(3)], "V1": [c(1)]})
        ['V2']
    """
    return sorted(
        person
        for person, complaints in complaints_by_person.items()
        if case_review_threshold_met(complaints, rule, as_of=as_of).met
    )


# ---- Dates a person enters (issue 12, item 9) ------------------------------------------------

def check_complaint_dates(reported_on: date, behaviour_on: date, today: date) -> list[Refusal]:
    """A complaint reports behaviour that happened on or before the day it was made, and
    neither is in the future.

    Examples:
        >>> [r.rule for r in check_complaint_dates(date(2026, 3, 1), date(2026, 3, 4), date(2026, 4, 1))]
        ['complaint_before_behaviour']
    """
    return [*not_in_future(reported_on, today, "A complaint", "reported_on"),
            *not_in_future(behaviour_on, today, "The behaviour complained of", "behaviour_on"),
            *not_before(reported_on, behaviour_on, "A complaint", "the behaviour it reports", "reported_on",
                        "complaint_before_behaviour")]


def check_escalation_dates(requested_on: date, received_on: date, decided_on: date | None, today: date) -> list[Refusal]:
    """An escalation is asked for after the application was received and decided, not later than today.

    Examples:
        >>> [r.rule for r in check_escalation_dates(date(2026, 1, 1), date(2026, 2, 1), None, date(2026, 3, 1))]
        ['escalation_before_application']
    """
    return [*not_in_future(requested_on, today, "An escalation", "requested_on"),
            *not_before(requested_on, received_on, "The escalation", "the application", "requested_on",
                        "escalation_before_application"),
            *not_before(requested_on, decided_on, "The escalation", "the decision it challenges", "requested_on",
                        "escalation_before_decision")]


def check_review_dates(held_on: date, received_on: date, today: date) -> list[Refusal]:
    """A review is held after the application, and not in the future (record it once held)."""
    return [*not_in_future(held_on, today, "A review", "held_on"),
            *not_before(held_on, received_on, "The review", "the application", "held_on", "review_before_application")]


# ---- Counting the incidents already on the linked cases (issue 12, item 8) ----------------------

def complaints_to_count(
    rekeyed: Sequence[tuple[Complaint, str | None]],
    incidents: Mapping[str, Complaint],
) -> list[Complaint]:
    """The complaints the threshold counts: every incident recorded on the linked cases, and each
    complaint keyed in on the application unless it is marked as one of those incidents (its
    key), so a complaint on both is counted once, as the incident.

    Examples:
        >>> incident = Complaint(date(2026, 1, 5), date(2026, 1, 4), "police", reference="incident 7")
        >>> same = Complaint(date(2026, 1, 5), date(2026, 1, 4), "police", reference="CAD 1")
        >>> new = Complaint(date(2026, 2, 1), date(2026, 2, 1), "council")
        >>> [c.reference for c in complaints_to_count([(same, "7"), (new, None)], {"7": incident})]
        ['incident 7', '']
    """
    keyed_in = [c for c, same_as in rekeyed if same_as is None or same_as not in incidents]
    return [*incidents.values(), *keyed_in]


def check_discretion(threshold_met: bool, reason: str, already_discretionary: bool) -> list[Refusal]:
    """A review below the threshold is the partnership's choice, and it says why.

    Examples:
        >>> [r.rule for r in check_discretion(False, "  ", False)]
        ['discretion_reason_required']
        >>> [r.rule for r in check_discretion(True, "Vulnerable victim", False)]
        ['threshold_met_no_discretion']
    """
    refusals = []
    if threshold_met:
        refusals.append(Refusal("threshold_met_no_discretion", "The threshold is met: record the threshold "
                                "decision; a review will be held.", "reason"))
    if already_discretionary:
        refusals.append(Refusal("already_discretionary", "A review at the partnership's discretion is "
                                "already decided.", "reason"))
    if not reason.strip():
        refusals.append(Refusal("discretion_reason_required", "Say why the partnership will hold a review "
                                "below the threshold.", "reason"))
    return refusals


RECOMMENDATION_STATUSES = ("open", "done", "not_accepted")


def check_recommendation(due_on: date, held_on: date, status: str, reason: str) -> list[Refusal]:
    """A recommendation is due on or after the review that made it; one not accepted says why.

    Examples:
        >>> [r.rule for r in check_recommendation(date(2026, 3, 1), date(2026, 3, 2), "open", "")]
        ['recommendation_before_review']
        >>> [r.rule for r in check_recommendation(date(2026, 3, 9), date(2026, 3, 2), "not_accepted", "")]
        ['not_accepted_reason_required']
    """
    refusals = [*not_before(due_on, held_on, "A recommendation's due date", "the review that made it", "due_on",
                            "recommendation_before_review")]
    if status not in RECOMMENDATION_STATUSES:
        refusals.append(Refusal("unknown_status", f"Status {status!r} is not one of "
                                f"{', '.join(RECOMMENDATION_STATUSES)}.", "status"))
    if status == "not_accepted" and not reason.strip():
        refusals.append(Refusal("not_accepted_reason_required", "Say why the recommendation was not accepted.",
                                "status_reason"))
    return refusals


def is_overdue(status: str, due_on: date, today: date) -> bool:
    """Still open after its due date (due today is not yet overdue).

    Examples:
        >>> is_overdue("open", date(2026, 3, 1), date(2026, 3, 2)), is_overdue("open", date(2026, 3, 2), date(2026, 3, 2))
        (True, False)
        >>> is_overdue("done", date(2026, 3, 1), date(2026, 3, 9))
        False
    """
    return status == "open" and due_on < today
