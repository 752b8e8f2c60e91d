"""Settings fail fast: every variable is parsed in csphub.settings, a bad value is refused by name.

The command-line tests run the real ``csphub`` script in a subprocess, as a user would.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import csphub.settings
from csphub.casereview.deadlines import NATIONS
from csphub.errors import ConfigurationError
from csphub.settings import ENVIRONMENT_VARIABLES, PARSERS, ROLE_NAMES, load_settings

from .conftest import PROJECT_ROOT

CSPHUB = Path(sys.executable).parent / "csphub"

# variable -> a value it must refuse
BAD_VALUES = {
    "DATABASE_URL": "mysql://casework@db/csphub",
    "CSPHUB_ENV": "prod",
    "CSPHUB_ALLOWED_HOSTS": "https://csphub.example.gov.uk/",
    "CSPHUB_DEBUG": "yes",
    "CSPHUB_REQUIRE_POSTGRES": "2",
    "CSPHUB_SENSITIVE_ROLES": "officer,superintendent",
    "CSPHUB_RETENTION_YEARS": "six",
    "CSPHUB_REPEAT_THRESHOLD": "1",
    "CSPHUB_REPEAT_WINDOW_DAYS": "0",
    "CSPHUB_CPN_FIXED_PENALTY": "150",
    "CSPHUB_PSPO_FIXED_PENALTY": "-5",
    "CSPHUB_PENALTY_CAPS": "pspo:2026-13-01:500",
    "CSPHUB_PENALTY_PAYMENT_DAYS": "13",
    "CSPHUB_PENALTY_EARLY_PAYMENT_DAYS": "0",
    "CSPHUB_CASE_REVIEW_COMPLAINTS": "3.5",
    "CSPHUB_CASE_REVIEW_WINDOW_MONTHS": "half a year",
    "CSPHUB_CASE_REVIEW_HATE_COMPLAINTS": "0",
    "CSPHUB_CASE_REVIEW_ACKNOWLEDGE_DAYS": "five",
    "CSPHUB_CASE_REVIEW_DECIDE_DAYS": "1e1",
    "CSPHUB_CASE_REVIEW_REVIEW_DAYS": "400",
    "CSPHUB_NATION": "SCT",
    "CSPHUB_TRUSTED_PROXIES": "proxy.example.gov.uk",
    "CSPHUB_ARCHIVE_MAX_MB": "20 GB",
    "CSPHUB_ARCHIVE_MAX_FILES": "-1",
    "CSPHUB_LOAD_WAIT_SECONDS": "1.5",
    "CSPHUB_UPLOAD_MAX_MB": "20MB",
    "CSPHUB_CLAMD_SOCKET": "clamd.ctl",
    "CSPHUB_CLAMD_ADDRESS": "127.0.0.1",
    "CSPHUB_MFA": "optional",
    "CSPHUB_TOKEN_DAYS": "90d",
    "CSPHUB_AREA_NAMES": "ab,riverford",
    "CSPHUB_EMAIL_HOST": "smtp://mail.example.gov.uk",
    "CSPHUB_EMAIL_PORT": "70000",
    "CSPHUB_EMAIL_USER": "csp hub",
    "CSPHUB_EMAIL_FROM": "noreply",
    "CSPHUB_SITE_URL": "csphub.example.gov.uk",
    "CSPHUB_ENCAMPMENT_PROCEDURE": "s77:2,s78:1",
}


def test_every_variable_is_parsed_in_one_place():
    # The data directory and the warehouse are paths (anything goes); every other one has a parser.
    assert set(ENVIRONMENT_VARIABLES) == {*PARSERS, "CSPHUB_DATA_DIR", "CSPHUB_WAREHOUSE"}
    # Only the secret key and the SMTP password (any text) have no value to refuse.
    assert set(BAD_VALUES) == set(PARSERS) - {"CSPHUB_SECRET_KEY", "CSPHUB_EMAIL_PASSWORD"}


def test_no_module_but_csphub_settings_reads_the_variables():
    names = "|".join(map(re.escape, ENVIRONMENT_VARIABLES))
    reads = re.compile(rf"(environ|getenv)\W.*\b({names})\b")
    src = PROJECT_ROOT / "src" / "csphub"
    offenders = []
    for path in sorted(src.rglob("*.py")):
        if path == src / "settings.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if reads.search(line):
                offenders.append(f"{path.relative_to(src)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize(("name", "value"), sorted(BAD_VALUES.items()))
def test_a_bad_value_is_refused_naming_the_variable_and_the_value(name, value):
    with pytest.raises(ConfigurationError) as error:
        load_settings({name: value})
    assert str(error.value).startswith(f"{name}={value!r}: expected ")


def test_the_message_says_what_is_expected():
    with pytest.raises(ConfigurationError) as error:
        load_settings({"CSPHUB_RETENTION_YEARS": "six"})
    assert str(error.value) == "CSPHUB_RETENTION_YEARS='six': expected a whole number of years from 1 to 100"
    with pytest.raises(ConfigurationError, match=r"\(unknown: superintendent\)"):
        load_settings({"CSPHUB_SENSITIVE_ROLES": "officer,superintendent"})
    with pytest.raises(ConfigurationError, match=r"expected ENG \(England\) or WLS \(Wales\)$"):
        load_settings({"CSPHUB_NATION": "SCT"})


def test_a_bad_database_url_is_shown_without_its_password():
    with pytest.raises(ConfigurationError) as error:
        load_settings({"DATABASE_URL": "mysql://casework:hunter2@db/csphub"})
    assert "DATABASE_URL='mysql://casework:***@db/csphub'" in str(error.value)
    assert "hunter2" not in str(error.value)


def test_the_case_review_settings_must_agree_with_each_other():
    with pytest.raises(ConfigurationError, match=r"^CSPHUB_CASE_REVIEW_HATE_COMPLAINTS='4': expected at most "
                                                 r"CSPHUB_CASE_REVIEW_COMPLAINTS \(3\)"):
        load_settings({"CSPHUB_CASE_REVIEW_HATE_COMPLAINTS": "4"})
    with pytest.raises(ConfigurationError, match=r"^CSPHUB_CASE_REVIEW_REVIEW_DAYS='8': expected at least "
                                                 r"CSPHUB_CASE_REVIEW_DECIDE_DAYS \(10\)"):
        load_settings({"CSPHUB_CASE_REVIEW_REVIEW_DAYS": "8"})


def test_the_early_payment_period_ends_by_the_day_the_penalty_is_due():
    assert load_settings({"CSPHUB_PENALTY_EARLY_PAYMENT_DAYS": "14"}).penalty_early_payment_days == 14
    with pytest.raises(ConfigurationError, match=r"^CSPHUB_PENALTY_EARLY_PAYMENT_DAYS='15': expected at most "
                                                 r"CSPHUB_PENALTY_PAYMENT_DAYS \(14\)"):
        load_settings({"CSPHUB_PENALTY_EARLY_PAYMENT_DAYS": "15"})
    assert load_settings({"CSPHUB_PENALTY_EARLY_PAYMENT_DAYS": "28",
                          "CSPHUB_PENALTY_PAYMENT_DAYS": "28"}).penalty_early_payment_days == 28


def test_an_empty_environment_gives_the_laptop_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings({})
    assert settings.data_dir == tmp_path / "var"
    assert settings.warehouse_path == tmp_path / "var" / "warehouse.duckdb"
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'csphub.sqlite3'}"
    assert settings.sqlite_path == tmp_path / "var" / "csphub.sqlite3"
    assert (settings.environment, settings.secret_key, settings.database_url_set) == ("local", None, False)
    assert settings.allowed_hosts == ("localhost", "127.0.0.1")
    assert (settings.debug, settings.require_postgres) == (False, False)
    assert settings.sensitive_roles == ("officer", "supervisor")
    assert (settings.retention_years, settings.repeat_threshold, settings.repeat_window_days) == (6, 3, 365)
    assert (settings.cpn_fixed_penalty, settings.pspo_fixed_penalty) == (100, 100)
    assert (settings.case_review_complaints, settings.case_review_window_months,
            settings.case_review_hate_complaints) == (3, 6, None)
    assert (settings.case_review_acknowledge_days, settings.case_review_decide_days,
            settings.case_review_review_days) == (5, 10, 25)
    assert settings.nation == "ENG"


def test_good_values_are_parsed_into_their_types(tmp_path):
    settings = load_settings({
        "CSPHUB_DATA_DIR": str(tmp_path),
        "CSPHUB_WAREHOUSE": str(tmp_path / "elsewhere.duckdb"),
        "DATABASE_URL": "postgres://casework:pw@db:5432/csphub",
        "CSPHUB_SECRET_KEY": "not-a-real-key",
        "CSPHUB_ENV": "production",
        "CSPHUB_ALLOWED_HOSTS": "csphub.medway.gov.uk, localhost",
        "CSPHUB_DEBUG": "TRUE",
        "CSPHUB_REQUIRE_POSTGRES": "1",
        "CSPHUB_SENSITIVE_ROLES": " supervisor , partnership_admin ",
        "CSPHUB_RETENTION_YEARS": "7",
        "CSPHUB_REPEAT_THRESHOLD": "2",
        "CSPHUB_REPEAT_WINDOW_DAYS": "90",
        "CSPHUB_CPN_FIXED_PENALTY": "0",
        "CSPHUB_PSPO_FIXED_PENALTY": "75",
        "CSPHUB_CASE_REVIEW_COMPLAINTS": "4",
        "CSPHUB_CASE_REVIEW_WINDOW_MONTHS": "12",
        "CSPHUB_CASE_REVIEW_HATE_COMPLAINTS": "1",
        "CSPHUB_CASE_REVIEW_ACKNOWLEDGE_DAYS": "3",
        "CSPHUB_CASE_REVIEW_DECIDE_DAYS": "3",
        "CSPHUB_CASE_REVIEW_REVIEW_DAYS": "20",
        "CSPHUB_NATION": "WLS",
    })
    assert settings.data_dir == tmp_path.resolve()
    assert settings.warehouse_path == (tmp_path / "elsewhere.duckdb").resolve()
    assert (settings.database_url, settings.database_url_set) == ("postgres://casework:pw@db:5432/csphub", True)
    assert (settings.secret_key, settings.environment) == ("not-a-real-key", "production")
    assert settings.allowed_hosts == ("csphub.medway.gov.uk", "localhost")
    assert (settings.debug, settings.require_postgres) == (True, True)
    assert settings.sensitive_roles == ("supervisor", "partnership_admin")
    assert (settings.retention_years, settings.repeat_threshold, settings.repeat_window_days) == (7, 2, 90)
    assert (settings.cpn_fixed_penalty, settings.pspo_fixed_penalty) == (0, 75)
    assert (settings.case_review_complaints, settings.case_review_window_months,
            settings.case_review_hate_complaints) == (4, 12, 1)
    assert (settings.case_review_acknowledge_days, settings.case_review_decide_days,
            settings.case_review_review_days) == (3, 3, 20)
    assert settings.nation == "WLS"
    assert "pw" not in repr(settings) and "not-a-real-key" not in repr(settings)


def test_an_empty_value_counts_as_unset():
    assert load_settings({"CSPHUB_RETENTION_YEARS": "", "CSPHUB_NATION": "  "}).retention_years == 6
    assert load_settings({"CSPHUB_DEBUG": "0"}).debug is False


def test_the_choices_match_the_roles_and_nations_the_app_knows():
    from csphub.accounts.models import Role

    assert ROLE_NAMES == tuple(Role.values)
    assert load_settings({}).nation in NATIONS
    assert set(csphub.settings.NATIONS) == set(NATIONS)


def test_the_module_examples_hold():
    result = doctest.testmod(csphub.settings, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# ---- As a user meets them: the real command, a clean one-line error --------------------------

def _csphub(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ENVIRONMENT_VARIABLES and k != "DJANGO_SETTINGS_MODULE"}
    env |= {"CSPHUB_DATA_DIR": str(tmp_path / "data"), **variables}
    return subprocess.run([str(CSPHUB), *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_bad_setting_stops_a_command_with_one_line_naming_it(tmp_path):
    result = _csphub(tmp_path, "retention", "apply", "--dry-run", CSPHUB_RETENTION_YEARS="six")
    assert result.returncode == 1
    assert result.stderr.strip() == ("Error: CSPHUB_RETENTION_YEARS='six': expected a whole number of "
                                     "years from 1 to 100")
    assert "Traceback" not in result.stdout + result.stderr


def test_production_without_its_secret_key_stops_with_one_line(tmp_path):
    # Raised while Django imports csphub.config.settings.production, inside django.setup().
    result = _csphub(tmp_path, "retention", "apply", "--dry-run", CSPHUB_ENV="production",
                     DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: CSPHUB_SECRET_KEY must be set in production"
    assert "Traceback" not in result.stderr


def test_the_django_settings_take_their_values_from_csphub_settings(tmp_path):
    code = ("from csphub.config.settings import local as s; "
            "print(s.CSPHUB_RETENTION_YEARS, s.CSPHUB_REPEAT, s.CSPHUB_CASE_REVIEW_THRESHOLD, "
            "s.CSPHUB_SENSITIVE_ROLES, s.CSPHUB_NATION, s.ALLOWED_HOSTS, s.DEBUG, s.SECRET_KEY)")
    env = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT_VARIABLES}
    env |= {"CSPHUB_DATA_DIR": str(tmp_path), "CSPHUB_RETENTION_YEARS": "8", "CSPHUB_REPEAT_THRESHOLD": "4",
            "CSPHUB_CASE_REVIEW_HATE_COMPLAINTS": "1", "CSPHUB_SENSITIVE_ROLES": "supervisor",
            "CSPHUB_NATION": "WLS", "CSPHUB_ALLOWED_HOSTS": "csphub.example.gov.uk", "CSPHUB_DEBUG": "1",
            "CSPHUB_SECRET_KEY": "from-the-environment"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == (
        "8 {'threshold': 4, 'window_days': 365} "
        "{'complaints_required': 3, 'window_months': 6, 'report_within_months': 1, 'hate_complaints_required': 1} "
        "('supervisor',) WLS ['csphub.example.gov.uk'] True from-the-environment")


def test_the_encampment_timetable_names_only_the_steps_it_changes():
    settings = load_settings({"CSPHUB_ENCAMPMENT_PROCEDURE": " s77:2, s78:4 ,removal:5"})
    assert settings.encampment_procedure == (("s77", 2), ("s78", 4), ("removal", 5))
    assert load_settings({}).encampment_procedure == ()


@pytest.mark.parametrize("value", ["s79:2", "s77:2,s77:3", "s77:x", "removal:1", "s78:61", "s77"])
def test_a_wrong_encampment_timetable_is_refused_at_start_up(value):
    # removal:1 puts removal before the default s78 (day 2): out of order.
    with pytest.raises(ConfigurationError, match="CSPHUB_ENCAMPMENT_PROCEDURE"):
        load_settings({"CSPHUB_ENCAMPMENT_PROCEDURE": value})


def test_the_encampment_steps_defaults_are_the_procedures_own():
    from csphub.config.settings.common import _ENCAMPMENT_FIELDS
    from csphub.encampments.rules import Procedure
    from csphub.settings import ENCAMPMENT_STEPS

    default = Procedure()
    assert set(_ENCAMPMENT_FIELDS) == set(ENCAMPMENT_STEPS)
    assert {step: getattr(default, name) for step, name in _ENCAMPMENT_FIELDS.items()} == ENCAMPMENT_STEPS
