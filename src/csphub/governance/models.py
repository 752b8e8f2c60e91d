"""Partnership governance: plans, priorities and actions with quarterly updates; boards,
meetings, decisions and actions arising; calendar deadlines; grants with workstreams and
returns; engagement events; anonymous outreach sessions.

Partnership business, not personal data: the only people here are user accounts (an action's
lead officer, an action arising's owner, who created a record). Anonymous outreach holds counts
and keyed hashes of tokens attendees chose, never a name or a link to casework (see
docs/governance.md and tests/django/test_governance_outreach.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from csphub.accounts.models import Agency
from csphub.core.models import BaseRecord

from . import rules

User = settings.AUTH_USER_MODEL


class Theme(models.TextChoices):
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"
    PURSUE = "pursue", "Pursue"


class RagStatus(models.TextChoices):
    GREEN = rules.GREEN, "Green"
    AMBER = rules.AMBER, "Amber"
    RED = rules.RED, "Red"


# ---- Plans ------------------------------------------------------------------------------------


class Plan(BaseRecord):
    """A plan with priorities and actions: the Community Safety Plan, the Combating Drugs
    Partnership's action plan, the Prevent plan, the Serious Violence strategy..."""

    class Kind(models.TextChoices):
        COMMUNITY_SAFETY = "community_safety", "Community Safety Plan"
        COMBATING_DRUGS = "combating_drugs", "Combating Drugs Partnership plan"
        PREVENT = "prevent", "Prevent plan"
        SERIOUS_VIOLENCE = "serious_violence", "Serious Violence strategy"
        OTHER = "other", "Other plan"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMUNITY_SAFETY)
    starts_on = models.DateField()
    ends_on = models.DateField()
    aligned_to = models.CharField(max_length=200, blank=True, help_text="e.g. the PCC's Safer in Kent Plan")
    refreshed_on = models.DateField(null=True, blank=True, help_text="When the action plan was last refreshed")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class Priority(BaseRecord):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    aim = models.TextField(blank=True, help_text="What the priority sets out to do")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="governance_priority_number")]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Action(BaseRecord):
    """One action of a priority, under an objective: who leads it, what it is measured by."""

    class Measure(models.TextChoices):
        NUMBER = "number", "A number with a unit"
        MILESTONE = "milestone", "A milestone"

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="actions")
    reference = models.CharField(max_length=20, help_text="e.g. 1.3, unique within the plan")
    objective = models.CharField(max_length=200, help_text="e.g. Tackling ASB")
    title = models.TextField(help_text="What we will do")
    done_so_far = models.TextField(blank=True, help_text="What we have done so far")
    theme = models.CharField(max_length=10, choices=Theme.choices)
    led_by = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="lead agency")
    lead_officer = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    partners = models.ManyToManyField(Agency, blank=True, related_name="+")
    baseline = models.CharField(max_length=200, blank=True)
    measure = models.CharField(max_length=10, choices=Measure.choices, default=Measure.NUMBER)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=60, blank=True, help_text="e.g. pupils, events, people trained")
    milestone = models.CharField(max_length=200, blank=True, help_text="For a milestone: what done looks like")
    starts_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[partners])

    class Meta:
        ordering = ["priority__number", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title[:60]}"

    @property
    def plan_id(self) -> int:
        return self.priority.plan_id

    @property
    def target_text(self) -> str:
        if self.measure == self.Measure.MILESTONE:
            return self.milestone or "milestone"
        if self.target is None:
            return ""
        value = int(self.target) if self.target == self.target.to_integral() else self.target
        return f"{value:,} {self.unit}".strip()


