"""The person-matching model: normalisation, splink settings, training and prediction.

Each agency keeps its own record of a person. ``prepare`` turns records as agencies write
them into comparable values; ``PersonMatcher`` wraps a splink (Fellegi-Sunter) model on an
in-memory DuckDB database: ``fit`` trains it without labelled data, ``predict_pairs`` scores
every candidate pair, ``candidates_for`` ranks existing records against a new one, and
``clusters`` groups records into people. See ``docs/linkage.md`` for the model and its limits.

Examples:
    >>> import pandas as pd
    >>> records = pd.DataFrame([
    ...     {"unique_id": "p1", "agency": "police", "first_name": "Bob", "last_name": "Smith",
    ...      "date_of_birth": "1980-03-07", "postcode": "ME4 4QU", "address": "1 High St"},
    ...     {"unique_id": "c1", "agency": "council", "first_name": "Robert",
    ...      "last_name": "Smith", "date_of_birth": "1980-03-07", "postcode": "me44qu",
    ...      "address": "1 High Street"},
    ...     {"unique_id": "h1", "agency": "housing", "first_name": "Ann", "last_name": "Jones",
    ...      "date_of_birth": "1975-11-30", "postcode": "ME7 2EE", "address": None},
    ... ])
    >>> with PersonMatcher().fit(records) as matcher:
    ...     pairs = matcher.predict_pairs(0.9)
    >>> pairs[["unique_id_l", "unique_id_r"]].values.tolist()
    [['c1', 'p1']]
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import duckdb
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.splink_dataframe import SplinkDataFrame

from csphub.linkage.nicknames import NICKNAMES

logger = logging.getLogger(__name__)

INPUT_COLUMNS: tuple[str, ...] = (
    "unique_id", "agency", "first_name", "last_name", "date_of_birth", "postcode", "address",
)
"""The columns ``prepare`` needs; any others are ignored."""

PREPARED_COLUMNS: tuple[str, ...] = (
    "unique_id", "agency", "first_name", "first_name_canon", "last_name", "last_name_soundex",
    "name_key", "date_of_birth", "dob_year", "postcode", "postcode_district", "address",
)
"""The columns ``prepare`` returns, all text (missing values are ``None``)."""

DEFAULT_THRESHOLD = 0.9
"""Match probability at or above which a pair is proposed as the same person."""

FIXED_PRIOR = 1e-4
"""Probability that two records picked at random are the same person, with the fixed
parameters. A small set is treated as a sample of a partnership's register, not as the whole
population: with 0.76 matching pairs per record (as in the synthetic data) the rate is
1.5 / n, and 1e-4 is that of a register of about 15,000 records (the synthetic benchmark's
100,000 records train to 1.3e-5). A prior taken from a 20-record set itself (about 1 in 20)
would let a shared surname and postcode alone pass as a match."""

MIN_RECORDS_TO_TRAIN = 1000
"""Below this many records ``fit`` keeps the fixed parameters instead of training (see
``PersonMatcher.fit``)."""

_ADDRESS_WORDS = {
    "street": "st", "road": "rd", "avenue": "ave", "lane": "ln", "drive": "dr",
    "close": "cl", "gardens": "gdns", "court": "ct", "place": "pl", "crescent": "cres",
    "terrace": "ter", "square": "sq", "flat": "flat", "apartment": "flat",
}


# --- normalisation ------------------------------------------------------------------------


def soundex(name: str) -> str:
    """The American Soundex code of a name (letter and three digits), ``""`` when empty.

    Examples:
        >>> soundex("robert"), soundex("rupert"), soundex("tymczak"), soundex("pfister")
        ('R163', 'R163', 'T522', 'P236')
    """
    letters = [c for c in name.lower() if "a" <= c <= "z"]
    if not letters:
        return ""
    codes = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"),
             **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}
    out, previous = [letters[0].upper()], codes.get(letters[0], "")
    for c in letters[1:]:
        code = codes.get(c, "")
        if code and code != previous:
            out.append(code)
        if c not in "hw":  # h and w do not separate two letters with the same code
            previous = code
    return ("".join(out) + "000")[:4]


def _blank_to_none(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna() & (values != ""), None)


def _text(values: pd.Series) -> pd.Series:
    """Arrow-backed text, so the string operations below run vectorised."""
    return values.astype("string[pyarrow]")


def _by_unique(values: pd.Series, function: Callable[[str], str | None]) -> pd.Series:
    """``function`` applied once per distinct text (names repeat a great deal)."""
    lookup = {v: function(v) for v in values.dropna().unique().tolist()}
    return values.astype(object).map(lambda v: lookup.get(v) if isinstance(v, str) else None)


def _clean_text(values: pd.Series) -> pd.Series:
    """Lower case, letters/digits/spaces only, single spaces."""
    text = _text(values).str.lower().str.replace(r"[-_/]", " ", regex=True)
    text = text.str.replace(r"[^a-z0-9 ]", "", regex=True)
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def _first_names(values: pd.Series) -> pd.Series:
    cleaned = _clean_text(values).str.replace(r"[0-9]", "", regex=True).str.strip()
    return _blank_to_none(cleaned.str.replace(r" .*$", "", regex=True))  # middle names dropped


def _last_names(values: pd.Series) -> pd.Series:
    return _blank_to_none(_clean_text(values).str.replace(r"[0-9 ]", "", regex=True))


def _dates(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(_text(values).str.strip(), errors="coerce", format="ISO8601")
    return _blank_to_none(_text(parsed.dt.strftime("%Y-%m-%d")))


def _postcodes(values: pd.Series) -> pd.Series:
    compact = _text(values).str.lower().str.replace(r"[^a-z0-9]", "", regex=True)
    valid = compact.str.fullmatch(r"[a-z]{1,2}[0-9][a-z0-9]?[0-9][a-z]{2}").fillna(False)
    return _blank_to_none(compact.where(valid.astype(bool), None))


def _addresses(values: pd.Series) -> pd.Series:
    text = _clean_text(values)
    for word, short in _ADDRESS_WORDS.items():
        text = text.str.replace(rf"\b{word}\b", short, regex=True)
    return _blank_to_none(text)


def _name_key(first: pd.Series, last: pd.Series) -> pd.Series:
    pairs = zip(first.tolist(), last.tolist(), strict=True)
    keys = [" ".join(sorted((a, b))) if a and b else None for a, b in pairs]
    return pd.Series(keys, index=first.index, dtype=object)


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """Normalise agency records for matching.

    Lower-cases and strips punctuation from names and addresses, keeps the first word of the
    first name and adds its canonical form (Bob -> robert, see ``nicknames``), joins the
    parts of a last name (Smith-Jones -> smithjones), writes postcodes without spaces and
    derives the district (``me4``), reads dates of birth as ISO dates (anything else becomes
    missing) and derives the year, and adds a sorted-name key so that swapped first and last
    names still meet. Missing values are ``None``.

    Examples:
        >>> row = {"unique_id": 1, "agency": "police", "first_name": " BILLY-Joe ",
        ...        "last_name": "O'Brien", "date_of_birth": "1990-01-31",
        ...        "postcode": "me4 4qu", "address": "12, High Street"}
        >>> prepared = prepare(pd.DataFrame([row])).iloc[0]
        >>> prepared["first_name_canon"], prepared["last_name"], prepared["name_key"]
        ('william', 'obrien', 'billy obrien')
        >>> prepared["postcode"], prepared["postcode_district"], prepared["address"]
        ('me44qu', 'me4', '12 high st')
        >>> prepared["unique_id"], prepared["dob_year"]
        ('1', '1990')
    """
    missing = [c for c in INPUT_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"person records need the columns {missing}")
    out = pd.DataFrame(index=records.index)
    out["unique_id"] = records["unique_id"].astype(str).astype(object)
    out["agency"] = _blank_to_none(_text(records["agency"]))
    out["first_name"] = _first_names(records["first_name"])
    out["first_name_canon"] = _by_unique(out["first_name"], lambda n: NICKNAMES.get(n, n))
    out["last_name"] = _last_names(records["last_name"])
    out["last_name_soundex"] = _by_unique(out["last_name"], soundex)
    out["name_key"] = _name_key(out["first_name"], out["last_name"])
    out["date_of_birth"] = _dates(records["date_of_birth"])
    out["dob_year"] = _blank_to_none(_text(out["date_of_birth"]).str.slice(0, 4))
    out["postcode"] = _postcodes(records["postcode"])
    out["postcode_district"] = _blank_to_none(_text(out["postcode"]).str.slice(0, -3))
    out["address"] = _addresses(records["address"])
    if out["unique_id"].duplicated().any():
        raise ValueError("unique_id must be unique")
    return out.reset_index(drop=True)


def _as_arrow(prepared: pd.DataFrame) -> pa.Table:
    """Every prepared column as Arrow text, so DuckDB types do not depend on the values."""
    schema = pa.schema([(name, pa.string()) for name in PREPARED_COLUMNS])
    columns = {name: prepared[name].where(prepared[name].notna(), None).tolist()
               for name in PREPARED_COLUMNS}
    return pa.Table.from_pydict(columns, schema=schema)


# --- the model ----------------------------------------------------------------------------


def _level(sql: str, label: str, m: float, u: float, **options: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label,
            "m_probability": m, "u_probability": u, **options}


def _null(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "null", "is_null_level": True}


def _jw(column: str, threshold: float) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {threshold}"


# First and last names swapped on one side. The evidence is counted once, in the first-name
# comparison; the last-name comparison has the same level as a null level (weight 0), so that
# a swap is not also scored as two different last names, nor counted twice.
_SWAPPED = "first_name_l = last_name_r AND last_name_l = first_name_r"
_SWAPPED_FUZZY = ("left(first_name_l, 1) = left(last_name_r, 1) AND "
                  "left(last_name_l, 1) = left(first_name_r, 1) AND "  # cheap test first
                  "jaro_winkler_similarity(first_name_l, last_name_r) >= 0.9 AND "
                  "jaro_winkler_similarity(last_name_l, first_name_r) >= 0.9")

# The fixed m and u probabilities in the comparisons below are the model's starting point,
# and the parameters used as they stand when there are too few records to train on (see
# PersonMatcher.fit). They are the values trained on 106,807 synthetic records
# (generate_people(55_000, seed=42)), rounded: m is P(level | same person), u is
# P(level | different people). Levels EM cannot see in the data keep them too.


def _term_frequencies(column: str, use_tf: bool) -> dict[str, Any]:
    """Term-frequency adjustment of an exact name match: agreeing on a rare name (Kwame) is
    stronger evidence than agreeing on a common one (Oliver). Off for tiny inputs, where the
    frequencies of 20 records say nothing about names in general."""
    return {"tf_adjustment_column": column, "tf_adjustment_weight": 1.0} if use_tf else {}


def _first_name_comparison(use_tf: bool) -> dict[str, Any]:
    return {
        "output_column_name": "first_name",
        "comparison_description": "first name, nicknames made canonical",
        "comparison_levels": [
            _null("first_name_canon_l IS NULL OR first_name_canon_r IS NULL"),
            _level("first_name_l = first_name_r", "exact", 0.83, 0.0095,
                   **_term_frequencies("first_name", use_tf)),
            _level("first_name_canon_l = first_name_canon_r", "same after nicknames",
                   0.03, 0.0004),
            _level(_jw("first_name_canon", 0.92), "jaro-winkler >= 0.92", 0.065, 0.001),
            _level(_SWAPPED, "swapped with last name", 0.044, 0.00001),
            _level(_SWAPPED_FUZZY, "swapped with last name, with a typo", 0.009, 0.000003),
            _level(_jw("first_name_canon", 0.8), "jaro-winkler >= 0.8", 0.018, 0.008),
            _level("ELSE", "different", 0.006, 0.98),
        ],
    }


def _last_name_comparison(use_tf: bool) -> dict[str, Any]:
    return {
        "output_column_name": "last_name",
        "comparison_description": "last name",
        "comparison_levels": [
            _null("last_name_l IS NULL OR last_name_r IS NULL"),
            _level("last_name_l = last_name_r", "exact", 0.90, 0.012,
                   **_term_frequencies("last_name", use_tf)),
            _level(_jw("last_name", 0.92), "jaro-winkler >= 0.92", 0.078, 0.0017),
            {"sql_condition": f"({_SWAPPED}) OR ({_SWAPPED_FUZZY})",
             "label_for_charts": "swapped (scored under first name)", "is_null_level": True},
            _level(_jw("last_name", 0.8), "jaro-winkler >= 0.8", 0.015, 0.005),
            _level("ELSE", "different", 0.001, 0.98),
        ],
    }


def _dob_comparison() -> dict[str, Any]:
    transposed = ("dob_year_l = dob_year_r AND substr(date_of_birth_l, 6, 2) = "
                  "substr(date_of_birth_r, 9, 2) AND substr(date_of_birth_l, 9, 2) = "
                  "substr(date_of_birth_r, 6, 2)")
    return {
        "output_column_name": "date_of_birth",
        "comparison_description": "date of birth (ISO text)",
        "comparison_levels": [
            _null("date_of_birth_l IS NULL OR date_of_birth_r IS NULL"),
            _level("date_of_birth_l = date_of_birth_r", "exact", 0.93, 0.00005),
            _level(transposed, "day and month transposed", 0.02, 0.00002),
            # ISO dates all have ten characters, so Hamming distance is edit distance here
            _level("hamming(date_of_birth_l, date_of_birth_r) <= 1",
                   "one character different", 0.04, 0.0011),
            _level("dob_year_l = dob_year_r", "same year", 0.001, 0.013),
            _level("ELSE", "different", 0.0065, 0.986),
        ],
    }


def _residence_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "residence",
        "comparison_description": "postcode and address together",
        "comparison_levels": [
            _null("(postcode_l IS NULL OR postcode_r IS NULL) "
                  "AND (address_l IS NULL OR address_r IS NULL)"),
            _level("postcode_l = postcode_r AND address_l = address_r",
                   "same postcode and address", 0.61, 0.000025),
            _level("postcode_l = postcode_r", "same postcode", 0.066, 0.0001),
            _level("address_l = address_r", "same address, postcode differs or missing",
                   0.05, 0.00002),
            _level("postcode_district_l = postcode_district_r", "same district", 0.155, 0.071),
            _level("ELSE", "different", 0.12, 0.93),
        ],
    }


BLOCKING_RULES = (
    block_on("date_of_birth"),
    block_on("first_name_canon", "last_name_soundex"),
    block_on("postcode"),
    block_on("name_key"),
)
"""Candidate pairs: a pair is scored when any rule matches. Each rule tolerates what the others
need: a typo in a name (date of birth, postcode), a missing or mistyped date of birth (names,
postcode), a move (names, date of birth) and swapped names (the sorted-name key)."""


def settings(*, term_frequencies: bool = True,
             probability_two_random_records_match: float = 1e-5) -> SettingsCreator:
    """The splink settings: dedupe across all agencies, four comparisons, four blocking rules.

    ``term_frequencies`` adjusts exact first- and last-name matches for how common the name
    is in the records (used when training; off with the fixed parameters).

    Examples:
        >>> creator = settings()
        >>> rules = creator.blocking_rules_to_generate_predictions
        >>> creator.link_type, len(creator.comparisons), len(rules)
        ('dedupe_only', 4, 4)
    """
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[_first_name_comparison(term_frequencies),
                     _last_name_comparison(term_frequencies), _dob_comparison(),
                     _residence_comparison()],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
        em_convergence=0.0001,
    )


@dataclass
class _Session:
    """The DuckDB connection, the registered records and the splink linker of one fit."""

    connection: duckdb.DuckDBPyConnection
    db_api: DuckDBAPI
    records: SplinkDataFrame
    linker: Linker


class PersonMatcher:
    """Matches person records across agencies with a splink model on in-memory DuckDB.

    Use as a context manager (or call ``close``) to free the database.

    Examples:
        >>> import pandas as pd
        >>> records = pd.DataFrame([
        ...     {"unique_id": "a", "agency": "police", "first_name": "Liz",
        ...      "last_name": "Taylor", "date_of_birth": "1990-02-01", "postcode": "ME1 1AA",
        ...      "address": "3 Mill Lane"},
        ...     {"unique_id": "b", "agency": "housing", "first_name": "Elizabeth",
        ...      "last_name": "Taylor", "date_of_birth": None, "postcode": "ME1 1AA",
        ...      "address": "3 Mill Ln"},
        ... ])
        >>> matcher = PersonMatcher().fit(records)
        >>> matcher.trained, bool(matcher.predict_pairs(0.5)["match_probability"][0] > 0.9)
        (False, True)
        >>> matcher.close()
    """

    def __init__(self, *, seed: int = 42, min_records_to_train: int = MIN_RECORDS_TO_TRAIN,
                 u_sample_pairs: float = 1.5e6, threads: int | None = None) -> None:
        self.seed = seed
        self.min_records_to_train = min_records_to_train
        self.u_sample_pairs = u_sample_pairs
        self.threads = threads
        self.trained = False
        self.training_note = "not fitted"
        self._session: _Session | None = None
        self._new_tables = 0

    # -- lifecycle --

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the in-memory database; the matcher must be fitted again to be used."""
        if self._session is not None:
            self._session.connection.close()
            self._session = None

    @property
    def linker(self) -> Linker:
        """The fitted splink linker (for charts and inspection)."""
        return self._fitted().linker

    def _fitted(self) -> _Session:
        if self._session is None:
            raise RuntimeError("call fit(records) first")
        return self._session

    # -- training --

    def _open(self, prepared: pd.DataFrame, creator: SettingsCreator | dict[str, Any]) -> _Session:
        connection = duckdb.connect(":memory:")
        if self.threads:
            connection.execute(f"SET threads = {int(self.threads)}")
        db_api = DuckDBAPI(connection)
        records = db_api.register(_as_arrow(prepared), table_name="csphub_person_records")
        return _Session(connection, db_api, records, Linker(records, creator, log_level=None))

    def fit(self, records: pd.DataFrame, saved_model: Path | str | None = None) -> Self:
        """Prepare the records and train the model on them (no labelled data needed).

        With ``saved_model`` naming a file :meth:`save` wrote, a set large enough to train on
        is scored with that model instead of training again (a missing file trains as usual).

        u (how often each level happens by chance) is estimated from random pairs (seeded);
        m (how often it happens for the same person) by expectation maximisation, twice:
        on pairs sharing a date of birth (trains the name and residence comparisons), then
        on pairs sharing canonical first name and last name (trains date of birth and
        residence). The prior is estimated from pairs agreeing on name and date of birth.

        With fewer than ``min_records_to_train`` records there are too few pairs for EM (a
        20-record set has a handful of true pairs, and u from random pairs of 20 records is
        mostly true pairs), so the fixed m and u in the settings are used as they stand;
        the same happens, with the reason in ``training_note``, if training fails.

        Examples:
            >>> import pandas as pd
            >>> from csphub.linkage.synthetic import generate_people
            >>> matcher = PersonMatcher().fit(generate_people(50, seed=3)[0])
            >>> matcher.trained, matcher.training_note.startswith("fixed parameters")
            (False, True)
            >>> matcher.close()
        """
        self.close()
        prepared = prepare(records)
        if len(prepared) < self.min_records_to_train:
            return self._use_fixed(prepared, f"{len(prepared)} records is fewer than "
                                             f"{self.min_records_to_train}, too few to train")
        if saved_model is not None and Path(saved_model).exists():
            return self._use_saved(prepared, saved_model)
        try:
            self._session = self._open(prepared, settings())
            self._train(self._session.linker)
        except Exception as error:  # any training failure falls back to fixed parameters
            logger.warning("linkage training failed, using fixed parameters: %s", error)
            self.close()
            return self._use_fixed(prepared, f"training failed ({error})")
        self.trained, self.training_note = True, "trained by EM on the records"
        return self

    def save(self, path: Path | str) -> Path:
        """Write the fitted model (its settings, m and u: no records) as JSON to ``path``.

        :meth:`fit_saved` reads it back, so a model trained once (``csphub people dedupe``)
        can score new records in a second instead of training again.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fitted().linker.misc.save_model_to_json(str(path), overwrite=True)
        return path

    def fit_saved(self, records: pd.DataFrame, path: Path | str) -> Self:
        """Prepare the records and score them with a model :meth:`save` wrote, without training.

        Examples:
            >>> import tempfile
            >>> from csphub.linkage.synthetic import generate_people
            >>> people = generate_people(1200, seed=4)[0]
            >>> with PersonMatcher().fit(people) as trained:
            ...     path = trained.save(Path(tempfile.mkdtemp()) / "model.json")
            >>> with PersonMatcher().fit_saved(people, path) as matcher:
            ...     matcher.trained, matcher.training_note.startswith("trained earlier")
            (True, True)
        """
        self.close()
        return self._use_saved(prepare(records), path)

    def _use_saved(self, prepared: pd.DataFrame, path: Path | str) -> Self:
        model = json.loads(Path(path).read_text(encoding="utf-8"))
        self._session = self._open(prepared, model)
        self.trained, self.training_note = True, f"trained earlier, read from {path}"
        return self

    def _use_fixed(self, prepared: pd.DataFrame, reason: str) -> Self:
        """Open the model with the fixed parameters and prior, without term frequencies."""
        self._session = self._open(prepared, settings(
            term_frequencies=False, probability_two_random_records_match=FIXED_PRIOR))
        self.trained, self.training_note = False, f"fixed parameters: {reason}"
        return self

    def _train(self, linker: Linker) -> None:
        training = linker.training
        training.estimate_probability_two_random_records_match(
            [block_on("first_name_canon", "last_name", "date_of_birth")], recall=0.7)
        training.estimate_u_using_random_sampling(max_pairs=self.u_sample_pairs, seed=self.seed)
        training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
        training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name_canon", "last_name"))

    # -- prediction --

    def predict_pairs(self, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
        """Every candidate pair with match probability at or above ``threshold``.

        Columns ``unique_id_l``, ``unique_id_r`` (``l`` sorts first) and
        ``match_probability``, ordered by the pair.

        Examples:
            >>> from csphub.linkage.synthetic import generate_people
            >>> with PersonMatcher().fit(generate_people(100, seed=5)[0]) as matcher:
            ...     list(matcher.predict_pairs(0.9).columns)
            ['unique_id_l', 'unique_id_r', 'match_probability']
        """
        session = self._fitted()
        scored = session.linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never")
        try:
            pairs = session.connection.sql(
                "SELECT least(unique_id_l, unique_id_r) AS unique_id_l, "
                "greatest(unique_id_l, unique_id_r) AS unique_id_r, match_probability "
                f"FROM {scored.physical_name} ORDER BY 1, 2").df()
        finally:
            scored.drop_table_from_database_and_remove_from_cache()
        return pairs

    def candidates_for(self, new_record: dict[str, Any], top: int = 5) -> list[tuple[str, float]]:
        """The existing records most likely to be the same person as ``new_record``.

        ``new_record`` has the input columns (``unique_id`` and ``agency`` may be left out).
        Returns up to ``top`` ``(unique_id, match_probability)``, most likely first, among
        the records a blocking rule pairs it with; it does not add the record to the model.

        Examples:
            >>> import pandas as pd
            >>> records = pd.DataFrame([{"unique_id": "p1", "agency": "police",
            ...     "first_name": "James", "last_name": "Khan", "date_of_birth": "2001-05-04",
            ...     "postcode": "ME5 8TT", "address": "7 Oak Road"}])
            >>> with PersonMatcher().fit(records) as matcher:
            ...     found = matcher.candidates_for({"first_name": "Jim", "last_name": "Khan",
            ...         "date_of_birth": "2001-05-04", "postcode": None, "address": None})
            >>> [(uid, p > 0.9) for uid, p in found]
            [('p1', True)]
        """
        session = self._fitted()
        if self.trained:  # predict_between reads the term frequencies of the fitted records
            for column in ("first_name", "last_name"):
                session.linker.table_management.compute_tf_table(column)
        row = {column: new_record.get(column) for column in INPUT_COLUMNS}
        row["unique_id"] = str(new_record.get("unique_id") or "__new_record__")
        row["agency"] = new_record.get("agency") or "new"
        self._new_tables += 1
        new = session.db_api.register(_as_arrow(prepare(pd.DataFrame([row]))),
                                      table_name=f"csphub_new_record_{self._new_tables}")
        try:
            scored = session.linker.inference.predict_between(
                session.records, new, warning_mode="never")
        finally:
            session.connection.unregister(new.physical_name)
        try:
            best = session.connection.sql(
                f"SELECT unique_id_l, match_probability FROM {scored.physical_name} "
                f"ORDER BY match_probability DESC, unique_id_l LIMIT {max(int(top), 0)}"
            ).fetchall()
        finally:
            scored.drop_table_from_database_and_remove_from_cache()
        return [(str(uid), float(probability)) for uid, probability in best]

    def clusters(self, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
        """Every record with the id of its cluster (one presumed person), linking pairs at or
        above ``threshold`` transitively (connected components).

        Columns ``unique_id`` and ``cluster_id``; a record matched to nobody is its own
        cluster.

        Examples:
            >>> from csphub.linkage.synthetic import generate_people
            >>> records, _ = generate_people(100, seed=5)
            >>> with PersonMatcher().fit(records) as matcher:
            ...     clusters = matcher.clusters(0.9)
            >>> len(clusters) == len(records), clusters["cluster_id"].nunique() < len(records)
            (True, True)
        """
        session = self._fitted()
        scored = session.linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never")
        clustered = session.linker.clustering.cluster_pairwise_predictions_at_threshold(
            scored, threshold_match_probability=threshold)
        try:
            return session.connection.sql(
                f"SELECT unique_id, cluster_id FROM {clustered.physical_name} "
                "ORDER BY unique_id").df()
        finally:
            clustered.drop_table_from_database_and_remove_from_cache()
            scored.drop_table_from_database_and_remove_from_cache()


def train(records: pd.DataFrame, *, seed: int = 42) -> PersonMatcher:
    """A ``PersonMatcher`` fitted on ``records`` (close it when done).

    Examples:
        >>> from csphub.linkage.synthetic import generate_people
        >>> matcher = train(generate_people(20, seed=1)[0])
        >>> isinstance(matcher.linker, Linker)
        True
        >>> matcher.close()
    """
    return PersonMatcher(seed=seed).fit(records)
