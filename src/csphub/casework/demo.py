"""Synthetic casework for the demo partnership: agencies, users and a few hundred ASB cases.

Everything goes through services.py, so the demo's records obey the same rules (a notice only
after a written warning, ages, referral lifecycle), carry history and appear in the audit log.
Cases sit in the same wards as the demo's ASB hotspots and grow year on year, so the casework
statistics have something to say.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from csphub.accounts.models import Agency
from csphub.accounts.services import create_user
from csphub.errors import RuleRefused

from . import rules, services
from .models import AsbCase, CaseOutcome, CaseStatus, CaseType, Location, Person

DEMO_AGENCIES: tuple[tuple[str, str], ...] = (
    ("Riverford Council ASB Team", "council"),
    ("Riverford Council Community Wardens", "council"),
    ("Riverford Adult Social Care", "council"),
    ("Riverford Children's Services", "council"),
    ("Aldshire Police", "police"),
    ("Aldshire Fire and Rescue", "fire"),
    ("Riverford Homes", "housing"),
    ("Probation Service (Aldshire)", "probation"),
    ("Riverford Mental Health Trust", "health"),
    ("Victim Support", "voluntary"),
    ("Catch22", "voluntary"),
    ("DWP", "government"),
)

# username, agency, role, first name, last name
DEMO_USERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("asb.officer", "Riverford Council ASB Team", "officer", "Amira", "Khan"),
    ("asb.officer2", "Riverford Council ASB Team", "officer", "Tom", "Reid"),
    ("asb.supervisor", "Riverford Council ASB Team", "supervisor", "Helen", "Marsh"),
    ("police.officer", "Aldshire Police", "officer", "Dan", "Okafor"),
    ("housing.officer", "Riverford Homes", "officer", "Priya", "Shah"),
    ("victimsupport.officer", "Victim Support", "officer", "Grace", "Adeyemi"),
    ("fire.officer", "Aldshire Fire and Rescue", "officer", "Mark", "Doyle"),
    ("csp.analyst", "Riverford Council ASB Team", "analyst", "Sam", "Lee"),
    ("asb.admin", "Riverford Council ASB Team", "agency_admin", "Jo", "Evans"),
    ("csp.admin", "Riverford Council ASB Team", "partnership_admin", "Chris", "Hart"),
)

FIRST_NAMES = ("James Oliver Jack Harry George Noah Leo Charlie Jacob Thomas Mohammed Daniel Ryan Liam "
               "Olivia Amelia Isla Ava Emily Sophie Grace Mia Ella Lily Chloe Jessica Ruby Megan Zara "
               "Aisha Kacper Julia Tariq Callum Shannon Kieran Leanne Wayne Tracey Dean").split()
LAST_NAMES = ("Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
              "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Hughes Edwards Turner "
              "Nowak Kowalski Begum Ali Murphy Kelly Price Bennett Carter Mitchell Shaw Lloyd").split()
STREETS = ("High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Road", "Park Avenue",
           "Queens Road", "The Crescent", "Orchard Way", "Riverside Walk", "Castle Street", "Brook Close")

# Case type -> (share of cases, what happens, conduct wording for warnings)
CASE_MIX: dict[str, tuple[float, str, str]] = {
    "Neighbour dispute": (0.20, "Shouting, banging and abuse towards the neighbours at {addr}.", "Verbal abuse and banging on shared walls"),
    "Noise nuisance": (0.14, "Loud music late at night from {addr}.", "Playing loud music between 11pm and 7am"),
    "Youth ASB / street group": (0.14, "A group of young people gathering, intimidating shoppers near {addr}.", "Gathering in a group and intimidating members of the public"),
    "Greenspace ASB": (0.08, "Fires, litter and broken glass in the park by {addr}.", "Lighting fires and leaving litter in the park"),
    "Street drinking": (0.07, "Street drinking and urinating in doorways near {addr}.", "Drinking alcohol in the PSPO area and urinating in public"),
    "Drug-related ASB": (0.07, "Suspected drug dealing from {addr}, visitors at all hours.", "Allowing visitors to the property at all hours causing nuisance"),
    "Cuckooing": (0.03, "A vulnerable tenant's flat at {addr} believed to be taken over by dealers.", "Using the property for drug supply"),
    "Rough sleeping / tents": (0.05, "Tents pitched by {addr}; residents report fires and needles.", "Pitching a tent and leaving drug paraphernalia"),
    "Unauthorised encampment": (0.04, "Eight caravans arrived on the recreation ground off {addr}.", "Occupying land without consent"),
    "Nuisance vehicles": (0.08, "Off-road bikes ridden on footpaths around {addr}.", "Riding an off-road motorcycle on footpaths"),
    "Hate-related ASB": (0.04, "A family at {addr} targeted with racist abuse.", "Racially abusive comments towards residents"),
    "Environmental ASB": (0.06, "Repeated fly-tipping behind {addr}.", "Depositing waste on land behind the property"),
}

REFERRAL_SERVICES = (
    ("Victim Support", "Victim Support", "Emotional support for a repeat victim"),
    ("Catch22", "Catch22 young people's service", "Diversionary support for a young person"),
    ("Riverford Adult Social Care", "Adult Social Care", "Safeguarding concern: vulnerable adult"),
    ("Riverford Children's Services", "Children's Social Care", "Children in the household affected"),
    ("Aldshire Fire and Rescue", "Home fire safety visit", "Fire-setting and hoarding risk"),
    ("DWP", "DWP partnership manager", "Benefits review to support tenancy sustainment"),
    ("Riverford Homes", "Tenancy sustainment team", "Tenant's behaviour risks their tenancy"),
    ("Riverford Mental Health Trust", "Community mental health team", "Subject's behaviour linked to mental health"),
)


@dataclass
class DemoCasework:
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)  # username, password, role, agency
    cases: int = 0
    interventions: int = 0
    referrals: int = 0
    panels: dict[str, int] = field(default_factory=dict)


def _point_in(corners: Any, rng: random.Random) -> tuple[float, float]:
    lon = sum(c[0] for c in corners) / len(corners)
    lat = sum(c[1] for c in corners) / len(corners)
    return lat + rng.uniform(-0.001, 0.001), lon + rng.uniform(-0.002, 0.002)


def _when(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.choice([10, 14, 17, 19, 21, 22, 23]), rng.choice([0, 15, 30, 45]))))


def seed_casework(lsoas: Sequence[Any], hotspot_wards: Sequence[str], *, cases: int = 300, seed: int = 2024,
                  today: date | None = None) -> DemoCasework:
    """Create the demo agencies, users and ``cases`` cases. Returns the logins (printed once).

    ``lsoas``: the demo area's LSOAs (with ward_code, ward_name, corners); ``hotspot_wards``:
    ward names where ASB concentrates, which get most of the cases.
    """
    rng = random.Random(seed)
    today = today or timezone.localdate()
    result = DemoCasework()
    with transaction.atomic():
        # The fictional agencies do not ask for an authenticator app, so the demo can be tried on a
        # laptop at once; a real agency does by default (csphub agency set-mfa NAME --required).
        agencies = {name: Agency.objects.get_or_create(name=name, defaults={"kind": kind, "mfa_required": False})[0]
                    for name, kind in DEMO_AGENCIES}
        users = {}
        for username, agency, role, first, last in DEMO_USERS:
            password = f"{secrets.token_urlsafe(9)}-demo"
            users[username] = create_user(username, agencies[agency], role, password, first_name=first,
                                          last_name=last, email=f"{username}@riverford.example", check_password=False)
            result.logins.append((username, password, role, agency))
        types = {t.name: t for t in CaseType.objects.all()}
        hot = [lsoa for lsoa in lsoas if lsoa.ward_name in hotspot_wards]
        for n in range(cases):
            _one_case(n, cases, rng, today, users, agencies, types, hot, list(lsoas), result)
        from csphub.panels.demo import seed_panels

        result.panels = seed_panels(users, seed=seed, today=today)
    return result


def _pick_type(rng: random.Random) -> str:
    names = list(CASE_MIX)
    return rng.choices(names, weights=[CASE_MIX[n][0] for n in names])[0]


def _opened_on(n: int, total: int, rng: random.Random, today: date) -> date:
    # About 40% more cases in the last 12 months than the 12 before (the seed: 247 vs 176).
    recent = rng.random() < 0.58
    days_back = rng.randint(0, 364) if recent else rng.randint(365, 729)
    return today - timedelta(days=days_back)


def _person(user: Any, rng: random.Random, addr: str, postcode: str, *, adult: bool = True, flags: list[str] | None = None) -> Person:
    age = rng.randint(18, 80) if adult else rng.randint(13, 17)
    dob = date.today() - timedelta(days=age * 365 + rng.randint(0, 364))
    return services.record_person(
        user, first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES), date_of_birth=dob,
        phone=f"07700 9{rng.randint(0, 99999):05d}", address=addr, postcode=postcode,
        consent_to_share=rng.choice(["given", "given", "given", "not_asked", "refused"]), flags=flags or [],
    )


def _one_case(n: int, total: int, rng: random.Random, today: date, users: dict[str, Any], agencies: dict[str, Agency],
              types: dict[str, CaseType], hot: list[Any], lsoas: list[Any], result: DemoCasework) -> None:
    case_type = _pick_type(rng)
    lead = users[rng.choice(["asb.officer", "asb.officer", "asb.officer2", "police.officer", "housing.officer"])]
    lsoa = rng.choice(hot) if hot and rng.random() < 0.65 else rng.choice(lsoas)
    lat, lon = _point_in(lsoa.corners, rng)
    addr = f"{rng.randint(1, 180)} {rng.choice(STREETS)}, {lsoa.ward_name}"
    postcode = f"RV{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    opened = _opened_on(n, total, rng, today)
    location = Location(address=addr, postcode=postcode, latitude=lat, longitude=lon,
                        ward_code=lsoa.ward_code, ward_name=lsoa.ward_name)
    location.save_by(lead)
    share, story, conduct = CASE_MIX[case_type]
    case = services.open_case(lead, case_type=types[case_type], summary=story.format(addr=addr), opened_on=opened,
                              location=location)
    result.cases += 1
    victim = _person(lead, rng, addr, postcode, flags=rng.sample(["elderly", "mental_health", "physical_disability"], k=rng.choice([0, 0, 1])))
    services.add_party(lead, case, victim, "victim")
    subject = None
    if case_type not in ("Environmental ASB", "Unauthorised encampment"):
        young = case_type in ("Youth ASB / street group", "Nuisance vehicles") and rng.random() < 0.6
        flags = rng.sample(["substance_misuse", "mental_health", "exploitation"], k=rng.choice([0, 0, 1, 2]))
        subject = _person(lead, rng, f"{rng.randint(1, 180)} {rng.choice(STREETS)}", postcode, adult=not young, flags=flags)
        services.add_party(lead, case, subject, "subject")
    for agency in rng.sample(["Aldshire Police", "Riverford Homes", "Riverford Council Community Wardens"], k=rng.choice([0, 1, 1, 2])):
        if agencies[agency] != case.lead_agency:
            services.share_case(lead, case, agencies[agency])
    day = opened
    for _ in range(rng.choice([1, 2, 3, 3, 4, 6])):
        when = min(day, today)
        # Never after now: an incident later today, or reported after today, would be refused.
        occurred = min(_when(when, rng), timezone.now())
        agency = agencies[rng.choice(["Riverford Council ASB Team", "Aldshire Police", "Riverford Homes"])]
        reported = when + timedelta(days=rng.choice([0, 0, 1, 3])) if when < today else when
        services.record_incident(lead, case, occurred_at=occurred, description=story.format(addr=addr),
                                 reported_by_agency=agency, is_hate=case_type == "Hate-related ASB",
                                 reported_on=min(reported, max(timezone.localdate(), when)))
        day += timedelta(days=rng.randint(3, 30))
    _interventions(lead, case, subject, conduct, case_type, opened, today, rng, result)
    if rng.random() < 0.35:
        agency_name, service, reason = rng.choice(REFERRAL_SERVICES)
        referral = services.refer(lead, case, to_agency=agencies[agency_name], service=service, reason=reason,
                                  person=victim, consent_obtained=victim.consent_to_share == "given")
        result.referrals += 1
        # Only the receiving agency answers a referral; agencies with no demo user leave it waiting.
        receiver = next((u for u in users.values() if u.membership.agency_id == referral.to_agency_id
                         and u.membership.role in ("officer", "supervisor")), None)
        if receiver is not None and rng.random() < 0.7:
            services.update_referral(receiver, referral, rng.choice(["accepted", "accepted", "declined"]))
    if rng.random() < 0.25:
        answers = {q.key: rng.random() < 0.35 for q in rules.RISK_QUESTIONS if q.key != "self_harm"}
        services.assess_risk(lead, case, victim, answers)
    _progress(lead, case, opened, today, rng)


def _interventions(lead: Any, case: AsbCase, subject: Person | None, conduct: str, case_type: str, opened: date,
                   today: date, rng: random.Random, result: DemoCasework) -> None:
    if subject is None or (today - opened).days < 14:
        return
    issued = opened + timedelta(days=rng.randint(7, 20))
    roll = rng.random()
    try:
        if case_type == "Nuisance vehicles" and roll < 0.5:
            services.issue_intervention(lead, case, kind=rules.S59_WARNING, person=subject, conduct=conduct, issued_on=issued)
            result.interventions += 1
        elif roll < 0.35:
            services.issue_intervention(lead, case, kind=rules.ABC, person=subject, conduct=conduct, issued_on=issued)
            result.interventions += 1
        elif roll < 0.6:
            services.issue_intervention(lead, case, kind=rules.CPW, person=subject, conduct=conduct, issued_on=issued)
            result.interventions += 1
            later = issued + timedelta(days=rng.randint(14, 40))
            if rng.random() < 0.35 and later < today:
                services.issue_intervention(lead, case, kind=rules.CPN, person=subject, conduct=conduct, issued_on=later)
                result.interventions += 1
                if rng.random() < 0.3 and later + timedelta(days=30) < today:
                    services.issue_intervention(lead, case, kind=rules.CPN_FIXED_PENALTY, person=subject,
                                                conduct=conduct, issued_on=later + timedelta(days=30))
                    result.interventions += 1
    except RuleRefused:
        # e.g. a young subject under 16 cannot get a CPW: the rules say no, as they would live.
        services.issue_intervention(lead, case, kind=rules.ABC, person=subject, conduct=conduct, issued_on=issued)
        result.interventions += 1


def _progress(lead: Any, case: AsbCase, opened: date, today: date, rng: random.Random) -> None:
    age = (today - opened).days
    if age > 120 and rng.random() < 0.8:
        services.change_status(lead, case, CaseStatus.CLOSED, on=opened + timedelta(days=rng.randint(60, 120)),
                               outcome=rng.choice([CaseOutcome.RESOLVED, CaseOutcome.RESOLVED, CaseOutcome.ENFORCEMENT,
                                                   CaseOutcome.NO_FURTHER_ACTION, CaseOutcome.NO_ENGAGEMENT]))
        return
    services.change_status(lead, case, rng.choice([CaseStatus.INVESTIGATING, CaseStatus.ACTION, CaseStatus.MONITORING]))
    services.add_task(lead, case, title=rng.choice(["Visit the complainant", "Check CCTV", "Review with housing",
                                                     "Monitoring visit", "Write to the subject"]),
                      owner=lead, due_on=today + timedelta(days=rng.randint(-10, 14)))
    if rng.random() < 0.5:
        services.record_visit(lead, case, visited_on=min(opened + timedelta(days=10), today),
                              findings="Spoke to the complainant; diary sheets left.")
    note = services.add_note(lead, case, "Case discussed at the weekly tasking meeting.")
    if case.pk % 7 == 0:  # a correction with its reason, so case histories show one (no random draw)
        from . import corrections

        corrections.correct(lead, "note", note, {"text": "Case discussed at the weekly tasking meeting; housing "
                                                         "to visit the complainant."},
                            reason="Added what the meeting agreed", expected_version=note.version)


def reset_demo_passwords() -> list[tuple[str, str, str, str]] | None:
    """If the demo users exist, give them new passwords and return the logins; else None."""
    from django.contrib.auth import get_user_model

    found = {u.username: u for u in get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS])}
    if not found:
        return None
    logins = []
    for username, agency, role, _, _ in DEMO_USERS:
        user = found.get(username)
        if user is None:
            continue
        password = f"{secrets.token_urlsafe(9)}-demo"
        user.set_password(password)
        user.save(update_fields=["password"])
        logins.append((username, password, role, agency))
    return logins
