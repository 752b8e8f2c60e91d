"""The CCTV estate's records: cameras, faults, the control room's monthly activity, SEG
meetings, reviews (of a camera's placement, or of a request for a new camera), DPIAs,
Surveillance Camera Code self-assessments, rapid deployments and footage requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csphub.accounts.models import Agency
from csphub.core.models import BaseRecord, next_reference


class Purpose(models.TextChoices):
    CRIME = "crime", "Prevention and detection of crime"
    ASB = "asb", "Anti-social behaviour"
    PUBLIC_SAFETY = "public_safety", "Public safety"
    NIGHT_TIME = "night_time", "Night-time economy"
    VAWG = "vawg", "Violence against women and girls"
    TRAFFIC = "traffic", "Traffic and nuisance vehicles"
    WATER_SAFETY = "water_safety", "Water safety"
    VULNERABLE_BUILDING = "vulnerable_building", "Protecting a vulnerable building"
    DRUGS = "drugs", "Drug use and supply"


class Camera(BaseRecord):
    """One camera of the public-space estate."""

    class Kind(models.TextChoices):
        FIXED = "fixed", "Fixed"
        PTZ = "ptz", "Pan, tilt, zoom (PTZ)"
        RAPID = "rapid", "Rapid deployment"
        ANPR = "anpr", "ANPR"

    class Transmission(models.TextChoices):
        ANALOGUE = "analogue", "Analogue"
        DIGITAL = "digital", "Digital"
        UNKNOWN = "", "Not recorded"

    class Permanence(models.TextChoices):
        PERMANENT = "permanent", "Permanent"
        TEMPORARY = "temporary", "Temporary"

    class Status(models.TextChoices):
        WORKING = "working", "Working"
        FAULTY = "faulty", "Faulty"
        DECOMMISSIONED = "decommissioned", "Decommissioned"
        REMOVED = "removed", "Removed"

    camera_id = models.CharField(max_length=40, unique=True, help_text="The council's id for the camera")
    name = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=300, help_text="Where it is, as the register describes it")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=100, blank=True)
    ward_source = models.CharField(max_length=60, blank=True, help_text="Where the ward came from")
    lsoa_code = models.CharField(max_length=9, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FIXED)
    transmission = models.CharField(max_length=10, choices=Transmission.choices, blank=True, default="")
    permanence = models.CharField(max_length=10, choices=Permanence.choices, default=Permanence.PERMANENT)
    owner = models.CharField(max_length=200, blank=True)
    funder = models.CharField(max_length=200, blank=True, help_text="e.g. Safer Streets 5 grant")
    installed_on = models.DateField(null=True, blank=True)
    end_of_life_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.WORKING)
    purposes = models.JSONField(default=list, blank=True)
    annual_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                      help_text="Maintenance and monitoring per year (£)")
    publish = models.BooleanField(default=True, help_text="On the published register (no personal data)")
    dpia = models.ForeignKey("Dpia", null=True, blank=True, on_delete=models.SET_NULL, related_name="cameras")
    source_file = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["camera_id"]
        permissions = [
            ("manage_estate", "Manage the CCTV estate (the CCTV lead)"),
            ("view_internal", "See CCTV reviews, DPIAs and footage requests"),
        ]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.location}"

    @property
    def in_service(self) -> bool:
        return self.status in (self.Status.WORKING, self.Status.FAULTY)

    @property
    def purpose_labels(self) -> list[str]:
        labels = dict(Purpose.choices)
        return [labels.get(p, p) for p in self.purposes]


class Fault(BaseRecord):
    class Kind(models.TextChoices):
        PICTURE = "picture", "Loss of picture (intermittent or total)"
        CABLING = "cabling", "Cabling or transmission"
        POWER = "power", "Power supply"
        NETWORK = "network", "Network or wireless link"
        PTZ = "ptz", "Pan, tilt or zoom not working"
        DAMAGE = "damage", "Vandalism or damage"
        OBSCURED = "obscured", "View obscured (foliage, signage)"
        OTHER = "other", "Other"

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="faults")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(blank=True)
    reported_on = models.DateField(default=timezone.localdate)
    reported_by = models.CharField(max_length=200, help_text="Who reported it, e.g. control room operator")
    contractor_reference = models.CharField(max_length=100, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.camera.camera_id}: {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ActivityMonth(models.Model):
    """One camera's month in the control room's activity report (re-loading replaces it)."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="activity")
    month = models.DateField(help_text="First day of the month")
    incidents = models.PositiveIntegerField(default=0)
    police_requests = models.PositiveIntegerField(default=0)
    other_requests = models.PositiveIntegerField(default=0)
    evidential = models.PositiveIntegerField(default=0)
    arrests = models.PositiveIntegerField(default=0)
    source_file = models.CharField(max_length=300, blank=True)
    line = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["camera", "month"]
        constraints = [models.UniqueConstraint(fields=["camera", "month"], name="cctv_activity_once_a_month")]

    @property
    def total(self) -> int:
        return self.incidents + self.police_requests + self.other_requests + self.evidential + self.arrests


class MonitoringMonth(models.Model):
    """The control room's month: hours monitored and downtime (the seed: "no downtime")."""

    month = models.DateField(unique=True)
    hours_monitored = models.FloatField()
    downtime_hours = models.FloatField(default=0)
    source_file = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["month"]


class QuarantinedRow(models.Model):
    """A row of a register or activity file that was not loaded, and why. Loading the same
    file again replaces its rows here."""

    kind = models.CharField(max_length=20)  # 'register' or 'activity'
    file = models.CharField(max_length=300)
    line = models.PositiveIntegerField()
    field = models.CharField(max_length=100)
    value = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    raw = models.JSONField(default=dict)
    quarantined_on = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["file", "line"]


