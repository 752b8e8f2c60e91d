"""The narrative file (issue 13, item 6): the partnership's foreword, priorities with progress and
"aims and items to note", horizon scan, conclusions and recommendations land where the seed
Strategic Assessment puts them; unknown sections are refused naming file and line; with no
narrative the report prints prompts drawn from the figures; ``csphub assess init-narrative``
writes a starter that reads back.

On the hand-made partnership (handmade.py) recorded crime rose 17.9% in 2023/24, significantly
(burglary 1,000 -> 1,200), and ASB did not change."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from csphub.analytics.assessment.narrative_file import (
    commentary,
    load_narrative,
    parse_markdown,
    parse_yaml,
    starter_markdown,
)
from csphub.cli import main
from csphub.errors import InputFileError

from . import handmade

NARRATIVE = """# Foreword
Gridshire stayed a safe place to live, work and visit.

# Priorities
## Reducing Vulnerability
The Vulnerability Panel met monthly.
### Aims and items to note
- Recruit two more panel members.
## Reducing Reoffending
### Progress
IOM moved to the new hub.

# Horizon scan
The cost of living will bear on every service.

# To conclude
Burglary drove the rise in crime.

# Recommendations
- Keep burglary a priority.
- Review the ASB hotspot cluster.
"""

YAML = """foreword: Gridshire stayed a safe place to live, work and visit.
priorities:
  - name: Reducing Vulnerability
    progress: The Vulnerability Panel met monthly.
    aims:
      - Recruit two more panel members.
  - name: Reducing Reoffending
    progress: IOM moved to the new hub.
horizon_scan: The cost of living will bear on every service.
conclusions: Burglary drove the rise in crime.
recommendations:
  - Keep burglary a priority.
  - Review the ASB hotspot cluster.
