"""The Public Spaces Protection Orders section of the committee briefing note (found by
``csphub.governance.papers``): orders in force, expiring, and enforcement in the period."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from csphub.change import counted

from .models import Enforcement, Order


def pspo_section(start: date, end: date) -> dict[str, Any] | None:
    """None when no order is on the register."""
    orders = list(Order.objects.filter(archived_on__isnull=True).order_by("name"))
    if not orders:
        return None
    found = (Enforcement.objects.filter(archived_on__isnull=True, occurred_at__date__gte=start,
                                        occurred_at__date__lte=end).values_list("order_id", "kind", "paid_on"))
    counts: dict[int, Counter] = {}
    for order_id, kind, paid_on in found:
        c = counts.setdefault(order_id, Counter())
        c[kind] += 1
        if kind == Enforcement.Kind.FPN and paid_on is not None:
            c["paid"] += 1
    rows = []
    for o in orders:
        c = counts.get(o.pk, Counter())
        rows.append([o.name, o.status(end), f"{o.expires_on:%d %B %Y}", str(c[Enforcement.Kind.PATROL]),
                     str(c[Enforcement.Kind.WARNING]), str(c[Enforcement.Kind.FPN]), str(c["paid"])])
    expiring = [o for o in orders if o.alert_from <= end <= o.expires_on]
    lines = [f"{counted(len(orders), 'order')} on the register."]
    if expiring:
        lines.append("Expiring within six months (consultation needed to extend): "
                     + "; ".join(f"{o.name} on {o.expires_on:%d %B %Y}" for o in expiring) + ".")
    total = Counter()
    for c in counts.values():
        total.update(c)
    lines.append(f"Enforcement in the period: {counted(total[Enforcement.Kind.WARNING], 'warning')}, "
                 f"{counted(total[Enforcement.Kind.FPN], 'fixed penalty notice')} ({total['paid']} paid so far).")
    return {"title": "Public Spaces Protection Orders",
            "paragraphs": [f"Between {start:%d %B %Y} and {end:%d %B %Y}:", lines],
            "tables": [{"headings": ["Order", "Status", "Expires", "Patrols", "Warnings", "FPNs", "FPNs paid"],
                        "rows": rows}],
            "sources": [f"PSPO register and enforcement {start} to {end} (csphub.pspo): counts only"]}


def briefing_sections() -> list[tuple[str, Any]]:
    return [("pspo", pspo_section)]
