"""Fixtures shared by the whole suite.

- ``shared_data``: the real public files in ``../shared/data`` (skips when absent).
- ``data_dir``: an empty CSP Hub data directory for one test (CSPHUB_DATA_DIR points at it).
- PostgreSQL: when DATABASE_URL names PostgreSQL and the server cannot be reached, the run
  skips, unless CSPHUB_REQUIRE_POSTGRES=1, in which case it fails at once.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


def _postgres_problem(url: str) -> str | None:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            return None
    except psycopg.Error as e:
        return str(e).strip()


def pytest_configure(config: pytest.Config) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    problem = _postgres_problem(url)
    if problem is None:
        return
    if os.environ.get("CSPHUB_REQUIRE_POSTGRES") == "1":
        pytest.exit(f"PostgreSQL required (CSPHUB_REQUIRE_POSTGRES=1) but unreachable: {problem}", 1)
    config.option.markexpr = "postgres_unavailable_skip_all"
    print(f"PostgreSQL unreachable, skipping its run: {problem}")  # noqa: T201


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/django" in str(item.path) and os.environ.get("DATABASE_URL", "").startswith("postgres"):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public files beside the project; skips when ``../shared`` is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent (a fresh clone without ../shared)")
    return SHARED_DATA


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty CSP Hub data directory for one test."""
    directory = tmp_path / "csphub-data"
    directory.mkdir()
    monkeypatch.setenv("CSPHUB_DATA_DIR", str(directory))
    monkeypatch.delenv("CSPHUB_WAREHOUSE", raising=False)
    return directory
