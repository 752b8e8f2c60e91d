"""axe-core on every GOV.UK page of the web app (issue 12: "0 serious axe violations on every page").

Two tests:

- the coverage test walks the URL map (django.urls.get_resolver) and fails when a route is
  neither visited by the sweep below (``PAGES``) nor excluded with its reason (``NOT_PAGES``:
  the API, the Django admin, file downloads, POST-only actions and redirects). A new page route
  therefore fails it until someone adds it to the sweep;
- the sweep seeds demo-like data once (the journeys' seeder, the demo's CCTV estate and a panel
  referral, meeting and action and a breach of the officer's), so every page route has a row of
  its kind to open (the sweep fails on a route it could not fill), opens ONE chromium against ONE
  live server, signs in as each role in turn (an officer for the officer's case and its records,
  a supervisor, an analyst, the agency admin and the partnership admin) and opens every page
  route with real ids, running axe after each; then it posts one empty form per domain and runs
  axe on the error state. It fails with the page's address and each serious or critical
  violation's rule and elements.

It checks rendering, not the database, so it runs on SQLite only (CI's PostgreSQL run skips it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from .browser_kit import browser_page, serious_violations, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OFFICER, SUPERVISOR, ANALYST, AGENCY_ADMIN, ADMIN = ("asb.officer", "asb.supervisor", "csp.analyst", "asb.admin",
                                                     "csp.admin")

#: Every page route the sweep opens (the route as the URL map writes it) and who opens it.
#: Routes that are not a page to check, by the start of the route, with the reason.
NOT_PAGES: dict[str, str] = {
    "api/v1/": "the JSON API (docs/api.md); its OpenAPI docs page is Ninja's, not a GOV.UK page",
    "admin/": "Django's own admin, kept for superusers; users are managed in /administration/",
    "logout/": "POST-only: signs out and redirects to the sign-in page",
    "login/mfa/": "a redirect to login/mfa/setup/ until the user has an authenticator (that page is swept)",
    "account/tokens/<int:pk>/revoke/": "POST-only action: revokes a token, then back to account/tokens/",
    "inbox/read/": "POST-only action: marks the inbox read",
    "inbox/<int:pk>/": "a redirect: marks the item read and opens the record it is about",
    "administration/agencies/<int:pk>/mfa/": "POST-only action: an agency's authenticator rule",
    "case-reviews/<int:pk>/letter/": "POST-only: generates the Word/PDF letter",
    "interventions/<int:pk>/letter/": "POST-only: generates the Word/PDF letter",
    "cases/<int:pk>/tasks/<int:task_id>/done/": "POST-only action: marks a task done",
    "cases/<int:pk>/attachments/<int:attachment_id>/": "a file download (the attachment itself)",
    "alerts/<int:alert_id>/read/": "an action: marks the alert read and redirects",
    "governance/calendar/<int:pk>/done/": "an action: marks the calendar item done and redirects",
    "dial-in/decisions/<int:pk>/done/": "an action: marks the decision done and redirects",
    "dial-in/digest/email/": "an action: emails the digest and redirects to dial-in/digest/",
    "cctv/reviews/<int:pk>/notice/": "a Word/PDF download (the review's decision notice)",
    "cctv/report/map.png": "an image (PNG map)",
    "cctv/export/": "a CSV download",
    "governance/plans/<int:pk>/export/": "an Excel download",
    "governance/grants/<int:pk>/return/": "an Excel download (the grant return)",
    "governance/events/map.svg": "an image (SVG map)",
    "governance/papers/<int:pk>/": "a file download (the paper)",
    "pspos/documents/<int:pk>/": "a file download (the order's document)",
    "dial-in/digest/pdf/": "a PDF download",
    "dial-in/area-map.svg": "an image (SVG map)",
    "dial-in/places/<int:pk>/evaluation.docx": "a Word download",
    "dial-in/places/<int:pk>/evaluation.pdf": "a PDF download",
    "locations/<int:pk>/map.svg": "an image (SVG map)",
}

#: Who opens a route, by its start (the first match wins; anything else: the officer, who works
#: the case the sweep opens). The supervisor manages governance, leads CCTV (the demo's CCTV lead)
#: and sees statistics; the partnership admin administers users, agencies and the audit log.
WHO: list[tuple[str, str]] = [
    ("administration/agencies/", ADMIN), ("administration/", AGENCY_ADMIN), ("audit/", ADMIN),
    ("cctv/", SUPERVISOR), ("statistics/", ANALYST), ("caseload/", SUPERVISOR),
    ("encampments/figures/", SUPERVISOR), ("pspos/figures/", ANALYST), ("dial-in/figures/", ANALYST),
]
#: Governance forms are the manager's (a supervisor or the partnership admin).
MANAGES = re.compile(r"^governance/.*(new|edit|import|archive|archived)/$")


def who(route: str) -> str:
    if MANAGES.match(route):
        return SUPERVISOR
    return next((user for start, user in WHO if route.startswith(start)), OFFICER)


def walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    """Every route of the URL map, nested includes spelled out (``cases/<int:pk>/edit/``)."""
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def excluded(route: str) -> str | None:
    return next((why for start, why in NOT_PAGES.items() if route == start or
                 (start.endswith("/") and route.startswith(start))), None)


def _ids() -> list[tuple[str, Callable[[], Any]]]:
    """Where each route's ``<int:pk>`` comes from, by the start of the route (the first match
    wins): the officer's richest open case and its records, else the first row of the kind."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from csphub.casework.models import AsbCase, Breach

    def first(label: str, **where: Any) -> Callable[[], Any]:
        return lambda: apps.get_model(label).objects.filter(**where).order_by("pk").first()

    case = AsbCase.objects.filter(lead_officer__username=OFFICER).exclude(status="closed").order_by("pk").first()
    mine = {"case__lead_officer__username": OFFICER}

    def on_case(related: str) -> Callable[[], Any]:
        def get() -> Any:
            model = apps.get_model("casework", getattr(case, related).model.__name__)
            return getattr(case, related).order_by("pk").first() or (
                model.objects.filter(**mine).exclude(case__status="closed").order_by("pk").first())
        return get

    return [
        ("cases/", lambda: case), ("parties/", on_case("parties")), ("incidents/", on_case("incidents")),
        ("visits/", on_case("visits")), ("notes/", on_case("notes")), ("tasks/", on_case("tasks")),
        ("interventions/", on_case("interventions")), ("referrals/", on_case("referrals")),
        ("risk-assessments/", on_case("risk_assessments")),
        ("breaches/", lambda: Breach.objects.filter(intervention__case__lead_officer__username=OFFICER)
         .exclude(intervention__case__status="closed").order_by("pk").first()),
        ("people/", lambda: case.parties.order_by("pk").first().person),
        ("locations/", lambda: case.location or AsbCase.objects.filter(
            lead_officer__username=OFFICER, location__isnull=False).order_by("pk").first().location),
        ("alerts/", first("casework.Alert")),
        ("panels/meetings/", first("panels.PanelMeeting")), ("panels/referrals/", first("panels.PanelReferral")),
        ("panels/actions/", first("panels.PanelAction")), ("panels/", first("panels.Panel")),
        ("case-reviews/recommendations/", first("casereview.Recommendation")),
        ("case-reviews/<int:pk>/meeting/edit/", lambda: apps.get_model("casereview.ReviewMeeting").objects
         .order_by("pk").first().application),
        ("case-reviews/complaints/", first("casereview.CaseReviewComplaint")),
        ("case-reviews/", first("casereview.CaseReviewApplication")),
        ("cctv/cameras/", first("cctv.Camera")), ("cctv/faults/", first("cctv.Fault", closed_on__isnull=True)),
        ("cctv/reviews/", first("cctv.Review")), ("cctv/deployments/", first("cctv.RapidDeployment")),
        ("cctv/footage/", first("cctv.FootageRequest")),
        ("governance/plans/", first("governance.Plan")), ("governance/actions/", first("governance.Action")),
        ("governance/boards/", first("governance.Board")), ("governance/meetings/", first("governance.Meeting")),
        ("governance/decisions/", first("governance.Decision")),
        ("governance/meeting-actions/", first("governance.MeetingAction")),
        ("governance/papers/", first("governance.Paper")), ("governance/calendar/", first("governance.CalendarItem")),
        ("governance/grants/", first("governance.Grant")), ("governance/workstreams/", first("governance.Workstream")),
        ("governance/events/", first("governance.Event")), ("governance/priorities/", first("governance.Priority")),
        ("encampments/sites/", first("encampments.Site")), ("encampments/tents/", first("encampments.TentCase")),
        ("encampments/", first("encampments.Incursion")),
        ("pspos/documents/", first("pspo.OrderDocument")), ("pspos/enforcement/", first("pspo.Enforcement")),
        ("pspos/", lambda: apps.get_model("pspo.OrderDocument").objects.order_by("pk").first().order),
        ("dial-in/entries/", first("dialin.DialInEntry")), ("dial-in/decisions/", first("dialin.Decision")),
        ("dial-in/operations/", first("dialin.Operation")), ("dial-in/places/", first("dialin.PlaceInitiative")),
        ("inbox/", first("inbox.InboxItem")),
        ("administration/users/", lambda: get_user_model().objects.get(username=OFFICER)),
        ("administration/agencies/", first("accounts.Agency")), ("account/tokens/", first("accounts.ApiToken")),
    ]


