"""Published benchmarks: the ONS Crime Severity Score data tool and Most Similar Group files.

**The ONS Crime Severity Score (experimental statistics) data tool** (``csphub ingest
css-table``): a table of areas (a code and a name: Community Safety Partnerships, and, where the
file has them, police force areas and England and Wales) by year ending March (``Year ending Mar
2023``, ``Apr 2022 to Mar 2023`` or ``2022/23``). CSV or Excel (every sheet with such a table is
read); the ONS title and note rows above the header are skipped. A value ONS marks not available
(``[x]``, ``[z]``, ``[c]``, ``..``, ``:``, ``-`` or blank) is kept as missing, never zero. A row
whose code is not an ONS code (a letter and 8 digits, e.g. ``E22000100``, ``E06000035``,
``K04000001``) or whose value is neither a number nor a marker goes to quarantine with its file,
line, field, value and reason. Loading the same file again adds nothing; a re-issued file
replaces the values it gives for the same area and year (and only those); atomic.

**A Most Similar Group file** (``csphub ingest msg``), as iQuanta lists them: an area and its
most similar areas in order, either one row a pair (``CSP name, MSG name, position``, codes
optional) or one row an area (``CSP name, MSG 1, MSG 2, ...``). An area is never its own peer:
such a row is quarantined. A file replaces the groups of the areas it names.

Examples:
    >>> financial_year_of("Year ending Mar 2023 [note 4]"), financial_year_of("Apr 2009 to Mar 2010")
    ('2022/23', '2009/10')
    >>> financial_year_of("2023/24"), financial_year_of("Area code")
    ('2023/24', None)
    >>> area_type("K04000001"), area_type("E22000100"), area_type("E06000035"), area_type("E23000032")
    ('country', 'csp', 'csp', 'pfa')
    >>> same_name("Medway CSP", "medway community safety partnership")
    True
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem

ONS_CODE = re.compile(r"^[EWKSN]\d{8}$")
#: ONS markers for a value not available (kept as missing, never zero).
MARKERS = {"[x]", "[z]", "[c]", "[low]", "[u]", "x", "z", "..", ":", "-", "–", "n/a", ""}
ENGLAND_AND_WALES = "K04000001"

_YEAR_ENDING = re.compile(r"year\s+ending\s+mar(?:ch)?\.?\s+(\d{4})", re.I)
_APR_TO_MAR = re.compile(r"apr(?:il)?\s+(\d{4})\s+to\s+mar(?:ch)?\s+(\d{4})", re.I)
_SHORT = re.compile(r"^\s*(\d{4})\s*/\s*(\d{2})\s*$")

CODE_HEADERS = ("area code", "code", "csp code", "community safety partnership code", "geography code",
                "area_code", "ons code", "cspcd", "csp21cd", "csp22cd", "csp23cd")
NAME_HEADERS = ("area name", "name", "csp name", "community safety partnership name", "geography name",
                "area_name", "community safety partnership", "csp", "area", "cspnm")


def financial_year_of(header: str) -> str | None:
    """The financial year (``2022/23``) a column heading names, or None."""
    text = str(header or "")
    if match := _YEAR_ENDING.search(text):
        end = int(match.group(1))
        return f"{end - 1}/{end % 100:02d}"
    if match := _APR_TO_MAR.search(text):
        start, end = int(match.group(1)), int(match.group(2))
        return f"{start}/{end % 100:02d}" if end == start + 1 else None
    if match := _SHORT.match(text):
        start, end = int(match.group(1)), int(match.group(2))
        return f"{start}/{end:02d}" if (start + 1) % 100 == end else None
    return None


def year_ending(financial_year: str) -> str:
    """``2022/23`` -> ``year ending March 2023``."""
    return f"year ending March {int(financial_year[:4]) + 1}"


def area_type(code: str) -> str:
    """What an ONS code stands for: England and Wales, a police force area, a CSP (or the local
    authority standing for one), or other."""
    prefix = code[:3]
    if prefix in ("K04", "K03", "E92", "W92"):
        return "country"
    if prefix in ("E23", "W15"):
        return "pfa"
    if prefix in ("E22", "W22", "E06", "E07", "E08", "E09", "W06"):
        return "csp"
    return "other"


_NAME_NOISE = re.compile(r"\b(community safety partnership|csp|cdrp)\b")


def plain_name(name: str) -> str:
    text = " ".join(str(name or "").casefold().replace("&", " and ").replace(",", " ").split())
    return " ".join(_NAME_NOISE.sub(" ", text).split())


def same_name(a: str, b: str) -> bool:
    return bool(plain_name(a)) and plain_name(a) == plain_name(b)


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has the published tables (a read-only file of schema < 5 has not)."""
    return con.execute("select count(*) from duckdb_tables() where table_name in "
                       "('css_published', 'most_similar_groups')").fetchall()[0][0] == 2


