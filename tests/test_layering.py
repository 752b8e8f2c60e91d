"""Analytics is plain Python: importing any analytics module must not import Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import csphub.analytics


def test_analytics_modules_do_not_import_django():
    names = [m.name for m in pkgutil.walk_packages(csphub.analytics.__path__, "csphub.analytics.")]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"analytics imported Django: {result.stdout}"
    assert "csphub.analytics.warehouse" in names


def test_the_import_contracts_hold():
    """cli > web > domain apps > access > accounts, audit, core (pyproject.toml [tool.importlinter]):
    a domain importing the web layer, or access importing a domain's services, fails here."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--config", str(root / "pyproject.toml")], capture_output=True, text=True,
                            cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


# Filtering records by agency or by role is csphub.access's job alone.
AGENCY_FILTERS = ("lead_agency_id=", "lead_agency=", "agencies__id", "members__id", "to_agency_id=",
                  "received_by_agency_id=", "recorded_by_agency_id=", "Role.OFFICER", "Role.SUPERVISOR",
                  "Role.ANALYST", ".role in", "role_of(")


def test_nothing_outside_access_filters_by_agency_or_role():
    """Outside csphub.access (and the accounts app that stores memberships), no module filters a
    query by agency or decides by role; the few that must (demo data, task owners' choices on a
    form, supervisors alerted) are listed here on purpose."""
    from pathlib import Path

    src = Path(csphub.analytics.__file__).resolve().parent.parent
    allowed = {"access", "accounts", "migrations", "analytics", "linkage"}
    on_purpose = {
        "casework/demo.py", "panels/demo.py",  # building the fictional partnership
        "casework/forms.py",  # the task owner and lead officer pickers list officers of the case's agencies
        "casework/services.py",  # high risk alerts the lead agency's supervisors (a notification, not a read)
        "cli/casework.py",  # csphub user/agency commands (system administration)
        "casework/retention.py", "panels/retention.py", "casereview/retention.py",  # system job over all records
    }
    found = []
    for path in src.rglob("*.py"):
        rel = path.relative_to(src).as_posix()
        if rel.split("/")[0] in allowed or "migrations" in rel or rel in on_purpose:
            continue
        text = path.read_text()
        found += [f"{rel}: {needle}" for needle in AGENCY_FILTERS if needle in text]
    assert found == [], "filter by agency or role outside csphub.access: " + ", ".join(found)
