"""Governance for the demo partnership: a Community Safety Plan with four priorities and 30
actions updated for four quarters, the SEG and the SOCP with their meetings, decisions and
actions arising, statutory deadlines, two grants with workstreams and returns, engagement events
and a monthly anonymous outreach night. Everything goes through services.py.

Run after the casework demo (it uses its agencies and users); run again, it adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from csphub.accounts.models import Agency

from . import rules, services
from .models import OutreachProgramme, Plan, QuarterlyUpdate

PLAN_NAME = "Riverford Community Safety Plan 2024-28"
COUNCIL, POLICE, FIRE, HOUSING = ("Riverford Council ASB Team", "Aldshire Police", "Aldshire Fire and Rescue",
                                  "Riverford Homes")
PROBATION, HEALTH, VS, CATCH22 = ("Probation Service (Aldshire)", "Riverford Mental Health Trust", "Victim Support",
                                  "Catch22")
WARDENS, CHILDREN = "Riverford Council Community Wardens", "Riverford Children's Services"

PRIORITIES = (
    ("Strengthening Communities", "To keep Riverford a safe place to live, work, study and visit, with fewer victims of ASB."),
    ("Supporting Victims and Tackling Offenders of Sexual and Domestic Abuse", "Fewer victims of domestic and sexual abuse, and every victim offered support."),
    ("Tackling the harm caused by substance misuse", "Reduce the harm drugs and alcohol do, and the crime and ASB that come with them."),
    ("Reducing Re-offending", "Give people in the criminal justice system the chance to change."),
)

# priority, objective, what we will do, theme, lead, partners, target, unit (target None: milestone)
ACTIONS: tuple[tuple[int, str, str, str, str, tuple[str, ...], int | None, str], ...] = (
    (1, "Tackling ASB", "Respond to every ASB Case Review application within the published timescales", "protect", COUNCIL, (POLICE, HOUSING), None, "All reviews decided within 10 working days"),
    (1, "Tackling ASB", "Run the Daily Dial In with partners every working day", "prepare", COUNCIL, (POLICE, WARDENS), 250, "dial-ins held"),
    (1, "Tackling ASB", "Issue Community Protection Warnings to persistent perpetrators", "pursue", COUNCIL, (POLICE,), 120, "warnings"),
    (1, "Tackling ASB", "Joint patrols enforcing the town centre PSPOs", "pursue", POLICE, (WARDENS,), 96, "patrols"),
    (1, "Preventing radicalisation", "Deliver Prevent awareness training to frontline staff", "prevent", COUNCIL, (POLICE, CHILDREN), 400, "staff trained"),
    (1, "Preventing radicalisation", "Refresh the partnership action plan from the Counter Terrorism Local Profile", "prepare", POLICE, (COUNCIL,), None, "Action plan agreed at SEG"),
    (1, "Supporting our Town Centres", "Support Street Pastors in the night-time economy", "protect", COUNCIL, (POLICE,), 48, "nights covered"),
    (1, "Engaging with our communities", "Hold community engagement events where crime and ASB are highest", "prevent", COUNCIL, (POLICE, FIRE), 60, "events"),
    (1, "Engaging with our communities", "Support each university and college Freshers Fayre", "prevent", COUNCIL, (POLICE,), 3, "fayres"),
    (1, "Road and water safety", "Bikeability cycle training for year 6 pupils", "prevent", COUNCIL, (), 1000, "pupils"),
    (1, "Road and water safety", "Water safety events with the RNLI and fire service", "prevent", FIRE, (COUNCIL,), 12, "events"),
    (2, "Tackling domestic abuse", "Recommission a single integrated domestic abuse service", "protect", COUNCIL, (HEALTH,), None, "New service live"),
    (2, "Tackling domestic abuse", "Train domestic abuse champions across partner organisations", "prevent", COUNCIL, (POLICE, HOUSING, HEALTH), 80, "champions trained"),
    (2, "Tackling domestic abuse", "Face-to-face contact for every reported victim by the dedicated DA car", "protect", POLICE, (), 1200, "victims visited"),
    (2, "Tackling child sexual exploitation", "Operation Encompass notifications to every school", "protect", POLICE, (CHILDREN,), None, "All schools signed up"),
    (2, "Tackling human trafficking", "Multi-agency operations on trafficking hotspots", "pursue", POLICE, (COUNCIL,), 8, "operations"),
    (2, "Tackling hate crime", "Keep seven third-party reporting hubs trained", "protect", COUNCIL, (POLICE,), 7, "hubs trained"),
    (2, "Violence against women and girls", "Safe Spaces scheme in town centre venues", "protect", POLICE, (COUNCIL,), 40, "venues signed up"),
    (3, "Addressing homelessness and begging", "Rough sleeper outreach with the Street Angels", "protect", HOUSING, (COUNCIL, HEALTH), 300, "contacts"),
    (3, "Addressing homelessness and begging", "Housing First places for the most complex needs", "protect", HOUSING, (HEALTH,), 20, "people housed"),
    (3, "Preventing and treating drug and alcohol misuse", "Joint needs assessment quarterly addenda for the CDP", "prepare", HEALTH, (POLICE, COUNCIL), None, "Addendum at each CDP meeting"),
    (3, "Preventing and treating drug and alcohol misuse", "Naloxone kits issued through partners", "protect", HEALTH, (PROBATION,), 500, "kits"),
    (3, "Tackling illicit tobacco", "Illicit tobacco roadshows in town centres", "prevent", COUNCIL, (POLICE,), 6, "roadshows"),
    (3, "Tackling illicit tobacco", "Test purchase and seizure operations", "pursue", COUNCIL, (POLICE,), 10, "operations"),
    (3, "County lines", "Cuckooing visits to vulnerable tenants", "protect", POLICE, (HOUSING, COUNCIL), 150, "visits"),
    (4, "Integrated Offender Management", "Manage the IOM cohort and evaluate its effect", "pursue", PROBATION, (POLICE,), None, "Evaluation reported to SEG"),
    (4, "Community Payback", "Community Payback projects nominated by members and wardens", "prevent", PROBATION, (COUNCIL,), 40, "projects"),
    (4, "Interventions", "Building Better Relationships programme places", "prevent", PROBATION, (), 60, "completions"),
    (4, "Youth justice", "Weapons awareness course for young people at risk", "prevent", CHILDREN, (POLICE, CATCH22), 90, "young people"),
    (4, "Youth justice", "Reparation projects with the council's facilities team", "prevent", CHILDREN, (COUNCIL,), 24, "projects"),
)

SEG_ITEMS = (("Prevent Update", "prevent"), ("CCTV", "cctv"), ("Combatting Drugs", "drugs"),
             ("Violence Reduction Unit", "vru"), ("Riverford Task Force", "task_force"),
             ("CSP Action Plan", "action_plan"), ("PCC Crime Reduction", "pcc_grant"))

# topic -> one minute per meeting (the demo's four SEG meetings, oldest first)
SEG_NOTES = {
    "prevent": [
        "The threat level for terrorism remains substantial. Aldshire remains a Prevent priority area and Home Office "
        "funding is confirmed for a further two years.",
        "The Counter Terrorism Local Profile has been refreshed; the priorities have not changed: Islamist extremism, "
        "extreme right-wing, self-initiated attacks and the online threat.",
        "The Prevent team has completed its new domestic abuse and extremism training; Riverford remains the highest "
        "referring area in the county.",
        "The Gaming Bus visited two secondary schools and a youth club, raising awareness of hate and extremism online.",
    ],
    "cctv": [
        "The CCTV network is very strong with only {faults} faults: a camera in the High Street with intermittent loss "
        "of picture and the camera outside the station, due to a cabling problem.",
        "Since the last meeting there have been further incidents at the recreation ground; colleagues feel the two "
        "rapid deployment cameras are a good resource to have. Finance have confirmed there is room in the budget.",
        "The new CCTV partnership contract has been agreed and signed. {faults} faults are outstanding.",
        "The monthly zero-activity report was circulated; no camera has reported zero activity for six months.",
    ],
    "drugs": [
        "The Combating Drugs Partnership has agreed its terms of reference; the Director of Public Health is the Senior "
        "Responsible Officer.",
        "The joint needs assessment found cannabis the most used substance and cocaine the second; illicit opioids are "
        "the main reason people enter treatment.",
        "The strategic action plan is in place and partners are measured against it; baselines are being set for each "
        "local measure.",
        "The CDP's annual conference is planned; the continuity of care group reported on prison releases.",
    ],
    "vru": [
        "The Violence Reduction Unit continues to fund the hospital navigator scheme and community sports programmes.",
        "The Serious Violence strategic needs assessment has been published; violence with injury, robbery and knife "
        "or weapon harm are the most frequent serious violence in Riverford.",
        "Focused deterrence has widened from young street groups to knife and weapon harm.",
        "The VRU's budget for next year is confirmed at the current level.",
    ],
    "task_force": [
        "The Riverford Task Force has focused on the town centre this quarter, with joint visits to vulnerable tenants.",
        "The Task Force has moved its focus to Riverside; 14 cuckooing visits were made with housing officers.",
        "Joint patrols enforcing the town centre PSPOs continued on Friday and Saturday nights.",
        "A week of action on nuisance vehicles led to eight Section 59 warnings.",
    ],
    "action_plan": [
        "The refreshed Action Plan was presented; leads were asked to report quarterly.",
        "Actions off track were discussed with their leads; the Bikeability courses resume in the spring term.",
        "The Action Plan was reviewed against the Strategic Assessment's findings.",
        "Leads of the red actions set out their recovery plans.",
    ],
    "pcc_grant": [
        "The PCC Crime Reduction Grant for the year has been confirmed.",
        "The grant continues to fund rapid deployment CCTV and the boxing programme.",
        "Drop-in football now attracts over 100 young people each week.",
        "The return to the PCC for the half year was submitted on time.",
    ],
}

SEG_DECISIONS = (
    ("cctv", "decision", "Agreed that one of the two analogue cameras in the Cricketers car park is removed and the other "
                         "replaced with a new digital camera."),
    ("cctv", "decision", "Agreed to keep the two rapid deployment cameras at the recreation ground, with an update at a "
                         "future meeting."),
    ("drugs", "decision", "Agreed that the joint needs assessment will be a living document with quarterly addenda, "
                          "a 12-month review and a rewrite every three years."),
    ("cctv", "decision", "Agreed for these cameras to be made permanent."),
    ("action_plan", "recommendation", "That the refreshed Action Plan for the coming year is presented to Overview "
                                      "and Scrutiny."),
    ("cctv", "pending", "Whether to install a new camera at Station Road underpass, awaiting the privacy impact "
                        "assessment."),
)

TOKENS = [f"{word}{n}" for word in ("robin", "star", "moon", "rose", "lily", "fox", "blue", "sun", "oak", "wren")
          for n in range(1, 10)]


def _agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


def _quarters_back(today: date, n: int) -> list[rules.Quarter]:
    q = rules.quarter_of(today)
    found = []
    for _ in range(n):
        q = _previous(q)
        found.append(q)
    return list(reversed(found))


def _previous(q: rules.Quarter) -> rules.Quarter:
    return rules.Quarter(q.year - (q.number == 1), (q.number - 2) % 4 + 1)


@transaction.atomic
def seed_governance(*, wards: Sequence[tuple[str, str]] = (), seed: int = 2024, today: date | None = None) -> dict[str, int]:
    """Seed the demo's governance (nothing if the demo plan exists). ``wards``: (code, name)
    of the area's wards, busiest for crime and ASB first, where most events are held."""
    if Plan.objects.filter(name=PLAN_NAME).exists():
        return {}
    today = today or timezone.localdate()
    rng = random.Random(seed)
    admin = get_user_model().objects.filter(username="csp.admin").first()
    counts: dict[str, int] = {}
    quarters = _quarters_back(today, 4)
    _seed_plan(admin, quarters, rng, counts)
    _seed_boards(admin, quarters, rng, today, counts)
    _seed_grants(admin, quarters, rng, counts)
    _seed_events(admin, quarters, rng, list(wards) or [("", "Riverford Central")], counts)
    _seed_outreach(admin, quarters, rng, counts)
    return counts