@dataclass
class LoadResult:
    loaded: int
    quarantined: int
    skipped: bool
    replaced: int = 0


# --- reading ---------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) >= 1e6 else repr(value)
    return str(value).strip()


def read_rows(path: Path) -> list[tuple[str | None, int, list[str]]]:
    """Every non-empty row of a CSV or of each sheet of a workbook: (sheet, line, cells)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            raise InputFileError(InputProblem(str(path), None, None, None, f"an Excel workbook (.xlsx) ({e})")) from e
        try:
            return [(sheet.title, number, [_text(v) for v in values])
                    for sheet in book.worksheets
                    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                    if any(_text(v) for v in values)]
        finally:
            book.close()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return [(None, number, [c.strip() for c in cells])
            for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1) if any(c.strip() for c in cells)]


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def _already_loaded(con: duckdb.DuckDBPyConnection, digest: str, kind: str) -> bool:
    return con.execute("select 1 from source_files where sha256 = ? and kind = ?", [digest, kind]).fetchone() is not None


def _new_file(con: duckdb.DuckDBPyConnection, kind: str, path: Path, digest: str) -> int:
    return con.execute("insert into source_files (kind, path, sha256, rows_loaded, rows_quarantined) "
                       "values (?, ?, ?, 0, 0) returning file_id", [kind, str(path), digest]).fetchall()[0][0]


def _many(con: duckdb.DuckDBPyConnection, sql: str, rows: list) -> None:
    if rows:  # DuckDB refuses an empty executemany
        con.executemany(sql, rows)


def _quarantine(con, file_id: int, path: Path, rows: list[tuple]) -> None:
    _many(con, "insert into quarantine (file_id, file, line, field, value, reason, raw_row) "
                    "values (?, ?, ?, ?, ?, ?, ?)", [[file_id, str(path), *r] for r in rows])


def _raw(header: list[str], cells: list[str]) -> str:
    import json

    return json.dumps({h or f"column {i + 1}": (cells[i] if i < len(cells) else "") for i, h in enumerate(header)})


# --- the CSS table -----------------------------------------------------------------------------

@dataclass
class _Table:
    """A CSS table's header found in a file: the columns of the code, the name and each year."""

    sheet: str | None
    header: list[str]
    code: int
    name: int | None
    years: dict[int, str]

    @classmethod
    def find(cls, sheet: str | None, cells: list[str]) -> _Table | None:
        code, years = _find(cells, CODE_HEADERS), {i: fy for i, c in enumerate(cells) if (fy := financial_year_of(c))}
        return cls(sheet, cells, code, _find(cells, NAME_HEADERS), years) if code is not None and years else None

    def cell(self, cells: list[str], i: int | None) -> str:
        return cells[i].strip() if i is not None and i < len(cells) else ""


def _css_row(table: _Table, line: int, cells: list[str], good: dict, bad: list) -> None:
    """One data row: its values into ``good`` by (code, year), its problems into ``bad``."""
    values = {i: table.cell(cells, i) for i in table.years}
    code = table.cell(cells, table.code).upper()
    if not any(values.values()) or (not code and all(v.lower() in MARKERS for v in values.values())):
        return  # a note or blank row under the table, not data
    where = f" ({table.sheet}, row {line})" if table.sheet else ""
    raw = _raw(table.header, cells)
    if not ONS_CODE.match(code):
        bad.append((line, table.header[table.code], table.cell(cells, table.code),
                    "an ONS area code: a letter and 8 digits, e.g. E22000100 or K04000001" + where, raw))
        return
    name = table.cell(cells, table.name) or None
    for column, fy in table.years.items():
        written = values[column]
        number = _number(written)
        if number is None and written.lower() not in MARKERS:
            bad.append((line, table.header[column], written, "a Crime Severity Score (a number not below 0) or an "
                        "ONS marker of a value not available such as [x] or .." + where, raw))
        elif (code, fy) in good and good[(code, fy)][5] != number:
            bad.append((line, table.header[column], written,
                        f"a second value for {code} {fy} differing from line {good[(code, fy)][0]}", raw))
        elif (code, fy) not in good:
            good[(code, fy)] = (line, table.sheet, code, name, fy, number,
                                None if number is not None else (written or "blank"))


