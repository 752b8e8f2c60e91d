"""The community safety survey: respondent-level answers in, honest percentages out.

A survey export (SurveyMonkey, MS Forms, Smart Survey: one row a respondent, one column a
question; CSV or Excel) is read with a **mapping** (TOML) naming the questions that matter:

- **measures**: questions answered on a scale ("How safe do you feel ... during the day?"), each
  with the answers that count as positive ("Very safe", "Fairly safe"), optionally negative
  ones, and answers left out of the base ("Don't know"); a ``group`` gathers measures, e.g. the
  worries ("How much of a problem is ...");
- **choices**: a multi-select question (the priorities), either one column per option (ticked or
  not) or one column of options separated by ``;`` (MS Forms);
- the **respondent**: ward (name or code), postcode, age band and sex, and an id (a respondent
  listed twice is quarantined);
- **free text**: answers kept apart (``survey_free_text``), never in results, unless an officer
  marks one publishable.

A question is found by its text, or the one column starting with it, with a number in front set
aside (Smart Survey's "1. How safe ..."). Only the columns the mapping names are read: the tools'
own (names, emails, IP addresses) are stored nowhere, not even with a quarantined row.

Results give each measure's respondents (n), the percentage positive (and negative) with a 95%
Wilson interval, a warning below the low-response threshold, and, for a group (ward, age band,
sex), only groups with enough respondents. Weighted to the population by age and sex
(post-stratification on ONS mid-year estimates loaded with ``csphub survey population``), the
interval uses Kish's effective sample size. The change on the previous wave is given only when
a two-proportion test finds it significant at 5%.

Examples:
    >>> [round(x, 4) for x in wilson_interval(73, 100)]
    [0.6357, 0.8073]
    >>> round(kish_effective_n([1, 1, 2, 2]), 2)
    3.6
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from csphub.analytics.partner.loader import _authorities, _ward_names, read_any, resolve_authority
from csphub.analytics.partner.postcodes import postcode_key
from csphub.analytics.partner_asb import RawFile, normalise_header
from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem, NotFoundError

KIND = "survey"
Z95 = 1.959963984540054
DEFAULT_LOW_RESPONSE = 100
DEFAULT_MIN_GROUP = 30
TICKED_FALSE = ("", "0", "no", "n", "false", "not selected", "unticked")

SURVEY_TABLES = (
    """CREATE TABLE IF NOT EXISTS survey_waves (
        file_id INTEGER PRIMARY KEY,
        survey VARCHAR NOT NULL,
        wave VARCHAR NOT NULL,            -- e.g. '2024': results compare a wave with the one before
        respondents INTEGER NOT NULL,
        mapping_json VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS survey_answers (
        file_id INTEGER NOT NULL,
        respondent INTEGER NOT NULL,      -- the respondent's line (CSV) or row (Excel)
        measure VARCHAR NOT NULL,         -- a measure's key, or 'choice:option' for a multi-select
        answer VARCHAR,                   -- as given
        positive BOOLEAN,                 -- NULL when not answered or left out of the base
        negative BOOLEAN
    )""",
    """CREATE TABLE IF NOT EXISTS survey_respondents (
        file_id INTEGER NOT NULL,
        respondent INTEGER NOT NULL,
        respondent_id VARCHAR,
        ward_code VARCHAR,
        ward_given VARCHAR,
        postcode VARCHAR,
        lad_code VARCHAR,
        age_band VARCHAR,
        sex VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS survey_free_text (
        file_id INTEGER NOT NULL,
        respondent INTEGER NOT NULL,
        question VARCHAR NOT NULL,
        answer VARCHAR NOT NULL,
        publishable BOOLEAN NOT NULL DEFAULT false,
        marked_by VARCHAR,
        marked_at TIMESTAMP
    )""",
    """CREATE TABLE IF NOT EXISTS survey_population (
        area_code VARCHAR NOT NULL,       -- local authority (or ward) code
        year INTEGER NOT NULL,
        sex VARCHAR NOT NULL,
        age_band VARCHAR NOT NULL,
        population DOUBLE NOT NULL,
        source VARCHAR,
        PRIMARY KEY (area_code, year, sex, age_band)
    )""",
)


def ensure_survey_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in SURVEY_TABLES:
        con.execute(statement)


def has_survey_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables "
                            "where table_name = 'survey_waves'").fetchall()[0][0])


# ---- statistics -----------------------------------------------------------------------------

def wilson_interval(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (successes of n; n may be an effective size)."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def kish_effective_n(weights: Sequence[float]) -> float:
    """Kish's effective sample size of weighted respondents: (sum w)^2 / sum w^2."""
    total = sum(weights)
    squares = sum(w * w for w in weights)
    return total * total / squares if squares else 0.0


def two_proportion_test(p1: float, n1: float, p2: float, n2: float) -> float:
    """Two-sided p-value of the pooled z test that two proportions are equal."""
    if n1 <= 0 or n2 <= 0:
        return 1.0
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0 if p1 == p2 else 0.0
    z = abs(p1 - p2) / se
    return math.erfc(z / math.sqrt(2))


# ---- the mapping ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    question: str
    positive: tuple[str, ...]
    negative: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True)
class Choice:
    key: str
    title: str
    options: dict[str, str]  # option label -> column (one column per option)
    question: str = ""  # or one column of options separated by `separator`
    separator: str = ";"


@dataclass(frozen=True)
class Mapping:
    survey: str
    title: str
    measures: tuple[Measure, ...]
    choices: tuple[Choice, ...] = ()
    respondent: dict[str, str] = field(default_factory=dict)  # id, ward, postcode, age, sex
    free_text: dict[str, str] = field(default_factory=dict)  # key -> column
    age_bands: dict[str, tuple[str, ...]] = field(default_factory=dict)  # band -> answers
    sex: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 'Female' -> answers
    header_rows: int = 1  # SurveyMonkey exports have two: the question, then the option

    def as_json(self) -> str:
        return json.dumps({"survey": self.survey, "title": self.title,
                           "measures": [m.__dict__ for m in self.measures],
                           "choices": [{"key": c.key, "title": c.title, "options": list(c.options)}
                                       for c in self.choices],
                           "age_bands": list(self.age_bands), "free_text": list(self.free_text)})


def _key(text: str) -> str:
    return normalise_header(text)


def parse_mapping(text: str, where: str) -> Mapping:
    """Read a survey mapping (TOML); each mistake named with the key it is in."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputFileError(InputProblem(where, None, None, None, f"a valid TOML mapping ({e})")) from e

    def problem(key: str, value: object, expected: str) -> InputFileError:
        return InputFileError(InputProblem(where, None, key, None if value is None else str(value), expected))

    survey = str(data.get("survey", "")).strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,40}", survey):
        raise problem("survey", survey or None, "a survey name of lower-case letters, digits, - or _")
    measures = []
    for key, spec in (data.get("measures") or {}).items():
        if not isinstance(spec, dict) or not spec.get("question") or not spec.get("positive"):
            raise problem(f"measures.{key}", spec, "a question and the positive answers")
        measures.append(Measure(key, str(spec.get("title", key)), str(spec["question"]),
                                tuple(spec["positive"]), tuple(spec.get("negative", ())),
                                tuple(spec.get("exclude", ())), str(spec.get("group", ""))))
    choices = []
    for key, spec in (data.get("choices") or {}).items():
        if not isinstance(spec, dict) or not (spec.get("options") or spec.get("question")):
            raise problem(f"choices.{key}", spec, "options (label = column) or a question column")
        options = spec.get("options") or {}
        if isinstance(options, list):
            options = {o: "" for o in options}
        choices.append(Choice(key, str(spec.get("title", key)), dict(options),
                              str(spec.get("question", "")), str(spec.get("separator", ";"))))
    if not measures and not choices:
        raise problem("measures", None, "at least one measure or choice")
    respondent = {k: str(v) for k, v in (data.get("respondent") or {}).items()}
    bad = [k for k in respondent if k not in ("id", "ward", "postcode", "age", "sex")]
    if bad:
        raise problem("respondent", ", ".join(bad), "keys id, ward, postcode, age, sex")
    return Mapping(survey, str(data.get("title", survey)), tuple(measures), tuple(choices), respondent,
                   {k: str(v) for k, v in (data.get("free_text") or {}).items()},
                   {k: tuple(v) for k, v in (data.get("age_bands") or {}).items()},
                   {k: tuple(v) for k, v in (data.get("sex") or {}).items()},
                   _header_rows(data.get("header_rows", 1), where))


def _header_rows(value: object, where: str) -> int:
    if value not in (1, 2):
        raise InputFileError(InputProblem(where, None, "header_rows", str(value),
                                          "1, or 2 for a SurveyMonkey export (question row, then option row)"))
    return int(value)  # type: ignore[call-overload]


def two_row_header(raw: RawFile) -> RawFile:
    """A SurveyMonkey export's two header rows as one: a question spanning several columns (a
    multi-select, one column an option) names each 'Question - Option'; 'Response' and
    'Open-Ended Response' under a question add nothing.

    Examples:
        >>> import pyarrow as pa
        >>> raw = RawFile("s.csv", ["Respondent ID", "Priorities", "", "Comments"], "UTF-8",
        ...     pa.table({"_line": [2, 3], "_fields": [4, 4], "c0": ["", "1"], "c1": ["Drugs", "Drugs"],
        ...               "c2": ["Speeding", ""], "c3": ["Open-Ended Response", "Dark"]}), "x")
        >>> two_row_header(raw).header
        ['Respondent ID', 'Priorities - Drugs', 'Priorities - Speeding', 'Comments']
    """
    if raw.table.num_rows == 0:
        raise InputFileError(InputProblem(raw.label, 2, "header", None, "a second header row (the options)"))
    second = [raw.table.column(f"c{i}")[0].as_py() for i in range(len(raw.header))]
    header, question = [], ""
    for top, sub in zip(raw.header, second, strict=True):
        question = top.strip() or question
        sub = (sub or "").strip()
        header.append(question if not sub or sub in ("Response", "Open-Ended Response") or sub == question
                      else f"{question} - {sub}")
    return RawFile(raw.label, header, raw.encoding, raw.table.slice(1), raw.sha256)


# ---- loading --------------------------------------------------------------------------------

@dataclass
class SurveySummary:
    survey: str
    wave: str
    respondents: int = 0
    quarantined: int = 0
    skipped: bool = False
    replaced: int = 0  # respondents of an earlier load of the wave, replaced
    free_text_answers: int = 0
    placed_in_ward: int = 0
    columns_missing: list[str] = field(default_factory=list)


#: a question's number in front of its text (Smart Survey "1. How safe ...", "Q3a) ..."), as the
#: normalised header spells it ("1 how safe ...", "q3a ...")
QUESTION_NUMBER = re.compile(r"^(?:q ?)?[0-9]{1,3}[a-z]? ")


def _column(names: list[str], question: str) -> int | None:
    """The column of ``question``: its text, or a unique column starting with it (exports often
    add text); failing that the same with each column's question number set aside.

    Examples:
        >>> _column(["userno", "1 how safe do you feel", "2 any other comments"], "How safe do you feel?")
        1
    """
    key = _key(question)
    for candidates in (names, [QUESTION_NUMBER.sub("", n, count=1) for n in names]):
        if key in candidates:
            return candidates.index(key)
        starts = [i for i, n in enumerate(candidates) if n.startswith(key)]
        if len(starts) == 1:
            return starts[0]
    return None


def _band(answer: str | None, mapping: dict[str, tuple[str, ...]]) -> str | None:
    if not answer or not answer.strip():
        return None
    key = _key(answer)
    for band, answers in mapping.items():
        if key == _key(band) or key in {_key(a) for a in answers}:
            return band
    return None


def _survey_columns(raw: RawFile, mapping: Mapping, summary: SurveySummary) -> dict[str, int]:
    """Column of each measure, choice (or option), respondent field and free-text question."""
    names = [_key(h) for h in raw.header]
    columns: dict[str, int] = {}

    def required(key: str, question: str, what: str) -> None:
        index = _column(names, question)
        if index is None:
            raise InputFileError(InputProblem(raw.label, 1, "header", question, f"a column for {what}"))
        columns[key] = index

    for m in mapping.measures:
        required(f"measure:{m.key}", m.question, f"the measure {m.key!r} (the question's text)")
    for c in mapping.choices:
        if c.question:
            required(f"choice:{c.key}", c.question, f"the choice {c.key!r}")
        else:
            for option, question in c.options.items():
                required(f"choice:{c.key}:{option}", question or option, f"the option {option!r} of {c.key!r}")
    optional = [(f"respondent:{r}", f"respondent.{r}", q) for r, q in mapping.respondent.items()]
    optional += [(f"free:{k}", f"free_text.{k}", q) for k, q in mapping.free_text.items()]
    for key, label, question in optional:
        index = _column(names, question)
        if index is None:
            summary.columns_missing.append(label)
        else:
            columns[key] = index
    return columns


@dataclass
class _Rows:
    """What one survey file becomes: rows for each table, and the rejected lines."""

    respondents: list[list] = field(default_factory=list)
    answers: list[list] = field(default_factory=list)
    free: list[list] = field(default_factory=list)
    bad: list[tuple] = field(default_factory=list)


class _SurveyReader:
    """Turns each respondent's row into answers, with the ward found in the lookups."""

    def __init__(self, con: duckdb.DuckDBPyConnection, raw: RawFile, mapping: Mapping,
                 columns: dict[str, int], file_id: int, lad: str | None):
        self.raw, self.mapping, self.columns, self.file_id, self.lad = raw, mapping, columns, file_id, lad
        self.wards = _ward_names(con)
        self.ward_codes = {c for codes in self.wards.values() for c in codes}
        self.table = raw.table.to_pylist()
        self.postcode_wards = _postcode_wards(con, [self.cell(r, "respondent:postcode") for r in self.table])
        self.seen: dict[str, int] = {}
        self.out = _Rows()

    def cell(self, row: dict, key: str) -> str | None:
        if key not in self.columns:
            return None
        value = row.get(f"c{self.columns[key]}")
        return value.strip() if isinstance(value, str) and value.strip() else None

    def ward(self, given: str | None) -> str | None:
        if not given:
            return None
        code = given.upper().replace(" ", "")
        if code in self.ward_codes:
            return code
        key = _key(given)
        found = self.wards.get((key, self.lad), set()) if self.lad else set().union(
            *(v for (k, _), v in self.wards.items() if k == key))
        return next(iter(found)) if len(found) == 1 else None

    def rejected(self, row: dict) -> tuple | None:
        line = row["_line"]
        if row["_fields"] != len(self.raw.header):
            return (line, "row", str(row["_fields"]),
                    f"the row has a different number of fields from the header ({len(self.raw.header)})", row)
        rid = self.cell(row, "respondent:id")
        if rid is not None:
            if rid in self.seen:
                return (line, self.raw.header[self.columns["respondent:id"]], rid,
                        f"the respondent id repeats line {self.seen[rid]}: a respondent counts once", row)
            self.seen[rid] = line
        return None

    def read(self) -> _Rows:
        for row in self.table:
            problem = self.rejected(row)
            if problem:
                self.out.bad.append(problem)
                continue
            self.respondent(row)
            for m in self.mapping.measures:
                self.measure(row, m)
            for c in self.mapping.choices:
                self.choice(row, c)
            for key in self.mapping.free_text:
                if text := self.cell(row, f"free:{key}"):
                    self.out.free.append([self.file_id, row["_line"], key, text])
        return self.out

    def respondent(self, row: dict) -> None:
        m = self.mapping
        age, sex = self.cell(row, "respondent:age"), self.cell(row, "respondent:sex")
        ward_given = self.cell(row, "respondent:ward")
        postcode = self.cell(row, "respondent:postcode")
        ward = self.ward(ward_given) or (self.postcode_wards.get(postcode_key(postcode)) if postcode else None)
        self.out.respondents.append([
            self.file_id, row["_line"], self.cell(row, "respondent:id"), ward, ward_given, postcode, self.lad,
            _band(age, m.age_bands) if m.age_bands else age, _band(sex, m.sex) if m.sex else sex])

    def measure(self, row: dict, m: Measure) -> None:
        answer = self.cell(row, f"measure:{m.key}")
        key = _key(answer) if answer else None
        counted = key is not None and key not in {_key(a) for a in m.exclude}
        self.out.answers.append([self.file_id, row["_line"], m.key, answer,
                                 (key in {_key(a) for a in m.positive}) if counted else None,
                                 (key in {_key(a) for a in m.negative}) if counted else None])

    def choice(self, row: dict, c: Choice) -> None:
        line = row["_line"]
        if c.question:
            given = self.cell(row, f"choice:{c.key}")
            chosen = {_key(x) for x in (given or "").split(c.separator) if x.strip()}
            for option in c.options or self.all_options(c):
                self.out.answers.append([self.file_id, line, f"{c.key}:{option}", given,
                                         (_key(option) in chosen) if given else None, None])
            return
        ticks = {o: self.cell(row, f"choice:{c.key}:{o}") for o in c.options}
        answered = any(v and v.casefold() not in TICKED_FALSE for v in ticks.values())
        for option, value in ticks.items():
            ticked = bool(value) and (value or "").casefold() not in TICKED_FALSE
            self.out.answers.append([self.file_id, line, f"{c.key}:{option}", value,
                                     ticked if answered else None, None])

    def all_options(self, c: Choice) -> list[str]:
        column = f"c{self.columns[f'choice:{c.key}']}"
        return sorted({x.strip() for r in self.table for x in (r.get(column) or "").split(c.separator) if x.strip()})


