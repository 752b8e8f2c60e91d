"""What each casework page and list answer shows: read through csphub.access (filtered and
audited in one call), so a view only parses input, calls one of these and renders.

A page for an analyst is built from facts (types, statuses, dates, counts) only: no names, no
free text, no attachments (csphub.access.policy.can_read_free_text).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from csphub.access import policy, reads
from csphub.audit.services import Channel
from csphub.core.listing import Slice, Window, take
from csphub.dates import financial_year_of
from csphub.errors import NotFoundError, PermissionRefused
from csphub.inbox import services as inbox

from . import rules, stats
from .letters import TEMPLATES as LETTER_TEMPLATES
from .letters import letters_on
from .models import (
    AsbCase,
    Breach,
    CaseNote,
    Incident,
    Intervention,
    Location,
    MonitoringVisit,
    Referral,
    RiskAssessment,
    Task,
)
from .services import get_case, repeat_flags

FIRST = Window()  # the first 100 rows


def case_list(user: Any, *, status: str = "", q: str = "", channel: str = Channel.WEB,
              purpose: str = "case list") -> dict[str, Any]:
    """Cases the user may see, newest first, filtered; evaluating (a page of) it audits the ids."""
    if not policy.can_list_cases(user):
        raise PermissionRefused("Your role does not work cases.")
    found = reads.cases(user, purpose=purpose, channel=channel).select_related(
        "case_type", "lead_agency", "lead_officer", "location")
    if status:
        found = found.filter(status=status)
    if q := q.strip():
        text = Q(reference__icontains=q)
        if policy.can_read_free_text(user):
            text |= Q(summary__icontains=q)
        found = found.filter(text)
    return {"cases": found, "can_create": policy.can_create_case(user)}


def api_case_list(user: Any, *, status: str = "", window: Window = FIRST) -> Slice:
    """A window of the API case list (see csphub.core.listing), each row the values of a case
    (API_CASE_VALUES, with ``shared_with``: its shared agencies' names) and its parties' values
    (API_PARTY_VALUES; None for roles that may not see who is involved); audited by the cases
    and the people returned. Empty for roles that do not work cases.

    Read as values, not model instances: the answer shows a few columns of each case and party,
    and building four or five instances per case (the case, its type, agency and place, each
    party and person) was most of the list's cost."""
    if not policy.can_list_cases(user):
        return Slice([], 0)
    cases = case_list(user, status=status, channel=Channel.API, purpose="api case list")["cases"]
    found = take(cases.select_related(None).values(*API_CASE_VALUES), window, counted=cases)
    _read_shared_agencies(found.rows)
    if not policy.works_cases(user):
        return replace(found, rows=[(c, None) for c in found.rows])
    by_case: dict[int, list[dict[str, Any]]] = {c["id"]: [] for c in found.rows}
    for p in (reads.parties(user, purpose="api case list", channel=Channel.API).filter(case_id__in=list(by_case))
              .values(*API_PARTY_VALUES)):
        by_case[p["case_id"]].append(p)
    reads.shown_ids(user, "person", (p["person_id"] for ps in by_case.values() for p in ps),
                    purpose="api case list", channel=Channel.API)
    return replace(found, rows=[(c, by_case[c["id"]]) for c in found.rows])


#: The values of a case the API's case list shows (csphub.casework.api.case_answer).
API_CASE_VALUES = ("id", "version", "modified_on", "reference", "summary", "status", "outcome", "opened_on",
                   "closed_on", "next_review_on", "case_type__name", "lead_agency__name", "location_id",
                   "location__address", "location__postcode", "location__ward_code", "location__ward_name")
#: The values of a party it shows with each case (csphub.casework.api.party_answer).
API_PARTY_VALUES = ("id", "case_id", "person_id", "role", "person__first_name", "person__last_name")


def _read_shared_agencies(cases: list[dict[str, Any]]) -> None:
    """Each case's shared agencies' names (in name order), read for the whole window in one
    query, as ``shared_with`` of each case's values."""
    by_case: dict[int, list[str]] = {c["id"]: [] for c in cases}
    links = (AsbCase.agencies.through.objects.filter(asbcase_id__in=list(by_case))
             .values_list("asbcase_id", "agency__name").order_by("agency__name", "agency_id"))
    for case_id, name in links:
        by_case[case_id].append(name)
    for c in cases:
        c["shared_with"] = by_case[c["id"]]


def api_case(user: Any, pk: object) -> tuple[AsbCase, list[Any] | None]:
    case = get_case(user, pk, channel=Channel.API, purpose="api case")
    if not policy.works_cases(user):
        return case, None
    parties = list(reads.parties(user, purpose=f"api case {case.pk}", channel=Channel.API).filter(case=case)
                   .select_related("person"))
    reads.shown(user, "person", {p.person_id: p.person for p in parties}.values(), purpose=f"api case {case.pk}",
                channel=Channel.API)
    return case, parties


CASE_RECORDS = {"incidents": ("reported_by_agency",), "interventions": ("issuing_agency",),
                "referrals": ("to_agency",), "tasks": ("owner",), "notes": ("created_by",), "visits": ("officer",),
                "risk_assessments": ("person",)}


def case_records(user: Any, pk: object, kind: str, channel: str = Channel.WEB) -> list[Any]:
    """One kind of record on a case (incidents, interventions, referrals, tasks), audited.

    Analysts see the facts of each (the API leaves their free text out); the case must be
    visible to the caller (404 otherwise)."""
    return list(_case_records(user, pk, kind, channel))


def api_case_records(user: Any, pk: object, kind: str, window: Window) -> Slice:
    """A window of :func:`case_records` for the API (oldest first; audited by the rows returned)."""
    return take(_case_records(user, pk, kind, Channel.API).order_by("created_on", "pk"), window)


def _case_records(user: Any, pk: object, kind: str, channel: str) -> QuerySet[Any]:
    case = get_case(user, pk, channel=channel, purpose=f"{kind} of case")
    purpose = f"{kind} of case {case.pk}"
    model = {"incidents": Incident, "interventions": Intervention, "referrals": Referral, "tasks": Task,
             "notes": CaseNote, "visits": MonitoringVisit, "risk_assessments": RiskAssessment}[kind]
    if kind == "risk_assessments" and not policy.works_cases(user):
        raise PermissionRefused("Risk assessments are read by the officers and supervisors working the case.")
    if policy.can_read_free_text(user):
        found = getattr(reads, kind)(user, purpose=purpose, channel=channel)
    else:  # facts only, for analysts: the case is visible, its records' words are not shown
        found = reads.audited(model.objects.filter(case=case, archived_on__isnull=True), user, kind.rstrip("s"),
                              purpose=purpose, channel=channel)
    return found.filter(case=case).select_related(*CASE_RECORDS[kind])


def api_case_breaches(user: Any, pk: object, window: Window) -> Slice:
    """A window of the breaches of the case's tools and powers, oldest first (audited by the rows
    returned; analysts see the dates, not the words)."""
    case = get_case(user, pk, channel=Channel.API, purpose="breaches of case")
    # As for the case's other records: analysts read the facts of a case they may see, not the words.
    tools = policy.interventions(user) if policy.can_read_free_text(user) else Intervention.objects.all()
    found = Breach.objects.filter(intervention__in=tools.filter(case=case), archived_on__isnull=True)
    return take(reads.audited(found, user, "breach", purpose=f"breaches of case {case.pk}", channel=Channel.API)
                .order_by("occurred_on", "pk"), window)


def my_open_tasks(user: Any, *, channel: str = Channel.WEB) -> list[Task]:
    return list(reads.tasks(user, purpose="my open tasks", channel=channel)
                .filter(owner=user, done_on__isnull=True).select_related("owner").order_by("due_on", "id"))


def api_my_tasks(user: Any, window: Window) -> Slice:
    """A window of the caller's open tasks, earliest due first (audited by the rows returned)."""
    return take(reads.tasks(user, purpose="my open tasks", channel=Channel.API)
                .filter(owner=user, done_on__isnull=True).select_related("owner").order_by("due_on", "id"), window)


def api_referrals_received(user: Any, window: Window) -> Slice:
    """A window of the referrals sent to the caller's agency, oldest first."""
    return take(referrals_received(user, channel=Channel.API, purpose="api referrals received")
                .order_by("sent_on", "id"), window)


def api_people(user: Any, *, name: str = "", window: Window = FIRST) -> Slice:
    found = reads.people(user, purpose="api people list" + (" (search)" if name.strip() else ""),
                         channel=Channel.API).prefetch_related("flags")
    if name := name.replace("\x00", "").strip():  # PostgreSQL cannot compare NUL characters
        found = found.filter(Q(last_name__icontains=name) | Q(first_name__icontains=name))
    return take(found.order_by("last_name", "first_name", "pk"), window)


def dashboard(user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    visible = policy.cases(user)
    my_cases = list(reads.cases(user, purpose="dashboard: my cases").filter(lead_officer=user)
                    .exclude(status="closed").select_related("case_type"))
    my_tasks = list(reads.tasks(user, purpose="dashboard: my tasks").filter(owner=user, done_on__isnull=True)
                    .select_related("case").order_by("due_on", "id"))
    alerts = list(reads.alerts(user, purpose="dashboard: alerts").filter(read_on__isnull=True).select_related("case"))
    received = list(reads.referrals_received(user, purpose="dashboard: referrals received")
                    .filter(status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED])
                    .select_related("case", "case__case_type", "person").order_by("sent_on", "id"))
    mine = [c.pk for c in my_cases]
    free_text = policy.can_read_free_text(user)
    return {
        "my_cases": my_cases,
        "overdue": [t for t in my_tasks if t.due_on < today],
        "due_soon": [t for t in my_tasks if today <= t.due_on <= today + timedelta(days=7)],
        # Most overdue first: the earliest review date leads.
        "reviews_due": sorted((c for c in my_cases if c.next_review_on and c.next_review_on <= today + timedelta(days=7)),
                              key=lambda c: (c.next_review_on, c.pk)),
        "alerts": alerts,
        "referrals_received": received,
        "recent_interventions": list(Intervention.objects.filter(case__in=visible, case_id__in=mine,
                                                                 archived_on__isnull=True)
                                     .select_related("case")[:10]) if free_text else [],
        "penalties_overdue": penalties_overdue(user, mine, today) if free_text else [],  # issue 12, item 7
        "can_create": policy.can_create_case(user),
        "can_view_caseload": policy.can_view_caseload(user),
        "inbox_unread": inbox.unread_count(user),  # issue 12, item 3
    }


def penalties_overdue(user: Any, case_ids: list[int], today: date) -> list[tuple[Intervention, Any]]:
    """Unpaid fixed penalties past their due date on the officer's own open cases, with their
    state ("prosecution must be laid by ..."), the soonest deadline first."""
    found = (reads.interventions(user, purpose="dashboard: penalties unpaid")
             .filter(case_id__in=case_ids, kind__in=rules.FIXED_PENALTIES, payment_status="unpaid",
                     payment_due_on__lt=today).select_related("case"))
    states = [(i, i.penalty_state(today)) for i in found]
    return sorted(((i, s) for i, s in states if s is not None and s.state == "overdue"),
                  key=lambda pair: (pair[1].prosecute_by, pair[0].pk))


def intervention_page(user: Any, pk: object) -> dict[str, Any]:
    """One tool or power: what it is, its letters, the notice made from a warning, a penalty's
    payment (issue 12, item 7). Read through access (404 as if absent for who may not see it)."""
    found = reads.intervention(user, pk, purpose="intervention page")
    intervention = (Intervention.objects.select_related("case", "person", "issuing_agency", "issued_by",
                                                        "relies_on").get(pk=found.pk))
    if intervention.person is not None:
        reads.shown(user, "person", [intervention.person], purpose=f"intervention page {intervention.pk}")
    today = timezone.localdate()
    case = intervention.case
    can_change = policy.can_change_case(user, case)
    notices = list(reads.interventions(user, purpose=f"intervention page {intervention.pk}")
                   .filter(relies_on=intervention, archived_on__isnull=True))
    return {
        "intervention": intervention, "case": case, "can_change": can_change, "today": today,
        "has_letter": intervention.kind in LETTER_TEMPLATES and intervention.person_id is not None,
        "letters": [g for g in letters_on(case) if g.intervention_id == intervention.pk],
        "penalty": intervention.penalty_state(today),
        "notices": notices,
        "can_make_notice": can_change and intervention.kind == rules.CPW and intervention.person_id is not None,
    }


def case_page(user: Any, pk: object) -> dict[str, Any]:
    """Everything the case page shows, each kind read through access (audited by id)."""
    case = get_case(user, pk, purpose="case page")
    base = {"case": case, "can_change": policy.can_change_case(user, case),
            "can_manage": policy.can_manage_case(user, case), "today": timezone.localdate(),
            "agencies": list(case.agencies.all())}
    if not policy.can_read_free_text(user):
        return {**base, "facts_only": True, **case_facts(case)}
    purpose = f"case page {case.pk}"
    # Each kind read through access, its SQL compiled once per process (reads.of_case).
    parties = reads.of_case("party", user, case, purpose=purpose, related=("person",),
                            prefetch=("person__flags",))  # one query for every party's flags
    people = {p.person_id: p.person for p in parties}
    reads.shown(user, "person", people.values(), purpose=purpose)
    flags = {pid: policy.shown_flags(user, person) for pid, person in people.items()}
    incidents = reads.of_case("incident", user, case, purpose=purpose, related=("reported_by_agency", "location"))
    risk = reads.of_case("risk_assessment", user, case, purpose=purpose, related=("person",))
    return {
        **base, "facts_only": False,
        "parties": [{"party": p, "flags": flags[p.person_id]} for p in parties],
        "incidents": incidents,
        "places": case_places(user, case, incidents, purpose=purpose),
        "interventions": reads.of_case("intervention", user, case, purpose=purpose,
                                       related=("person", "issuing_agency"), prefetch=("breaches",)),
        "referrals": reads.of_case("referral", user, case, purpose=purpose, related=("to_agency", "person")),
        "tasks": reads.of_case("task", user, case, purpose=purpose, related=("owner",)),
        "notes": reads.of_case("note", user, case, purpose=purpose, related=("created_by",)),
        "visits": reads.of_case("visit", user, case, purpose=purpose, related=("officer",)),
        "risk": risk,
        "attachments": reads.of_case("attachment", user, case, purpose=purpose),
        "groups": reads.of_case("group", user, case, purpose=purpose),
        "repeat": repeat_flags(case, parties_read=parties),
        "letters": letters_on(case), "letter_kinds": list(LETTER_TEMPLATES),  # issue 12, item 7: kinds, formats, who and when (no names)
        # A high risk assessment standing (not archived) and no referral to a panel.
        "high_risk_unreferred": any(r.level == rules.HIGH for r in risk) and not case.panel_referrals.exists(),
    }


#: Maps drawn on a case page at most (each opens the warehouse); the rest are on their place pages.
CASE_PAGE_MAPS = 6


def case_places(user: Any, case: AsbCase, incidents: list[Any], *, purpose: str) -> list[dict[str, Any]]:
    """The case's places (its own, then its incidents', each once, archived ones left out), each
    with why there is no map of it ("" when there is one), for the small maps on the case page.
    The places shown are audited by id; each map image is read (and audited) on its own URL."""
    from .geography import can_map

    seen: dict[int, Location] = {}
    for location in [case.location, *(i.location for i in incidents)]:
        if location is not None and location.archived_on is None and location.pk not in seen:
            seen[location.pk] = location
    places = reads.shown(user, "location", list(seen.values())[:CASE_PAGE_MAPS], purpose=purpose)
    return [{"location": location, "no_map": can_map(location)} for location in places]


def case_facts(case: AsbCase) -> dict[str, Any]:
    """Counts and categories of a case, for roles that may not read names or free text."""
    return {
        "party_roles": sorted(Counter(case.parties.values_list("role", flat=True)).items()),
        "incident_count": case.incidents.filter(archived_on__isnull=True).count(),
        "hate_incident_count": case.incidents.filter(archived_on__isnull=True, is_hate=True).count(),
        "intervention_kinds": list(case.interventions.filter(archived_on__isnull=True)
                                   .values_list("kind", "issued_on", "issuing_agency__name")),
        "referral_facts": list(case.referrals.filter(archived_on__isnull=True)
                               .values_list("to_agency__name", "status", "sent_on")),
        "risk_levels": sorted(Counter(case.risk_assessments.values_list("level", flat=True)).items()),
        "task_count": case.tasks.filter(archived_on__isnull=True).count(),
    }


def person_page(user: Any, pk: object) -> dict[str, Any]:
    person = reads.person(user, pk, purpose="person page")
    flags = list(policy.flags(user, person))
    on_cases = list(reads.parties(user, purpose=f"person page {person.pk}").filter(person=person)
                 .select_related("case", "case__case_type"))
    received = list(reads.referrals_received(user, purpose=f"person page {person.pk}").filter(person=person)
                    .select_related("case__case_type"))
    return {"person": person, "flags": flags, "roles": on_cases, "referrals_received": received,
            "hidden_flags": person.flags.count() - len(flags), "can_correct": policy.can_correct_person(user, person)}


def referral_page(user: Any, pk: object) -> dict[str, Any]:
    referral = reads.referral(user, pk, purpose="referral page")
    if referral.person_id:
        reads.shown(user, "person", [referral.person], purpose=f"referral page {referral.pk}")
    return {"referral": referral, "can_answer": policy.can_respond_to_referral(user, referral),
            "can_see_case": policy.can_view_case(user, referral.case)}


def referrals_received(user: Any, *, channel: str = Channel.WEB, purpose: str = "referrals received") -> QuerySet[Referral]:
    return reads.referrals_received(user, purpose=purpose, channel=channel).select_related(
        "case", "case__case_type", "person", "to_agency")


def api_case_attachments(user: Any, pk: object, window: Window) -> Slice:
    """A window of the case's attachments for the API, oldest first (audited by the rows
    returned). Files are case material: an analyst who sees the case is refused (403)."""
    case = get_case(user, pk, channel=Channel.API, purpose="attachments of case")
    if not policy.works_cases(user):
        raise PermissionRefused("Attachments are read by the officers and supervisors working the case.")
    found = reads.attachments(user, purpose=f"attachments of case {case.pk}", channel=Channel.API)
    return take(found.filter(case=case).select_related("created_by__membership__agency")
                .order_by("created_on", "pk"), window)


def attachment_file(user: Any, case_id: object, attachment_id: object, *, channel: str = Channel.WEB) -> Any:
    """An attachment to download (audited as viewed): officers and supervisors on the case."""
    attachment = reads.attachment(user, attachment_id, purpose="attachment download", channel=channel)
    if str(attachment.case_id) != str(case_id) or not attachment.file:
        raise NotFoundError(f"No attachment {attachment_id}.")
    return attachment


def statistics(user: Any, period: tuple[date, date] | None = None, *, today: date | None = None) -> dict[str, Any]:
    """The statistics page: ``period`` (first, last day; this financial year to date if None)
    against the same number of days a year earlier, the breakdowns and their charts
    (aggregates only; audited as viewed)."""
    start, end = period or (financial_year_of(today or timezone.localdate()).start, today or timezone.localdate())
    figures = statistics_figures(user, start, end)
    from csphub.audit.services import Action, record

    record(user, Action.VIEWED, "statistics", "", purpose="statistics page", summary=f"{start} to {end}")
    return figures


def statistics_figures(user: Any, start: date, end: date) -> dict[str, Any]:
    """The figures of the statistics page and its exports, in plain words, with a chart for the
    headline and for each breakdown. PermissionRefused for roles that do not see statistics."""
    if not policy.can_view_statistics(user):
        raise PermissionRefused("Statistics are for analysts, supervisors and partnership admins.")
    from django.utils.safestring import mark_safe

    from . import charts

    figures = stats.casework_statistics(policy.statistics_cases(user), start, end, with_breakdowns=True)
    previous = stats.comparison_period(start, end)
    legend = {"now_label": "This period", "before_label": "A year earlier"}
    headline = [stats.labelled(r) for r in figures["headline"]]
    headline_bars = [charts.Bar(r["label"], r["count"], r["previous_count"]) for r in headline]
    for breakdown in figures["breakdowns"]:
        bars = [charts.Bar(r["label"], r["count"], r["previous_count"]) for r in breakdown["rows"]]
        breakdown["svg"] = mark_safe(charts.bar_chart(f"chart-{breakdown['key']}", breakdown["title"], bars,
                                                      **legend))  # every text escaped by charts
    return {**figures, "headline": headline, "rows": [stats.labelled(r) for r in figures["rows"]],
            "start": start, "end": end, "previous_start": previous[0], "previous_end": previous[1],
            "days": (end - start).days + 1,
            "headline_svg": mark_safe(charts.bar_chart("chart-headline", "Casework this period and a year earlier",
                                                       headline_bars, **legend))}