class QuarterlyUpdate(BaseRecord):
    """What the lead reported for a quarter: narrative, the value achieved so far, and the RAG
    (the rule's, or the lead's override with a reason)."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    year = models.PositiveSmallIntegerField(help_text="Financial year it starts in (2024 = 2024/25)")
    quarter = models.PositiveSmallIntegerField()
    narrative = models.TextField()
    achieved = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                   help_text="Value achieved so far (cumulative)")
    milestone_met = models.BooleanField(default=False)
    automatic_rag = models.CharField(max_length=5, choices=RagStatus.choices)
    automatic_reason = models.CharField(max_length=300)
    rag_override = models.CharField(max_length=5, choices=RagStatus.choices, blank=True)
    override_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["action", "year", "quarter"], name="governance_update_quarter")]

    @property
    def period(self) -> rules.Quarter:
        return rules.Quarter(self.year, self.quarter)

    @property
    def rag(self) -> str:
        return self.rag_override or self.automatic_rag

    @property
    def rag_reason(self) -> str:
        if self.rag_override:
            return f"set by the lead ({self.override_reason}); the rule gives {self.automatic_rag}: {self.automatic_reason}"
        return self.automatic_reason


class ImportedRow(models.Model):
    """A row of an imported plan file that was refused, and why (the quarantine)."""

    plan_name = models.CharField(max_length=200)
    file = models.CharField(max_length=300)
    line = models.PositiveIntegerField()
    field = models.CharField(max_length=60, blank=True)
    value = models.CharField(max_length=300, blank=True)
    expected = models.CharField(max_length=300)
    imported_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_on", "line"]


# ---- Boards, meetings, decisions ------------------------------------------------------------


class Board(BaseRecord):
    """A partnership board or forum: the SEG, the SOCP, the CDP, the Prevent board..."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        TWICE_YEARLY = "twice_yearly", "Twice a year"
        YEARLY = "yearly", "Yearly"
        AS_NEEDED = "as_needed", "As needed"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=20, unique=True, help_text="e.g. SEG")
    frequency = models.CharField(max_length=15, choices=Frequency.choices, default=Frequency.QUARTERLY)
    chair_role = models.CharField(max_length=200, blank=True, help_text="The post that chairs it, e.g. CSP Manager")
    terms_of_reference = models.TextField(blank=True)
    member_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    history = HistoricalRecords(m2m_fields=[member_agencies])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name


class StandingItem(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="standing_items")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=30, blank=True, help_text="e.g. cctv, action_plan, prevent: links decisions")

    class Meta:
        ordering = ["board", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Meeting(BaseRecord):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    held = models.BooleanField(default=False, help_text="False while it is planned")
    minutes = models.TextField(blank=True)
    attending_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    history = HistoricalRecords(m2m_fields=[attending_agencies])

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.board.short_name} {self.held_on:%d %B %Y}"


class AgendaItem(models.Model):
    class Source(models.TextChoices):
        STANDING = "standing", "Standing item"
        OFF_TRACK = "off_track", "Action off track"
        DEADLINE = "deadline", "Deadline due"
        PENDING = "pending", "Decision pending"
        OTHER = "other", "Added"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.OTHER)
    topic = models.CharField(max_length=30, blank=True)
    notes = models.TextField(blank=True, help_text="What was discussed (the minute of the item)")

    class Meta:
        ordering = ["meeting", "order", "id"]


class Decision(BaseRecord):
    """The decisions and recommendations register."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        RECOMMENDATION = "recommendation", "Recommendation"
        PENDING = "pending", "Awaiting decision"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=15, choices=Kind.choices, default=Kind.DECISION)
    topic = models.CharField(max_length=30, blank=True, help_text="e.g. cctv: the standing item it came under")
    text = models.TextField(help_text="e.g. Agreed for these cameras to be made permanent")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-meeting__held_on", "id"]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"{self.get_kind_display()} of {self.meeting}: {text}"


class MeetingAction(BaseRecord):
    """An action arising from a meeting, with its owner and due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions_arising")
    description = models.TextField()
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]


class Paper(BaseRecord):
    """A paper for a meeting or evidence for a grant (csphub.core.uploads checks the file)."""

    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="papers")
    grant = models.ForeignKey("Grant", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="governance/%Y/%m/")
    title = models.CharField(max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    scan_status = models.CharField(max_length=12, default="not_scanned")
    history = HistoricalRecords()


class CalendarItem(BaseRecord):
    """A dated duty: a statutory deadline, an annual attendance at a board, a report due."""

    class Kind(models.TextChoices):
        STATUTORY = "statutory", "Statutory deadline"
        ATTENDANCE = "attendance", "Annual attendance"
        REPORT = "report", "Report due"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.STATUTORY)
    statutory_key = models.CharField(max_length=40, blank=True, help_text="rules.STATUTORY_DEADLINES key")
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.PROTECT, related_name="calendar")
    due_on = models.DateField()
    recurrence = models.CharField(max_length=15, default="yearly",
                                  choices=[(k, k.replace("_", " ")) for k in rules.RECURRENCE_MONTHS])
    remind_days = models.PositiveSmallIntegerField(default=28)
    done_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the duty comes from")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]