def _seed_plan(user: Any, quarters: list[rules.Quarter], rng: random.Random, counts: dict[str, int]) -> None:
    start = quarters[0].start
    plan = services.create_plan(None, name=PLAN_NAME, starts_on=date(start.year, 4, 1),
                                ends_on=date(start.year + 4, 3, 31), aligned_to="the PCC's Safer in Aldshire Plan")
    plan.refreshed_on = start
    plan.save_by(user)
    priorities = []
    for number, (title, aim) in enumerate(PRIORITIES, start=1):
        p = services.priority_of(user, plan, number, title)
        p.aim = aim
        p.save_by(user)
        priorities.append(p)
    officers = {u.membership.agency.name: u for u in get_user_model().objects.filter(membership__role="officer")
                .select_related("membership__agency")}
    last = quarters[-1]
    year_end = date(last.year + 1, 3, 31)  # the end of the financial year of the latest quarter
    for i, (pr, objective, title, theme, lead, partners, target, unit) in enumerate(ACTIONS, start=1):
        ref = f"{pr}.{sum(1 for a in ACTIONS[:i] if a[0] == pr)}"
        action = services.add_action(
            user, priorities[pr - 1], reference=ref, objective=objective, title=title, theme=theme, led_by=_agency(lead),
            lead_officer=officers.get(lead), partners=[_agency(p) for p in partners],
            target=Decimal(target) if target is not None else None, unit=unit if target is not None else "",
            milestone=unit if target is None else "", starts_on=quarters[0].start,
            due_on=year_end if i % 7 else quarters[-1].end,
            done_so_far="Continued from the previous plan." if i % 3 else "")
        pace = rng.choice([1.15, 1.05, 1.0, 0.95, 0.9, 0.85, 0.7, 0.6]) if target is not None else 0
        for n, q in enumerate(quarters, start=1):
            if target is not None:
                expected = rules.expected_by(Decimal(target), action.starts_on, action.due_on, q.end)
                achieved = (expected * Decimal(str(pace))).quantize(Decimal(1))
                narrative = f"{int(achieved):,} {unit} so far against a target of {target:,}."
                services.record_update(user, action, quarter=q, narrative=narrative, achieved=achieved)
            else:
                met = n == len(quarters) and i % 2 == 0
                services.record_update(user, action, quarter=q, narrative="Milestone met." if met else "In progress.",
                                       milestone_met=met)
    red = QuarterlyUpdate.objects.filter(action__priority__plan=plan, year=last.year, quarter=last.number,
                                         automatic_rag=rules.RED).select_related("action").first()
    if red is not None:  # a lead overriding the rule, with a reason
        services.record_update(user, red.action, quarter=last, narrative=red.narrative, achieved=red.achieved,
                               rag_override=rules.AMBER, override_reason="the second cohort starts next month")
    counts["actions"] = len(ACTIONS)


