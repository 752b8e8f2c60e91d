"""The examples in the encampment, PSPO and penalty-cap rules' docstrings hold (plain Python)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["csphub.encampments.rules", "csphub.pspo.rules", "csphub.core.penalties"])
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0, f"{result.failed} of {result.attempted} failed in {name}"


def test_the_rules_import_no_django():
    import subprocess
    import sys

    code = ("import sys, csphub.encampments.rules, csphub.pspo.rules, csphub.core.penalties\n"
            "print(','.join(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
