"""Unauthorised encampments: which powers apply to which land and facts, how long a direction
keeps people from returning, and the working-day timetable of the legal route. Data plus small
pure functions (no database), tested at their boundaries.

The law (Criminal Justice and Public Order Act 1994, "CJPOA"):
- s77 (council): a direction to leave to people residing in a vehicle on land forming part of a
  highway, on any other unoccupied land, or on occupied land without the occupier's consent.
  Failing to leave, or returning within 3 months of the direction, is an offence (s77(3)).
- s78 (council): a magistrates' order for removal, on the council's complaint, where people are
  on land in contravention of a s77 direction; s79 says how the notices and summons are served
  (on each person named, or fixed to each vehicle and the land when names are not known).
- s61 (police): two or more persons trespassing with the common purpose of residing, the
  occupier having taken reasonable steps to ask them to leave, and either damage, disruption or
  distress (as amended by the Police, Crime, Sentencing and Courts Act 2022) or six or more
  vehicles between them. From 28 June 2022 (PCSC Act 2022 s84) the power reaches land forming
  part of a highway and returning within 12 months (was 3) is an offence. The threshold stays
  six: the Home Office consulted in 2019-20 on lowering it to two, but s84 as enacted only
  rewrote paragraph (a) (damage, disruption or distress) and prefixed (b) with "in either case";
  the "six or more vehicles" of s61(1)(b) was not amended.
- s62 (police): seizure of a vehicle of a person who failed to leave, or returned, after s61.
- s60C (police; inserted by PCSC Act 2022 s83, from 28 June 2022): the offence of residing, or
  intending to reside, on land without consent in or with a vehicle, having caused or being
  likely to cause significant damage, disruption or distress, and failing to leave when asked;
  s60D seizure. Returning within 12 months is also an offence.
- s62A-E (police): a direction to leave where a suitable pitch is available on a relevant
  caravan site (in the council's area; from 28 June 2022 also a neighbouring area), at least one
  vehicle; returning to the area within the relevant period is an offence (3 months, 12 from
  28 June 2022).
- Civil possession (council land): Civil Procedure Rules Part 55, with an interim possession
  order (CPR 55.20-55.28) where the claim is made within 28 days of the claimant learning of the
  occupation.

The vehicle threshold of s61(1)(b) and the commencement dates above are data here so that a
change of law is a new row, not a code change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from statistics import median

from csphub.casereview.deadlines import add_working_days, working_days_between
from csphub.dates import add_months
from csphub.errors import ConfigurationError

# ---- Land ---------------------------------------------------------------------------------

COUNCIL, PRIVATE, HIGHWAY, SCHOOL = "council", "private", "highway", "school"
LAND_OWNERS: dict[str, str] = {
    COUNCIL: "Council (e.g. greenspace, car park)",
    PRIVATE: "Private",
    HIGHWAY: "Highway (verge, lay-by, road)",
    SCHOOL: "School",
}

#: When the Police, Crime, Sentencing and Courts Act 2022 Part 4 came into force.
PCSC_2022_COMMENCED = date(2022, 6, 28)


# ---- The powers ----------------------------------------------------------------------------

S77, S78, S79 = "s77", "s78", "s79"
S61, S62, S60C, S62A = "s61", "s62", "s60c", "s62a"
CPR55, IPO = "cpr55", "ipo"


@dataclass(frozen=True)
class Power:
    code: str
    name: str
    who: str  # "council" or "police"
    in_force_from: date


POWERS: dict[str, Power] = {p.code: p for p in (
    Power(S77, "CJPOA 1994 s77 direction to leave", "council", date(1994, 11, 3)),
    Power(S78, "CJPOA 1994 s78 magistrates' order for removal", "council", date(1994, 11, 3)),
    Power(S79, "CJPOA 1994 s79 service of notices", "council", date(1994, 11, 3)),
    Power(S61, "CJPOA 1994 s61 police direction to leave", "police", date(1994, 11, 3)),
    Power(S62, "CJPOA 1994 s62 seizure of vehicles", "police", date(1994, 11, 3)),
    Power(S60C, "CJPOA 1994 s60C residing on land without consent in or with a vehicle", "police",
          PCSC_2022_COMMENCED),
    Power(S62A, "CJPOA 1994 s62A-E direction to leave where a pitch is available", "police", date(2003, 1, 27)),
    Power(CPR55, "Civil possession claim (CPR Part 55)", "council", date(2001, 10, 15)),
    Power(IPO, "Interim possession order (CPR 55.20-28)", "council", date(2001, 10, 15)),
)}

COUNCIL_STEPS = (S77, S79, S78, CPR55, IPO)
POLICE_POWERS = (S61, S62, S60C, S62A)


@dataclass(frozen=True)
class DatedPeriod:
    """From ``in_force_from``, a direction under ``power`` keeps people away for ``months``."""

    power: str
    in_force_from: date
    months: int


#: How long a person directed away commits an offence by returning (months from the direction).
RETURN_PERIODS: tuple[DatedPeriod, ...] = (
    DatedPeriod(S77, date(1994, 11, 3), 3),      # s77(3)(b)
    DatedPeriod(S61, date(1994, 11, 3), 3),      # s61(4)(b) as enacted
    DatedPeriod(S61, PCSC_2022_COMMENCED, 12),   # PCSC Act 2022 s84(4)-(5): s61(4ZA)
    DatedPeriod(S62A, date(2003, 1, 27), 3),     # s62B(2) as enacted
    DatedPeriod(S62A, PCSC_2022_COMMENCED, 12),  # PCSC Act 2022 s84
    DatedPeriod(S60C, PCSC_2022_COMMENCED, 12),  # s60C(2)(b)
)

#: s61(1)(b): "six or more vehicles" between them (the alternative to damage/disruption/distress);
#: unchanged by PCSC Act 2022 s84 (the consultation's "two" was not enacted).
S61_MIN_VEHICLES = 6
S61_MIN_PERSONS = 2
#: CPR 55.21: an interim possession order claim within 28 days of learning of the occupation.
IPO_CLAIM_WITHIN_DAYS = 28


def return_period_months(power: str, direction_on: date) -> int | None:
    """Months after a direction during which returning is an offence (None: no such rule).

    Examples:
        >>> return_period_months(S61, date(2022, 6, 27)), return_period_months(S61, date(2022, 6, 28))
        (3, 12)
        >>> return_period_months(S77, date(2025, 1, 1))
        3
    """
    found = [p for p in RETURN_PERIODS if p.power == power and p.in_force_from <= direction_on]
    return max(found, key=lambda p: p.in_force_from).months if found else None


def no_return_until(power: str, direction_on: date) -> date | None:
    """The last day on which returning is an offence: the direction day plus the period, less a day.

    Examples:
        >>> no_return_until(S77, date(2025, 1, 31))
        datetime.date(2025, 4, 29)
    """
    months = return_period_months(power, direction_on)
    return None if months is None else add_months(direction_on, months) - timedelta(days=1)


@dataclass(frozen=True)
class EncampmentFacts:
    """What officers know of an encampment on a day, for the powers that may apply."""

    on: date
    land_owner: str
    occupier_consented: bool = False
    land_occupied: bool = True  # someone (the owner, a tenant) occupies the land
    persons: int | None = None
    vehicles: int = 0
    damage_disruption_distress: bool = False
    significant_harm: bool = False  # s60C: significant damage, disruption or distress
    asked_to_leave: bool = False    # the occupier (or the police for them) asked them to leave
    suitable_pitch_available: bool = False
    s77_direction_on: date | None = None
    council_learned_on: date | None = None


@dataclass(frozen=True)
class PowerCheck:
    power: str
    applies: bool
    reasons: tuple[str, ...]

    @property
    def name(self) -> str:
        return POWERS[self.power].name


def _check(power: str, problems: list[str], ok_reason: str) -> PowerCheck:
    return PowerCheck(power, not problems, tuple(problems) if problems else (ok_reason,))


def _s77(f: EncampmentFacts) -> PowerCheck:
    problems = []
    if f.vehicles < 1:
        problems.append("s77 is for people residing in a vehicle: no vehicle recorded")
    if f.land_owner != HIGHWAY and f.land_occupied and f.occupier_consented:
        problems.append("the occupier consented to them being there")
    where = ("land forming part of a highway" if f.land_owner == HIGHWAY else
             "unoccupied land" if not f.land_occupied else "occupied land without the occupier's consent")
    return _check(S77, problems, f"people residing in a vehicle on {where}")


def _s78(f: EncampmentFacts) -> PowerCheck:
    problems = []
    if f.s77_direction_on is None:
        problems.append("a removal order needs a s77 direction first")
    elif f.on <= f.s77_direction_on:
        problems.append("the direction was given today: they must first fail to leave as soon as practicable")
    return _check(S78, problems, "people remain in contravention of the s77 direction")


def _s61(f: EncampmentFacts) -> PowerCheck:
    problems = []
    if f.persons is not None and f.persons < S61_MIN_PERSONS:
        problems.append(f"s61 needs {S61_MIN_PERSONS} or more persons trespassing")
    if f.occupier_consented:
        problems.append("the occupier consented: they are not trespassers")
    if not f.asked_to_leave:
        problems.append("the occupier has not yet taken reasonable steps to ask them to leave")
    if f.land_owner == HIGHWAY and f.on < PCSC_2022_COMMENCED:
        problems.append("before 28 June 2022 s61 did not reach land forming part of a highway")
    if not f.damage_disruption_distress and f.vehicles < S61_MIN_VEHICLES:
        problems.append(f"no damage, disruption or distress, and fewer than {S61_MIN_VEHICLES} vehicles "
                        f"({f.vehicles} recorded)")
    return _check(S61, problems, "trespassers asked to leave, with damage, disruption or distress or "
                  f"{S61_MIN_VEHICLES}+ vehicles")


def _s60c(f: EncampmentFacts) -> PowerCheck:
    problems = []
    if f.on < PCSC_2022_COMMENCED:
        problems.append("s60C came into force on 28 June 2022")
    if f.vehicles < 1:
        problems.append("s60C is for residing in or with a vehicle")
    if f.occupier_consented:
        problems.append("the occupier consented")
    if not f.significant_harm:
        problems.append("s60C needs significant damage, disruption or distress (caused or likely)")
    if not f.asked_to_leave:
        problems.append("they must first be asked to leave")
    return _check(S60C, problems, "residing with a vehicle without consent, significant harm, asked to leave")


def _s62a(f: EncampmentFacts) -> PowerCheck:
    problems = []
    if f.vehicles < 1:
        problems.append("s62A needs at least one vehicle")
    if f.occupier_consented:
        problems.append("the occupier consented")
    if not f.suitable_pitch_available:
        problems.append("no suitable pitch is available on a relevant caravan site")
    if not f.asked_to_leave:
        problems.append("the occupier has not asked the police to act / asked them to leave")
    return _check(S62A, problems, "a suitable pitch is available")


def _cpr55(f: EncampmentFacts) -> PowerCheck:
    problems = [] if f.land_owner == COUNCIL else ["civil possession here is the council's route for its own land"]
    if f.occupier_consented:
        problems.append("they are there with consent")
    return _check(CPR55, problems, "trespassers on council land")


def _ipo(f: EncampmentFacts) -> PowerCheck:
    problems = list(_cpr55(f).reasons) if not _cpr55(f).applies else []
    learned = f.council_learned_on or f.on
    if (f.on - learned).days > IPO_CLAIM_WITHIN_DAYS:
        problems.append(f"an interim possession order is claimed within {IPO_CLAIM_WITHIN_DAYS} days of "
                        f"learning of the occupation ({learned:%d %B %Y})")
    return _check(IPO, problems, f"within {IPO_CLAIM_WITHIN_DAYS} days of learning of the occupation")


CHECKS = {S77: _s77, S78: _s78, S61: _s61, S60C: _s60c, S62A: _s62a, CPR55: _cpr55, IPO: _ipo}


def powers_available(facts: EncampmentFacts) -> list[PowerCheck]:
    """Each power with whether it applies to these facts and why (or why not), in the order an
    officer would consider them: the council's, then the police's.

    Examples:
        >>> facts = EncampmentFacts(on=date(2025, 7, 1), land_owner=COUNCIL, vehicles=4, persons=9)
        >>> [c.power for c in powers_available(facts) if c.applies]
        ['s77', 'cpr55', 'ipo']
    """
    unknown = facts.land_owner not in LAND_OWNERS
    if unknown:
        raise ValueError(f"Unknown land owner {facts.land_owner!r}; expected one of {', '.join(LAND_OWNERS)}")
    return [check(facts) for check in CHECKS.values()]


# ---- The legal route's timetable, in working days -------------------------------------------

@dataclass(frozen=True)
class Procedure:
    """The council's chosen timetable (working days; bank holidays as the case review counts
    them). The defaults follow the partnership's papers: welfare check and s77 on day 1, s78 at
    court on day 2, removal by day 3 ("the quickest time ... is 3 working days")."""

    welfare_check_working_days: int = 1
    s77_direction_working_days: int = 1
    s78_complaint_working_days: int = 2
    removal_working_days: int = 3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigurationError(f"Encampment procedure setting {f.name!r} is {value!r}; "
                                         "expected a whole number of working days, 0 or more")
        if not (self.s77_direction_working_days <= self.s78_complaint_working_days <= self.removal_working_days):
            raise ConfigurationError("Encampment procedure is out of order: expected s77 <= s78 <= removal")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Procedure:
        known = [f.name for f in fields(cls)]
        for key in values:
            if key not in known:
                raise ConfigurationError(f"Unknown encampment procedure setting {key!r}; expected one of "
                                         + ", ".join(known))
        return cls(**values)  # type: ignore[arg-type]


#: The steps of the council's route, each due a number of working days after arrival.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("welfare_check", "Initial welfare check", "welfare_check_working_days"),
    (S77, "s77 direction to leave served", "s77_direction_working_days"),
    (S78, "s78 complaint heard at the magistrates' court", "s78_complaint_working_days"),
    ("left", "Site cleared", "removal_working_days"),
)
STEP_NAMES = {code: name for code, name, _ in STEPS}


@dataclass(frozen=True)
class StepDue:
    step: str
    name: str
    due_on: date
    done_on: date | None
    status: str  # "done", "done late", "due", "due today", "overdue"
    working_days_taken: int | None = None

    @property
    def is_overdue(self) -> bool:
        return self.status == "overdue"


def timetable(arrived_on: date, done: Mapping[str, date | None], today: date,
              procedure: Procedure = Procedure(), subdiv: str = "ENG",  # noqa: B008 - frozen
              skip: Iterable[str] = ()) -> list[StepDue]:
    """Each step of the route, due ``n`` working days after the arrival day (day 1 is the next
    working day), with what was done when; overdue from the day after it was due.

    ``skip`` leaves steps out (e.g. the council took the civil route, not s77/s78; or the
    encampment left before any was needed).

    Examples:
        >>> steps = timetable(date(2026, 4, 2), {"welfare_check": date(2026, 4, 2)}, today=date(2026, 4, 8))
        >>> [(s.step, s.due_on.isoformat(), s.status) for s in steps]  # Good Friday, Easter Monday
        [('welfare_check', '2026-04-07', 'done'), ('s77', '2026-04-07', 'overdue'), ('s78', '2026-04-08', 'due today'), ('left', '2026-04-09', 'due')]
    """
    skipped = set(skip)
    found = []
    for code, name, setting in STEPS:
        if code in skipped:
            continue
        due = add_working_days(arrived_on, getattr(procedure, setting), subdiv)
        did = done.get(code)
        taken = working_days_between(arrived_on, did, subdiv) if did else None
        if did is not None:
            status = "done" if did <= due else "done late"
        elif today > due:
            status = "overdue"
        else:
            status = "due today" if today == due else "due"
        found.append(StepDue(code, name, due, did, status, taken))
    return found


# ---- Figures ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class IncursionFigure:
    """One incursion as the figures see it (no people)."""

    site_id: int
    arrived_at: datetime
    left_on: date | None
    step_days: Mapping[str, int] = field(default_factory=dict)  # working days from arrival
    costs: int = 0  # GBP, clean-up + repair + legal
    arrests: int = 0
    reentered: bool = False


def days_on_site(arrived_at: datetime, left_on: date | None) -> int | None:
    """Calendar days from arrival to leaving (arrival day is day 0); None while still on site.

    Examples:
        >>> days_on_site(datetime(2025, 5, 1, 18, 0), date(2025, 5, 4))
        3
    """
    return None if left_on is None else max((left_on - arrived_at.date()).days, 0)


def repeat_sites(incursions: Sequence[IncursionFigure], before: Iterable[IncursionFigure] = ()) -> set[int]:
    """Sites with two or more incursions in the period, or one in the period and one earlier."""
    counts: dict[int, int] = {}
    for i in incursions:
        counts[i.site_id] = counts.get(i.site_id, 0) + 1
    earlier = {i.site_id for i in before}
    return {site for site, n in counts.items() if n >= 2 or site in earlier}


def median_or_none(values: Sequence[float]) -> float | None:
    return float(median(values)) if values else None


def like_for_like_end(start: date, end: date, today: date) -> date:
    """The last day counted in a year still under way: up to today, so last year is compared over
    the same days (the assessment's like-for-like rule: the same span of the year before).

    Examples:
        >>> like_for_like_end(date(2025, 4, 1), date(2026, 3, 31), date(2025, 9, 2))
        datetime.date(2025, 9, 2)
    """
    return min(end, today)


def summarise(incursions: Sequence[IncursionFigure], earlier: Sequence[IncursionFigure] = ()) -> dict[str, object]:
    """Counts, repeat sites, median days on site, median working days to each step, costs."""
    stays = [d for i in incursions if (d := days_on_site(i.arrived_at, i.left_on)) is not None]
    steps: dict[str, list[int]] = {}
    for i in incursions:
        for step, n in i.step_days.items():
            steps.setdefault(step, []).append(n)
    return {
        "incursions": len(incursions),
        "sites": len({i.site_id for i in incursions}),
        "repeat_sites": len(repeat_sites(incursions, earlier)),
        "median_days_on_site": median_or_none(stays),
        "still_on_site": sum(1 for i in incursions if i.left_on is None),
        "median_working_days_to": {s: median_or_none(v) for s, v in sorted(steps.items())},
        "costs": sum(i.costs for i in incursions),
        "arrests": sum(i.arrests for i in incursions),
        "sites_reentered": len({i.site_id for i in incursions if i.reentered}),
    }


def map_points(sites: Sequence[Mapping[str, object]], width: int = 400, height: int = 300,
               margin: int = 20, label_room: int = 0) -> list[dict[str, object]]:
    """Sites with coordinates placed on a width x height picture (north up), the circle's radius
    growing with the number of incursions; ``label_room`` keeps space on the right for names.

    Examples:
        >>> pts = map_points([{"site": "A", "latitude": 51.0, "longitude": 0.0, "incursions": 1},
        ...                   {"site": "B", "latitude": 52.0, "longitude": 1.0, "incursions": 4}])
        >>> [(p["site"], p["x"], p["y"], p["r"]) for p in pts]
        [('A', 20.0, 280.0, 6), ('B', 380.0, 20.0, 12)]
    """
    located = [s for s in sites if s.get("latitude") is not None and s.get("longitude") is not None]
    if not located:
        return []
    lats = [float(s["latitude"]) for s in located]  # type: ignore[arg-type]
    lons = [float(s["longitude"]) for s in located]  # type: ignore[arg-type]
    span_x, span_y = (max(lons) - min(lons)) or 1.0, (max(lats) - min(lats)) or 1.0
    found = []
    for s, lat, lon in zip(located, lats, lons, strict=True):
        x = margin + (lon - min(lons)) / span_x * (width - 2 * margin - label_room)
        y = height - margin - (lat - min(lats)) / span_y * (height - 2 * margin)
        found.append({"site": s["site"], "incursions": s["incursions"], "x": round(x, 1), "y": round(y, 1),
                      "r": 4 + 2 * min(int(s["incursions"]), 10)})  # type: ignore[call-overload]
    return found


# ---- Tents and rough sleeping --------------------------------------------------------------

TENT_REASONS: dict[str, str] = {
    "not_engaging": "Failure to engage with services",
    "alternative_accommodation": "Has alternative bricks and mortar accommodation",
    "asb": "Engaging in anti-social behaviour",
}
TENT_TOOLS: dict[str, str] = {
    "advice": "Advice and request to move",
    "cpw": "Community Protection Warning",
    "cpn": "Community Protection Notice",
    "pspo": "PSPO requirement",
    "s35": "Dispersal direction (2014 Act s35)",
    "arrest": "Arrest (e.g. wanted for an offence)",
    "injunction": "Civil injunction",
}


def tent_enforcement_refusal(reasons: Iterable[str], outreach_offered: bool) -> str | None:
    """Enforcement against someone sleeping rough needs a reason the partnership accepts and an
    offer of outreach first (rough sleeping alone is not a reason).

    Examples:
        >>> print(tent_enforcement_refusal([], True))
        Give the reason for enforcement: failure to engage with services, alternative accommodation or ASB.
        >>> tent_enforcement_refusal(["asb"], True) is None
        True
    """
    chosen = [r for r in reasons if r]
    unknown = [r for r in chosen if r not in TENT_REASONS]
    if unknown:
        return f"Unknown reason(s) {', '.join(unknown)}; expected one of {', '.join(TENT_REASONS)}."
    if not chosen:
        return ("Give the reason for enforcement: failure to engage with services, alternative "
                "accommodation or ASB.")
    if not outreach_offered:
        return "Record the outreach or housing offer made before enforcement."
    return None
