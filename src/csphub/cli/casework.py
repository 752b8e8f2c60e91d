"""Casework commands: agencies, users, API tokens, the web server, statistics, retention, audit.

These start Django (the casework database: SQLite under CSPHUB_DATA_DIR by default, or
DATABASE_URL), bringing its schema up to date first.
"""

from __future__ import annotations

import json
import secrets
from datetime import date

import click

from ._common import emit


def _django() -> None:
    from csphub.django_setup import setup_django

    setup_django(migrate=True)


ROLES = ["officer", "supervisor", "analyst", "agency_admin", "partnership_admin"]


@click.group()
def agency() -> None:
    """Partner agencies: council teams, police, fire, housing providers, probation, health..."""


@agency.command("add")
@click.argument("name")
@click.option("--kind", required=True,
              type=click.Choice(["council", "police", "fire", "housing", "probation", "health", "voluntary", "government"]),
              help="What sort of agency it is.")
def agency_add(name: str, kind: str) -> None:
    """Add an agency called NAME (quote names with spaces)."""
    _django()
    from csphub.accounts.services import add_agency

    created = add_agency(name, kind)
    click.echo(f"Added agency {created.name} ({dict(created.Kind.choices)[created.kind]}).")


@agency.command("list")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              help="Output format.")
def agency_list(output_format: str) -> None:
    """List the agencies and how many users each has."""
    _django()
    from django.db.models import Count

    from csphub.accounts.models import Agency

    rows = [{"name": a["name"], "kind": a["kind"], "users": a["n"]}
            for a in Agency.objects.annotate(n=Count("members")).values("name", "kind", "n")]
    emit(rows, output_format, "Agencies")


@agency.command("set-mfa")
@click.argument("name")
@click.option("--required/--not-required", "required", default=None,
              help="Whether the agency's users must give a code from an authenticator app at sign-in.")
def agency_set_mfa(name: str, required: bool | None) -> None:
    """Require (the default for every agency) or stop requiring two-factor sign-in for NAME's users.
    Users who have set an app up are still asked for a code."""
    if required is None:
        raise click.UsageError("Say --required or --not-required.")
    _django()
    from csphub.accounts.services import find_agency, set_agency_mfa

    found = find_agency(name)
    set_agency_mfa(found, required)
    click.echo(f"{found.name}: two-factor sign-in {'required' if required else 'not required'}.")


@click.group()
def user() -> None:
    """Users of the web app and API, each in one agency with one role."""


@user.command("create")
@click.argument("username")
@click.option("--agency", "agency_name", required=True, help="The user's agency (its name).")
@click.option("--role", required=True, type=click.Choice(ROLES),
              help="officer and supervisor work cases; analyst sees case facts and statistics, not "
                   "people; agency_admin manages its agency's users; partnership_admin manages "
                   "agencies and reads the audit log.")
@click.option("--password", default=None,
              help="The password (12+ characters). Omit to be asked, or use --generate-password.")
@click.option("--generate-password", is_flag=True, help="Make a strong random password and print it once.")
@click.option("--first-name", default="", help="Given name.")
@click.option("--last-name", default="", help="Family name.")
@click.option("--email", default="", help="Email address.")
def user_create(username: str, agency_name: str, role: str, password: str | None, generate_password: bool,
                first_name: str, last_name: str, email: str) -> None:
    """Create USERNAME in an agency with a role."""
    _django()
    from csphub.accounts.services import create_user, find_agency

    found = find_agency(agency_name)
    if generate_password:
        password = secrets.token_urlsafe(12)
    elif password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    create_user(username, found, role, password, first_name=first_name, last_name=last_name, email=email)
    click.echo(f"Created {username}: {role} at {found.name}.")
    if generate_password:
        click.echo(f"Password (shown once): {password}")


@user.command("list")
@click.option("--agency", "agency_name", default=None, help="Only this agency's users (its name).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              help="json: a list of objects with username, name, agency, role, active, mfa, last_login, "
                   "recent_failures.")
def user_list(agency_name: str | None, output_format: str) -> None:
    """List users with their agency, role, whether they are active, their two-factor sign-in
    (set up, not set up, not required), last sign-in and failed sign-ins in the last hour."""
    _django()
    from csphub.accounts.services import find_agency, user_rows

    emit(user_rows(find_agency(agency_name) if agency_name else None), output_format, "Users")


