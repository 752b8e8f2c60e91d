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
