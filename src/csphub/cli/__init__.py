"""The ``csphub`` command: one entry point for everything a user does outside the browser.

Commands are loaded lazily, so ``csphub --help`` is instant and the analytics commands never
import Django. Each entry below names the module that implements the command and the one-line
help shown in ``csphub --help``; the command's own ``--help`` explains it in full.
"""

from __future__ import annotations

import importlib
import sys
import time

import click

from csphub import __version__
from csphub.errors import CsphubError

#: when the command line was entered, for a command's "written in ..." where the process's own
#: start time cannot be read (see csphub.cli._common.seconds_since_start)
STARTED = time.perf_counter()

# name -> (module:attribute, one-line help). Groups of subcommands are themselves lazy.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("csphub.cli.demo:demo", "Build and load a fictional partnership to try everything on."),
    "geography": ("csphub.cli.geography:geography", "Load ONS LSOA -> ward -> local authority lookups."),
    "population": ("csphub.cli.geography:population", "Load population per LSOA for a year."),
    "boundaries": ("csphub.cli.geography:boundaries", "Load LSOA and ward boundaries (GeoJSON)."),
    "area": ("csphub.cli.geography:area", "Define the partnership's area from local authority codes."),
    "ingest": ("csphub.cli.ingest:ingest", "Load police.uk extracts and offence-code counts."),
    "quarantine": ("csphub.cli.police_uk:quarantine", "List input rows rejected by a load, and why."),
    "counts": ("csphub.cli.counts:counts", "Count crime and ASB by month, type, ward, LSOA or force."),
    "coverage": ("csphub.cli.counts:coverage", "Show which months each force has supplied, flag partial ones."),
    "assess": ("csphub.cli.assess:assess", "Write the annual Strategic Assessment (HTML, PDF, Word, Excel, JSON)."),
    "agency": ("csphub.cli.casework:agency", "Add and list partner agencies."),
    "user": ("csphub.cli.casework:user", "Create users of the web app and API, with an agency and a role."),
    "token": ("csphub.cli.casework:token", "Create or revoke API tokens."),
    "serve": ("csphub.cli.casework:serve", "Run the casework web app and API."),
    "casework": ("csphub.cli.casework:casework", "Casework statistics for reports (this year vs last)."),
    "retention": ("csphub.cli.casework:retention", "Anonymise closed cases past the retention period."),
    "audit": ("csphub.cli.casework:audit", "List audit entries: who viewed or changed what, and when."),
    "harm": ("csphub.cli.panels:harm", "Load crime harm weights; report a cohort's harm before vs during."),
    "case-review": ("csphub.cli.panels:case_review", "ASB Case Review statistics the Act requires."),
    "people": ("csphub.cli.panels:people", "Find likely duplicate people across agencies for review."),
    "cctv": ("csphub.cli.cctv:cctv", "The CCTV estate: register, activity, the SEG's quarterly CCTV paper."),

    # ---- Governance ----
    "plan": ("csphub.cli.governance:plan", "Action plans: import from CSV/Excel, export with RAG, progress."),
    "board": ("csphub.cli.governance:board", "Boards and their meetings, decisions and deadlines."),
    "grant": ("csphub.cli.governance:grant", "Grants: the return to the funder as Word or Excel."),
    "outreach": ("csphub.cli.governance:outreach", "Anonymous outreach: sessions, unique and repeat attendance."),
    "paper": ("csphub.cli.governance:paper", "Committee papers from the record: briefing note, portfolio report."),
    "governance": ("csphub.cli.governance:governance", "Partnership governance: the daily emailed reminders."),

    # ---- partner data and the community survey (issue 18) ----
    "partner": ("csphub.cli.partner:partner", "List and count partner datasets (fire, road casualties, health...)."),
    "survey": ("csphub.cli.partner:survey", "Community safety survey results: margins of error, weighting, free text."),

    # ---- Encampments and PSPOs ----
    "encampments": ("csphub.cli.encampments:encampments", "Encampment figures and overdue legal steps."),
    "pspo": ("csphub.cli.pspo:pspo", "The PSPO register, orders expiring soon, enforcement figures."),

    # ---- Daily Dial In ----
    "dialin": ("csphub.cli.dialin:dialin", "Daily Dial In: upload entries, the digest, figures, operations' outputs."),

    # ---- Inbox and notifications (issue 12, item 3) ----
    "notify": ("csphub.cli.notify:notify", "Overdue work into inboxes; the daily summary emails."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when used."""

    def __init__(self, *args, lazy_commands: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands:
            return self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.lazy_commands[name][1]) for name in sorted(self.lazy_commands)]
        rows += [
            (name, cmd.get_short_help_str(80))
            for name, cmd in sorted(self.commands.items())
            if name not in self.lazy_commands
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _load(self, cmd_name: str) -> click.Command:
        target, _ = self.lazy_commands[cmd_name]
        module_name, attribute = target.split(":")
        module = importlib.import_module(module_name)
        command = getattr(module, attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


class CsphubGroup(LazyGroup):
    """The top-level group: turns CSP Hub's own errors into a clear message and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CsphubError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            sys.exit(1)


@click.group(
    cls=CsphubGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="csphub")
def main() -> None:
    """CSP Hub for Community Safety Partnerships.

    Load the files you download today (data.police.uk extracts, ONS lookups and populations),
    count crime and ASB for your partnership's area, write the Strategic Assessment, and run
    the multi-agency casework app.

    Data lives in CSPHUB_DATA_DIR (default ./var): a DuckDB warehouse for analytics and a
    SQLite database for casework (or PostgreSQL via DATABASE_URL). Start with `csphub demo`.
    Every command explains itself with --help, for example `csphub counts --help`.
    """
