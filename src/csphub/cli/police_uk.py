"""``csphub ingest police-uk`` and ``csphub quarantine``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from csphub.cli._common import FORMATS, emit, notice, warehouse
from csphub.settings import load_settings


@click.command("police-uk")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
def police_uk(paths: tuple[Path, ...]) -> None:
    """Load data.police.uk files, folders or monthly archive zips.

    Takes street files (YYYY-MM-<force>-street.csv), and the -outcomes and -stop-and-search
    files, given one by one, as folders (searched recursively), or as the zips data.police.uk
    gives (YYYY-MM/YYYY-MM-<force>-street.csv inside).

    Every row is checked (month, coordinates, LSOA code, crime type); rows that fail go to
    quarantine (see `csphub quarantine`) and the rest load. Loading the same file again adds
    nothing; a re-issued file for the same force and month replaces the earlier one. A row
    that repeats an earlier row of its file exactly (a crime listed twice) is quarantined as a
    duplicate; a file with only a header loads nothing. Files load in batches, each kept
    whole or not at all: if anything fails, the batch it was in is not kept, and running the
    same command again loads the rest (a file whose path, size and time match one loaded is
    skipped unread). One load runs at a time (CSPHUB_LOAD_WAIT_SECONDS: how long another waits);
    other commands read the warehouse as it was before the load while it runs.

    Example: csphub ingest police-uk ~/Downloads/2024-01.zip ~/Downloads/police-uk/
    """
    from csphub.analytics.loads import LoadFiles, writing
    from csphub.analytics.police_uk import ArchiveLimits, ingest_police_uk

    settings = load_settings()
    files = LoadFiles.of(settings)
    limits = ArchiveLimits.from_megabytes(settings.archive_max_mb, settings.archive_max_files)
    console = Console(stderr=True)
    with writing(files, settings.load_wait_seconds, notice=notice) as con, Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True,
    ) as progress:
        task = progress.add_task("Loading police.uk files", total=None)
        summary = ingest_police_uk(
            con, list(paths),
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            scratch=files.scratch, limits=limits,
        )
    months = f"{summary.months[0]} to {summary.months[-1]}" if summary.months else "none"
    duplicated = (f" ({summary.rows_duplicated:,} of them duplicates of an earlier line)"
                  if summary.rows_duplicated else "")
    click.echo(
        f"files: {summary.files_loaded} loaded, {summary.files_skipped} already loaded (skipped), "
        f"{summary.files_replaced} replaced a re-issued month\n"
        f"rows: {summary.rows_loaded:,} loaded, {summary.rows_quarantined:,} quarantined{duplicated}\n"
        f"months: {months} ({len(summary.months)})\n"
        f"forces: {', '.join(summary.forces) or 'none'}"
    )
    for label in summary.files_empty:
        click.echo(f"header only, nothing loaded: {label}")
    if summary.rows_quarantined:
        click.echo("See the rejected rows and why with: csphub quarantine")


@click.command()
@click.option("--file", "file_filter", help="Only rows from files whose name contains this text.")
@click.option("--limit", type=int, default=200, show_default=True, help="At most this many rows.")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="Output as a table, CSV or JSON.")
def quarantine(file_filter: str | None, limit: int, output_format: str) -> None:
    """List input rows a load rejected: file, line, field, value and the reason.

    Quarantined rows are kept, never dropped: fix the source and load it again (a corrected
    file for the same force and month replaces the earlier one and its quarantined rows).
    """
    with warehouse(read_only=True) as con:
        result = con.execute(
            "select file, line, field, value, reason, raw_row from quarantine "
            "where ($f is null or contains(file, $f)) order by file, line limit $n",
            {"f": file_filter, "n": limit},
        )
        names = [d[0] for d in result.description]
        rows = [dict(zip(names, r, strict=True)) for r in result.fetchall()]
    if output_format == "table":
        rows = [{k: v for k, v in r.items() if k != "raw_row"} for r in rows]
    emit(rows, output_format, title="Quarantined rows")
