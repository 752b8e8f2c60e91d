"""The shared case record. Who may see what is decided in permissions.py, nowhere else."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csphub.accounts.models import Agency
from csphub.core import penalties
from csphub.core.models import BaseRecord, LetterRecord, PostcodePoint, next_reference

from . import rules

User = settings.AUTH_USER_MODEL


class CaseType(models.Model):
    """A kind of ASB case; the list is configurable (the admin, or the seeded defaults)."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConsentToShare(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_ASKED = "not_asked", "Not yet asked"
    NOT_NEEDED = "not_needed", "Not needed (lawful basis without consent, e.g. Crime and Disorder Act s115)"


class Person(BaseRecord):
    """A victim, witness, complainant or subject. Details are need-to-know (permissions.py)."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    consent_to_share = models.CharField(max_length=20, choices=ConsentToShare.choices, default=ConsentToShare.NOT_ASKED)
    # The agency whose officer recorded the person; they can see the record before it is on a case.
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # Set when a reviewer merges this record into another (issue 5); reversible.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    anonymised_on = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return self.name_of(self.first_name, self.last_name)

    @staticmethod
    def name_of(first_name: str, last_name: str) -> str:
        """A person's name as shown, from its parts (for rows read as values)."""
        return f"{first_name} {last_name}"


class VulnerabilityFlag(models.Model):
    """A vulnerability recorded against a person. Sensitive kinds are shown only to cleared roles."""

    class Kind(models.TextChoices):
        MENTAL_HEALTH = "mental_health", "Mental health"
        SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
        EXPLOITATION = "exploitation", "Exploitation risk (e.g. cuckooing, county lines)"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
        SELF_HARM = "self_harm", "Self-harm or suicide risk"
        LEARNING_DISABILITY = "learning_disability", "Learning disability"
        PHYSICAL_DISABILITY = "physical_disability", "Physical disability"
        ELDERLY = "elderly", "Older person living alone"
        CHILD = "child", "Child or young person"
        HOMELESS = "homeless", "Rough sleeping or homeless"

    SENSITIVE = frozenset({"mental_health", "substance_misuse", "exploitation", "domestic_abuse", "self_harm"})

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    noted_on = models.DateField(default=timezone.localdate)
    noted_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        unique_together = [("person", "kind")]

    @property
    def is_sensitive(self) -> bool:
        return self.kind in self.SENSITIVE


class PostcodeStatus(models.TextChoices):
    """What the loaded postcode directory said about a location's postcode."""

    NOT_GIVEN = "", "No postcode given"
    FOUND = "found", "Found in the loaded directory"
    NOT_FOUND = "not_found", "Postcode not found in the loaded directory"
    NO_DIRECTORY = "no_directory", "No postcode directory loaded"
    UNAVAILABLE = "unavailable", "The postcode directory could not be read"


class Location(PostcodePoint, BaseRecord):
    """A place: address, coordinates, and the ward looked up in the warehouse's geography.

    Typed coordinates place it in a ward by the loaded boundaries; without them, the postcode
    places it by the loaded postcode directory (its LSOA, ward and centre). A postcode the
    directory lacks is flagged (postcode_status), never guessed."""

    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=100, blank=True)
    lsoa11_code = models.CharField("LSOA (2011)", max_length=9, blank=True)
    lsoa21_code = models.CharField("LSOA (2021)", max_length=9, blank=True)
    postcode_status = models.CharField(max_length=20, choices=PostcodeStatus.choices, blank=True)
    postcode_latitude = models.FloatField("latitude of the postcode's centre", null=True, blank=True)
    postcode_longitude = models.FloatField("longitude of the postcode's centre", null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.address


class Group(BaseRecord):
    """A group of people acting together, e.g. a young street group."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Person, blank=True, related_name="groups")
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[members])

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Investigating"
    ACTION = "action", "Action"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"


class CaseOutcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved: behaviour stopped"
    ENFORCEMENT = "enforcement", "Closed after enforcement"
    NO_FURTHER_ACTION = "nfa", "No further action"
    REFERRED = "referred", "Referred to another agency"
    NO_ENGAGEMENT = "no_engagement", "Complainant no longer engaging"
    UNFOUNDED = "unfounded", "Not ASB / unfounded"


class AsbCase(BaseRecord):
    """One ASB case, led by one agency, shared with the agencies added to it."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT)
    summary = models.TextField()
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_cases")
    lead_officer = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="led_cases")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="shared_cases")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    outcome = models.CharField(max_length=20, choices=CaseOutcome.choices, blank=True)
    opened_on = models.DateField(default=timezone.localdate)
    closed_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    anonymised_on = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[agencies])

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = "ASB case"

    def __str__(self) -> str:
        return f"{self.reference} {self.case_type}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = next_reference(AsbCase, f"ASB-{self.opened_on.year}-", 5)
        super().save(*args, **kwargs)

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class PartyRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    COMPLAINANT = "complainant", "Complainant"
    WITNESS = "witness", "Witness"
    SUBJECT = "subject", "Subject (alleged perpetrator)"
    OTHER = "other", "Other"


