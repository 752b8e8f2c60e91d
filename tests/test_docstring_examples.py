"""Every example in the docstrings of the plain-Python modules (no Django) still holds."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import csphub.analytics
import csphub.linkage

PLAIN = ["csphub.change", "csphub.dates", "csphub.errors", "csphub.spreadsheets", "csphub.casework.rules",
         "csphub.casereview.rules", "csphub.casereview.deadlines", "csphub.panels.harm"]
for package in (csphub.analytics, csphub.linkage):
    PLAIN += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]




def _has_examples(name: str) -> bool:
    tests = doctest.DocTestFinder().find(importlib.import_module(name))
    return any(t.examples for t in tests)


WITH_EXAMPLES = sorted(name for name in PLAIN if _has_examples(name))


def test_the_core_modules_have_examples():
    assert {"csphub.change", "csphub.dates", "csphub.casework.rules"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