def _user(username: str) -> object:
    _django()
    from csphub.accounts.services import find_user

    return find_user(username)


@user.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Disable USERNAME: they cannot sign in, their open sessions end and their API tokens stop
    working. Nothing they recorded changes."""
    found = _user(username)
    from csphub.accounts.services import set_active

    set_active(found, False)
    click.echo(f"Disabled {username}.")


@user.command("enable")
@click.argument("username")
def user_enable(username: str) -> None:
    """Enable USERNAME again (their unexpired, unrevoked API tokens work again too)."""
    found = _user(username)
    from csphub.accounts.services import set_active

    set_active(found, True)
    click.echo(f"Enabled {username}.")


@user.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def user_set_role(username: str, role: str) -> None:
    """Give USERNAME another ROLE in their agency."""
    found = _user(username)
    from csphub.accounts.services import set_role

    set_role(found, role)
    click.echo(f"{username} is now {role}.")


@user.command("reset-password")
@click.argument("username")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True,
              help="The address users open CSP Hub at, for the link.")
@click.option("--generate-password", is_flag=True,
              help="Set a strong random password now and print it once, instead of printing a link.")
@click.option("--reset-mfa", is_flag=True,
              help="Also remove their authenticator app (a lost phone): they set up a new one at next sign-in.")
def user_reset_password(username: str, base_url: str, generate_password: bool, reset_mfa: bool) -> None:
    """Print a link for USERNAME to choose a new password (it works once, for a day), or set a
    generated one. Pass it on to them yourself, by a channel you trust."""
    found = _user(username)
    from csphub.accounts import services

    if reset_mfa:
        services.reset_mfa(found)
        click.echo(f"Removed {username}'s authenticator app; they set up a new one at next sign-in.")
    if generate_password:
        password = secrets.token_urlsafe(12)
        services.set_password(found, password)
        click.echo(f"Password (shown once): {password}")
    else:
        click.echo(services.password_reset_link(found, base_url))


@user.command("unlock")
@click.argument("username", required=False)
@click.option("--ip", "ip_address", default=None, help="Unlock this address (for every username) instead, or too.")
def user_unlock(username: str | None, ip_address: str | None) -> None:
    """Lift the sign-in lockout of USERNAME (after too many wrong passwords, from any address),
    or of an address with --ip."""
    if username is None and ip_address is None:
        raise click.UsageError("Give a USERNAME, --ip ADDRESS, or both.")
    _django()
    from csphub.accounts.services import unlock

    removed = unlock(username=username, ip_address=ip_address)
    click.echo(f"Unlocked {' and '.join(filter(None, [username, ip_address]))} ({removed} throttling record(s) removed).")


@click.group()
def token() -> None:
    """API tokens (send as 'Authorization: Bearer <token>'), each with a name, a scope and an expiry."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. 'Power BI export'.")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True,
              help="read: GET only; write: may also change records.")
@click.option("--days", type=click.IntRange(1, 366), default=None,
              help="Days until it expires (default CSPHUB_TOKEN_DAYS, 90).")
def token_create(username: str, name: str, scope: str, days: int | None) -> None:
    """Create an API token for USERNAME and print it alone on stdout (it cannot be shown again)."""
    found = _user(username)
    from csphub.accounts.services import issue_token

    click.echo(issue_token(found, name=name, scope=scope, days=days))


@token.command("list")
@click.option("--user", "username", default=None, help="Only this user's tokens.")
@click.option("--all", "show_all", is_flag=True, help="Also revoked and expired tokens.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              help="json: a list of objects with id, username, name, scope, created_on, expires_on, "
                   "last_used_on, status (never the token).")
def token_list(username: str | None, show_all: bool, output_format: str) -> None:
    """List API tokens in use (never the tokens themselves): id, owner, name, scope, dates, status."""
    _django()
    from csphub.accounts.services import token_rows

    emit(token_rows(_user(username) if username else None, include_ended=show_all), output_format, "API tokens")


