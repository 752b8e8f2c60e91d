"""Panels, referrals to them, meetings, actions, cohorts and crime harm weights."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csphub.accounts.models import Agency
from csphub.casework.models import AsbCase, Person
from csphub.core.models import BaseRecord

User = settings.AUTH_USER_MODEL


class Panel(BaseRecord):
    """A standing multi-agency panel. Its records are visible only to its member agencies."""

    class Kind(models.TextChoices):
        VULNERABILITY = "vulnerability", "Vulnerability Panel (Community MARAC)"
        COMPLEX_NEEDS = "complex_needs", "Complex needs (e.g. Blue Light Project)"
        STALKING = "stalking", "Multi-Agency Stalking Intervention Panel"
        CHANNEL = "channel", "Channel (Prevent)"
        IOM = "iom", "Integrated Offender Management"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Agency, related_name="panels")
    cohort_cap = models.PositiveIntegerField(null=True, blank=True,
                                             help_text="Most people the panel can hold at once (e.g. Blue Light: 20)")
    review_every_days = models.PositiveIntegerField(default=28)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PanelReferral(BaseRecord):
    """One person (or place) referred to a panel, and what the panel decided."""

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred, awaiting decision"
        ADOPTED = "adopted", "Adopted"
        IN_CUSTODY = "in_custody", "Adopted, in custody (oversight continues)"
        DECLINED = "declined", "Declined / rejected"
        CLOSED = "closed", "Closed"

    OPEN = ("referred", "adopted", "in_custody")
    IN_COHORT = ("adopted", "in_custody")
    NEXT = {
        "referred": {"adopted", "declined"},
        "adopted": {"in_custody", "closed"},
        "in_custody": {"adopted", "closed"},
        "declined": set(),
        "closed": set(),
    }

    class Consent(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused: referred without consent (risk justifies it)"
        NOT_SOUGHT = "not_sought", "Not sought (e.g. would increase risk)"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="panel_referrals")
    location = models.CharField(max_length=300, blank=True, help_text="For a location referral (repeat location)")
    case = models.ForeignKey(AsbCase, null=True, blank=True, on_delete=models.PROTECT, related_name="panel_referrals")
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    risks = models.TextField(blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REFERRED)
    referred_on = models.DateField(default=timezone.localdate)
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    # Set when a non-member refers a person who already has an open referral: the non-member is
    # answered as for any new referral (membership is confidential); members see the duplicate.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.panel}: {self.person or self.location}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class PanelMeeting(BaseRecord):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    attending_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    attendees = models.TextField(blank=True, help_text="Names and roles, one per line")
    minutes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[attending_agencies])

    class Meta:
        ordering = ["-held_on"]


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", "New referral for decision"
        REVIEW = "review", "Review due"

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="agenda")
    referral = models.ForeignKey(PanelReferral, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField()
    discussion = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]


class PanelAction(BaseRecord):
    """An action agreed for a person on a panel, with an owner, a due date and RAG progress."""

    class Rag(models.TextChoices):
        RED = "red", "Red: not started or off track"
        AMBER = "amber", "Amber: in progress, some risk"
        GREEN = "green", "Green: on track"
        COMPLETE = "complete", "Complete"

    referral = models.ForeignKey(PanelReferral, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    rag = models.CharField(max_length=10, choices=Rag.choices, default=Rag.RED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]


class Cohort(BaseRecord):
    """A named group of people managed together, e.g. IOM fixed / flex / free."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="cohorts")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class CohortMembership(BaseRecord):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cohort_memberships")
    entered_on = models.DateField()
    exited_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["entered_on"]


class Offence(BaseRecord):
    """An offence by a cohort member (e.g. from police records), for harm before vs during."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="offences")
    offence = models.CharField(max_length=200, help_text="Offence name or Home Office code, as in the harm index")
    committed_on = models.DateField()
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()


class HarmWeight(models.Model):
    """Crime harm index weight for an offence (e.g. Cambridge Crime Harm Index: days of custody)."""

    index = models.CharField(max_length=100, default="Cambridge Crime Harm Index")
    offence = models.CharField(max_length=200)
    weight = models.FloatField()
    loaded_on = models.DateTimeField(default=timezone.now)

    class Meta:
        unique_together = [("index", "offence")]
