"""Everything that reads or changes the Daily Dial In goes through these functions.

Each checks the caller (csphub.access), applies the rules (rules.py), saves with the acting user
in the history and writes the audit entry. Converting an entry calls the casework and panels
services (open_case, record_incident, add_party, add_task, refer_to_panel), so their rules apply.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from csphub.access import policy, reads, roles
from csphub.accounts.models import Agency
from csphub.accounts.services import agency_named
from csphub.audit.services import Action, Channel, record
from csphub.casework import rules as casework_rules
from csphub.casework import services as casework
from csphub.casework.models import AsbCase, CaseParty, CaseStatus, Incident, Person, PostcodeStatus
from csphub.change import percent_change
from csphub.core.listing import Slice, Window, take
from csphub.core.models import lock
from csphub.dates import year_earlier_period
from csphub.errors import (
    InputFileError,
    InputProblem,
    NotFoundError,
    PermissionRefused,
    RuleRefused,
)
from csphub.panels import services as panels
from csphub.panels.models import Panel

from . import rules
from .models import (
    Decision,
    DialInEntry,
    Distribution,
    EntryPerson,
    EntrySource,
    EntryType,
    Urgency,
)

if TYPE_CHECKING:
    from csphub.casework.geography import PlaceLookup, PlacingReport

NEARBY_METRES = 50  # two points this close are the same place (police.uk snaps to map points)


def hotspot_rule() -> rules.HotspotRule:
    return rules.HotspotRule.from_mapping(getattr(settings, "CSPHUB_DIALIN_HOTSPOT", {}))


def entry_types() -> list[EntryType]:
    return list(EntryType.objects.filter(is_active=True))


def entry_type_named(value: EntryType | str) -> EntryType:
    if isinstance(value, EntryType):
        return value
    found = EntryType.objects.filter(name__iexact=str(value).strip(), is_active=True).first()
    if found is None:
        known = ", ".join(t.name for t in entry_types())
        raise RuleRefused("unknown_entry_type", f"No entry type {value!r}; known: {known}.", "entry_type")
    return found


def _require_logger(user: Any) -> Agency:
    m = roles.membership(user)
    if m is None or not policy.can_log_dialin(user):
        raise PermissionRefused("Dial-in entries are made by officers and supervisors of partner agencies.")
    return m.agency


def _require_morning(user: Any) -> None:
    if not policy.can_view_morning(user):
        raise PermissionRefused("The morning view is for officers and supervisors of agencies on the "
                                "Daily Dial In distribution; ask the CSP manager to add your agency.")


# ---- Logging entries -------------------------------------------------------------------------

@dataclass(frozen=True)
class NamedPerson:
    person: Person
    role: str = EntryPerson.Role.OTHER


def _place(row: rules.EntryRow, typed_ward: str) -> dict[str, Any]:
    """The fields placing a new entry (``place_entry``), opening the warehouse for this one."""
    from csphub.casework.geography import open_place_lookup

    entry = DialInEntry(postcode=row.postcode, latitude=row.latitude, longitude=row.longitude, ward_name=typed_ward)
    with open_place_lookup() as lookup:
        place_entry(entry, lookup)
    return {name: getattr(entry, name) for name in ENTRY_PLACING_FIELDS}


#: What placing by postcode sets on an entry.
ENTRY_PLACING_FIELDS = ("postcode", "postcode_status", "ward_code", "ward_name", "postcode_latitude",
                        "postcode_longitude")
#: The reason on the history row of an entry placed after it was saved.
ENTRY_PLACED_REASON = "Placed from the postcode directory loaded after the entry was saved"


def place_entry(entry: DialInEntry, lookup: PlaceLookup) -> None:
    """Place an entry as a casework location is placed (casework.geography.place), with an open
    lookup: the map point's ward by the loaded boundaries; without a point, the ward and the
    postcode's centre from the loaded postcode directory. A postcode the directory lacks is
    flagged (postcode_status "not_found") and gives nothing; the ward name already on the entry
    (typed by hand) is kept when neither gives a ward's name."""
    from csphub.casework.geography import place

    entry.postcode = rules.normalise_postcode(entry.postcode)
    placing = place(entry.postcode, entry.latitude, entry.longitude, lookup)
    found = placing.found
    entry.postcode_status = placing.postcode_status
    entry.ward_code, entry.ward_name = placing.ward_code, placing.ward_name or entry.ward_name.strip()
    entry.postcode_latitude = found.latitude if found else None
    entry.postcode_longitude = found.longitude if found else None