class SegMeeting(BaseRecord):
    """A meeting of the CSP's Strategic Executive Group, the only body that decides where
    cameras go (there is no governance app yet: this is the minimum a decision needs)."""

    reference = models.CharField(max_length=40, unique=True, help_text="e.g. SEG-2025-07")
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.held_on:%d %B %Y})"


class Review(BaseRecord):
    """A placement review of a camera (e.g. after six months of zero activity) or a request for a
    new camera, taken through evidence and the lead officer's recommendation to the SEG's
    decision, and the notice to Ward Members."""

    class Kind(models.TextChoices):
        PLACEMENT = "placement", "Placement review"
        NEW_CAMERA = "new_camera", "New camera request"

    class Trigger(models.TextChoices):
        ZERO_ACTIVITY = "zero_activity", "Zero activity (the six-month rule)"
        LEAD_OFFICER = "lead_officer", "CCTV lead officer"
        WARD_MEMBER = "ward_member", "Ward Member"
        PUBLIC = "public", "Member of the public"
        OFFICER = "officer", "Council officer"
        POLICE = "police", "Police"
        END_OF_LIFE = "end_of_life", "End of life"

    class Status(models.TextChoices):
        OPEN = "open", "Gathering evidence"
        RECOMMENDED = "recommended", "Recommended to the SEG"
        DECIDED = "decided", "Decided by the SEG"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Decision(models.TextChoices):
        KEEP = "keep", "Keep"
        RELOCATE = "relocate", "Relocate"
        MAKE_PERMANENT = "make_permanent", "Make permanent"
        DECOMMISSION = "decommission", "Decommission"
        INSTALL = "install", "Install"
        DECLINE = "decline", "Decline"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    trigger = models.CharField(max_length=15, choices=Trigger.choices)
    camera = models.ForeignKey(Camera, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    opened_on = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(help_text="Why it is reviewed, or the problem a new camera would answer")
    # A new-camera request: who asked (internal: never on the published register) and where.
    requester_name = models.CharField(max_length=200, blank=True)
    requester_contact = models.CharField(max_length=200, blank=True)
    proposed_location = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=100, blank=True)
    estimated_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # The lead officer's recommendation, and the evidence as it stood when it was made.
    recommendation = models.CharField(max_length=15, choices=Decision.choices, blank=True)
    recommendation_reason = models.TextField(blank=True)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    recommended_on = models.DateField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    # The SEG's decision.
    decision = models.CharField(max_length=15, choices=Decision.choices, blank=True)
    meeting = models.ForeignKey(SegMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    decided_on = models.DateField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    relocate_to = models.CharField(max_length=300, blank=True)
    members_notified_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = next_reference(Review, f"CCTV-{self.opened_on.year}-", 3)
        super().save(*args, **kwargs)

    @property
    def where(self) -> str:
        return str(self.camera) if self.camera_id else self.proposed_location


class Dpia(BaseRecord):
    """A data protection (privacy) impact assessment for a camera or a proposed camera, in the
    sections of the ICO's template and the Surveillance Camera Commissioner's DPIA."""

    title = models.CharField(max_length=200)
    review = models.OneToOneField(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="dpia")
    sections = models.JSONField(default=dict, blank=True)
    retention_days = models.PositiveIntegerField(default=31)
    residual_risk = models.CharField(max_length=6, choices=[("low", "Low"), ("medium", "Medium"), ("high", "High")],
                                     blank=True)
    signed_off_by = models.CharField(max_length=200, blank=True, help_text="The Data Protection Officer")
    signed_off_on = models.DateField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.title

    @property
    def signed_off(self) -> bool:
        return self.signed_off_on is not None


class CodeAssessment(BaseRecord):
    """A self-assessment against the 12 guiding principles of the Surveillance Camera Code of
    Practice: per principle the evidence and a RAG rating (``{"1": {"rag", "evidence"}}``)."""

    review = models.OneToOneField(Review, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="code_assessment")
    assessed_on = models.DateField(default=timezone.localdate)
    principles = models.JSONField(default=dict)
    history = HistoricalRecords()


class RapidDeployment(BaseRecord):
    """A rapid-deployment camera placed for a problem (ASB, nuisance motorbikes, VAWG, drugs)
    and reviewed against ICO guidance by its review date."""

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="deployments")
    site = models.CharField(max_length=300)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward_name = models.CharField(max_length=100, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    problem = models.TextField(help_text="The problem the deployment answers")
    deployed_on = models.DateField()
    removed_on = models.DateField(null=True, blank=True)
    review_due_on = models.DateField()
    reviewed_on = models.DateField(null=True, blank=True)
    review_outcome = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-deployed_on"]

    def __str__(self) -> str:
        return f"{self.camera.camera_id} at {self.site}"


class FootageRequest(BaseRecord):
    """A request for footage (internal: never on the published register): by the police or
    another agency, about an incident on a camera."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        PROVIDED = "provided", "Footage provided"
        NO_FOOTAGE = "no_footage", "Nothing of use recorded"
        REFUSED = "refused", "Refused"

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="footage_requests")
    requesting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(default=timezone.localdate)
    incident_on = models.DateField()
    reference = models.CharField(max_length=100, help_text="The requester's reference, e.g. a crime number")
    purpose = models.TextField(help_text="Why the footage is needed (e.g. DPA 2018 s31 / Schedule 2)")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    answered_on = models.DateField(null=True, blank=True)
    answer_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on", "-id"]