def _seed_boards(user: Any, quarters: list[rules.Quarter], rng: random.Random, today: date, counts: dict[str, int]) -> None:
    agencies = list(Agency.objects.all())
    seg = services.create_board(None, name="Strategic Executive Group", short_name="SEG", chair_role="CSP Manager",
                                terms_of_reference="The CSP's strategic board of the responsible authorities: sets and "
                                "monitors the Community Safety Plan and decides on CCTV deployments.",
                                members=agencies, standing_items=SEG_ITEMS)
    socp = services.create_board(None, name="Serious and Organised Crime Partnership", short_name="SOCP",
                                 frequency="monthly", chair_role="Police District Commander",
                                 members=[_agency(POLICE), _agency(COUNCIL), _agency(HOUSING), _agency(PROBATION)],
                                 standing_items=(("Emerging threats", "threats"), ("Organised crime groups", "ocg"),
                                                 ("County lines", "county_lines")))
    for key in ("strategic_assessment", "sv_needs_assessment", "sv_strategy", "cdp_jna_review"):
        services.add_statutory_deadline(user, key, rules.add_months(quarters[-1].end, rng.choice([1, 2, 4, 6])), seg)
    services.add_statutory_deadline(user, "cdp_jna_addendum", quarters[-1].end + timedelta(days=30), seg)
    services.add_statutory_deadline(user, "cdp_jna_rewrite", date(quarters[0].year + 3, 1, 31), seg)
    from .models import CalendarItem

    for title, months in (("Safeguarding Adults Board: the Independent Chair's annual attendance", 2),
                          ("Safeguarding Children Partnership: annual report to the SEG", 5)):
        item = CalendarItem(title=title, kind=CalendarItem.Kind.ATTENDANCE, board=seg,
                            due_on=rules.add_months(quarters[-1].end, months), recurrence="yearly")
        item.save_by(user)
    decisions = iter(SEG_DECISIONS)
    officer = get_user_model().objects.filter(username="asb.officer").first()
    meetings = 0
    for number, q in enumerate(quarters):
        meeting = services.schedule_meeting(None, seg, held_on=q.start + timedelta(days=40), place="Riverford Civic Centre")
        for item in meeting.agenda.filter(source="standing"):
            notes = SEG_NOTES.get(item.topic)
            if notes:
                item.notes = notes[number % len(notes)].format(faults=rng.randint(1, 4))
                item.save()
        services.record_meeting(None, meeting, minutes="Minutes agreed as a true record.",
                                attending=rng.sample(agencies, k=min(8, len(agencies))))
        for _ in range(2 if q != quarters[-1] else 1):
            d = next(decisions, None)
            if d:
                services.record_decision(None, meeting, topic=d[0], kind=d[1], text=d[2])
        services.add_meeting_action(None, meeting, description="Circulate the CCTV zero-activity report to members",
                                    owner_agency=_agency(COUNCIL), owner=officer, due_on=meeting.held_on + timedelta(days=28))
        meetings += 1
    for month in range(6):
        day = rules.add_months(quarters[-2].start, month) + timedelta(days=9)
        if day >= today:
            break
        m = services.schedule_meeting(None, socp, held_on=day)
        services.record_meeting(None, m, minutes="Threats reviewed; intelligence gaps assigned.",
                                attending=list(socp.member_agencies.all()))
        meetings += 1
    services.schedule_meeting(None, seg, held_on=rules.quarter_of(today).next().start + timedelta(days=40))
    counts["meetings"] = meetings


