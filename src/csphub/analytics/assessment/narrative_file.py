"""The partnership's own words in the assessment: a narrative file (``--narrative FILE``).

The seed Strategic Assessment opens with the Chair's **foreword** (its "Introduction"), reports
**progress on each priority** of the Community Safety Plan ending with "Aims and items to note
for the Community Safety Partnership", looks ahead (a **horizon scan**: the cost of living, new
duties) and closes with **conclusions** ("To Conclude") and **recommendations**. The figures
cannot write these; the partnership does, in Markdown or YAML, and each section lands where the
seed puts it. A section left empty (or the whole file absent) is replaced in the report by
data-driven prompts, marked as prompts (:func:`csphub.analytics.assessment.narrative.prompts`).

Markdown: a ``#`` heading per section; under ``# Priorities`` a ``##`` heading per priority,
with ``### Progress`` and ``### Aims and items to note`` (text straight under the priority is
its progress). Paragraphs are separated by blank lines; ``-`` lines are list items; lines
starting ``>`` are prompts (as ``csphub assess init-narrative`` writes them) and are ignored.

YAML: a mapping with the keys ``foreword``, ``priorities`` (a list of ``name``, ``progress``,
``aims``), ``horizon_scan``, ``conclusions``, ``recommendations``; each text a string or a list
of strings (list items).

Examples:
    >>> parsed = parse_markdown("# Foreword\\nA safe year.\\n\\n# Priorities\\n## Reducing Vulnerability\\n"
    ...                         "Panels met monthly.\\n### Aims and items to note\\n- Recruit\\n", "n.md")
    >>> parsed["foreword"], parsed["priorities"][0]["name"], parsed["priorities"][0]["aims"]
    ([{'type': 'paragraph', 'text': 'A safe year.'}], 'Reducing Vulnerability', [{'type': 'item', 'text': 'Recruit'}])
    >>> parse_markdown("# Forward\\ntext\\n", "n.md")
    Traceback (most recent call last):
    ...
    csphub.errors.InputFileError: n.md, line 1, field 'section': got 'Forward'; expected one of the sections: Foreword, Priorities, Horizon scan, Conclusions, Recommendations
"""

from __future__ import annotations

import re
from pathlib import Path

from csphub.errors import InputFileError, InputProblem

#: Section key -> title, in the order of the seed Strategic Assessment.
SECTIONS: dict[str, str] = {
    "foreword": "Foreword",
    "priorities": "Priorities",
    "horizon_scan": "Horizon scan",
    "conclusions": "Conclusions",
    "recommendations": "Recommendations",
}
#: The titles the report prints for each section.
REPORT_TITLES: dict[str, str] = {
    "foreword": "Foreword",
    "priorities": "Progress on priorities",
    "horizon_scan": "Horizon scan",
    "conclusions": "To conclude",
    "recommendations": "Recommendations",
}
#: Other headings accepted for a section (lower case): the seed's own words among them.
ALIASES: dict[str, str] = {
    "introduction": "foreword", "progress on priorities": "priorities",
    "progress on existing priorities": "priorities", "looking ahead": "horizon_scan",
    "horizon scanning": "horizon_scan", "to conclude": "conclusions", "conclusion": "conclusions",
    "conclusions and recommendations": "conclusions",
}
PRIORITY_PARTS: dict[str, str] = {
    "progress": "progress", "aims and items to note": "aims", "aims": "aims",
    "aims and items to note for the community safety partnership": "aims",
}
AIMS_TITLE = "Aims and items to note for the Community Safety Partnership"


def section_key(heading: str) -> str | None:
    """The section a heading names, or None.

    Examples:
        >>> section_key("To Conclude"), section_key("horizon scan"), section_key("Plans")
        ('conclusions', 'horizon_scan', None)
    """
    name = " ".join(heading.lower().split())
    for key, title in SECTIONS.items():
        if name in (title.lower(), key.replace("_", " ")):
            return key
    return ALIASES.get(name)


def empty() -> dict:
    return {"foreword": [], "priorities": [], "horizon_scan": [], "conclusions": [], "recommendations": []}


