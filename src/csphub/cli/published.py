"""``csphub ingest css-table`` and ``csphub ingest msg``: published benchmarks."""

from __future__ import annotations

from pathlib import Path

import click

from csphub.cli._common import warehouse

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _say(path: Path, result, what: str) -> None:
    if result.skipped:
        click.echo(f"{path.name}: already loaded, skipped")
        return
    replaced = f", {result.replaced:,} replaced" if result.replaced else ""
    click.echo(f"{path.name}: {result.loaded:,} {what} loaded{replaced}, {result.quarantined:,} quarantined"
               + (" (see csphub quarantine)" if result.quarantined else ""))


@click.command("css-table")
@click.argument("files", nargs=-1, required=True, type=EXISTING_FILE)
def css_table(files: tuple[Path, ...]) -> None:
    """Load the ONS Crime Severity Score data tool table (CSV or Excel): areas (code and name:
    Community Safety Partnerships, police force areas, England and Wales) by year ending March.

    ONS markers of a value not available ([x], ..) are kept as missing, never zero. A re-issued
    file replaces the values it gives for the same area and year; the same file twice adds nothing.
    """
    from csphub.analytics.published import load_css_table

    with warehouse() as con:
        for path in files:
            _say(path, load_css_table(con, path), "area-year values")


@click.command("msg")
@click.argument("files", nargs=-1, required=True, type=EXISTING_FILE)
def msg(files: tuple[Path, ...]) -> None:
    """Load Most Similar Group files (CSV or Excel): an area and its most similar areas in order.
    `csphub assess` then benchmarks the area against its group. A file replaces the groups of
    the areas it names; an area is never its own peer.
    """
    from csphub.analytics.published import load_msg

    with warehouse() as con:
        for path in files:
            _say(path, load_msg(con, path), "peer rows")