def place_saved_entries(*, dry_run: bool = False, lookup: PlaceLookup | None = None) -> PlacingReport:
    """Place the entries saved with a postcode and no map point before the postcode directory
    was loaded (or while it could not be read, or whose postcode it lacked then), with
    ``place_entry`` as logging one does, through one open lookup (opened here when not given).
    Each entry placed gets a history row (``ENTRY_PLACED_REASON``) and an audit entry
    (``dialin_entry``, its id); a postcode still missing stays flagged, never guessed; a second
    run places nothing. NotFoundError when no postcode directory is loaded.

    Examples:
        >>> print(place_saved_entries(dry_run=True))  # doctest: +SKIP
        4 Daily Dial In entry(ies) would be placed from the postcode directory, 0 still unknown ...
    """
    from csphub.casework.geography import lookup_or_open, place_saved, require_directory

    with lookup_or_open(lookup) as opened:
        require_directory(opened)
        candidates = DialInEntry.objects.filter(archived_on__isnull=True).exclude(postcode="").filter(
            Q(latitude__isnull=True) | Q(longitude__isnull=True))
        unplaced = candidates.exclude(postcode_status=PostcodeStatus.FOUND) | candidates.filter(ward_code="")
        already = candidates.count() - unplaced.count()
        return place_saved(unplaced, already, place_entry, ENTRY_PLACING_FIELDS, opened,
                           reason=ENTRY_PLACED_REASON, audit_type="dialin_entry",
                           what="Daily Dial In entry(ies)", dry_run=dry_run)


def log_entry(user: Any, row: rules.EntryRow, *, people: Sequence[NamedPerson] = (), dial_in_on: date | None = None,
              ward_name: str = "", source: str = EntrySource.WEB, channel: str = Channel.WEB
              ) -> tuple[DialInEntry, bool]:
    """Save one entry for the user's agency; (the entry, True), or (the entry already saved,
    False) when the same entry was sent before (rules.natural_key). People must be ones the user
    may see (the casework person search); anyone else is refused as if absent."""
    agency = _require_logger(user)
    for named in people:
        if not policy.can_view_person(user, named.person):
            raise NotFoundError(f"No person {named.person.pk}.")
        if named.role not in EntryPerson.Role.values:
            raise RuleRefused("unknown_role", f"A person's role is one of {', '.join(EntryPerson.Role.values)}.", "role")
    if row.urgency not in Urgency.values:
        raise RuleRefused("unknown_urgency", f"Urgency is one of {', '.join(Urgency.values)}.", "urgency")
    if not row.account.strip():
        raise RuleRefused("account_required", "Say briefly what happened.", "account")
    entry_type = entry_type_named(row.entry_type)
    occurred = row.occurred_at if timezone.is_aware(row.occurred_at) else timezone.make_aware(row.occurred_at)
    if occurred > timezone.now() + timedelta(minutes=5):
        raise RuleRefused("occurred_in_future", "An incident cannot have happened in the future.", "occurred_at")
    key = rules.natural_key(agency.name, row.reference, timezone.localtime(occurred).replace(tzinfo=None),
                            entry_type.name, row.address, row.postcode, row.account)
    existing = DialInEntry.objects.filter(natural_key=key).first()
    if existing is not None:
        return existing, False
    entry = DialInEntry(occurred_at=occurred, dial_in_on=dial_in_on or timezone.localdate(), entry_type=entry_type,
                        account=row.account.strip(), agency=agency, urgency=row.urgency, address=row.address.strip(),
                        latitude=row.latitude, longitude=row.longitude, **_place(row, ward_name),
                        source=source, reference=row.reference.strip(), natural_key=key)
    try:
        with transaction.atomic():
            entry.save_by(user)
    except IntegrityError:  # the same entry sent twice at once: the first one wins
        return DialInEntry.objects.get(natural_key=key), False
    for named in people:
        EntryPerson.objects.get_or_create(entry=entry, person=named.person, role=named.role)
    record(user, Action.CREATED, "dialin_entry", entry.pk, channel=channel, summary=f"source {source}")
    return entry, True


@dataclass
class LoadResult:
    """What a bulk load or a CSV upload did: entries saved, entries already there, rows refused."""

    created: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    refused_rows: list[dict[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.created)} entries added, {len(self.duplicates)} already there, "
                f"{len({p.line for p in self.problems})} rows refused")


def log_entries(user: Any, rows: Iterable[rules.EntryRow], *, source: str, channel: str,
                dial_in_on: date | None = None, ward_names: Sequence[str] = ()) -> LoadResult:
    """Save many entries in one transaction (all or none if one is refused by a rule)."""
    result = LoadResult()
    with transaction.atomic():
        for i, row in enumerate(rows):
            ward = ward_names[i] if i < len(ward_names) else ""
            entry, created = log_entry(user, row, dial_in_on=dial_in_on, source=source, channel=channel, ward_name=ward)
            (result.created if created else result.duplicates).append(entry.pk)
    return result


