"""A postcode lookup, so partner rows that give only a postcode are placed in an LSOA.

Reads the ONS Postcode Directory (ONSPD) or the National Statistics Postcode Lookup (NSPL), or
any CSV with a postcode column (``pcds``, ``pcd``, ``pcd7``, ``pcd8``, ``postcode``) and an LSOA
column (``lsoa21cd``, ``lsoa21``, ``lsoa11cd``, ``lsoa11``, ``lsoa``). Postcodes are matched
without spaces, in capitals. Loading again replaces the postcodes the file holds. Rows with no
LSOA (terminated or non-geographic postcodes) are counted and left out.

Examples:
    >>> postcode_key(" me4 4tr "), postcode_key("ME44TR")
    ('ME44TR', 'ME44TR')
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from csphub.analytics.partner_asb import normalise_header
from csphub.analytics.warehouse import transaction
from csphub.errors import InputFileError, InputProblem

POSTCODE_TABLE = """CREATE TABLE IF NOT EXISTS postcode_lookup (
        postcode VARCHAR PRIMARY KEY,    -- capitals, no spaces: 'ME44TR'
        lsoa_code VARCHAR NOT NULL,
        source VARCHAR
    )"""
POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "postcode", "post code")
LSOA_COLUMNS = ("lsoa21cd", "lsoa21", "lsoa11cd", "lsoa11", "lsoa code", "lsoa")


def postcode_key(text: str) -> str:
    return "".join(text.split()).upper()


def has_postcodes(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables "
                            "where table_name = 'postcode_lookup'").fetchall()[0][0])


def load_postcodes(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, int]:
    """Load the lookup; returns (postcodes loaded, rows without an LSOA left out)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), [])
    names = [normalise_header(h) for h in header]
    postcode = next((header[names.index(c)] for c in POSTCODE_COLUMNS if c in names), None)
    lsoa = next((header[names.index(c)] for c in LSOA_COLUMNS if c in names), None)
    if postcode is None or lsoa is None:
        raise InputFileError(InputProblem(str(path), 1, "header", ",".join(header),
                                          "a postcode column (pcds, pcd, postcode) and an LSOA column "
                                          "(lsoa21cd, lsoa11cd, lsoa)"))
    p, q = '"' + postcode.replace('"', '""') + '"', '"' + lsoa.replace('"', '""') + '"'
    source = f"read_csv({_text(str(path))}, all_varchar = true, header = true)"
    with transaction(con):
        con.execute(POSTCODE_TABLE)
        con.execute(f"""create or replace temp table _postcodes as
            select upper(replace({p}, ' ', '')) as postcode, upper(trim({q})) as lsoa_code from {source}
            where nullif(trim({p}), '') is not null""")
        missing = con.execute("""select count(*) from _postcodes
            where lsoa_code is null or not regexp_full_match(lsoa_code, '[EW]01[0-9]{6}')""").fetchall()[0][0]
        con.execute("delete from postcode_lookup where postcode in (select postcode from _postcodes)")
        loaded = con.execute("""insert into postcode_lookup select postcode, any_value(lsoa_code), ? from _postcodes
            where regexp_full_match(lsoa_code, '[EW]01[0-9]{6}') group by postcode""", [str(path)]).fetchall()[0][0]
        con.execute("drop table _postcodes")
    return loaded, missing


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


__all__ = ["has_postcodes", "load_postcodes", "postcode_key"]
