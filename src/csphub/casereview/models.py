"""ASB Case Review applications, the complaints they rely on, and the review."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csphub.accounts.models import Agency
from csphub.casework.models import AsbCase, Person
from csphub.core.models import BaseRecord, next_reference


class CaseReviewApplication(BaseRecord):
    """An application for an ASB Case Review (s104, 2014 Act)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        THRESHOLD_MET = "threshold_met", "Threshold met: review to be held"
        THRESHOLD_NOT_MET = "threshold_not_met", "Threshold not met"
        REVIEW_HELD = "review_held", "Review held"
        ESCALATED = "escalated", "Escalated by the applicant"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_review_applications")
    on_behalf_of = models.CharField(max_length=200, blank=True, help_text="If someone applies for the victim")
    behaviour = models.TextField(help_text="The behaviour the applicant complains of")
    received_on = models.DateField(default=timezone.localdate)
    received_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(AsbCase, null=True, blank=True, on_delete=models.PROTECT, related_name="case_reviews")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    acknowledged_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    threshold_met = models.BooleanField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    review_held_on = models.DateField(null=True, blank=True)
    recommendations = models.TextField(blank=True)
    escalation_requested_on = models.DateField(null=True, blank=True)
    escalation_outcome = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = next_reference(CaseReviewApplication, f"CR-{self.received_on.year}-", 4)
        super().save(*args, **kwargs)

    @property
    def has_recommendations(self) -> bool:
        return bool(self.recommendations.strip())


class CaseReviewComplaint(models.Model):
    """One complaint the application relies on: when made, about behaviour on which day, to whom."""

    application = models.ForeignKey(CaseReviewApplication, on_delete=models.CASCADE, related_name="complaints")
    reported_on = models.DateField()
    behaviour_on = models.DateField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    is_hate = models.BooleanField(default=False)
    reference = models.CharField(max_length=100, blank=True, help_text="The agency's own reference, e.g. a CAD number")
    history = HistoricalRecords()

    class Meta:
        ordering = ["reported_on"]
