"""``csphub counts`` and ``csphub coverage``."""

from __future__ import annotations

import click

from csphub.cli._common import FORMATS, emit, parse_month, warehouse


@click.command()
@click.option("--area", "area_name", required=True, help="An area name (see `csphub area list`) or a LAD code.")
@click.option("--from", "start", help="First month, YYYY-MM (default: the earliest loaded).")
@click.option("--to", "end", help="Last month, YYYY-MM (default: the latest loaded).")
@click.option("--by", "dims", default="month,crime_type", show_default=True,
              help="Comma list of month, crime_type, ward, lsoa, force.")
@click.option("--crime-type", help="Only this police.uk crime type, e.g. 'Anti-social behaviour'.")
@click.option("--ward-vintage", help="Ward boundaries of this year, e.g. 22 or 2023 (default: newest loaded).")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="Output as a table, CSV or JSON (a list of objects with the dimensions and count).")
def counts(area_name: str, start: str | None, end: str | None, dims: str, crime_type: str | None,
           ward_vintage: str | None, output_format: str) -> None:
    """Count recorded crime and ASB in an area by month, crime type, ward, LSOA or force.

    ASB is the crime type 'Anti-social behaviour'. Rows are placed in the area and its wards
    through the ONS lookup (data on 2011 LSOAs is bridged to 2021). Rows police.uk publishes with
    no location cannot be placed in any area and are not counted.

    Example: csphub counts --area Medway --from 2024-01 --to 2024-04 --by month,crime_type
    """
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.counts import count_by

    by = [d.strip() for d in dims.split(",") if d.strip()]
    with warehouse(read_only=True) as con:
        area = resolve_area(con, area_name)
        try:
            rows = count_by(con, area, parse_month(start, "--from"), parse_month(end, "--to"), by,
                            ward_vintage=ward_vintage, crime_type=crime_type)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--by") from e
    emit(rows, output_format, title=f"{area.name}: counts by {', '.join(by)}")


@click.command()
@click.option("--area", "area_name", required=True, help="An area name or a LAD code.")
@click.option("--threshold", type=float, default=0.8, show_default=True,
              help="Flag a month below this share of its expected count (a crime type below 0.5), "
                   "when chance would rarely give so few: the Strategic Assessment's own test.")
@click.option("--format", "output_format", type=FORMATS, default="table", show_default=True,
              help="Output as a table, CSV or JSON (objects with force, month, rows, missing, "
                   "incomplete, why).")
def coverage(area_name: str, threshold: float, output_format: str) -> None:
    """Show each force's rows per month in an area and flag months that look partial.

    data.police.uk sometimes publishes a month before every record is in. Crime and ASB are
    judged apart, and each crime type too, against the same month a year earlier and the
    neighbouring months (see docs/assessment-method.md); a month missing between the first and
    last loaded is flagged as missing. `why` says what each flagged month was short of.
    """
    from csphub.analytics.areas import resolve_area
    from csphub.analytics.coverage import month_coverage

    with warehouse(read_only=True) as con:
        area = resolve_area(con, area_name)
        rows = [r.as_dict() for r in month_coverage(con, area, threshold=threshold)]
    emit(rows, output_format, title=f"{area.name}: coverage")