def upload_csv(user: Any, name: str, content: bytes | str, *, source: str = EntrySource.CSV,
               channel: str = Channel.WEB, dial_in_on: date | None = None) -> LoadResult:
    """Entries from a CSV (header: occurred_at,type,account and optionally address, postcode,
    latitude, longitude, urgency, reference, ward). Good rows are saved together; each bad row is
    refused with its problems (file, line, field, value, expected) and handed back for
    quarantine. Uploading the same file again adds nothing."""
    _require_logger(user)
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputFileError(InputProblem(name, None, None, None, f"a UTF-8 CSV file (byte {e.start} is not)")) from e
    reader = csv.DictReader(io.StringIO(content))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in rules.REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputFileError(InputProblem(name, 1, None, ",".join(header),
                                          f"a header with the columns {', '.join(rules.REQUIRED_COLUMNS)} "
                                          f"(missing: {', '.join(missing)})"))
    reader.fieldnames = header
    known = [t.name for t in entry_types()]
    good: list[rules.EntryRow] = []
    wards: list[str] = []
    result = LoadResult()
    try:
        for raw in reader:
            line = reader.line_num
            parsed = rules.parse_csv_row(name, line, raw, known)
            if isinstance(parsed, list):
                result.problems += parsed
                result.refused_rows.append({"line": str(line), "problems": "; ".join(str(p) for p in parsed),
                                            **{k: str(v or "") for k, v in raw.items() if k}})
            else:
                good.append(parsed)
                wards.append((raw.get("ward") or "").strip())
    except csv.Error as e:
        raise InputFileError(InputProblem(name, reader.line_num, None, None, f"well-formed CSV ({e})")) from e
    loaded = log_entries(user, good, source=source, channel=channel, dial_in_on=dial_in_on, ward_names=wards)
    result.created, result.duplicates = loaded.created, loaded.duplicates
    return result


# ---- Reading entries ----------------------------------------------------------------------------

def get_entry(user: Any, pk: object, *, purpose: str = "dial-in entry", channel: str = Channel.WEB) -> DialInEntry:
    return reads.dialin_entry(user, pk, purpose=purpose, channel=channel)


def people_named(user: Any, entries: Sequence[DialInEntry], *, purpose: str,
                 channel: str = Channel.WEB) -> dict[int, list[EntryPerson]]:
    """The people named in the entries, for casework roles only (audited as the people shown)."""
    if not roles.works_cases(user) or not entries:
        return {}
    found = list(reads.dialin_entry_people(user, purpose=purpose, channel=channel)
                 .filter(entry__in=[e.pk for e in entries]).select_related("person"))
    reads.shown(user, "person", {n.person_id: n.person for n in found}.values(), purpose=purpose, channel=channel)
    by_entry: dict[int, list[EntryPerson]] = defaultdict(list)
    for named in found:
        by_entry[named.entry_id].append(named)
    return by_entry


def entry_window(user: Any, window: Window, *, day: date | None = None, channel: str = Channel.API,
                 purpose: str = "api dial-in entries") -> Slice:
    """A window of the entries the user may see, each as (entry, the people named or None for roles
    that do not work cases). Paging by offset lists one day (``day``, default today); syncing
    (``updated_since``/``cursor``) lists changes across days unless a day is given."""
    found = reads.dialin_entries(user, purpose=purpose, channel=channel).select_related("entry_type", "agency")
    if day is not None or not window.syncing:
        found = found.filter(dial_in_on=day or timezone.localdate())
    taken = take(found, window)
    named = people_named(user, taken.rows, purpose=purpose, channel=channel)
    casework_role = roles.works_cases(user)
    return replace(taken, rows=[(e, named.get(e.pk, []) if casework_role else None) for e in taken.rows])


def find_people(user: Any, q: str) -> list[Person]:
    """The casework person search (need-to-know: only people the user may already see)."""
    return casework.find_people(user, q, purpose="dial-in entry")


def recent_entries(user: Any, *, limit: int = 10) -> list[DialInEntry]:
    """The entries the user's agency made most recently (the quick-entry page lists them)."""
    if not policy.can_log_dialin(user):
        return []
    return list(reads.own_dialin_entries(user, purpose="my recent dial-in entries")
                .select_related("entry_type").order_by("-created_on")[:limit])


# ---- The morning view and its prompts ----------------------------------------------------------

@dataclass
class Prompt:
    kind: str  # open_case_place, open_case_person, repeat_location, repeat_victim, hotspot
    text: str
    cases: list[AsbCase] = field(default_factory=list)


@dataclass
class EntryView:
    entry: DialInEntry
    people: list[EntryPerson]
    prompts: list[Prompt]


@dataclass
class MorningView:
    day: date
    groups: list[tuple[str, list[tuple[str, list[EntryView]]]]]  # ward -> type -> entries
    hotspots: list[str]
    counts_by_ward: dict[str, int]
    total: int
    decisions: list[Decision]


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111_320
    dx = (a[1] - b[1]) * 111_320 * math.cos(lat)
    return math.hypot(dx, dy)