class CaseParty(models.Model):
    """A person on a case, in a role."""

    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_roles")
    role = models.CharField(max_length=20, choices=PartyRole.choices)
    added_on = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        unique_together = [("case", "person", "role")]


class Incident(BaseRecord):
    """One occurrence of the behaviour: when, where, what, and which agency it was reported to."""

    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="incidents")
    occurred_at = models.DateTimeField()
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    description = models.TextField()
    reported_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(default=timezone.localdate)
    is_hate = models.BooleanField(default=False, help_text="A hate incident (race, religion, disability, sexuality, gender identity)")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at"]


class Intervention(BaseRecord):
    """A tool or power used on a case: warning, notice, contract, order or penalty."""

    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(max_length=20, choices=list(rules.INTERVENTION_KINDS.items()))
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="interventions")
    premises = models.CharField(max_length=300, blank=True, help_text="For closure notices and orders")
    conduct = models.TextField(blank=True, help_text="The behaviour the intervention is about")
    written = models.BooleanField(default=True)
    relies_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    amount = models.PositiveIntegerField(null=True, blank=True, help_text="Fixed penalty, GBP")
    comply_by = models.DateField(null=True, blank=True,
                                 help_text="A warning: the last day of the time it gives to comply")
    # A fixed penalty (issue 12, item 7): the offence, when it is due, and whether it was paid.
    offence_on = models.DateField(null=True, blank=True, help_text="A fixed penalty: the day of the offence")
    payment_due_on = models.DateField(null=True, blank=True, help_text="A fixed penalty: the last day to pay")
    payment_status = models.CharField(max_length=10, blank=True, choices=list(penalties.PAYMENT_STATUSES.items()))
    payment_status_on = models.DateField(null=True, blank=True, help_text="When it was paid or withdrawn")
    early_payment_amount = models.PositiveIntegerField(null=True, blank=True,
                                                       help_text="A fixed penalty: the lesser amount if paid early, GBP")
    early_payment_by = models.DateField(null=True, blank=True, help_text="A fixed penalty: the last day to pay early")
    paid_amount = models.PositiveIntegerField(null=True, blank=True, help_text="A fixed penalty: the amount paid, GBP")
    issued_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    issuing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    outcome = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issued_on:%d %b %Y}"

    def as_earlier(self) -> rules.EarlierIntervention:
        return rules.EarlierIntervention(
            id=self.pk, kind=self.kind, issued_on=self.issued_on, conduct=self.conduct,
            person_id=self.person_id, written=self.written, premises=self.premises, expires_on=self.expires_on,
            comply_by=self.comply_by,
        )

    @property
    def reference(self) -> str:
        """How letters and other notices name this one, e.g. ASB-2026-00012/CPW/17."""
        return f"{self.case.reference}/{self.kind.upper()}/{self.pk}"

    @property
    def is_fixed_penalty(self) -> bool:
        return self.kind in rules.FIXED_PENALTIES

    def penalty_state(self, today: date) -> penalties.PenaltyState | None:
        """Where a fixed penalty stands on ``today`` (None for other kinds)."""
        if not self.is_fixed_penalty or self.payment_due_on is None:
            return None
        return penalties.penalty_state(offence_on=self.offence_on or self.issued_on, due_on=self.payment_due_on,
                                       status=self.payment_status or penalties.UNPAID,
                                       settled_on=self.payment_status_on, today=today)


