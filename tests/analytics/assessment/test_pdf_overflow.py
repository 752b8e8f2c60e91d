"""Nothing in the PDF runs off the page (issue 13, item 7): every page rendered to PNG
(poppler's pdftoppm) has only white in the outer margin band, and in WeasyPrint's own layout
no table, image or line of text is wider than the text block. Run on the hand-made partial
year and, when ../shared/data holds them, on the real Kent police.uk files (Medway)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DPI = 50
MM = DPI / 25.4  # pixels per millimetre
#: the page margins are 18 mm (top, bottom) and 15 mm (sides); the page number sits in the
#: bottom margin, so that band is checked only in its outer 4 mm
BANDS_MM = {"left": 12, "right": 12, "top": 12, "bottom": 4}


def margin_ink(png: Path) -> dict[str, int]:
    """How many non-white pixels each outer band of a rendered page holds."""
    from PIL import Image

    page = Image.open(png).convert("L")
    width, height = page.size
    boxes = {"left": (0, 0, int(BANDS_MM["left"] * MM), height),
             "right": (width - int(BANDS_MM["right"] * MM), 0, width, height),
             "top": (0, 0, width, int(BANDS_MM["top"] * MM)),
             "bottom": (0, height - int(BANDS_MM["bottom"] * MM), width, height)}
    return {side: sum(page.crop(box).histogram()[:245]) for side, box in boxes.items()}  # grey levels < 245


def pages_with_ink_in_the_margin(pdf: Path, folder: Path) -> dict[int, dict[str, int]]:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(folder / "page")], check=True)
    pngs = sorted(folder.glob("page-*.png"))
    assert pngs, "pdftoppm wrote no page"
    found = {}
    for number, png in enumerate(pngs, start=1):
        ink = {side: n for side, n in margin_ink(png).items() if n}
        if ink:
            found[number] = ink
    return found


def boxes_wider_than_the_text_block(html: Path) -> list[str]:
    """Tables, images and lines of text that WeasyPrint lays out past the page's content box."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    document = HTML(filename=str(html), base_url=str(html.parent)).render()
    wide = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        for box in page_box.descendants():
            if isinstance(box, boxes.TableBox | boxes.ReplacedBox | boxes.LineBox):
                end = box.position_x + box.margin_width()
                if end > right + 0.5 or box.position_x < left - 0.5:
                    text = " ".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox))[:60]
                    wide.append(f"page {number}: {type(box).__name__} {box.element_tag} ends at "
                                f"{end:.0f}px, text block ends at {right:.0f}px ({text!r})")
    return wide


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) absent")


@needs_poppler
def test_no_page_of_the_pdf_has_ink_in_its_outer_margin(partial_report, tmp_path):
    assert pages_with_ink_in_the_margin(partial_report / "assessment.pdf", tmp_path) == {}


def test_no_table_image_or_line_is_wider_than_the_text_block(partial_report):
    assert boxes_wider_than_the_text_block(partial_report / "assessment.html") == []


@needs_poppler
def test_the_margin_check_sees_a_table_that_runs_off_the_page(tmp_path):
    """The checks themselves: a table wider than the page is found by both."""
    from weasyprint import HTML

    cells = "".join(f"<td>Column{n:02d}heading</td>" for n in range(14))
    html = tmp_path / "wide.html"
    html.write_text(f"<html><head><style>@page {{ size: A4; margin: 18mm 15mm; }}</style></head>"
                    f"<body><table><tr>{cells}</tr></table></body></html>")
    HTML(filename=str(html)).write_pdf(tmp_path / "wide.pdf")
    assert 1 in pages_with_ink_in_the_margin(tmp_path / "wide.pdf", tmp_path)
    assert any("TableBox table" in line for line in boxes_wider_than_the_text_block(html))


@pytest.fixture(scope="module")
def kent_report(shared_data, tmp_path_factory):
    """``csphub assess`` over the real Kent police.uk files for Medway, 2023/24 (January to
    March 2024 loaded: a partial year), with Medway's real LSOA and ward boundaries for the maps."""
    from click.testing import CliRunner

    from csphub.cli import main

    ons = shared_data / "ons"
    folder = tmp_path_factory.mktemp("kent-pdf")
    runner = CliRunner(env={"CSPHUB_DATA_DIR": str(folder / "data")})

    def run(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    run("geography", "load", ons / "LSOA21_WD23_LAD23_EW_LU.csv")
    run("population", "load", ons / "lsoa21_population.csv", "--year", "2021", "--source", "ONS mid-2021")
    run("boundaries", "load", ons / "boundaries" / "medway_E06000035_lsoa21.geojson")
    run("ingest", "police-uk", shared_data / "police-uk" / "kent")
    run("area", "add", "Medway", "--lad", "E06000035")
    run("assess", "--area", "Medway", "--year", "2023/24", "--out", folder / "out", "--permutations", "99")
    return folder / "out"


@needs_poppler
def test_the_kent_report_fits_its_pages(kent_report, tmp_path):
    assert pages_with_ink_in_the_margin(kent_report / "assessment.pdf", tmp_path) == {}
    assert boxes_wider_than_the_text_block(kent_report / "assessment.html") == []
    assert "ONS mid-2021" in (kent_report / "assessment.html").read_text()  # the source by name