def _same_place(entry: DialInEntry, address: str, postcode: str, lat: float | None, lon: float | None) -> bool:
    key = rules.place_key(entry.address, entry.postcode)
    if key and key == rules.place_key(address, postcode):
        return True
    if None not in (entry.latitude, entry.longitude, lat, lon):
        return _metres((entry.latitude, entry.longitude), (lat, lon)) <= NEARBY_METRES  # type: ignore[arg-type]
    return False


def _near(entries: Sequence[DialInEntry]) -> Q:
    """Locations that may be the entries' places (checked exactly by _same_place): the same
    postcode written either way, the same address, or within a small box around a map point."""
    postcodes = {e.postcode for e in entries if e.postcode}
    near = Q(location__postcode__in=postcodes | {p.replace(" ", "") for p in postcodes})
    near |= Q(location__address__in={e.address for e in entries if e.address})
    for e in entries:
        if e.latitude is not None and e.longitude is not None:
            near |= Q(location__latitude__range=(e.latitude - 0.001, e.latitude + 0.001),
                      location__longitude__range=(e.longitude - 0.0015, e.longitude + 0.0015))
    return near


def _open_cases_prompts(user: Any, entries: Sequence[DialInEntry], named: dict[int, list[EntryPerson]],
                        channel: str) -> dict[int, list[Prompt]]:
    """Open cases at the entry's place or about a person named in it: only cases the viewer may
    see (policy.cases); the cases shown are audited by id. Nothing is said of other cases."""
    visible = policy.cases(user).exclude(status=CaseStatus.CLOSED)
    candidates = list(visible.filter(location__isnull=False).filter(_near(entries)).select_related("location"))
    people_ids = {n.person_id for ns in named.values() for n in ns}
    parties = list(CaseParty.objects.filter(case__in=visible, person_id__in=people_ids).select_related("case"))
    prompts: dict[int, list[Prompt]] = defaultdict(list)
    shown: dict[int, AsbCase] = {}
    for entry in entries:
        at_place = [c for c in candidates if c.location and _same_place(
            entry, c.location.address, c.location.postcode, c.location.latitude, c.location.longitude)]
        if at_place:
            prompts[entry.pk].append(Prompt("open_case_place", "This location is already on an open case", at_place))
            shown.update({c.pk: c for c in at_place})
        mine = {n.person_id for n in named.get(entry.pk, [])}
        about = list({p.case_id: p.case for p in parties if p.person_id in mine}.values())
        if about:
            prompts[entry.pk].append(Prompt("open_case_person", "A person named here is already on an open case", about))
            shown.update({c.pk: c for c in about})
    reads.shown(user, "case", shown.values(), purpose="dial-in prompts: open cases", channel=channel)
    return prompts


def _repeat_prompts(entries: Sequence[DialInEntry], named: dict[int, list[EntryPerson]], day: date
                    ) -> dict[int, list[Prompt]]:
    """Repeat location and repeat victim by the casework repeat rule (CSPHUB_REPEAT): dial-in
    entries and casework incidents. Only the flag is shown, never the other records."""
    rule = casework.repeat_rule()
    start = day - timedelta(days=rule.window_days - 1)
    # Read for every entry of the day at once (a query per kind, not per entry: issue 19, item 1).
    postcodes = {entry.postcode for entry in entries if rules.place_key(entry.address, entry.postcode)}
    at_place: dict[str, list[date]] = defaultdict(list)
    for e in (DialInEntry.objects.filter(archived_on__isnull=True, dial_in_on__gte=start, dial_in_on__lte=day,
                                         postcode__in=postcodes).only("address", "postcode", "dial_in_on")):
        at_place[rules.place_key(e.address, e.postcode)].append(e.dial_in_on)
    for i in Incident.objects.filter(archived_on__isnull=True, location__postcode__in=postcodes).select_related("location"):
        at_place[rules.place_key(i.location.address, i.location.postcode)].append(timezone.localtime(i.occurred_at).date())
    victims = {p.person_id for people in named.values() for p in people if p.role == EntryPerson.Role.VICTIM}
    as_victim: dict[int, list[date]] = defaultdict(list)
    for person_id, on in EntryPerson.objects.filter(
            person_id__in=victims, role=EntryPerson.Role.VICTIM, entry__archived_on__isnull=True,
            entry__dial_in_on__gte=start, entry__dial_in_on__lte=day).values_list("person_id", "entry__dial_in_on"):
        as_victim[person_id].append(on)
    for person_id, at in Incident.objects.filter(
            case__parties__person_id__in=victims, case__parties__role="victim",
            archived_on__isnull=True).values_list("case__parties__person_id", "occurred_at"):
        as_victim[person_id].append(timezone.localtime(at).date())
    prompts: dict[int, list[Prompt]] = defaultdict(list)
    for entry in entries:
        key = rules.place_key(entry.address, entry.postcode)
        if key:
            dates = at_place[key]
            if casework_rules.is_repeat(dates, day, rule):
                prompts[entry.pk].append(Prompt("repeat_location", f"Repeat location: {len(dates)} reports in "
                                                f"{rule.window_days} days (rule: {rule.threshold})"))
        for named_person in named.get(entry.pk, []):
            if named_person.role != EntryPerson.Role.VICTIM:
                continue
            if casework_rules.is_repeat(as_victim[named_person.person_id], day, rule):
                prompts[entry.pk].append(Prompt("repeat_victim", f"Repeat victim: {named_person.person.full_name}"))
    return prompts


