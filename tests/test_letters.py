"""The letter engine (csphub.core.letters): placeholders checked against the list, a
partnership's template replacing ours, the version following the text, Word and PDF written."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

from csphub.core import letters

VALUES = {
    "letter_date": "3 March 2025", "case_reference": "ASB-2025-00012", "tool_name": "Community Protection Warning",
    "person_name": "Alex Brown", "person_address": "12 Castle Street", "person_postcode": "CT1 2AB", "premises": "",
    "conduct": "Playing loud music after 11pm\nShouting in the stairwell", "issued_on": "1 February 2025",
    "expires_on": "1 August 2025", "officer_name": "Sam Patel", "agency_name": "Council ASB Team",
    "reference": "ASB-2025-00012/CPW/17", "comply_by": "15 February 2025", "warning_date": "1 January 2025",
    "warning_reference": "ASB-2025-00012/CPW/9",
}


def docx_text(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def test_an_unknown_placeholder_names_the_file_the_line_and_the_placeholder(tmp_path: Path):
    (tmp_path / "cpw.txt").write_text("# Warning\n\nDear {{ person_name }},\nAbout {{ behaviour }}\n", encoding="utf-8")
    with pytest.raises(letters.LetterTemplateError) as raised:
        letters.render("cpw.txt", VALUES, "docx", letters_dir=tmp_path)
    message = str(raised.value)
    assert str(tmp_path / "cpw.txt") in message
    assert "line 4" in message
    assert "'behaviour'" in message


def test_a_field_not_closed_on_its_line_is_refused_with_its_line(tmp_path: Path):
    (tmp_path / "abc.txt").write_text("# Contract\nDear {{ person_name\n", encoding="utf-8")
    with pytest.raises(letters.LetterTemplateError, match="line 2"):
        letters.load_template("abc.txt", tmp_path).check()


@pytest.mark.parametrize("name", ["cpw.txt", "cpn.txt", "abc.txt", "s59_warning.txt"])
def test_every_built_in_template_uses_only_known_placeholders(name: str):
    template = letters.load_template(name, None)
    assert template.origin == letters.BUILT_IN
    template.check()
    assert "Alex Brown" in " ".join(line for block in template.fill(VALUES) for line in block.lines)


def test_the_partnerships_template_replaces_the_built_in_one(tmp_path: Path):
    built_in = letters.render("cpw.txt", VALUES, "docx", letters_dir=tmp_path)
    assert built_in.template.origin == letters.BUILT_IN
    assert "Community Protection Warning" in docx_text(built_in.content)[0]

    (tmp_path / "cpw.txt").write_text("# Medway Council warning\n\nTo {{ person_name }}\n", encoding="utf-8")
    ours = letters.render("cpw.txt", VALUES, "docx", letters_dir=tmp_path)
    assert ours.template.origin == str(tmp_path / "cpw.txt")
    assert docx_text(ours.content) == ["Medway Council warning", "To Alex Brown"]


def test_the_version_is_the_sha256_of_the_text_and_changes_with_it(tmp_path: Path):
    (tmp_path / "cpw.txt").write_text("# Warning\n\nTo {{ person_name }}\n", encoding="utf-8")
    first = letters.render("cpw.txt", VALUES, "docx", letters_dir=tmp_path).version
    # sha256 of the exact bytes of the text above, computed by hand with sha256sum
    assert first == "3d849acfd58ef6bafd2999b77cf46afb6021c12023322a138ab6abe7d64911a4"
    again = letters.render("cpw.txt", {**VALUES, "person_name": "Jo Smith"}, "docx", letters_dir=tmp_path).version
    assert again == first  # the values do not change the version, only the wording does
    (tmp_path / "cpw.txt").write_text("# Warning\n\nDear {{ person_name }}\n", encoding="utf-8")
    assert letters.render("cpw.txt", VALUES, "docx", letters_dir=tmp_path).version != first


def test_the_word_letter_holds_the_filled_values():
    letter = letters.render("cpw.txt", VALUES, "docx", letters_dir=None)
    assert letter.content_type.endswith("wordprocessingml.document")
    text = "\n".join(docx_text(letter.content))
    assert "Dear Alex Brown," in text
    assert "12 Castle Street\nCT1 2AB" in text  # the address block keeps its line breaks
    assert "Playing loud music after 11pm\nShouting in the stairwell" in text
    assert "Issued on: 1 February 2025\nApplies until: 1 August 2025" in text
    assert "{{" not in text


def test_a_blank_value_leaves_no_empty_line():
    letter = letters.render("cpw.txt", {**VALUES, "person_address": "", "person_postcode": ""}, "docx",
                            letters_dir=None)
    assert docx_text(letter.content)[2] == "Alex Brown"


def test_a_value_is_text_not_layout_or_markup():
    values = {**VALUES, "conduct": "# not a heading\n<b>shouting</b>"}
    blocks = letters.load_template("cpw.txt", None).fill(values)
    assert [b.lines for b in blocks if b.kind == "title"] == [("Community Protection Warning",)]
    assert "&lt;b&gt;shouting&lt;/b&gt;" in letters.to_html(blocks, "CPW")


def test_the_pdf_is_a_pdf():
    letter = letters.render("cpn.txt", VALUES, "pdf", letters_dir=None)
    assert letter.content.startswith(b"%PDF-")
    assert letter.content_type == "application/pdf"


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="docx, pdf"):
        letters.render("cpw.txt", VALUES, "odt", letters_dir=None)


@pytest.mark.parametrize(("heading", "placeholders"), [
    ("## Placeholders", letters.PLACEHOLDERS), ("## Case review placeholders", letters.CASE_REVIEW_PLACEHOLDERS)])
def test_the_letters_guide_lists_exactly_the_placeholders(heading: str, placeholders: dict[str, str]):
    guide = (Path(__file__).resolve().parents[1] / "docs" / "letters.md").read_text(encoding="utf-8")
    section = guide.split(heading + "\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE)
    assert sorted(listed) == sorted(placeholders)
    assert len(listed) == len(set(listed))


def test_a_list_in_a_bullet_line_makes_a_bullet_of_each_line():
    template = letters.Template("x.txt", letters.BUILT_IN, "# Outcome\n\n- {{ recommendations }}\n")
    blocks = template.fill({"recommendations": "Mediation (owner: Council)\nA management move (owner: Housing)"},
                           letters.CASE_REVIEW_PLACEHOLDERS)
    assert [b.lines for b in blocks if b.kind == "bullet"] == [("Mediation (owner: Council)",),
                                                               ("A management move (owner: Housing)",)]


def test_a_case_review_placeholder_is_refused_in_a_tools_letter_and_the_other_way_round(tmp_path: Path):
    (tmp_path / "cpw.txt").write_text("# Warning\n\nDear {{ applicant_name }}\n", encoding="utf-8")
    with pytest.raises(letters.LetterTemplateError, match="line 3.*'applicant_name'"):
        letters.load_template("cpw.txt", tmp_path).check()
    (tmp_path / "case_review_outcome.txt").write_text("# Outcome\n\n{{ conduct }}\n", encoding="utf-8")
    with pytest.raises(letters.LetterTemplateError, match="'conduct'"):
        letters.load_template("case_review_outcome.txt", tmp_path).check(letters.CASE_REVIEW_PLACEHOLDERS)


@pytest.mark.parametrize("name", ["case_review_acknowledgement.txt", "case_review_outcome.txt"])
def test_the_case_review_templates_use_only_case_review_placeholders(name: str):
    letters.load_template(name, None).check(letters.CASE_REVIEW_PLACEHOLDERS)


def test_the_cpn_letter_cites_the_warning_and_the_cpw_the_time_to_comply():
    cpn = "\n".join(docx_text(letters.render("cpn.txt", VALUES, "docx", letters_dir=None).content))
    assert "On 1 January 2025 you were given a written warning (our reference ASB-2025-00012/CPW/9)" in cpn
    assert "Our reference: ASB-2025-00012/CPW/17" in cpn
    cpw = "\n".join(docx_text(letters.render("cpw.txt", VALUES, "docx", letters_dir=None).content))
    assert "Time to comply ends: 15 February 2025" in cpw


@pytest.mark.parametrize("template", ["cpw.txt", "cpn.txt", "abc.txt"])
def test_a_letter_without_a_time_to_comply_or_an_end_date_still_reads_as_english(template):
    """The words put in when nothing is recorded ('now', 'no end date', as casework.letters fills
    them) sit after a label, never in a sentence ("stop this conduct by now", "until no end date")."""
    blank = {**VALUES, "comply_by": "now", "expires_on": "no end date"}
    text = "\n".join(docx_text(letters.render(template, blank, "docx", letters_dir=None).content))
    assert "by now" not in text and "until no end date" not in text
    assert re.search(r"^(Applies|Lasts) until: no end date$", text, re.M)
    if template == "cpw.txt":
        assert "Time to comply ends: now" in text.splitlines()
