"""``csphub ingest partner``, ``csphub partner ...``, ``csphub ingest survey`` and ``csphub survey ...``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from csphub.cli._common import FORMATS, emit, notice, parse_month, warehouse
from csphub.settings import load_settings

if TYPE_CHECKING:
    from csphub.analytics.partner.loader import PartnerSummary
    from csphub.cli.demo import DemoContext


def _progress(console: Console) -> Progress:
    return Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


@click.command("partner")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dataset", required=True,
              help="The dataset profile: built-in (stats19, fire, hospital-assaults, ambulance-assaults, "
                   "domestic-abuse, hate-crime, drug-alcohol-treatment, homelessness, prevent, "
                   "reoffending) or one in $CSPHUB_DATA_DIR/partner-profiles/.")
@click.option("--profile", "profile_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the profile from this TOML or YAML file instead.")
@click.option("--agency", help="The partner that supplied the file (default: the profile's agency).")
@click.option("--sheet", help="The Excel sheet to read (default: the profile's, else the first).")
@click.option("--authority", help="A local authority code or name: places rows the file does not "
                                  "place itself (a file covering one authority).")
@click.option("--replace-other-agency", is_flag=True,
              help="Let this file replace the rows another agency supplied for the same dataset, "
                   "periods and areas (without it such a load is refused, naming that agency).")
def ingest_partner(files: tuple[Path, ...], dataset: str, profile_path: Path | None, agency: str | None,
                   sheet: str | None, authority: str | None, replace_other_agency: bool) -> None:
    """Load a partner's dataset file (CSV or Excel .xlsx) described by a dataset profile.

    The profile says which column is the date (or month, or financial year), the place (LSOA
    code of either vintage, ward code or name, latitude/longitude, easting/northing, or the local
    authority), the category, the count (for data that arrives aggregated) and any flags; see
    `csphub partner profiles`.

    Every row is checked; rows with a bad date, count, code or point go to quarantine (see
    `csphub quarantine`) and the rest load. A suppressed count ("<5", "*") is kept as
    suppressed, never as zero. Points are placed in the LSOA and ward boundaries loaded; a point
    no boundary covers is placed in the authority the file names; rows that cannot be placed
    are kept, reported with the reason, and counted in no area. Loading the same file again adds
    nothing; a newer file of the same dataset replaces the earlier rows of the periods and local
    authorities it covers (never another authority's). When those rows came from another agency
    the load is refused naming it: load a re-issue with that --agency, or add
    --replace-other-agency. If anything fails, nothing of this load is kept. One load runs at a
    time.

    Example: csphub ingest partner casualties.csv --dataset stats19
    """
    from csphub.analytics.loads import LoadFiles, writing
    from csphub.analytics.partner.loader import ingest_partner as load
    from csphub.analytics.partner.profiles import find_profile

    settings = load_settings()
    profile = find_profile(dataset, settings.data_dir, profile_path)
    if profile_path is not None and profile.name != dataset:
        raise click.BadParameter(f"the profile file names the dataset {profile.name!r}", param_hint="--dataset")
    console = Console(stderr=True)
    with writing(LoadFiles.of(settings), settings.load_wait_seconds, notice=notice) as con, \
            _progress(console) as progress:
        task = progress.add_task(f"Loading {profile.title}", total=None)
        summary = load(con, list(files), profile, agency=agency, sheet=sheet, authority=authority,
                       replace_other_agency=replace_other_agency, progress=lambda done, total: progress.update(task, completed=done, total=total))
    click.echo(format_summary(summary))


def format_summary(summary: PartnerSummary) -> str:
    """The end-of-load summary, as printed."""
    periods = f"{summary.periods[0]} to {summary.periods[-1]}" if summary.periods else "none"
    lines = [
        f"dataset: {summary.dataset} ({summary.agency})",
        f"files: {summary.files_loaded} loaded, {summary.files_skipped} already loaded (skipped), "
        f"{summary.files_replaced} earlier files replaced ({summary.rows_replaced:,} rows)",
        f"rows: {summary.rows_loaded:,} loaded, {summary.rows_quarantined:,} quarantined, "
        f"{summary.rows_suppressed:,} with a suppressed count",
        f"periods: {periods} ({len(summary.periods)})",
    ]
    lines += [f"replaced {n:,} rows previously loaded from {other}" for other, n in summary.replaced_from.items()]
    if summary.placed_by:
        lines.append("placed by: " + ", ".join(f"{k} {v:,}" for k, v in sorted(
            summary.placed_by.items(), key=lambda kv: -kv[1])))
    for label, columns in summary.columns.items():
        lines.append(f"{Path(label).name}: " + ", ".join(f"{f} <- {h!r}" for f, h in columns.items()))
    for label, missing in summary.missing_optional.items():
        lines.append(f"{Path(label).name}: optional columns not in the file: {', '.join(missing)}")
    if summary.categories:
        top = list(summary.categories.items())
        lines.append(f"categories ({len(top)}): " + ", ".join(f"{c} {n:,}" for c, n in top[:8])
                     + (", ..." if len(top) > 8 else ""))
    if summary.rows_authority_only:
        lines.append(f"{summary.rows_authority_only:,} rows are placed in the local authority the file "
                     "names only: no LSOA or ward boundary loaded covers them (they count for the "
                     "authority, not for any ward)")
    if summary.rows_unplaced:
        lines.append(f"{summary.rows_unplaced:,} rows of {summary.dataset} are in no area (kept, counted "
                     "nowhere until they can be placed; each load tries again; list them with "
                     f"csphub partner unplaced --dataset {summary.dataset}):")
        lines += [f"  {n:,}: {reason}" for reason, n in summary.unplaced_reasons.items()]
    if summary.rows_placed_earlier:
        lines.append(f"{summary.rows_placed_earlier:,} rows loaded earlier without a place are now placed")
    if summary.rows_quarantined:
        lines.append("See the rejected rows and why with: csphub quarantine")
    return "\n".join(lines)


@click.group()
def partner() -> None:
    """Partner datasets loaded with `csphub ingest partner`: list, count, profiles."""


@partner.command("list")
@click.option("--files", "by_file", is_flag=True, help="One row per file (the sources appendix) rather than per dataset.")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="Output as a table, CSV or JSON.")
def partner_list(by_file: bool, output_format: str) -> None:
    """Show the partner datasets loaded: agency, files, rows, quarantined, suppressed and unplaced
    rows, first and last period."""
    from csphub.analytics.partner.counts import list_datasets, list_files

    with warehouse(read_only=True) as con:
        rows = list_files(con) if by_file else list_datasets(con)
    if output_format == "table":  # the title is in CSV and JSON; the table keeps to the screen
        rows = [{k: v for k, v in r.items() if k not in ("title", "sha256", "loaded_at", "last_loaded")} for r in rows]
    emit(rows, output_format, title="Partner files" if by_file else "Partner datasets")


@partner.command("counts")
@click.option("--dataset", required=True, help="The dataset, as loaded (see `csphub partner list`).")
@click.option("--area", "area_name", required=True, help="An area name (see `csphub area list`) or a LAD code.")
@click.option("--from", "start", help="First month, YYYY-MM (default: the earliest loaded).")
@click.option("--to", "end", help="Last month, YYYY-MM (default: the latest loaded).")
@click.option("--by", "dims", default="month,category", show_default=True,
              help="Comma list of month, year, financial_year, category, ward, lsoa, agency, or the dataset's "
                   "own attributes (e.g. mode, sex, age_band for stats19).")
@click.option("--category", "categories", multiple=True,
              help="Only this category (repeat for several, e.g. --category Fatal --category Serious).")
@click.option("--where", "where", multiple=True, metavar="ATTRIBUTE=VALUE",
              help="Only rows whose attribute has this value, e.g. --where motive=Deliberate.")
@click.option("--flag", help="Only rows with this flag set, e.g. domestic_abuse.")
@click.option("--ward-vintage", help="Ward boundaries of this year, e.g. 2023 (default: newest loaded).")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="Output as a table, CSV or JSON (objects with the dimensions and count, and "
                   "suppressed when suppressed cells are among them).")
def partner_counts(dataset: str, area_name: str, start: str | None, end: str | None, dims: str,
                   categories: tuple[str, ...], where: tuple[str, ...], flag: str | None,
                   ward_vintage: str | None, output_format: str) -> None:
    """Count a partner dataset in an area by month, category, ward, LSOA or its own columns.

    Rows count where they were placed: an LSOA or ward through the ONS lookup, or their local
    authority only (shown with no ward). A suppressed count adds nothing to `count` and is
    counted in `suppressed`; a group of suppressed cells only has no count, never 0.

    Example: csphub partner counts --dataset stats19 --area E08000009 --from 2023-01 --to 2023-12 --by category
    """
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.partner.counts import count_partner, unplaced

    filters: dict[str, str] = {}
    for item in where:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected ATTRIBUTE=VALUE, got {item!r}", param_hint="--where")
        filters[name.strip()] = value.strip()
    by = [d.strip() for d in dims.split(",") if d.strip()]
    with warehouse(read_only=True) as con:
        area = resolve_area(con, area_name)
        try:
            rows = count_partner(con, dataset, area, parse_month(start, "--from"), parse_month(end, "--to"),
                                 by, ward_vintage=ward_vintage, category=list(categories), where=filters, flag=flag)
        except ValueError as e:
            raise click.BadParameter(str(e)) from e
        missing = unplaced(con, dataset)
    emit(rows, output_format, title=f"{area.name}: {dataset} by {', '.join(by)}")
    if missing:
        notice(f"{sum(missing.values()):,} rows of {dataset} are in no area and not counted: "
               + "; ".join(f"{n:,} {reason}" for reason, n in missing.items()))


@partner.command("unplaced")
@click.option("--dataset", required=True, help="The dataset, as loaded.")
@click.option("--limit", type=int, default=200, show_default=True, help="At most this many rows.")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="Output as a table, CSV or JSON.")
def partner_unplaced(dataset: str, limit: int, output_format: str) -> None:
    """List the rows of a dataset that are in no area: file, line, the place they gave, and why
    they could not be placed (load the boundaries or lookups they need, or correct the file)."""
    from csphub.analytics.partner.counts import unplaced_rows

    with warehouse(read_only=True) as con:
        rows = unplaced_rows(con, dataset, limit)
    emit(rows, output_format, title=f"{dataset}: rows in no area")


@partner.command("profiles")
@click.option("--show", "show", metavar="NAME", help="Print this profile's TOML, to copy and edit.")
def partner_profiles(show: str | None) -> None:
    """List the dataset profiles (built-in and the data directory's), or print one.

    To adapt one to a partner's columns, save the printed text as
    $CSPHUB_DATA_DIR/partner-profiles/NAME.toml and edit the column names.
    """
    from csphub.analytics.partner.builtin import BUILTIN
    from csphub.analytics.partner.profiles import available_profiles

    profiles = available_profiles(load_settings().data_dir)
    if show:
        if show not in profiles:
            raise click.BadParameter(f"no profile {show!r}; known: {', '.join(sorted(profiles))}", param_hint="--show")
        origin = profiles[show].origin
        click.echo(BUILTIN[show].strip() if origin.startswith("built-in") else Path(origin).read_text())
        return
    emit([{"dataset": p.name, "title": p.title, "period": p.period_kind, "place": ", ".join(p.place),
           "aggregated": p.aggregated, "section": p.section, "profile": p.origin}
          for p in profiles.values()], "table", title="Dataset profiles")


@partner.command("postcodes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def partner_postcodes(file: Path) -> None:
    """Load a postcode -> LSOA lookup (ONS Postcode Directory or NSPL CSV) to place partner rows
    that give only a postcode.

    Takes the postcode column (pcds, pcd, postcode) and the LSOA column (lsoa21cd, lsoa11cd). The
    next `csphub ingest partner` places earlier rows it could not place before.
    """
    from csphub.analytics.partner.postcodes import load_postcodes

    with warehouse() as con:
        loaded, missing = load_postcodes(con, file)
    click.echo(f"{loaded:,} postcodes loaded" + (f"; {missing:,} rows without an LSOA left out" if missing else ""))


def load_demo_partner_data(ctx: DemoContext) -> str:
    """Demo step: write the demo partners' files and load them like real ones.

    Add to ``DEMO_STEPS`` in ``csphub.cli.demo`` after the council's ASB incidents:
    ``("Load the partners' datasets", load_demo_partner_data)``.
    """
    from csphub.analytics.partner.loader import ingest_partner as load
    from csphub.analytics.partner.profiles import find_profile
    from csphub.analytics.synthetic import DEMO_LAD
    from csphub.analytics.synthetic.partner_data import write_partner_files

    sources = ctx.require_sources()
    written = write_partner_files(sources, ctx.source_dir / "partner-data", ctx.seed)
    loaded = []
    for dataset, (path, agency) in written.items():
        summary = load(ctx.con, [path], find_profile(dataset), agency=agency, authority=DEMO_LAD)
        loaded.append(f"{dataset} already loaded" if summary.files_skipped else
                      f"{dataset} {summary.rows_loaded:,} rows ({summary.rows_suppressed:,} suppressed)")
    loaded.append(_load_demo_survey(ctx))
    ctx.results["partner_data"] = loaded
    return "; ".join(loaded)


def _load_demo_survey(ctx: DemoContext) -> str:
    """The demo's consultation: two waves, weighted to the population by age and sex."""
    from csphub.analytics.partner.survey import (
        ingest_survey,
        load_survey_population,
        parse_age_bands,
        parse_mapping,
    )
    from csphub.analytics.synthetic import DEMO_LAD
    from csphub.analytics.synthetic.survey import AGE_BANDS, write_demo_survey

    sources = ctx.require_sources()
    mapping_path, exports, population = write_demo_survey(sources, ctx.source_dir / "survey", ctx.seed)
    load_survey_population(ctx.con, population, sources.population_year, parse_age_bands(AGE_BANDS),
                           "Fictional mid-year estimate by age and sex (CSP Hub demo)")
    mapping = parse_mapping(mapping_path.read_text(encoding="utf-8"), str(mapping_path))
    waves = [ingest_survey(ctx.con, path, mapping, wave, authority=DEMO_LAD) for wave, path in exports.items()]
    return "survey " + ", ".join(f"{w.wave} {'already loaded' if w.skipped else f'{w.respondents} respondents'}"
                                 for w in waves)


# ---- the community survey -------------------------------------------------------------------

@click.command("survey")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", "mapping_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML naming the questions: measures (feel safe by day, after dark, worries), choices "
                   "(priorities), respondent (id, ward, postcode, age, sex) and free text.")
@click.option("--wave", required=True, help="The wave, e.g. 2024: results compare a wave with the one before.")
@click.option("--authority", help="The local authority the survey covers (code or name): wards are "
                                  "matched within it and the population for weighting is its.")
@click.option("--sheet", help="The Excel sheet to read (default: the first).")
def ingest_survey(file: Path, mapping_path: Path, wave: str, authority: str | None, sheet: str | None) -> None:
    """Load a community survey export: one row a respondent, one column a question.

    Reads CSV or Excel exports of SurveyMonkey, MS Forms or Smart Survey. The mapping says which
    questions are measured and which answers count as positive. Free-text answers are kept
    apart and appear in no output until an officer marks one publishable (`csphub survey
    publish`). A respondent id listed twice is quarantined. Loading a new file for the same
    survey and wave replaces the earlier one; the same file twice loads nothing.

    Example: csphub ingest survey consultation-2024.xlsx --mapping survey.toml --wave 2024 --authority Medway
    """
    from csphub.analytics.loads import LoadFiles, writing
    from csphub.analytics.partner.survey import ingest_survey as load
    from csphub.analytics.partner.survey import parse_mapping

    settings = load_settings()
    mapping = parse_mapping(mapping_path.read_text(encoding="utf-8"), str(mapping_path))
    with writing(LoadFiles.of(settings), settings.load_wait_seconds, notice=notice) as con:
        summary = load(con, file, mapping, wave, authority=authority, sheet=sheet)
    if summary.skipped:
        click.echo(f"{file.name} is already loaded: nothing added")
        return
    click.echo(f"survey: {summary.survey}, wave {summary.wave}\n"
               f"respondents: {summary.respondents:,} loaded, {summary.quarantined:,} quarantined"
               + (f", replacing {summary.replaced:,} of an earlier load of the wave" if summary.replaced else "")
               + f"\nplaced in a ward: {summary.placed_in_ward:,}\n"
               f"free-text answers kept apart (not published): {summary.free_text_answers:,}")
    if summary.columns_missing:
        click.echo("columns not found (left out): " + ", ".join(summary.columns_missing))


@click.group()
def survey() -> None:
    """Community safety survey results: margins of error, weighting, free text."""


@survey.command("results")
@click.option("--survey", "name", required=True, help="The survey, as named in its mapping.")
@click.option("--wave", help="The wave (default: the latest loaded).")
@click.option("--by", type=click.Choice(["ward", "age_band", "sex"]), help="Results by group, where n allows.")
@click.option("--weighted", is_flag=True, help="Weight to the population by age and sex (see `csphub survey population`).")
@click.option("--population-year", type=int, help="The population year to weight to (default: the latest loaded).")
@click.option("--low-response", type=int, default=100, show_default=True,
              help="Warn that results cannot be generalised below this many respondents.")
@click.option("--min-group", type=int, default=30, show_default=True,
              help="Show a group (ward, age band, sex) only with at least this many respondents.")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="Output as a table, CSV or JSON (JSON: the whole result with its warnings).")
