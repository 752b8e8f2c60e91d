"""Finding things (issue 12, item 5): the case list's filters and sorts, the search box in every
page's header, a supervisor's view of the team's caseload, and a location's page.

Everything is read through csphub.access (filtered and audited by the ids shown, in one step);
the search words are never written to the audit log (the purpose says "search"). Analysts find
cases by their facts (reference, type, ward, status, dates): never by a person's name or an
address, which they may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from csphub.access import policy, reads
from csphub.audit.services import Channel
from csphub.errors import PermissionRefused

from .models import CaseStatus, Incident, Location, Task

#: The case list's sorts: the name in the address -> the columns it orders by (then newest first).
SORTS: dict[str, tuple[str, ...]] = {
    "reference": ("reference",),
    "type": ("case_type__name",),
    "status": ("status",),
    "opened": ("opened_on",),
    "review": ("next_review_on",),
    "ward": ("location__ward_name",),
    "lead": ("lead_officer__last_name", "lead_officer__username"),
    "agency": ("lead_agency__name",),
}
DEFAULT_SORT = "-opened"


@dataclass(frozen=True)
class CaseFilters:
    """What the case list is filtered by; blank means no filter on it."""

    q: str = ""
    person: str = ""
    address: str = ""
    case_type: int | None = None
    ward: str = ""
    status: str = ""
    lead_officer: int | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    sort: str = DEFAULT_SORT


def ordering(sort: str) -> list[str]:
    """The order_by() of a whitelisted sort (``-`` for descending); anything else, newest first.

    Examples:
        >>> ordering("-review")
        [F(next_review_on).desc(nulls_last=True), '-id']
        >>> ordering("opened; DROP TABLE")
        [F(opened_on).desc(nulls_last=True), '-id']
    """
    name = sort.lstrip("-")
    if name not in SORTS:
        return ordering(DEFAULT_SORT)
    descending = sort.startswith("-")
    columns: list[Any] = [F(c).desc(nulls_last=True) if descending else F(c).asc(nulls_last=True) for c in SORTS[name]]
    return [*columns, "-id"]


def postcode_key(column: str) -> Any:
    """A postcode without spaces, in capitals ("ct5 1xy" and "CT51XY" are the same place)."""
    return Upper(Replace(F(column), Value(" "), Value("")))


def _key(text: str) -> str:
    return text.replace(" ", "").upper()


def _clean(text: str) -> str:
    return text.replace("\x00", "").strip()[:100]  # PostgreSQL cannot compare NUL characters


#: The values the case list page shows (csphub.casework.templatetags.case_rows), read as values:
#: each case's other columns, then building its five model instances (the case, its type,
#: agency, officer and place), made most of the cost of its 50 rows.
CASE_LIST_COLUMNS = ("id", "reference", "status", "opened_on", "next_review_on", "case_type__name",
                     "lead_agency__name", "lead_officer__username", "lead_officer__first_name",
                     "lead_officer__last_name", "location__ward_name")


def staff_name(first_name: str, last_name: str, username: str) -> str:
    """A member of staff as Django's ``get_full_name()`` shows them, else their username: for
    rows read as values, which carry the three columns and not the user."""
    return f"{first_name} {last_name}".strip() or username


def case_list(user: Any, filters: CaseFilters, *, channel: str = Channel.WEB, purpose: str = "",
              columns: tuple[str, ...] = ()) -> dict[str, Any]:
    """The cases the user may see, filtered and sorted; evaluating a page of it audits the ids
    (with ``purpose``, else "case list", and "(search)" when searching by words). ``columns``:
    each case as a dict of these values (the page's CASE_LIST_COLUMNS), else as a record."""
    if not policy.can_list_cases(user):
        raise PermissionRefused("Your role does not work cases.")
    searching = any([filters.q, filters.person, filters.address])
    purpose = (purpose or "case list") + (" (search)" if searching else "")
    found = reads.cases(user, purpose=purpose, channel=channel)
    people_too = policy.works_cases(user)
    if q := _clean(filters.q):
        text = Q(reference__icontains=q)
        if policy.can_read_free_text(user):
            text |= Q(summary__icontains=q)
        found = found.filter(text)
    if (name := _clean(filters.person)) and people_too:
        found = found.filter(id__in=_cases_with_person(user, name))
    if (address := _clean(filters.address)) and people_too:
        found = found.filter(_at_address(address))
    found = _by_facts(found, filters)
    shown = found.values(*columns) if columns else found.select_related(
        "case_type", "lead_agency", "lead_officer", "location")
    # "counted": the same cases without the shown columns' joins, for the page's count
    return {"cases": shown.order_by(*ordering(filters.sort)), "counted": found,
            "can_create": policy.can_create_case(user), "people_filters": people_too}


def _at_address(address: str) -> Q:
    """Cases whose place, or the place of an incident on them, has the address or postcode: the
    cases a location's page lists. Subqueries, so a case is listed once and the count of queries
    stays the same whatever the list's length."""
    places = Location.objects.annotate(postcode_key=postcode_key("postcode")).filter(
        Q(address__icontains=address) | Q(postcode_key__contains=_key(address)))
    incidents = Incident.objects.filter(location__in=places, archived_on__isnull=True)
    return Q(location__in=places) | Q(id__in=incidents.values("case_id"))


def _by_facts(found: QuerySet[Any], filters: CaseFilters) -> QuerySet[Any]:
    """The filters every role may use: type, ward, status, lead officer and dates opened."""
    if filters.case_type:
        found = found.filter(case_type_id=filters.case_type)
    if ward := _clean(filters.ward):
        found = found.filter(Q(location__ward_name__iexact=ward) | Q(location__ward_code__iexact=ward))
    if filters.status == "not_closed":
        found = found.exclude(status=CaseStatus.CLOSED)
    elif filters.status:
        found = found.filter(status=filters.status)
    if filters.lead_officer:
        found = found.filter(lead_officer_id=filters.lead_officer)
    if filters.opened_from:
        found = found.filter(opened_on__gte=filters.opened_from)
    if filters.opened_to:
        found = found.filter(opened_on__lte=filters.opened_to)
    return found


def _cases_with_person(user: Any, name: str) -> QuerySet[Any]:
    """Ids of cases with a person the user may see whose name matches (each word, first or last)."""
    matching = policy.people(user)
    for word in name.split()[:4]:
        matching = matching.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return policy.parties(user).filter(person__in=matching).values("case_id")


def filter_choices(user: Any) -> dict[str, Any]:
    """What the filters offer: people and address filters for roles that may see people, the
    wards of the cases the user may see and their lead officers (staff, not the public)."""
    # one read of the (ward, lead officer) pairs of the visible cases, not one read for each
    pairs = policy.cases(user).order_by().values_list(
        "location__ward_name", "lead_officer_id", "lead_officer__first_name", "lead_officer__last_name",
        "lead_officer__username").distinct()
    wards: set[str] = set()
    officers: dict[int, tuple[tuple[str, str], str]] = {}  # id: ((surname, username) to sort by, name)
    for ward, officer_id, first, last, username in pairs:
        if ward:
            wards.add(ward)
        if officer_id is not None:
            officers[officer_id] = ((last.casefold(), username.casefold()), staff_name(first, last, username))
    by_name = sorted(officers.items(), key=lambda item: item[1][0])
    return {"people": policy.works_cases(user), "wards": [(w, w) for w in sorted(wards)],
            "officers": [(pk, shown) for pk, (_, shown) in by_name]}


# ---- The search box -------------------------------------------------------------------------------

SEARCH_LIMIT = 20


def search(user: Any, q: str, *, channel: str = Channel.WEB) -> dict[str, Any]:
    """People, cases and locations the user may see that match ``q`` (a name, a reference, an
    address or postcode), at most 20 of each. Audited as a search, by the ids shown; the words
    searched for are not stored."""
    q = _clean(q)
    empty: dict[str, Any] = {"q": q, "people": [], "cases": [], "locations": []}
    if len(q) < 2 or not policy.can_list_cases(user):
        return empty
    words = q.split()[:4]
    people: list[Any] = []
    locations: list[Any] = []
    if policy.works_cases(user):
        matching = reads.people(user, purpose="search", channel=channel)
        matching = matching.annotate(postcode_key=postcode_key("postcode"))
        if len(words) > 1 and matching.filter(postcode_key=_key(q)).exists():  # a postcode typed with its space
            matching = matching.filter(postcode_key=_key(q))
        else:
            for word in words:
                matching = matching.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                                           | Q(postcode_key__contains=_key(word)))
        people = list(matching.order_by("last_name", "first_name", "id")[:SEARCH_LIMIT])
        places = reads.locations(user, purpose="search", channel=channel).annotate(
            postcode_key=postcode_key("postcode")).filter(Q(address__icontains=q) | Q(postcode_key__contains=_key(q)))
        locations = list(places.order_by("address", "id")[:SEARCH_LIMIT])
    cases: list[Any] = []
    if policy.can_list_cases(user):
        text = Q(reference__icontains=q)
        if policy.can_read_free_text(user):
            text |= Q(summary__icontains=q) | Q(id__in=_cases_with_person(user, q))
        cases = list(reads.cases(user, purpose="search", channel=channel).filter(text)
                     .select_related("case_type").order_by("-opened_on", "-id")[:SEARCH_LIMIT])
    return {"q": q, "people": people, "cases": cases, "locations": locations}


