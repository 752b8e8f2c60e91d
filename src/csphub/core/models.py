"""The abstract record every casework model extends.

Who created and last changed a record, and when, lives on the record; its full history lives in
django-simple-history's tables. Records are archived with a reason, never silently deleted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class ActiveQuerySet(models.QuerySet):
    """Querysets that can leave out archived records."""

    def active(self) -> ActiveQuerySet:
        return self.filter(archived_on__isnull=True)


def next_reference(model: type[models.Model], prefix: str, digits: int) -> str:
    """The next reference in a yearly series, e.g. ``ASB-2026-00042`` after ``ASB-2026-00041``.

    ``prefix`` ends with the separator (``"ASB-2026-"``); the reference field is ``reference``.
    """
    last = (model._default_manager.filter(reference__startswith=prefix)
            .order_by("-reference").values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:0{digits}d}"


def lock(record: models.Model) -> None:
    """Lock the record's row and re-read it, so a rule (or a version) is checked against the row
    as it is now, not as the caller last read it. PostgreSQL: SELECT ... FOR UPDATE; SQLite
    transactions take the write lock at BEGIN (settings: transaction_mode IMMEDIATE)."""
    type(record)._default_manager.select_for_update().filter(pk=record.pk).values_list("pk", flat=True).first()
    record.refresh_from_db()


def _changed_since(record: Any, version: int) -> str:
    """Which fields changed since ``version``, from the history rows (e.g. "status, outcome")."""
    history = getattr(record, "history", None)
    if history is None:
        return ""
    rows = list(history.filter(version__gte=version).order_by("history_date")[:20])
    if len(rows) < 2:
        return ""
    changed: list[str] = []
    for older, newer in zip(rows, rows[1:], strict=False):
        for change in newer.diff_against(older).changes:
            if change.field not in changed and change.field not in ("version", "modified_on", "modified_by"):
                changed.append(change.field)
    return ", ".join(f.replace("_", " ") for f in changed)


class BaseRecord(models.Model):
    """created_on/by, modified_on/by, and archive(user, reason) instead of delete."""

    created_on = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    modified_on = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archived_on = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archived_reason = models.TextField(blank=True)
    # Optimistic concurrency: each save adds one. An edit made from an older version is refused
    # (StaleEdit, 409) rather than silently undoing the change made since (check_version).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        abstract = True

    def save_by(self, user: Any, **kwargs: Any) -> None:
        """Save, recording ``user`` as creator/modifier and as the author of the history row."""
        if user is not None and getattr(user, "pk", None):
            if self._state.adding and not self.created_by_id:
                self.created_by = user
            self.modified_by = user
            self._history_user = user
        if not self._state.adding:
            self.version = (self.version or 0) + 1
        self.save(**kwargs)

    def check_version(self, expected: int | None) -> None:
        """Refuse an edit made from an older version than the record's (call it on the row as it
        is now, locked: csphub.core.models.lock). ``None`` (the CLI, the demo) skips the check."""
        if expected is None or int(expected) == self.version:
            return
        from csphub.errors import StaleEdit

        who = self.modified_by.get_full_name() or self.modified_by.username if self.modified_by_id else "someone"
        changed = _changed_since(self, int(expected))
        raise StaleEdit(
            f"{who} changed this record at {timezone.localtime(self.modified_on):%H:%M on %d %B %Y}"
            f"{f' ({changed})' if changed else ''} after you opened it; nothing was saved. "
            "Look at the record as it is now and make your change again if it is still needed.")

    def archive(self, user: Any, reason: str) -> None:
        """Take the record out of use, keeping it and saying why. A reason is required."""
        if not reason.strip():
            raise ValueError("A reason is needed to archive a record.")
        self.archived_on = timezone.now()
        self.archived_by = user
        self.archived_reason = reason.strip()
        self.save_by(user)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(
            f"{type(self).__name__} records are archived with a reason, never deleted: "
            "call archive(user, reason)."
        )

    @property
    def is_archived(self) -> bool:
        return self.archived_on is not None


class PostcodePoint:
    """For a record with a typed map point (``latitude``, ``longitude``) and the centre of its
    postcode from the directory (``postcode_latitude``, ``postcode_longitude``): a casework
    location, a dial-in entry."""

    latitude: float | None
    longitude: float | None
    postcode_latitude: float | None
    postcode_longitude: float | None

    @property
    def point(self) -> tuple[float, float] | None:
        """(longitude, latitude) to draw: the typed coordinates, else the postcode's centre."""
        if self.latitude is not None and self.longitude is not None:
            return self.longitude, self.latitude
        if self.postcode_latitude is not None and self.postcode_longitude is not None:
            return self.postcode_longitude, self.postcode_latitude
        return None


class LetterRecord(models.Model):
    """That a letter was written (issue 12, item 7): which template wording (its sha256) and
    format, by whom and when. The letter itself is not kept: it is written again from the record,
    so the record holds no names. Each kind of letter (a tool or power's, a case review's) adds
    what it was written from."""

    format = models.CharField(max_length=10, choices=[("docx", "Word"), ("pdf", "PDF")])
    template = models.CharField(max_length=100, help_text="The template's file name")
    template_version = models.CharField(max_length=64, help_text="sha256 of the template's text")
    template_replaced = models.BooleanField(default=False, help_text="The partnership's own template was used")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} letter ({self.get_format_display()}) {self.generated_at:%d %b %Y}"  # type: ignore[attr-defined]

    @staticmethod
    def written(letter: Any, fmt: str, user: Any) -> dict[str, Any]:
        """The fields of the record of ``letter`` (a csphub.core.letters.Letter) written by ``user``."""
        from csphub.core.letters import BUILT_IN

        return {"format": fmt, "template": letter.template.name, "template_version": letter.version,
                "template_replaced": letter.template.origin != BUILT_IN,
                "generated_by": user if getattr(user, "pk", None) else None}


class SubmittedForm(models.Model):
    """A form already saved, by the key the page gave it (csphub.web.pages): sending the same
    form again (a double click, the browser resending) is answered with its first result."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300)
    result_url = models.CharField(max_length=300, blank=True)
    submitted_on = models.DateTimeField(default=timezone.now)