# ---- Grants and projects ---------------------------------------------------------------------


class Grant(BaseRecord):
    fund = models.CharField(max_length=200, help_text="e.g. Safer Streets, PCC Crime Reduction Grant")
    round = models.CharField(max_length=60, blank=True, help_text="e.g. 5")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    starts_on = models.DateField()
    ends_on = models.DateField()
    led_by = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="lead agency")
    conditions = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "fund"]

    def __str__(self) -> str:
        return f"{self.fund} {self.round}".strip()


class ReportingDate(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reporting_dates")
    due_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]


class Workstream(BaseRecord):
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="workstreams")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    budget = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    planned_output = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    output_unit = models.CharField(max_length=60, blank=True, help_text="e.g. training courses")
    planned_outcome = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    outcome_unit = models.CharField(max_length=60, blank=True, help_text="e.g. door staff trained")
    history = HistoricalRecords()

    class Meta:
        ordering = ["grant", "id"]

    def __str__(self) -> str:
        return self.title


class WorkstreamReturn(BaseRecord):
    """A quarter's actuals of a workstream: outputs, outcomes and spend in that quarter."""

    workstream = models.ForeignKey(Workstream, on_delete=models.PROTECT, related_name="returns")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    outputs = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    outcomes = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    spend = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["workstream", "year", "quarter"]
        constraints = [models.UniqueConstraint(fields=["workstream", "year", "quarter"], name="governance_return_quarter")]

    @property
    def period(self) -> rules.Quarter:
        return rules.Quarter(self.year, self.quarter)


# ---- Events and engagement -------------------------------------------------------------------


class Event(BaseRecord):
    """A community engagement event: counts by category, never attendees' names."""

    title = models.CharField(max_length=200)
    held_on = models.DateField()
    place = models.CharField(max_length=200)
    ward_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=100, blank=True)
    audience = models.CharField(max_length=200, blank=True, help_text="e.g. students, older residents")
    partners = models.ManyToManyField(Agency, blank=True, related_name="+")
    attendees = models.JSONField(default=dict, blank=True, help_text="{category: count}")
    items_given = models.JSONField(default=dict, blank=True, help_text="{item: count}")
    feedback = models.JSONField(default=dict, blank=True, help_text="{statement: percent agreeing}")
    history = HistoricalRecords(m2m_fields=[partners])

    class Meta:
        ordering = ["-held_on"]

    @property
    def attendee_total(self) -> int:
        return sum(int(v) for v in (self.attendees or {}).values())


# ---- Anonymous outreach ----------------------------------------------------------------------


class OutreachProgramme(BaseRecord):
    """e.g. Ladies Night: a monthly women-only evening where nobody gives their details."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    funded_by = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class OutreachSession(BaseRecord):
    """One session: how many came, which services were there, what came of it. Counts only."""

    programme = models.ForeignKey(OutreachProgramme, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    attendees = models.PositiveIntegerField()
    services_present = models.JSONField(default=list, blank=True, help_text="Names of services (organisations)")
    safeguarding_escalations = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]


class OutreachOutcome(models.Model):
    class Kind(models.TextChoices):
        HOUSING_ADVICE = "housing_advice", "Housing advice"
        FOUND_ACCOMMODATION = "found_accommodation", "Found accommodation"
        SEXUAL_HEALTH = "sexual_health", "Sexual health"
        BENEFITS = "benefits", "Benefits advice"
        SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse service"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse support"
        HEALTH_TREATMENT = "health_treatment", "Health treatment on the night"
        FOOD_VOUCHER = "food_voucher", "Food voucher"
        OTHER = "other", "Other"

    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=25, choices=Kind.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "kind"], name="governance_outcome_kind")]


class AttendeeToken(models.Model):
    """A keyed hash of a token an attendee chose herself (rules.attendee_token_digest), so
    unique and repeat attendance can be counted. Not a name, not linked to anyone."""

    session = models.ForeignKey(OutreachSession, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "digest"], name="governance_token_once")]


# ---- Emailed reminders -----------------------------------------------------------------------


class ReminderSent(models.Model):
    """That a user was emailed the day's governance reminder (`csphub governance remind`): one
    email per user per day, however often the command runs. Holds counts, nothing else."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="governance_reminder_once_a_day")]
