"""Retention for the CCTV estate's personal data: who asked for a new camera.

The register, faults, activity and decisions hold no personal data. A new-camera request
names its requester (a Ward Member or a member of the public) and how to reach them; once the
request was decided (or withdrawn) more than ``years`` ago, the name and contact are
redacted, on the request and in every history row. The request, its reason, the evidence and
the SEG's decision stay: they are the partnership's record of why a camera is where it is.
Footage requests name no one (a crime reference and a purpose).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from csphub.audit.services import Action, Channel, record
from csphub.casework.retention import REDACTED, cutoff_for, scrub

from .models import Review

WORDS = ["requester_name", "requester_contact"]


def requests_due(years: int, today: date | None = None) -> set[int]:
    """New-camera requests decided or withdrawn before the cutoff that still name someone."""
    cutoff = cutoff_for(today or timezone.localdate(), years)
    done = Q(decided_on__lt=cutoff) | Q(status=Review.Status.WITHDRAWN, modified_on__date__lt=cutoff)
    named = ~Q(requester_name__in=["", REDACTED]) | ~Q(requester_contact__in=["", REDACTED])
    return set(Review.objects.filter(done, named, kind=Review.Kind.NEW_CAMERA).values_list("id", flat=True))


def anonymise_requesters(years: int, *, today: date | None = None, dry_run: bool = False) -> int:
    """Redact the requesters of the requests due; how many requests (none changed on a dry run)."""
    due = requests_due(years, today)
    if due and not dry_run:
        scrub(Review, "id", due, WORDS)
        record(None, Action.CHANGED, "camera_review", "", channel=Channel.CLI, object_ids=sorted(due),
               summary=f"retention: requesters redacted after {years} years")
    return len(due)
