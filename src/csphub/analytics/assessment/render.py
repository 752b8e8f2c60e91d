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
    made = [charts.trend_chart(figures), charts.seasonality_chart(figures, "crime"),
            charts.seasonality_chart(figures, "asb"), charts.group_chart(figures)]
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
    chart_map = {c.key: c for c in made}
    return env.get_template("assessment.html.j2").render(
        f=figures, tables={t.key: t for t in tables}, charts=chart_map,
        png=lambda c: base64.b64encode(c.png).decode())


def render_docx(figures: dict, tables: list[ReportTable], made: list[charts.Chart], path: Path) -> None:
    import io

    from docx import Document
    from docx.shared import Cm

    doc = Document()
    doc.add_heading(f"{figures['area']['name']} Community Safety Partnership", 0)
    label = figures["period"]["label"]
    doc.add_paragraph(f"Strategic Assessment {figures['year']}" + (f" ({label})" if label != figures["year"] else ""))
    _docx_commentary(doc, figures, ["foreword"])
    doc.add_heading("Summary", 1)
    for sentence in figures["narrative"]:
        doc.add_paragraph(sentence, style="List Bullet")
    for table in tables:
        doc.add_heading(table.title, 2)
        grid = doc.add_table(rows=1, cols=len(table.columns))
        grid.style = "Light Grid Accent 1"
        for cell, heading in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = heading
        for row in table.rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = str(value)
        if table.footnote:
            doc.add_paragraph(table.footnote)
    doc.add_heading("Charts and maps", 1)
    for chart in made:
        doc.add_paragraph(chart.title)
        doc.add_picture(io.BytesIO(chart.png), width=Cm(15))
    own = figures.get("own_work") or {}
    if not own.get("included"):
        doc.add_heading("The partnership's own work", 1)
        doc.add_paragraph(own.get("note", ""))
    _docx_commentary(doc, figures, ["priorities", "horizon_scan", "conclusions", "recommendations"])
    doc.add_heading("Data notes", 1)
    notes = figures["data_notes"]
    doc.add_paragraph(notes["licence"])
    doc.add_paragraph(notes["change_test"])
    doc.add_paragraph(notes["no_location_note"])
    for term, meaning in notes["glossary"].items():
        doc.add_paragraph(f"{term}: {meaning}")
    doc.save(str(path))


def _docx_blocks(doc, blocks: list[dict]) -> None:
    for block in blocks:
        doc.add_paragraph(block["text"], style="List Bullet" if block["type"] == "item" else None)


def _docx_commentary(doc, figures: dict, keys: list[str]) -> None:
    """The narrative sections (the partnership's words, or the prompts marked as prompts)."""
    commentary = figures["commentary"]
    for key in keys:
        section = commentary["sections"][key]
        doc.add_heading(section["title"], 1)
        for priority in section.get("priorities", []):
            doc.add_heading(priority["name"], 2)
            _docx_blocks(doc, priority["progress"])
            if priority["aims"]:
                doc.add_heading(commentary["aims_title"], 3)
                _docx_blocks(doc, priority["aims"])
        _docx_blocks(doc, section.get("blocks", []))
        if section["prompts"]:
            note = doc.add_paragraph()
            note.add_run("Prompt (no narrative given for this section; write it in the narrative file):").italic = True
            for prompt in section["prompts"]:
                doc.add_paragraph(f"Prompt: {prompt}", style="List Bullet").runs[0].italic = True


def render_xlsx(tables: list[ReportTable], path: Path) -> None:
    """One sheet per table (its title, its headings, its rows), through the one safe writer:
    numbers as numbers, shares as percentages, no cell that could run as a formula."""
    from csphub.spreadsheets import Sheet, write_xlsx

    write_xlsx(path, [Sheet(table.key[:31], [[table.title], table.columns,
                                             *[[_excel_value(v) for v in row] for row in table.rows],
                                             *([[], [table.footnote]] if table.footnote else [])],
                            bold_rows=2) for table in tables])


def _excel_value(value):
    """Numbers as numbers in Excel, so analysts can work with them: "1,234" is 1234, "12.5%"
    is 0.125 shown as a percentage; other text stays text.

    Examples:
        >>> _excel_value("1,234"), _excel_value("12.5%"), _excel_value("Noise")
        (1234, Formatted(value=0.125, number_format='0.0%'), 'Noise')
    """
    from csphub.spreadsheets import Formatted

    if isinstance(value, str):
        plain = value.replace(",", "").strip()
        if plain.endswith("%"):
            try:
                return Formatted(round(float(plain[:-1]) / 100, 6), "0.0%")
            except ValueError:
                return value
        try:
            return int(plain)
        except ValueError:
            try:
                return float(plain)
            except ValueError:
                return value
    return value


def render_all(figures: dict, layers: MapLayers, out_dir: Path) -> list[Path]:
    """Write every output into ``out_dir``; returns their paths."""
    from weasyprint import HTML

    out_dir.mkdir(parents=True, exist_ok=True)
    tables = report_tables(figures)
    made = build_charts(figures, layers)
    html = render_html(figures, tables, made)
    (out_dir / "assessment.html").write_text(html, encoding="utf-8")
    HTML(string=html, base_url=str(out_dir)).write_pdf(out_dir / "assessment.pdf")
    render_docx(figures, tables, made, out_dir / "assessment.docx")
    render_xlsx(tables, out_dir / "assessment.xlsx")
    (out_dir / "figures.json").write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return [out_dir / name for name in OUTPUTS]
