"""``csphub geography``, ``population``, ``boundaries`` and ``area``: the partnership's geography."""

from __future__ import annotations

from pathlib import Path

import click

from csphub.cli._common import FORMATS, emit, warehouse

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def geography() -> None:
    """ONS lookups: LSOA (2011 or 2021) -> electoral ward (any year) -> local authority."""


@geography.command("load")
@click.argument("files", nargs=-1, required=True, type=EXISTING_FILE)
def geography_load(files: tuple[Path, ...]) -> None:
    """Load ONS best-fit lookups of any vintage, and the LSOA 2011 -> 2021 lookup.

    Columns are recognised by ONS naming (LSOA11CD, LSOA21CD, WD22CD, WD23NM, LAD22CD,
    LTLA22CD, ...); a byte-order mark is fine. Several vintages are kept side by side; loading
    the same vintage again replaces it.

    Example: csphub geography load LSOA21_WD23_LAD23_EW_LU.csv LSOA11_LSOA21_LAD22_EW_LU.csv
    """
    from csphub.analytics.geography import load_lookup

    with warehouse() as con:
        for path in files:
            click.echo(str(load_lookup(con, path)))


@geography.command("load-postcodes")
@click.argument("file", type=EXISTING_FILE)
def geography_load_postcodes(file: Path) -> None:
    """Load the ONS Postcode Directory (ONSPD) or NSPL: postcode -> LSOA 2011/2021 -> ward.

    Both spellings of the columns are read (pcds or pcd; lsoa11 or LSOA11CD; lsoa21 or
    LSOA21CD; osward or WDyyCD; lat and long). Bad rows are quarantined with their line;
    loading the file again replaces what it loaded before.

    Example: csphub geography load-postcodes ONSPD_FEB_2025_UK.csv
    """
    from csphub.analytics.postcodes import load_postcodes

    with warehouse() as con:
        click.echo(str(load_postcodes(con, file)))


@geography.command("place-locations")
@click.option("--dry-run", is_flag=True, help="Say what would be placed, change nothing.")
def geography_place_locations(dry_run: bool) -> None:
    """Place casework locations and Daily Dial In entries saved with a postcode before the postcode directory was loaded.

    Each location with a postcode but no LSOA or ward, or flagged as not in the directory, is
    looked up again in the loaded directory, as saving a location does: it gets its LSOA, ward
    and the postcode's centre (for its map). So is each Daily Dial In entry with a postcode, no
    map point and not found in the directory: it gets its ward and the postcode's centre, as
    logging an entry does. A postcode still missing stays flagged, never guessed. Each record
    placed gets a history row and an audit entry; running it again places nothing new. The
    warehouse is opened once for the whole run. Prints the counts placed, still unknown and
    already placed: locations on the first line, Daily Dial In entries on the second.

    Example: csphub geography load-postcodes ONSPD_FEB_2025_UK.csv && csphub geography place-locations
    """
    from csphub.django_setup import setup_django

    setup_django(migrate=True)
    from csphub.casework.geography import (
        open_place_lookup,
        place_saved_locations,
        require_directory,
    )
    from csphub.dialin.services import place_saved_entries

    with open_place_lookup() as lookup:
        require_directory(lookup)
        click.echo(str(place_saved_locations(dry_run=dry_run, lookup=lookup)))
        click.echo(str(place_saved_entries(dry_run=dry_run, lookup=lookup)))


@click.group()
def population() -> None:
    """Population per LSOA, the denominator of every rate per 1,000."""


@population.command("load")
@click.argument("file", type=EXISTING_FILE)
@click.option("--year", type=int, required=True, help="The year the population estimate is for.")
@click.option("--source", help="Where the figures come from, shown in reports (default: the file's name).")
def population_load(file: Path, year: int, source: str | None) -> None:
    """Load population per LSOA from a CSV with a code column and a population column.

    Example: csphub population load lsoa21_population.csv --year 2022 --source "ONS mid-2022"
    """
    from csphub.analytics.geography import load_population

    with warehouse() as con:
        click.echo(str(load_population(con, file, year, source)))


@click.group()
def boundaries() -> None:
    """LSOA and ward boundaries, for maps and hotspot analysis."""


@boundaries.command("load")
@click.argument("files", nargs=-1, required=True, type=EXISTING_FILE)
def boundaries_load(files: tuple[Path, ...]) -> None:
    """Load LSOA or ward boundaries from GeoJSON in WGS84 (as ONS's Open Geography Portal gives).

    The kind and vintage come from the property names: LSOA21CD -> LSOAs of 2021,
    WD25CD -> wards of 2025.
    """
    from csphub.analytics.geography import load_boundaries

    with warehouse() as con:
        for path in files:
            click.echo(str(load_boundaries(con, path)))


@click.group()
def area() -> None:
    """The partnership's area: one or more local authority districts."""


@area.command("add")
@click.argument("name")
@click.option("--lad", "lad_codes", multiple=True, required=True,
              help="A local authority district code (repeat for several), e.g. E06000035.")
def area_add(name: str, lad_codes: tuple[str, ...]) -> None:
    """Define an area; every command's --area then takes NAME (or a bare LAD code).

    Example: csphub area add Medway --lad E06000035
    """
    from csphub.analytics.areas import add_area

    with warehouse() as con:
        try:
            defined = add_area(con, name, list(lad_codes))
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--lad") from e
    click.echo(f"area {defined.name}: {', '.join(defined.lad_codes)}")


@area.command("list")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="Output as a table, CSV or JSON.")
def area_list(output_format: str) -> None:
    """List the areas defined."""
    from csphub.analytics.areas import list_areas

    with warehouse(read_only=True) as con:
        rows = [{"area": a.name, "lad_codes": ",".join(a.lad_codes)} for a in list_areas(con)]
    emit(rows, output_format)