def fill(route: str, ids: list[tuple[str, Callable[[], Any]]]) -> str | None:
    """The route with real ids (``cases/<int:pk>/edit/`` -> ``/cases/12/edit/``); None when no
    row of the kind exists."""
    if "<" not in route:
        return "/" + route
    if route == "login/reset/<uidb64>/<token>/":  # a real one-time link, for the officer
        from django.contrib.auth import get_user_model
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        user = get_user_model().objects.get(username=OFFICER)
        return f"/login/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{default_token_generator.make_token(user)}/"
    record = next((get() for start, get in ids if route.startswith(start)), None)
    if record is None:
        return None
    return "/" + re.sub(r"<int:\w+>", str(record.pk), route)


def page_routes() -> list[str]:
    """The web app's routes that answer a GOV.UK page to a GET: the URL map less ``NOT_PAGES``."""
    return [r for r in walk(get_resolver().url_patterns) if excluded(r) is None]


def test_every_page_route_is_swept_or_excluded_with_a_reason():
    routes = list(walk(get_resolver().url_patterns))
    assert len(routes) > 300 and "cases/<int:pk>/edit/" in routes  # the walk reaches the nested includes
    pages = page_routes()
    assert "governance/boards/<int:pk>/edit/" in pages and "api/v1/cases/" not in pages
    # each exclusion names a route that exists (a stale one would hide a new page of that name)
    assert [start for start in NOT_PAGES if not any(r == start or r.startswith(start) for r in routes)] == []
    # every page route goes to someone who may open it (the sweep asserts the 200)
    assert {who(r) for r in pages} == {OFFICER, SUPERVISOR, ANALYST, AGENCY_ADMIN, ADMIN}
    assert len(pages) >= 150