def read_css_table(path: Path) -> tuple[dict[tuple[str, str], tuple], list[tuple]]:
    """The values of every CSS table in the file by (area code, financial year), and the
    problems (line, field, value, reason, raw row)."""
    good: dict[tuple[str, str], tuple] = {}
    bad: list[tuple] = []
    table: _Table | None = None
    found = 0
    for sheet, line, cells in read_rows(path):
        if table is None or sheet != table.sheet:
            table = _Table.find(sheet, cells)
            found += table is not None
            continue
        _css_row(table, line, cells, good, bad)
    if not found:
        raise InputFileError(InputProblem(
            str(path), None, "header", None,
            "a header row with an area code column (Area code, CSP code...) and columns per year ending "
            "March (e.g. 'Year ending Mar 2023')"))
    return good, bad


def load_css_table(con: duckdb.DuckDBPyConnection, path: Path | str) -> LoadResult:
    """Load the ONS Crime Severity Score data tool table (see the module docstring)."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if _already_loaded(con, digest, "css-table"):
        return LoadResult(0, 0, True)
    good, bad = read_css_table(path)
    with transaction(con):
        file_id = _new_file(con, "css-table", path, digest)
        con.execute("create or replace temp table _css_keys (area_code varchar, financial_year varchar)")
        _many(con, "insert into _css_keys values (?, ?)", [[code, fy] for code, fy in good])
        replaced = con.execute("""select count(*) from css_published c join _css_keys k
            using (area_code, financial_year)""").fetchall()[0][0]
        con.execute("""delete from css_published where (area_code, financial_year) in
            (select (area_code, financial_year) from _css_keys)""")
        con.execute("drop table _css_keys")
        _many(con, "insert into css_published values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              [[file_id, line, sheet, code, name, area_type(code), fy, value, marker]
               for line, sheet, code, name, fy, value, marker in good.values()])
        _quarantine(con, file_id, path, bad)
        con.execute("update source_files set rows_loaded = ?, rows_quarantined = ? where file_id = ?",
                    [len(good), len(bad), file_id])
    return LoadResult(len(good), len(bad), False, replaced)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if value >= 0 and value == value else None


def published_css(con: duckdb.DuckDBPyConnection, financial_year: str) -> list[dict]:
    """Every published CSS of a year: area_code, area_name, area_type, value, marker, release
    (the file it came from)."""
    if not _has_tables(con):
        return []
    rows = con.execute("""select c.area_code, c.area_name, c.area_type, c.value, c.marker, s.path, c.file_id
        from css_published c join source_files s using (file_id)
        where c.financial_year = ? order by c.area_code""", [financial_year]).fetchall()
    return [{"area_code": r[0], "area_name": r[1], "area_type": r[2], "value": r[3], "marker": r[4],
             "release": Path(r[5]).name, "file_id": r[6]} for r in rows]


# --- Most Similar Groups -------------------------------------------------------------------------

SUBJECT_CODE = ("csp code", "area code", "subject code", "code", "cspcd")
SUBJECT_NAME = ("csp name", "area name", "subject", "subject name", "csp", "area", "name",
                "community safety partnership")
PEER_CODE = ("msg code", "peer code", "most similar code", "similar csp code", "msg csp code")
PEER_NAME = ("msg name", "peer name", "peer", "most similar", "most similar csp", "similar csp",
             "msg csp", "msg member", "msg csp name")
POSITION = ("position", "rank", "order", "msg position", "msg rank", "similarity rank")
_WIDE = re.compile(r"^(?:msg|peer|most similar|similar)\s*(?:csp\s*)?(?:no\.?\s*)?#?\s*(\d{1,2})$", re.I)


@dataclass
class _MsgLayout:
    header: list[str]
    subject_code: int | None
    subject_name: int
    peer_code: int | None
    peer_name: int | None
    position: int | None
    wide: dict[int, int]  # column -> position, for one row an area

    @classmethod
    def find(cls, path: Path, rows: list) -> tuple[_MsgLayout, int]:
        at = next((i for i, (_, _, cells) in enumerate(rows[:30])
                   if _find(cells, SUBJECT_NAME) is not None
                   and (_find(cells, PEER_NAME) is not None or any(_WIDE.match(c) for c in cells))), None)
        if at is None:
            raise InputFileError(InputProblem(
                str(path), None, "header", None,
                "a header naming the area (CSP name) and its peers: MSG name (with position), or MSG 1, MSG 2, ..."))
        h = rows[at][2]
        s_code, p_code = _find(h, SUBJECT_CODE), _find(h, PEER_CODE)
        layout = cls(h, None if s_code == p_code else s_code, _find(h, SUBJECT_NAME), p_code,  # type: ignore[arg-type]
                     _find(h, PEER_NAME), _find(h, POSITION),
                     {i: int(m.group(1)) for i, c in enumerate(h) if (m := _WIDE.match(c))})
        return layout, at

    def cell(self, cells: list[str], i: int | None) -> str:
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def pairs(self, cells: list[str]) -> list[tuple[int | None, str | None, str, str]]:
        """(position or None, peer code, peer name, the field it came from) of a row."""
        if self.peer_name is None:
            return [(self.wide[i], None, self.cell(cells, i), self.header[i])
                    for i in sorted(self.wide, key=self.wide.__getitem__) if self.cell(cells, i)]
        return [(None, self.cell(cells, self.peer_code).upper() or None, self.cell(cells, self.peer_name),
                 self.header[self.peer_name])]


def _msg_row(layout: _MsgLayout, line: int, cells: list[str], counters: dict, good: list, bad: list) -> None:
    raw = _raw(layout.header, cells)
    subject, subject_code = layout.cell(cells, layout.subject_name), layout.cell(cells, layout.subject_code).upper()
    if not subject:
        bad.append((line, layout.header[layout.subject_name], "", "the name of the area whose group this is", raw))
        return
    for code, column in ((subject_code, layout.subject_code), (layout.cell(cells, layout.peer_code).upper(),
                                                               layout.peer_code)):
        if code and column is not None and not ONS_CODE.match(code):
            bad.append((line, layout.header[column], code, "an ONS area code: a letter and 8 digits", raw))
            return
    for position, peer_code, peer, field in layout.pairs(cells):
        if layout.position is not None and layout.peer_name is not None:
            text = layout.cell(cells, layout.position)
            if not text.isdigit():
                bad.append((line, layout.header[layout.position], text, "a position in the group: 1, 2, 3 ...", raw))
                continue
            position = int(text)
        if position is None:
            position = counters[subject] = counters.get(subject, 0) + 1
        if not peer:
            continue
        if same_name(peer, subject) or (peer_code and peer_code == subject_code):
            bad.append((line, field, peer, "a peer other than the area itself (an area is never its own peer)", raw))
            continue
        good.append((line, subject_code or None, subject, position, peer_code, peer))


def load_msg(con: duckdb.DuckDBPyConnection, path: Path | str) -> LoadResult:
    """Load a Most Similar Group file (see the module docstring)."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if _already_loaded(con, digest, "msg"):
        return LoadResult(0, 0, True)
    rows = read_rows(path)
    layout, at = _MsgLayout.find(path, rows)
    good: list[tuple] = []
    bad: list[tuple] = []
    counters: dict[str, int] = {}
    for _, line, cells in rows[at + 1:]:
        _msg_row(layout, line, cells, counters, good, bad)
    with transaction(con):
        file_id = _new_file(con, "msg", path, digest)
        subjects = {plain_name(g[2]) for g in good}
        existing = con.execute("select distinct subject_name from most_similar_groups").fetchall()
        gone = [name for (name,) in existing if plain_name(name) in subjects]
        _many(con, "delete from most_similar_groups where subject_name = ?", [[n] for n in gone])
        _many(con, "insert into most_similar_groups values (?, ?, ?, ?, ?, ?, ?)", [[file_id, *g] for g in good])
        _quarantine(con, file_id, path, bad)
        con.execute("update source_files set rows_loaded = ?, rows_quarantined = ? where file_id = ?",
                    [len(good), len(bad), file_id])
    return LoadResult(len(good), len(bad), False, len(gone))


def most_similar_group(con: duckdb.DuckDBPyConnection, name: str, codes: tuple[str, ...] = ()) -> dict | None:
    """The area's Most Similar Group in order, or None if none is loaded: {"source": file name,
    "peers": [{"position", "area_name", "area_code"}]}. The area itself is never among them."""
    if not _has_tables(con):
        return None
    rows = con.execute("""select g.subject_code, g.subject_name, g.position, g.peer_code, g.peer_name, s.path
        from most_similar_groups g join source_files s using (file_id) order by g.position, g.line""").fetchall()
    mine = [r for r in rows if same_name(r[1], name) or (r[0] and r[0] in codes)]
    if not mine:
        return None
    peers, seen = [], set()
    for _, _, position, code, peer, _ in mine:
        if same_name(peer, name) or (code and code in codes) or plain_name(peer) in seen:
            continue
        seen.add(plain_name(peer))
        peers.append({"position": position, "area_name": peer, "area_code": code})
    return {"source": Path(mine[0][5]).name, "peers": peers}
