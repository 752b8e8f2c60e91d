"""ASB Case Review applications, the complaints they rely on, and the review."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csphub.accounts.models import Agency
from csphub.casework.models import AsbCase, Incident, Person
from csphub.core.models import BaseRecord, LetterRecord, next_reference

User = settings.AUTH_USER_MODEL


class CaseReviewApplication(BaseRecord):
    """An application for an ASB Case Review (s104, 2014 Act)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        THRESHOLD_MET = "threshold_met", "Threshold met: review to be held"
        THRESHOLD_NOT_MET = "threshold_not_met", "Threshold not met"
        DISCRETIONARY = "discretionary", "Below the threshold: review held at the partnership's discretion"
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
    # The ASB cases the application is about: their incidents count towards the threshold.
    linked_cases = models.ManyToManyField(AsbCase, through="CaseReviewCaseLink", blank=True,
                                          related_name="linked_case_reviews")
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Below the threshold the partnership may still hold a review (its own choice, with a reason).
    discretionary = models.BooleanField(default=False)
    discretion_reason = models.TextField(blank=True)
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
        return bool(self.recommendations.strip()) or self.recommendation_set.exists()

    @property
    def review_to_be_held(self) -> bool:
        """The threshold was met, or the partnership chose to hold a review below it."""
        return self.threshold_met is True or self.discretionary


class CaseReviewComplaint(models.Model):
    """One complaint the application relies on: when made, about behaviour on which day, to whom."""

    application = models.ForeignKey(CaseReviewApplication, on_delete=models.CASCADE, related_name="complaints")
    reported_on = models.DateField()
    behaviour_on = models.DateField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    is_hate = models.BooleanField(default=False)
    reference = models.CharField(max_length=100, blank=True, help_text="The agency's own reference, e.g. a CAD number")
    # The same complaint already recorded as an incident on a linked case: counted once, as the incident.
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["reported_on"]


class CaseReviewCaseLink(models.Model):
    """An ASB case an application is about: who linked it and when."""

    application = models.ForeignKey(CaseReviewApplication, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(AsbCase, on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "case"], name="case_review_case_once")]
        ordering = ["linked_at", "id"]


class ReviewMeeting(BaseRecord):
    """The case review meeting: when, who chaired it, which agencies came, what was considered."""

    application = models.OneToOneField(CaseReviewApplication, on_delete=models.CASCADE, related_name="meeting")
    held_on = models.DateField()
    chair = models.CharField(max_length=200, help_text="Name and role of the chair")
    independent_chair = models.CharField(max_length=200, blank=True,
                                         help_text="If an independent person chaired or sat, their name and role")
    documents = models.TextField(blank=True, help_text="The documents considered, one a line (or a link)")
    history = HistoricalRecords()

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class AgencyAttendance(models.Model):
    """One agency's attendance at a review meeting."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name_role = models.CharField(max_length=200, help_text="Who attended, and their role")
    history = HistoricalRecords()  # a corrected meeting's attendance keeps who was taken off, by whom, why

    class Meta:
        ordering = ["agency__name", "id"]


class Recommendation(BaseRecord):
    """What the review recommends, which agency owns it, by when, and whether it was done."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    application = models.ForeignKey(CaseReviewApplication, on_delete=models.CASCADE,
                                    related_name="recommendation_set")
    text = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_review_recommendations")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(blank=True, help_text="Why it was not accepted")
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]

    def is_overdue(self, today: date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


class CaseReviewLetter(LetterRecord):
    """A letter to the applicant written from the application (issue 12, items 7 and 8): which
    letter, which template wording (its sha256) and format, by whom and when. The letter itself is
    not kept: it is written again from the record. Holds no names."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
        OUTCOME = "outcome", "Outcome"

    application = models.ForeignKey(CaseReviewApplication, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta(LetterRecord.Meta):
        pass
