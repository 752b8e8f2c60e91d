"""The Word draft: the HTML report walked element by element into python-docx, so the Word file
has the same sections in the same order, the same prose, each chart where the HTML puts it and
the partial-data banner at the top, with no second hand-kept list of sections to drift.

``<h1>`` is the document title, ``<h2>``/``<h3>``/``<h4>`` are Word's Heading 1/2/3 (the
navigation pane lists them), ``<table>`` a Word table whose heading row repeats on every page,
``<figure>`` the chart's PNG with its caption, the warning banner an "Intense Quote" paragraph,
footnotes (the months marked ``*``) small text under their table.

Examples:
    >>> import io
    >>> from docx import Document
    >>> out = io.BytesIO()
    >>> html_to_docx("<body><h1>Gridshire</h1><h2>Summary</h2><p>Crime <strong>rose</strong>.</p>"
    ...              "<table><thead><tr><th>Measure</th></tr></thead><tbody><tr><td>1,351</td></tr>"
    ...              "</tbody></table></body>", out)
    >>> doc = Document(out)
    >>> [(p.style.name, p.text) for p in doc.paragraphs]
    [('Title', 'Gridshire'), ('Heading 1', 'Summary'), ('Normal', 'Crime rose.')]
    >>> doc.tables[0].cell(1, 0).text, is_repeated_header(doc.tables[0].rows[0])
    ('1,351', True)
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import IO

HEADINGS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3, "h5": 4}
BLOCKS = {"p", "ul", "ol", "table", "figure", "div", *HEADINGS}
INLINE_BOLD, INLINE_ITALIC, INLINE_CODE = {"strong", "b", "th"}, {"em", "i"}, {"code"}
#: a paragraph's class -> Word style (the banner, the inset licence, the prompts)
CLASS_STYLES = {"warning": "Intense Quote", "inset": "Quote", "subtitle": "Subtitle"}
SMALL = 8.5  # points: notes and footnotes, as the HTML's .small


def html_to_docx(html: str, target: Path | IO[bytes], title: str | None = None) -> None:
    """Write the Word draft of ``html`` (the assessment's own HTML) to a path or binary handle."""
    import lxml.html
    from docx import Document

    root = lxml.html.document_fromstring(html)
    doc = Document()
    _a4(doc)
    if title:
        doc.core_properties.title = title
    body = root.find("body")
    _blocks(doc, body if body is not None else root, classes=())
    doc.save(str(target) if isinstance(target, Path) else target)


def _a4(doc) -> None:
    """A4 with 2 cm margins (the text block 17 cm wide), as the PDF."""
    from docx.shared import Cm

    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)


def _classes(element) -> tuple[str, ...]:
    return tuple((element.get("class") or "").split())


def _blocks(doc, parent, classes: tuple[str, ...]) -> None:
    """Each block child of ``parent`` in order; loose text between them as a paragraph."""
    for element in parent.iterchildren():
        if not isinstance(element.tag, str):  # a comment
            continue
        tag = element.tag.lower()
        mine = classes + _classes(element)
        if tag in HEADINGS:
            doc.add_heading(_text(element), HEADINGS[tag])
        elif tag in ("ul", "ol"):
            for item in element.iterchildren("li"):
                _paragraph(doc, item, "List Bullet" if tag == "ul" else "List Number", mine)
        elif tag == "table":
            _table(doc, element, mine)
        elif tag == "figure":
            _figure(doc, element)
        elif tag == "div" and any(isinstance(c.tag, str) and c.tag.lower() in BLOCKS for c in element):
            _blocks(doc, element, mine)
        elif tag in ("p", "div"):
            _paragraph(doc, element, None, mine)


def _style(classes: tuple[str, ...]) -> str | None:
    return next((CLASS_STYLES[c] for c in classes if c in CLASS_STYLES), None)


def _paragraph(doc, element, style: str | None, classes: tuple[str, ...]):
    paragraph = doc.add_paragraph(style=style or _style(classes))
    _runs(paragraph, element, bold=False, italic="prompt" in classes)
    if "small" in classes or "footnote" in classes:
        from docx.shared import Pt

        for run in paragraph.runs:
            run.font.size = Pt(SMALL)
    return paragraph


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "")


def _runs(paragraph, element, bold: bool, italic: bool) -> None:
    """The element's text as runs, bold/italic/code where the HTML marks it."""
    if element.text:
        _add_run(paragraph, _clean(element.text), bold, italic, False)
    for child in element.iterchildren():
        if isinstance(child.tag, str):
            tag = child.tag.lower()
            if tag == "br":
                paragraph.add_run().add_break()
            elif len(child):
                _runs(paragraph, child, bold or tag in INLINE_BOLD, italic or tag in INLINE_ITALIC)
            else:
                _add_run(paragraph, _clean(child.text), bold or tag in INLINE_BOLD,
                         italic or tag in INLINE_ITALIC, tag in INLINE_CODE)
        if child.tail:
            _add_run(paragraph, _clean(child.tail), bold, italic, False)
    if paragraph.runs:  # no leading or trailing blank from the template's line breaks
        paragraph.runs[0].text = paragraph.runs[0].text.lstrip()
        paragraph.runs[-1].text = paragraph.runs[-1].text.rstrip()


def _add_run(paragraph, text: str, bold: bool, italic: bool, code: bool) -> None:
    if not text:
        return
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if code:
        run.font.name = "Courier New"


def _text(element) -> str:
    return _clean(element.text_content()).strip()


def _table(doc, element, classes: tuple[str, ...]) -> None:
    """A caption paragraph, then the table: the ``<thead>`` row (or rows) marked to repeat at
    the top of each page, numbers right-aligned as in the HTML."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    caption = element.find("caption")
    if caption is not None:
        doc.add_paragraph(_text(caption), style="Caption")
    head = [row for row in element.iterfind("thead/tr")]
    rows = head + [row for row in element.iter("tr") if row not in head]
    if not rows:
        return
    width = max(len(row.findall("th") + row.findall("td")) for row in rows)
    grid = doc.add_table(rows=0, cols=width)
    grid.style = "Light Grid Accent 1"
    for number, row in enumerate(rows):
        cells = grid.add_row().cells
        for cell, source in zip(cells, [c for c in row if isinstance(c.tag, str) and c.tag in ("th", "td")],
                                strict=False):
            paragraph = cell.paragraphs[0]  # a new cell's one empty paragraph
            _runs(paragraph, source, bold=source.tag == "th", italic=False)
            if "num" in _classes(source):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if number < len(head):
            mark_repeated_header(grid.rows[number])


def mark_repeated_header(row) -> None:
    """Word's "Repeat as header row at the top of each page" (``w:tblHeader``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def is_repeated_header(row) -> bool:
    from docx.oxml.ns import qn

    properties = row._tr.trPr
    return properties is not None and properties.find(qn("w:tblHeader")) is not None


def _figure(doc, element) -> None:
    """The chart's PNG (from its data: URI) at the text width, then its caption."""
    from docx.shared import Cm

    image = element.find(".//img")
    if image is None:
        return
    source = image.get("src") or ""
    if source.startswith("data:image/png;base64,"):
        doc.add_picture(io.BytesIO(base64.b64decode(source.split(",", 1)[1])), width=Cm(16))
    caption = element.find("figcaption")
    if caption is not None:
        doc.add_paragraph(_text(caption), style="Caption")
