"""The demo's CCTV estate: Riverford Council's public-space cameras, a year of the control
room's monthly activity and monitoring hours, faults (the seed's "intermittent loss of picture
in the High Street", "a cabling problem outside the station"), quarterly SEG meetings and their
decisions, placement reviews opened by the six-month rule, new-camera requests with a DPIA and
a Code self-assessment, rapid deployments and police footage requests, so every part of the
quarter's CCTV paper has something in it.

The demo's CCTV lead is ``asb.supervisor`` (cctv.manage_estate); ``asb.officer`` sees the
internal records (cctv.view_internal). Running it again adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import rules, services
from .models import ActivityMonth, Camera, MonitoringMonth

PREFIX = "RIV-"
SITES = ("High Street", "Station approach", "Market Square", "Bus station", "Riverside walk", "Castle car park",
         "Recreation ground", "Shopping parade", "Underpass", "Pier", "Library forecourt", "Clock tower",
         "Health centre", "Leisure centre", "Multi-storey car park", "Church Street", "Quayside", "College Road")
PURPOSES = (["crime", "asb"], ["crime", "night_time"], ["public_safety"], ["crime", "vawg"], ["asb", "drugs"],
            ["water_safety", "public_safety"], ["traffic"])


@dataclass
class DemoCctv:
    cameras: int = 0
    faults: int = 0
    reviews_by_rule: int = 0
    decisions: int = 0
    deployments: int = 0
    footage_requests: int = 0


def _users() -> dict[str, Any]:
    found = {u.username: u for u in get_user_model().objects.filter(
        username__in=["asb.supervisor", "asb.officer", "police.officer"])}
    return found


#: The fewest cameras the estate's story needs: three quiet ones (the 4th, 12th and 21st), two
#: ANPR (the 7th and 19th) and three rapid-deployment cameras after them (the last three).
MIN_CAMERAS = 24


def seed_cctv(lsoas: Sequence[Any], *, seed: int = 2024, today: date | None = None, cameras: int = 48) -> DemoCctv:
    """Seed the estate over the demo area's LSOAs (with ward_code, ward_name, corners): any area
    with at least one LSOA; an area with fewer LSOAs than cameras has several cameras in one."""
    if not lsoas:
        raise ValueError("The CCTV demo needs an area with at least one LSOA (load the geography first).")
    if cameras < MIN_CAMERAS:
        raise ValueError(f"The CCTV demo estate has at least {MIN_CAMERAS} cameras, not {cameras}.")
    result = DemoCctv()
    if Camera.objects.filter(camera_id__startswith=PREFIX).exists():
        return result
    users = _users()
    if "asb.supervisor" not in users:
        return result
    rng = random.Random(seed)
    today = today or timezone.localdate()
    services.grant_permission("asb.supervisor", "lead")
    services.grant_permission("asb.officer", "internal")
    lead = get_user_model().objects.get(pk=users["asb.supervisor"].pk)
    with transaction.atomic():
        estate = _cameras(lead, lsoas, rng, today, cameras)
        result.cameras = len(estate)
        months = [rules.add_months(today, -n) for n in range(12, 0, -1)]  # the last 12 complete months
        quiet = _activity(estate, months, rng)
        result.faults = _faults(lead, [c for c in estate if c.pk not in quiet], months, rng, today)
        _monitoring(months, rng)
        meetings = _meetings(lead, today)
        result.decisions = _decisions(lead, [c for c in estate[2:] if c.pk not in quiet], meetings)
        result.reviews_by_rule = len(services.open_zero_activity_reviews(today, lead, channel="cli"))
        _requests(lead, lsoas, meetings, today)
        result.deployments = _deployments(lead, estate, today)
        _code(lead, today)
        result.footage_requests = _footage(users.get("police.officer"), lead, estate, quiet, rng, today)
    return result


def _cameras(lead: Any, lsoas: Sequence[Any], rng: random.Random, today: date, n: int) -> list[Camera]:
    chosen = rng.sample(list(lsoas), min(n, len(lsoas)))
    chosen = [chosen[i % len(chosen)] for i in range(n)]  # a small area: more than one camera per LSOA
    estate = []
    for i, lsoa in enumerate(chosen, start=1):
        lon = float(sum(c[0] for c in lsoa.corners) / len(lsoa.corners)) + rng.uniform(-0.002, 0.002)
        lat = float(sum(c[1] for c in lsoa.corners) / len(lsoa.corners)) + rng.uniform(-0.001, 0.001)
        kind = "rapid" if i > n - 3 else "anpr" if i in (7, 19) else "ptz" if rng.random() < 0.3 else "fixed"
        installed = date(rng.randint(2010, 2023), rng.randint(1, 12), 1)
        camera = Camera(camera_id=f"{PREFIX}{i:03d}", location=f"{SITES[i % len(SITES)]}, {lsoa.ward_name}",
                        latitude=round(lat, 6), longitude=round(lon, 6), ward_code=lsoa.ward_code,
                        ward_name=lsoa.ward_name, ward_source="demo geography", lsoa_code=lsoa.code, kind=kind,
                        transmission="analogue" if installed.year < 2014 and kind != "rapid" else "digital",
                        permanence="temporary" if kind == "rapid" else "permanent", owner="Riverford Council",
                        funder="Safer Streets 5 grant" if installed.year >= 2022 else "",
                        installed_on=installed, end_of_life_on=date(installed.year + 15, installed.month, 1),
                        purposes=rng.choice(PURPOSES), annual_cost=Decimal(rng.choice([650, 800, 950, 1200])),
                        publish=kind != "anpr")
        camera.save_by(lead)
        estate.append(camera)
    return estate


def _activity(estate: list[Camera], months: list[date], rng: random.Random) -> set[int]:
    """A year of monthly activity. Two cameras are quiet for 7 months (the six-month rule opens
    their reviews), one for 5 (not yet); the rest see incidents in proportion to how busy."""
    quiet = {estate[3].pk: 7, estate[11].pk: 7, estate[20].pk: 5}
    rows = []
    for camera in estate:
        if camera.kind == "rapid":
            continue
        busy = rng.choice([0.3, 0.8, 1.5, 3, 6])
        for index, month in enumerate(months):
            if len(months) - index <= quiet.get(camera.pk, 0):
                rows.append(ActivityMonth(camera=camera, month=month, source_file="demo"))
                continue
            incidents = max(0, int(rng.gauss(busy, busy / 2 + 0.5)))
            police = min(incidents, int(rng.random() * (incidents / 2 + 1)))
            rows.append(ActivityMonth(camera=camera, month=month, incidents=incidents, police_requests=police,
                                      other_requests=int(rng.random() < 0.1), evidential=min(police, rng.randint(0, 2)),
                                      arrests=min(police, int(rng.random() < 0.2 * busy)), source_file="demo"))
    ActivityMonth.objects.bulk_create(rows)
    return set(quiet)


def _faults(lead: Any, estate: list[Camera], months: list[date], rng: random.Random, today: date) -> int:
    count = 0
    high_street = estate[0]
    station = estate[1]
    for month in months:
        for _ in range(rng.choice([1, 2, 2, 3])):
            camera = rng.choice(estate[4:])
            opened = month + timedelta(days=rng.randint(0, 25))
            if camera.faults.filter(closed_on__isnull=True).exists():
                continue
            fault = services.report_fault(lead, camera, kind=rng.choice(["picture", "cabling", "power", "network",
                                                                         "ptz", "obscured", "damage"]),
                                          reported_by=rng.choice(["Control room operator", "Aldshire Police",
                                                                  "Maintenance contractor"]),
                                          reported_on=opened, contractor_reference=f"JOB-{rng.randint(10000, 99999)}")
            services.close_fault(lead, fault, closed_on=min(today, opened + timedelta(days=rng.choice([1, 2, 3, 5, 8, 14]))),
                                 resolution="Repaired by the contractor")
            count += 1
    # Still open: the seed's two faults, one of them long enough to be flagged.
    services.report_fault(lead, high_street, kind="picture", reported_by="Control room operator",
                          description="Intermittent loss of picture", reported_on=today - timedelta(days=40),
                          contractor_reference="JOB-40411")
    services.report_fault(lead, station, kind="cabling", reported_by="Maintenance contractor",
                          description="Cabling problem outside the station", reported_on=today - timedelta(days=6),
                          contractor_reference="JOB-40502")
    return count + 2


def _monitoring(months: list[date], rng: random.Random) -> None:
    for month in months:
        hours = 24 * (rules.month_end(month) - month).days + 24
        MonitoringMonth.objects.get_or_create(month=month, defaults={
            "hours_monitored": hours, "downtime_hours": rng.choice([0, 0, 0, 0, 1.5, 3]), "source_file": "demo"})


def _meetings(lead: Any, today: date) -> list[Any]:
    """Quarterly SEG meetings, oldest first; the last one earlier this quarter."""
    quarter_start = rules.quarter_bounds(rules.quarter_of(today))[0]
    last = today - timedelta(days=min(21, (today - quarter_start).days))
    meetings = []
    for months_before in (9, 6, 3, 0):
        day = last - timedelta(days=round(30.4 * months_before))
        meetings.append(services.add_meeting(lead, reference=f"SEG-{day:%Y-%m}", held_on=day))
    return meetings


def _decisions(lead: Any, estate: list[Camera], meetings: list[Any]) -> int:
    analogue = [c for c in estate if c.transmission == "analogue"][:1] or [estate[5]]
    review = services.open_placement_review(lead, analogue[0], reason="Two old analogue cameras in the same car park "
                                            "doing essentially the same job", opened_on=meetings[1].held_on - timedelta(days=30))
    services.recommend(lead, review, recommendation="decommission", reason="Its neighbour covers the car park; replace "
                       "that one with a digital camera", on=meetings[1].held_on - timedelta(days=10))
    services.decide(lead, review, decision="decommission", meeting=meetings[1],
                    rationale="Duplicate coverage of the car park; the remaining camera is replaced with a digital one.")
    services.members_notified(lead, review, on=meetings[1].held_on + timedelta(days=5))
    rapid = [c for c in estate if c.kind == "rapid"][0]
    review = services.open_placement_review(lead, rapid, reason="Rapid-deployment camera at the recreation ground, "
                                            "subject of a public petition", opened_on=meetings[3].held_on - timedelta(days=20))
    services.recommend(lead, review, recommendation="make_permanent", reason="Further incidents since the last SEG; "
                       "colleagues find it a good resource; room in the budget", on=meetings[3].held_on - timedelta(days=7))
    services.decide(lead, review, decision="make_permanent", meeting=meetings[3],
                    rationale="Continued ASB at the recreation ground; the swap is affordable within the budget.")
    return 2


def _requests(lead: Any, lsoas: Sequence[Any], meetings: list[Any], today: date) -> None:
    request = services.request_new_camera(lead, trigger="ward_member", requester_name="Cllr A. Member",
                                          proposed_location="Lordswood shopping parade",
                                          reason="Residents report drug dealing and youth ASB by the shops in the evenings",
                                          estimated_cost=Decimal("6500"), opened_on=today - timedelta(days=45))
    services.save_dpia(lead, request, sections={"pressing_need": "Repeated reports of drug dealing (police and "
                                                "council records)", "purpose": "Prevent and detect crime and ASB"},
                       retention_days=31)
    services.request_new_camera(lead, trigger="public", proposed_location="Back lane behind Church Street",
                                reason="Fly-tipping and late-night noise", opened_on=today - timedelta(days=12))


def _deployments(lead: Any, estate: list[Camera], today: date) -> int:
    rapid = [c for c in estate if c.kind == "rapid"]
    services.deploy(lead, camera=rapid[1], site="Riverside footpath", purpose="vawg",
                    problem="Women report being followed on the unlit footpath", deployed_on=today - timedelta(days=100),
                    review_due_on=today - timedelta(days=10))
    d = services.deploy(lead, camera=rapid[2], site="Skate park", purpose="asb", problem="Nuisance motorbikes",
                        deployed_on=today - timedelta(days=200), review_due_on=today - timedelta(days=110))
    services.review_deployment(lead, d, reviewed_on=today - timedelta(days=110),
                               outcome="No requests from the police for footage since deployment; problem moved on",
                               removed_on=today - timedelta(days=105))
    return 2


def _code(lead: Any, today: date) -> None:
    evidence = {1: "Each camera's purpose is in the register", 2: "Zero-activity rule and six-monthly reviews",
                3: "Signage at every site; the register is published", 4: "CCTV lead named; SEG oversight",
                5: "Operating procedures issued to the control room", 6: "Images kept 31 days, then overwritten",
                7: "Footage requests logged and answered by the lead", 8: "Control room staff hold SIA licences",
                9: "Control room access by card; the network is segregated",
                10: "Annual report to the SEG; no independent audit yet", 11: "Evidential quality checked quarterly",
                12: "ANPR hot lists: weekly update not yet evidenced"}
    rag = {10: "amber", 12: "red", 5: "amber"}
    services.assess_estate_against_the_code(lead, assessed_on=today - timedelta(days=60), principles={
        str(n): {"rag": rag.get(n, "green"), "evidence": text} for n, text in evidence.items()})


def _footage(police: Any, lead: Any, estate: list[Camera], quiet: set[int], rng: random.Random, today: date) -> int:
    if police is None:
        return 0
    busy = [c for c in estate if c.pk not in quiet and c.kind != "rapid" and c.status != "decommissioned"]
    n = 0
    for _ in range(30):
        requested = today - timedelta(days=rng.randint(1, 360))
        found = services.request_footage(police, camera=rng.choice(busy), incident_on=requested - timedelta(days=rng.randint(0, 3)),
                                         reference=f"46/{rng.randint(10000, 99999)}/{requested:%y}",
                                         purpose="Investigation of a reported offence", requested_on=requested)
        if requested < today - timedelta(days=7):
            services.answer_footage_request(lead, found, status=rng.choice(["provided", "provided", "provided", "no_footage"]),
                                            on=requested + timedelta(days=3))
        n += 1
    return n