@token.command("revoke")
@click.argument("username")
@click.option("--id", "token_id", type=int, default=None, help="Only this token (its id from `csphub token list`).")
def token_revoke(username: str, token_id: int | None) -> None:
    """Revoke every API token of USERNAME, or only the one with --id."""
    found = _user(username)
    from csphub.accounts.services import revoke_token, revoke_tokens_of, token_of

    if token_id is None:
        click.echo(f"Revoked {revoke_tokens_of(found)} token(s) of {username}.")
        return
    token = revoke_token(token_of(found, token_id))
    click.echo(f"Revoked token {token.pk} ({token.name or 'no name'}) of {username}.")


def default_workers() -> int:
    """Two single-request worker processes per core (at least 2): a request is Python work, so
    a process serves one core, and the second per core takes the next request while the first
    waits on the database (docs/adr/0005-serve-sync-workers.md)."""
    import os

    return max(2, 2 * (os.cpu_count() or 1))


#: Threads of the single waitress process (--workers 1) when --threads is not given.
WAITRESS_THREADS = 8


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Worker processes (gunicorn); default two per core. 1 runs a single waitress process "
                   "(also where gunicorn cannot run, e.g. Windows).")
@click.option("--threads", default=None, type=click.IntRange(1, 64),
              help="Threads per worker process. Default 1 for gunicorn (each process serves one request at a "
                   f"time, and the kernel hands the next connection to a free one); {WAITRESS_THREADS} for waitress.")
def serve(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Run the web app and API: several worker processes (gunicorn; one request at a time each,
    unless --threads) or one waitress process; static files served by WhiteNoise. Run it behind
    the reverse proxy that terminates HTTPS (docs/deployment.md): it buffers slow clients, so a
    worker is never held by one.

    Open http://HOST:PORT/ to sign in; the API is at /api/v1/ (docs at /api/v1/docs).
    """
    _django()
    from django.conf import settings

    if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append(host)
    workers = workers or default_workers()
    server = "waitress" if workers == 1 or not _gunicorn_runs() else "gunicorn"
    threads = threads or (1 if server == "gunicorn" else WAITRESS_THREADS)
    click.echo(f"CSP Hub on http://{host}:{port}/  (API: http://{host}:{port}/api/v1/docs)  "
               f"{server}, {workers if server == 'gunicorn' else 1} process(es) x {threads} threads. Ctrl+C stops it.")
    if server == "gunicorn":
        _serve_gunicorn(host, port, workers, threads)
    else:
        _serve_waitress(host, port, threads)


def _gunicorn_runs() -> bool:
    import importlib.util
    import os

    return os.name == "posix" and importlib.util.find_spec("gunicorn") is not None


def _serve_waitress(host: str, port: int, threads: int) -> None:
    import waitress
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    # X-Forwarded-* pass through untouched: csphub.web.proxy decides whom to believe
    # (CSPHUB_TRUSTED_PROXIES), so there is one rule whatever server runs the app.
    # A request body past the upload limit is refused (413) before it is all received.
    body_limit = settings.CSPHUB_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 64 * 1024
    waitress.serve(get_wsgi_application(), host=host, port=port, threads=threads, ident="csphub",
                   clear_untrusted_proxy_headers=False, max_request_body_size=body_limit)


def _serve_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    """gunicorn in this process, with the settings already loaded. One thread per worker runs
    gunicorn's sync workers: a worker takes a connection only when it is free, so the kernel's
    accept queue shares the requests among them. Threaded (gthread) workers, with --threads,
    accept every connection they can and keep it alive: measured at 32 clients, all 32 were held
    by one of two workers, which then served alone (docs/adr/0005-serve-sync-workers.md). Each worker opens its own
    database connections after the fork (no preload: an SQLite or PostgreSQL connection must not
    be shared between processes). Uploads past the limit are refused while they stream in by
    csphub.core.uploads, whatever the server; X-Forwarded-* are judged by csphub.web.proxy alone,
    so gunicorn is told to read none of them (no secure_scheme_headers): a client that is not a
    trusted proxy cannot make a request look like https."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    # The start-up migration opened a connection in this process; a worker forked with it open
    # would share its socket with every other worker (PostgreSQL answers one worker's query to
    # another: measured, half the answers at 8 clients were 500s, sessions read as another's).
    connections.close_all()

    class CsphubServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "sync" if threads == 1 else "gthread", "timeout": 120, "graceful_timeout": 10,
                               "secure_scheme_headers": {}, "accesslog": None, "errorlog": "-",
                               "loglevel": "warning", "proc_name": "csphub"}.items():
                self.cfg.set(key, value)

        def load(self):  # noqa: ANN202 - the WSGI application
            return get_wsgi_application()

    CsphubServer().run()

