"""Helpers shared by the analytics commands: the warehouse, dates, and output formats."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from csphub.settings import load_settings

if TYPE_CHECKING:  # imported by the commands that open it, not by their --help
    import duckdb

FORMATS = click.Choice(["table", "csv", "json"])


@contextmanager
def warehouse(read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse named by the settings (CSPHUB_DATA_DIR / CSPHUB_WAREHOUSE).

    While a load runs, the warehouse as it was when the load started, read-only (a command
    that writes is then stopped with a message naming the load): see csphub.analytics.loads.
    ``read_only`` lets commands that only read share the file with each other.
    """
    from csphub.analytics.loads import LoadFiles, reading

    with reading(LoadFiles.of(load_settings()), read_only=read_only, notice=notice) as con:
        yield con


def seconds_since_start() -> float:
    """Wall-clock seconds since this process started, so a command's "written in ..." counts
    its imports and start-up too (on Linux from /proc; elsewhere since the CLI was imported)."""
    try:
        # /proc/self/stat: field 22 is the start time in clock ticks after boot; the fields
        # after the command name in brackets begin at field 3
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        from csphub.cli import STARTED

        return time.perf_counter() - STARTED


def notice(text: str) -> None:
    """A note for the user on stderr (a load is running, a load is waiting...)."""
    click.secho(text, fg="yellow", err=True)


def parse_month(value: str | None, option: str) -> date | None:
    """'2024-01' -> date(2024, 1, 1); a clear usage error otherwise."""
    if value is None:
        return None
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError as e:
        raise click.BadParameter(f"expected YYYY-MM, got {value!r}", param_hint=option) from e


def emit(rows: list[dict], output_format: str, title: str | None = None) -> None:
    """Print rows as a rich table, CSV or JSON (a list of objects)."""
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    columns = list(rows[0]) if rows else []
    if output_format == "csv":
        from csphub.spreadsheets import write_csv

        buffer = io.StringIO()
        write_csv(buffer, rows, columns, lineterminator="\n")
        click.echo(buffer.getvalue(), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right" if isinstance(rows[0][column], int) else "left")
    for row in rows:
        table.add_row(*("" if v is None else f"{v:,}" if isinstance(v, int) and not isinstance(v, bool)
                        else str(v) for v in row.values()))
    Console().print(table if rows else "(no rows)")
