"""Write the assessment: HTML (self-contained), PDF (WeasyPrint), Word, Excel and figures.json."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from csphub.analytics.assessment import charts
from csphub.analytics.assessment.footnotes import incomplete_note
from csphub.analytics.assessment.tables import ReportTable, report_tables

OUTPUTS = ("assessment.html", "assessment.pdf", "assessment.docx", "assessment.xlsx", "figures.json")


@dataclass
class MapLayers:
    """Geometry for the maps (not part of figures.json)."""

    wards: object | None  # GeoDataFrame with ward_code, crime_rate_per_1000, asb_rate_per_1000
    lsoas: object | None  # GeoDataFrame with lsoa_code, crime, asb (Gi* classification)


def map_layers(con: duckdb.DuckDBPyConnection, figures: dict) -> MapLayers:
    """LSOA polygons from the warehouse, dissolved into wards through the lookup."""
    import geopandas as gpd
    import shapely

    codes = [r["lsoa_code"] for r in figures["hotspots"].get("crime", [])]
    if not codes:
        return MapLayers(None, None)
    rows = con.execute(
        """select b.code, b.geometry_wkb, l.ward_code from boundaries b
        join lsoa_ward_lookup l on l.lsoa_code = b.code and l.ward_vintage = $wv
        where b.kind = 'lsoa' and list_contains($codes, b.code)
        qualify row_number() over (partition by b.code order by b.vintage desc) = 1""",
        {"codes": codes, "wv": figures["ward_vintage"]}).fetchall()
    lsoas = gpd.GeoDataFrame({"lsoa_code": [r[0] for r in rows], "ward_code": [r[2] for r in rows]},
                             geometry=[shapely.from_wkb(r[1]) for r in rows], crs="EPSG:4326")
    for key in ("crime", "asb"):
        classes = {r["lsoa_code"]: r["classification"] for r in figures["hotspots"][key]}
        lsoas[key] = lsoas["lsoa_code"].map(classes)
    wards = lsoas.dissolve(by="ward_code").reset_index()[["ward_code", "geometry"]]
    rates = {w["ward_code"]: w for w in figures["wards"]}
    ward_names = {r["ward_code"]: r["ward_name"] for key in ("crime", "asb")
                  for r in figures["hotspots"][key] if r.get("ward_code")}
    wards["ward_name"] = wards["ward_code"].map(lambda c: ward_names.get(c) or (rates.get(c) or {}).get("ward_name"))
    for column in ("crime_rate_per_1000", "asb_rate_per_1000"):
        wards[column] = wards["ward_code"].map(lambda c, col=column: (rates.get(c) or {}).get(col))
    return MapLayers(wards, lsoas)


def build_charts(figures: dict, layers: MapLayers) -> list[charts.Chart]:
    if (figures.get("police_uk") or {"loaded": True})["loaded"]:
        made = [charts.trend_chart(figures), charts.seasonality_chart(figures, "crime"),
                charts.seasonality_chart(figures, "asb")]
    else:  # no police.uk month in the period: no empty chart (the report says why)
        made = []
    if figures["crime"].get("by_group"):
        made.append(charts.group_chart(figures))
    if (types := charts.asb_type_chart(figures)) is not None:
        made.append(types)
    if layers.wards is not None:
        note = incomplete_note(figures)
        made.append(charts.ward_map(layers.wards, "crime_rate_per_1000", "Recorded crime per 1,000 by ward", note))
        made.append(charts.ward_map(layers.wards, "asb_rate_per_1000", "ASB per 1,000 by ward", note))
        hot = figures["hotspots"]
        q = hot.get("fdr_q")
        for key, name in (("asb", "ASB"), ("crime", "Crime")):
            clusters = [dict(c, label=f"{prefix}{c['number']}") for prefix, suffix in (("H", "_clusters"),
                        ("C", "_cold_clusters")) for c in hot.get(f"{key}{suffix}", [])]
            made.append(charts.hotspot_map(layers.lsoas, layers.wards, key,
                                           f"{name} hotspots and coldspots by LSOA (Gi*, false discovery "
                                           f"rate q = {q}), with ward boundaries", clusters, note))
    return made


def render_html(figures: dict, tables: list[ReportTable], made: list[charts.Chart]) -> str:
    env = Environment(loader=PackageLoader("csphub.analytics.assessment", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    env.filters["month_name"] = charts.month_label  # "2024-03" -> "Mar 2024"
    chart_map = {c.key: c for c in made}
    return env.get_template("assessment.html.j2").render(
        f=figures, tables={t.key: t for t in tables}, charts=chart_map,
        png=lambda c: base64.b64encode(c.png).decode())


def render_docx(html: str, figures: dict, path: Path) -> None:
    """The Word draft: the HTML report (same sections, prose, charts in place, banner) as an
    editable document (see word.py)."""
    from csphub.analytics.assessment.word import html_to_docx

    html_to_docx(html, path, title=f"{figures['area']['name']} Strategic Assessment {figures['year']}")


def render_xlsx(tables: list[ReportTable], path: Path, figures: dict | None = None) -> None:
    """One sheet per table, then Coverage, Sources and CSS (given the figures), through the one
    safe writer: numbers as numbers with their formats, no cell that could run as a formula."""
    from csphub.analytics.assessment.workbook import write_workbook

    write_workbook(tables, path, figures)


def render_all(figures: dict, layers: MapLayers, out_dir: Path) -> list[Path]:
    """Write every output into ``out_dir``; returns their paths."""
    from weasyprint import HTML

    out_dir.mkdir(parents=True, exist_ok=True)
    tables = report_tables(figures)
    made = build_charts(figures, layers)
    html = render_html(figures, tables, made)
    (out_dir / "assessment.html").write_text(html, encoding="utf-8")
    HTML(string=html, base_url=str(out_dir)).write_pdf(out_dir / "assessment.pdf")
    render_docx(html, figures, out_dir / "assessment.docx")
    render_xlsx(tables, out_dir / "assessment.xlsx", figures)
    (out_dir / "figures.json").write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return [out_dir / name for name in OUTPUTS]
