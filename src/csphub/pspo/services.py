"""The PSPO register and enforcement against orders.

Reads go through csphub.access (audited); each change checks the caller with csphub.access.policy
and writes its audit entry. The law's rules (term, extension, consultees, area, the penalty cap
on the offence date) are in :mod:`.rules` and csphub.core.penalties.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from csphub.access import policy, reads, roles
from csphub.analytics import inside
from csphub.audit.services import Action, Channel, record
from csphub.casework import rules as casework_rules
from csphub.casework import services as casework_services
from csphub.casework.models import Person
from csphub.core import filetypes, penalties, uploads
from csphub.core.listing import Slice, Window, take
from csphub.core.models import lock
from csphub.dates import add_months
from csphub.errors import NotFoundError, PermissionRefused, RuleRefused
from csphub.settings import load_settings

from . import rules
from .models import Consultation, Enforcement, Order, OrderChange, OrderDocument

COUNCIL_ONLY = "Orders are made, consulted on, extended, varied and discharged by council officers and supervisors."
CASEWORK_ONLY = "Enforcement is recorded by officers and supervisors."


def require_manage(user: Any) -> None:
    """PermissionRefused (403) unless the user may make and change orders."""
    _require_manage(user)


def _require_manage(user: Any) -> None:
    if not policy.can_manage_pspos(user):
        raise PermissionRefused(COUNCIL_ONLY)


def can_manage(user: Any) -> bool:
    return policy.can_manage_pspos(user)


def can_enforce(user: Any) -> bool:
    return policy.can_record_pspo_enforcement(user)


# ---- The register -----------------------------------------------------------------------------

def order_list(user: Any, *, channel: str = Channel.WEB, purpose: str = "pspo register") -> list[Order]:
    return list(reads.pspo_orders(user, purpose=purpose, channel=channel))


def order_window(user: Any, window: Window, *, channel: str = Channel.API, purpose: str = "api pspo register") -> Slice:
    """A window of the register of orders (see csphub.core.listing)."""
    return take(reads.pspo_orders(user, purpose=purpose, channel=channel), window)


def get_order(user: Any, pk: object, *, channel: str = Channel.WEB, purpose: str = "pspo order") -> Order:
    return reads.pspo_order(user, pk, purpose=purpose, channel=channel)


def order_to_change(user: Any, pk: object, *, channel: str = Channel.WEB) -> Order:
    order = get_order(user, pk, channel=channel, purpose="pspo order form")
    _require_manage(user)
    return order


def expiring(user: Any, today: date | None = None) -> list[Order]:
    """Orders in force whose expiry is within 6 months (the register's alert)."""
    today = today or timezone.localdate()
    return [o for o in policy.pspo_orders(user) if o.status(today) == "expiring"]


def drawing(order: Order, enforcement: Sequence[Enforcement] = ()) -> dict[str, Any]:
    """The order's area and the enforcement points the user may see, for the order page."""
    area = rules.area_from_geojson(order.area_geojson, f"the area of {order.name}")
    return rules.drawing(area, [(e.latitude, e.longitude, e.kind) for e in enforcement])


def ward_choices() -> list[tuple[str, str]]:
    return inside.wards(load_settings().warehouse_path)


def area_from(*, geojson: str = "", ward_codes: Sequence[str] = (), drawn: str = "") -> str:
    """The area as GeoJSON: drawn on the ward map (or pasted), from an uploaded file's text, or
    the union of chosen wards' boundaries in the warehouse. A drawn area is checked as the Daily
    Dial In's are (csphub.dialin.rules.parse_area): closed, 3 distinct points, not crossing
    itself, inside the partnership's wards."""
    if drawn.strip():
        from csphub.dialin import operations as dialin_operations
        from csphub.dialin import rules as dialin_rules

        try:
            area = dialin_rules.parse_area(drawn, "area_drawn", within=dialin_operations.partnership_extent())
        except ValueError as e:
            raise RuleRefused("area", str(e), "area_drawn") from e
        return json.dumps(area)
    if geojson.strip():
        try:
            return rules.to_geojson(rules.area_from_geojson(geojson))
        except rules.AreaError as e:
            raise RuleRefused("area", str(e), "area_file") from e
    if ward_codes:
        found, missing = inside.ward_area_geojson(load_settings().warehouse_path, list(ward_codes))
        if found is None or missing:
            raise RuleRefused("area", "No boundary is loaded for ward(s) " + ", ".join(missing)
                              + ": load ward boundaries (csphub boundaries) or upload the area as GeoJSON.", "wards")
        return found
    raise RuleRefused("area", "Give the order's area: upload GeoJSON or choose wards.", "area_file")


# ---- The published order document ---------------------------------------------------------

ORDER_DOCUMENT_KINDS = (filetypes.PDF, filetypes.DOCX, filetypes.DOC, filetypes.ODT)
ORDER_DOCUMENT_WHAT = "the order as a PDF or Word document (.pdf, .docx, .doc or .odt)"


def add_document(user: Any, order: Order, uploaded: Any, description: str, *,
                 channel: str = Channel.WEB) -> OrderDocument:
    """Upload the published order (council officers and supervisors), with the size, type and
    virus checks every upload gets (csphub.core.uploads.check_and_scan, as case attachments);
    PDF or Word only. Earlier documents stay, as the order's document history."""
    _require_manage(user)
    if not (description or "").strip():
        raise RuleRefused("description_required", "Say which version this is (e.g. the order as made, or as "
                          "varied on a date).", "description")
    kind, scan = uploads.check_and_scan(user, uploaded, object_type="pspo_document", channel=channel,
                                        summary=f"pspo order {order.pk}", accepted=ORDER_DOCUMENT_KINDS,
                                        what=ORDER_DOCUMENT_WHAT)
    document = OrderDocument(order=order, description=description.strip()[:300],
                             original_name=(uploaded.name or "")[:255], content_type=kind.content_type,
                             size=uploaded.size, scan_status=scan.status, scan_detail=scan.detail[:200])

    def save() -> None:
        document.save_by(user)
        record(user, Action.CREATED, "pspo_document", document.pk, channel=channel, summary=f"order {order.pk}")

    uploads.store_with_file(document, kind, uploaded, save)
    return document


def documents(user: Any, order: Order, *, channel: str = Channel.WEB) -> list[OrderDocument]:
    """The order's documents, newest (the one in force) first (audited as a list read)."""
    return list(reads.pspo_documents(user, purpose=f"pspo {order.pk} documents", channel=channel)
                .filter(order=order).select_related("created_by"))


def document_window(user: Any, order: Order, window: Window, *, channel: str = Channel.API) -> Slice:
    """A window of the order's documents, newest first (see csphub.core.listing)."""
    return take(reads.pspo_documents(user, purpose=f"api pspo {order.pk} documents", channel=channel)
                .filter(order=order), window)


def current_document_id(order: Order) -> int | None:
    """The published order: the newest document not archived."""
    return order.documents.filter(archived_on__isnull=True).order_by("-created_on", "-id").values_list(
        "pk", flat=True).first()


def get_document(user: Any, pk: object, *, channel: str = Channel.WEB) -> OrderDocument:
    """A document to download (audited as a download; 404 for one the user may not see)."""
    return reads.pspo_document(user, pk, purpose="pspo document download", channel=channel)


@dataclass(frozen=True)
class OrderInput:
    name: str
    made_on: date
    effective_on: date
    expires_on: date
    area_geojson: str
    area_description: str = ""
    ward_codes: Sequence[str] = ()
    prohibitions: str = ""
    requirements: str = ""
    document_url: str = ""


@transaction.atomic
def make_order(user: Any, data: OrderInput, *, channel: str = Channel.WEB) -> Order:
    """Put an order on the register (at most 3 years from the day it takes effect)."""
    _require_manage(user)
    refusal = rules.term_refusal(data.effective_on, data.expires_on)
    if refusal:
        raise RuleRefused("order_term", refusal, "expires_on")
    if data.effective_on < data.made_on:
        raise RuleRefused("effective_before_made", "An order takes effect on or after the day it is made.",
                          "effective_on")
    if not (data.prohibitions.strip() or data.requirements.strip()):
        raise RuleRefused("order_terms", "An order prohibits or requires something: give at least one.", "prohibitions")
    if Order.objects.filter(name__iexact=data.name.strip()).exists():
        raise RuleRefused("order_exists", f"There is already an order called {data.name.strip()!r}.", "name")
    try:
        rules.area_from_geojson(data.area_geojson)
    except rules.AreaError as e:
        raise RuleRefused("area", str(e), "area_file") from e
    m = roles.membership(user)
    order = Order(made_by_agency=m.agency, **{**data.__dict__, "name": data.name.strip(),
                                             "ward_codes": list(data.ward_codes)})
    order.save_by(user)
    record(user, Action.CREATED, "pspo_order", order.pk, channel=channel)
    return order


@transaction.atomic
def record_consultation(user: Any, order: Order, *, purpose: str, opened_on: date, closed_on: date | None,
                        consultees: Sequence[str], responses: int = 0, responses_in_favour: int | None = None,
                        summary: str = "", channel: str = Channel.WEB) -> Consultation:
    _require_manage(user)
    if purpose not in Consultation.Purpose.values:
        raise RuleRefused("purpose", f"Unknown purpose {purpose!r}.", "purpose")
    unknown = [c for c in consultees if c not in rules.REQUIRED_CONSULTEES]
    if unknown:
        raise RuleRefused("consultees", f"Unknown consultee(s) {', '.join(unknown)}.", "consultees")
    if closed_on and closed_on < opened_on:
        raise RuleRefused("closed_before_opened", "The consultation closes after it opens.", "closed_on")
    if responses_in_favour is not None and responses_in_favour > responses:
        raise RuleRefused("responses", "More responses in favour than responses.", "responses_in_favour")
    found = Consultation(order=order, purpose=purpose, opened_on=opened_on, closed_on=closed_on,
                         consultees=list(consultees), responses=responses, responses_in_favour=responses_in_favour,
                         summary=summary)
    found.save_by(user)
    record(user, Action.CREATED, "pspo_consultation", found.pk, channel=channel)
    return found


def _consultation_for(order: Order, purpose: str, by: date) -> Consultation | None:
    """The latest closed consultation for this purpose, closed by ``by``, with every consultee
    the Act requires."""
    for c in order.consultations.filter(purpose=purpose, closed_on__isnull=False, closed_on__lte=by,
                                        archived_on__isnull=True).order_by("-closed_on"):
        if not c.missing:
            return c
    return None


@transaction.atomic
def extend_order(user: Any, order: Order, *, decided_on: date, new_expiry: date, description: str = "",
                 expected_version: int | None = None, channel: str = Channel.WEB) -> OrderChange:
    """Extend an order by up to 3 years (s60(2)), before it expires, after consultation with the
    consultees the Act requires."""
    _require_manage(user)
    lock(order)
    order.check_version(expected_version)
    if order.discharged_on is not None:
        raise RuleRefused("discharged", f"The order was discharged on {order.discharged_on:%d %B %Y}.", "decided_on")
    consultation = _consultation_for(order, Consultation.Purpose.EXTEND, decided_on)
    refusal = rules.extension_refusal(order.expires_on, decided_on, new_expiry, consultation is not None)
    if refusal:
        if consultation is None and "consultation" in refusal:
            open_ones = order.consultations.filter(purpose=Consultation.Purpose.EXTEND, archived_on__isnull=True)
            missing = rules.missing_consultees({code for c in open_ones for code in c.consultees or []})
            if missing:
                refusal += " Not yet consulted: " + "; ".join(rules.REQUIRED_CONSULTEES[m] for m in missing) + "."
        raise RuleRefused("extension", refusal, "new_expiry")
    change = OrderChange(order=order, kind=OrderChange.Kind.EXTENSION, decided_on=decided_on,
                         previous_expiry=order.expires_on, new_expiry=new_expiry, description=description,
                         consultation=consultation)
    change.save_by(user)
    order.expires_on = new_expiry
    order.save_by(user)
    record(user, Action.CHANGED, "pspo_order", order.pk, channel=channel, summary="extended")
    return change


@transaction.atomic
def vary_order(user: Any, order: Order, *, decided_on: date, description: str, prohibitions: str | None = None,
               requirements: str | None = None, area_geojson: str = "", area_drawn: str = "",
               ward_codes: Sequence[str] = (), area_description: str | None = None,
               expected_version: int | None = None, channel: str = Channel.WEB) -> OrderChange:
    """Vary an order's terms or area (s61), after consultation. A new area is given as the
    order's is (:func:`area_from`: uploaded GeoJSON text, drawn, or wards; none keeps the area)
    and applies from ``decided_on``: the variation keeps the area before it, so enforcement
    dated before it is still checked against that (Order.area_on)."""
    _require_manage(user)
    lock(order)
    order.check_version(expected_version)
    if not order.in_force_on(decided_on):
        raise RuleRefused("not_in_force", "Only an order in force can be varied.", "decided_on")
    consultation = _consultation_for(order, Consultation.Purpose.VARY, decided_on)
    if consultation is None:
        raise RuleRefused("consultation", "A variation needs the necessary consultation first (s61, s72(3)): record "
                          "it, with every consultee the Act requires.", "decided_on")
    if not description.strip():
        raise RuleRefused("description", "Say what the variation changes.", "description")
    change = OrderChange(order=order, kind=OrderChange.Kind.VARIATION, decided_on=decided_on, description=description,
                         consultation=consultation)
    if area_geojson.strip() or area_drawn.strip() or ward_codes:
        last = order.changes.filter(kind=OrderChange.Kind.VARIATION, archived_on__isnull=True).exclude(
            area_geojson="").order_by("-decided_on").first()
        if last is not None and decided_on < last.decided_on:
            raise RuleRefused("variation_order", f"The area was last varied on {last.decided_on:%d %B %Y}: a later "
                              "variation of the area is dated on or after that.", "decided_on")
        new_area = area_from(geojson=area_geojson, ward_codes=ward_codes, drawn=area_drawn)
        change.previous_area_geojson, change.area_geojson = order.area_geojson, new_area
        change.previous_ward_codes, change.previous_area_description = order.ward_codes, order.area_description
        order.area_geojson = new_area  # whole wards only when the wards were the way it was given
        order.ward_codes = [] if area_geojson.strip() or area_drawn.strip() else list(ward_codes)
    change.save_by(user)
    if prohibitions is not None:
        order.prohibitions = prohibitions
    if requirements is not None:
        order.requirements = requirements
    if area_description is not None:
        order.area_description = area_description
    order.save_by(user)
    record(user, Action.CHANGED, "pspo_order", order.pk, channel=channel,
           summary="varied, with its area" if change.varied_area else "varied")
    return change


@transaction.atomic
def discharge_order(user: Any, order: Order, *, decided_on: date, description: str = "",
                    expected_version: int | None = None, channel: str = Channel.WEB) -> OrderChange:
    """Discharge an order (s61), after consultation."""
    _require_manage(user)
    lock(order)
    order.check_version(expected_version)
    if order.discharged_on is not None:
        raise RuleRefused("discharged", f"Already discharged on {order.discharged_on:%d %B %Y}.", "decided_on")
    if _consultation_for(order, Consultation.Purpose.DISCHARGE, decided_on) is None:
        raise RuleRefused("consultation", "Discharging an order needs the necessary consultation first (s61, "
                          "s72(3)).", "decided_on")
    change = OrderChange(order=order, kind=OrderChange.Kind.DISCHARGE, decided_on=decided_on, description=description)
    change.save_by(user)
    order.discharged_on = decided_on
    order.save_by(user)
    record(user, Action.CHANGED, "pspo_order", order.pk, channel=channel, summary="discharged")
    return change


# ---- Enforcement ----------------------------------------------------------------------------

def enforcement_list(user: Any, order: Order | None = None, *, channel: str = Channel.WEB,
                     purpose: str = "pspo enforcement list", limit: int = 300) -> list[Enforcement]:
    if not can_enforce(user):
        return []
    return list(_enforcements(user, order, channel, purpose)[:limit])


def _enforcements(user: Any, order: Order | None, channel: str, purpose: str) -> QuerySet[Enforcement]:
    found = reads.pspo_enforcements(user, purpose=purpose, channel=channel).select_related("order", "agency")
    return found.filter(order=order) if order is not None else found


def enforcement_window(user: Any, order: Order | None, window: Window, *, channel: str = Channel.API,
                       purpose: str = "api pspo enforcement") -> Slice:
    """A window of the enforcement the user's agency may see (empty for roles that do not enforce)."""
    if not can_enforce(user):
        return Slice([], 0)
    return take(_enforcements(user, order, channel, purpose), window)


def get_enforcement(user: Any, pk: object, *, channel: str = Channel.WEB,
                    purpose: str = "pspo enforcement") -> Enforcement:
    found = reads.pspo_enforcement(user, pk, purpose=purpose, channel=channel)
    return found


def breach_person(user: Any, record_: Enforcement, *, channel: str = Channel.WEB) -> Person | None:
    """The casework person who breached the order, if the user may see them (audited)."""
    if record_.person_id is None or not policy.people(user).filter(pk=record_.person_id).exists():
        return None
    return reads.shown(user, "person", [record_.person], purpose=f"pspo enforcement {record_.pk}",
                       channel=channel)[0]


def get_person(user: Any, pk: object, *, channel: str = Channel.WEB) -> Person:
    """The casework person who breached the order: one the officer may already see (audited)."""
    if not can_enforce(user):
        raise PermissionRefused(CASEWORK_ONLY)
    return reads.person(user, pk, purpose="pspo breach person", channel=channel)


def person_choices(user: Any) -> list[tuple[int, str]]:
    if not can_enforce(user):
        raise PermissionRefused(CASEWORK_ONLY)
    return [(p.pk, p.full_name) for p in reads.people(user, purpose="pspo breach person picker")[:500]]


@dataclass(frozen=True)
class EnforcementInput:
    kind: str
    occurred_at: datetime
    latitude: float
    longitude: float
    location: str = ""
    prohibition: str = ""
    notes: str = ""
    joint_with: Any = None
    person: Person | None = None
    notice_number: str = ""
    amount: int | None = None
    early_payment_amount: int | None = None


def fpn_due_on(issued_on: date) -> date:
    """The last day to pay a PSPO fixed penalty given on ``issued_on``: casework's rule and its
    configured ``fixed_penalty_payment_days`` (CSPHUB_PENALTY_PAYMENT_DAYS), not a second copy."""
    due = casework_rules.payment_due_on(casework_rules.PSPO_FIXED_PENALTY, issued_on,
                                        casework_services.tools_and_powers_config())
    assert due is not None  # a PSPO fixed penalty always has a due date
    return due


def fpn_early_payment_by(issued_on: date) -> date:
    """The last day the early-payment amount of a PSPO fixed penalty given on ``issued_on`` may be
    paid: casework's configured ``fixed_penalty_early_payment_days``
    (CSPHUB_PENALTY_EARLY_PAYMENT_DAYS), the same rule as casework's penalties."""
    config = casework_services.tools_and_powers_config()
    return penalties.early_payment_by(issued_on, config.fixed_penalty_early_payment_days,
                                      config.fixed_penalty_payment_days)


def _check_penalty(data: EnforcementInput, day: date) -> None:
    """An FPN has a number and an amount within the cap on the offence date; nothing else has one."""
    if data.kind == Enforcement.Kind.FPN:
        if data.amount is None:
            raise RuleRefused("amount", "Give the fixed penalty amount.", "amount")
        if not data.notice_number.strip():
            raise RuleRefused("notice_number", "Give the fixed penalty notice's number.", "notice_number")
        broken = rules.fixed_penalty_refusals(rules.FixedPenaltyRequest(data.amount, day, data.early_payment_amount))
        if broken:
            (rule, reason, field), *others = broken
            raise RuleRefused(rule, reason, field, tuple(others))
    elif data.amount is not None:
        raise RuleRefused("amount", "Only a fixed penalty notice has an amount.", "amount")


@transaction.atomic
def record_enforcement(user: Any, order: Order, data: EnforcementInput, *, channel: str = Channel.WEB) -> Enforcement:
    """A patrol, warning or FPN against the order, by the caller's agency. Refused where the
    point is outside the order's area in force that day (as varied by then), where the order was not in force that day, and for an FPN
    above the cap in force on the offence date."""
    if not can_enforce(user):
        raise PermissionRefused(CASEWORK_ONLY)
    if data.kind not in Enforcement.Kind.values:
        raise RuleRefused("kind", f"Unknown kind {data.kind!r}; expected patrol, warning or fpn.", "kind")
    day = timezone.localtime(data.occurred_at).date() if timezone.is_aware(data.occurred_at) else data.occurred_at.date()
    if data.occurred_at > timezone.now():
        raise RuleRefused("in_future", "Enforcement is recorded after it happened.", "occurred_at")
    if not order.in_force_on(day):
        raise RuleRefused("not_in_force", f"{order.name} was not in force on {day:%d %B %Y} "
                          f"(in force {order.effective_on:%d %B %Y} to "
                          f"{(order.discharged_on or order.expires_on):%d %B %Y}).", "occurred_at")
    in_force = order.area_on(day)  # a variation of the area applies from its date, not before
    area = rules.area_from_geojson(in_force.geojson, f"the area of {order.name}")
    if not rules.contains_point(area, data.longitude, data.latitude):
        raise RuleRefused("outside_area", rules.outside_area_message(order.name, data.longitude, data.latitude,
                                                                     day, in_force.phrase()), "latitude")
    _check_penalty(data, day)
    if data.person is not None and not policy.people(user).filter(pk=data.person.pk).exists():
        raise NotFoundError(f"No person {data.person.pk}.")
    m = roles.membership(user)
    found = Enforcement(order=order, agency=m.agency, officer=user, **data.__dict__)
    if data.kind == Enforcement.Kind.FPN:
        found.payment_due_on = fpn_due_on(day)
        if data.early_payment_amount is not None:  # the period the notice states, fixed when it is given
            found.early_payment_by = fpn_early_payment_by(day)
    found.save_by(user)
    record(user, Action.CREATED, "pspo_enforcement", found.pk, channel=channel, summary=data.kind)
    return found


@transaction.atomic
def record_payment(user: Any, fpn: Enforcement, *, paid_on: date | None, paid_amount: int | None,
                   prosecution: str = "", expected_version: int | None = None,
                   channel: str = Channel.WEB) -> Enforcement:
    """Paid (on a day, how much: the early-payment amount up to the notice's ``early_payment_by``
    (CSPHUB_PENALTY_EARLY_PAYMENT_DAYS after it), else the full amount) or, unpaid, the
    prosecution's progress."""
    lock(fpn)
    if not policy.pspo_enforcement(user).filter(pk=fpn.pk).exists():
        raise NotFoundError(f"No enforcement record {fpn.pk}.")
    fpn.check_version(expected_version)
    if fpn.kind != Enforcement.Kind.FPN:
        raise RuleRefused("not_fpn", "Only a fixed penalty notice is paid.", "paid_on")
    if prosecution not in Enforcement.Prosecution.values:
        raise RuleRefused("prosecution", f"Unknown prosecution stage {prosecution!r}.", "prosecution")
    if paid_on is not None:
        if paid_on < fpn.occurred_on:
            raise RuleRefused("paid_before_issue", "The payment is dated before the notice.", "paid_on")
        if paid_on > timezone.localdate():
            raise RuleRefused("paid_in_future", f"The payment is dated {paid_on:%d %B %Y}, in the future: record a "
                              "payment on or after the day it is made.", "paid_on")
        wrong = penalties.paid_amount_refusal(paid_amount=paid_amount, amount=fpn.amount,
                                              early_amount=fpn.early_payment_amount, paid_on=paid_on,
                                              early_by=fpn.early_payment_by)
        if wrong:
            raise RuleRefused("paid_amount", wrong, "paid_amount")
        if prosecution and prosecution != Enforcement.Prosecution.WITHDRAWN:
            raise RuleRefused("paid_and_prosecuted", "A paid penalty discharges the liability: no prosecution.",
                              "prosecution")
    fpn.paid_on, fpn.paid_amount, fpn.prosecution = paid_on, paid_amount if paid_on else None, prosecution
    fpn.save_by(user)
    record(user, Action.CHANGED, "pspo_enforcement", fpn.pk, channel=channel, summary="payment")
    return fpn


# ---- Figures --------------------------------------------------------------------------------

def figures(user: Any, *, today: date | None = None, months: int = 12, channel: str = Channel.WEB) -> list[dict[str, Any]]:
    """Per-order figures for a user who may see them, audited: see :func:`order_figures`."""
    if not policy.can_view_pspo_figures(user):
        raise PermissionRefused("PSPO figures are for analysts, supervisors and partnership admins.")
    found = order_figures(list(policy.pspo_orders(user)), today=today, months=months)
    record(user, Action.VIEWED, "pspo_figures", "", channel=channel, purpose="pspo figures")
    return found


def order_figures(orders: Sequence[Order], *, today: date | None = None, months: int = 12) -> list[dict[str, Any]]:
    """Per order: warnings, FPNs issued and paid, prosecutions and patrols by financial quarter,
    and crime and ASB inside the area the same calendar months before and after it took effect
    (up to ``months``). Counts only (callers check who asks; the CLI audits its run)."""
    today = today or timezone.localdate()
    path = load_settings().warehouse_path
    # Only months the warehouse holds: after its last month, compare the months loaded so far.
    latest = inside.last_loaded_month(path)
    upto = min(today, add_months(latest, 1)) if latest else today
    found = []
    for order in orders:
        events: list[tuple[date, str]] = []
        for e in policy.pspo_figure_enforcement().filter(order=order):
            events.append((e.occurred_on, e.kind))
            if e.kind == Enforcement.Kind.FPN and e.paid_on:
                events.append((e.paid_on, "fpn_paid"))
            if e.prosecution in (Enforcement.Prosecution.SUMMONSED, Enforcement.Prosecution.CONVICTED):
                events.append((e.occurred_on, "prosecution"))
        windows = rules.before_after_months(order.effective_on, months, upto)
        if windows is None:
            crime = inside.BeforeAfter(False, "no whole month since the order took effect is loaded in the "
                                              "warehouse yet" if latest else "no warehouse has been loaded yet")
        else:
            crime = inside.before_after(path, order.area_geojson, *windows)
        found.append({"order": order, "id": order.pk, "name": order.name, "effective_on": order.effective_on,
                      "quarters": rules.per_quarter(events), "crime": crime})
    return found


def register_rows(today: date | None = None) -> list[dict[str, Any]]:
    """The register for the CLI: each order's dates and status (public information)."""
    today = today or timezone.localdate()
    return [{"reference": o.reference, "name": o.name, "effective_on": o.effective_on.isoformat(),
             "expires_on": o.expires_on.isoformat(), "alert_from": o.alert_from.isoformat(), "status": o.status(today)}
            for o in Order.objects.filter(archived_on__isnull=True)]