"""


def test_markdown_and_yaml_read_the_same():
    def without_lines(parsed):
        return {**parsed, "priorities": [{k: v for k, v in p.items() if k != "line"} for p in parsed["priorities"]]}

    markdown = parse_markdown(NARRATIVE, "n.md")
    assert without_lines(markdown) == without_lines(parse_yaml(YAML, "n.yaml"))
    assert [p["line"] for p in markdown["priorities"]] == [5, 9]  # each priority's heading
    assert markdown["recommendations"] == [{"type": "item", "text": "Keep burglary a priority."},
                                           {"type": "item", "text": "Review the ASB hotspot cluster."}]


@pytest.mark.parametrize("text, line, words", [
    ("# Foreword\ntext\n\n# Horizon scan\n\n# Plans\nmore\n", 6, "field 'section': got 'Plans'; expected one of"
                                                               " the sections: Foreword, Priorities"),
    ("# Foreword\na\n# Introduction\nb\n", 3, "each section once (Foreword is already at line 1)"),
    ("# Conclusions\n## A priority\n", 2, "'##' per priority"),
    ("Some text first\n# Foreword\n", 1, "a '# Section' heading before any text"),
    ("# Priorities\n## Safer streets\n### Budget\n", 3, "field 'priority part': got 'Budget'"),
])
def test_markdown_errors_name_file_line_and_section(tmp_path, text, line, words):
    path = tmp_path / "narrative.md"
    path.write_text(text)
    with pytest.raises(InputFileError) as error:
        load_narrative(path)
    assert str(error.value).startswith(f"{path}, line {line}, ")
    assert words in str(error.value)


def test_yaml_errors_name_the_line_of_the_unknown_key(tmp_path):
    path = tmp_path / "narrative.yaml"
    path.write_text("foreword: fine\n\nhighlights: no such section\n")
    with pytest.raises(InputFileError, match=r"narrative.yaml, line 3, field 'section': got 'highlights'"):
        load_narrative(path)
    path.write_text("priorities:\n  - name: A\n    budget: 3\n")
    with pytest.raises(InputFileError, match=r"line 3, field 'priority part': got 'budget'"):
        load_narrative(path)


def test_prompts_only_where_nothing_is_written():
    parsed = parse_markdown("# Foreword\nOur year.\n", "n.md")
    sections = commentary(parsed, {k: [f"{k}?"] for k in ("foreword", "conclusions")})["sections"]
    assert (sections["foreword"]["written"], sections["foreword"]["prompts"]) == (True, [])
    assert (sections["conclusions"]["written"], sections["conclusions"]["prompts"]) == (False, ["conclusions?"])


def test_the_starter_reads_back_as_empty_sections():
    text = starter_markdown({"conclusions": ["ASB fell 41.0%, significant: what drove it?"]}, "Gridshire", "2023/24")
    assert "> Prompt: ASB fell 41.0%, significant: what drove it?" in text
    sections = commentary(parse_markdown(text, "starter.md"), {})["sections"]
    assert not any(s["written"] for s in sections.values())


@pytest.fixture(scope="module")
def partnership(tmp_path_factory):
    folder = tmp_path_factory.mktemp("narrative")
    files = handmade.write_partnership(folder / "src")
    runner = CliRunner(env={"CSPHUB_DATA_DIR": str(folder / "data")})

    def run(*args, code=0):
        result = runner.invoke(main, [str(a) for a in args])
        assert result.exit_code == code, result.output
        return result.output

    run("geography", "load", files["lookup"])
    run("population", "load", files["population"], "--year", "2023", "--source", "hand-made")
    run("boundaries", "load", files["boundaries"])
    run("ingest", "police-uk", files["police"])
    run("area", "add", "Gridshire", "--lad", handmade.LAD)
    return folder, run


def _assess(partnership, name, *more):
    folder, run = partnership
    out = folder / name
    run("assess", "--area", "Gridshire", "--year", "2023/24", "--out", out, "--previous-years", "1",
        "--permutations", "99", *more)
    return out


def test_narrative_sections_land_in_the_seed_order(partnership):
    path = partnership[0] / "narrative.md"
    path.write_text(NARRATIVE)
    out = _assess(partnership, "with-narrative", "--narrative", path)
    html = (out / "assessment.html").read_text()
    order = ["<h2 id=\"narrative-foreword\">Foreword</h2>", "Gridshire stayed a safe place", "<h2>Summary</h2>",
             "<h2>All recorded crime</h2>", "<h2>Benchmarking</h2>", "id=\"own-work\"",
             "<h2 id=\"narrative-priorities\">Progress on priorities</h2>", "<h3>Reducing Vulnerability</h3>",
             "The Vulnerability Panel met monthly.", "<h4>Aims and items to note for the Community Safety Partnership</h4>",
             "<li>Recruit two more panel members.</li>", "<h3>Reducing Reoffending</h3>", "IOM moved to the new hub.",
             "<h2 id=\"narrative-horizon_scan\">Horizon scan</h2>", "The cost of living",
             "<h2 id=\"narrative-conclusions\">To conclude</h2>", "Burglary drove the rise",
             "<h2 id=\"narrative-recommendations\">Recommendations</h2>", "<li>Keep burglary a priority.</li>",
             "<h2>Background and data information</h2>"]
    places = [html.index(piece) for piece in order]
    assert places == sorted(places)
    assert 'data-prompt="true"' not in html
    figures = json.loads((out / "figures.json").read_text())
    assert figures["commentary"]["source"] == "narrative.md"
    from docx import Document

    headings = [p.text for p in Document(str(out / "assessment.docx")).paragraphs if p.style.name.startswith("Heading")]
    word_order = ["Foreword", "Summary", "Progress on priorities", "Reducing Vulnerability", "Horizon scan",
                  "To conclude", "Recommendations", "Background and data information"]  # as the HTML
    assert [headings.index(h) for h in word_order] == sorted(headings.index(h) for h in word_order)


def test_without_a_narrative_the_report_prints_prompts_from_the_figures(partnership):
    out = _assess(partnership, "no-narrative")
    html = (out / "assessment.html").read_text()
    assert html.count('data-prompt="true"') == 5  # one per section
    conclusions = html[html.index('id="narrative-conclusions"'):html.index('id="narrative-recommendations"')]
    assert "<strong>Prompt</strong>" in conclusions
    assert "Recorded crime rose 17.9%, significant: what drove it?" in conclusions
    figures = json.loads((out / "figures.json").read_text())
    assert figures["own_work"]["included"] is False  # no casework database in this data folder
    assert "own casework is not included: the casework database was not read" in html


def test_init_narrative_writes_a_starter_that_reads_back(partnership):
    folder, run = partnership
    blank = folder / "blank.md"
    run("assess", "init-narrative", blank)
    assert [line for line in blank.read_text().splitlines() if line.startswith("# ")] == [
        "# Foreword", "# Priorities", "# Horizon scan", "# Conclusions", "# Recommendations"]
    run("assess", "init-narrative", blank, code=2)  # an existing file is kept without --force
    filled = folder / "filled.md"
    run("assess", "init-narrative", filled, "--area", "Gridshire", "--year", "2023/24", "--permutations", "99")
    text = filled.read_text()
    assert "> Prompt: Recorded crime rose 17.9%, significant: what drove it?" in text
    filled.write_text(text.replace("# Foreword\n", "# Foreword\nOur year as a partnership.\n", 1))
    out = _assess(partnership, "from-starter", "--narrative", filled)
    html = (out / "assessment.html").read_text()
    foreword = html[html.index('id="narrative-foreword"'):html.index("<h2>Summary</h2>")]
    assert "<p>Our year as a partnership.</p>" in foreword and "Prompt" not in foreword
    assert html.count('data-prompt="true"') == 4  # the other four sections still prompt


def test_assess_still_needs_area_and_out(partnership):
    _, run = partnership
    assert "Missing option '--area'" in run("assess", "--year", "2023/24", "--out", "x", code=2)