@click.group()
def casework() -> None:
    """Casework figures for reports."""


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, got {value!r}", param_hint=option) from e


@casework.command("stats")
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD (e.g. 2025-04-01).")
@click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD (e.g. 2026-03-31).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              help="table and csv: one row per measure and category; json: the period, the previous "
                   "period and the rows.")
def casework_stats(start: str, end: str, output_format: str) -> None:
    """Service requests by type, cases opened and closed, warnings, notices, contracts and
    penalties, each against the same period a year earlier with the % change.

    Counts every case in the partnership (no personal data); the run is audited.
    """
    first, last = _date(start, "--from"), _date(end, "--to")
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.casework.models import AsbCase
    from csphub.casework.stats import casework_statistics

    try:
        figures = casework_statistics(AsbCase.objects.filter(archived_on__isnull=True), first, last)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--to") from e
    record(None, Action.EXPORTED, "statistics", "", channel=Channel.CLI, summary=f"casework stats {first} to {last}")
    if output_format == "json":
        click.echo(json.dumps(figures, indent=2))
        return
    emit(figures["rows"], output_format,
         f"Casework {first} to {last} vs {figures['previous_period']['from']} to {figures['previous_period']['to']}")


@click.group()
def retention() -> None:
    """Data retention: anonymise closed cases kept longer than the retention period."""


@retention.command("apply")
@click.option("--years", type=click.IntRange(1, 100), default=None,
              help="Retention period in years after closing (default CSPHUB_RETENTION_YEARS, 6).")
@click.option("--dry-run", is_flag=True, help="Say what would be anonymised, change nothing.")
@click.option("--today", default=None, help="Apply as if today were YYYY-MM-DD (for checking).")
def retention_apply(years: int | None, dry_run: bool, today: str | None) -> None:
    """Anonymise closed cases closed more than the retention period ago: people who are on no
    other retained case lose their names and contact details; notes and free text are removed.
    Counts (dates, types, tools and powers) stay for statistics. Audited."""
    _django()
    from django.conf import settings

    from csphub.casework.retention import apply_retention

    report = apply_retention(years or settings.CSPHUB_RETENTION_YEARS,
                             today=_date(today, "--today") if today else None, dry_run=dry_run)
    verb = "Would anonymise" if dry_run else "Anonymised"
    click.echo(f"{verb} {report.cases} case(s) closed on or before {report.cutoff} and {report.people} person record(s).")


@click.command()
@click.option("--user", "username", default=None, help="Only entries by this username.")
@click.option("--object", "object_type", default=None, help="Only entries about this kind of record (case, person...).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100000), help="Newest N entries.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              help="json: a list of objects with at, username, agency, action, channel, object_type, object_id, "
                   "object_ids, purpose, count, summary.")
def audit(username: str | None, object_type: str | None, limit: int, output_format: str) -> None:
    """List audit entries: who viewed or changed what, when, through which channel and why.

    Entries name records by id, never by name. Reading the log is itself audited (the ids of
    the entries listed)."""
    _django()
    from csphub.audit.models import AuditEntry
    from csphub.audit.services import Channel, record_list

    entries = AuditEntry.objects.all()
    if username:
        entries = entries.filter(username=username)
    if object_type:
        entries = entries.filter(object_type=object_type)
    shown = list(entries[:limit])
    record_list(None, "audit_entry", [e.pk for e in shown], channel=Channel.CLI, purpose="csphub audit")
    rows = [{"at": e.at.isoformat(timespec="seconds"), "username": e.username, "agency": e.agency,
             "action": e.action, "channel": e.channel, "object_type": e.object_type,
             "object_id": e.object_id, "object_ids": " ".join(e.object_ids) if output_format != "json" else e.object_ids,
             "purpose": e.purpose, "count": e.count, "summary": e.summary} for e in shown]
    emit(rows, output_format, "Audit log")
