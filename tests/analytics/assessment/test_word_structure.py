"""The Word file is an editable draft of the same report as the HTML/PDF (issue 13, item 7):
the same sections in the same order as real Word headings (the navigation pane lists them),
the partial-data banner at the top, each section's prose, tables and chart under its heading,
heading rows that repeat on every page, the incomplete month footnoted, sources by name and
whole-number populations. Each check is what a person sees opening the file in Word."""

from __future__ import annotations

import json

import lxml.html
import pytest
from docx import Document

from csphub.analytics.assessment.word import is_repeated_header

from .conftest import POPULATION_SOURCE


@pytest.fixture(scope="module")
def word(partial_report):
    return Document(str(partial_report / "assessment.docx"))


@pytest.fixture(scope="module")
def html(partial_report):
    return lxml.html.parse(str(partial_report / "assessment.html")).getroot()


def body(doc) -> list[tuple[str, str]]:
    """The document in reading order: (style name, text) for paragraphs, ("image", "") for a
    picture, ("table", first cell) for a table."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    items = []
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, doc)
            if element.xpath(".//pic:pic"):
                items.append(("image", ""))
            else:
                items.append((paragraph.style.name, paragraph.text))
        elif tag == "tbl":
            items.append(("table", Table(element, doc).cell(0, 0).text))
    return items


def under(items: list[tuple[str, str]], heading: str) -> list[tuple[str, str]]:
    """What follows ``heading`` up to the next heading of the same or a higher level."""
    start = next(i for i, (style, text) in enumerate(items) if style.startswith("Heading") and text == heading)
    level = items[start][0]
    rest = []
    for style, text in items[start + 1:]:
        if style.startswith("Heading") and style <= level:
            break
        rest.append((style, text))
    return rest


def test_the_sections_are_word_headings_in_the_order_of_the_html(word, html):
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    expected = [(f"Heading {int(h.tag[1]) - 1}" if h.tag != "h1" else "Title", " ".join(h.text_content().split()))
                for h in html.iter("h1", "h2", "h3", "h4")]
    assert headings == expected
    assert ("Heading 1", "All recorded crime") in headings and ("Heading 2", "Seasonality") in headings
    assert len({text for style, text in headings if style == "Heading 1"}) == sum(
        1 for style, _ in headings if style == "Heading 1")  # no section twice


def test_the_partial_data_banner_comes_first(word):
    paragraphs = word.paragraphs
    assert [p.style.name for p in paragraphs[:3]] == ["Title", "Subtitle", "Intense Quote"]
    banner = paragraphs[2].text
    assert banner.startswith("Partial data. 11 of 12 months are present (missing: Mar 2024)")
    assert "this month looks incomplete: Dec 2023" in banner
    assert paragraphs[2].runs[0].bold  # "Partial data." in bold, as in the HTML


def test_each_chart_is_the_first_image_under_its_section_with_its_caption_after_it(word):
    items = body(word)
    for heading, caption in (("All recorded crime", "Crime and ASB by period"),
                             ("Seasonality", "Crime by month against the same months a year earlier"),
                             ("Breakdown of crime types", "Recorded crime by crime group"),
                             ("Anti-social behaviour (ASB)", "ASB by month against the same months a year earlier"),
                             ("Wards and hotspots", "Recorded crime per 1,000 by ward")):
        section = under(items, heading)
        first = [style for style, _ in section].index("image")
        assert section[first + 1][0] == "Caption" and section[first + 1][1].startswith(caption), heading
    assert not any(style == "Heading 1" and text == "Charts and maps" for style, text in items)  # no pile at the end


def test_every_html_table_and_chart_is_in_the_word_file(word, html):
    assert len(word.tables) == len(html.findall(".//table"))
    assert len(word.inline_shapes) == len(html.findall(".//figure/img"))


def test_the_narrative_lands_in_its_sections(word):
    items = body(word)
    assert under(items, "Foreword")[0] == ("Normal", "Gridshire stayed a safe place to live.")
    priority = under(items, "Reducing burglary")
    assert ("Normal", "Burglary patrols ran in ward D every week.") in priority
    assert ("List Bullet", "Keep the patrols going.") in priority
    assert ("List Bullet", "Keep burglary a priority.") in under(items, "Recommendations")


def test_each_table_has_its_caption_above_and_a_repeating_heading_row(word, html):
    items = body(word)
    tables = [i for i, (style, _) in enumerate(items) if style == "table"]
    captions = [" ".join(c.text_content().split()) for c in html.iter("caption")]
    above = [items[i - 1][1] for i in tables if items[i - 1][0] == "Caption"]
    assert above == captions
    has_head = [table.find("thead") is not None for table in html.iter("table")]
    assert [is_repeated_header(t.rows[0]) for t in word.tables] == has_head and sum(has_head) > 10
    assert all(run.bold for t in word.tables[:1] for c in t.rows[0].cells for run in c.paragraphs[0].runs)
    summary = word.tables[0]
    assert [c.text for c in summary.rows[0].cells] == ["Measure", "Crime (excluding ASB)", "ASB"]
    assert not is_repeated_header(summary.rows[1])


def test_the_incomplete_month_is_footnoted_under_the_month_table(word):
    section = under(body(word), "Seasonality")
    table = [style for style, _ in section].index("table")
    note = section[table + 1][1]
    assert note.startswith("* Looks incomplete") and "Dec 2023 crime" in note
    month_table = next(t for t in word.tables if t.cell(0, 0).text == "Month")
    assert "Dec 2023 *" in [row.cells[0].text for row in month_table.rows]


def test_sources_are_named_and_populations_are_whole_numbers(word, partial_report):
    text = "\n".join([p.text for p in word.paragraphs] +
                     [c.text for t in word.tables for row in t.rows for c in row.cells])
    assert f"Population: {POPULATION_SOURCE} (2023)" in text
    assert str(partial_report.parent) not in text and "/src/" not in text
    wards = next(t for t in word.tables if t.cell(0, 0).text == "Ward" and t.cell(0, 1).text == "Population")
    populations = [row.cells[1].text for row in wards.rows[1:]]
    assert populations and set(populations) == {"2,250"}  # 9 LSOAs of 250, never "2,250.0"
    figures = json.loads((partial_report / "figures.json").read_text())
    assert figures["population"]["total"] == 9000 and isinstance(figures["population"]["total"], int)


def test_no_output_prints_a_local_path(partial_report):
    """Sources by name in every output: the folder the files were loaded from appears nowhere."""
    import zipfile

    folder = str(partial_report.parent)
    for name in ("assessment.html", "figures.json"):
        assert folder not in (partial_report / name).read_text(), name
    for name in ("assessment.docx", "assessment.xlsx"):
        with zipfile.ZipFile(partial_report / name) as archive:
            for member in archive.namelist():
                if member.endswith(".xml"):
                    assert folder.encode() not in archive.read(member), (name, member)
