"""Posting to the inbox, reading it, and telling people by email that something is waiting.

Domain apps call :func:`post` when a referral, a task or a panel action is made for an agency
(or a user), and when work is overdue (``csphub notify overdue``). Reads go through
:mod:`csphub.access` (a user sees their agency's items and their own, audited by id). An email
says only that something is waiting, with a link to the site: never a name, an address or what
the record says.

Examples:
    >>> waiting_email(3, "https://csphub.example.gov.uk")[0]
    'CSP Hub: 3 new items in your inbox'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from csphub.access import policy, reads, roles
from csphub.audit.services import Action, Channel, record
from csphub.core.listing import Slice, Window, take
from csphub.errors import RuleRefused

from .models import EmailChoice, InboxItem, InboxRead, NotificationPreference

Kind = InboxItem.Kind


# ---- Posting --------------------------------------------------------------------------------

def post(*, agency: Any, kind: str, title: str, link: str, object_type: str, object_id: object,
         user: Any = None, notice_key: str = "") -> InboxItem | None:
    """Put an item in ``agency``'s inbox (for ``user`` only when given). With a ``notice_key``,
    an item already posted with that key for the same agency and user is not posted again (None).
    Those who chose "straight away" are emailed once the surrounding transaction commits."""
    agency_id = getattr(agency, "pk", agency)
    user_id = getattr(user, "pk", user)
    if notice_key and InboxItem.objects.filter(agency_id=agency_id, user_id=user_id, notice_key=notice_key).exists():
        return None
    try:
        with transaction.atomic():
            item = InboxItem.objects.create(agency_id=agency_id, user_id=user_id, kind=kind, title=title[:200],
                                            link=link[:300], object_type=object_type, object_id=str(object_id),
                                            notice_key=notice_key)
    except IntegrityError:  # the same notice posted at the same moment by another run
        return None
    transaction.on_commit(lambda: notify_now(item))
    return item


def post_to_owner_and_supervisors(owner: Any, *, kind: str, title: str, link: str, object_type: str,
                                  object_id: object, key: str) -> int:
    """Post to ``owner`` and each active supervisor of their agency, once per ``key`` for each of
    them (see :func:`post`); how many items were posted."""
    posted = 0
    for who in [owner, *policy.supervisors_of(owner)]:
        agency_id = roles.agency_id_of(who)
        if agency_id is not None and post(agency=agency_id, user=who, kind=kind, title=title, link=link,
                                          object_type=object_type, object_id=object_id, notice_key=key):
            posted += 1
    return posted


def post_to_owner_or_agency(owner: Any, agency: Any, *, kind: str, title: str, link: str, object_type: str,
                            object_id: object, key: str) -> int:
    """To ``owner`` and their supervisors when there is an owner (a lead officer, the officer who
    issued a notice); else once to ``agency``'s inbox. Once per ``key``; how many items posted."""
    if owner is not None:
        return post_to_owner_and_supervisors(owner, kind=kind, title=title, link=link, object_type=object_type,
                                             object_id=object_id, key=key)
    return int(bool(post(agency=agency, kind=kind, title=title, link=link, object_type=object_type,
                         object_id=object_id, notice_key=key)))


def recipients(item: InboxItem) -> QuerySet[Any]:
    """The users an item reaches (active officers and supervisors of its agency, or its user)."""
    return policy.inbox_recipients(item.agency_id, item.user_id)


# ---- Reading --------------------------------------------------------------------------------

