"""Unauthorised encampments for the Strategic Assessment (``csphub assess``), as plain data:
incursions (by the day they arrived) in the period and the same period a year earlier, as the
seed reports them ("15 incursions ... compared to 7"). None when none was ever recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Min

from .models import Incursion


def encampments_group(period: tuple[date, date], previous: tuple[date, date]) -> dict[str, Any] | None:
    incursions = Incursion.objects.filter(archived_on__isnull=True)
    first = incursions.aggregate(d=Min("arrived_at"))["d"]
    if first is None:
        return None

    def count(start: date, end: date) -> int:
        return incursions.filter(arrived_at__date__gte=start, arrived_at__date__lte=end).count()

    return {"title": "Unauthorised encampments", "records_start": first.date().isoformat(),
            "measures": [{"key": "incursions", "label": "Incursions (unauthorised encampments)",
                          "count": count(*period), "previous_count": count(*previous)}]}
