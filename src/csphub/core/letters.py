"""Letters from templates a partnership can replace, as Word (python-docx) and PDF (WeasyPrint).

A template is a plain text file with ``{{ placeholder }}`` fields (those of a tool's letter,
``PLACEHOLDERS``, or of a case review letter, ``CASE_REVIEW_PLACEHOLDERS``). The built-in templates are in
``csphub/core/letter_templates/``; a partnership replaces one by putting a file of the same name
in ``<data directory>/letters/`` (the data directory is ``CSPHUB_DATA_DIR``). Every placeholder
a template may use is in ``PLACEHOLDERS`` (and docs/letters.md); any other name is an error that
names the file, the line and the placeholder, found before anything is written.

The layout is markdown-like and deliberately small: ``# `` starts the letter's title, ``## `` a
section heading, ``- `` a bullet (a value of several lines in a bullet makes a bullet of each);
lines next to each other form one paragraph and keep their line breaks (an address); a blank line ends a paragraph. A value is put in as text: it cannot
start a heading or carry markup, and its own line breaks are kept.

The version of a letter is the sha256 of its template's text, so a generated letter records
exactly which wording it was written from.

Examples:
    >>> t = Template("example.txt", "<built in>", "# Warning\\n\\nDear {{ person_name }}")
    >>> t.fill({"person_name": "Alex Brown"})[1].lines
    ('Dear Alex Brown',)
    >>> t.version == Template("x.txt", "", "# Warning\\n\\nDear {{ person_name }}").version
    True
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from csphub.errors import InputFileError, InputProblem

#: Every placeholder a letter template may use, and what it is filled with.
PLACEHOLDERS: dict[str, str] = {
    "letter_date": "the date the letter is generated, e.g. 3 March 2025",
    "case_reference": "the reference of the case the letter is written on, e.g. ASB-2025-00012",
    "tool_name": "the tool or power the letter is about, e.g. Community Protection Warning",
    "person_name": "the full name of the person the warning, notice or contract is issued to",
    "person_address": "that person's address as recorded (one line), or blank",
    "person_postcode": "that person's postcode as recorded, or blank",
    "premises": "the premises or vehicle the intervention names, or blank",
    "conduct": "the conduct the intervention is about, as recorded on it (its line breaks kept)",
    "issued_on": "the date the intervention was issued, e.g. 1 February 2025",
    "expires_on": "the date it ends, e.g. 1 August 2025, or 'no end date' when none is recorded",
    "officer_name": "the full name of the officer who issued it (their user name if no name is set)",
    "agency_name": "the agency that issued it, e.g. Council ASB Team",
    "reference": "the intervention's own reference, e.g. ASB-2025-00012/CPW/17",
    "comply_by": "a warning: the last day it gives to comply, e.g. 15 February 2025, or 'now' when none is recorded",
    "warning_date": "a notice: the date of the warning it follows, e.g. 1 February 2025, or blank",
    "warning_reference": "a notice: the reference of the warning it follows, e.g. ASB-2025-00012/CPW/17, or blank",
}

#: The placeholders of the ASB Case Review letters to the applicant (csphub.casereview.letters).
CASE_REVIEW_PLACEHOLDERS: dict[str, str] = {
    "letter_date": "the date the letter is generated, e.g. 3 March 2025",
    "review_reference": "the case review's reference, e.g. CR-2025-00004",
    "case_reference": "the reference of the ASB case it is linked to, or blank",
    "applicant_name": "the full name of the applicant",
    "applicant_address": "the applicant's address as recorded (one line), or blank",
    "applicant_postcode": "the applicant's postcode as recorded, or blank",
    "on_behalf_of": "who applied for the victim, or blank",
    "behaviour": "the behaviour the application complains of (its line breaks kept)",
    "received_on": "the date the application was received, e.g. 1 February 2025",
    "decide_by": "the date the decision on the threshold is due by (working days, CSPHUB_CASE_REVIEW_DECIDE_DAYS)",
    "decided_on": "the date the threshold was decided, or blank",
    "decision": "what was decided, e.g. 'the threshold for a case review is met', or blank",
    "decision_reason": "the reason recorded for the decision (or the discretion), or blank",
    "review_held_on": "the date the review meeting was held, or blank",
    "chair": "the chair of the review meeting (and the independent chair, if any), or blank",
    "review_summary": "a sentence: when the review meeting was held and who chaired it, or that no review "
                      "was held (the threshold not met)",
    "recommendations": "one line per recommendation: what, the agency that owns it and its due date; "
                       "in a bullet line (`- {{ recommendations }}`) each becomes a bullet",
    "agency_name": "the agency that received the application, e.g. Council ASB Team",
    "officer_name": "the full name of the officer writing the letter",
}

FORMATS: dict[str, tuple[str, str]] = {  # format -> (file extension, content type)
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("pdf", "application/pdf"),
}

FIELD = re.compile(r"\{\{(.*?)\}\}")
NAME = re.compile(r"[a-z0-9_]+")
OVERRIDE_FOLDER = "letters"


class LetterTemplateError(InputFileError):
    """A template uses a placeholder that does not exist (file, line and placeholder named)."""


@dataclass(frozen=True)
class Block:
    """One piece of a letter: a title (level 1), a heading (2), a paragraph or a bullet."""

    kind: str  # "title" | "heading" | "paragraph" | "bullet"
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    name: str    # the file name, e.g. "cpw.txt"
    origin: str  # where it was read from: the override's path, or "<built in>"
    text: str

    @property
    def version(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def check(self, placeholders: Mapping[str, str] = PLACEHOLDERS) -> None:
        """Every ``{{ field }}`` is a known placeholder; LetterTemplateError names the first that is not."""
        for number, line in enumerate(self.text.splitlines(), start=1):
            if "{{" in FIELD.sub("", line) or "}}" in FIELD.sub("", line):
                raise self._error(number, line.strip(), "a placeholder written {{ name }} on one line")
            for match in FIELD.finditer(line):
                name = match.group(1).strip()
                if name not in placeholders:
                    raise self._error(number, name, f"one of the placeholders {', '.join(placeholders)}")

    def _error(self, line: int, value: str, expected: str) -> LetterTemplateError:
        where = self.name if self.origin == BUILT_IN else self.origin
        return LetterTemplateError(InputProblem(where, line, "placeholder", value, expected))

    def fill(self, values: Mapping[str, str], placeholders: Mapping[str, str] = PLACEHOLDERS) -> list[Block]:
        """The letter's blocks with every placeholder replaced by its value (checked first)."""
        self.check(placeholders)
        missing = sorted({m.group(1).strip() for m in FIELD.finditer(self.text)} - set(values))
        if missing:  # a programming error: the caller must fill every placeholder it offers
            raise KeyError(f"no value for {', '.join(missing)} in {self.name}")
        return _blocks(self.text, values)


