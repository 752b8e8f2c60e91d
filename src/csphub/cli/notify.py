"""Notification commands: overdue work into inboxes, and the daily summary emails.

Run both from a scheduler (cron, a systemd timer) once a day. They start Django (the casework
database), bringing its schema up to date first. No command prints or emails a person.
"""

from __future__ import annotations

from datetime import date

import click


def _django() -> None:
    from csphub.django_setup import setup_django

    setup_django(migrate=True)


@click.group()
def notify() -> None:
    """Tell people what is waiting: overdue tasks, panel actions and case review recommendations, case reviews due
    and unpaid fixed penalties into their inbox, and the
    once-a-day summary email for those who chose it."""


@notify.command("overdue")
@click.option("--day", default=None, help="The day to count from, YYYY-MM-DD (default today).")
def overdue(day: str | None) -> None:
    """Put each overdue task, each case review due and each fixed penalty unpaid after its due date
    (on a case, or a PSPO fixed penalty notice) in the inbox of its owner (the issuing officer) and
    of the owner's supervisors in the same agency, once per record per day; each panel action past
    its due date and not complete in its named owner's and their supervisors' inboxes (else its
    owner agency's); each open ASB Case Review recommendation past its due date in its owner
    agency's inbox; and each PSPO that
    expires within six months in the inbox of the agency that made it, once per expiry date.
    Running it again the same day adds nothing. Prints how many items were posted."""
    try:
        today = date.fromisoformat(day) if day else date.today()
    except ValueError as e:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {day!r}", param_hint="--day") from e
    _django()
    from django.db import transaction

    from csphub.casereview.notices import post_overdue_recommendations
    from csphub.casework.notices import post_overdue
    from csphub.panels.notices import post_overdue_actions
    from csphub.pspo.notices import post_expiring_orders, post_overdue_penalties

    with transaction.atomic():  # each app posts its own: casework's tasks, reviews and penalties, then the others'
        posted = (post_overdue(today) + post_overdue_actions(today) + post_overdue_recommendations(today)
                  + post_overdue_penalties(today) + post_expiring_orders(today))
    click.echo(f"{posted} inbox item{'' if posted == 1 else 's'} posted for overdue tasks, panel actions and case "
               f"review recommendations, reviews due, unpaid fixed penalties and expiring PSPOs on {today:%d %B %Y}.")


@notify.command("daily")
def daily() -> None:
    """Email each user who chose "once a day" how many unread items arrived since their last
    summary; nobody is emailed when nothing arrived. The email holds a count and a link only."""
    _django()
    from csphub.inbox.services import send_daily_digests

    sent = send_daily_digests()
    click.echo(f"{sent} daily summar{'y' if sent == 1 else 'ies'} emailed.")