def ward_counts(day: date, window_days: int) -> dict[str, int]:
    start = day - timedelta(days=window_days - 1)
    rows = (DialInEntry.objects.filter(archived_on__isnull=True, dial_in_on__gte=start, dial_in_on__lte=day)
            .values("ward_name").annotate(n=Count("id")))
    return {r["ward_name"] or "Ward not known": r["n"] for r in rows}


def morning(user: Any, day: date | None = None, *, channel: str = Channel.WEB) -> MorningView:
    """The day's entries by ward and type, with the prompts; people for casework roles only."""
    _require_morning(user)
    day = day or timezone.localdate()
    entries = list(reads.dialin_entries(user, purpose="dial-in morning view", channel=channel)
                   .filter(dial_in_on=day).select_related("entry_type", "agency", "case", "task", "panel_referral"))
    named = people_named(user, entries, purpose="dial-in morning view", channel=channel)
    prompts = _open_cases_prompts(user, entries, named, channel)
    for pk, more in _repeat_prompts(entries, named, day).items():
        prompts[pk] += more
    rule = hotspot_rule()
    counts = ward_counts(day, rule.window_days)
    hotspots = rules.hotspot_wards(counts, rule)
    grouped: dict[str, dict[str, list[EntryView]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        ward = entry.ward_name or "Ward not known"
        entry_prompts = list(prompts.get(entry.pk, []))
        if ward in hotspots:
            entry_prompts.append(Prompt("hotspot", f"Hotspot ward: {counts[ward]} entries in {rule.window_days} days"))
        grouped[ward][entry.entry_type.name].append(EntryView(entry, named.get(entry.pk, []), entry_prompts))
    groups = [(ward, sorted(types.items())) for ward, types in sorted(grouped.items(), key=lambda kv: (kv[0] not in hotspots, kv[0]))]
    decisions = list(reads.dialin_decisions(user, purpose="dial-in morning view", channel=channel)
                     .filter(entry__dial_in_on=day).select_related("owner_agency", "entry"))
    return MorningView(day, groups, hotspots, counts, len(entries), decisions)


# ---- Turning an entry into casework --------------------------------------------------------------

def _entry_for_change(user: Any, pk: object, channel: str) -> DialInEntry:
    entry = get_entry(user, pk, purpose="convert a dial-in entry", channel=channel)
    if not roles.works_cases(user):
        raise PermissionRefused("Only officers and supervisors turn entries into casework.")
    return entry


def _linked(user: Any, entry: DialInEntry, channel: str, summary: str) -> None:
    entry.save_by(user)
    record(user, Action.CHANGED, "dialin_entry", entry.pk, channel=channel, summary=summary)


PARTY_ROLES = {"victim": "victim", "subject": "subject", "witness": "witness", "other": "other"}


def convert_to_case(user: Any, pk: object, *, case_type: Any, summary: str = "", channel: str = Channel.WEB) -> AsbCase:
    """A new case led by the user's agency (casework.open_case), with the entry as its first
    incident and the people named in it as parties."""
    # Read outside the transaction, so a refusal's audit entry is kept.
    entry = _entry_for_change(user, pk, channel)
    with transaction.atomic():
        return _convert_to_case(user, entry, case_type, summary, channel)


def _convert_to_case(user: Any, entry: DialInEntry, case_type: Any, summary: str, channel: str) -> AsbCase:
    lock(entry)
    if entry.case_id:
        raise RuleRefused("already_on_case", "This entry is already on a case.", "case")
    case = casework.open_case(user, case_type=case_type, summary=summary.strip() or entry.account,
                              address=entry.address or (entry.postcode if entry.postcode else ""),
                              postcode=entry.postcode, latitude=entry.latitude, longitude=entry.longitude,
                              channel=channel)
    incident = casework.record_incident(user, case, occurred_at=entry.occurred_at, description=entry.account,
                                        reported_by_agency=entry.agency, reported_on=entry.dial_in_on, channel=channel)
    for named in EntryPerson.objects.filter(entry=entry).select_related("person"):
        if policy.can_view_person(user, named.person):
            casework.add_party(user, case, named.person, PARTY_ROLES[named.role], channel=channel)
    entry.case, entry.incident = case, incident
    _linked(user, entry, channel, f"new case {case.pk}")
    return case


def add_to_case(user: Any, pk: object, *, case_id: object, channel: str = Channel.WEB) -> Incident:
    """The entry as an incident on an existing case the user may record on."""
    entry = _entry_for_change(user, pk, channel)
    case = casework.case_for_change(user, case_id, channel=channel, purpose="add a dial-in entry")
    with transaction.atomic():
        return _add_to_case(user, entry, case, channel)


def _add_to_case(user: Any, entry: DialInEntry, case: AsbCase, channel: str) -> Incident:
    lock(entry)
    if entry.incident_id:
        raise RuleRefused("already_on_case", f"This entry is already an incident on {entry.case}.", "case")
    location = case.location if case.location and _same_place(
        entry, case.location.address, case.location.postcode, case.location.latitude, case.location.longitude) else None
    if location is None and entry.address:
        location = casework.location_for(user, address=entry.address, postcode=entry.postcode,
                                         latitude=entry.latitude, longitude=entry.longitude)
    incident = casework.record_incident(user, case, occurred_at=entry.occurred_at, description=entry.account,
                                        reported_by_agency=entry.agency, location=location,
                                        reported_on=entry.dial_in_on, channel=channel)
    entry.case, entry.incident = case, incident
    _linked(user, entry, channel, f"incident {incident.pk} on case {case.pk}")
    return incident


def create_task(user: Any, pk: object, *, title: str, owner: Any, due_on: date, case_id: object | None = None,
                channel: str = Channel.WEB) -> Any:
    """A task for an officer of an agency on the entry's case (or on the case named):
    casework.add_task, whose rule says the owner's agency must be on the case."""
    entry = _entry_for_change(user, pk, channel)
    target = case_id or entry.case_id
    if not target:
        raise RuleRefused("task_needs_case", "A task belongs to a case: put the entry on a case first, or name one.",
                          "case")
    case = casework.case_for_change(user, target, channel=channel, purpose="task from a dial-in entry")
    with transaction.atomic():
        task = casework.add_task(user, case, title=title, owner=owner, due_on=due_on, channel=channel)
        lock(entry)
        entry.task = task
        entry.case = entry.case or case
        _linked(user, entry, channel, f"task {task.pk}")
    return task


def panel_choices() -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in Panel.objects.filter(archived_on__isnull=True)]


def refer(user: Any, pk: object, *, panel_id: object, reason: str, consent: str, person_id: object | None = None,
          channel: str = Channel.WEB) -> Any:
    """Refer the entry's person (one named in it) or its location to a panel (panels.refer_to_panel)."""
    entry = _entry_for_change(user, pk, channel)
    person = None
    if person_id:
        named = EntryPerson.objects.filter(entry=entry, person_id=person_id).select_related("person").first()
        if named is None:
            raise NotFoundError(f"No person {person_id} in this entry.")
        person = named.person
    case = entry.case if entry.case_id and policy.can_view_case(user, entry.case) else None
    with transaction.atomic():
        referral = panels.refer_to_panel(user, panel_id, reason=reason, consent=consent, person=person,
                                         location="" if person else entry.place, case=case, channel=channel)
        lock(entry)
        entry.panel_referral = referral
        _linked(user, entry, channel, f"panel referral {referral.pk}")
    return referral


def referable_people(user: Any, named: Sequence[EntryPerson]) -> list[tuple[int, str]]:
    """The people named in an entry whom the user may refer to a panel: those the user may see
    in casework (panels.refer_to_panel refuses anyone else). The morning view shows casework
    roles on the distribution everyone named, so the entry page may list a person that user
    cannot refer."""
    return [(n.person_id, n.person.full_name) for n in named if policy.can_view_person(user, n.person)]


def name_person(user: Any, pk: object, *, person_id: object, role: str, channel: str = Channel.WEB) -> EntryPerson:
    """Name one more person in an entry: someone the user may see (the casework person search)."""
    entry = _entry_for_change(user, pk, channel)
    person = casework.get_person(user, person_id, purpose=f"name in dial-in entry {entry.pk}", channel=channel)
    if role not in EntryPerson.Role.values:
        raise RuleRefused("unknown_role", f"A person's role is one of {', '.join(EntryPerson.Role.values)}.", "role")
    with transaction.atomic():
        named, _ = EntryPerson.objects.get_or_create(entry=entry, person=person, role=role)
        record(user, Action.CHANGED, "dialin_entry", entry.pk, channel=channel, summary=f"named person {person.pk}")
    return named


def archive_entry(user: Any, pk: object, *, reason: str, channel: str = Channel.WEB) -> DialInEntry:
    """Take an entry made by mistake out of the log, keeping it and saying why (its own agency)."""
    entry = get_entry(user, pk, purpose="archive a dial-in entry", channel=channel)
    if not policy.can_archive_dialin_entry(user, entry):
        raise PermissionRefused(f"Only officers and supervisors of {entry.agency} archive its entries.")
    if entry.converted:
        raise RuleRefused("entry_in_use", "This entry is on a case, a task or a panel referral: it stays.", "reason")
    if not reason.strip():
        raise RuleRefused("reason_required", "Say why the entry is archived.", "reason")
    with transaction.atomic():
        lock(entry)
        entry.archive(user, reason)
        record(user, Action.ARCHIVED, "dialin_entry", entry.pk, channel=channel, summary="archived")
    return entry


# ---- Decisions of the daily meeting ----------------------------------------------------------------

def record_decision(user: Any, pk: object, *, decision: str, owner_agency: Agency | str, due_on: date,
                    channel: str = Channel.WEB) -> Decision:
    entry = get_entry(user, pk, purpose="record a decision", channel=channel)
    if not policy.can_record_dialin_decision(user):
        raise PermissionRefused("Decisions are recorded by the daily meeting's officers and supervisors.")
    if not decision.strip():
        raise RuleRefused("decision_required", "Say what was decided.", "decision")
    found = Decision(entry=entry, decision=decision.strip(), owner_agency=agency_named(owner_agency, "owner_agency"),
                     due_on=due_on)
    with transaction.atomic():
        found.save_by(user)
        record(user, Action.CREATED, "dialin_decision", found.pk, channel=channel, summary=f"entry {entry.pk}")
    return found


def complete_decision(user: Any, pk: object, *, on: date | None = None, channel: str = Channel.WEB) -> Decision:
    found = reads.dialin_decision(user, pk, purpose="complete a decision", channel=channel)
    if not policy.can_record_dialin_decision(user):
        raise PermissionRefused("Decisions are recorded by the daily meeting's officers and supervisors.")
    with transaction.atomic():
        lock(found)
        if found.done_on:
            raise RuleRefused("decision_done", f"Already done on {found.done_on:%d %B %Y}.", "done_on")
        found.done_on = on or timezone.localdate()
        found.save_by(user)
        record(user, Action.CHANGED, "dialin_decision", found.pk, channel=channel, summary="done")
    return found


# ---- The digest ------------------------------------------------------------------------------------

def digest(user: Any, day: date, *, channel: str = Channel.WEB) -> MorningView:
    """The morning view as the meeting's paper (the page and its PDF)."""
    return morning(user, day, channel=channel)


def digest_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def send_digest(day: date, link: str, *, user: Any = None, channel: str = Channel.CLI) -> int:
    """Email the distribution that the day's digest is waiting. The body names only the day, the
    number of entries and the link: never an account, a place or a person. The number of
    addresses sent to."""
    from django.core.mail import send_mail

    addresses = sorted({a for d in Distribution.objects.all() for a in d.addresses})
    if not addresses:
        return 0
    total = DialInEntry.objects.filter(archived_on__isnull=True, dial_in_on=day).count()
    body = (f"The Daily Dial In digest for {day:%A %d %B %Y} is ready ({total} entries).\n\n"
            f"Sign in to read it: {link}\n\nThis email holds no personal data; the digest is on CSP Hub only.")
    send_mail(f"Daily Dial In digest: {day:%d %B %Y}", body, None, addresses)
    record(user, Action.CHANGED, "dialin_digest", day.isoformat(), channel=channel,
           summary=f"emailed to {len(addresses)} addresses")
    return len(addresses)


# ---- Figures -------------------------------------------------------------------------------------

def figures(user: Any, start: date, end: date) -> dict[str, Any]:
    """Entries per day, agency, type and ward; conversions to cases, tasks and panel referrals;
    repeat locations surfaced. Counts only (analysts see these; no accounts, places or people)."""
    if not policy.can_view_dialin_figures(user):
        raise PermissionRefused("Dial-in figures are for analysts, supervisors, officers and partnership admins.")
    return count_figures(policy.dialin_counted_entries(user), start, end)


def count_figures(entries: Any, start: date, end: date) -> dict[str, Any]:
    """The figures of :func:`figures` over ``entries`` (a queryset; the CLI counts them all)."""
    found = entries.filter(dial_in_on__gte=start, dial_in_on__lte=end)

    def by(column: str) -> list[tuple[str, int]]:
        return [(str(r[column] or "Not known"), r["n"]) for r in found.values(column).annotate(n=Count("id")).order_by(column)]

    total = found.count()
    places = Counter(rules.place_key(a, p) for a, p in found.values_list("address", "postcode"))
    rule = casework.repeat_rule()
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "entries": total,
        "by_day": by("dial_in_on"), "by_agency": by("agency__name"), "by_type": by("entry_type__name"),
        "by_ward": by("ward_name"),
        "to_cases": found.filter(case__isnull=False).count(),
        "new_cases": found.filter(case__isnull=False, incident__isnull=False, case__opened_on__gte=start).count(),
        "to_tasks": found.filter(task__isnull=False).count(),
        "to_panels": found.filter(panel_referral__isnull=False).count(),
        "repeat_locations": sum(1 for k, n in places.items() if k and n >= rule.threshold),
        "repeat_rule": f"{rule.threshold} in {rule.window_days} days",
    }


