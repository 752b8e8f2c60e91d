"""Emailed reminders (`csphub governance remind`, once a day from a scheduler): each person
with governance work waiting is emailed once a day how much is waiting, never what it is.

What is waiting for whom:
- an action of a current plan without a quarterly update for the last quarter that ended
  (one that had started by that quarter's end and was not due before it began): its lead
  officer, or, when it has none, the lead agency's officers and supervisors;
- an action arising from a meeting, past its due date and not done: its owner, or the owner
  agency's officers and supervisors;
- a grant's return due within ``days`` days (default 14), or overdue, and not marked sent: the
  grant's lead agency's officers and supervisors (who record its returns);
- a calendar item (a statutory deadline, an annual attendance, a report) not done and inside
  its own reminder window (``remind_days`` before it is due, as the calendar page shows it) or
  overdue: the partnership admins who keep the calendar, or, when there is none, the
  supervisors (access.policy.calendar_keepers).

The email holds counts and a link only, like the inbox's (csphub.inbox.services): no name, no
action, meeting or grant. Those who chose never to be emailed (their inbox setting) are not.

Examples:
    >>> subject, body = reminder_email(Waiting(updates=2, overdue=1), rules.Quarter(2025, 2), 14, "https://hub")
    >>> subject
    'CSP Hub: 3 partnership governance items need you'
    >>> print(body.splitlines()[2])
    - 2 plan actions without an update for 2025/26 Q2
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from csphub.access import policy
from csphub.audit.services import Action as Audit
from csphub.audit.services import Channel, record
from csphub.inbox.models import EmailChoice
from csphub.inbox.services import email_choice, site_url

from . import rules
from .models import (
    Action,
    CalendarItem,
    MeetingAction,
    QuarterlyUpdate,
    ReminderSent,
    ReportingDate,
)

DEFAULT_DAYS = 14


@dataclass(frozen=True)
class Waiting:
    """How much is waiting for one person."""

    updates: int = 0  # plan actions without an update for the last quarter
    overdue: int = 0  # actions arising past their due date
    returns: int = 0  # grant returns due soon or overdue
    deadlines: int = 0  # calendar items in their reminder window or overdue

    @property
    def total(self) -> int:
        return self.updates + self.overdue + self.returns + self.deadlines

    def __add__(self, other: Waiting) -> Waiting:
        return Waiting(self.updates + other.updates, self.overdue + other.overdue, self.returns + other.returns,
                       self.deadlines + other.deadlines)


def last_quarter(today: date) -> rules.Quarter:
    """The last quarter that ended before ``today``.

    Examples:
        >>> last_quarter(date(2025, 10, 1)).label, last_quarter(date(2025, 4, 30)).label
        ('2025/26 Q2', '2024/25 Q4')
    """
    return rules.quarter_of(rules.quarter_of(today).start - timedelta(days=1))


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def reminder_email(waiting: Waiting, quarter: rules.Quarter, days: int, site: str) -> tuple[str, str]:
    """The subject and body: counts and a link, nothing that names a person or a record."""
    lines = []
    if waiting.updates:
        lines.append(f"- {_plural(waiting.updates, 'plan action', 'plan actions')} without an update for {quarter.label}")
    if waiting.overdue:
        lines.append(f"- {_plural(waiting.overdue, 'meeting action', 'meeting actions')} past the due date")
    if waiting.returns:
        lines.append(f"- {_plural(waiting.returns, 'grant return', 'grant returns')} due within {days} days or overdue")
    if waiting.deadlines:
        lines.append(f"- {_plural(waiting.deadlines, 'calendar deadline', 'calendar deadlines')} coming up or overdue")
    subject = f"CSP Hub: {_plural(waiting.total, 'partnership governance item needs', 'partnership governance items need')} you"
    body = ("Partnership governance work is waiting for you on CSP Hub:\n\n" + "\n".join(lines) + "\n\n"
            f"Sign in to see it: {site}/governance/\n\n"
            "This email holds no personal data; what is waiting is on CSP Hub only.\n"
            f"Change how CSP Hub emails you: {site}/account/notifications/\n")
    return subject, body


def _agency_people(agency_id: int, cache: dict[int, list[int]]) -> list[int]:
    if agency_id not in cache:
        cache[agency_id] = list(policy.inbox_recipients(agency_id, None).values_list("pk", flat=True))
    return cache[agency_id]


def waiting_by_user(today: date, days: int = DEFAULT_DAYS) -> dict[int, Waiting]:
    """Who has what waiting on ``today`` (user id -> counts)."""
    quarter = last_quarter(today)
    found: dict[int, Waiting] = defaultdict(Waiting)
    agencies: dict[int, list[int]] = {}

    def add(user_id: int | None, active: bool | None, agency_id: int, waiting: Waiting) -> None:
        """To the user when set and active; else to the agency's officers and supervisors."""
        for uid in [user_id] if user_id and active else _agency_people(agency_id, agencies):
            found[uid] = found[uid] + waiting

    updated = QuarterlyUpdate.objects.filter(action=OuterRef("pk"), year=quarter.year, quarter=quarter.number,
                                             archived_on__isnull=True)
    actions = (Action.objects.filter(archived_on__isnull=True, priority__archived_on__isnull=True,
                                     priority__plan__archived_on__isnull=True,
                                     priority__plan__starts_on__lte=quarter.end,
                                     priority__plan__ends_on__gte=quarter.start)
               .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=quarter.end))
               .filter(Q(due_on__isnull=True) | Q(due_on__gte=quarter.start))
               .exclude(Exists(updated)))
    for row in actions.values_list("lead_officer_id", "lead_officer__is_active", "led_by_id"):
        add(*row, Waiting(updates=1))
    arising = MeetingAction.objects.filter(archived_on__isnull=True, done_on__isnull=True, due_on__lt=today,
                                           meeting__archived_on__isnull=True)
    for row in arising.values_list("owner_id", "owner__is_active", "owner_agency_id"):
        add(*row, Waiting(overdue=1))
    due = ReportingDate.objects.filter(submitted_on__isnull=True, due_on__lte=today + timedelta(days=days),
                                       grant__archived_on__isnull=True)
    for (agency_id,) in due.values_list("grant__led_by_id"):
        add(None, None, agency_id, Waiting(returns=1))
    deadlines = deadlines_waiting(today)
    if deadlines:
        for uid in policy.calendar_keepers().values_list("pk", flat=True):
            found[uid] = found[uid] + Waiting(deadlines=deadlines)
    return dict(found)