BUILT_IN = "<built in>"


def _substitute(line: str, values: Mapping[str, str]) -> list[str]:
    """The line with its fields filled; a value's own line breaks make further lines, and a line
    left empty by blank values (an address not recorded) is dropped."""
    filled = FIELD.sub(lambda m: values[m.group(1).strip()], line)
    return [part for part in filled.splitlines() if part.strip()]


def _blocks(text: str, values: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block("paragraph", tuple(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        for prefix, kind in (("# ", "title"), ("## ", "heading"), ("- ", "bullet")):
            if line.startswith(prefix):
                end_paragraph()
                filled = _substitute(line[len(prefix):], values)
                if kind == "bullet":  # a value of several lines (a list) is a bullet each
                    blocks += [Block(kind, (part,)) for part in filled]
                else:
                    blocks.append(Block(kind, tuple(filled)))
                break
        else:
            if line.strip():
                paragraph.extend(_substitute(line, values))
            else:
                end_paragraph()
    end_paragraph()
    return blocks


def load_template(name: str, letters_dir: Path | None) -> Template:
    """The partnership's own template ``letters_dir/name`` if there is one, else the built-in one.

    ``letters_dir`` is ``<data directory>/letters`` (``default_letters_dir()``); None uses only the
    built-in templates.
    """
    if Path(name).name != name or not NAME.fullmatch(Path(name).stem):
        raise ValueError(f"not a letter template name: {name!r}")
    if letters_dir is not None and (letters_dir / name).is_file():
        path = letters_dir / name
        return Template(name, str(path), path.read_text(encoding="utf-8"))
    built_in = resources.files("csphub.core") / "letter_templates" / name
    return Template(name, BUILT_IN, built_in.read_text(encoding="utf-8"))


def default_letters_dir() -> Path:
    """``<data directory>/letters``, where a partnership puts the templates that replace ours."""
    from django.conf import settings

    return Path(settings.CSPHUB.data_dir) / OVERRIDE_FOLDER


def to_docx(blocks: list[Block]) -> bytes:
    from docx import Document

    doc = Document()
    for block in blocks:
        if block.kind == "title":
            doc.add_heading(" ".join(block.lines), 1)
        elif block.kind == "heading":
            doc.add_heading(" ".join(block.lines), 2)
        else:
            paragraph = doc.add_paragraph(style="List Bullet" if block.kind == "bullet" else None)
            for i, line in enumerate(block.lines):
                run = paragraph.add_run(line)
                if i < len(block.lines) - 1:
                    run.add_break()
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


STYLE = ("@page { size: A4; margin: 2.5cm }"
         " body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4 }"
         " h1 { font-size: 18pt } h2 { font-size: 13pt; margin-top: 1.2em }")


def to_html(blocks: list[Block], title: str) -> str:
    parts: list[str] = []
    bullets: list[str] = []
    for block in blocks + [Block("end", ())]:
        if block.kind != "bullet" and bullets:
            parts.append("<ul>" + "".join(bullets) + "</ul>")
            bullets = []
        text = "<br>".join(html.escape(line) for line in block.lines)
        if block.kind == "title":
            parts.append(f"<h1>{text}</h1>")
        elif block.kind == "heading":
            parts.append(f"<h2>{text}</h2>")
        elif block.kind == "bullet":
            bullets.append(f"<li>{text}</li>")
        elif block.kind == "paragraph":
            parts.append(f"<p>{text}</p>")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>")


def to_pdf(blocks: list[Block], title: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(blocks, title)).write_pdf()


@dataclass(frozen=True)
class Letter:
    content: bytes
    content_type: str
    extension: str
    template: Template

    @property
    def version(self) -> str:
        return self.template.version


def render(name: str, values: Mapping[str, str], fmt: str, *, letters_dir: Path | None,
           placeholders: Mapping[str, str] = PLACEHOLDERS) -> Letter:
    """The letter from template ``name`` (the partnership's if it has one) in ``fmt`` (docx or pdf);
    ``placeholders`` are those its kind of letter may use (PLACEHOLDERS or CASE_REVIEW_PLACEHOLDERS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown letter format {fmt!r}; expected one of {', '.join(FORMATS)}")
    template = load_template(name, letters_dir)
    blocks = template.fill(values, placeholders)
    title = next((" ".join(b.lines) for b in blocks if b.kind == "title"), name)
    content = to_docx(blocks) if fmt == "docx" else to_pdf(blocks, title)
    extension, content_type = FORMATS[fmt]
    return Letter(content, content_type, extension, template)