def blocks(lines: list[str]) -> list[dict]:
    """Paragraphs (lines run together up to a blank line) and list items (``-``, ``*``, ``1.``).

    Examples:
        >>> blocks(["One", "line.", "", "- an item", "- another", "> a prompt"])
        [{'type': 'paragraph', 'text': 'One line.'}, {'type': 'item', 'text': 'an item'}, {'type': 'item', 'text': 'another'}]
    """
    out: list[dict] = []
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            out.append({"type": "paragraph", "text": " ".join(paragraph)})
            paragraph.clear()

    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(">"):
            close()
            continue
        item = re.match(r"^(?:[-*+]|\d+[.)])\s+(.*)", line)
        if item:
            close()
            out.append({"type": "item", "text": item.group(1).strip()})
        else:
            paragraph.append(line)
    close()
    return out


def _problem(source: str, line: int, field: str, value: str, expected: str) -> InputFileError:
    return InputFileError(InputProblem(source, line, field, value, expected))


EXPECTED_SECTIONS = "one of the sections: " + ", ".join(SECTIONS.values())


def parse_markdown(text: str, source: str) -> dict:  # noqa: C901 - one pass over the headings
    """The sections of a Markdown narrative; InputFileError naming the line of an unknown or
    repeated section, a priority outside ``# Priorities`` or an unknown part of a priority."""
    parsed = empty()
    lines: dict[str, list[str]] = {}
    section: str | None = None
    priority: dict | None = None
    part = "progress"
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", raw)
        if heading is None:
            if raw.strip() and not raw.strip().startswith(">") and section is None:
                raise _problem(source, number, "section", raw.strip()[:60],
                               "a '# Section' heading before any text (" + EXPECTED_SECTIONS + ")")
            target = f"{id(priority)}:{part}" if priority is not None else section
            lines.setdefault(target or "", []).append(raw)
            continue
        level, title = len(heading.group(1)), heading.group(2)
        if level == 1:
            key = section_key(title)
            if key is None:
                raise _problem(source, number, "section", title, EXPECTED_SECTIONS)
            if key in seen:
                raise _problem(source, number, "section", title,
                               f"each section once ({SECTIONS[key]} is already at line {seen[key]})")
            seen[key], section, priority = number, key, None
        elif level == 2 and section == "priorities":
            priority, part = {"name": title, "line": number, "progress": [], "aims": []}, "progress"
            parsed["priorities"].append(priority)
        elif level == 3 and priority is not None and title.lower().strip() in PRIORITY_PARTS:
            part = PRIORITY_PARTS[title.lower().strip()]
        elif level == 3 and priority is not None:
            raise _problem(source, number, "priority part", title,
                           "'### Progress' or '### Aims and items to note' under a priority")
        else:
            where = f"the {SECTIONS[section]} section" if section else "no section"
            raise _problem(source, number, "heading", title,
                           f"'#' headings for the sections ({', '.join(SECTIONS.values())}) and, under "
                           f"'# Priorities' only, '##' per priority (got a level-{level} heading in {where})")
    for key in SECTIONS:
        if key != "priorities":
            parsed[key] = blocks(lines.get(key, []))
    for p in parsed["priorities"]:
        p["progress"] = blocks(lines.get(f"{id(p)}:progress", []))
        p["aims"] = blocks(lines.get(f"{id(p)}:aims", []))
    stray = blocks(lines.get("priorities", []))
    if stray:
        raise _problem(source, seen["priorities"] + 1, "priority", stray[0]["text"][:60],
                       "a '## Priority name' heading before the text of a priority")
    return parsed


def _yaml_text(node, source: str, field: str) -> list[dict]:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return blocks(str(node.value).splitlines()) if node.value not in (None, "", "~", "null") else []
    if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode) for n in node.value):
        return [{"type": "item", "text": str(n.value).strip()} for n in node.value if str(n.value).strip()]
    raise _problem(source, node.start_mark.line + 1, field, node.tag.rsplit(":", 1)[-1],
                   "text, or a list of lines (list items)")


def _yaml_priority(node, source: str) -> dict:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise _problem(source, node.start_mark.line + 1, "priorities", str(getattr(node, "value", ""))[:60],
                       "a mapping with name, progress and aims")
    priority: dict = {"name": None, "line": node.start_mark.line + 1, "progress": [], "aims": []}
    for key, value in node.value:
        name = str(key.value).lower().replace("_", " ").strip()
        if name in ("name", "priority"):
            priority["name"] = str(value.value).strip()
        elif name in PRIORITY_PARTS:
            priority[PRIORITY_PARTS[name]] = _yaml_text(value, source, f"priorities.{key.value}")
        else:
            raise _problem(source, key.start_mark.line + 1, "priority part", str(key.value),
                           "name, progress or aims (aims and items to note)")
    if not priority["name"]:
        raise _problem(source, priority["line"], "priorities.name", "", "the priority's name")
    return priority


