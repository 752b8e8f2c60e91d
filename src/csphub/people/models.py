"""The review queue of likely duplicate person records, and merges (reversible)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from csphub.casework.models import Person

User = settings.AUTH_USER_MODEL


class PersonMatch(models.Model):
    """Two person records that linkage thinks are the same person, awaiting a reviewer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        MERGED = "merged", "Merged"
        REJECTED = "rejected", "Not the same person"
        UNMERGED = "unmerged", "Merged, then un-merged"

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    found_on = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        unique_together = [("person_a", "person_b")]


class PersonMerge(models.Model):
    """A merge: ``merged`` now points at ``kept``; the case roles moved are listed so the merge
    can be undone exactly."""

    match = models.ForeignKey(PersonMatch, null=True, on_delete=models.PROTECT, related_name="merges")
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    moved_case_roles = models.JSONField(default=list)
    # A merge of records from two agencies waits for the other agency to confirm it; until then
    # nothing moves (a merge never widens who may see a record).
    awaiting_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    confirmed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_on = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    merged_on = models.DateTimeField(default=timezone.now)
    unmerged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unmerged_on = models.DateTimeField(null=True, blank=True)

    @property
    def is_awaiting_confirmation(self) -> bool:
        return self.awaiting_agency_id is not None and self.confirmed_on is None and self.unmerged_on is None