def conversion_rate(fig: dict[str, Any]) -> float:
    return round(100 * fig["to_cases"] / fig["entries"], 1) if fig["entries"] else 0.0


def parse_moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def case_choices(user: Any) -> list[tuple[int, str]]:
    """Open cases the user may record on, for the "add to a case" picker (audited by id)."""
    if not roles.works_cases(user):
        return []
    found = (reads.cases(user, purpose="dial-in: add to a case picker").exclude(status=CaseStatus.CLOSED)
             .select_related("case_type").order_by("-opened_on")[:300])
    return [(c.pk, f"{c.reference} {c.case_type}") for c in found]


# ---- For the command line (no personal data) ------------------------------------------------------

def day_counts(day: date) -> list[dict[str, Any]]:
    """The day's entries by ward and type (counts only: what the CLI prints)."""
    rows = (DialInEntry.objects.filter(archived_on__isnull=True, dial_in_on=day)
            .values("ward_name", "entry_type__name").annotate(n=Count("id")).order_by("ward_name", "entry_type__name"))
    return [{"ward": r["ward_name"] or "Ward not known", "type": r["entry_type__name"], "entries": r["n"]} for r in rows]


def set_distribution(agency: Agency | str, emails: Sequence[str]) -> Distribution:
    """Put an agency on the dial-in distribution (its officers and supervisors see the morning
    view), with the team inboxes the digest email goes to."""
    found = agency_named(agency)
    bad = [e for e in emails if "@" not in e or any(c.isspace() for c in e.strip())]
    if bad:
        raise RuleRefused("bad_email", f"Not email addresses: {', '.join(bad)}.", "email")
    distribution, _ = Distribution.objects.update_or_create(agency=found, defaults={"emails": "\n".join(emails)})
    record(None, Action.CHANGED, "dialin_distribution", found.pk, channel=Channel.CLI, summary="set")
    return distribution


