"""Daily Dial In entries and the meeting's decisions; operations and their outputs; place-based
initiatives with their phases. Who may see each is decided in csphub.access.policy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csphub.accounts.models import Agency
from csphub.casework.models import AsbCase, Incident, Person, PostcodeStatus, Task
from csphub.core.models import BaseRecord, PostcodePoint
from csphub.panels.models import PanelReferral

User = settings.AUTH_USER_MODEL


class EntryType(models.Model):
    """A kind of incident partners report at the dial-in (configurable in the admin; the demo
    and the first migration seed a starting list)."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Distribution(models.Model):
    """An agency on the dial-in's distribution: its officers and supervisors see the morning
    view; the digest email goes to ``emails`` (a team inbox; one address per line)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="dialin_distribution")
    emails = models.TextField(blank=True, help_text="Team inboxes for the digest email, one per line")

    def __str__(self) -> str:
        return str(self.agency)

    @property
    def addresses(self) -> list[str]:
        return [e.strip() for e in self.emails.splitlines() if e.strip()]


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    PRIORITY = "priority", "Priority: today"
    URGENT = "urgent", "Urgent: risk of harm"


class EntrySource(models.TextChoices):
    WEB = "web", "Quick entry page"
    API = "api", "Partner system (API)"
    CSV = "csv", "CSV upload"
    CLI = "cli", "Command line"
    DEMO = "demo", "Demo"


class DialInEntry(PostcodePoint, BaseRecord):
    """One incident of the last 24 hours reported by a partner agency for the Daily Dial In."""

    occurred_at = models.DateTimeField()
    dial_in_on = models.DateField(default=timezone.localdate, db_index=True,
                                  help_text="The morning meeting the entry is for")
    entry_type = models.ForeignKey(EntryType, on_delete=models.PROTECT, related_name="entries")
    account = models.TextField(help_text="A short account of what happened")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dialin_entries")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=100, blank=True)
    # What the loaded postcode directory said of the postcode (casework.geography.place,
    # as for a casework location): without a map point the ward and the postcode's centre come
    # from it; a postcode it lacks is flagged "not_found", never guessed.
    postcode_status = models.CharField(max_length=20, choices=PostcodeStatus.choices, blank=True)
    postcode_latitude = models.FloatField("latitude of the postcode's centre", null=True, blank=True)
    postcode_longitude = models.FloatField("longitude of the postcode's centre", null=True, blank=True)
    people = models.ManyToManyField(Person, through="EntryPerson", related_name="dialin_entries", blank=True)
    source = models.CharField(max_length=10, choices=EntrySource.choices, default=EntrySource.WEB)
    reference = models.CharField(max_length=100, blank=True, help_text="The partner's own reference, e.g. a CAD number")
    # Re-sending the same entry (a CSV uploaded twice, a partner system retrying) never
    # duplicates it: the agency plus its reference, or a digest of its content (rules.natural_key).
    natural_key = models.CharField(max_length=64, unique=True, editable=False)
    case = models.ForeignKey(AsbCase, null=True, blank=True, on_delete=models.PROTECT, related_name="dialin_entries")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    panel_referral = models.ForeignKey(PanelReferral, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-dial_in_on", "ward_name", "entry_type__name", "occurred_at"]
        verbose_name = "Daily Dial In entry"
        verbose_name_plural = "Daily Dial In entries"

    def __str__(self) -> str:
        return f"Dial-in entry {self.pk} ({self.dial_in_on})"

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.address, self.postcode) if p) or (
            f"{self.latitude:.5f}, {self.longitude:.5f}" if self.latitude is not None and self.longitude is not None
            else "Place not given")

    @property
    def converted(self) -> bool:
        return bool(self.case_id or self.task_id or self.panel_referral_id)


class EntryPerson(models.Model):
    """A person named in an entry (found through the casework person search), in a role."""

    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        SUBJECT = "subject", "Subject (alleged perpetrator)"
        WITNESS = "witness", "Witness"
        OTHER = "other", "Other"

    entry = models.ForeignKey(DialInEntry, on_delete=models.CASCADE, related_name="named")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="dialin_mentions")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.OTHER)
    history = HistoricalRecords()

    class Meta:
        unique_together = [("entry", "person", "role")]


class Decision(BaseRecord):
    """A decision the daily meeting took about an entry: what, who owns it, by when."""

    entry = models.ForeignKey(DialInEntry, on_delete=models.PROTECT, related_name="decisions")
    decision = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]


# ---- Operations and days of action -----------------------------------------------------------

class OutputKind(models.Model):
    """What an operation counts (arrests, stop-searches, waste tonnage...): configurable per
    partnership in the admin; the first migration seeds the usual ones."""

    name = models.CharField(max_length=100, unique=True)
    unit = models.CharField(max_length=20, blank=True, help_text="e.g. 'tonnes'; blank for a count")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name


class Operation(BaseRecord):
    """An operation or day of action (e.g. Operation Ratify, a StreetScene day)."""

    name = models.CharField(max_length=200)
    aim = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    wards = models.CharField(max_length=500, blank=True, help_text="Ward names, comma separated")
    area_geojson = models.TextField(blank=True, help_text="A drawn polygon (GeoJSON, WGS84 lon/lat)")
    agencies = models.ManyToManyField(Agency, related_name="dialin_operations", blank=True)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[agencies])

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class OperationOutput(BaseRecord):
    """A number an operation achieved, of one kind, on a day, by an agency."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="outputs")
    kind = models.ForeignKey(OutputKind, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=10, decimal_places=2)
    on = models.DateField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["on", "id"]


# ---- Place-based initiatives ------------------------------------------------------------------

class PlaceInitiative(BaseRecord):
    """Place-based work in a custom area (e.g. Clear, Hold, Build in named streets), evaluated
    before and after against a nearby comparison area a user chooses."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    streets = models.CharField(max_length=500, blank=True, help_text="Streets, comma separated")
    wards = models.CharField(max_length=500, blank=True, help_text="Ward names, comma separated")
    area_geojson = models.TextField(help_text="The area's polygon (GeoJSON, WGS84 lon/lat)")
    comparison_name = models.CharField(max_length=200, blank=True)
    comparison_geojson = models.TextField(blank=True, help_text="A nearby comparison area (GeoJSON)")
    starts_on = models.DateField(help_text="When the work began: months before it are 'before'")
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class InitiativePhase(models.Model):
    """A phase of an initiative with its dates (clear, hold, build)."""

    initiative = models.ForeignKey(PlaceInitiative, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "id"]