def _postcode_wards(con: duckdb.DuckDBPyConnection, postcodes: list[str | None]) -> dict[str, str]:
    """Postcode (key) -> ward, through the postcode lookup and the newest ward lookup, for the
    respondents who gave a postcode but no ward we could match."""
    from csphub.analytics.partner.postcodes import has_postcodes

    keys = sorted({postcode_key(p) for p in postcodes if p})
    if not keys or not has_postcodes(con):
        return {}
    return dict(con.execute("""select p.postcode, arg_max(l.ward_code, l.ward_vintage)
        from postcode_lookup p join lsoa_ward_lookup l on l.lsoa_code = p.lsoa_code
        where list_contains(?, p.postcode) group by 1""", [keys]).fetchall())


def _quarantined_row(raw: RawFile, row: dict, columns: dict[str, int]) -> str:
    """A rejected row as quarantine keeps it: only the columns the mapping reads (the id, the
    respondent's ward, age and sex, the answers), never the tool's own columns (names, emails,
    IP addresses) nor free text."""
    kept = sorted({i for key, i in columns.items() if not key.startswith("free:")})
    return json.dumps({raw.header[i] or f"column {i + 1}": row.get(f"c{i}") for i in kept})


def _store(con: duckdb.DuckDBPyConnection, raw: RawFile, rows: _Rows, file_id: int,
           columns: dict[str, int]) -> None:
    if rows.respondents:
        con.executemany("insert into survey_respondents values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.respondents)
    if rows.answers:
        con.executemany("insert into survey_answers values (?, ?, ?, ?, ?, ?)", rows.answers)
    if rows.free:
        con.executemany("insert into survey_free_text (file_id, respondent, question, answer) "
                        "values (?, ?, ?, ?)", rows.free)
    for line, fld, value, reason, row in rows.bad:
        con.execute("insert into quarantine (file_id, file, line, field, value, reason, raw_row) "
                    "values (?, ?, ?, ?, ?, ?, ?)",
                    [file_id, raw.label, line, fld, value, reason, _quarantined_row(raw, row, columns)])


def ingest_survey(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping, wave: str,
                  authority: str | None = None, sheet: str | None = None) -> SurveySummary:
    """Load one survey export for a wave, in one transaction; a new file for the same survey
    and wave replaces the earlier one, the same file twice loads nothing."""
    wave = wave.strip()
    if not wave:
        raise ValueError("a wave (e.g. the year of the survey) is required")
    summary = SurveySummary(mapping.survey, wave)
    raw = read_any(Path(path), sheet)
    if mapping.header_rows == 2:
        raw = two_row_header(raw)
    columns = _survey_columns(raw, mapping, summary)
    with transaction(con):
        ensure_survey_tables(con)
        if con.execute("select 1 from source_files where sha256 = ?", [raw.sha256]).fetchone():
            summary.skipped = True
            return summary
        lad_names, lad_codes = _authorities(con)
        lad = resolve_authority(authority, lad_names, lad_codes) if authority else None
        if authority and lad is None:
            raise NotFoundError(f"no local authority {authority!r} in the lookups loaded")
        file_id = con.execute(
            "insert into source_files (kind, path, sha256, rows_loaded, rows_quarantined, source) "
            "values (?, ?, ?, 0, 0, ?) returning file_id", [KIND, raw.label, raw.sha256, mapping.survey],
        ).fetchall()[0][0]
        rows = _SurveyReader(con, raw, mapping, columns, file_id, lad).read()
        _store(con, raw, rows, file_id, columns)
        for (old,) in con.execute("select file_id from survey_waves where survey = ? and wave = ?",
                                  [mapping.survey, wave]).fetchall():
            summary.replaced += con.execute("select respondents from survey_waves where file_id = ?",
                                            [old]).fetchall()[0][0]
            for t in ("survey_answers", "survey_respondents", "survey_free_text", "quarantine",
                      "survey_waves", "source_files"):
                con.execute(f"delete from {t} where file_id = ?", [old])
        con.execute("insert into survey_waves values (?, ?, ?, ?, ?)",
                    [file_id, mapping.survey, wave, len(rows.respondents), mapping.as_json()])
        con.execute("update source_files set rows_loaded = ?, rows_quarantined = ? where file_id = ?",
                    [len(rows.respondents), len(rows.bad), file_id])
    summary.respondents = len(rows.respondents)
    summary.quarantined = len(rows.bad)
    summary.free_text_answers = len(rows.free)
    summary.placed_in_ward = sum(r[3] is not None for r in rows.respondents)
    return summary


def load_survey_population(con: duckdb.DuckDBPyConnection, path: Path, year: int,
                           age_bands: dict[str, tuple[int, int]] | None = None,
                           source: str | None = None) -> int:
    """Load population by area, sex and age (ONS mid-year estimates) for weighting.

    Columns: an area code (``area_code``, ``lad_code``, ``code``...), ``sex``, ``age`` (single
    years, summed into ``age_bands`` such as {'16-24': (16, 24)}) or ``age_band``, and
    ``population``. The ONS detailed file (MYEB1: ``ladcode23``, ``sex`` 1/2, ``age`` 0 to 90,
    ``population_2022``, ``population_2023``...) loads as it is, the column of ``year`` read.
    Rows that are not numbers go to quarantine; a year loaded again is replaced.
    """
    raw = read_any(Path(path))
    names = [_key(h) for h in raw.header]

    def find(*options: str) -> int | None:
        return next((names.index(o) for o in options if o in names), None)

    code = find("area code", "lad code", "lad23cd", "lad22cd", "ltla22cd", "code", "geography code", "ward code")
    if code is None:  # the ONS detailed estimates (MYEB1): ladcode23, ladcode21 ...
        code = next((i for i, n in enumerate(names) if re.fullmatch(r"(ladcode|lad|ltla)\d{2}(cd)?", n)), None)
    sex = find("sex", "gender")
    age = find("age band", "age group", "age")
    # the ONS detailed estimates have a column a year (population_2022, population_2023 ...)
    pop = find("population", "count", "value", "persons", f"population {year}")
    if code is None or sex is None or age is None or pop is None:
        raise InputFileError(InputProblem(raw.label, 1, "header", ",".join(raw.header),
                                          "columns for the area code, sex, age (or age band) and population "
                                          f"(population, or population_{year} in the ONS detailed estimates)"))
    rows: dict[tuple[str, str, str], float] = {}
    bad = []
    for row in raw.table.to_pylist():
        values = [row.get(f"c{i}") for i in (code, sex, age, pop)]
        area, sx, ag, po = [(v or "").strip() for v in values]
        try:
            number = float(po.replace(",", ""))
        except ValueError:
            bad.append((row["_line"], raw.header[pop], po, "the population must be a number"))
            continue
        band = ag
        if age_bands:
            try:
                years = int(ag.rstrip("+"))
            except ValueError:
                years = None
            band = next((b for b, (lo, hi) in age_bands.items() if years is not None and lo <= years <= hi), "")
            if not band:
                continue  # an age outside the survey's bands (children, say): not in the weighting
        key = (area.upper(), _sex_key(sx), band)
        rows[key] = rows.get(key, 0.0) + number
    with transaction(con):
        ensure_survey_tables(con)
        con.execute("delete from survey_population where year = ? and area_code in (select unnest(?))",
                    [year, sorted({k[0] for k in rows})])
        con.executemany("insert into survey_population values (?, ?, ?, ?, ?, ?)",
                        [[a, year, s, b, p, source or str(path)] for (a, s, b), p in rows.items()])
        for line, fld, value, reason in bad:
            con.execute("insert into quarantine (file, line, field, value, reason) values (?, ?, ?, ?, ?)",
                        [raw.label, line, fld, value, reason])
    return len(rows)


def _sex_key(text: str | None) -> str:
    key = _key(text or "")
    return {"f": "Female", "female": "Female", "women": "Female", "woman": "Female", "2": "Female",
            "m": "Male", "male": "Male", "men": "Male", "man": "Male", "1": "Male"}.get(key, text or "")


def parse_age_bands(bands: Sequence[str]) -> dict[str, tuple[int, int]]:
    """'16-24' -> (16, 24), '75+' -> (75, 200)."""
    out = {}
    for band in bands:
        if m := re.fullmatch(r"\s*(\d+)\s*[-–to ]+\s*(\d+)\s*", band):
            out[band] = (int(m.group(1)), int(m.group(2)))
        elif m := re.fullmatch(r"\s*(\d+)\s*(\+|and over|or over|plus)\s*", band):
            out[band] = (int(m.group(1)), 200)
    return out


# ---- results --------------------------------------------------------------------------------

def waves(con: duckdb.DuckDBPyConnection, survey: str) -> list[str]:
    if not has_survey_tables(con):
        return []
    return [r[0] for r in con.execute("select wave from survey_waves where survey = ? order by wave",
                                      [survey]).fetchall()]


def _weights(con: duckdb.DuckDBPyConnection, file_id: int, lad: str | None,
             population_year: int | None) -> tuple[dict[int, float], str]:
    """Respondent -> post-stratification weight by age band x sex, and a note on what it did."""
    year = population_year or (con.execute("select max(year) from survey_population").fetchone() or [None])[0]
    if year is None:
        raise NotFoundError("no population by age and sex loaded: run `csphub survey population FILE --year Y`")
    codes = [lad] if lad else [r[0] for r in con.execute(
        "select distinct lad_code from survey_respondents where file_id = ? and lad_code is not null",
        [file_id]).fetchall()]
    pop = con.execute("""select sex, age_band, sum(population) from survey_population
        where year = ? and list_contains(?, area_code) group by 1, 2""", [year, codes]).fetchall()
    if not pop:
        raise NotFoundError(f"no population by age and sex for {', '.join(codes) or 'the area'} in {year}: "
                            "load it with `csphub survey population`, or pass --authority when loading the survey")
    people = con.execute("select respondent, sex, age_band from survey_respondents where file_id = ?",
                         [file_id]).fetchall()
    cells: dict[tuple[str, str], int] = {}
    for _, sex, band in people:
        if sex and band:
            cells[(_sex_key(sex), band)] = cells.get((_sex_key(sex), band), 0) + 1
    total_pop = sum(p for s, b, p in pop if (s, b) in cells)
    known = sum(cells.values())
    factor = {cell: (p / total_pop) / (cells[cell] / known) for s, b, p in pop if (cell := (s, b)) in cells}
    empty = [f"{s} {b}" for s, b, p in pop if (s, b) not in cells]
    weights = {r: factor.get((_sex_key(s), b), 1.0) if s and b else 1.0 for r, s, b in people}
    unknown = len(people) - known
    note = f"weighted by age and sex to the {year} population"
    if unknown:
        note += f"; {unknown} respondents without age or sex keep weight 1"
    if empty:
        note += f"; no respondent in {', '.join(sorted(empty))}: those people are not represented"
    return weights, note


def survey_results(
    con: duckdb.DuckDBPyConnection,
    survey: str,
    wave: str | None = None,
    by: str | None = None,
    weighted: bool = False,
    population_year: int | None = None,
    low_response: int = DEFAULT_LOW_RESPONSE,
    min_group: int = DEFAULT_MIN_GROUP,
) -> dict:
    """Each measure's n, % positive (and negative) with Wilson 95% intervals, overall or by
    ``by`` (ward, age_band, sex); weighted by age and sex when asked; the change on the previous
    wave when significant. Groups under ``min_group`` respondents are listed as too few."""
    loaded = waves(con, survey)
    if not loaded:
        raise NotFoundError(f"no survey {survey!r} loaded: run `csphub ingest survey FILE --mapping MAP --wave W`")
    wave = wave or loaded[-1]
    if wave not in loaded:
        raise NotFoundError(f"no wave {wave!r} of {survey} (loaded: {', '.join(loaded)})")
    if by not in (None, "ward", "age_band", "sex"):
        raise ValueError(f"--by takes ward, age_band or sex; got {by!r}")
    previous = loaded[loaded.index(wave) - 1] if loaded.index(wave) > 0 else None
    current = _wave_results(con, survey, wave, by, weighted, population_year, min_group)
    result = {"survey": survey, "wave": wave, "previous_wave": previous, **current,
              "low_response_threshold": low_response}
    n = current["respondents"]
    result["low_response"] = n < low_response
    result["warnings"] = ([f"Only {n} people responded (fewer than {low_response}): the results describe "
                           "those who replied and cannot be generalised to all residents; read the margins "
                           "of error."] if n < low_response else [])
    if previous is not None and by is None:
        before = {r["measure"]: r for r in
                  _wave_results(con, survey, previous, None, weighted, population_year, min_group)["rows"]}
        for row in result["rows"]:
            old = before.get(row["measure"])
            row["change"] = _change(row, old, previous)
    return result


def _change(row: dict, old: dict | None, previous: str) -> dict | None:
    if not old or row["percent"] is None or old["percent"] is None:
        return None
    p_value = two_proportion_test(row["percent"] / 100, row["n_effective"], old["percent"] / 100, old["n_effective"])
    significant = p_value < 0.05
    return {"previous_wave": previous, "previous_percent": old["percent"],
            "points": round(row["percent"] - old["percent"], 1) if significant else None,
            "significant": significant, "p_value": round(p_value, 4),
            "text": (f"{'up' if row['percent'] > old['percent'] else 'down'} from {old['percent']}% in {previous}"
                     if significant else f"no significant change on {previous}"),
            "test": "two-proportion z test, 5% level"}


def _wave_results(con: duckdb.DuckDBPyConnection, survey: str, wave: str, by: str | None, weighted: bool,
                  population_year: int | None, min_group: int) -> dict:
    file_id, respondents, mapping_json = con.execute(
        "select file_id, respondents, mapping_json from survey_waves where survey = ? and wave = ?",
        [survey, wave]).fetchall()[0]
    mapping = json.loads(mapping_json)
    weights: dict[int, float] = {}
    note = "unweighted: the percentages describe those who responded"
    if weighted:
        lad = (con.execute("select any_value(lad_code) from survey_respondents where file_id = ?",
                           [file_id]).fetchone() or [None])[0]
        weights, note = _weights(con, file_id, lad, population_year)
    group_sql = {"ward": "coalesce(r.ward_code, 'not known')", "age_band": "coalesce(r.age_band, 'not known')",
                 "sex": "coalesce(r.sex, 'not known')", None: "'all'"}[by]
    data = con.execute(f"""select a.measure, {group_sql} as grp, a.respondent, a.positive, a.negative
        from survey_answers a join survey_respondents r using (file_id, respondent)
        where a.file_id = ? and a.positive is not null""", [file_id]).fetchall()
    ward_names = dict(con.execute("select ward_code, arg_max(ward_name, ward_vintage) from lsoa_ward_lookup "
                                  "group by 1").fetchall()) if by == "ward" else {}
    titles = {m["key"]: (m["title"], m.get("group", "")) for m in mapping["measures"]}
    for c in mapping["choices"]:
        titles.update({f"{c['key']}:{o}": (f"{c['title']}: {o}", c["title"]) for o in c["options"]})
    buckets: dict[tuple[str, str], list[tuple[float, bool, bool]]] = {}
    for measure, grp, respondent, positive, negative in data:
        buckets.setdefault((measure, grp), []).append((weights.get(respondent, 1.0), positive, bool(negative)))
    rows, too_few = [], []
    order = list(titles)
    for (measure, grp), items in sorted(buckets.items(), key=lambda kv: (
            order.index(kv[0][0]) if kv[0][0] in order else len(order), kv[0][0], kv[0][1])):
        n = len(items)
        if by is not None and n < min_group:
            too_few.append({"measure": measure, "group": grp, "n": n})
            continue
        w = [i[0] for i in items]
        total = sum(w)
        pos = sum(i[0] for i in items if i[1]) / total
        neg = sum(i[0] for i in items if i[2]) / total
        n_eff = kish_effective_n(w)
        lo, hi = wilson_interval(pos * n_eff, n_eff)
        nlo, nhi = wilson_interval(neg * n_eff, n_eff)
        title, group = titles.get(measure, (measure, ""))
        row = {"measure": measure, "title": title, "group_of": group, "n": n, "n_effective": round(n_eff, 1),
               "percent": round(pos * 100, 1), "lower": round(lo * 100, 1), "upper": round(hi * 100, 1),
               "margin": round(max(pos - lo, hi - pos) * 100, 1),
               "percent_negative": round(neg * 100, 1) if any(i[2] for i in items) else None,
               "negative_lower": round(nlo * 100, 1), "negative_upper": round(nhi * 100, 1)}
        if by is not None:
            row = {by: grp, **({"ward_name": ward_names.get(grp)} if by == "ward" else {}), **row}
        rows.append(row)
    return {"title": mapping["title"], "respondents": respondents, "weighting": note,
            "rows": rows, "groups_too_small": too_few, "min_group": min_group,
            "method": "95% Wilson score intervals" + ("; Kish effective sample size for weighted results"
                                                      if weighted else "")}


def free_text(con: duckdb.DuckDBPyConnection, survey: str, wave: str | None = None,
              publishable_only: bool = True) -> list[dict]:
    """Free-text answers: only those an officer marked publishable, unless asked for all (an
    officer's review list, never for publication)."""
    loaded = waves(con, survey)
    if not loaded:
        raise NotFoundError(f"no survey {survey!r} loaded")
    wave = wave or loaded[-1]
    result = con.execute("""select t.respondent, t.question, t.answer, t.publishable, t.marked_by
        from survey_free_text t join survey_waves w using (file_id)
        where w.survey = ? and w.wave = ? and (t.publishable or not ?) order by t.respondent, t.question""",
                         [survey, wave, publishable_only])
    names = [d[0] for d in result.description]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


def mark_publishable(con: duckdb.DuckDBPyConnection, survey: str, wave: str, respondent: int, question: str,
                     officer: str, publishable: bool = True) -> None:
    """Mark one free-text answer publishable (or withdraw it), recording who did."""
    if not officer.strip():
        raise ValueError("the officer marking the answer must be named")
    with transaction(con):
        changed = con.execute("""update survey_free_text t set publishable = ?, marked_by = ?,
                marked_at = current_timestamp
            from survey_waves w where w.file_id = t.file_id and w.survey = ? and w.wave = ?
                and t.respondent = ? and t.question = ?""",
                              [publishable, officer.strip(), survey, wave, respondent, question]).fetchall()[0][0]
        if not changed:
            raise NotFoundError(f"no free-text answer {question!r} of respondent {respondent} in {survey} {wave}")


__all__ = ["Mapping", "free_text", "ingest_survey", "kish_effective_n", "load_survey_population",
           "mark_publishable", "parse_age_bands", "parse_mapping", "survey_results", "two_proportion_test",
           "waves", "wilson_interval"]
