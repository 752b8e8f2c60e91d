"""ASB Case Review statistics for the Strategic Assessment (``csphub assess``), as plain data:
the figures the Act requires (s104(10)) for applications received in the period and in the
same period a year earlier. None when no application was ever recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Min

from .models import CaseReviewApplication

MEASURES = {
    "applications_received": "Applications received",
    "threshold_met": "Threshold met",
    "threshold_not_met": "Threshold not met",
    "reviews_held": "Reviews held",
    "reviews_with_recommendations": "Reviews with recommendations",
}


def _counts(start: date, end: date) -> dict[str, int]:
    received = CaseReviewApplication.objects.filter(received_on__gte=start, received_on__lte=end,
                                                    archived_on__isnull=True)
    held = received.filter(review_held_on__isnull=False)
    return {"applications_received": received.count(),
            "threshold_met": received.filter(threshold_met=True).count(),
            "threshold_not_met": received.filter(threshold_met=False).count(),
            "reviews_held": held.count(),
            "reviews_with_recommendations": held.exclude(recommendations="").count()}


def case_review_group(period: tuple[date, date], previous: tuple[date, date]) -> dict[str, Any] | None:
    first = CaseReviewApplication.objects.filter(archived_on__isnull=True).aggregate(d=Min("received_on"))["d"]
    if first is None:
        return None
    now, before = _counts(*period), _counts(*previous)
    return {"title": "ASB Case Reviews (the community trigger)", "records_start": first.isoformat(),
            "measures": [{"key": k, "label": label, "count": now[k], "previous_count": before[k]}
                         for k, label in MEASURES.items()]}
