"""``csphub assess``: the annual Strategic Assessment; ``csphub assess init-narrative``: a starter
narrative file.

``assess`` is a click group that runs the assessment when no subcommand is named
(``invoke_without_command``), so ``csphub assess --area X --year Y --out D`` works as it always
has and ``csphub assess init-narrative FILE`` sits beside it, as issue 13 names it. The options
click would mark required (``--area``, ``--out``) are checked in the callback instead, since a
subcommand is invoked without them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.console import Console

from csphub.cli._common import seconds_since_start, warehouse

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
CASEWORK_HELP = ("Include the partnership's own work (casework, encampments, ASB Case Reviews, panel "
                 "referrals, IOM harm) from the casework database. Default: included when the database "
                 "exists and holds records.")


@click.group(invoke_without_command=True)
@click.option("--area", "area_name", help="An area name or a LAD code (required).")
@click.option("--year", help="The financial year, e.g. 2023/24 (April to March).")
@click.option("--from", "from_month", metavar="YYYY-MM",
              help="First month of any period up to 12 months (with --to), e.g. 2023-02.")
@click.option("--to", "to_month", metavar="YYYY-MM", help="Last month of the period (with --from).")
@click.option("--rolling", type=click.IntRange(1, 12), metavar="N",
              help="The latest N complete months loaded for the area (e.g. 12), against the same "
                   "months a year earlier.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the report into (created if needed; required).")
@click.option("--peers", "peers_file", type=FILE,
              help="CSV of published peer figures: area_code, area_name, period, measure, value.")
@click.option("--previous-years", type=click.IntRange(0, 10), default=4, show_default=True,
              help="How many earlier financial years the trend shows.")
@click.option("--activity", "activity_file", type=FILE,
              help="Older form of the priorities: '## Priority' headings, then the work (their progress). "
                   "Use --narrative for the whole narrative.")
@click.option("--narrative", "narrative_file", type=FILE,
              help="The partnership's narrative (Markdown, or YAML for .yaml/.yml): foreword, priorities "
                   "with progress and aims, horizon scan, conclusions, recommendations.")
@click.option("--casework/--no-casework", "casework", default=None, help=CASEWORK_HELP)
@click.option("--serious-violence", "sv_file", type=FILE,
              help="JSON file with the partnership's definition of serious violence.")
@click.option("--ward-vintage", help="Ward boundaries of this year, e.g. 23 (default: newest loaded).")
@click.option("--permutations", type=click.IntRange(99, 99_999), default=9_999, show_default=True,
              help="Gi* permutations per hotspot test (fewer is quicker and less precise: with 999 "
                   "no p-value is below 0.002).")
@click.option("--places", "places_file", type=FILE,
              help="CSV of the partnership's place names (code,place): an LSOA code or name, an MSOA "
                   "name such as 'Medway 015', a ward code or name; names the hotspot clusters.")
@click.pass_context
def assess(ctx: click.Context, area_name: str | None, year: str | None, from_month: str | None,
           to_month: str | None, rolling: int | None, out_dir: Path | None, peers_file: Path | None,
           previous_years: int, activity_file: Path | None, narrative_file: Path | None,
           casework: bool | None, sv_file: Path | None, ward_vintage: str | None, permutations: int,
           places_file: Path | None) -> None:
    """Write the Strategic Assessment for a financial year, or any period, from the warehouse.

    Give the period one way: --year 2023/24, --from 2023-02 --to 2024-01, or --rolling 12.
    Changes always compare the same months a year earlier, like for like.

    Writes assessment.html (self-contained), assessment.pdf, assessment.docx (edit and publish
    in Word), assessment.xlsx (every table, one sheet each) and figures.json (every figure,
    machine-readable). With months missing or incomplete it still runs, says which, and labels
    the year's figures partial. Methods: docs/assessment-method.md.

    Example: csphub assess --area Medway --year 2023/24 --out out/sa-2023-24
    """
    if ctx.invoked_subcommand is not None:
        return
    for value, option in ((area_name, "--area"), (out_dir, "--out")):
        if not value:
            raise click.UsageError(f"Missing option '{option}'.")
    assert area_name and out_dir  # for mypy: checked above
    from csphub.analytics.assessment import AssessmentOptions, render_all
    from csphub.analytics.assessment.hotspots import load_places
    from csphub.analytics.assessment.narrative_file import load_narrative
    from csphub.analytics.assessment.serious_violence import load_definition

    period = _period(year, from_month, to_month, rolling)
    narrative = load_narrative(narrative_file)
    if narrative and activity_file and any(p["progress"] or p["aims"] for p in narrative["priorities"]):
        raise click.UsageError(f"the priorities are in both --narrative ({narrative_file.name}) and "  # type: ignore[union-attr]
                               f"--activity ({activity_file.name}): give them in one")
    console = Console(stderr=True)
    options = AssessmentOptions(period, previous_years, ward_vintage, peers_file, activity_file,  # type: ignore[arg-type]
                                load_definition(sv_file), permutations, load_places(places_file),
                                narrative=narrative)
    with console.status("Computing the figures..."):
        figures, layers = _compute(area_name, options, rolling, casework, with_layers=True)
    with console.status("Writing HTML, PDF, Word and Excel..."):
        paths = render_all(figures, layers, out_dir)
    click.echo(f"Strategic Assessment {options.year.name} for {figures['area']['name']} written in "
               f"{seconds_since_start():.1f}s (the whole command):")
    for path in paths:
        click.echo(f"  {path}")
    if figures["coverage"]["partial"]:
        click.echo(f"Note: the data for {options.year.name} is partial "
                   f"({len(figures['coverage']['months_present'])} of {figures['period']['months']} months); "
                   "the report says so.")
    if not figures["own_work"]["included"]:
        click.echo("Note: the partnership's own casework is not included (no casework database read).")


def _compute(area_name: str, options, rolling: int | None, casework: bool | None, *, with_layers: bool):
    """The figures (and the map layers): the period found, the casework gathered for it."""
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.assessment import build_figures
    from csphub.analytics.assessment.figures import rolling_period
    from csphub.analytics.assessment.render import map_layers

    with warehouse(read_only=True) as con:
        area = resolve_area(con, area_name)
        if rolling:
            options.year = rolling_period(con, area, rolling, options.ward_vintage)
        options.own_work = gather_own_work(options.year.start, options.year.end,
                                           options.year.previous().start, options.year.previous().end, casework)
        figures = build_figures(con, area, options)
        layers = map_layers(con, figures) if with_layers else None
    return figures, layers


def casework_database_exists() -> bool:
    """Whether a casework database is there to read (DATABASE_URL given, or the SQLite file)."""
    from csphub.settings import load_settings

    settings = load_settings()
    return settings.database_url_set or settings.sqlite_path.exists()


def gather_own_work(start: date, end: date, previous_start: date, previous_end: date,
                    casework: bool | None) -> dict | None:
    """The partnership's own records as plain counts for the assessment (see
    csphub.analytics.assessment.own_work), or None: --no-casework, or (by default) no casework
    database or one holding no records. Counts only; the read is audited."""
    if casework is False or (casework is None and not casework_database_exists()):
        return None
    from csphub.django_setup import setup_django

    setup_django(migrate=True)
    return read_own_work(start, end, previous_start, previous_end, required=bool(casework))


def read_own_work(start: date, end: date, previous_start: date, previous_end: date, *,
                  required: bool) -> dict | None:
    """:func:`gather_own_work` once Django is set up; None when nothing is recorded and the
    section is not ``required`` (--casework)."""
    from django.utils import timezone

    from csphub.audit.services import Action, Channel, record
    from csphub.casereview.assessment_figures import case_review_group
    from csphub.casework.assessment_figures import casework_group
    from csphub.encampments.assessment_figures import encampments_group
    from csphub.panels.assessment_figures import iom_harm, panels_group

    period, previous = (start, end), (previous_start, previous_end)
    groups = {key: group for key, group in (
        ("casework", casework_group(period, previous)), ("encampments", encampments_group(period, previous)),
        ("case_reviews", case_review_group(period, previous)), ("panels", panels_group(period, previous)))
        if group is not None}
    if not required and not groups:
        return None
    today = timezone.localdate()
    record(None, Action.EXPORTED, "statistics", "", channel=Channel.CLI,
           summary=f"assessment own work {start} to {end}")
    return {"as_of": today.isoformat(), "groups": groups, "iom_harm": iom_harm(period, today)}


@assess.command("init-narrative")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--area", "area_name", help="Fill the prompts from this area's figures (with --year).")
@click.option("--year", help="The financial year of the figures, e.g. 2023/24 (with --area).")
@click.option("--casework/--no-casework", "casework", default=None, help=CASEWORK_HELP)
@click.option("--permutations", type=click.IntRange(99, 99_999), default=9_999, show_default=True,
              help="Gi* permutations for the hotspot prompts (as for the assessment).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def init_narrative(file: Path, area_name: str | None, year: str | None, casework: bool | None,
                   permutations: int, force: bool) -> None:
    """Write a starter narrative FILE (Markdown) for --narrative: every section heading, and with
    --area and --year the prompts drawn from that year's figures ('>' lines, which are ignored).

    Example: csphub assess init-narrative narrative.md --area Medway --year 2023/24
    """
    from csphub.analytics.assessment.narrative_file import starter_markdown

    if file.suffix.lower() in (".yaml", ".yml"):
        raise click.BadParameter("the starter file is Markdown (.md); a YAML narrative is written by hand "
                                 "(see docs/cli/assess.md)", param_hint="FILE")
    if file.exists() and not force:
        raise click.UsageError(f"{file} exists: give --force to replace it")
    if bool(area_name) != bool(year):
        raise click.UsageError("--area and --year go together (or give neither for blank headings)")
    prompts = None
    if area_name and year:
        from csphub.analytics.assessment import AssessmentOptions
        from csphub.analytics.assessment.narrative import prompts as figure_prompts

        options = AssessmentOptions(_period(year, None, None, None), permutations=permutations)  # type: ignore[arg-type]
        figures, _ = _compute(area_name, options, None, casework, with_layers=False)
        prompts = figure_prompts(figures)
        area_name = figures["area"]["name"]
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(starter_markdown(prompts, area_name, year), encoding="utf-8")
    click.echo(f"Narrative starter written: {file}" + (" (prompts from the figures)" if prompts else ""))


def _period(year: str | None, from_month: str | None, to_month: str | None, rolling: int | None):
    """The period asked for: exactly one of --year, --from with --to, or --rolling (None then:
    the latest complete months are found once the warehouse is open)."""
    from csphub.analytics.assessment.periods import FinancialYear, MonthSpan

    given = [name for name, value in (("--year", year), ("--from/--to", from_month or to_month),
                                      ("--rolling", rolling)) if value]
    if len(given) != 1:
        raise click.UsageError("give the period one way: --year YYYY/YY, --from YYYY-MM --to YYYY-MM, "
                               "or --rolling N" + (f" (got {' and '.join(given)})" if given else ""))
    if rolling:
        return None
    if year:
        try:
            return FinancialYear.parse(year)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--year") from e
    if not (from_month and to_month):
        raise click.UsageError("--from and --to go together: give both months (YYYY-MM)")
    try:
        return MonthSpan.parse(from_month, to_month)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--from/--to") from e