def survey_results_command(name: str, wave: str | None, by: str | None, weighted: bool,
                           population_year: int | None, low_response: int, min_group: int,
                           output_format: str) -> None:
    """Each measure's respondents, % positive and negative with 95% Wilson intervals, and the
    change on the previous wave only where it is significant.

    Example: csphub survey results --survey community --wave 2024 --weighted
    """
    import json

    from csphub.analytics.partner.survey import survey_results

    with warehouse(read_only=True) as con:
        try:
            result = survey_results(con, name, wave, by, weighted, population_year, low_response, min_group)
        except ValueError as e:
            raise click.BadParameter(str(e)) from e
    if output_format == "json":
        click.echo(json.dumps(result, indent=2, default=str))
        return
    hidden = {"measure", "negative_lower", "negative_upper", "group_of", "margin"} | (set() if weighted else {"n_effective"})
    rows = [{("% positive" if k == "percent" else "% negative" if k == "percent_negative" else k):
             (v["text"] if k == "change" and v else v) for k, v in r.items() if k not in hidden}
            for r in result["rows"]]
    emit(rows, output_format, title=f"{result['title']} {result['wave']}: {result['respondents']} respondents")
    for warning in result["warnings"]:
        notice(warning)
    notice(result["weighting"])
    if result["groups_too_small"]:
        notice(f"{len(result['groups_too_small'])} groups have fewer than {min_group} respondents and are not shown")


