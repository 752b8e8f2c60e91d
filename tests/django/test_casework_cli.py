"""The casework commands, run in-process against the test database."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from csphub.accounts.models import Agency, ApiToken
from csphub.cli import main

from .factories import create_case, create_person, create_user

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, list(args), input=input)
    return result


def test_agency_user_and_token_from_the_command_line(client):
    assert run("agency", "add", "Medway Council ASB Team", "--kind", "council").exit_code == 0
    again = run("agency", "add", "medway council asb team", "--kind", "council")
    assert again.exit_code == 1 and "already exists" in again.output
    bad_kind = run("agency", "add", "X", "--kind", "bank")
    assert bad_kind.exit_code == 2 and "'bank' is not one of" in bad_kind.output
    created = run("user", "create", "amira", "--agency", "Medway Council ASB Team", "--role", "officer",
                  "--password", "correct horse battery staple")
    assert created.exit_code == 0, created.output
    weak = run("user", "create", "tom", "--agency", "Medway Council ASB Team", "--role", "officer", "--password", "12345678")
    assert weak.exit_code == 1 and "Password refused" in weak.output
    unknown = run("user", "create", "tom", "--agency", "Nobody", "--role", "officer", "--password", "x")
    assert unknown.exit_code == 1 and "Known agencies: Medway Council ASB Team" in unknown.output
    token = run("token", "create", "amira")
    assert token.exit_code == 0
    lines = token.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("csphub_")  # the token alone on stdout
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {lines[0]}").status_code == 200
    assert ApiToken.objects.get().digest != lines[0]  # only the digest is stored
    listed = json.loads(run("agency", "list", "--format", "json").output)
    assert listed == [{"name": "Medway Council ASB Team", "kind": "council", "users": 1}]
    run("token", "revoke", "amira")
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {lines[0]}").status_code == 401


def test_casework_stats_and_audit_as_json():
    officer = create_user("officer", Agency.objects.create(name="Council", kind="council"), "amira")
    create_case(officer, opened_on=date(2025, 5, 1))
    create_case(officer, opened_on=date(2025, 6, 1))
    create_case(officer, opened_on=date(2024, 5, 1))
    result = run("casework", "stats", "--from", "2025-04-01", "--to", "2026-03-31", "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    opened = next(r for r in figures["headline"] if r["measure"] == "cases_opened")
    assert (opened["count"], opened["previous_count"], opened["percent_change"]) == (2, 1, 100.0)
    bad = run("casework", "stats", "--from", "2025-13-01", "--to", "2026-03-31")
    assert bad.exit_code == 2 and "expected a date YYYY-MM-DD" in bad.output
    entries = json.loads(run("audit", "--user", "amira", "--format", "json").output)
    assert {e["action"] for e in entries} == {"created"} and len(entries) == 3
    assert all(e["username"] == "amira" and e["agency"] == "Council" for e in entries)
    exported = json.loads(run("audit", "--object", "statistics", "--format", "json").output)
    assert exported[0]["channel"] == "cli" and exported[0]["action"] == "exported"


def test_retention_apply_dry_run_then_for_real():
    officer = create_user("officer", Agency.objects.create(name="Council", kind="council"), "amira")
    from csphub.casework import services

    case = create_case(officer, opened_on=date(2017, 1, 1))
    services.add_party(officer, case, create_person(officer), "victim")
    services.change_status(officer, case, "closed", outcome="resolved", on=date(2018, 1, 1))
    dry = run("retention", "apply", "--dry-run", "--today", "2026-01-01")
    assert "Would anonymise 1 case(s) closed on or before 2020-01-01 and 1 person record(s)" in dry.output
    real = run("retention", "apply", "--today", "2026-01-01", "--years", "6")
    assert "Anonymised 1 case(s)" in real.output
    assert "Anonymised 0 case(s)" in run("retention", "apply", "--today", "2026-01-01").output