def deadlines_waiting(today: date) -> int:
    """Calendar items not done (nor archived, nor of an archived board) that are in their own
    reminder window or overdue on ``today`` (rules.deadline_state)."""
    items = (CalendarItem.objects.filter(archived_on__isnull=True, done_on__isnull=True)
             .filter(Q(board__isnull=True) | Q(board__archived_on__isnull=True))
             .values_list("due_on", "remind_days"))
    return sum(rules.deadline_state(due_on, remind_days, today).status in ("remind", "overdue")
               for due_on, remind_days in items)


@dataclass(frozen=True)
class RemindRun:
    emailed: int  # emails sent now
    already: int  # people emailed earlier the same day
    not_emailed: int  # no email address, or chose never to be emailed


def send_reminders(today: date, days: int = DEFAULT_DAYS) -> RemindRun:
    """Email each person with something waiting (waiting_by_user), once per day: running it
    again the same day sends nothing more."""
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    waiting = waiting_by_user(today, days)
    quarter, site = last_quarter(today), site_url()
    emailed = already = not_emailed = 0
    users = get_user_model().objects.filter(pk__in=list(waiting), is_active=True).order_by("pk")
    for user in users:
        if not user.email or email_choice(user) == EmailChoice.NEVER:
            not_emailed += 1
            continue
        counts = waiting[user.pk]
        try:
            with transaction.atomic():  # the mark and the email together: a failed send is tried again
                ReminderSent.objects.create(user=user, day=today, items=counts.total)
                subject, body = reminder_email(counts, quarter, days, site)
                send_mail(subject, body, None, [user.email])
        except IntegrityError:
            already += 1
            continue
        emailed += 1
    if emailed:
        record(None, Audit.CHANGED, "governance_reminder", today.isoformat(), channel=Channel.CLI,
               summary=f"emailed {emailed} people")
    return RemindRun(emailed, already, not_emailed)

