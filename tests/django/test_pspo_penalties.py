"""PSPO fixed penalty notices: the due date (casework's rule and configured days), where each
stands (paid, not yet due, overdue by N days, out of time) on the order's and the FPN's pages and
in the API, and ``csphub notify overdue`` telling the issuing officer and their supervisors of an
unpaid penalty once a day (casework's CPN fixed penalties too)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from csphub.casework import services as casework
from csphub.casework.models import Intervention
from csphub.casework.notices import post_overdue_penalties as post_case_penalties
from csphub.errors import RuleRefused
from csphub.inbox.models import InboxItem
from csphub.pspo import services
from csphub.pspo.models import Enforcement
from csphub.pspo.notices import post_overdue_penalties

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[0.540, 51.380], [0.560, 51.380], [0.560, 51.395],
                                              [0.540, 51.395], [0.540, 51.380]]]}
INSIDE = {"latitude": 51.388, "longitude": 0.550}
TODAY = timezone.localdate()


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def world() -> dict[str, Any]:
    council = create_agency("Medway Council Community Safety", "council")
    police = create_agency("Kent Police", "police")
    officer = create_user("officer", council, "asb.officer")
    pc = create_user("officer", police, "pc.smith")
    sergeant = create_user("supervisor", police, "sgt.jones")
    effective = TODAY - timedelta(days=400)
    order = services.make_order(officer, services.OrderInput(
        name="Gillingham alcohol PSPO", made_on=effective - timedelta(days=14), effective_on=effective,
        expires_on=effective + timedelta(days=3 * 365 - 2), area_geojson=json.dumps(SQUARE),
        prohibitions="Continuing to drink alcohol when asked to stop"))
    return {"council": council, "police": police, "officer": officer, "pc": pc, "sergeant": sergeant,
            "order": order}


def fpn(world: dict[str, Any], issued_on: date, number: str = "K-100", **kwargs: Any) -> Enforcement:
    return services.record_enforcement(world["pc"], world["order"], services.EnforcementInput(
        kind="fpn", occurred_at=at(issued_on), notice_number=number, amount=100, early_payment_amount=75,
        **INSIDE, **kwargs))


def test_the_due_date_is_14_days_after_the_notice_or_the_configured_days(world, settings):
    assert fpn(world, TODAY - timedelta(days=3)).payment_due_on == TODAY + timedelta(days=11)
    settings.CSPHUB_TOOLS_AND_POWERS = {**settings.CSPHUB_TOOLS_AND_POWERS, "fixed_penalty_payment_days": 28}
    assert fpn(world, TODAY - timedelta(days=3), "K-101").payment_due_on == TODAY + timedelta(days=25)
    warning = services.record_enforcement(world["pc"], world["order"], services.EnforcementInput(
        kind="warning", occurred_at=at(TODAY - timedelta(days=1)), **INSIDE))
    assert warning.payment_due_on is None and warning.penalty_state() is None


def test_the_pages_show_due_paid_not_yet_due_and_overdue(client: Client, world):
    late = fpn(world, TODAY - timedelta(days=20), "K-LATE")  # due 6 days ago
    soon = fpn(world, TODAY - timedelta(days=2), "K-SOON")
    paid = fpn(world, TODAY - timedelta(days=10), "K-PAID")
    services.record_payment(world["pc"], paid, paid_on=TODAY - timedelta(days=1), paid_amount=75)
    client.force_login(world["pc"])
    page = client.get(f"/pspos/enforcement/{late.pk}/").content.decode()
    due, by = TODAY - timedelta(days=6), late.penalty_state().prosecute_by
    assert f'id="due-on">{due.day} {due:%B %Y}' in page
    assert "Unpaid, overdue" in page and "6 days overdue" in page
    assert f"{by.day} {by:%B %Y} (six months from the offence" in page
    assert "2014 Act s67" in page and "lay the information by" in page
    order_page = client.get(f"/pspos/{world['order'].pk}/").content.decode()
    assert order_page.count('data-state="overdue"') == 1
    assert order_page.count('data-state="awaiting_payment"') == 1 and "Unpaid, not yet due" in order_page
    assert order_page.count('data-state="paid"') == 1 and "£75 on" in order_page
    assert soon.penalty_state().state == "awaiting_payment"


def test_the_api_gives_the_due_date_and_state(client: Client, world):
    late = fpn(world, TODAY - timedelta(days=20), "K-LATE")
    token = create_token(world["pc"])
    body = client.get(f"/api/v1/pspos/enforcement/{late.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["payment_due_on"] == (TODAY - timedelta(days=6)).isoformat()
    assert (body["payment_state"], body["days_overdue"]) == ("overdue", 6)
    assert body["prosecute_by"] == late.penalty_state().prosecute_by.isoformat()
    assert "s67" in body["next_step"]
    listing = client.get(f"/api/v1/pspos/{world['order'].pk}/enforcement",
                         HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [i["payment_state"] for i in listing["items"]] == ["overdue"]


# ---- csphub notify overdue ----------------------------------------------------------------------

def test_an_fpn_due_yesterday_and_unpaid_tells_the_officer_and_supervisor_once_a_day(world):
    due_yesterday = fpn(world, TODAY - timedelta(days=15), "K-200")
    assert due_yesterday.payment_due_on == TODAY - timedelta(days=1)
    fpn(world, TODAY - timedelta(days=14), "K-201")  # due today: not yet overdue
    paid = fpn(world, TODAY - timedelta(days=20), "K-202")
    services.record_payment(world["pc"], paid, paid_on=TODAY - timedelta(days=2), paid_amount=100)
    assert post_overdue_penalties(TODAY) == 2
    assert post_overdue_penalties(TODAY) == 0  # the same day again: nothing new
    items = InboxItem.objects.filter(kind="overdue", object_type="pspo_enforcement")
    assert sorted(i.user.username for i in items) == ["pc.smith", "sgt.jones"]
    assert {i.object_id for i in items} == {str(due_yesterday.pk)}
    title = items[0].title
    assert "K-200" in title and f"was due {TODAY - timedelta(days=1):%d %B %Y}" in title
    assert post_overdue_penalties(TODAY + timedelta(days=1)) == 4  # tomorrow: both unpaid ones, again


def test_no_prompt_once_summonsed_or_for_a_council_officer_who_did_not_issue_it(world):
    summonsed = fpn(world, TODAY - timedelta(days=30), "K-300")
    services.record_payment(world["pc"], summonsed, paid_on=None, paid_amount=None, prosecution="summonsed")
    assert post_overdue_penalties(TODAY) == 0
    assert not InboxItem.objects.filter(agency=world["council"]).exists()


def test_the_title_never_names_the_person(world):
    person = create_person(world["pc"], first_name="Lee", last_name="Streetdrinker")
    fpn(world, TODAY - timedelta(days=16), "K-400", person=person)
    assert post_overdue_penalties(TODAY) == 2
    assert all("Streetdrinker" not in i.title and "Lee" not in i.title for i in InboxItem.objects.all())


def test_a_casework_cpn_fixed_penalty_unpaid_is_prompted_once_a_day():
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "asb.o")
    create_user("supervisor", council, "asb.s")
    case = create_case(officer, opened_on=TODAY - timedelta(days=90))
    subject = create_person(officer, first_name="Alex", last_name="Brown", date_of_birth=date(1990, 1, 1))
    casework.add_party(officer, case, subject, "subject")
    casework.issue_intervention(officer, case, kind="cpw", person=subject, conduct="Loud music after 11pm",
                                issued_on=TODAY - timedelta(days=60), comply_by=TODAY - timedelta(days=40))
    casework.issue_intervention(officer, case, kind="cpn", person=subject, conduct="Loud music after 11pm",
                                issued_on=TODAY - timedelta(days=30))
    penalty = casework.issue_intervention(officer, case, kind="cpn_fpn", person=subject,
                                          issued_on=TODAY - timedelta(days=15))
    assert post_case_penalties(TODAY - timedelta(days=1)) == 0  # its due day: not yet overdue
    assert post_case_penalties(TODAY) == 2
    assert post_case_penalties(TODAY) == 0
    items = InboxItem.objects.filter(object_type="intervention", object_id=str(penalty.pk))
    assert sorted(i.user.username for i in items) == ["asb.o", "asb.s"]
    assert all("Brown" not in i.title and penalty.reference in i.title for i in items)
    casework.record_penalty_payment(officer, penalty, "paid", TODAY, expected_version=penalty.version)
    assert post_case_penalties(TODAY + timedelta(days=1)) == 0  # paid: no more prompts


def test_casework_accepts_the_early_payment_amount_only_up_to_the_day_the_notice_states():
    """The same rule as the PSPO register's: CSPHUB_PENALTY_EARLY_PAYMENT_DAYS (10) after issue."""
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "asb.o")
    case = create_case(officer, opened_on=TODAY - timedelta(days=90))
    subject = create_person(officer, first_name="Alex", last_name="Brown", date_of_birth=date(1990, 1, 1))
    casework.add_party(officer, case, subject, "subject")
    casework.issue_intervention(officer, case, kind="cpw", person=subject, conduct="Loud music after 11pm",
                                issued_on=TODAY - timedelta(days=60), comply_by=TODAY - timedelta(days=40))
    casework.issue_intervention(officer, case, kind="cpn", person=subject, conduct="Loud music after 11pm",
                                issued_on=TODAY - timedelta(days=30))
    with pytest.raises(RuleRefused, match=r"early-payment amount is less than the full penalty \(GBP 100\)"):
        casework.issue_intervention(officer, case, kind="cpn_fpn", person=subject, issued_on=TODAY - timedelta(days=11),
                                    early_payment_amount=100)
    on_time, late = (casework.issue_intervention(officer, case, kind="cpn_fpn", person=subject,
                                                 issued_on=TODAY - timedelta(days=11), early_payment_amount=60)
                     for _ in range(2))
    assert on_time.early_payment_by == TODAY - timedelta(days=1) and on_time.payment_due_on == TODAY + timedelta(days=3)
    with pytest.raises(RuleRefused, match="Give the amount paid"):
        casework.record_penalty_payment(officer, on_time, "paid", TODAY - timedelta(days=1))
    casework.record_penalty_payment(officer, on_time, "paid", TODAY - timedelta(days=1), paid_amount=60)
    assert Intervention.objects.get(pk=on_time.pk).paid_amount == 60
    with pytest.raises(RuleRefused, match=r"GBP 60\) was payable up to .*; paid on .*, the full penalty \(GBP 100\) is due"):
        casework.record_penalty_payment(officer, late, "paid", TODAY, paid_amount=60)
    casework.record_penalty_payment(officer, late, "paid", TODAY, paid_amount=100)
    assert Intervention.objects.get(pk=late.pk).payment_status == "paid"


def test_the_command_posts_both_apps_penalties(world):
    from csphub.cli.notify import notify

    fpn(world, TODAY - timedelta(days=15), "K-500")
    result = CliRunner().invoke(notify, ["overdue", "--day", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 inbox items posted") and "unpaid fixed penalties" in result.output