def parse_yaml(text: str, source: str) -> dict:
    """The sections of a YAML narrative, with the same errors as :func:`parse_markdown`."""
    import yaml

    try:
        root = yaml.compose(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise _problem(source, mark.line + 1 if mark else 1, "yaml", str(getattr(e, "problem", e)),
                       "valid YAML") from e
    parsed = empty()
    if root is None:
        return parsed
    if not isinstance(root, yaml.MappingNode):
        raise _problem(source, root.start_mark.line + 1, "section", "", "a mapping of " + EXPECTED_SECTIONS)
    for key, value in root.value:
        name = section_key(str(key.value).replace("_", " "))
        if name is None:
            raise _problem(source, key.start_mark.line + 1, "section", str(key.value), EXPECTED_SECTIONS)
        if name != "priorities":
            parsed[name] = _yaml_text(value, source, str(key.value))
        elif isinstance(value, yaml.SequenceNode):
            parsed["priorities"] = [_yaml_priority(n, source) for n in value.value]
        elif not (isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null")):
            raise _problem(source, value.start_mark.line + 1, "priorities", "", "a list of priorities")
    return parsed


def load_narrative(path: Path | None) -> dict | None:
    """The narrative file's sections (Markdown, or YAML for .yaml/.yml), or None without one.
    Errors name the file by its name only (never a local path in a report)."""
    if path is None:
        return None
    text = Path(path).read_text(encoding="utf-8")
    parse = parse_yaml if Path(path).suffix.lower() in (".yaml", ".yml") else parse_markdown
    parsed = parse(text, str(path))
    parsed["source"] = Path(path).name
    return parsed


def from_activity(activity: list[dict]) -> list[dict]:
    """The older ``--activity`` file (``## Priority`` headings, then the work) as priorities
    whose progress is that work."""
    return [{"name": item["priority"], "line": None, "aims": [],
             "progress": [{"type": "paragraph", "text": p} for p in item["paragraphs"]]} for item in activity]


def commentary(parsed: dict | None, prompts: dict[str, list[str]], activity: list[dict] | None = None) -> dict:
    """``figures["commentary"]``: each section, in the seed's order, with the partnership's text
    or, where it wrote none, the prompts (``written`` false)."""
    parsed = parsed or empty()
    # a priority with neither progress nor aims (e.g. the starter file's) is a heading to fill in
    priorities = ([p for p in parsed["priorities"] if p["progress"] or p["aims"]]
                  or from_activity(activity or []))
    sections = {}
    for key in SECTIONS:
        content = priorities if key == "priorities" else parsed[key]
        written = bool(content)
        sections[key] = {"title": REPORT_TITLES[key], "written": written,
                         **({"priorities": [{k: v for k, v in p.items() if k != "line"} for p in priorities]}
                            if key == "priorities" else {"blocks": content}),
                         "prompts": [] if written else prompts.get(key, [])}
    source = parsed.get("source") or ("--activity file" if activity and not parsed["priorities"] else None)
    return {"source": source, "aims_title": AIMS_TITLE, "sections": sections}


def starter_markdown(prompts: dict[str, list[str]] | None = None, area: str | None = None,
                     year: str | None = None) -> str:
    """A narrative file to fill in: every section heading, a priority to copy, and the prompts
    (as ``>`` lines, which the parser ignores) when figures were given.

    Examples:
        >>> text = starter_markdown()
        >>> [line for line in text.splitlines() if line.startswith("#")][:3]
        ['# Foreword', '# Priorities', '## Name of the first priority']
        >>> parse_markdown(text, "starter.md")["foreword"]
        []
    """
    out = []
    if area or year:
        out += [f"> Narrative for the Strategic Assessment of {area or 'the area'} {year or ''}".rstrip()
                + ". Write under each heading; lines starting '>' are prompts and are ignored.", ""]
    else:
        out += ["> Write under each heading; lines starting '>' are prompts and are ignored.", ""]
    for key, title in SECTIONS.items():
        out.append(f"# {title}")
        out += [f"> Prompt: {p}" for p in (prompts or {}).get(key, [])]
        if key == "priorities":
            out += ["", "## Name of the first priority", "", "### Progress", "", "### Aims and items to note", ""]
        out.append("")
    return "\n".join(out)
