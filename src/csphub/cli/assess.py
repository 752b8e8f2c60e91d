"""``csphub assess``: the annual Strategic Assessment."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console

from csphub.cli._common import warehouse


@click.command()
@click.option("--area", "area_name", required=True, help="An area name or a LAD code.")
@click.option("--year", required=True, help="The financial year, e.g. 2023/24 (April to March).")
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
def assess(area_name: str, year: str, out_dir: Path, peers_file: Path | None, previous_years: int,
           activity_file: Path | None, sv_file: Path | None, ward_vintage: str | None,
           permutations: int, places_file: Path | None) -> None:
    """Write the Strategic Assessment for a financial year from the warehouse.

    Writes assessment.html (self-contained), assessment.pdf, assessment.docx (edit and publish
    in Word), assessment.xlsx (every table, one sheet each) and figures.json (every figure,
    machine-readable). With months missing or incomplete it still runs, says which, and labels
    the year's figures partial. Methods: docs/assessment-method.md.

    Example: csphub assess --area Medway --year 2023/24 --out out/sa-2023-24
    """
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.assessment import AssessmentOptions, build_figures, render_all
    from csphub.analytics.assessment.hotspots import load_places
    from csphub.analytics.assessment.periods import FinancialYear
    from csphub.analytics.assessment.render import map_layers
    from csphub.analytics.assessment.serious_violence import load_definition

    try:
        fy = FinancialYear.parse(year)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--year") from e
    console = Console(stderr=True)
    started = time.perf_counter()
    options = AssessmentOptions(fy, previous_years, ward_vintage, peers_file, activity_file,
                                load_definition(sv_file), permutations, load_places(places_file))
    with warehouse() as con, console.status("Computing the figures..."):
        area = resolve_area(con, area_name)
        figures = build_figures(con, area, options)
        layers = map_layers(con, figures)
    with console.status("Writing HTML, PDF, Word and Excel..."):
        paths = render_all(figures, layers, out_dir)
    click.echo(f"Strategic Assessment {fy.name} for {area.name} written in "
               f"{time.perf_counter() - started:.1f}s:")
    for path in paths:
        click.echo(f"  {path}")
    if figures["coverage"]["partial"]:
        click.echo(f"Note: the data for {fy.name} is partial "
                   f"({len(figures['coverage']['months_present'])} of 12 months); the report says so.")