WORKSTREAMS = {
    "Safer Streets": (
        ("Neighbourhood Watch", 8000, 4, "new schemes", 120, "households signed up"),
        ("Door staff and security training", 12000, 6, "training courses", 90, "door staff trained"),
        ("Additional CCTV", 95000, 3, "new sites monitored for 18 months", None, ""),
        ("Youth Development Worker", 45000, 40, "outreach sessions", 150, "young people engaged"),
        ("Women and girls sessions", 30000, 18, "sessions", 4, "family events"),
    ),
    "PCC Crime Reduction Grant": (
        ("Rapid deployment CCTV", 22000, 10, "deployments", None, ""),
        ("Boxing programme", 9000, 6, "programmes", 60, "young people completing"),
        ("Drop-in football", 6000, 40, "weekly sessions", 120, "young people attending"),
    ),
}


def _seed_grants(user: Any, quarters: list[rules.Quarter], rng: random.Random, counts: dict[str, int]) -> None:
    start, end = quarters[0].start, rules.add_months(quarters[0].start, 18) - timedelta(days=1)
    for fund, rnd, amount in (("Safer Streets", "5", 190000), ("PCC Crime Reduction Grant", "2024/25", 37000)):
        grant = services.create_grant(None, fund=fund, round=rnd, amount=Decimal(amount), starts_on=start, ends_on=end,
                                      led_by=_agency(COUNCIL), conditions="Quarterly monitoring returns to the funder.",
                                      reporting_dates=[q.end + timedelta(days=30) for q in quarters])
        for title, budget, output, output_unit, outcome, outcome_unit in WORKSTREAMS[fund]:
            ws = services.add_workstream(None, grant, title=title, budget=Decimal(budget), planned_output=Decimal(output),
                                         output_unit=output_unit, outcome_unit=outcome_unit,
                                         planned_outcome=Decimal(outcome) if outcome is not None else None)
            for n, q in enumerate(quarters, start=1):
                share = Decimal(1) / Decimal(len(quarters) + 2)
                services.record_return(user, ws, quarter=q,
                                       outputs=Decimal(round(output * float(share) * rng.uniform(0.8, 1.3))),
                                       outcomes=Decimal(round((outcome or 0) * float(share) * rng.uniform(0.8, 1.3))),
                                       spend=(Decimal(budget) * share).quantize(Decimal(1)), note=f"Quarter {n} return.")
    counts["grants"] = 2


