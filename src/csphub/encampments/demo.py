"""Synthetic encampments for the demo partnership: a site register, three financial years of
incursions (more each year, repeat sites, a move from one site to the next, one still on site
with a step overdue), their welfare checks, legal steps, outcomes and costs, and tents records
with people from the demo casework.

Everything goes through services.py, so the demo obeys the same rules (a power only where the
facts support it, s78 after s77, police powers by the police) and is audited.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from csphub.casereview.deadlines import add_working_days
from csphub.dates import financial_year_of

from . import services
from .models import Site

# name, land owner, owner's name, description
DEMO_SITES: tuple[tuple[str, str, str, str], ...] = (
    ("Riverford Common", "council", "", "Main field off Mill Lane, by the car park gate"),
    ("Castle Meadows", "council", "", "Lower meadow by the play area"),
    ("Brook Lane lay-by", "highway", "", "Lay-by on the B2130 northbound"),
    ("Netherby Park and Ride", "council", "", "Overflow car park"),
    ("St Mary's Primary School field", "school", "St Mary's Primary School", "Playing field behind the hall"),
    ("Lowfield Industrial Estate", "private", "Lowfield Estates Ltd", "Vacant plot, unit 14"),
    ("Gorsey Bank recreation ground", "council", "", "Football pitches"),
    ("Hythe Cross retail park", "private", "Hythe Cross Retail LLP", "Rear service yard"),
)

#: Incursions per financial year counted back from this one (0: the year so far).
PER_YEAR = {2: 5, 1: 7, 0: 12}


def _centre(corners: Any) -> tuple[float, float]:
    return (round(float(sum(c[1] for c in corners) / len(corners)), 6),
            round(float(sum(c[0] for c in corners) / len(corners)), 6))


def _users() -> dict[str, Any]:
    found = {u.username: u for u in get_user_model().objects.filter(
        username__in=["asb.officer", "asb.officer2", "police.officer"])}
    missing = {"asb.officer", "police.officer"} - set(found)
    if missing:
        raise RuntimeError(f"The demo casework users {sorted(missing)} are missing: seed the casework first.")
    return found


def seed_encampments(lsoas: Sequence[Any], *, seed: int = 2024, today: date | None = None) -> dict[str, int]:
    """Sites, incursions and tents records; nothing if sites are already registered."""
    if Site.objects.exists():
        return {}
    rng = random.Random(seed)
    today = today or timezone.localdate()
    users = _users()
    council, police = users["asb.officer"], users["police.officer"]
    counts = {"sites": 0, "incursions": 0, "steps": 0, "tents": 0}
    with transaction.atomic():
        places = rng.sample(list(lsoas), len(DEMO_SITES))
        sites = []
        for (name, owner, owner_name, description), lsoa in zip(DEMO_SITES, places, strict=True):
            lat, lon = _centre(lsoa.corners)
            sites.append(services.add_site(council, name=name, land_owner=owner, owner_name=owner_name,
                                           description=description, latitude=lat, longitude=lon,
                                           ward_name=lsoa.ward_name))
        counts["sites"] = len(sites)
        this_year = financial_year_of(today)
        arrivals: list[tuple[datetime, Any]] = []
        for back, n in PER_YEAR.items():
            year = this_year.previous(back)
            last = min(year.end, today - timedelta(days=10))  # every step of these is in the past
            if last < year.start:
                continue
            for _ in range(n):
                day = year.start + timedelta(days=rng.randint(0, (last - year.start).days))
                # Repeat sites: the common and the meadows take most arrivals.
                site = rng.choices(sites, weights=[6, 4, 2, 2, 1, 1, 2, 1])[0]
                arrivals.append((timezone.make_aware(datetime.combine(day, time(rng.choice([7, 16, 18, 20])))), site))
        arrivals.sort(key=lambda a: a[0])
        made = [_incursion(council, police, at, site, rng, today, counts) for at, site in arrivals]
        _link_moves(council, made, rng)
        # One arrived yesterday evening and is still there: its s77 is due (or overdue) today.
        latest = services.record_incursion(council, services.IncursionInput(
            site=sites[0], arrived_at=timezone.make_aware(datetime.combine(today - timedelta(days=3), time(19))),
            caravans=7, vehicles=10, people=22, children=6, reported_by="public", impact_waste=True))
        services.record_step(council, latest, step="welfare_check", taken_on=today - timedelta(days=2))
        counts["incursions"] = len(made) + 1
        counts["tents"] = _tents(council, sites, rng, today)
    return counts


def _incursion(council: Any, police: Any, at: datetime, site: Any, rng: random.Random, today: date,
               counts: dict[str, int]) -> Any:
    caravans = rng.randint(2, 12)
    vehicles = caravans + rng.randint(0, 4)
    harm = rng.random() < 0.4
    incursion = services.record_incursion(council, services.IncursionInput(
        site=site, arrived_at=at, caravans=caravans, vehicles=vehicles, people=caravans * rng.randint(2, 3),
        children=rng.randint(0, caravans), reported_by=rng.choice(["public", "council", "police", "councillor"]),
        damage_disruption_distress=harm, impact_asb=harm and rng.random() < 0.5, impact_waste=rng.random() < 0.6,
        impact_damage=harm))
    arrived = incursion.arrived_on
    day1, day2, day3 = (add_working_days(arrived, n) for n in (1, 2, 3))
    services.record_welfare(council, incursion, welfare_checked_on=arrived if at.hour < 17 else day1,
                            welfare_needs="No significant needs identified", children_schooling=(
                                "Children attend school in their home area" if incursion.children else ""),
                            health="No concerns raised", welfare_outcome="no_concerns")
    services.record_step(police if rng.random() < 0.7 else council, incursion, step="joint_visit", taken_on=day1)
    counts["steps"] += 2
    if (harm or vehicles >= 6) and (site.land_owner == "private" or rng.random() < 0.4):
        services.update_facts(council, incursion, asked_to_leave_on=day1, route="police")
        services.record_step(police, incursion, step="s61", taken_on=day1, notes="Directed to leave within 24 hours")
        counts["steps"] += 1
        left = day2
    elif site.land_owner == "council" and rng.random() < 0.25:
        services.update_facts(council, incursion, route="civil")
        services.record_step(council, incursion, step="ipo", taken_on=day2, notes="Interim possession order claimed")
        counts["steps"] += 1
        left = add_working_days(arrived, 5)
    else:
        services.update_facts(council, incursion, route="cjpoa")
        services.record_step(council, incursion, step="s77", taken_on=day1, notes="Served on each vehicle (s79)")
        counts["steps"] += 1
        left = day1 + timedelta(days=1) if rng.random() < 0.3 else None
        if left is None:
            hearing = day2 if rng.random() < 0.7 else add_working_days(arrived, 3)
            services.record_step(council, incursion, step="s78", taken_on=min(hearing, today), notes="Order granted")
            counts["steps"] += 1
            left = add_working_days(arrived, 3 if hearing == day2 else 4)
    left = min(left, today - timedelta(days=1))
    hardening = rng.sample(["bunds", "gates", "height_barriers", "boulders"], rng.randint(0, 2))
    services.record_outcome(council, incursion, left_on=max(left, arrived), arrests=int(rng.random() < 0.1),
                            cleanup_cost=rng.choice([0, 350, 800, 1200, 2400]),
                            repair_cost=rng.choice([0, 0, 450, 1500]), legal_cost=rng.choice([0, 300, 650]),
                            target_hardening=hardening, site_reentered=bool(hardening) and rng.random() < 0.3)
    return incursion


def _link_moves(council: Any, made: Sequence[Any], rng: random.Random) -> None:
    """Some groups move to another site in the area the day they leave: link the two."""
    for before, after in zip(made, made[1:], strict=False):
        if before.site_id != after.site_id and before.left_on and 0 <= (after.arrived_on - before.left_on).days <= 1:
            services.record_outcome(council, before, moved_to=after)


def _tents(council: Any, sites: Sequence[Any], rng: random.Random, today: date) -> int:
    people = services.people_for_tents(council, purpose="demo tents")[:40]
    if not people:
        return 0
    places = ("Multi-storey car park stairwell, Station Road", "Riverside path under the bridge",
              "Doorway of the former bank, High Street", "Castle Meadows woodland edge", "Churchyard, St Mary's",
              "Underpass by the bus station")
    reasons = (["not_engaging"], ["alternative_accommodation"], ["asb"], ["not_engaging", "asb"])
    made = 0
    for n, place in enumerate(places * 2):
        reported = today - timedelta(days=rng.randint(5, 500))
        chosen = rng.sample(people, min(len(people), rng.randint(1, 2)))
        tent = services.record_tent_case(council, services.TentInput(
            location=place, reported_on=reported, reasons=rng.choice(reasons), people=chosen,
            tents=len(chosen), outreach_offered_on=reported, outreach="Street outreach team visited with housing options",
            housing_offer=rng.choice(["Hostel bed offered: declined", "Supported housing referral made",
                                      "Has a tenancy elsewhere in Riverford"]),
            site=sites[1] if "Castle Meadows" in place else None))
        if n % 3 != 2:
            services.record_tent_outcome(council, tent, outcome=rng.choice(["accommodated", "moved_on", "moved_on",
                                                                            "arrested"]),
                                         outcome_on=reported + timedelta(days=rng.randint(1, 10)),
                                         tools=rng.sample(["advice", "cpw", "s35", "arrest"], 2))
        made += 1
    return made
