"""Sites, incursions and the steps taken on them; tents / rough sleeping enforcement.

Who may see and change these is decided in csphub.access.policy (the Encampments block). People
on a tents record are casework Person records, shown only to those who may see them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csphub.accounts.models import Agency
from csphub.casework.models import AsbCase, Person
from csphub.core.models import BaseRecord, next_reference

from . import rules

User = settings.AUTH_USER_MODEL


class Site(BaseRecord):
    """A named place encampments arrive on: greenspace, car park, lay-by, school field."""

    name = models.CharField(max_length=200, unique=True)
    description = models.CharField(max_length=300, blank=True, help_text="Where it is, e.g. 'off Lower Road, by the gate'")
    land_owner = models.CharField(max_length=20, choices=list(rules.LAND_OWNERS.items()))
    owner_name = models.CharField(max_length=200, blank=True, help_text="The private owner or school, if not the council")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward_name = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Incursion(BaseRecord):
    """One unauthorised encampment on a site, from arrival to leaving."""

    class Reported(models.TextChoices):
        PUBLIC = "public", "Member of the public"
        POLICE = "police", "Police"
        COUNCIL = "council", "Council staff (e.g. greenspace, wardens)"
        LANDOWNER = "landowner", "Landowner or occupier"
        COUNCILLOR = "councillor", "Councillor"
        SCHOOL = "school", "School"
        OTHER = "other", "Other"

    class WelfareOutcome(models.TextChoices):
        NONE = "no_concerns", "No significant welfare concerns"
        SUPPORT = "support", "Support arranged (health, schooling, services)"
        REFERRAL = "referral", "Safeguarding or social care referral"
        TIME = "time_allowed", "Time allowed before enforcement (welfare)"

    class Route(models.TextChoices):
        UNDECIDED = "", "Not yet decided"
        CJPOA = "cjpoa", "CJPOA s77/s78 (council)"
        CIVIL = "civil", "Civil possession (CPR Part 55)"
        POLICE = "police", "Police powers (s61 / s60C / s62A)"
        NEGOTIATED = "negotiated", "Negotiated departure"
        LEFT = "left_voluntarily", "Left before action was needed"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="incursions")
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField()
    reported_by = models.CharField(max_length=20, choices=Reported.choices, default=Reported.PUBLIC)
    caravans = models.PositiveIntegerField(null=True, blank=True)
    vehicles = models.PositiveIntegerField(null=True, blank=True)
    people = models.PositiveIntegerField(null=True, blank=True, help_text="Where known")
    children = models.PositiveIntegerField(null=True, blank=True, help_text="Where known")
    # Facts the powers turn on (rules.powers_available).
    land_occupied = models.BooleanField(default=True, help_text="Someone occupies the land (owner, tenant)")
    occupier_consented = models.BooleanField(default=False)
    asked_to_leave_on = models.DateField(null=True, blank=True)
    damage_disruption_distress = models.BooleanField(default=False)
    significant_harm = models.BooleanField(default=False, help_text="Significant damage, disruption or distress (s60C)")
    suitable_pitch_available = models.BooleanField(default=False)
    # Welfare assessment.
    welfare_checked_on = models.DateField(null=True, blank=True)
    welfare_needs = models.TextField(blank=True)
    children_schooling = models.TextField(blank=True)
    health = models.TextField(blank=True)
    welfare_outcome = models.CharField(max_length=20, choices=WelfareOutcome.choices, blank=True)
    # Impact.
    impact_asb = models.BooleanField(default=False)
    impact_waste = models.BooleanField(default=False)
    impact_damage = models.BooleanField(default=False)
    impact_notes = models.TextField(blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    # Outcome and costs (GBP).
    left_on = models.DateField(null=True, blank=True)
    moved_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="moved_from",
                                 help_text="The incursion at the next site in the area, if they moved there")
    arrests = models.PositiveIntegerField(default=0)
    cleanup_cost = models.PositiveIntegerField(default=0)
    repair_cost = models.PositiveIntegerField(default=0)
    legal_cost = models.PositiveIntegerField(default=0)
    target_hardening = models.JSONField(default=list, blank=True)
    site_reentered = models.BooleanField(default=False)
    history = HistoricalRecords()

    HARDENING = {"bunds": "Bunds", "gates": "Gates", "height_barriers": "Height barriers",
                 "boulders": "Boulders", "fencing": "Fencing", "ditches": "Ditches"}

    class Meta:
        ordering = ["-arrived_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = next_reference(Incursion, f"ENC-{self.arrived_at.year}-", 4)
        super().save(*args, **kwargs)

    @property
    def arrived_on(self):
        return timezone.localtime(self.arrived_at).date()

    @property
    def total_cost(self) -> int:
        return self.cleanup_cost + self.repair_cost + self.legal_cost

    @property
    def is_on_site(self) -> bool:
        return self.left_on is None

    def hardening_labels(self) -> list[str]:
        return [self.HARDENING.get(h, h) for h in self.target_hardening or []]


class LegalStep(BaseRecord):
    """A step taken on an incursion: a joint visit, a council notice or court step, or a police
    power used, with its date."""

    STEP_CHOICES = [("welfare_check", "Welfare check"), ("joint_visit", "Joint visit with police"),
                    *[(code, rules.POWERS[code].name) for code in (*rules.COUNCIL_STEPS, *rules.POLICE_POWERS)]]
    POLICE_STEPS = frozenset({*rules.POLICE_POWERS, "joint_visit"})

    incursion = models.ForeignKey(Incursion, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=20, choices=STEP_CHOICES)
    taken_on = models.DateField(default=timezone.localdate)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    vehicles_seized = models.PositiveIntegerField(default=0)
    arrests = models.PositiveIntegerField(default=0)
    no_return_until = models.DateField(null=True, blank=True, help_text="Returning up to this day is an offence")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["taken_on", "id"]


class TentCase(BaseRecord):
    """Enforcement against tents / rough sleeping at a location, through casework's people."""

    class Outcome(models.TextChoices):
        ONGOING = "ongoing", "Ongoing"
        ACCOMMODATED = "accommodated", "Accepted accommodation or support"
        MOVED_ON = "moved_on", "Moved on"
        ARRESTED = "arrested", "Arrested"
        RETURNED = "returned", "Returned to the location"
        NO_ACTION = "no_action", "No further action"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    location = models.CharField(max_length=300)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="tent_cases")
    reported_on = models.DateField(default=timezone.localdate)
    tents = models.PositiveIntegerField(default=1)
    people = models.ManyToManyField(Person, blank=True, related_name="tent_cases")
    case = models.ForeignKey(AsbCase, null=True, blank=True, on_delete=models.PROTECT, related_name="tent_cases")
    outreach_offered_on = models.DateField(null=True, blank=True)
    outreach = models.TextField(blank=True, help_text="Outreach contact, services offered")
    housing_offer = models.TextField(blank=True, help_text="Accommodation offered, and the answer")
    reasons = models.JSONField(default=list, blank=True)
    tools = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.ONGOING)
    outcome_on = models.DateField(null=True, blank=True)
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    shared_with = models.ManyToManyField(Agency, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = next_reference(TentCase, f"TNT-{self.reported_on.year}-", 4)
        super().save(*args, **kwargs)

    def reason_labels(self) -> list[str]:
        return [rules.TENT_REASONS.get(r, r) for r in self.reasons or []]

    def tool_labels(self) -> list[str]:
        return [rules.TENT_TOOLS.get(t, t) for t in self.tools or []]