# ---- A supervisor's view of the team's caseload -----------------------------------------------------

@dataclass
class OfficerLoad:
    officer: Any
    open_cases: int
    overdue_tasks: int
    reviews_due: int
    oldest_overdue: date | None

    @property
    def name(self) -> str:
        return self.officer.get_full_name() or self.officer.username


def caseload(user: Any, *, today: date | None = None) -> list[OfficerLoad]:
    """Per officer and supervisor of the supervisor's agency: open cases they lead, their overdue
    tasks, and reviews due within 7 days; the most overdue first. Counts only (no case is read)."""
    if not policy.can_view_caseload(user):
        raise PermissionRefused("The team's caseload is for supervisors.")
    today = today or timezone.localdate()
    team_cases = policy.caseload_cases(user).exclude(status=CaseStatus.CLOSED)
    team = policy.team(user)
    open_counts = dict(team_cases.filter(lead_officer__in=team).values_list("lead_officer_id")
                       .annotate(n=Count("id")).values_list("lead_officer_id", "n"))
    reviews = dict(team_cases.filter(lead_officer__in=team, next_review_on__lte=today + timedelta(days=7))
                   .values_list("lead_officer_id").annotate(n=Count("id")).values_list("lead_officer_id", "n"))
    overdue_rows = (Task.objects.filter(owner__in=team, done_on__isnull=True, due_on__lt=today,
                                        archived_on__isnull=True, case__in=team_cases)
                    .values("owner_id").annotate(n=Count("id"), oldest=_min("due_on")))
    overdue = {r["owner_id"]: (r["n"], r["oldest"]) for r in overdue_rows}
    rows = [OfficerLoad(u, open_counts.get(u.pk, 0), overdue.get(u.pk, (0, None))[0], reviews.get(u.pk, 0),
                        overdue.get(u.pk, (0, None))[1]) for u in team.order_by("last_name", "username")]
    rows.sort(key=lambda r: (-r.overdue_tasks, r.oldest_overdue or date.max, -r.reviews_due, r.name))
    return rows