#: One form per domain, posted empty: the error state (summary, messages, "Error:" title) is checked too.
EMPTY_FORMS = {OFFICER: ["/cases/new/", "/case-reviews/new/", "/encampments/sites/new/", "/pspos/new/",
                         "/dial-in/operations/new/", "/cctv/footage/new/"],
               SUPERVISOR: ["/governance/boards/new/"], AGENCY_ADMIN: ["/administration/users/new/"]}


def _seed() -> dict[str, str]:
    """The journeys' demo data, the demo's CCTV estate (its lead: the supervisor) and the rows the
    small demo has none of: a panel referral of the officer's, with a meeting and an action, and a
    breach on an intervention of the officer's open case."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from csphub.accounts.models import Membership
    from csphub.casework import services as casework
    from csphub.casework.models import AsbCase, Intervention
    from csphub.cctv.demo import seed_cctv
    from csphub.panels import services as panels
    from csphub.panels.models import Panel

    from .test_browser_journeys import _lsoas, _seed_demo

    passwords = _seed_demo()
    seed_cctv(_lsoas(), seed=7, cameras=24)
    officer = get_user_model().objects.get(username=OFFICER)
    today = timezone.localdate()
    case = AsbCase.objects.filter(lead_officer=officer).exclude(status="closed").order_by("pk").first()
    party = case.parties.order_by("pk").first() if case is not None else None
    assert case is not None and party is not None  # the journeys' seeder gives the officer open cases
    person = party.person
    panel = Panel.objects.get(kind="vulnerability")  # the officer's agency is a member
    referral = panels.refer_to_panel(officer, panel, person=person, case=case, reason="Repeat victim, at risk",
                                     consent="given")
    panels.decide(officer, referral, "adopted", on=today)
    panels.hold_meeting(officer, panel, held_on=today, agencies=list(panel.members.all()[:2]))
    panels.add_action(officer, referral, description="Home visit with housing",
                      owner_agency=Membership.objects.get(user=officer).agency,
                      due_on=today + timedelta(days=14))
    intervention = (Intervention.objects.filter(case__lead_officer=officer, archived_on__isnull=True)
                    .exclude(case__status="closed").order_by("pk").first())
    assert intervention is not None
    casework.record_breach(officer, intervention, occurred_on=min(today, intervention.issued_on + timedelta(days=1)),
                           description="Played loud music again after the warning")
    return passwords


@pytest.mark.django_db(transaction=True)
def test_every_page_has_no_serious_accessibility_problems(live_server, monkeypatch):
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("axe checks how the pages render, not the database: the SQLite run covers it")
    passwords = _seed()
    ids = _ids()
    plan: dict[str, list[tuple[str, str]]] = {}
    missing = []
    for route in page_routes():
        path = fill(route, ids)
        if path is None:
            missing.append(route)
        else:
            plan.setdefault(who(route), []).append((route, path))
    assert missing == []  # every page route has a row of its kind in the seed

    found: list[dict[str, Any]] = []
    refused: list[str] = []
    error_states: list[str] = []
    with browser_page(monkeypatch) as session:
        page = session.page
        for n, user in enumerate((OFFICER, SUPERVISOR, ANALYST, AGENCY_ADMIN, ADMIN)):
            if n:
                sign_out(page)
            sign_in(page, live_server.url, user, passwords[user])
            for route, path in plan.get(user, []):
                response = page.goto(live_server.url + path)
                status = response.status if response else 0
                if status != 200 or "html" not in (response.headers.get("content-type", "") if response else ""):
                    refused.append(f"{user} {path} ({route}): {status}")
                found += serious_violations(page)
            for path in EMPTY_FORMS.get(user, []):
                page.goto(live_server.url + path)
                with page.expect_navigation():
                    page.locator("main form button.govuk-button[type=submit], main form button.govuk-button"
                                 ":not([type])").last.click()
                if not page.locator(".govuk-error-summary").count() or not page.title().startswith("Error:"):
                    error_states.append(f"{path}: no error summary or 'Error:' title after an empty post")
                found += serious_violations(page)
    assert (refused, error_states, found) == ([], [], [])
    assert sum(len(v) for v in plan.values()) >= 150
