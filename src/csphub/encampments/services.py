"""Encampments and tents: the site register, incursions and their legal route, outcome and
costs, tents / rough sleeping enforcement, and the figures.

Reads go through csphub.access (audited); each change checks the caller with csphub.access.policy
and writes its audit entry. Rules (which powers apply, the working-day timetable, return periods)
are in :mod:`.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from csphub.access import policy, reads, roles
from csphub.audit.services import Action, Channel, record
from csphub.casework.models import AsbCase, Person
from csphub.change import percent_change
from csphub.core.listing import Slice, Window, take
from csphub.core.models import lock
from csphub.dates import FinancialYear, year_earlier_period
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused

from . import rules
from .models import Incursion, LegalStep, Site, TentCase

COUNCIL_ONLY = "Sites, incursions and the council's legal steps are recorded by council officers and supervisors."
POLICE_ONLY = "Police powers and joint visits are recorded by police officers and supervisors."
VIEW_ONLY = "Encampments are for officers and supervisors of the council and the police."


def procedure() -> rules.Procedure:
    return rules.Procedure.from_mapping(getattr(settings, "CSPHUB_ENCAMPMENT_PROCEDURE", {}))


def nation() -> str:
    return getattr(settings, "CSPHUB_NATION", "ENG")


def can_view(user: Any) -> bool:
    """Whether the user sees incursions, sites and tents records (not only the figures)."""
    return policy.can_view_encampments(user)


def can_manage(user: Any) -> bool:
    """Whether the page offers the council's forms (sites, incursions, outcome)."""
    return policy.can_manage_encampments(user)


def _require_view(user: Any) -> None:
    if not policy.can_view_encampments(user):
        raise PermissionRefused(VIEW_ONLY)


def _require_manage(user: Any) -> None:
    if not policy.can_manage_encampments(user):
        raise PermissionRefused(COUNCIL_ONLY)


# ---- Sites --------------------------------------------------------------------------------

def site_list(user: Any, *, channel: str = Channel.WEB, purpose: str = "encampment site list") -> list[Site]:
    _require_view(user)
    return list(reads.encampment_sites(user, purpose=purpose, channel=channel))


def site_window(user: Any, window: Window, *, channel: str = Channel.API, purpose: str = "api site list") -> Slice:
    """A window of the site register (see csphub.core.listing)."""
    _require_view(user)
    return take(reads.encampment_sites(user, purpose=purpose, channel=channel), window)


def get_site(user: Any, pk: object, *, channel: str = Channel.WEB, purpose: str = "encampment site") -> Site:
    return reads.encampment_site(user, pk, purpose=purpose, channel=channel)


def site_history(user: Any, site: Site, *, channel: str = Channel.WEB) -> list[Incursion]:
    """Every incursion on the site, newest first (audited by id): the repeat-site history."""
    return list(reads.incursions(user, purpose=f"site {site.pk} history", channel=channel)
                .filter(site=site).order_by("-arrived_at"))


@transaction.atomic
def add_site(user: Any, *, name: str, land_owner: str, description: str = "", owner_name: str = "",
             latitude: float | None = None, longitude: float | None = None, ward_name: str = "",
             channel: str = Channel.WEB) -> Site:
    _require_manage(user)
    if land_owner not in rules.LAND_OWNERS:
        raise RuleRefused("land_owner", f"Unknown land owner {land_owner!r}; expected one of "
                          f"{', '.join(rules.LAND_OWNERS)}.", "land_owner")
    if Site.objects.filter(name__iexact=name.strip()).exists():
        raise RuleRefused("site_exists", f"There is already a site called {name.strip()!r}: choose it, "
                          "so its history stays in one place.", "name")
    _check_point(latitude, longitude)
    site = Site(name=name.strip(), land_owner=land_owner, description=description, owner_name=owner_name,
                latitude=latitude, longitude=longitude, ward_name=ward_name)
    site.save_by(user)
    record(user, Action.CREATED, "encampment_site", site.pk, channel=channel)
    return site


