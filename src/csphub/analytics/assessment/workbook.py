"""The assessment workbook: one sheet per report table with numbers an analyst can work with,
then the Coverage, Sources and CSS sheets, all through the one safe writer
(:mod:`csphub.spreadsheets`).

Each table's display text becomes a typed cell: a count ``1,234`` an integer shown ``#,##0``,
a rate ``40.0`` a number shown to the decimals printed (``#,##0.0``), a share ``12.5%`` the
fraction 0.125 shown ``0.0%``; an interval ``3.1 to 4.5`` two numeric cells (lower, upper) and
a change ``+17.9% (rise)`` a signed percentage beside its words. In a column of numbers where
some cells say why there is none (a change column's "not comparable", "no comparison", "not
available (..)"), the number cells stay numbers and the others are left empty, their words in a
"(note)" column beside it. Other text stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from csphub.analytics.assessment.tables import ReportTable
from csphub.spreadsheets import Formatted, Sheet, write_xlsx

COUNT, PERCENT, SIGNED_PERCENT = "#,##0", "0.0%", "+0.0%;-0.0%;0.0%"
_NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?"
INTERVAL = re.compile(rf"^({_NUMBER})(%?) to ({_NUMBER})(%?)$")
CHANGE = re.compile(rf"^({_NUMBER})% \((.+)\)$")


def excel_value(value):
    """A display value as a typed cell (a :class:`Formatted` number) or the text as it is.

    Examples:
        >>> excel_value("1,234"), excel_value("12.5%"), excel_value("Noise")
        (Formatted(value=1234, number_format='#,##0'), Formatted(value=0.125, number_format='0.0%'), 'Noise')
        >>> excel_value("150.1"), excel_value("0.0012"), excel_value("+17.9%")
        (Formatted(value=150.1, number_format='#,##0.0'), Formatted(value=0.0012, number_format='#,##0.0000'), \
Formatted(value=0.179, number_format='+0.0%;-0.0%;0.0%'))
    """
    if not isinstance(value, str):
        return value
    plain = value.strip()
    if re.fullmatch(rf"{_NUMBER}%", plain):
        number = float(plain[:-1].replace(",", "")) / 100
        return Formatted(round(number, 6), SIGNED_PERCENT if plain[0] in "+-" else PERCENT)
    if re.fullmatch(_NUMBER, plain) and plain[0] != "+":
        digits = plain.replace(",", "")
        if "." not in digits:
            return Formatted(int(digits), COUNT)
        return Formatted(float(digits), COUNT + "." + "0" * len(digits.split(".")[1]))
    return value


def _split_interval(value) -> list:
    match = INTERVAL.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return [excel_value(value), None]
    low, low_pct, high, high_pct = match.groups()
    return [excel_value(low + low_pct), excel_value(high + high_pct)]


def _split_change(value) -> list:
    match = CHANGE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return [None, excel_value(value)]
    return [excel_value(match.group(1) + "%"), match.group(2)]


#: tables whose rows are measures (a column holds one area's different measures): never split
ROW_TABLES = {"Summary"}
#: text that stands in a number's place to say there is none
MARKERS = ("not ", "no ")


def _mixed(heading: str, values: list) -> bool:
    """A column of numbers in which some cells say why there is no number: a change or a
    comparison column with any text beside its numbers, or any column whose text is only
    markers ("not available (..)", "no comparison")."""
    typed = [excel_value(v) for v in values]
    text = [v for v, t in zip(values, typed, strict=True) if not isinstance(t, Formatted)]
    if not text or len(text) == len(values):
        return False
    comparison = any(word in heading.casefold() for word in ("change", "earlier"))
    return comparison or all(str(v).strip().startswith(MARKERS) for v in text)


def _split_note(value) -> list:
    """A number and no note, or no number and the text as the note.

    Examples:
        >>> _split_note("-3.2%"), _split_note("not comparable"), _split_note("")
        ([Formatted(value=-0.032, number_format='+0.0%;-0.0%;0.0%'), None], [None, 'not comparable'], [None, None])
    """
    typed = excel_value(value)
    if isinstance(typed, Formatted):
        return [typed, None]
    return [None, value or None]


def _is(pattern: re.Pattern, value) -> bool:
    return isinstance(value, str) and bool(pattern.match(value.strip()))


def table_rows(table: ReportTable) -> list[list]:
    """The table's headings and rows as typed cells; an interval row (the Summary's "95% CI of
    the rate") becomes a lower and an upper row, a change row a percentage row and a words row,
    and an interval or change column two columns.

    Examples:
        >>> t = ReportTable("S", "S", ["Measure", "Crime"], [["Total", "1,351"], ["95% CI", "142.2 to 158.3"]])
        >>> [[getattr(v, "value", v) for v in row] for row in table_rows(t)]
        [['Measure', 'Crime'], ['Total', 1351], ['95% CI (lower)', 142.2], ['95% CI (upper)', 158.3]]
        >>> t = ReportTable("W", "W", ["Ward", "Crime", "Change"], [["A", "1,296", "+18.2% (rise)"], ["B", "0", ""]])
        >>> [[getattr(v, "value", v) for v in row] for row in table_rows(t)]
        [['Ward', 'Crime', 'Change (%)', 'Change'], ['A', 1296, 0.182, 'rise'], ['B', 0, None, '']]
    """
    rows: list[list] = []
    for row in table.rows:
        rest = [v for v in row[1:] if v not in ("", None)]
        if rest and all(_is(INTERVAL, v) for v in rest):
            split = [_split_interval(v) for v in row[1:]]
            rows += [[f"{row[0]} (lower)", *[s[0] for s in split]], [f"{row[0]} (upper)", *[s[1] for s in split]]]
        elif rest and any(_is(CHANGE, v) for v in rest) and not any(isinstance(excel_value(v), Formatted) for v in rest):
            split = [_split_change(v) for v in row[1:]]
            rows += [[f"{row[0]} (%)", *[s[0] for s in split]], [row[0], *[s[1] for s in split]]]
        else:
            rows.append(list(row))
    columns: list[str] = []
    splitters: list[Callable[[Any], list[Any]]] = []
    for index, heading in enumerate(table.columns):
        values = [r[index] for r in rows if index < len(r) and r[index] not in ("", None)]
        if index and values and all(_is(INTERVAL, v) for v in values):
            columns += [f"{heading} (lower)", f"{heading} (upper)"]
            splitters.append(_split_interval)
        elif index and any(_is(CHANGE, v) for v in values) and not any(
                isinstance(excel_value(v), Formatted) for v in values):  # changes and words only
            columns += [f"{heading} (%)", heading]
            splitters.append(_split_change)
        elif index and table.key not in ROW_TABLES and _mixed(heading, values):
            columns += [heading, f"{heading} (note)"]  # the number, or empty and why not
            splitters.append(_split_note)
        else:
            columns.append(heading)
            splitters.append(lambda v: [excel_value(v)])
    typed = [[cell for value, split in zip(row, splitters, strict=False) for cell in split(value)] for row in rows]
    return [columns, *typed]


def table_sheet(table: ReportTable) -> Sheet:
    """Its title, its headings (bold), its rows, then its footnote."""
    return Sheet(table.key[:31], [[table.title], *table_rows(table),
                                  *([[], [table.footnote]] if table.footnote else [])], bold_rows=2)


def coverage_sheet(figures: dict) -> Sheet:
    """Each month of the period: present or missing, flagged or not; then every flagged month
    with the count, what was expected and the test used."""
    cover = figures["coverage"]
    present, flagged = set(cover["months_present"]), {
        "crime": set(cover.get("months_incomplete_crime", [])), "ASB": set(cover.get("months_incomplete_asb", []))}
    compared = set(cover.get("months_compared", []))
    months = sorted(present | set(cover["months_missing"]))
    rows: list[list] = [[f"Coverage of {figures['year']} ({figures['period']['label']})"],
                        ["Month", "Data loaded", "Crime looks incomplete", "ASB looks incomplete",
                         "Compared with a year earlier (crime)"]]
    rows += [[m, "yes" if m in present else "missing", "yes" if m in flagged["crime"] else "no",
              "yes" if m in flagged["ASB"] else "no", "yes" if m in compared else "no"] for m in months]
    rows += [[], ["Flagged months (the period and the years compared)"],
             ["Force", "Series", "Crime type", "Month", "Count", "Expected", "Share of expected", "Basis"]]
    rows += [[f["force"], f["series"], f["crime_type"] or "all", f["month"], Formatted(f["count"], COUNT),
              Formatted(f["expected"], COUNT + ".0"), Formatted(f["ratio"], PERCENT), f["basis"]]
             for f in cover.get("flags") or []]
    rows += [[], ["Test"], [cover.get("flag_test", "")]]
    return Sheet("Coverage", rows, bold_rows=2)


def sources_sheet(figures: dict) -> Sheet:
    """Every source by name (never a local path): police.uk files by kind and months, the
    population estimates, the narrative; then every partner file with its dataset, agency,
    period, rows loaded, rows quarantined and rows with a suppressed count."""
    notes, population = figures["data_notes"], figures["population"]
    rows: list[list] = [["Sources"], ["Source", "Detail", "Files", "First month", "Last month"]]
    rows += [[f"{s['kind']} files", ", ".join(s.get("partners") or []), Formatted(s["files"], COUNT),
              s.get("first_month") or "", s.get("last_month") or ""] for s in notes["sources"]]
    rows.append(["Population", f"{population.get('source') or 'not loaded'} ({population.get('year') or '-'})",
                 None, "", ""])
    if (figures.get("commentary") or {}).get("source"):
        rows.append(["Narrative", figures["commentary"]["source"], None, "", ""])
    partner_files = (figures.get("partner") or {}).get("sources", [])
    if partner_files:
        rows += [[], ["Partner files"], ["Dataset", "Agency", "File", "First period", "Last period", "Rows loaded",
                                         "Rows quarantined", "Rows suppressed"]]
        rows += [[s["title"], s["agency"], Path(s["file"]).name, s.get("period_first") or "",
                  s.get("period_last") or "", Formatted(s["rows"], COUNT), Formatted(s["quarantined"], COUNT),
                  Formatted(s.get("suppressed") or 0, COUNT)] for s in partner_files]
    rows += [[], [notes["licence"]]]
    return Sheet("Sources", rows, bold_rows=2)


def css_sheet(figures: dict) -> Sheet:
    """The Crime Severity Score: this year, the year before, the change on like-for-like months,
    and any offence codes left out for want of an ONS weight."""
    css = figures["css"]
    score = "0.000"

    def number(value, fmt=score):
        return None if value is None else Formatted(value, fmt)

    rows: list[list] = [[f"Crime Severity Score {figures['year']}"], ["Measure", "Value", "Basis"],
                        ["Method", css.get("method") or "none", ""],
                        ["Score", number(css.get("value")), css.get("value_basis") or ""],
                        ["Previous year", number(css.get("previous")), css.get("previous_basis") or ""]]
    change = css.get("change")
    if change:
        rows += [["Score on the months compared", number(change["current"]), change["basis"]],
                 ["Previous year on the same months", number(change["previous"]), change["basis"]],
                 ["Change (like for like)", None if change["percent"] is None else
                  Formatted(round(change["percent"] / 100, 6), SIGNED_PERCENT), change["basis"]]]
    else:
        rows.append(["Change (like for like)", None, css.get("change_note") or "not comparable"])
    if css.get("offences") is not None:
        rows.append(["Offences scored", Formatted(css["offences"], COUNT), ""])
    missing = css.get("codes_without_weight") or []
    if missing:
        rows += [[], ["Offence codes without an ONS weight (left out)"], ["Code", "Offences", "Description"]]
        rows += [[m["offence_code"], Formatted(m["offences"], COUNT), m.get("offence_description") or ""]
                 for m in missing]
    rows += [[], [css.get("note") or ""]]
    return Sheet("CSS", rows, bold_rows=2)


def write_workbook(tables: list[ReportTable], path: Path, figures: dict | None = None) -> None:
    """The report tables, then (given the figures) the Coverage, Sources and CSS sheets."""
    sheets = [table_sheet(t) for t in tables]
    if figures is not None:
        sheets += [coverage_sheet(figures), sources_sheet(figures), css_sheet(figures)]
    write_xlsx(path, sheets)
