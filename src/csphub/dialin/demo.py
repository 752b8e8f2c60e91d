"""Demo Daily Dial In: two weeks of partners' entries (some at the places of open cases, a few
repeat locations, one busy ward), the meeting's decisions, an operation with its outputs and a
Clear, Hold, Build initiative with its phases. Everything is made through the services, as an
officer would."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from csphub.accounts.models import Agency
from csphub.casework.models import AsbCase, CaseStatus

from . import operations, rules, services
from .models import Distribution, EntrySource, EntryType

# Who reports at the dial-in, and what they tend to report.
REPORTERS = {
    "police.officer": ["Youth ASB", "Violence", "Drug dealing or use", "Moped or off-road bike nuisance",
                       "Weapon seen or found", "Street drinking"],
    "asb.officer": ["Noise nuisance", "Anti-social behaviour", "Street drinking", "Begging or rough sleeping"],
    "asb.officer2": ["Fly-tipping", "Criminal damage or graffiti", "Anti-social behaviour"],
    "housing.officer": ["Noise nuisance", "Anti-social behaviour", "Vulnerable person", "Criminal damage or graffiti"],
    "fire.officer": ["Deliberate fire"],
}
ACCOUNTS = {
    "Youth ASB": "Group of about eight youths throwing stones at buses",
    "Violence": "Fight outside the takeaway at closing time; one taken to hospital",
    "Drug dealing or use": "Suspected dealing from a car parked by the garages",
    "Moped or off-road bike nuisance": "Two mopeds riding on the pavement, riders masked",
    "Weapon seen or found": "Knife found in the planter by the bus stop",
    "Street drinking": "Street drinkers outside the shop, shouting at passers-by",
    "Noise nuisance": "Loud music from the flat until 3am, third night running",
    "Anti-social behaviour": "Residents report intimidation in the stairwell",
    "Begging or rough sleeping": "Person sleeping in the doorway of the old bank",
    "Fly-tipping": "Mattress and building waste dumped in the alley",
    "Criminal damage or graffiti": "Graffiti on the community centre and two cars scratched",
    "Vulnerable person": "Elderly tenant found confused in the street at night",
    "Deliberate fire": "Wheelie bin set alight behind the parade",
}
DISTRIBUTION = {"Riverford Council ASB Team": "asb.team@riverford.example",
                "Aldshire Police": "neighbourhood.team@aldshire-police.example",
                "Riverford Homes": "safer.neighbourhoods@riverfordhomes.example",
                "Aldshire Fire and Rescue": ""}


def _moment(day: date, rng: random.Random) -> datetime:
    at = time(rng.choice([17, 18, 19, 20, 21, 22, 23, 0, 1, 2]), rng.randint(0, 59))
    when = timezone.make_aware(datetime.combine(day - timedelta(days=1) if at.hour >= 12 else day, at))
    # in the small hours, tonight's 01:00 has not happened yet: that entry is from last night
    return when - timedelta(days=1) if when > timezone.now() else when


def seed_dialin(users: dict[str, Any], *, seed: int = 2024, today: date | None = None, days: int = 14) -> dict[str, int]:
    """Two weeks of entries and the rest; returns what was made."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    counts = {"entries": 0, "cases": 0, "decisions": 0, "operations": 0, "initiatives": 0}
    with transaction.atomic():
        for name, email in DISTRIBUTION.items():
            agency = Agency.objects.filter(name=name).first()
            if agency:
                Distribution.objects.update_or_create(agency=agency, defaults={"emails": email})
        places = list(AsbCase.objects.filter(location__isnull=False).exclude(status=CaseStatus.CLOSED)
                      .select_related("location")[:40])
        known = {t.name for t in EntryType.objects.all()}
        busy = places[0].location if places else None
        for back in range(days - 1, -1, -1):
            day = today - timedelta(days=back)
            for _ in range(rng.randint(4, 9)):
                counts["entries"] += _entry(users, rng, day, places, known, busy)
        counts["cases"], counts["decisions"] = _meeting(users, today)
        _operation(users, today)
        counts["operations"] = 1
        _initiative(users, today)
        counts["initiatives"] = 1
    return counts


