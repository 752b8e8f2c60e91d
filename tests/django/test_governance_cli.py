"""The governance commands, run in-process against the test database: set a partnership up
from nothing, import its plan, and write the briefing note."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from csphub.cli import main
from csphub.governance.models import Action, Board, CalendarItem, ImportedRow, Workstream

from .factories import create_agency

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_partnership_set_up_from_the_command_line(tmp_path: Path):
    create_agency("Council ASB Team")
    create_agency("Police", "police")
    added = run("board", "add", "Strategic Executive Group", "--short-name", "SEG", "--member", "Police",
                "--item", "Prevent Update=prevent", "--item", "CCTV=cctv", "--item", "CSP Action Plan=action_plan")
    assert added.exit_code == 0, added.output
    board = Board.objects.get(short_name="SEG")
    assert [s.topic for s in board.standing_items.all()] == ["prevent", "cctv", "action_plan"]
    assert run("board", "deadline", "--duty", "sv_needs_assessment", "--due", "2026-01-31", "--board", "SEG").exit_code == 0
    assert CalendarItem.objects.get().recurrence == "yearly"
    unknown = run("board", "add", "X", "--short-name", "X", "--member", "Nobody")
    assert unknown.exit_code == 1 and "No agency called 'Nobody'" in unknown.output

    plan = tmp_path / "plan.csv"
    plan.write_text("priority,objective,reference,action,theme,lead_agency,target,unit,starts_on,due_on\n"
                    "1,Road safety,1.1,Bikeability,Prevent,Council ASB Team,1000,pupils,2025-04-01,2026-03-31\n"
                    "1,Road safety,1.2,Water safety,Prevent,Coastguard,12,events,,\n", encoding="utf-8")
    missing = run("plan", "import", plan, "--plan", "CSP Plan")
    assert missing.exit_code == 1 and "No plan 'CSP Plan'" in missing.output
    loaded = run("plan", "import", plan, "--plan", "CSP Plan", "--create", "--starts", "2024-04-01", "--ends", "2028-03-31")
    assert loaded.exit_code == 0 and "1 actions added, 0 changed, 1 rows quarantined" in loaded.output
    assert "plan.csv, line 3, field 'lead_agency': got 'Coastguard'" in loaded.output
    assert Action.objects.count() == 1 and ImportedRow.objects.count() == 1
    assert "Coastguard" in run("plan", "quarantine", "--format", "csv").output

    grant = run("grant", "add", "--fund", "Safer Streets", "--round", "5", "--amount", "190000", "--starts", "2025-04-01",
                "--ends", "2026-09-30", "--lead", "Council ASB Team")
    assert grant.exit_code == 0 and grant.output.startswith("Added grant ")
    grant_id = grant.output.split()[2].rstrip(":")
    assert run("grant", "workstream", "--grant", grant_id, "--title", "Door staff training", "--budget", "12000",
               "--output", "6", "--output-unit", "training courses").exit_code == 0
    assert Workstream.objects.get().planned_output == 6
    assert run("grant", "return", "--grant", grant_id, "--out", tmp_path / "return.xlsx").exit_code == 0

    bad = run("paper", "briefing", "--from", "2025-09", "--to", "2025-04")
    assert bad.exit_code == 2 and "before it starts" in bad.output
    wrote = run("paper", "briefing", "--from", "2025-04", "--to", "2025-09", "--board", "SEG", "--out", tmp_path / "out")
    assert wrote.exit_code == 0, wrote.output
    text = "\n".join(p.text for p in Document(str(tmp_path / "out" / "briefing.docx")).paragraphs)
    assert "The Strategic Executive Group (SEG) has not met in the period." in text
    assert "Of the 1 actions in the CSP Plan, 0 are green, 0 amber and 0 red" in text
    assert (tmp_path / "out" / "briefing.pdf").read_bytes().startswith(b"%PDF")
    progress = run("plan", "progress", "--plan", "CSP Plan", "--format", "markdown")
    assert progress.output.startswith("## Priority 1\n- 1 actions: 0 green, 0 amber, 0 red, 1 without an update.")
