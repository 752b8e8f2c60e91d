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
"""

from __future__ import annotations

from pathlib import Path

import duckdb

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
    """Exact CSS: sum of count x weight over offence codes with a weight, per head."""
    return sum(n * weights[code] for code, n in counts.items() if code in weights) / population


def load_severity_weights(con: duckdb.DuckDBPyConnection, path: Path | str) -> int:
    """Load ONS severity weights (ONS_SEVERITY_code, ONS_SEVERITY_weight, police.uk category)."""
    path = Path(path)
    con.execute(WEIGHTS_TABLE)
    try:
        con.execute("create or replace temp table _w as select * from read_csv(?, all_varchar=true, header=true)",
                    [str(path)])
    except duckdb.Error as e:
        raise InputFileError(InputProblem(str(path), None, None, None, f"a readable CSV ({e})")) from e
    names = {c.lower(): c for c in con.execute("select * from _w limit 0").fetchdf().columns}
    code = names.get("ons_severity_code") or names.get("offence_code")
    weight = names.get("ons_severity_weight") or names.get("weight")
    category = names.get("police_uk_cat_map_category") or names.get("police_uk_category")
    description = names.get("ons_severity_offence") or names.get("offence_description")
    if not code or not weight:
        raise InputFileError(InputProblem(
            str(path), 1, "header", ",".join(names.values()),
            "ONS_SEVERITY_code and ONS_SEVERITY_weight columns (or offence_code and weight)"))
    with transaction(con):
        con.execute("delete from severity_weights")
        con.execute(f"""insert into severity_weights
            select distinct on (trim("{code}")) trim("{code}"), {f'"{description}"' if description else 'null'},
                   try_cast("{weight}" as double), {f'trim("{category}")' if category else 'null'}, ?
            from _w where try_cast("{weight}" as double) is not null""", [str(path)])
    return con.execute("select count(*) from severity_weights").fetchall()[0][0]


def weights(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    con.execute(WEIGHTS_TABLE)
    return dict(con.execute("select offence_code, weight from severity_weights").fetchall())


def category_weights(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, float], str]:
    """Weight per police.uk category for the estimate, and how it was derived."""
    con.execute(WEIGHTS_TABLE)
    national = con.execute("select count(*) from offence_counts").fetchall()[0][0] > 0
    if national:
        rows = con.execute("""
            select w.police_uk_category, sum(w.weight * c.n) / sum(c.n)
            from severity_weights w join (
                select offence_code, sum(count) n from offence_counts group by 1) c
              on c.offence_code = w.offence_code
            where w.police_uk_category is not null group by 1""").fetchall()
        method = "mean weight of each category's offence codes, weighted by the offence counts loaded"
    else:
        # Without volumes a plain mean lets rare, very grave offences (homicide ~8,000)
        # dominate a category; the median is the typical offence's weight.
        rows = con.execute("""select police_uk_category, median(weight) from severity_weights
            where police_uk_category is not null group by 1""").fetchall()
        method = ("median weight of each category's offence codes (no offence counts are loaded "
                  "to weight them by volume)")
    return {_police_uk_name(k): v for k, v in rows}, method


# The weights file names categories in title case ("Criminal Damage and Arson"); police.uk
# street files use sentence case ("Criminal damage and arson"). Compare case-insensitively.
def _police_uk_name(category: str) -> str:
    return category.strip().casefold()