class Breach(BaseRecord):
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="breaches")
    occurred_on = models.DateField()
    description = models.TextField()
    action_taken = models.TextField(blank=True)
    history = HistoricalRecords()


class Referral(BaseRecord):
    """A referral from a case to a partner agency or service, and its lifecycle."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed with an outcome"

    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="referrals")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_received")
    service = models.CharField(max_length=200, blank=True, help_text="e.g. Victim Support, Catch22, Adult Social Care")
    reason = models.TextField()
    consent_obtained = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    sent_on = models.DateField(default=timezone.localdate)
    responded_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on", "-id"]

    NEXT = {"sent": {"accepted", "declined"}, "accepted": {"completed"}, "declined": set(), "completed": set()}


class CaseNote(BaseRecord):
    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_on"]


class Attachment(BaseRecord):
    """A file on a case (csphub.core.uploads): stored under a random name, of a type checked from
    its content and served as that type, under the name it was uploaded with. An infected file
    is refused, so never stored; one that could not be scanned is stored and says so."""

    class ScanStatus(models.TextChoices):  # the statuses of csphub.core.scanner
        CLEAN = "clean", "No virus found"
        NOT_SCANNED = "not_scanned", "Not scanned"
        SCAN_FAILED = "scan_failed", "Scan failed"

    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    description = models.CharField(max_length=300)
    original_name = models.CharField(max_length=255, blank=True, help_text="The name it was uploaded with")
    content_type = models.CharField(max_length=100, blank=True, help_text="The type its content was checked to be")
    size = models.PositiveBigIntegerField(null=True, blank=True)
    scan_status = models.CharField(max_length=12, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED)
    scan_detail = models.CharField(max_length=200, blank=True, help_text="Which scanner, or why the scan failed")
    history = HistoricalRecords()

    @property
    def download_name(self) -> str:
        return self.original_name or self.file.name.rsplit("/", 1)[-1]

    @property
    def served_type(self) -> str:
        """Files stored before types were checked are served as bytes to save, nothing to show."""
        return self.content_type or "application/octet-stream"

    @property
    def scan_mark(self) -> str:
        """What the case page says about the virus scan, e.g. 'not scanned: no virus scanner is configured'."""
        if self.scan_status == self.ScanStatus.CLEAN:
            return f"scanned, no virus found ({self.scan_detail})" if self.scan_detail else "scanned, no virus found"
        if self.scan_status == self.ScanStatus.SCAN_FAILED:
            return f"not scanned: the virus scan failed ({self.scan_detail})"
        return f"not scanned: {self.scan_detail or 'no virus scanner is configured'}"


class MonitoringVisit(BaseRecord):
    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    officer = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_on"]


class Task(BaseRecord):
    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="tasks")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class RiskAssessment(BaseRecord):
    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="risk_assessments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_assessments")
    answers = models.JSONField()
    score = models.PositiveIntegerField()
    level = models.CharField(max_length=10, choices=[(rules.STANDARD, "Standard"), (rules.MEDIUM, "Medium"), (rules.HIGH, "High")])
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_on"]

    @property
    def unanswered_count(self) -> int:
        """Questions left unanswered (stored as null): they scored nothing, and were not a "no"."""
        return sum(1 for value in (self.answers or {}).values() if value is None)


class Alert(models.Model):
    """A message to a user (e.g. a supervisor told of a high-risk victim)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alerts")
    case = models.ForeignKey(AsbCase, null=True, on_delete=models.CASCADE, related_name="alerts")
    message = models.TextField()
    created_on = models.DateTimeField(default=timezone.now)
    read_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_on"]


class GeneratedLetter(LetterRecord):
    """A letter written from an intervention (issue 12, item 7): which template wording (its
    sha256) and format, by whom and when. The letter itself is not kept: it is written again
    from the record. Holds no names, so retention has nothing to scrub here."""

    case = models.ForeignKey(AsbCase, on_delete=models.CASCADE, related_name="generated_letters")
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="generated_letters")
    kind = models.CharField(max_length=20, choices=list(rules.INTERVENTION_KINDS.items()))

    class Meta(LetterRecord.Meta):
        pass
