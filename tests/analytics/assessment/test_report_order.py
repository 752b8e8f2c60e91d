"""The report's sections follow the seed Strategic Assessment (issue 18): with seven partner
datasets and the survey loaded, the headings of the HTML and of the Word draft come in the order
docs/assessment-method.md documents ("The report's sections, in the seed's order"), each partner
section inside the seed's chapter for it, and the sections whose data is not loaded are absent
with their line under "Data not available".

The report is the hand-made Gridshire partnership (handmade.py) assessed for 2023/24, with
hand-made partner files: hospital assault admissions (Safeguarding), drug and alcohol treatment,
homelessness, deliberate fires, Prevent, domestic abuse and hate crime (Reducing Vulnerability),
reoffending (Reducing Reoffending) and the ten-respondent survey (Listening to our Communities).
No road casualties are loaded."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from docx import Document

from ..partner_kit import write_csv_file
from ..test_partner_survey import HEADER, MAPPING, RESPONDENTS_2024
from . import handmade

DOCS = Path(__file__).resolve().parents[3] / "docs" / "assessment-method.md"


def documented_order() -> list[str]:
    """The CSP Hub headings of the docs' table, in its order."""
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("## The report's sections, in the seed's order", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in table.splitlines() if line.startswith("| ") and "`" in line]
    return [re.search(r"`([^`]+)`$", row[3].strip()).group(1) for row in rows]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from csphub.cli import main

    folder = tmp_path_factory.mktemp("assess-order")
    src = folder / "src"
    files = handmade.write_partnership(src)
    runner = CliRunner(env={"CSPHUB_DATA_DIR": str(folder / "data")})

    def run(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    run("geography", "load", files["lookup"])
    run("population", "load", files["population"], "--year", "2023", "--source", "ONS (hand-made)")
    run("boundaries", "load", files["boundaries"])
    run("ingest", "police-uk", files["police"])
    run("area", "add", "Gridshire", "--lad", handmade.LAD)
    a, d = handmade.lsoa(0, 0), handmade.lsoa(5, 5)
    partner = {
        "hospital-assaults": (["Month", "LSOA Code", "ICD10 Group", "Admissions"],
                              [["2023-04", a, "Assault", "9"], ["2023-05", d, "Assault", "6"]]),
        "drug-alcohol-treatment": (["Month", "Substance group", "Adults in treatment"],
                                   [["2023-04", "Opiates", "40"], ["2024-03", "Opiates", "42"]]),
        "homelessness": (["Month", "Ward", "Measure", "Households"],
                         [["2023-06", "A", "Prevention duty", "12"], ["2023-07", "D", "Relief duty", "7"]]),
        "fire": (["Incident date", "LSOA code", "Property category", "Motive"],
                 [["2023-05-01", a, "Refuse", "Deliberate"], ["2023-08-09", d, "Grassland", "Deliberate"],
                  ["2023-09-09", d, "Dwelling", "Accidental"]]),
        "prevent": (["Financial year", "Type of concern", "Referrals"],
                    [["2023/24", "Unclear ideology", "7"], ["2023/24", "Extreme right wing", "3"]]),
        "domestic-abuse": (["Date recorded", "LSOA code", "Offence group", "Domestic abuse flag"],
                           [["2023-06-02", a, "Violence against the person", "Y"],
                            ["2023-10-20", d, "Criminal damage", "Y"]]),
        "hate-crime": (["Date recorded", "LSOA code", "Offence group", "Race"],
                       [["2023-07-14", a, "Public order offences", "Y"]]),
        "reoffending": (["Financial year", "Measure", "Count"],
                        [["2023/24", "Offenders in cohort", "200"], ["2023/24", "Reoffenders", "50"]]),
    }
    for dataset, (header, rows) in partner.items():
        path = write_csv_file(src / f"{dataset}.csv", header, rows)
        run("ingest", "partner", path, "--dataset", dataset, "--agency", "Grid partners",
            "--authority", handmade.LAD)
    mapping = folder / "mapping.toml"
    mapping.write_text(MAPPING.replace("Testford", "Gridshire"))
    answers = [[f"R{i}", {"North": "A", "South": "D"}[r[0]], *r[1:]] for i, r in enumerate(RESPONDENTS_2024, start=1)]
    survey = write_csv_file(src / "survey.csv", [h.replace("Testford", "Gridshire") for h in HEADER], answers)
    run("ingest", "survey", survey, "--mapping", mapping, "--wave", "2024", "--authority", handmade.LAD)
    out = folder / "out"
    run("assess", "--area", "Gridshire", "--year", "2023/24", "--out", out, "--previous-years", "1",
        "--permutations", "99")
    return out


@pytest.fixture(scope="module")
def html(report):
    return lxml.html.parse(str(report / "assessment.html")).getroot()


def text(element) -> str:
    return " ".join(element.text_content().split())


#: The sections this report has, in the documented order (no road casualties, no other data).
EXPECTED = ["Foreword", "Summary", "All recorded crime", "Anti-social behaviour (ASB)", "Wards and hotspots",
            "Benchmarking", "Crime Severity Score", "Outcomes of recorded crime", "Stop and search",
            "Serious violence", "Violence seen by health services",
            "Substance misuse", "Homelessness and rough sleeping", "Deliberate fires", "Prevent",
            "The partnership's own work", "Domestic abuse", "Hate crime", "Reoffending", "Community safety survey",
            "Data not available", "Progress on priorities", "Horizon scan", "To conclude", "Recommendations",
            "Background and data information"]


def test_the_documented_order_is_the_seeds():
    order = documented_order()
    assert order[:3] == ["Foreword", "Summary", "All recorded crime"] and order[-1] == "Background and data information"
    # the seed's chapters: Safeguarding (serious violence), then Reducing Vulnerability (substance
    # misuse ... domestic abuse), Reducing Reoffending, Listening (the consultation)
    assert (order.index("Serious violence") < order.index("Road safety") < order.index("Substance misuse")
            < order.index("Deliberate fires") < order.index("Prevent") < order.index("Domestic abuse")
            < order.index("Reoffending") < order.index("Community safety survey")
            < order.index("Progress on priorities"))
    assert [h for h in order if h in EXPECTED] == EXPECTED


def test_the_html_sections_come_in_the_documented_order(html):
    headings = [text(h) for h in html.iter("h2")]
    assert headings == EXPECTED
    order = documented_order()
    assert headings == [h for h in order if h in headings]
    assert "Road safety" not in headings and "Other partner data" not in headings
    missing = [text(li) for li in html.xpath("//h2[.='Data not available']/following-sibling::ul[1]/li")]
    assert any(line.startswith("Road safety: no data loaded for Gridshire in 2023/24") for line in missing)
    assert not any(line.startswith(("Deliberate fires", "Prevent", "Community safety survey")) for line in missing)


def test_each_partner_section_sits_inside_its_seed_chapter(html):
    chapters = {div.get("id"): (div.get("data-seed-chapter"), [text(h) for h in div.iter("h2")])
                for div in html.xpath("//div[@class='chapter']")}
    assert chapters == {
        "chapter-safeguarding": ("Safeguarding Adults and Children (Tackling Serious Violence and County Lines)",
                                 ["Serious violence", "Violence seen by health services"]),
        "chapter-vulnerability": ("Reducing Vulnerability",
                                  ["Substance misuse", "Homelessness and rough sleeping", "Deliberate fires",
                                   "Prevent", "The partnership's own work", "Domestic abuse", "Hate crime"]),
        "chapter-reoffending": ("Reducing Reoffending", ["Reoffending"]),
        "chapter-listening": ("Listening to our Communities and Partners", ["Community safety survey"]),
    }
    # the sections carry their figures: 2 deliberate fires (the accidental one left out), 50 of 200 reoffended
    fires = html.xpath("//h2[.='Deliberate fires']/following-sibling::p[1]")[0]
    assert text(fires).startswith("2 ")
    assert "25% (50 of 200)" in text(html.xpath("//h2[.='Reoffending']/..")[0])


def test_the_word_headings_come_in_the_same_order(report, html):
    word = Document(str(report / "assessment.docx"))
    level1 = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert level1 == EXPECTED
    every = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert every == [text(h) for h in html.iter("h2", "h3", "h4")]


def test_figures_json_names_each_sections_seed_chapter(report):
    import json

    sections = json.loads((report / "figures.json").read_text())["partner"]["sections"]
    assert list(sections) == ["violence_health", "substance_misuse", "homelessness", "deliberate_fires", "prevent",
                              "domestic_abuse", "hate_crime", "reoffending", "survey"]  # the seed's order
    assert sections["prevent"]["chapter"] == "Reducing Vulnerability"
    assert sections["survey"]["chapter"] == "Listening to our Communities and Partners"


def test_the_templates_place_the_partner_sections_in_the_order_of_SECTIONS():
    from importlib.resources import files

    from csphub.analytics.assessment.partner_sections import SECTIONS

    templates = files("csphub.analytics.assessment") / "templates"
    report = (templates / "assessment.html.j2").read_text(encoding="utf-8")
    placed = [section or survey for section, survey
              in re.findall(r'partner\.(?:section\(f, "(\w+)"\)|(survey)\(f\))', report)]
    assert placed == [key for key, _ in SECTIONS]
    alone = (templates / "partner_sections_all.html.j2").read_text(encoding="utf-8")
    listed = re.findall(r'"(\w+)"', alone.split("{% for key in", 1)[1].split("%}", 1)[0])
    assert listed == [key for key, _ in SECTIONS if key not in ("survey", "other")]