def _check_point(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise RuleRefused("point", "Give both the latitude and the longitude, or neither.", "latitude")
    if latitude is not None and longitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise RuleRefused("point", f"{latitude}, {longitude} is not a latitude and longitude.", "latitude")


def site_choices(user: Any) -> list[tuple[int, str]]:
    """Sites for the incursion form: council officers and supervisors only (audited)."""
    _require_manage(user)
    return [(s.pk, f"{s.name} ({s.get_land_owner_display()})")
            for s in reads.encampment_sites(user, purpose="site picker")]


def site_for_incursion(user: Any, pk: object, *, channel: str = Channel.WEB) -> Site:
    """The site an incursion is recorded on: 403 unless council, then 404 if not there."""
    _require_manage(user)
    return get_site(user, pk, channel=channel, purpose="incursion site")


# ---- Incursions ---------------------------------------------------------------------------

def incursion_to_change(user: Any, pk: object, *, channel: str = Channel.WEB, purpose: str = "incursion form"
                        ) -> Incursion:
    """The incursion, if the user may see it (else 404) and change it (else 403)."""
    incursion = get_incursion(user, pk, channel=channel, purpose=purpose)
    _require_manage(user)
    return incursion


def check_step_allowed(user: Any, step: str) -> None:
    """PermissionRefused (403) if ``step`` is one the user's agency does not record (an unknown
    step is left to the form)."""
    if step in LegalStep.POLICE_STEPS - {"joint_visit"} and not policy.can_record_police_powers(user):
        raise PermissionRefused(POLICE_ONLY)
    if step in dict(LegalStep.STEP_CHOICES) and step not in LegalStep.POLICE_STEPS \
            and not policy.can_manage_encampments(user):
        raise PermissionRefused(COUNCIL_ONLY)


def step_choices(user: Any) -> list[tuple[str, str]]:
    """The steps this user's agency records: the council's, or the police's."""
    if policy.can_record_police_powers(user):
        return [(c, n) for c, n in LegalStep.STEP_CHOICES if c in LegalStep.POLICE_STEPS]
    if policy.can_manage_encampments(user):
        return [(c, n) for c, n in LegalStep.STEP_CHOICES if c not in LegalStep.POLICE_STEPS or c == "joint_visit"]
    return []


def incursion_list(user: Any, *, channel: str = Channel.WEB, purpose: str = "incursion list",
                   limit: int = 300) -> list[Incursion]:
    _require_view(user)
    # Each incursion's steps and whether its site had one before, read for the whole list at once
    # (timetable_for and is_repeat_site then ask nothing more: issue 19, item 1).
    steps = Prefetch("steps", queryset=LegalStep.objects.filter(archived_on__isnull=True).order_by("taken_on"),
                     to_attr="live_steps")
    return list(_with_repeat(reads.incursions(user, purpose=purpose, channel=channel).select_related("site"))
                .prefetch_related(steps)[:limit])


def incursion_window(user: Any, window: Window, *, channel: str = Channel.API,
                     purpose: str = "api incursion list") -> Slice:
    """A window of the incursions, newest first (or, syncing, by change)."""
    _require_view(user)
    return take(_with_repeat(reads.incursions(user, purpose=purpose, channel=channel).select_related("site")), window)


def get_incursion(user: Any, pk: object, *, channel: str = Channel.WEB, purpose: str = "incursion") -> Incursion:
    return reads.incursion(user, pk, purpose=purpose, channel=channel)


@dataclass(frozen=True)
class IncursionInput:
    site: Site
    arrived_at: datetime
    reported_by: str = Incursion.Reported.PUBLIC
    caravans: int | None = None
    vehicles: int | None = None
    people: int | None = None
    children: int | None = None
    land_occupied: bool = True
    occupier_consented: bool = False
    damage_disruption_distress: bool = False
    significant_harm: bool = False
    suitable_pitch_available: bool = False
    impact_asb: bool = False
    impact_waste: bool = False
    impact_damage: bool = False
    impact_notes: str = ""


@transaction.atomic
def record_incursion(user: Any, data: IncursionInput, *, channel: str = Channel.WEB) -> Incursion:
    """Record an arrival on a site. An arrival in the future is refused."""
    _require_manage(user)
    if not policy.encampment_sites(user).filter(pk=data.site.pk).exists():
        raise NotFoundError(f"No site {data.site.pk}.")
    if data.arrived_at > timezone.now() + timedelta(minutes=5):
        raise RuleRefused("arrived_in_future", "The arrival is in the future.", "arrived_at")
    m = roles.membership(user)
    incursion = Incursion(**data.__dict__)
    incursion.lead_agency = m.agency  # the council team that records it
    incursion.save_by(user)
    record(user, Action.CREATED, "incursion", incursion.pk, channel=channel)
    return incursion


WELFARE_FIELDS = ("welfare_checked_on", "welfare_needs", "children_schooling", "health", "welfare_outcome")
FACT_FIELDS = ("caravans", "vehicles", "people", "children", "land_occupied", "occupier_consented",
               "asked_to_leave_on", "damage_disruption_distress", "significant_harm", "suitable_pitch_available",
               "impact_asb", "impact_waste", "impact_damage", "impact_notes", "route")
OUTCOME_FIELDS = ("left_on", "arrests", "cleanup_cost", "repair_cost", "legal_cost", "target_hardening",
                  "site_reentered")


def _change(user: Any, incursion: Incursion, changes: dict[str, Any], allowed: Sequence[str], summary: str,
            expected_version: int | None, channel: str) -> Incursion:
    _require_manage(user)
    lock(incursion)
    if not policy.incursions(user).filter(pk=incursion.pk).exists():
        raise NotFoundError(f"No incursion {incursion.pk}.")
    incursion.check_version(expected_version)
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise RuleRefused("unknown_field", f"Cannot change {', '.join(unknown)} here.", unknown[0])
    for name, value in changes.items():
        setattr(incursion, name, value)
    incursion.save_by(user)
    record(user, Action.CHANGED, "incursion", incursion.pk, channel=channel, summary=summary)
    return incursion


@transaction.atomic
def record_welfare(user: Any, incursion: Incursion, *, expected_version: int | None = None,
                   channel: str = Channel.WEB, **changes: Any) -> Incursion:
    """The welfare assessment: needs, children's schooling, health, and an outcome."""
    if changes.get("welfare_outcome") and not changes.get("welfare_checked_on") and not incursion.welfare_checked_on:
        raise RuleRefused("welfare_date", "Give the date of the welfare check.", "welfare_checked_on")
    checked = changes.get("welfare_checked_on")
    if checked and checked < incursion.arrived_on:
        raise RuleRefused("welfare_before_arrival", "The welfare check is before the arrival.", "welfare_checked_on")
    return _change(user, incursion, changes, WELFARE_FIELDS, "welfare assessment", expected_version, channel)


@transaction.atomic
def update_facts(user: Any, incursion: Incursion, *, expected_version: int | None = None,
                 channel: str = Channel.WEB, **changes: Any) -> Incursion:
    """Numbers, the facts the powers turn on, impact and the route chosen."""
    return _change(user, incursion, changes, FACT_FIELDS, "facts", expected_version, channel)


@transaction.atomic
def record_outcome(user: Any, incursion: Incursion, *, expected_version: int | None = None,
                   moved_to: Incursion | None = None, channel: str = Channel.WEB, **changes: Any) -> Incursion:
    """Date left, where to (another incursion in the area), arrests, costs, target-hardening."""
    left = changes.get("left_on")
    if left and left < incursion.arrived_on:
        raise RuleRefused("left_before_arrival", f"They arrived on {incursion.arrived_on:%d %B %Y}; "
                          "the date left is before that.", "left_on")
    hardening = changes.get("target_hardening") or []
    unknown = [h for h in hardening if h not in Incursion.HARDENING]
    if unknown:
        raise RuleRefused("target_hardening", f"Unknown target-hardening {', '.join(unknown)}.", "target_hardening")
    if moved_to is not None:
        if moved_to.pk == incursion.pk:
            raise RuleRefused("moved_to_self", "An incursion cannot move to itself.", "moved_to")
        if not policy.incursions(user).filter(pk=moved_to.pk).exists():
            raise NotFoundError(f"No incursion {moved_to.pk}.")
        if moved_to.arrived_at < incursion.arrived_at:
            raise RuleRefused("moved_to_earlier", f"{moved_to.reference} arrived before {incursion.reference}: "
                              "the next site's incursion is the later one.", "moved_to")
        changes["moved_to"] = moved_to
    return _change(user, incursion, changes, (*OUTCOME_FIELDS, "moved_to"), "outcome", expected_version, channel)


@transaction.atomic
def record_step(user: Any, incursion: Incursion, *, step: str, taken_on: date, notes: str = "",
                vehicles_seized: int = 0, arrests: int = 0, channel: str = Channel.WEB) -> LegalStep:
    """A step of the route: the council's (welfare check, s77, s79, s78, CPR 55, IPO) by council
    officers; police powers (s61, s62, s60C, s62A) and joint visits by police officers. The
    facts must support the power (rules.powers_available); directions get their no-return date."""
    if not policy.incursions(user).filter(pk=incursion.pk).exists():
        raise NotFoundError(f"No incursion {incursion.pk}.")
    valid = dict(LegalStep.STEP_CHOICES)
    if step not in valid:
        raise RuleRefused("step", f"Unknown step {step!r}; expected one of {', '.join(valid)}.", "step")
    police_step = step in LegalStep.POLICE_STEPS
    if police_step and step != "joint_visit" and not policy.can_record_police_powers(user):
        raise PermissionRefused(POLICE_ONLY)
    if step == "joint_visit" and not (policy.can_record_police_powers(user) or policy.can_manage_encampments(user)):
        raise PermissionRefused(VIEW_ONLY)
    if not police_step and not policy.can_manage_encampments(user):
        raise PermissionRefused(COUNCIL_ONLY)
    if taken_on < incursion.arrived_on:
        raise RuleRefused("step_before_arrival", f"They arrived on {incursion.arrived_on:%d %B %Y}; "
                          f"the step is dated {taken_on:%d %B %Y}.", "taken_on")
    if taken_on > timezone.localdate():
        raise RuleRefused("step_in_future", "A step is recorded when it has been taken.", "taken_on")
    if step in rules.CHECKS:
        check = next(c for c in rules.powers_available(facts_for(incursion, taken_on)) if c.power == step)
        if not check.applies:
            raise RuleRefused("power_does_not_apply", f"{check.name} does not apply: " + "; ".join(check.reasons)
                              + ". Correct the facts first if they are wrong.", "step")
    if step == rules.S62 and not incursion.steps.filter(step=rules.S61, taken_on__lte=taken_on,
                                                        archived_on__isnull=True).exists():
        raise RuleRefused("s62_needs_s61", "Seizure under s62 follows a s61 direction that was not "
                          "complied with: record the s61 direction first.", "step")
    m = roles.membership(user)
    found = LegalStep(incursion=incursion, step=step, taken_on=taken_on, agency=m.agency, officer=user, notes=notes,
                      vehicles_seized=vehicles_seized, arrests=arrests,
                      no_return_until=rules.no_return_until(step, taken_on))
    found.save_by(user)
    if step == "welfare_check" and incursion.welfare_checked_on is None:
        incursion.welfare_checked_on = taken_on
        incursion.save_by(user)
    record(user, Action.CREATED, "legal_step", found.pk, channel=channel, summary=step)
    return found


def steps_of(user: Any, incursion: Incursion, *, channel: str = Channel.WEB) -> list[LegalStep]:
    return list(reads.legal_steps(user, purpose=f"incursion {incursion.pk}", channel=channel)
                .filter(incursion=incursion).select_related("agency"))


def facts_for(incursion: Incursion, on: date) -> rules.EncampmentFacts:
    s77 = incursion.steps.filter(step=rules.S77, archived_on__isnull=True).order_by("taken_on").first()
    return rules.EncampmentFacts(
        on=on, land_owner=incursion.site.land_owner, occupier_consented=incursion.occupier_consented,
        land_occupied=incursion.land_occupied, persons=incursion.people, vehicles=incursion.vehicles or 0,
        damage_disruption_distress=incursion.damage_disruption_distress, significant_harm=incursion.significant_harm,
        asked_to_leave=incursion.asked_to_leave_on is not None and incursion.asked_to_leave_on <= on,
        suitable_pitch_available=incursion.suitable_pitch_available,
        s77_direction_on=s77.taken_on if s77 else None, council_learned_on=incursion.arrived_on)


def powers(incursion: Incursion, on: date | None = None) -> list[rules.PowerCheck]:
    return rules.powers_available(facts_for(incursion, on or timezone.localdate()))


def _done(incursion: Incursion) -> dict[str, date | None]:
    first: dict[str, date] = {}
    steps = getattr(incursion, "live_steps", None)  # prefetched by incursion_list
    for s in steps if steps is not None else incursion.steps.filter(archived_on__isnull=True).order_by("taken_on"):
        first.setdefault(s.step, s.taken_on)
    return {"welfare_check": incursion.welfare_checked_on or first.get("welfare_check"),
            rules.S77: first.get(rules.S77), rules.S78: first.get(rules.S78), "left": incursion.left_on}


def _skipped(incursion: Incursion, done: dict[str, date | None]) -> set[str]:
    """Steps the route taken does not need: s77/s78 on the civil or police route, or once the
    encampment has left before they were reached."""
    if incursion.route in (Incursion.Route.CIVIL, Incursion.Route.POLICE, Incursion.Route.NEGOTIATED,
                           Incursion.Route.LEFT):
        return {rules.S77, rules.S78}
    if incursion.left_on is not None:
        return {s for s in (rules.S77, rules.S78) if done.get(s) is None}
    return set()


def timetable_for(incursion: Incursion, today: date | None = None) -> list[rules.StepDue]:
    done = _done(incursion)
    return rules.timetable(incursion.arrived_on, done, today or timezone.localdate(), procedure(), nation(),
                           skip=_skipped(incursion, done))


def is_repeat_site(incursion: Incursion) -> bool:
    """The site had an incursion before this one (read with the list when it was annotated)."""
    if hasattr(incursion, "earlier_on_site"):
        return bool(incursion.earlier_on_site)
    return _earlier_on_site(incursion.site_id, incursion.arrived_at).exists()


def _earlier_on_site(site: Any, arrived_at: Any) -> QuerySet[Incursion]:
    return Incursion.objects.filter(site_id=site, arrived_at__lt=arrived_at, archived_on__isnull=True)


def _with_repeat(found: QuerySet[Incursion]) -> QuerySet[Incursion]:
    return found.annotate(earlier_on_site=Exists(_earlier_on_site(OuterRef("site_id"), OuterRef("arrived_at"))))


def moved_to_choices(user: Any, incursion: Incursion) -> list[tuple[int, str]]:
    later = reads.incursions(user, purpose="moved-to picker").filter(arrived_at__gte=incursion.arrived_at) \
        .exclude(pk=incursion.pk).select_related("site")[:100]
    return [(i.pk, f"{i.reference}, {i.site.name}, {i.arrived_on:%d %b %Y}") for i in later]


# ---- Tents / rough sleeping ---------------------------------------------------------------

def tent_list(user: Any, *, channel: str = Channel.WEB, purpose: str = "tents list") -> list[TentCase]:
    _require_view(user)
    return list(reads.tent_cases(user, purpose=purpose, channel=channel).select_related("site"))


def tent_window(user: Any, window: Window, *, channel: str = Channel.API, purpose: str = "api tents list") -> Slice:
    _require_view(user)
    found = take(reads.tent_cases(user, purpose=purpose, channel=channel).select_related("site"), window)
    return replace(found, rows=tents_with_people(user, found.rows, channel=channel))


def tents_with_people(user: Any, tents: Sequence[TentCase], *, channel: str = Channel.WEB
                      ) -> list[tuple[TentCase, list[Person], int]]:
    """Each record with the people on it the user may see (audited) and how many others it
    holds, for a page of records or one, in the same three queries."""
    shown = tent_people_of(user, tents, channel=channel)
    recorded = dict(TentCase.people.through.objects.filter(tentcase__in=tents).values("tentcase")
                    .annotate(n=Count("person")).values_list("tentcase", "n"))
    return [(t, shown[t.pk], recorded.get(t.pk, 0) - len(shown[t.pk])) for t in tents]


def get_tent_case(user: Any, pk: object, *, channel: str = Channel.WEB, purpose: str = "tents record") -> TentCase:
    return reads.tent_case(user, pk, purpose=purpose, channel=channel)


def tent_people(user: Any, tent: TentCase, *, channel: str = Channel.WEB) -> list[Person]:
    """The people on the record the user may see (audited); others are counted, not named."""
    return reads.shown(user, "person", policy.tent_people(user, tent), purpose=f"tents record {tent.pk}",
                       channel=channel)


def tent_people_of(user: Any, tents: Sequence[TentCase], *, channel: str = Channel.WEB) -> dict[int, list[Person]]:
    """The people on each record that the user may see (one query and one audit entry for a page)."""
    out: dict[int, list[Person]] = {t.pk: [] for t in tents}
    people = {}
    for person in policy.tent_people_of(user, tents).annotate(tent_id=F("tent_cases__id")):
        if person.tent_id in out:
            out[person.tent_id].append(person)
            people[person.pk] = person
    reads.shown(user, "person", people.values(), purpose="tents list", channel=channel)
    return out


def site_counts(sites: Iterable[Site]) -> dict[int, int]:
    """Incursions per site (counts, for the register)."""
    from django.db.models import Count

    rows = (Incursion.objects.filter(site__in=list(sites), archived_on__isnull=True)
            .values("site_id").annotate(n=Count("id")))
    return {r["site_id"]: r["n"] for r in rows}


def people_for_tents(user: Any, *, purpose: str = "tents people picker") -> list[Person]:
    """People the officer may see in casework (audited), to put on a tents record."""
    if not policy.can_record_tent_cases(user):
        raise PermissionRefused(VIEW_ONLY)
    return list(reads.people(user, purpose=purpose)[:500])


def people_choices_for_tents(user: Any) -> list[tuple[int, str]]:
    """People the officer may see in casework, for the tents form (audited)."""
    if not policy.can_record_tent_cases(user):
        raise PermissionRefused(VIEW_ONLY)
    return [(p.pk, p.full_name) for p in reads.people(user, purpose="tents people picker")[:500]]


@dataclass(frozen=True)
class TentInput:
    location: str
    reported_on: date
    reasons: Sequence[str] = ()
    tools: Sequence[str] = ()
    people: Sequence[Person] = ()
    tents: int = 1
    latitude: float | None = None
    longitude: float | None = None
    site: Site | None = None
    case: AsbCase | None = None
    outreach_offered_on: date | None = None
    outreach: str = ""
    housing_offer: str = ""
    share_with: Sequence[Any] = ()


@transaction.atomic
def record_tent_case(user: Any, data: TentInput, *, channel: str = Channel.WEB) -> TentCase:
    """Record enforcement against tents at a location: the reason, the outreach offered first,
    the people (casework records the officer may already see) and the tools used."""
    if not policy.can_record_tent_cases(user):
        raise PermissionRefused(VIEW_ONLY)
    refusal = rules.tent_enforcement_refusal(data.reasons, bool(data.outreach_offered_on or data.outreach.strip()))
    if refusal:
        raise RuleRefused("tent_enforcement", refusal, "reasons")
    unknown = [t for t in data.tools if t not in rules.TENT_TOOLS]
    if unknown:
        raise RuleRefused("tools", f"Unknown tool(s) {', '.join(unknown)}.", "tools")
    visible = set(policy.people(user).filter(pk__in=[p.pk for p in data.people]).values_list("pk", flat=True))
    for person in data.people:
        if person.pk not in visible:
            raise NotFoundError(f"No person {person.pk}.")
    if data.case is not None and not policy.can_view_case(user, data.case):
        raise NotFoundError(f"No case {data.case.pk}.")
    _check_point(data.latitude, data.longitude)
    m = roles.membership(user)
    tent = TentCase(location=data.location, reported_on=data.reported_on, reasons=list(data.reasons),
                    tools=list(data.tools), tents=data.tents, latitude=data.latitude, longitude=data.longitude,
                    site=data.site, case=data.case, outreach_offered_on=data.outreach_offered_on,
                    outreach=data.outreach, housing_offer=data.housing_offer, recorded_by_agency=m.agency)
    tent.save_by(user)
    tent.people.set(list(data.people))
    tent.shared_with.set([a for a in data.share_with if a.pk != m.agency_id])
    record(user, Action.CREATED, "tent_case", tent.pk, channel=channel)
    return tent


@transaction.atomic
def record_tent_outcome(user: Any, tent: TentCase, *, outcome: str, outcome_on: date | None,
                        tools: Iterable[str] | None = None, housing_offer: str | None = None,
                        expected_version: int | None = None, channel: str = Channel.WEB) -> TentCase:
    lock(tent)
    if not policy.tent_cases(user).filter(pk=tent.pk).exists():
        raise NotFoundError(f"No tents record {tent.pk}.")
    tent.check_version(expected_version)
    if outcome not in TentCase.Outcome.values:
        raise RuleRefused("outcome", f"Unknown outcome {outcome!r}.", "outcome")
    if outcome_on and outcome_on < tent.reported_on:
        raise RuleRefused("outcome_before_report", "The outcome is dated before the report.", "outcome_on")
    if tools is not None:
        unknown = [t for t in tools if t not in rules.TENT_TOOLS]
        if unknown:
            raise RuleRefused("tools", f"Unknown tool(s) {', '.join(unknown)}.", "tools")
        tent.tools = list(tools)
    if housing_offer is not None:
        tent.housing_offer = housing_offer
    tent.outcome, tent.outcome_on = outcome, outcome_on
    tent.save_by(user)
    record(user, Action.CHANGED, "tent_case", tent.pk, channel=channel, summary="outcome")
    return tent


# ---- Figures ------------------------------------------------------------------------------

def _figure(i: Incursion) -> rules.IncursionFigure:
    done = _done(i)
    arrived = i.arrived_on
    steps = {k: rules.working_days_between(arrived, d, nation()) for k, d in done.items() if d is not None}
    steps.pop("left", None)
    police = {s.step for s in i.steps.all() if s.archived_on is None}
    for code in (rules.S61, rules.S60C, rules.S62A, rules.CPR55, rules.IPO):
        if code in police:
            first = min(s.taken_on for s in i.steps.all() if s.step == code and s.archived_on is None)
            steps[code] = rules.working_days_between(arrived, first, nation())
    arrests = i.arrests + sum(s.arrests for s in i.steps.all() if s.archived_on is None)
    return rules.IncursionFigure(site_id=i.site_id, arrived_at=timezone.localtime(i.arrived_at),
                                 left_on=i.left_on, step_days=steps, costs=i.total_cost, arrests=arrests,
                                 reentered=i.site_reentered)


def _in_period(start: date, end: date) -> QuerySet[Incursion]:
    return (policy.encampment_figure_incursions().filter(arrived_at__date__gte=start, arrived_at__date__lte=end)
            .select_related("site").prefetch_related("steps"))


def figures(user: Any, year: FinancialYear, *, today: date | None = None, channel: str = Channel.WEB) -> dict[str, Any]:
    """The year's figures for a user who may see them (analysts, supervisors, partnership
    admins), audited: see :func:`year_figures`."""
    if not policy.can_view_encampment_figures(user):
        raise PermissionRefused("Encampment figures are for analysts, supervisors and partnership admins.")
    result = year_figures(year, today=today)
    record(user, Action.VIEWED, "encampment_figures", year.label, channel=channel, purpose="encampment figures")
    return result


def year_figures(year: FinancialYear, *, today: date | None = None) -> dict[str, Any]:
    """The year's figures and the previous year's over the same span (like for like: while the
    year is under way, last year is counted to the same day), tents counts, and the sites map.
    Counts only, no people (callers check who asks; the CLI audits its run)."""
    today = today or timezone.localdate()
    if rules.like_for_like_end(year.start, year.end, today) < year.start:
        raise RuleRefused("year_not_started", f"{year.label} has not started yet.", "year")
    return {"year": year.label, **period_figures(year.start, year.end, today=today)}


def period_figures(start: date, end: date, *, today: date | None = None) -> dict[str, Any]:
    """Figures for any period (a committee paper's six months, a financial year) and the same
    days a year earlier. A period still under way is counted to today, and so is last year's
    (like for like). Counts only, no people."""
    today = today or timezone.localdate()
    last_day = rules.like_for_like_end(start, end, today)
    previous = year_earlier_period(start, last_day)
    now = [_figure(i) for i in _in_period(start, last_day)]
    before_now = [_figure(i) for i in policy.encampment_figure_incursions().filter(arrived_at__date__lt=start)
                  .prefetch_related("steps")]
    then = [_figure(i) for i in _in_period(*previous)]
    before_then = [f for f in before_now if f.arrived_at.date() < previous[0]]
    this, last = rules.summarise(now, before_now), rules.summarise(then, before_then)
    tents = list(TentCase.objects.filter(archived_on__isnull=True, reported_on__gte=start, reported_on__lte=last_day))
    return {
        "from": start.isoformat(), "to": last_day.isoformat(),
        "like_for_like": last_day < end,
        "previous": {"from": previous[0].isoformat(), "to": previous[1].isoformat(), **last},
        **this,
        "incursions_percent_change": percent_change(this["incursions"], last["incursions"]),  # type: ignore[arg-type]
        "tents": {"records": len(tents),
                  "by_reason": {k: sum(1 for t in tents if k in (t.reasons or [])) for k in rules.TENT_REASONS},
                  "by_outcome": {k: sum(1 for t in tents if t.outcome == k) for k in TentCase.Outcome.values}},
        "sites_map": _sites_map(start, last_day),
    }


def _sites_map(start: date, end: date) -> list[dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for i in _in_period(start, end):
        site = i.site
        row = found.setdefault(site.pk, {"site": site.name, "land_owner": site.land_owner,
                                         "latitude": site.latitude, "longitude": site.longitude, "incursions": 0})
        row["incursions"] += 1
    return sorted(found.values(), key=lambda r: (-r["incursions"], r["site"]))


def get_person_for_tents(user: Any, pk: object, *, channel: str = Channel.WEB) -> Person:
    """A casework person to put on a tents record: one the officer may already see (audited)."""
    if not policy.can_record_tent_cases(user):
        raise PermissionRefused(VIEW_ONLY)
    return reads.person(user, pk, purpose="tents person", channel=channel)


def overdue_incursions(today: date | None = None) -> list[dict[str, Any]]:
    """Incursions still on site with a step past its deadline (for the CLI: references and sites)."""
    today = today or timezone.localdate()
    rows = []
    for i in (policy.encampment_figure_incursions().filter(left_on__isnull=True).select_related("site")
              .order_by("arrived_at")):
        late = [s for s in timetable_for(i, today) if s.is_overdue]
        if late:
            rows.append({"id": i.pk, "reference": i.reference, "site": i.site.name, "arrived": i.arrived_on.isoformat(),
                         "overdue": "; ".join(f"{s.name} (due {s.due_on:%d %b})" for s in late)})
    return rows
