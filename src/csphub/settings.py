"""One typed settings object: every environment variable CSP Hub reads is parsed here.

Read from the environment once; the embedded defaults (a SQLite database and a DuckDB
warehouse file under ``./var``) serve a laptop with no set-up. A bad value stops the program
with a :class:`~csphub.errors.ConfigurationError` naming the variable, the value and what is
expected. An empty value counts as unset. Django's settings modules
(``csphub.config.settings``) read their values from here, never from ``os.environ``.

Examples:
    >>> settings = load_settings({"CSPHUB_DATA_DIR": "/tmp/csphub-example"})
    >>> settings.warehouse_path.name, settings.retention_years, settings.sensitive_roles
    ('warehouse.duckdb', 6, ('officer', 'supervisor'))
    >>> load_settings({"CSPHUB_RETENTION_YEARS": "six"})
    Traceback (most recent call last):
    ...
    csphub.errors.ConfigurationError: CSPHUB_RETENTION_YEARS='six': expected a whole number of years from 1 to 100
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path

from csphub.errors import ConfigurationError

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
    "CSPHUB_CPN_FIXED_PENALTY": "fixed penalty for breaching a Community Protection Notice, GBP (max 100, "
                                "or the highest cap CSPHUB_PENALTY_CAPS sets)",
    "CSPHUB_PSPO_FIXED_PENALTY": "fixed penalty for breaching a PSPO, GBP (max 100, or the highest cap "
                                 "CSPHUB_PENALTY_CAPS sets)",
    "CSPHUB_PENALTY_CAPS": "new maximum fixed penalties once the law changes them: kind:YYYY-MM-DD:amount, "
                           "comma separated (e.g. pspo:2026-06-01:500,cpn:2026-06-01:500)",
    "CSPHUB_PENALTY_PAYMENT_DAYS": "days after issue a fixed penalty (CPN or PSPO) is due by (at least 14, the law's)",
    "CSPHUB_PENALTY_EARLY_PAYMENT_DAYS": "days after issue within which a notice's lesser early-payment amount may "
                                         "be paid (at most CSPHUB_PENALTY_PAYMENT_DAYS)",
    "CSPHUB_CASE_REVIEW_COMPLAINTS": "complaints that meet the ASB Case Review threshold",
    "CSPHUB_CASE_REVIEW_WINDOW_MONTHS": "months within which those complaints must fall",
    "CSPHUB_CASE_REVIEW_HATE_COMPLAINTS": "lower threshold for hate incidents (unset: none)",
    "CSPHUB_CASE_REVIEW_ACKNOWLEDGE_DAYS": "working days to acknowledge an application",
    "CSPHUB_CASE_REVIEW_DECIDE_DAYS": "working days to decide whether the threshold is met",
    "CSPHUB_CASE_REVIEW_REVIEW_DAYS": "working days to hold the review",
    "CSPHUB_NATION": "ENG or WLS: whose bank holidays count for working-day deadlines",
    "CSPHUB_TRUSTED_PROXIES": "comma-separated IP addresses of the reverse proxies (TLS terminators) "
                              "whose X-Forwarded-Proto/For headers are believed; others' are dropped",
    "CSPHUB_ARCHIVE_MAX_MB": "most megabytes one police.uk load extracts from archives (zip bombs)",
    "CSPHUB_ARCHIVE_MAX_FILES": "most police.uk files one load extracts from archives",
    "CSPHUB_LOAD_WAIT_SECONDS": "seconds a load waits for another load to finish (0: stop at once)",
    "CSPHUB_UPLOAD_MAX_MB": "largest file an officer may attach to a case, in MB (refused while it streams in)",
    "CSPHUB_CLAMD_SOCKET": "path of ClamAV clamd's unix socket: uploads are scanned there",
    "CSPHUB_CLAMD_ADDRESS": "host:port of ClamAV clamd's TCP socket (instead of CSPHUB_CLAMD_SOCKET)",
    "CSPHUB_MFA": "required (default) or off: a code from an authenticator app at sign-in (off refused in production)",
    "CSPHUB_TOKEN_DAYS": "days an API token lasts unless made with another expiry",
    "CSPHUB_AREA_NAMES": "comma-separated place names of the partnership's area that passwords may not contain",
    # Email (the inbox's notifications): printed to the console unless CSPHUB_EMAIL_HOST is set.
    "CSPHUB_EMAIL_HOST": "SMTP server that sends CSP Hub's emails (unset: emails are printed to the console)",
    "CSPHUB_EMAIL_PORT": "SMTP port (default 587, with STARTTLS; 465: TLS from the start)",
    "CSPHUB_EMAIL_USER": "user name to sign in to the SMTP server (unset: no sign-in)",
    "CSPHUB_EMAIL_PASSWORD": "password to sign in to the SMTP server",
    "CSPHUB_EMAIL_FROM": "the From address of CSP Hub's emails (default CSP Hub <csphub@localhost>)",
    "CSPHUB_SITE_URL": "the address users open CSP Hub at, for links in emails (default http://localhost:8000)",
    "CSPHUB_ENCAMPMENT_PROCEDURE": "the council's encampment timetable in working days after arrival: "
                                   "step:days, comma separated (e.g. welfare_check:1,s77:1,s78:2,removal:3)",
}

#: Which Django settings module ``CSPHUB_ENV`` may choose (``csphub.config.settings.<env>``).
ENVIRONMENTS = ("local", "test", "production")
#: The roles of ``csphub.accounts.models.Role`` (kept here because settings load before Django).
ROLE_NAMES = ("officer", "supervisor", "analyst", "agency_admin", "partnership_admin")
#: Whose bank holidays the case review's working-day deadlines skip.
NATIONS = {"ENG": "England", "WLS": "Wales"}
#: The casework databases CSP Hub runs on.
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql")


@dataclass(frozen=True)
class Settings:
    """Where CSP Hub keeps its data, which databases it talks to, and the partnership's choices.

    The paths and the database URL depend on the data directory, so :func:`load_settings`
    works them out; every other field's default here is the default of its variable.
    """

    data_dir: Path
    warehouse_path: Path
    database_url: str = field(repr=False)  # may hold a password
    #: True when DATABASE_URL was given (production refuses the embedded SQLite default).
    database_url_set: bool = False
    environment: str = "local"
    #: None when CSPHUB_SECRET_KEY is unset (production then refuses to start).
    secret_key: str | None = field(default=None, repr=False)
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1")
    debug: bool = False
    require_postgres: bool = False
    sensitive_roles: tuple[str, ...] = ("officer", "supervisor")
    retention_years: int = 6
    repeat_threshold: int = 3
    repeat_window_days: int = 365
    cpn_fixed_penalty: int = 100
    pspo_fixed_penalty: int = 100
    #: Caps the law sets after the 2014 Act's GBP 100 (csphub.core.penalties adds them to its
    #: table): (kind, in force from, maximum), e.g. the Crime and Policing Bill's GBP 500 once
    #: commenced. Offences before the date keep the old cap.
    penalty_caps: tuple[tuple[str, date, int], ...] = ()
    #: Days after issue a fixed penalty is due by (2014 Act ss52(2), 68(2): no fewer than 14).
    penalty_payment_days: int = 14
    #: Days after issue within which a notice's lesser early-payment amount may be paid (the
    #: period the partnership's notices state; at most penalty_payment_days).
    penalty_early_payment_days: int = 10
    case_review_complaints: int = 3
    case_review_window_months: int = 6
    #: None: the partnership has no lower threshold for hate incidents.
    case_review_hate_complaints: int | None = None
    case_review_acknowledge_days: int = 5
    case_review_decide_days: int = 10
    case_review_review_days: int = 25
    nation: str = "ENG"
    #: Reverse proxies whose X-Forwarded-* headers are believed (docs/deployment.md).
    trusted_proxies: tuple[str, ...] = ()
    #: Limits on what one ``csphub ingest police-uk`` extracts from archives (a national
    #: 36-month data.police.uk archive holds about 4,800 files and under 10 GB).
    archive_max_mb: int = 20_000
    archive_max_files: int = 20_000
    #: 0: a load finding another load running stops at once, saying which.
    load_wait_seconds: int = 0
    #: Uploads (csphub.core.uploads): the size limit in MB of 1,048,576 bytes, and where ClamAV's
    #: clamd listens (neither: files are stored marked "not scanned").
    upload_max_mb: int = 20
    clamd_socket: str | None = None
    clamd_address: tuple[str, int] | None = None
    #: Accounts (csphub.accounts): two-factor sign-in (per agency too), API tokens' lifetime,
    #: and the place names passwords may not contain.
    mfa_required: bool = True
    token_days: int = 90
    area_names: tuple[str, ...] = ("riverford", "aldshire", "medway", "kent")
    #: Email (csphub.inbox's notifications): SMTP when a host is set, else the console.
    email_host: str | None = None
    email_port: int = 587
    email_user: str = ""
    email_password: str = field(default="", repr=False)
    email_from: str = "CSP Hub <csphub@localhost>"
    #: Where users open CSP Hub: the links in emails (no trailing slash).
    site_url: str = "http://localhost:8000"
    #: The council's encampment timetable (csphub.encampments.rules.Procedure): the steps it
    #: changes from the defaults, as (step, working days after arrival).
    encampment_procedure: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        _check_penalties(self)
        _check_case_review(self)
        _check_clamd(self)
        _check_mfa(self)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "csphub.sqlite3"


# ---- Parsers: each takes the (stripped, non-empty) text and raises ValueError(expected) ----

def _whole_number(low: int, high: int, unit: str) -> Callable[[str], int]:
    expected = f"a whole number of {unit} from {low} to {high}"

    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,9}", text) or not low <= int(text) <= high:
            raise ValueError(expected)
        return int(text)

    return parse


def _flag(text: str) -> bool:
    answers = {"1": True, "true": True, "0": False, "false": False}
    if text.lower() not in answers:
        raise ValueError("1 or true (on), 0 or false (off)")
    return answers[text.lower()]


def _one_of(choices: Mapping[str, str] | tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            if isinstance(choices, Mapping):
                raise ValueError(" or ".join(f"{code} ({name})" for code, name in choices.items()))
            raise ValueError(", ".join(choices[:-1]) + f" or {choices[-1]}")
        return text

    return parse


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _roles(text: str) -> tuple[str, ...]:
    roles = _items(text)
    unknown = [role for role in roles if role not in ROLE_NAMES]
    if unknown or not roles:
        got = f" (unknown: {', '.join(unknown)})" if unknown else ""
        raise ValueError(f"comma-separated roles from {', '.join(ROLE_NAMES)}{got}")
    return roles


def _hosts(text: str) -> tuple[str, ...]:
    hosts = _items(text)
    if not hosts or any(re.search(r"\s|/", host) for host in hosts):
        raise ValueError("comma-separated host names, e.g. csphub.example.gov.uk,localhost "
                         "(no scheme, path or spaces)")
    return hosts


def _addresses(text: str) -> tuple[str, ...]:
    import ipaddress

    found = _items(text)
    try:
        return tuple(str(ipaddress.ip_address(a)) for a in found)
    except ValueError as e:
        raise ValueError("comma-separated IP addresses of your reverse proxies, e.g. 127.0.0.1,10.0.0.5") from e


def _socket_path(text: str) -> str:
    if not text.startswith("/"):
        raise ValueError("the absolute path of clamd's unix socket, e.g. /run/clamav/clamd.ctl")
    return text


def _host_port(text: str) -> tuple[str, int]:
    found = re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})", text)
    if not found or not 1 <= int(found[2]) <= 65535:
        raise ValueError("host:port of clamd's TCP socket, e.g. 127.0.0.1:3310 or [::1]:3310")
    return found[1].strip("[]"), int(found[2])


def _database_url(text: str) -> str:
    scheme = text.split("://", 1)[0] if "://" in text else ""
    if scheme not in DATABASE_SCHEMES:
        raise ValueError("a database URL starting sqlite:// or postgres://, "
                         "e.g. postgres://user:password@host:5432/csphub")
    return text


def _text(text: str) -> str:
    return text


def _host(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]", text):
        raise ValueError("the SMTP server's host name or address, e.g. smtp.example.gov.uk (no scheme or port)")
    return text.strip("[]")


def _user_name(text: str) -> str:
    if re.search(r"\s", text):
        raise ValueError("a user name without spaces, e.g. csphub@example.gov.uk")
    return text


def _from_address(text: str) -> str:
    if not re.fullmatch(r"[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+|[^<>@]*<[^<>@\s]+@[^<>@\s]+>", text):
        raise ValueError("an email address, e.g. csphub@example.gov.uk or CSP Hub <csphub@example.gov.uk>")
    return text


def _site_url(text: str) -> str:
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s?#]*)?", text):
        raise ValueError("the address users open CSP Hub at, e.g. https://csphub.example.gov.uk")
    return text.rstrip("/")


def _mfa(text: str) -> bool:
    if text.lower() not in ("required", "off"):
        raise ValueError("required or off")
    return text.lower() == "required"


def _place_names(text: str) -> tuple[str, ...]:
    names = tuple(re.sub(r"[^a-z]", "", name.lower()) for name in _items(text))
    if not names or any(len(name) < 3 for name in names):
        raise ValueError("comma-separated place names of 3 or more letters, e.g. riverford,aldshire,kent")
    return names


#: The encampment steps a council may time (csphub.encampments.rules.Procedure's fields, kept
#: here because settings load before Django), with their defaults in working days.
ENCAMPMENT_STEPS = {"welfare_check": 1, "s77": 1, "s78": 2, "removal": 3}


def _encampment_procedure(text: str) -> tuple[tuple[str, int], ...]:
    expected = ("comma-separated step:days with step one of " + ", ".join(ENCAMPMENT_STEPS)
                + " and a whole number of working days from 0 to 60, each step at most once, "
                  "e.g. s77:2,s78:4,removal:5")
    found: dict[str, int] = {}
    for item in _items(text):
        step, _, days = item.partition(":")
        step = step.strip()
        if step not in ENCAMPMENT_STEPS or step in found or not re.fullmatch(r"[0-9]{1,2}", days.strip()) \
                or int(days) > 60:
            raise ValueError(expected)
        found[step] = int(days)
    if not found:
        raise ValueError(expected)
    timetable = {**ENCAMPMENT_STEPS, **found}
    if not timetable["s77"] <= timetable["s78"] <= timetable["removal"]:
        raise ValueError(expected + "; and in order: s77 <= s78 <= removal (with the defaults "
                         + ", ".join(f"{k}:{v}" for k, v in ENCAMPMENT_STEPS.items()) + " for steps not given)")
    return tuple(found.items())


PENALTY_KINDS = ("pspo", "cpn")
#: The 2014 Act's cap (ss52(6), 68(6)), the first row of csphub.core.penalties' dated table
#: (which reads it from here: settings sits below core and checks amounts against it).
ACT_2014_CAP = 100


def _penalty_caps(text: str) -> tuple[tuple[str, date, int], ...]:
    expected = ("comma-separated kind:YYYY-MM-DD:amount with kind pspo or cpn, a date from 2014-10-21 and a "
                "whole number of pounds 1 to 10000, e.g. pspo:2026-06-01:500")
    found = []
    for item in _items(text):
        parts = item.split(":")
        if len(parts) != 3 or parts[0] not in PENALTY_KINDS or not re.fullmatch(r"[0-9]{1,5}", parts[2]):
            raise ValueError(expected)
        try:
            day = date.fromisoformat(parts[1])
        except ValueError as e:
            raise ValueError(expected) from e
        if day <= date(2014, 10, 20) or not 1 <= int(parts[2]) <= 10_000:
            raise ValueError(expected)
        found.append((parts[0], day, int(parts[2])))
    if not found:
        raise ValueError(expected)
    return tuple(found)


#: variable -> (Settings field, parser). The paths (CSPHUB_DATA_DIR, CSPHUB_WAREHOUSE) and the
#: database URL's default are worked out in load_settings.
PARSERS: dict[str, tuple[str, Callable[[str], object]]] = {
    "DATABASE_URL": ("database_url", _database_url),
    "CSPHUB_SECRET_KEY": ("secret_key", _text),
    "CSPHUB_ENV": ("environment", _one_of(ENVIRONMENTS)),
    "CSPHUB_ALLOWED_HOSTS": ("allowed_hosts", _hosts),
    "CSPHUB_DEBUG": ("debug", _flag),
    "CSPHUB_REQUIRE_POSTGRES": ("require_postgres", _flag),
    "CSPHUB_SENSITIVE_ROLES": ("sensitive_roles", _roles),
    "CSPHUB_RETENTION_YEARS": ("retention_years", _whole_number(1, 100, "years")),
    "CSPHUB_REPEAT_THRESHOLD": ("repeat_threshold", _whole_number(2, 100, "incidents")),
    "CSPHUB_REPEAT_WINDOW_DAYS": ("repeat_window_days", _whole_number(1, 3660, "days")),
    # Anti-social Behaviour, Crime and Policing Act 2014 ss52(6), 68(6): at most GBP 100.
    # (or the highest cap CSPHUB_PENALTY_CAPS sets once the law raises it: _check_penalties).
    "CSPHUB_CPN_FIXED_PENALTY": ("cpn_fixed_penalty", _whole_number(0, 10_000, "pounds")),
    "CSPHUB_PSPO_FIXED_PENALTY": ("pspo_fixed_penalty", _whole_number(0, 10_000, "pounds")),
    "CSPHUB_PENALTY_CAPS": ("penalty_caps", _penalty_caps),
    "CSPHUB_PENALTY_PAYMENT_DAYS": ("penalty_payment_days", _whole_number(14, 90, "days")),
    "CSPHUB_PENALTY_EARLY_PAYMENT_DAYS": ("penalty_early_payment_days", _whole_number(1, 90, "days")),
    "CSPHUB_CASE_REVIEW_COMPLAINTS": ("case_review_complaints", _whole_number(1, 100, "complaints")),
    "CSPHUB_CASE_REVIEW_WINDOW_MONTHS": ("case_review_window_months", _whole_number(1, 120, "months")),
    "CSPHUB_CASE_REVIEW_HATE_COMPLAINTS": ("case_review_hate_complaints",
                                           _whole_number(1, 100, "complaints")),
    "CSPHUB_CASE_REVIEW_ACKNOWLEDGE_DAYS": ("case_review_acknowledge_days",
                                            _whole_number(1, 365, "working days")),
    "CSPHUB_CASE_REVIEW_DECIDE_DAYS": ("case_review_decide_days", _whole_number(1, 365, "working days")),
    "CSPHUB_CASE_REVIEW_REVIEW_DAYS": ("case_review_review_days", _whole_number(1, 365, "working days")),
    "CSPHUB_NATION": ("nation", _one_of(NATIONS)),
    "CSPHUB_TRUSTED_PROXIES": ("trusted_proxies", _addresses),
    "CSPHUB_ARCHIVE_MAX_MB": ("archive_max_mb", _whole_number(0, 10_000_000, "megabytes")),
    "CSPHUB_ARCHIVE_MAX_FILES": ("archive_max_files", _whole_number(0, 10_000_000, "files")),
    "CSPHUB_LOAD_WAIT_SECONDS": ("load_wait_seconds", _whole_number(0, 86_400, "seconds")),
    "CSPHUB_UPLOAD_MAX_MB": ("upload_max_mb", _whole_number(1, 1000, "megabytes")),
    "CSPHUB_CLAMD_SOCKET": ("clamd_socket", _socket_path),
    "CSPHUB_CLAMD_ADDRESS": ("clamd_address", _host_port),
    "CSPHUB_MFA": ("mfa_required", _mfa),
    "CSPHUB_TOKEN_DAYS": ("token_days", _whole_number(1, 366, "days")),
    "CSPHUB_AREA_NAMES": ("area_names", _place_names),
    "CSPHUB_EMAIL_HOST": ("email_host", _host),
    "CSPHUB_EMAIL_PORT": ("email_port", _whole_number(1, 65535, "port")),
    "CSPHUB_EMAIL_USER": ("email_user", _user_name),
    "CSPHUB_EMAIL_PASSWORD": ("email_password", _text),
    "CSPHUB_EMAIL_FROM": ("email_from", _from_address),
    "CSPHUB_SITE_URL": ("site_url", _site_url),
    "CSPHUB_ENCAMPMENT_PROCEDURE": ("encampment_procedure", _encampment_procedure),
}


def _check_penalties(settings: Settings) -> None:
    """The amount charged is at most the highest cap the law has set (the cap on the offence
    date is checked on each notice)."""
    for name, kind, amount in (("CSPHUB_CPN_FIXED_PENALTY", "cpn", settings.cpn_fixed_penalty),
                               ("CSPHUB_PSPO_FIXED_PENALTY", "pspo", settings.pspo_fixed_penalty)):
        highest = max([ACT_2014_CAP] + [cap for k, _, cap in settings.penalty_caps if k == kind])
        if amount > highest:
            raise ConfigurationError(
                f"{name}='{amount}': expected a whole number of pounds from 0 to {highest}, the highest cap "
                "in law (CSPHUB_PENALTY_CAPS adds a new one once the law changes)")
    if settings.penalty_early_payment_days > settings.penalty_payment_days:
        raise ConfigurationError(
            f"CSPHUB_PENALTY_EARLY_PAYMENT_DAYS='{settings.penalty_early_payment_days}': expected at most "
            f"CSPHUB_PENALTY_PAYMENT_DAYS ({settings.penalty_payment_days}): the early-payment period ends "
            "on or before the day the penalty is due")


def _check_case_review(settings: Settings) -> None:
    """The hate threshold is the lower one; the deadlines, all counted from receipt, come in order."""
    hate = settings.case_review_hate_complaints
    if hate is not None and hate > settings.case_review_complaints:
        raise ConfigurationError(
            f"CSPHUB_CASE_REVIEW_HATE_COMPLAINTS='{hate}': expected at most "
            f"CSPHUB_CASE_REVIEW_COMPLAINTS ({settings.case_review_complaints}), since it is the "
            "lower threshold for hate incidents")
    steps = [("CSPHUB_CASE_REVIEW_ACKNOWLEDGE_DAYS", settings.case_review_acknowledge_days),
             ("CSPHUB_CASE_REVIEW_DECIDE_DAYS", settings.case_review_decide_days),
             ("CSPHUB_CASE_REVIEW_REVIEW_DAYS", settings.case_review_review_days)]
    for (before, earlier), (name, days) in pairwise(steps):
        if days < earlier:
            raise ConfigurationError(
                f"{name}='{days}': expected at least {before} ({earlier}); the deadlines are "
                "all counted from receipt, so each comes no earlier than the one before")


def _check_clamd(settings: Settings) -> None:
    if settings.clamd_socket is not None and settings.clamd_address is not None:
        raise ConfigurationError(
            f"CSPHUB_CLAMD_ADDRESS='{settings.clamd_address[0]}:{settings.clamd_address[1]}': expected "
            f"CSPHUB_CLAMD_SOCKET ({settings.clamd_socket!r}) or CSPHUB_CLAMD_ADDRESS, not both: "
            "clamd is reached one way")


def _check_mfa(settings: Settings) -> None:
    if settings.environment == "production" and not settings.mfa_required:
        raise ConfigurationError(
            "CSPHUB_MFA='off': expected required in production (CSPHUB_ENV=production); two-factor "
            "sign-in may be turned off only on a laptop or in tests, or per agency by an admin")


def _shown(text: str) -> str:
    """The value as an error message may show it: a database URL's password hidden."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", text)


def _given(env: Mapping[str, str], name: str) -> str | None:
    """The variable's value, stripped; None when it is unset or empty."""
    value = env.get(name, "").strip()
    return value or None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from the environment (``os.environ`` unless given).

    Raises ConfigurationError naming the first variable whose value is wrong.
    """
    env = os.environ if environ is None else environ
    data_dir = Path(_given(env, "CSPHUB_DATA_DIR") or "var").expanduser().resolve()
    warehouse = Path(_given(env, "CSPHUB_WAREHOUSE") or data_dir / "warehouse.duckdb")
    values: dict[str, object] = {
        "data_dir": data_dir,
        "warehouse_path": warehouse.expanduser().resolve(),
        "database_url": f"sqlite:///{data_dir / 'csphub.sqlite3'}",
        "database_url_set": _given(env, "DATABASE_URL") is not None,
    }
    for name, (attribute, parse) in PARSERS.items():
        text = _given(env, name)
        if text is None:
            continue
        try:
            values[attribute] = parse(text)
        except ValueError as e:
            raise ConfigurationError(f"{name}={_shown(text)!r}: expected {e}") from e
    return Settings(**values)  # type: ignore[arg-type]
