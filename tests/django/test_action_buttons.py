"""The action buttons (mark done, email the digest) change records only when posted, and a rule
that refuses one says why on a page, never a server error (issue 12, item 9)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from csphub.dialin import rules, services
from csphub.dialin.models import Distribution
from csphub.governance.models import CalendarItem

from .factories import create_agency, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_officer():
    police = create_agency("Kent Police", "police")
    Distribution.objects.create(agency=police, emails="nt@kent-police.example")
    return create_user("officer", police, "pc.smith")


def _decision(officer):
    entry, _ = services.log_entry(officer, rules.EntryRow(
        occurred_at=timezone.now() - timedelta(hours=2), entry_type="Street drinking",
        account="Group drinking outside the shop", address="12 Castle Street", postcode="ME4 4TZ"))
    return services.record_decision(officer, entry.pk, decision="Joint visit to the shop", owner_agency="Kent Police",
                                    due_on=timezone.localdate() + timedelta(days=2))


def test_a_dial_in_decision_is_marked_done_by_a_post_only_and_twice_says_it_was_done(police_officer):
    decision = _decision(police_officer)
    client = Client()
    client.force_login(police_officer)
    url = f"/dial-in/decisions/{decision.pk}/done/"
    assert client.get(url).status_code == 405  # a link, a prefetch or a crawler changes nothing
    decision.refresh_from_db()
    assert decision.done_on is None
    assert client.post(url).status_code == 302
    decision.refresh_from_db()
    assert decision.done_on == timezone.localdate()
    again = client.post(url, follow=True)  # a second tab, or a colleague already did it
    assert again.status_code == 200 and f"Already done on {timezone.localdate():%d %B %Y}" in again.content.decode()


def test_the_digest_is_emailed_by_a_post_only(police_officer):
    client = Client()
    from csphub.access.roles import membership

    client.force_login(create_user("supervisor", membership(police_officer).agency, "ps.jones"))
    assert client.get("/dial-in/digest/email/").status_code == 405
    assert len(mail.outbox) == 0


def test_a_calendar_item_is_marked_done_by_a_post_only_and_twice_says_it_was_done():
    manager = create_user("partnership_admin", create_agency("Medway Council"), "csp.manager")
    item = CalendarItem.objects.create(title="Annual strategic assessment", due_on=timezone.localdate(),
                                       recurrence="once")
    client = Client()
    client.force_login(manager)
    url = f"/governance/calendar/{item.pk}/done/"
    assert client.get(url).status_code == 405
    item.refresh_from_db()
    assert item.done_on is None
    assert client.post(url).status_code == 302
    item.refresh_from_db()
    assert item.done_on == timezone.localdate()
    again = client.post(url, follow=True)
    assert again.status_code == 200 and "Annual strategic assessment was done on" in again.content.decode()


def test_a_rule_no_view_caught_is_a_page_saying_why_not_a_server_error(police_officer):
    from django.test import RequestFactory

    from csphub.errors import RuleRefused, StaleEdit
    from csphub.web.pages import page

    def refuses(request):
        raise RuleRefused("already_done", "This was done on 1 December 2026 by pc.smith.", "done_on")

    def stale(request):
        raise StaleEdit("ps.jones changed this record after you opened it.")

    request = RequestFactory().post("/anything/")
    request.user = police_officer
    request._messages = None
    response = page(refuses)(request)
    assert response.status_code == 422
    assert "This was not done" in response.content.decode() and "1 December 2026 by pc.smith" in response.content.decode()
    response = page(stale)(request)
    assert response.status_code == 409 and "changed this record after you opened it" in response.content.decode()