def _with_read_state(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    read = InboxRead.objects.filter(item=OuterRef("pk"), user_id=user.pk)
    return queryset.annotate(is_read=Exists(read))


def inbox(user: Any, *, purpose: str = "inbox", channel: str = Channel.WEB) -> QuerySet[Any]:
    """The user's items, unread first, newest first; evaluating it audits the ids shown."""
    found = reads.inbox_items(user, purpose=purpose, channel=channel)
    return _with_read_state(found, user).order_by("is_read", "-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the user's items they have not read (a count: nothing personal is shown)."""
    return policy.inbox_items(user).exclude(reads__user_id=user.pk).count()


@dataclass(frozen=True)
class InboxPage:
    found: Slice  # a window of the items (see csphub.core.listing)
    unread: int


def inbox_page(user: Any, window: Window, *, channel: str = Channel.WEB) -> InboxPage:
    """A window of the user's inbox (unread first, newest first; syncing: oldest post first) and
    the unread count. Items are never edited, so a sync follows the time they were posted."""
    return InboxPage(take(inbox(user, purpose="inbox list", channel=channel), window, changed="created_at"),
                     unread_count(user))


def _mark(user: Any, item: InboxItem) -> None:
    InboxRead.objects.get_or_create(item=item, user_id=user.pk)


def open_item(user: Any, pk: object, *, channel: str = Channel.WEB) -> InboxItem:
    """The item, marked read for this user only (NotFoundError, audited, for anyone else's)."""
    item = reads.inbox_item(user, pk, purpose="open inbox item", channel=channel)
    _mark(user, item)
    item.is_read = True  # type: ignore[attr-defined]
    return item


def mark_all_read(user: Any, *, channel: str = Channel.WEB) -> int:
    """Mark every unread item of the user's read (for them only); how many were unread."""
    unread = list(policy.inbox_items(user).exclude(reads__user_id=user.pk).values_list("pk", flat=True))
    InboxRead.objects.bulk_create([InboxRead(item_id=pk, user_id=user.pk) for pk in unread], ignore_conflicts=True)
    if unread:
        record(user, Action.CHANGED, "inbox_item", unread[0], channel=channel, summary=f"{len(unread)} marked read")
    return len(unread)


# ---- Email preferences ------------------------------------------------------------------------

def email_choice(user: Any) -> str:
    found = NotificationPreference.objects.filter(user_id=user.pk).values_list("email", flat=True).first()
    return found or EmailChoice.IMMEDIATE


def set_email_choice(user: Any, choice: str, *, channel: str = Channel.WEB) -> NotificationPreference:
    if choice not in EmailChoice.values:
        raise RuleRefused("unknown_email_choice", "Choose straight away, once a day or never.", "email")
    preference, _ = NotificationPreference.objects.update_or_create(user_id=user.pk, defaults={"email": choice})
    record(user, Action.CHANGED, "notification_preference", preference.pk, channel=channel, summary=choice)
    return preference


# ---- Emails: that something is waiting, nothing more -----------------------------------------

def site_url() -> str:
    return str(getattr(settings, "CSPHUB_SITE_URL", "http://localhost:8000")).rstrip("/")


def waiting_email(count: int, site: str) -> tuple[str, str]:
    """The subject and body telling someone ``count`` items are waiting. Nothing else goes in:
    no name, no address, no case reference, no title."""
    items = "1 new item" if count == 1 else f"{count} new items"
    subject = f"CSP Hub: {items} in your inbox"
    body = (f"You have {items} waiting in your CSP Hub inbox.\n\n"
            f"Sign in to see {'it' if count == 1 else 'them'}: {site}/inbox/\n\n"
            "This email holds no personal data; what is waiting is on CSP Hub only.\n"
            f"Change how CSP Hub emails you: {site}/account/notifications/\n")
    return subject, body


def _send(user: Any, count: int) -> bool:
    if not user.email or count < 1:
        return False
    subject, body = waiting_email(count, site_url())
    send_mail(subject, body, None, [user.email])
    return True


def notify_now(item: InboxItem) -> int:
    """Email those the item reaches who chose "straight away"; how many were emailed."""
    chose_other = NotificationPreference.objects.exclude(email=EmailChoice.IMMEDIATE).values("user_id")
    sent = sum(_send(user, 1) for user in recipients(item).exclude(id__in=chose_other))
    if sent:
        record(None, Action.CHANGED, "inbox_item", item.pk, channel=Channel.CLI, summary=f"emailed {sent} users")
    return sent


def send_daily_digests(now: datetime | None = None) -> int:
    """Email each user who chose "once a day" how many unread items arrived since their last
    summary (the last day, the first time); nothing when none did. How many were emailed."""
    now = now or timezone.now()
    sent = 0
    for preference in NotificationPreference.objects.filter(email=EmailChoice.DAILY, user__is_active=True
                                                            ).select_related("user"):
        since = preference.last_digest_at or now - timedelta(days=1)
        count = (policy.inbox_items(preference.user).filter(created_at__gt=since, created_at__lte=now)
                 .exclude(reads__user_id=preference.user_id).count())
        if _send(preference.user, count):
            sent += 1
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
    if sent:
        record(None, Action.CHANGED, "notification_preference", "daily", channel=Channel.CLI,
               summary=f"daily summary emailed to {sent} users")
    return sent
