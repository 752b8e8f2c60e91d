"""The partner sections and the community survey in the Word draft and in figures.json (issue 18):
the Word file carries the same partner and survey sections as the HTML, in the same places, with
their tables, caveats, the low-response warning and the partner files table of the data-sources
appendix; figures.json names each partner file by its name (and its sha256), never a local path.

The report is the hand-made Gridshire partnership (handmade.py) assessed for 2023/24, with a
hand-made hospital-assaults file (9 admissions in ward A's LSOA in April 2023, a suppressed "<5"
in ward D's in May 2023) and the ten-respondent survey of test_partner_survey.py."""

from __future__ import annotations

import hashlib
import json

import lxml.html
import pytest
from click.testing import CliRunner
from docx import Document

from ..partner_kit import write_csv_file
from ..test_partner_survey import HEADER, MAPPING, RESPONDENTS_2024
from . import handmade
from .test_word_structure import body, under


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from csphub.cli import main

    folder = tmp_path_factory.mktemp("assess-partner")
    files = handmade.write_partnership(folder / "src")
    runner = CliRunner(env={"CSPHUB_DATA_DIR": str(folder / "data")})

    def run(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    run("geography", "load", files["lookup"])
    run("population", "load", files["population"], "--year", "2023", "--source", "ONS (hand-made)")
    run("boundaries", "load", files["boundaries"])
    run("ingest", "police-uk", files["police"])
    run("area", "add", "Gridshire", "--lad", handmade.LAD)
    hes = write_csv_file(folder / "src" / "hes.csv", ["Month", "LSOA Code", "ICD10 Group", "Admissions"], [
        ["2023-04", handmade.lsoa(0, 0), "Assault", "9"], ["2023-05", handmade.lsoa(5, 5), "Assault", "<5"]])
    run("ingest", "partner", hes, "--dataset", "hospital-assaults", "--agency", "Grid ICB")
    mapping = folder / "mapping.toml"
    mapping.write_text(MAPPING.replace("Testford", "Gridshire"))
    answers = [[f"R{i}", {"North": "A", "South": "D"}[r[0]], *r[1:]] for i, r in enumerate(RESPONDENTS_2024, start=1)]
    survey = write_csv_file(folder / "src" / "survey.csv", [h.replace("Testford", "Gridshire") for h in HEADER],
                            answers)
    run("ingest", "survey", survey, "--mapping", mapping, "--wave", "2024", "--authority", handmade.LAD)
    out = folder / "out"
    run("assess", "--area", "Gridshire", "--year", "2023/24", "--out", out, "--previous-years", "1",
        "--permutations", "99")
    return {"out": out, "hes": hes, "folder": folder}


@pytest.fixture(scope="module")
def word(report):
    return Document(str(report["out"] / "assessment.docx"))


@pytest.fixture(scope="module")
def html(report):
    return lxml.html.parse(str(report["out"] / "assessment.html")).getroot()


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def tables_under(doc, heading: str) -> list[list[list[str]]]:
    """The tables between ``heading`` and the next heading of its level or higher."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    found, level, inside = [], None, False
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, doc)
            style = paragraph.style.name
            if style.startswith("Heading"):
                if inside and style <= level:
                    break
                if paragraph.text == heading:
                    inside, level = True, style
        elif tag == "tbl" and inside:
            found.append(rows(Table(element, doc)))
    return found


def test_the_word_file_has_the_partner_and_survey_sections_where_the_html_has_them(word, html):
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    names = [text for _, text in headings]
    for heading in ("Violence seen by health services", "Hospital admissions for assault",
                    "Community safety survey", "Gridshire community safety survey (2024)", "Data not available",
                    "Partner data files"):
        assert heading in names, heading
    # the seed's places: health data after serious violence (Safeguarding), the survey after the
    # partnership's own work (Reducing Vulnerability), then "data not available" before the
    # narrative's progress on priorities; the files table in the data-sources appendix
    assert (names.index("Serious violence") < names.index("Violence seen by health services")
            < names.index("The partnership's own work") < names.index("Community safety survey")
            < names.index("Data not available") < names.index("Progress on priorities"))
    assert names.index("Background and data information") < names.index("Partner data files")
    assert ("Heading 1", "Community safety survey") in headings and ("Heading 2", "Partner data files") in headings
    html_headings = [" ".join(h.text_content().split()) for h in html.iter("h2", "h3", "h4")]
    assert names == html_headings


def test_the_partner_section_carries_its_level_tables_and_the_partners_caveats(word):
    items = under(body(word), "Hospital admissions for assault")
    text = " ".join(t for _, t in items)
    # 9 admissions counted, 1 cell suppressed: a lower bound, never zero
    assert "at least 9 admissions (1 small counts suppressed by the partner)" in text
    assert "ICD-10 X85-Y09" in text and "never as zero" in text  # the profile's caveats
    assert "(Grid ICB)" in text  # the agency in the source line
    by_category, wards = tables_under(word, "Hospital admissions for assault")
    assert by_category == [["Category", "Count", "Share"], ["Assault", "9 (+1 suppressed)", "100%"]]
    assert wards[0] == ["Ward", "Count", "Per 1,000"]
    # ward A: 9 admissions among its 9 LSOAs of 250 residents = 9 / 2,250 * 1,000 = 4.0
    assert wards[1] == ["A", "9", "4.0"]
    assert wards[2] == ["D", "suppressed", "-"]  # a suppressed count has no rate, never 0.0


def test_the_survey_section_carries_the_warning_and_the_margins(word):
    items = under(body(word), "Community safety survey")
    assert ("Normal", "10 people responded. unweighted: the percentages describe those who responded.") in items
    assert any(style == "Intense Quote" and text.startswith("Only 10 people responded (fewer than 100)")
               for style, text in items)
    (table,) = tables_under(word, "Gridshire community safety survey (2024)")
    assert table[0] == ["Measure", "Respondents", "Positive", "95% interval", "Negative", "Change"]
    # by hand: 6 of the 9 who did not answer "Don't know" feel very or fairly safe by day;
    # Wilson: (6/9 + 1.96^2/18) / (1 + 1.96^2/9) = 0.617, half-width 0.263 -> 35.4% to 87.9%
    assert table[1] == ["Feel safe during the day", "9", "66.7%", "35.4% to 87.9%", "11.1%", ""]
    assert not any("Elm Road" in t for _, t in body(word))  # free text stays out


def test_the_appendix_lists_the_partner_file_by_name(word, report):
    (files,) = tables_under(word, "Partner data files")
    assert files == [["Dataset", "Agency", "File", "Period", "Rows loaded", "Rows quarantined"],
                     ["Hospital admissions for assault", "Grid ICB", "hes.csv", "2023-04 to 2023-05", "2", "0"]]
    assert not any(str(report["folder"]) in t for _, t in body(word))


def test_figures_json_names_partner_files_by_name_and_hash_never_a_local_path(report):
    text = (report["out"] / "figures.json").read_text()
    assert str(report["folder"]) not in text
    figures = json.loads(text)
    digest = hashlib.sha256(report["hes"].read_bytes()).hexdigest()
    (source,) = figures["partner"]["sources"]
    assert (source["file"], source["sha256"], source["agency"], source["rows"]) == ("hes.csv", digest, "Grid ICB", 2)
    (dataset,) = figures["partner"]["sections"]["violence_health"]["datasets"]
    assert [(s["file"], s["sha256"]) for s in dataset["sources"]] == [("hes.csv", digest)]


def test_every_line_of_the_partner_part_of_the_html_is_in_the_word_file(word, html):
    """From "Outcomes of recorded crime" to "Data not available" (the partner part the report
    includes, with the partnership's own work among it), and the partner files table: each
    paragraph, list item, caption and cell."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    words = []
    for element in word.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            words.append(Paragraph(element, word).text)
        elif tag == "tbl":
            words += [cell.text for row in Table(element, word).rows for cell in row.cells]
    in_word = " ".join(" ".join(words).split())
    lines, inside = [], False
    for element in html.find("body").iter():
        if element.tag == "h2":
            title = " ".join(element.text_content().split())
            inside = title in ("Outcomes of recorded crime", "Stop and search") or (
                inside and title != "Progress on priorities")
        if inside and element.tag in ("p", "li", "caption", "td", "th"):
            lines.append(" ".join(element.text_content().split()))
    (files,) = html.xpath("//h3[.='Partner data files']/following-sibling::table[1]")
    lines += [" ".join(cell.text_content().split()) for cell in files.iter("td", "th")]
    assert len(lines) > 30 and "hes.csv" in lines
    assert [line for line in lines if line not in in_word] == []