def _seed_events(user: Any, quarters: list[rules.Quarter], rng: random.Random, wards: list[tuple[str, str]],
                 counts: dict[str, int]) -> None:
    kinds = (("Community safety stall", "residents"), ("Freshers Fayre", "students"), ("Dementia cafe talk", "older residents"),
             ("Safety in Action", "year 6 pupils"), ("Bank scams awareness", "older residents"), ("Youth club visit", "young people"))
    partners = [_agency(POLICE), _agency(FIRE), _agency(HOUSING)]
    n = 0
    for q in quarters:
        for _ in range(rng.randint(8, 12)):
            title, audience = rng.choice(kinds)
            code, name = wards[min(int(rng.expovariate(0.35)), len(wards) - 1)]
            services.record_event(None, title=title, held_on=q.start + timedelta(days=rng.randint(0, 85)),
                                  place=f"{name} community hub", ward_code=code, ward_name=name, audience=audience,
                                  partners=rng.sample(partners, k=2),
                                  attendees={"adults": rng.randint(5, 40), "young people": rng.randint(0, 30)},
                                  items_given={"personal attack alarms": rng.randint(0, 25),
                                               "property marker pens": rng.randint(0, 20),
                                               "anti-spike bottle tops": rng.randint(0, 30)},
                                  feedback={"found it useful": rng.randint(80, 100)})
            n += 1
    counts["events"] = n


