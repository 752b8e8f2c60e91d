"""Crime Severity Score (ONS): sum of offences x severity weight, divided by population.

The weights are ONS's per Home Office offence code. CSS is per head, not per 1,000 (England and
Wales scored 15.9 in 2021/22). Two methods:

- **exact**, from offence-code-level counts (``offence_counts``): sum(count x weight) / population;
- **estimate**, from police.uk categories: each category's weight is the mean of its offence
  codes' weights, weighted by national offence counts where offence-code counts are loaded for
  any area (else the median weight of the category's codes). Always labelled an estimate.

Examples:
    >>> css_from_counts({"1": 2, "58A": 10}, {"1": 8000.0, "58A": 5.0}, 16050)
    1.0
    >>> css_from_counts({"1/4.1/4.10/4.2": 2}, {"1, 4.1/2/10": 8000.0}, 16000)
    1.0
    >>> codes_without_weight({"AF": 12, "58A": 3}, {"58A": 5.0})
    {'AF': 12}
"""

from __future__ import annotations

import statistics
from pathlib import Path

import duckdb

from csphub.analytics.offence_codes import normalise_code
from csphub.analytics.query import table_exists
from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem

WEIGHTS_TABLE = """create table if not exists severity_weights (
    offence_code varchar primary key,
    offence_description varchar,
    weight double not null,
    police_uk_category varchar,
    source_file varchar
)"""


def css_from_counts(counts: dict[str, int], weights: dict[str, float], population: float) -> float:
    """Exact CSS: sum of count x weight over offence codes with a weight, per head. Codes are
    compared in their one spelling (:func:`normalise_code`), so homicide counted as
    ``1/4.1/4.10/4.2`` takes the weight ONS gives ``1, 4.1/2/10``."""
    weighted = {normalise_code(code): w for code, w in weights.items()}
    return sum(n * weighted[code] for code, n in _normalised(counts).items() if code in weighted) / population


def codes_without_weight(counts: dict[str, int], weights: dict[str, float]) -> dict[str, int]:
    """Offence codes of ``counts`` (in their one spelling) with no weight, and their offences:
    what an exact CSS leaves out."""
    weighted = {normalise_code(code) for code in weights}
    return {code: n for code, n in sorted(_normalised(counts).items()) if code not in weighted}


def _normalised(counts: dict[str, int]) -> dict[str, int]:
    total: dict[str, int] = {}
    for code, n in counts.items():
        key = normalise_code(code)
        total[key] = total.get(key, 0) + int(n)
    return total


def load_severity_weights(con: duckdb.DuckDBPyConnection, path: Path | str) -> int:
    """Load ONS severity weights (ONS_SEVERITY_code, ONS_SEVERITY_weight, police.uk category).

    Codes are stored in their one spelling. Where the file also gives the code the offence
    counts use (ONS_COUNTS_code, e.g. 30A, counted under the weight of 30C), that code gets the
    same weight.
    """
    path = Path(path)
    con.execute(WEIGHTS_TABLE)
    try:
        con.execute("create or replace temp table _w as select * from read_csv(?, all_varchar=true, header=true)",
                    [str(path)])
    except duckdb.Error as e:
        raise InputFileError(InputProblem(str(path), None, None, None, f"a readable CSV ({e})")) from e
    names = {c.lower(): c for c in con.execute("select * from _w limit 0").fetchdf().columns}
    code = names.get("ons_severity_code") or names.get("offence_code")
    counts_code = names.get("ons_counts_code")
    weight = names.get("ons_severity_weight") or names.get("weight")
    category = names.get("police_uk_cat_map_category") or names.get("police_uk_category")
    description = names.get("ons_severity_offence") or names.get("offence_description")
    if not code or not weight:
        raise InputFileError(InputProblem(
            str(path), 1, "header", ",".join(names.values()),
            "ONS_SEVERITY_code and ONS_SEVERITY_weight columns (or offence_code and weight)"))
    rows = con.execute(f"""select "{code}", {f'"{counts_code}"' if counts_code else 'null'},
            {f'"{description}"' if description else 'null'}, try_cast("{weight}" as double),
            {f'trim("{category}")' if category else 'null'}
        from _w where try_cast("{weight}" as double) is not null and "{code}" is not null""").fetchall()
    stored: dict[str, tuple] = {}
    for codes in ((r[0] for r in rows), (r[1] for r in rows)):  # severity codes first, then aliases
        for written, (_, _, text, value, police_uk) in zip(codes, rows, strict=True):
            if written:
                own = normalise_code(written)
                stored.setdefault(own, (own, text, value, police_uk, str(path)))
    with transaction(con):
        con.execute("delete from severity_weights")
        con.executemany("insert into severity_weights values (?, ?, ?, ?, ?)", list(stored.values()))
    return con.execute("select count(*) from severity_weights").fetchall()[0][0]


def _has_weights_table(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether weights were ever loaded (``csphub ingest severity-weights`` creates the table)."""
    return table_exists(con, "severity_weights")


def weights(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Weight per offence code, in its one spelling (a warehouse loaded before codes were
    normalised at load is read the same way)."""
    if not _has_weights_table(con):  # none loaded yet; a read never creates it (read-only warehouse)
        return {}
    return {normalise_code(code): w for code, w in
            con.execute("select offence_code, weight from severity_weights order by offence_code").fetchall()}


def category_weights(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, float], str]:
    """Weight per police.uk category for the estimate, and how it was derived."""
    table = con.execute("""select offence_code, offence_description, weight, police_uk_category
        from severity_weights where police_uk_category is not null""").fetchall() if _has_weights_table(con) else []
    volumes = _normalised(dict(con.execute(
        "select offence_code, sum(count) from offence_counts group by 1").fetchall()))
    by_category: dict[str, list[tuple[float, int]]] = {}
    for code, _, weight, category in table:
        by_category.setdefault(_police_uk_name(category), []).append((weight, volumes.get(normalise_code(code), 0)))
    if sum(volumes.values()) > 0:
        result = {k: sum(w * n for w, n in pairs) / sum(n for _, n in pairs)
                  for k, pairs in by_category.items() if sum(n for _, n in pairs) > 0}
        return result, "mean weight of each category's offence codes, weighted by the offence counts loaded"
    # Without volumes a plain mean lets rare, very grave offences (homicide ~8,000) dominate a
    # category; the median is the typical offence's weight. Each ONS offence counts once (a
    # counts code stored beside its severity code shares its description and weight).
    distinct: dict[str, set[tuple]] = {}
    for code, text, weight, category in table:
        distinct.setdefault(_police_uk_name(category), set()).add((text or code, weight))
    return ({k: statistics.median(w for _, w in offences) for k, offences in distinct.items()},
            "median weight of each category's offence codes (no offence counts are loaded to weight "
            "them by volume)")


# The weights file names categories in title case ("Criminal Damage and Arson"); police.uk
# street files use sentence case ("Criminal damage and arson"). Compare case-insensitively.
def _police_uk_name(category: str) -> str:
    return category.strip().casefold()
