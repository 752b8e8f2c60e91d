"""`csphub assess` end to end on the hand-made partnership: every output file is written and
readable, the tables are in the PDF, the Word file and the workbook, and the HTML renders in
headless Chromium (a screenshot is kept in test-artifacts/)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from csphub.cli import main
from tests.conftest import PROJECT_ROOT

from . import handmade


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("assess")
    files = handmade.write_partnership(folder / "src")
    env = {"CSPHUB_DATA_DIR": str(folder / "data")}
    runner = CliRunner(env=env)

    def run(*args):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    run("geography", "load", str(files["lookup"]))
    run("population", "load", str(files["population"]), "--year", "2023", "--source", "hand-made")
    run("boundaries", "load", str(files["boundaries"]))
    run("ingest", "police-uk", str(files["police"]))
    run("area", "add", "Gridshire", "--lad", handmade.LAD)
    peers = folder / "peers.csv"
    peers.write_text("area_code,area_name,period,measure,value\n"
                     "E06000001,Peerton,2022/23,offence_rate,100\nE06000001,Peerton,2023/24,offence_rate,120\n"
                     "E06000001,Peerton,2023/24,css,14.5\n")
    activity = folder / "activity.md"
    activity.write_text("## Reducing Vulnerability\n- The Vulnerability Panel met monthly.\n")
    out = folder / "out"
    result = run("assess", "--area", "Gridshire", "--year", "2023/24", "--out", str(out),
                 "--peers", str(peers), "--activity", str(activity), "--previous-years", "1",
                 "--permutations", "999")
    return out, result.output


def test_every_output_is_written(report):
    out, output = report
    for name in ("assessment.html", "assessment.pdf", "assessment.docx", "assessment.xlsx", "figures.json"):
        assert (out / name).stat().st_size > 1000, name
        assert name in output


def test_figures_json_has_the_documented_keys(report):
    figures = json.loads((report[0] / "figures.json").read_text())
    for key in ("area", "year", "coverage", "crime", "asb", "benchmark", "css", "hotspots",
                "serious_violence", "wards", "data_notes", "narrative", "activity"):
        assert key in figures
    for key in ("months_present", "months_incomplete"):
        assert key in figures["coverage"]
    for key in ("total", "rate_per_1000", "by_group", "by_month"):
        assert key in figures["crime"]
    assert {"ward_code", "ward_name", "count", "share"} <= set(figures["asb"]["top_wards"][0])
    peer = next(r for r in figures["benchmark"]["rows"] if r["area_name"] == "Peerton")
    assert (peer["offence_rate_change"], peer["css"]) == (20.0, 14.5)
    assert figures["hotspots"]["permutations"] == 999  # --permutations
    assert figures["activity"] == [{"priority": "Reducing Vulnerability",
                                    "paragraphs": ["The Vulnerability Panel met monthly."]}]


def test_every_figures_json_key_is_documented(report):
    figures = json.loads((report[0] / "figures.json").read_text())
    doc = (PROJECT_ROOT / "docs" / "assessment-method.md").read_text()

    def keys(node, prefix=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if prefix.endswith("glossary"):
                    continue
                yield f"{prefix}{k}"
                if prefix.count(".") < 1:
                    yield from keys(v, f"{prefix}{k}.")

    missing = [k for k in keys(figures) if f"`{k}`" not in doc]
    assert missing == [], ", ".join(missing)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
def test_pdf_contains_the_tables(report):
    text = subprocess.run(["pdftotext", "-layout", str(report[0] / "assessment.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Gridshire Community Safety Partnership" in text
    assert "Top five wards for ASB" in text and "Benchmarking" in text
    assert "1,351" in text  # the year's recorded crime


def test_word_file_contains_the_tables(report):
    from docx import Document

    doc = Document(str(report[0] / "assessment.docx"))
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert {"Total", "1,351", "852", "Peerton"} <= cells
    assert any("rose by 17.9%" in p.text for p in doc.paragraphs)


def test_workbook_has_one_sheet_per_table_with_numbers(report):
    from openpyxl import load_workbook

    book = load_workbook(report[0] / "assessment.xlsx")
    assert {"Summary", "Trend", "Seasonality", "Crime groups", "ASB top wards", "Wards",
            "Benchmarking"} <= set(book.sheetnames)
    summary = book["Summary"]
    assert summary["B3"].value == 1351 and summary["C3"].value == 852


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium absent")
def test_html_renders_in_chromium(report):
    from playwright.sync_api import sync_playwright

    shots = PROJECT_ROOT / "test-artifacts"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        page = browser.new_page()
        page.goto((report[0] / "assessment.html").as_uri())
        assert page.locator("h1").inner_text() == "Gridshire Community Safety Partnership"
        images = page.locator("figure img")
        assert images.count() >= 6
        assert all(images.nth(i).evaluate("i => i.naturalWidth") > 100 for i in range(images.count()))
        page.screenshot(path=str(shots / "assessment.png"), full_page=True)
        browser.close()
    assert (shots / "assessment.png").stat().st_size > 10_000


def test_outcomes_stop_search_and_partner_sections_are_in_every_output(report):
    """Issue 18: the police.uk outcomes and the partner sections reach the report, the Word file
    and the workbook; a source with no data is named as not loaded, never shown as zero."""
    import docx
    import openpyxl

    figures = json.loads((report[0] / "figures.json").read_text())
    outcomes = figures["outcomes"]
    assert outcomes["available"] and outcomes["crimes"] == sum(r["crimes"] for r in outcomes["by_crime_type"])
    assert figures["stop_search"]["available"] is False  # the hand-made partnership has no searches file
    missing = figures["partner"]["data_not_available"]
    assert any(line.startswith("Road safety: no data loaded for Gridshire in 2023/24") for line in missing)
    html = (report[0] / "assessment.html").read_text()
    assert "<h2>Outcomes of recorded crime</h2>" in html and "<h2>Data not available</h2>" in html
    assert "<h2>Road safety</h2>" not in html
    word = docx.Document(str(report[0] / "assessment.docx"))  # the HTML's own section, as a heading
    assert ("Heading 1", "Outcomes of recorded crime") in {(p.style.name, p.text) for p in word.paragraphs}
    assert any(row.cells[0].text == "All crimes" for table in word.tables for row in table.rows)
    sheet = openpyxl.load_workbook(report[0] / "assessment.xlsx")["Outcomes"]
    rows = list(sheet.iter_rows(values_only=True))
    assert any(r and r[0] == "All crimes" for r in rows)
