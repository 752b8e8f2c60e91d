"""What is waiting for an agency or a user. An item holds no personal data: a kind, the record's
type and id, the link to its page and a neutral title ("New referral to Housing on case ASB-...")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from csphub.accounts.models import Agency

User = settings.AUTH_USER_MODEL


class InboxItem(models.Model):
    """One thing waiting: for everyone (officers and supervisors) of ``agency``, or for ``user``
    of that agency only when it is set."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", "Referral"
        TASK = "task", "Task"
        PANEL_ACTION = "panel_action", "Panel action"
        OVERDUE = "overdue", "Overdue"
        REVIEW_DUE = "review_due", "Review due"

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="inbox_items")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="inbox_items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    link = models.CharField(max_length=300)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    # Set for notices that must be posted once only (e.g. "overdue task 5 on 2026-05-01"): a
    # second run of `csphub notify overdue` the same day posts nothing.
    notice_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "user", "notice_key"], condition=~Q(notice_key=""),
                                               name="inbox_notice_once")]

    def __str__(self) -> str:
        return self.title


class InboxRead(models.Model):
    """That ``user`` has read ``item`` (read state is per user: a colleague's item stays unread)."""

    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="inbox_read_once")]


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", "Straight away, for each new item"
    DAILY = "daily", "Once a day, a summary"
    NEVER = "never", "Never"


class NotificationPreference(models.Model):
    """How a user wants to hear that something is waiting. No row: straight away."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notification_preference")
    email = models.CharField(max_length=10, choices=EmailChoice.choices, default=EmailChoice.IMMEDIATE)
    # When the last daily summary was sent: the next one counts items since then.
    last_digest_at = models.DateTimeField(null=True, blank=True)
