"""``csphub cctv``: the public-space CCTV estate (register, activity, the SEG's quarterly paper).

These start Django (the casework database), bringing its schema up to date first.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._common import emit
from .casework import _date, _django

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def cctv() -> None:
    """The CCTV estate: load the register and the control room's monthly activity report, write
    the SEG's quarterly CCTV paper, export the published register, grant the CCTV lead."""


@cctv.command("import")
@click.argument("file", type=EXISTING_FILE)
def cctv_import(file: Path) -> None:
    """Load a camera register from CSV; run it again to update it (nothing is added twice).

    Columns are recognised by name: the camera's id (camera_id, id, camera no), location,
    ward name and code (ward, area_name, ward_code, area_code, WD23CD...), lon/lat or
    easting/northing (British National Grid), and when given: type (fixed, PTZ, rapid, ANPR),
    status, analogue/digital, permanent/temporary, owner, funder, installed, end of life,
    purposes (separated by ';'). A camera's ward comes from the file's ward columns (checked
    against the ONS lookup when loaded), else from the ward boundaries loaded. Bad rows are
    quarantined with their line, field and reason: see `csphub cctv quarantine`.

    Example: csphub cctv import trafford_cctv_cameras.csv
    """
    _django()
    from csphub.cctv.loads import import_register

    summary = import_register(file.resolve())
    click.echo(str(summary))
    for problem in summary.problems[:20]:
        click.echo(f"  quarantined: {problem}", err=True)
    for mismatch in summary.ward_mismatches[:20]:
        click.echo(f"  ward: {mismatch}", err=True)


@cctv.group("activity")
def activity() -> None:
    """The control room's monthly activity report."""


@activity.command("load")
@click.argument("file", type=EXISTING_FILE)
@click.option("--today", "today_text", default=None,
              help="Date the six-month rule is checked on, YYYY-MM-DD (default today).")
def activity_load(file: Path, today_text: str | None) -> None:
    """Load a monthly activity report, then open a placement review for each camera with zero
    activity for the rule's run of months (6 by default; CSPHUB_CCTV_RULES).

    Per camera per month (columns by name): camera, month (2025-07 or Jul 2025), incidents
    captured, footage requests by police and by others, evidential uses, arrests assisted (a
    blank count is 0). Per month, on a row with no camera: hours monitored and downtime hours.
    Loading a month again replaces it. A camera not on the register is quarantined.

    Example: csphub cctv activity load control-room-2025-09.csv
    """
    today = _date(today_text, "--today") if today_text else None
    _django()
    from csphub.cctv.loads import load_activity

    summary = load_activity(file.resolve(), today=today)
    click.echo(str(summary))
    for problem in summary.problems[:20]:
        click.echo(f"  quarantined: {problem}", err=True)


@cctv.command("quarantine")
@click.option("--file", "file_name", default="", help="Only rows of this file (its path as loaded).")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              help="Output format.")
def cctv_quarantine(file_name: str, output_format: str) -> None:
    """Rows of register and activity files that were not loaded, and why."""
    _django()
    from csphub.cctv.loads import quarantined

    file_name = str(Path(file_name).resolve()) if file_name else ""
    rows = [{"kind": q.kind, "file": q.file, "line": q.line, "field": q.field, "value": q.value, "reason": q.reason}
            for q in quarantined(file=file_name)]
    emit(rows, output_format, "Quarantined CCTV rows")


@cctv.command("report")
@click.option("--quarter", required=True, help="A calendar quarter, e.g. 2025Q3 (July to September 2025).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the paper (Word), the map (PNG), the register (Excel and CSV) and figures.json here.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="What to print: the paper's sentences, or every figure as JSON.")
@click.option("--today", "today_text", default=None, help="The report date, YYYY-MM-DD (default today).")
def cctv_report(quarter: str, out_dir: Path | None, output_format: str, today_text: str | None) -> None:
    """The quarter's CCTV paper for the SEG: the estate's size and status, faults opened and
    closed and the worst cameras, zero-activity reviews due, decisions taken, rapid
    deployments, footage requests and the control room's uptime."""
    today = _date(today_text, "--today") if today_text else None
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.cctv import report

    user = None  # a system job: every camera
    figures = report.quarter_figures(user, quarter, today=today)
    record(None, Action.EXPORTED, "cctv_paper", figures["quarter"], channel=Channel.CLI)
    if output_format == "json":
        click.echo(json.dumps(figures, indent=2, default=str))
    else:
        click.echo(f"CCTV update {figures['quarter']} ({figures['from']} to {figures['to']})")
        for heading, lines in report.paper_sections(figures):
            click.echo(f"\n{heading}")
            for line in lines:
                click.echo(f"  - {line}")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        png = report.register_map(user, f"CCTV cameras, {figures['quarter']}")
        rows = report.register_rows(user)
        name = f"cctv-{figures['quarter']}"
        (out_dir / f"{name}.docx").write_bytes(report.paper_docx(figures, png))
        (out_dir / f"{name}-map.png").write_bytes(png)
        (out_dir / "cctv-register.xlsx").write_bytes(report.register_xlsx(rows))
        (out_dir / "cctv-register.csv").write_bytes(report.register_csv(rows))
        (out_dir / f"{name}-figures.json").write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
        click.echo(f"\nWrote {name}.docx, {name}-map.png, cctv-register.xlsx, cctv-register.csv and "
                   f"{name}-figures.json to {out_dir}", err=True)


@cctv.command("export")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write: .csv or .xlsx.")
def cctv_export(out_file: Path) -> None:
    """The published register: cameras flagged for publication, no personal data (no reviews,
    requesters, DPIAs or footage requests). Cells a spreadsheet would run as formulas are
    written as text."""
    _django()
    from csphub.audit.services import Action, Channel, record
    from csphub.cctv import report

    rows = report.register_rows(None)
    data = report.register_xlsx(rows) if out_file.suffix.lower() == ".xlsx" else report.register_csv(rows)
    out_file.write_bytes(data)
    record(None, Action.EXPORTED, "camera_register", "", channel=Channel.CLI, summary=f"{len(rows)} cameras")
    click.echo(f"Wrote {len(rows)} cameras to {out_file}")


@cctv.command("retention")
@click.option("--years", type=click.IntRange(1, 100), default=6, show_default=True,
              help="Redact requesters of new-camera requests decided or withdrawn more than this many years ago.")
@click.option("--dry-run", is_flag=True, help="Say how many would be redacted; change nothing.")
def cctv_retention(years: int, dry_run: bool) -> None:
    """Redact who asked for a new camera (name and contact, history rows too) once the request
    is old; the request, its evidence and the SEG's decision stay."""
    _django()
    from csphub.cctv.retention import anonymise_requesters

    n = anonymise_requesters(years, dry_run=dry_run)
    click.echo(f"{n} new-camera requests {'would have' if dry_run else 'had'} their requester redacted.")


@cctv.command("grant")
@click.argument("username")
@click.option("--as", "what", type=click.Choice(["lead", "internal"]), required=True,
              help="lead: manage the estate (cctv.manage_estate); internal: see reviews, DPIAs and every "
                   "footage request (cctv.view_internal).")
@click.option("--revoke", is_flag=True, help="Take the permission away instead.")
def cctv_grant(username: str, what: str, revoke: bool) -> None:
    """Make USERNAME the CCTV lead, or let them see the internal records."""
    _django()
    from csphub.cctv.services import grant_permission

    codename = grant_permission(username, what, revoke=revoke)
    click.echo(f"{'Revoked' if revoke else 'Granted'} cctv.{codename} {'from' if revoke else 'to'} {username}.")