@survey.command("free-text")
@click.option("--survey", "name", required=True, help="The survey.")
@click.option("--wave", help="The wave (default: the latest).")
@click.option("--all", "show_all", is_flag=True,
              help="Every answer, for an officer's review (not for publication); default: publishable ones only.")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="Output as a table, CSV or JSON.")
def survey_free_text(name: str, wave: str | None, show_all: bool, output_format: str) -> None:
    """Free-text answers: those marked publishable, or with --all every one, to review."""
    from csphub.analytics.partner.survey import free_text

    with warehouse(read_only=True) as con:
        rows = free_text(con, name, wave, publishable_only=not show_all)
    emit(rows, output_format, title="Free-text answers" + (" (all: not for publication)" if show_all else ""))


@survey.command("publish")
@click.option("--survey", "name", required=True, help="The survey.")
@click.option("--wave", required=True, help="The wave.")
@click.option("--respondent", type=int, required=True, help="The respondent (its line, as `csphub survey free-text --all` lists).")
@click.option("--question", required=True, help="The free-text question's key in the mapping.")
@click.option("--officer", required=True, help="Who decided the answer may be published.")
@click.option("--withdraw", is_flag=True, help="Mark it not publishable again.")
def survey_publish(name: str, wave: str, respondent: int, question: str, officer: str, withdraw: bool) -> None:
    """Mark one free-text answer publishable (after checking it names and identifies no one)."""
    from csphub.analytics.partner.survey import mark_publishable

    with warehouse() as con:
        mark_publishable(con, name, wave, respondent, question, officer, publishable=not withdraw)
    click.echo(f"respondent {respondent} {question}: {'withdrawn' if withdraw else 'publishable'}")


@survey.command("population")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, required=True, help="The year of the mid-year estimate.")
@click.option("--bands", default="16-24,25-34,35-44,45-54,55-64,65-74,75+", show_default=True,
              help="The survey's age bands: single-year ages in the file are summed into them.")
@click.option("--source", help="Where the estimates come from (default: the file name).")
def survey_population(file: Path, year: int, bands: str, source: str | None) -> None:
    """Load population by area, sex and age (ONS mid-year estimates) to weight survey results.

    The file has an area code (local authority), sex, age (single years, or the bands
    themselves) and population columns.
    """
    from csphub.analytics.partner.survey import load_survey_population, parse_age_bands

    band_list = [b.strip() for b in bands.split(",") if b.strip()]
    parsed = parse_age_bands(band_list)
    if len(parsed) != len(band_list):
        raise click.BadParameter("bands like 16-24 or 75+", param_hint="--bands")
    with warehouse() as con:
        cells = load_survey_population(con, file, year, parsed, source)
    click.echo(f"{cells:,} area x sex x age band cells loaded for {year}")
