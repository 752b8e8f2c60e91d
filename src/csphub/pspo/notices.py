"""What the PSPO register puts in inboxes (csphub.inbox): ``csphub notify overdue`` tells the
officer who gave a fixed penalty notice, and their supervisors, each day it is unpaid after its
due date while there is still time to prosecute. Titles are neutral: the kind, the notice number
and the dates, never the person or what happened."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from csphub.inbox import services as inbox

from . import rules
from .models import Enforcement, Order


def post_overdue_penalties(today: date) -> int:
    """Unpaid PSPO fixed penalty notices past their due date (no payment recorded, not withdrawn,
    no summons yet, still within the six months to prosecute): one item for the issuing officer and
    each supervisor of their agency (the enforcing agency's inbox when no officer is recorded), once
    per notice per day. How many items were posted."""
    posted = 0
    found = (Enforcement.objects.filter(kind=Enforcement.Kind.FPN, paid_on__isnull=True, payment_due_on__lt=today,
                                        archived_on__isnull=True, order__archived_on__isnull=True)
             .exclude(prosecution__in=(*rules.PROSECUTION_UNDER_WAY, rules.NOT_PURSUED))
             .select_related("order", "officer"))
    for fpn in found:
        state = fpn.penalty_state(today)
        if state is None or not rules.needs_prompt(state, fpn.prosecution):
            continue
        title = (f"Unpaid PSPO fixed penalty notice {fpn.notice_number} ({fpn.order.reference}): was due "
                 f"{state.due_on:%d %B %Y}, prosecute by {state.prosecute_by:%d %B %Y}")
        link, key = reverse("pspo-enforcement", args=[fpn.pk]), f"overdue:pspo-fpn:{fpn.pk}:{today}"
        posted += inbox.post_to_owner_or_agency(fpn.officer, fpn.agency_id, kind=inbox.Kind.OVERDUE, title=title,
                                                link=link, object_type="pspo_enforcement", object_id=fpn.pk, key=key)
    return posted


def post_expiring_orders(today: date) -> int:
    """Orders in force that expire within six months (rules.status_on: 'expiring'): one item in the
    inbox of the agency that made the order, once per order and expiry date (an extension moves the
    date, so the new expiry is told again when it comes near). How many items were posted."""
    posted = 0
    found = Order.objects.filter(archived_on__isnull=True, discharged_on__isnull=True, expires_on__gte=today,
                                 effective_on__lte=today).select_related("made_by_agency")
    for order in found:
        if rules.status_on(order.effective_on, order.expires_on, order.discharged_on, today) != "expiring":
            continue
        title = (f"PSPO {order.reference} ({order.name}) expires on {order.expires_on:%d %B %Y}: consult on an "
                 "extension, or let it lapse")
        if inbox.post(agency=order.made_by_agency, kind=inbox.Kind.REVIEW_DUE, title=title,
                      link=reverse("pspo", args=[order.pk]), object_type="pspo_order", object_id=order.pk,
                      notice_key=f"pspo-expiring:{order.pk}:{order.expires_on}"):
            posted += 1
    return posted