def _min(name: str) -> Any:
    from django.db.models import Min

    return Min(name)


# ---- A location -----------------------------------------------------------------------------------

def location_page(user: Any, pk: object, *, channel: str = Channel.WEB) -> dict[str, Any]:
    """A place, the cases at it the user may see, whether it is a repeat location, and why
    there is no map of it ("" when there is one)."""
    from . import rules
    from .services import repeat_rule

    location = reads.location(user, pk, purpose="location page", channel=channel)
    purpose = f"location page {location.pk}"
    cases = list(reads.cases(user, purpose=purpose, channel=channel)
                 .filter(Q(location=location) | Q(incidents__location=location)).distinct()
                 .select_related("case_type").order_by("-opened_on", "-id"))
    dates = [timezone.localtime(d).date() for d in location.incidents.filter(archived_on__isnull=True)
             .values_list("occurred_at", flat=True)]
    from .geography import can_map

    return {"location": location, "cases": cases, "incident_count": len(dates),
            "repeat": rules.is_repeat(dates, timezone.localdate(), repeat_rule()), "no_map": can_map(location)}


def location_map(user: Any, pk: object, *, channel: str = Channel.WEB) -> bytes:
    """The SVG map of a place the user may see (read through access, audited), or an SVG saying
    why there is none (e.g. boundaries not loaded)."""
    from csphub.analytics.maps import message_svg

    from .geography import map_of

    location = reads.location(user, pk, purpose="location map", channel=channel)
    image, why = map_of(location)
    return image if image is not None else message_svg(why)
