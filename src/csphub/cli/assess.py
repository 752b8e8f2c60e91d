"""``csphub assess``: the annual Strategic Assessment."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console

from csphub.cli._common import warehouse


@click.command()
@click.option("--area", "area_name", required=True, help="An area name or a LAD code.")
@click.option("--year", help="The financial year, e.g. 2023/24 (April to March).")
@click.option("--from", "from_month", metavar="YYYY-MM",
              help="First month of any period up to 12 months (with --to), e.g. 2023-02.")
@click.option("--to", "to_month", metavar="YYYY-MM", help="Last month of the period (with --from).")
@click.option("--rolling", type=click.IntRange(1, 12), metavar="N",
              help="The latest N complete months loaded for the area (e.g. 12), against the same "
                   "months a year earlier.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the report into (created if needed).")
@click.option("--peers", "peers_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of published peer figures: area_code, area_name, period, measure, value.")
@click.option("--previous-years", type=click.IntRange(0, 10), default=4, show_default=True,
              help="How many earlier financial years the trend shows.")
@click.option("--activity", "activity_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Text file of 'What we have been doing': '## Priority' headings, then the work.")
@click.option("--serious-violence", "sv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON file with the partnership's definition of serious violence.")
@click.option("--ward-vintage", help="Ward boundaries of this year, e.g. 23 (default: newest loaded).")
@click.option("--permutations", type=click.IntRange(99, 99_999), default=9_999, show_default=True,
              help="Gi* permutations per hotspot test (fewer is quicker and less precise: with 999 "
                   "no p-value is below 0.002).")
@click.option("--places", "places_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of the partnership's place names (code,place): an LSOA code or name, an MSOA "
                   "name such as 'Medway 015', a ward code or name; names the hotspot clusters.")
def assess(area_name: str, year: str | None, from_month: str | None, to_month: str | None,
           rolling: int | None, out_dir: Path, peers_file: Path | None, previous_years: int,
           activity_file: Path | None, sv_file: Path | None, ward_vintage: str | None,
           permutations: int, places_file: Path | None) -> None:
    """Write the Strategic Assessment for a financial year, or any period, from the warehouse.

    Give the period one way: --year 2023/24, --from 2023-02 --to 2024-01, or --rolling 12.
    Changes always compare the same months a year earlier, like for like.

    Writes assessment.html (self-contained), assessment.pdf, assessment.docx (edit and publish
    in Word), assessment.xlsx (every table, one sheet each) and figures.json (every figure,
    machine-readable). With months missing or incomplete it still runs, says which, and labels
    the year's figures partial. Methods: docs/assessment-method.md.

    Example: csphub assess --area Medway --year 2023/24 --out out/sa-2023-24
    """
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.assessment import AssessmentOptions, build_figures, render_all
    from csphub.analytics.assessment.figures import rolling_period
    from csphub.analytics.assessment.hotspots import load_places
    from csphub.analytics.assessment.render import map_layers
    from csphub.analytics.assessment.serious_violence import load_definition

    period = _period(year, from_month, to_month, rolling)
    console = Console(stderr=True)
    started = time.perf_counter()
    options = AssessmentOptions(period, previous_years, ward_vintage, peers_file, activity_file,
                                load_definition(sv_file), permutations, load_places(places_file))
    with warehouse() as con, console.status("Computing the figures..."):
        area = resolve_area(con, area_name)
        if rolling:
            options.year = rolling_period(con, area, rolling, ward_vintage)
        figures = build_figures(con, area, options)
        layers = map_layers(con, figures)
    with console.status("Writing HTML, PDF, Word and Excel..."):
        paths = render_all(figures, layers, out_dir)
    click.echo(f"Strategic Assessment {options.year.name} for {area.name} written in "
               f"{time.perf_counter() - started:.1f}s:")
    for path in paths:
        click.echo(f"  {path}")
    if figures["coverage"]["partial"]:
        click.echo(f"Note: the data for {options.year.name} is partial "
                   f"({len(figures['coverage']['months_present'])} of {figures['period']['months']} months); "
                   "the report says so.")


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
