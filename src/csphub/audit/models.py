"""The audit log: one row per view, change, export or refusal of a record.

Entries hold record ids and the purpose of the read, never names, search terms or other free
text, so the log itself holds nothing that retention would have to anonymise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One thing a user did to one record (or list of records)."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        LISTED = "listed", "Listed"
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        ARCHIVED = "archived", "Archived"
        EXPORTED = "exported", "Exported"
        REFUSED = "refused", "Refused"
        ANONYMISED = "anonymised", "Anonymised"
        MERGED = "merged", "Merged"
        UNMERGED = "unmerged", "Un-merged"

    class Channel(models.TextChoices):
        WEB = "web", "Web page"
        API = "api", "API"
        CLI = "cli", "Command line"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the log still reads right if a user is renamed or deactivated.
    username = models.CharField(max_length=150)
    agency = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50, blank=True)
    # Every record a list or search showed, by id (never names: see docs/casework.md).
    object_ids = models.JSONField(default=list, blank=True)
    # Why the record was read: "case page", "api case list", "panel referral picker"...
    purpose = models.CharField(max_length=100, blank=True)
    # A burst of refused reads by one user is one entry: how many, and when the last was.
    count = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField(null=True, blank=True)
    # Structural detail only (a status, a rule's name, a count): never names or free text.
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type} {self.object_id}"
