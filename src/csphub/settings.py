"""One typed settings object for everything outside Django.

Read from the environment once; the embedded defaults (a SQLite database and a DuckDB
warehouse file under ``./var``) serve a laptop with no set-up.

Examples:
    >>> import os
    >>> os.environ["CSPHUB_DATA_DIR"] = "/tmp/csphub-example"
    >>> load_settings().warehouse_path.name
    'warehouse.duckdb'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Every environment variable CSP Hub reads, with what it means. ``docs/settings.md``
#: documents each one and ``tests/test_docs.py`` fails when one is missing there.
ENVIRONMENT_VARIABLES: dict[str, str] = {
    "CSPHUB_DATA_DIR": "folder holding the SQLite database and the DuckDB warehouse (default ./var)",
    "CSPHUB_WAREHOUSE": "path of the DuckDB warehouse file (default DATA_DIR/warehouse.duckdb)",
    "DATABASE_URL": "casework database; default sqlite:///DATA_DIR/csphub.sqlite3",
    "CSPHUB_SECRET_KEY": "Django secret key; required in production, generated per data dir otherwise",
    "CSPHUB_ENV": "local (default), test or production: which Django settings module to use",
    "CSPHUB_ALLOWED_HOSTS": "comma-separated host names the web app answers to",
    "CSPHUB_REQUIRE_POSTGRES": "1 makes PostgreSQL tests fail instead of skipping when it is absent",
    "CSPHUB_DEBUG": "1 turns on Django's debug pages (local settings only; never in production)",
    "CSPHUB_SENSITIVE_ROLES": "comma-separated roles cleared to see sensitive vulnerability flags",
    "CSPHUB_RETENTION_YEARS": "years after closing before `csphub retention apply` anonymises a case",
    "CSPHUB_REPEAT_THRESHOLD": "incidents within the window that make a repeat victim/subject/location",
    "CSPHUB_REPEAT_WINDOW_DAYS": "days in the repeat window",
    "CSPHUB_CPN_FIXED_PENALTY": "fixed penalty for breaching a Community Protection Notice, GBP (max 100)",
    "CSPHUB_PSPO_FIXED_PENALTY": "fixed penalty for breaching a PSPO, GBP (max 100)",
    "CSPHUB_CASE_REVIEW_COMPLAINTS": "complaints that meet the ASB Case Review threshold",
    "CSPHUB_CASE_REVIEW_WINDOW_MONTHS": "months within which those complaints must fall",
    "CSPHUB_CASE_REVIEW_HATE_COMPLAINTS": "lower threshold for hate incidents (unset: none)",
    "CSPHUB_CASE_REVIEW_ACKNOWLEDGE_DAYS": "working days to acknowledge an application",
    "CSPHUB_CASE_REVIEW_DECIDE_DAYS": "working days to decide whether the threshold is met",
    "CSPHUB_CASE_REVIEW_REVIEW_DAYS": "working days to hold the review",
    "CSPHUB_NATION": "ENG or WLS: whose bank holidays count for working-day deadlines",
}


@dataclass(frozen=True)
class Settings:
    """Where CSP Hub keeps its data and which databases it talks to."""

    data_dir: Path
    warehouse_path: Path
    database_url: str
    environment: str

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "csphub.sqlite3"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from the environment (``os.environ`` unless given)."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("CSPHUB_DATA_DIR", "var")).expanduser().resolve()
    warehouse = Path(env.get("CSPHUB_WAREHOUSE", str(data_dir / "warehouse.duckdb")))
    database_url = env.get("DATABASE_URL", f"sqlite:///{data_dir / 'csphub.sqlite3'}")
    environment = env.get("CSPHUB_ENV", "local")
    if environment not in {"local", "test", "production"}:
        raise ValueError(f"CSPHUB_ENV must be local, test or production, not {environment!r}")
    return Settings(
        data_dir=data_dir,
        warehouse_path=warehouse.expanduser().resolve(),
        database_url=database_url,
        environment=environment,
    )