def _seed_outreach(user: Any, quarters: list[rules.Quarter], rng: random.Random, counts: dict[str, int]) -> None:
    programme = OutreachProgramme(name="Ladies Night", funded_by="PCC Crime Reduction Grant",
                                  description="Monthly women-only evening, 8pm to 11pm, for women who are sex working "
                                  "and/or homeless. Services attend without ID badges; no personal details are taken "
                                  "unless a woman offers them, and no service carries out interventions.")
    programme.save_by(user)
    services_there = ["Substance misuse service", "Domestic abuse service", "Sexual health clinic", "Police RASSO officer",
                      "Street Angels", "Rough Sleeping Initiative", "Housing Services", "Complex Needs Nurse"]
    regulars = TOKENS[:30]
    n = 0
    for q in quarters:
        for month in range(3):
            day = rules.add_months(q.start, month) + timedelta(days=14)
            attendees = rng.randint(17, 27)
            with_token = rng.randint(attendees // 2, attendees - 2)
            tokens = set(rng.sample(regulars, k=min(with_token // 2, len(regulars))))
            while len(tokens) < with_token:
                tokens.add(rng.choice(TOKENS))
            services.record_outreach_session(
                None, programme, held_on=day, attendees=attendees, services_present=rng.sample(services_there, k=6),
                outcomes={"housing_advice": rng.randint(0, 3), "sexual_health": rng.randint(1, 4),
                          "benefits": rng.randint(0, 2), "health_treatment": rng.randint(0, 2),
                          "found_accommodation": int(rng.random() < 0.2), "food_voucher": rng.randint(2, 8)},
                safeguarding_escalations=int(rng.random() < 0.15), tokens=sorted(tokens))
            n += 1
    counts["outreach_sessions"] = n