def _entry(users: dict[str, Any], rng: random.Random, day: date, places: list[AsbCase], known: set[str],
           busy: Any) -> int:
    username = rng.choice(list(REPORTERS))
    entry_type = rng.choice([t for t in REPORTERS[username] if t in known] or sorted(known))
    # A third at the places of open cases (the prompt "already on an open case"); a repeat location.
    location = busy if busy and rng.random() < 0.12 else (rng.choice(places).location if places and rng.random() < 0.33
                                                           else None)
    if location is not None:
        address, postcode, lat, lon, ward = (location.address, location.postcode, location.latitude,
                                             location.longitude, location.ward_name)
    else:
        base = rng.choice(places).location if places else None
        address = f"{rng.randint(1, 120)} {rng.choice(['Station Road', 'High Street', 'Mill Road', 'The Parade'])}"
        postcode, ward = (base.postcode, base.ward_name) if base else ("", "")
        lat = base.latitude + rng.uniform(-0.003, 0.003) if base and base.latitude else None
        lon = base.longitude + rng.uniform(-0.003, 0.003) if base and base.longitude else None
    row = rules.EntryRow(occurred_at=_moment(day, rng), entry_type=entry_type, account=ACCOUNTS.get(entry_type, entry_type),
                         address=address, postcode=postcode, latitude=lat, longitude=lon,
                         urgency=rng.choice(["routine"] * 6 + ["priority"] * 2 + ["urgent"]),
                         reference=f"DEMO-{day:%m%d}-{rng.randint(1000, 9999)}")
    _, created = services.log_entry(users[username], row, dial_in_on=day, ward_name=ward, source=EntrySource.DEMO)
    return int(created)


def _meeting(users: dict[str, Any], today: date) -> tuple[int, int]:
    """Decisions on the urgent entries of the last week; two entries become cases."""
    officer = users["asb.officer"]
    urgent = list(services.policy.dialin_entries(officer).filter(urgency="urgent", dial_in_on__gte=today - timedelta(days=7))
                  .order_by("dial_in_on")[:8])
    decisions = cases = 0
    for n, entry in enumerate(urgent):
        owner = "Aldshire Police" if n % 2 == 0 else "Riverford Council ASB Team"
        services.record_decision(officer, entry.pk, decision="Joint visit and patrols at closing time" if n % 2 == 0
                                 else "Council to contact the landlord and offer support", owner_agency=owner,
                                 due_on=entry.dial_in_on + timedelta(days=7))
        decisions += 1
        if n < 2 and not entry.case_id:
            services.convert_to_case(officer, entry.pk, case_type="Street drinking" if n == 0 else "Youth ASB / street group")
            cases += 1
    return cases, decisions


def _operation(users: dict[str, Any], today: date) -> None:
    police = users["police.officer"]
    council = Agency.objects.filter(name="Riverford Council ASB Team").first()
    start = today - timedelta(days=120)
    ratify = operations.plan_operation(police, name="Operation Ratify", aim="Reduce moped-enabled robbery and theft",
                                       starts_on=start, ends_on=today, wards="Town Centre, Riverside",
                                       agencies=[council] if council else [])
    for kind, quantity, offset in (("Arrests", 12, 10), ("Vehicles seized", 21, 15), ("Arrests", 18, 60),
                                   ("Stop-searches", 38, 70), ("Weapons seized", 16, 70), ("Vehicles seized", 29, 100)):
        operations.record_output(police, ratify, kind=kind, quantity=quantity, on=start + timedelta(days=offset))
    officer = users["asb.officer"]
    day = today - timedelta(days=20)
    scene = operations.plan_operation(officer, name="StreetScene day of action", aim="Clean up the Parade with partners",
                                      starts_on=day, ends_on=day)
    for kind, quantity in (("Waste removed", "1.6"), ("Door knocks", 78), ("Trade waste visits", 17)):
        operations.record_output(officer, scene, kind=kind, quantity=quantity, on=day)


def _initiative(users: dict[str, Any], today: date) -> None:
    places = [c.location for c in AsbCase.objects.filter(location__latitude__isnull=False).select_related("location")[:1]]
    lat, lon = (places[0].latitude, places[0].longitude) if places else (51.385, 0.525)
    area = "\n".join(f"{x:.5f} {y:.5f}" for x, y in ((lon - 0.004, lat - 0.003), (lon + 0.004, lat - 0.003),
                                                     (lon + 0.004, lat + 0.003), (lon - 0.004, lat + 0.003)))
    comparison = "\n".join(f"{x:.5f} {y:.5f}" for x, y in ((lon + 0.010, lat - 0.003), (lon + 0.018, lat - 0.003),
                                                           (lon + 0.018, lat + 0.003), (lon + 0.010, lat + 0.003)))
    start = today - timedelta(days=180)
    operations.plan_initiative(
        users["asb.officer"], name="Clear, Hold, Build: Station Road", starts_on=start, area=area,
        description="Police clear the dealing, partners hold the space, the community builds it back.",
        streets="Station Road, Mill Road, The Parade", comparison_name="Brook Close area", comparison=comparison,
        phases=[("Clear", start, start + timedelta(days=30)), ("Hold", start + timedelta(days=31), start + timedelta(days=120)),
                ("Build", start + timedelta(days=121), None)])
