"""The PSPO register: orders, their consultations and changes, and enforcement against them.

Who may see and change these is decided in csphub.access.policy (the PSPOs block).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csphub.accounts.models import Agency
from csphub.casework.models import Person
from csphub.core import penalties
from csphub.core.models import BaseRecord, next_reference

from . import rules

User = settings.AUTH_USER_MODEL


class Order(BaseRecord):
    """A Public Spaces Protection Order (2014 Act s59)."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    made_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    area_description = models.CharField(max_length=300, blank=True, help_text="e.g. 'Gillingham High Street and Green Street'")
    area_geojson = models.TextField(help_text="The restricted area, GeoJSON (WGS84)")
    ward_codes = models.JSONField(default=list, blank=True, help_text="When the area is whole wards")
    prohibitions = models.TextField(blank=True)
    requirements = models.TextField(blank=True)
    made_on = models.DateField()
    effective_on = models.DateField()
    expires_on = models.DateField()
    discharged_on = models.DateField(null=True, blank=True)
    document_url = models.URLField(blank=True, help_text="The published order")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = next_reference(Order, f"PSPO-{self.made_on.year}-", 3)
        super().save(*args, **kwargs)

    def status(self, today: date | None = None) -> str:
        return rules.status_on(self.effective_on, self.expires_on, self.discharged_on, today or timezone.localdate())

    def in_force_on(self, day: date) -> bool:
        return rules.in_force_on(self.effective_on, self.expires_on, self.discharged_on, day)

    @property
    def alert_from(self) -> date:
        return rules.alert_from(self.expires_on)

    def area_on(self, day: date) -> rules.AreaInForce:
        """The area in force on ``day``: as made, or as last varied on or before that day."""
        varied = self.changes.filter(kind=OrderChange.Kind.VARIATION, archived_on__isnull=True).exclude(
            area_geojson="").order_by("decided_on", "id").values_list("decided_on", "previous_area_geojson")
        return rules.area_in_force(day, self.area_geojson, list(varied))


class OrderDocument(BaseRecord):
    """The published order (PDF or Word), uploaded through the checks every upload gets
    (csphub.core.uploads): the newest is the order as published; earlier ones are kept, as the
    order's document history (a variation or extension republishes it)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to="pspo/%Y/%m/")
    description = models.CharField(max_length=300, help_text="e.g. 'The order as made', 'As varied 1 May 2026'")
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    scan_status = models.CharField(max_length=12, default="not_scanned")
    scan_detail = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_on", "-id"]


class Consultation(BaseRecord):
    """Consultation before making, extending, varying or discharging an order (s72(3))."""

    class Purpose(models.TextChoices):
        MAKE = "make", "Making the order"
        EXTEND = "extend", "Extending it"
        VARY = "vary", "Varying it"
        DISCHARGE = "discharge", "Discharging it"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="consultations")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    consultees = models.JSONField(default=list, blank=True, help_text="Codes of rules.REQUIRED_CONSULTEES consulted")
    responses = models.PositiveIntegerField(default=0)
    responses_in_favour = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["opened_on", "id"]

    def consultee_labels(self) -> list[str]:
        return [rules.REQUIRED_CONSULTEES.get(c, c) for c in self.consultees or []]

    @property
    def missing(self) -> list[str]:
        return rules.missing_consultees(self.consultees or [])

    @property
    def missing_labels(self) -> list[str]:
        return [rules.REQUIRED_CONSULTEES[c] for c in self.missing]


class OrderChange(BaseRecord):
    """An extension (s60), variation (s61) or discharge (s61) of an order."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", "Extended"
        VARIATION = "variation", "Varied"
        DISCHARGE = "discharge", "Discharged"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    decided_on = models.DateField()
    previous_expiry = models.DateField(null=True, blank=True)
    new_expiry = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    consultation = models.ForeignKey(Consultation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A variation of the area: the area before and from ``decided_on`` (blank when it kept the
    # area). Enforcement is checked against the area in force on its own day (Order.area_on).
    previous_area_geojson = models.TextField(blank=True, help_text="The area before this variation, GeoJSON")
    area_geojson = models.TextField(blank=True, help_text="The area from this variation's date, GeoJSON")
    previous_ward_codes = models.JSONField(default=list, blank=True)
    previous_area_description = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "id"]

    @property
    def varied_area(self) -> bool:
        return bool(self.area_geojson)


class Enforcement(BaseRecord):
    """A patrol, warning or fixed penalty notice against an order, recorded without a case."""

    class Kind(models.TextChoices):
        PATROL = "patrol", "Patrol"
        WARNING = "warning", "Warning (told to stop)"
        FPN = "fpn", "Fixed penalty notice"

    class Prosecution(models.TextChoices):
        NONE = "", "Not applicable"
        CONSIDERED = "considered", "Unpaid: prosecution being considered"
        SUMMONSED = "summonsed", "Unpaid: summons issued"
        CONVICTED = "convicted", "Convicted"
        WITHDRAWN = "withdrawn", "Withdrawn / not pursued"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="enforcement")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    location = models.CharField(max_length=300, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", help_text="The agency enforcing")
    joint_with = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    prohibition = models.CharField(max_length=200, blank=True, help_text="Which prohibition or requirement")
    notes = models.TextField(blank=True)
    # A breach by someone already in casework links to their record (need-to-know applies).
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="pspo_breaches")
    # Fixed penalty notices.
    notice_number = models.CharField(max_length=40, blank=True)
    amount = models.PositiveIntegerField(null=True, blank=True)
    early_payment_amount = models.PositiveIntegerField(null=True, blank=True)
    # The last day to pay: the rule casework's penalties use (CSPHUB_PENALTY_PAYMENT_DAYS after
    # the notice), fixed when the notice is given, as the notice tells the person.
    payment_due_on = models.DateField(null=True, blank=True, help_text="A fixed penalty: the last day to pay")
    early_payment_by = models.DateField(null=True, blank=True,
                                        help_text="A fixed penalty offering an early-payment amount: the last day for it")
    paid_on = models.DateField(null=True, blank=True)
    paid_amount = models.PositiveIntegerField(null=True, blank=True)
    prosecution = models.CharField(max_length=20, choices=Prosecution.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]

    @property
    def occurred_on(self) -> date:
        return timezone.localtime(self.occurred_at).date()

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None

    def penalty_state(self, today: date | None = None) -> penalties.PenaltyState | None:
        """Where a fixed penalty stands on ``today`` (None for a patrol or warning)."""
        if self.kind != self.Kind.FPN or self.payment_due_on is None:
            return None
        return rules.penalty_state(offence_on=self.occurred_on, due_on=self.payment_due_on, paid_on=self.paid_on,
                                   prosecution=self.prosecution, today=today or timezone.localdate())

    def next_step(self, today: date | None = None) -> str:
        state = self.penalty_state(today)
        return rules.next_step(state, self.prosecution) if state else ""