def remove_from_distribution(agency: Agency | str) -> bool:
    found = agency_named(agency)
    removed, _ = Distribution.objects.filter(agency=found).delete()
    record(None, Action.CHANGED, "dialin_distribution", found.pk, channel=Channel.CLI, summary="removed")
    return bool(removed)


def distribution_rows() -> list[dict[str, Any]]:
    return [{"agency": d.agency.name, "emails": ", ".join(d.addresses)}
            for d in Distribution.objects.select_related("agency").order_by("agency__name")]


def figure_rows(start: date, end: date) -> list[dict[str, Any]]:
    """Every entry's figures as rows (measure, category, count) for the CLI."""
    fig = count_figures(DialInEntry.objects.filter(archived_on__isnull=True), start, end)
    rows = [{"measure": "entries", "category": "", "count": fig["entries"]}]
    for measure in ("by_day", "by_agency", "by_type", "by_ward"):
        rows += [{"measure": measure, "category": key, "count": n} for key, n in fig[measure]]
    rows += [{"measure": m, "category": "", "count": fig[m]} for m in ("to_cases", "to_tasks", "to_panels",
                                                                         "repeat_locations")]
    return rows


def statistics_rows(user: Any, start: date, end: date) -> list[dict[str, Any]]:
    """Dial-in rows in the casework statistics' shape (measure, category, count, previous_count,
    percent_change): this period against the same period a year earlier (csphub.dates.
    year_earlier_period, as the casework statistics). Empty for roles that do not see the figures."""
    if not policy.can_view_dialin_figures(user):
        return []
    entries = policy.dialin_counted_entries(user)
    now = count_figures(entries, start, end)
    before = count_figures(entries, *year_earlier_period(start, end))
    change = percent_change

    rows = [("Dial-in entries", "", "entries"), ("Dial-in entries put on cases", "", "to_cases"),
            ("Dial-in entries turned into tasks", "", "to_tasks"), ("Dial-in repeat locations", "", "repeat_locations")]
    out = [{"measure": m, "category": c, "count": now[k], "previous_count": before[k],
            "percent_change": change(now[k], before[k])} for m, c, k in rows]
    previous_types = dict(before["by_type"])
    out += [{"measure": "Dial-in entries by type", "category": t, "count": n, "previous_count": previous_types.get(t, 0),
             "percent_change": change(n, previous_types.get(t, 0))} for t, n in now["by_type"]]
    return out
