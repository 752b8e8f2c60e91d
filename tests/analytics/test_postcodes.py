"""The ONS Postcode Directory and NSPL: both spellings of the columns, bad rows quarantined with
their line, a second load replacing the first, and a postcode looked up in any spacing.

No real directory is in ../shared/data (the whole-UK file is 1.4 GB), so each test writes a small
one with the directory's own header and quirks: the "no grid reference" latitude 99.999999, the
pseudo codes of the Channel Islands, a terminated postcode (doterm)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from csphub.analytics.geography import load_lookup
from csphub.analytics.postcodes import (
    detect_columns,
    load_postcodes,
    lookup_postcode,
    normalise_postcode,
)
from csphub.analytics.warehouse import open_warehouse
from csphub.cli import main
from csphub.errors import InputFileError

# The ONSPD's own header (February 2025 release), lower-case names.
ONSPD_HEADER = ("pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,"
                "osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,"
                "npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,oac11,lat,long,"
                "lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21")


def onspd_row(pcds: str, *, ward: str = "E05014449", lsoa11: str = "E01016017", lsoa21: str = "E01016016",
              lat: str = "51.387900", long: str = "0.546600", doterm: str = "", lad: str = "E06000035") -> str:
    values = dict.fromkeys(ONSPD_HEADER.split(","), "")
    values.update(pcd=pcds.replace(" ", "").ljust(7), pcd2=pcds, pcds=pcds, dointr="198001", doterm=doterm,
                  oslaua=lad, osward=ward, lsoa11=lsoa11, lsoa21=lsoa21, lat=lat, long=long, ctry="E92000001")
    return ",".join(values.values())


def write(path: Path, lines: list[str], bom: bool = False) -> Path:
    path.write_bytes(("\ufeff" if bom else "").encode() + ("\n".join(lines) + "\n").encode())
    return path


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as connection:
        yield connection


def test_onspd_spelling_loads_postcode_centre_lsoas_and_ward(con, tmp_path):
    path = write(tmp_path / "ONSPD_FEB_2025_UK.csv", [
        ONSPD_HEADER,
        onspd_row("ME7 1AA"),
        onspd_row("ME7 1AB", lat="99.999999", long="0.000000"),  # the directory's "no grid reference"
        onspd_row("GY1 1AA", ward="L99999999", lsoa11="L99999999", lsoa21="L99999999", lad="L99999999",
                  lat="99.999999", long="0.000000"),  # Guernsey: pseudo codes
        onspd_row("ME7 9ZZ", doterm="202301"),
    ])
    summary = load_postcodes(con, path)
    assert (summary.rows, summary.quarantined) == (4, 0)
    place = lookup_postcode(con, "me71aa")
    assert place is not None
    assert (place.postcode, place.latitude, place.longitude) == ("ME7 1AA", 51.3879, 0.5466)
    assert (place.lsoa11_code, place.lsoa21_code, place.ward_code) == ("E01016017", "E01016016", "E05014449")
    no_grid = lookup_postcode(con, "ME7 1AB")
    assert no_grid is not None and (no_grid.latitude, no_grid.longitude) == (None, None)
    guernsey = lookup_postcode(con, "GY1 1AA")
    assert guernsey is not None and (guernsey.lsoa21_code, guernsey.ward_code) == ("", "")
    assert lookup_postcode(con, "ME7  9ZZ").terminated == "202301"  # type: ignore[union-attr]
    assert lookup_postcode(con, "ME7 1XX") is None


def test_nspl_spelling_with_a_bom_and_ward_names_from_the_ward_lookup(con, tmp_path):
    write(tmp_path / "wd25.csv", ["LSOA21CD,LSOA21NM,WD25CD,WD25NM,LAD25CD,LAD25NM",
                                  "E01016016,Medway 015A,E05014449,All Saints,E06000035,Medway"])
    load_lookup(con, tmp_path / "wd25.csv")
    path = write(tmp_path / "NSPL21_FEB_2025_UK.csv", [
        "PCD7,PCD8,PCDS,DOINTR,DOTERM,USRTYPIND,EAST1M,NORTH1M,GRIDIND,OA21CD,CTY25CD,LAD25CD,WD25CD,"
        "LSOA21CD,MSOA21CD,LAT,LONG",
        "ME7 1AA,ME7  1AA,ME7 1AA,198001,,0,577000,168000,1,E00000001,E99999999,E06000035,E05014449,"
        "E01016016,E02003300,51.387900,0.546600",
    ], bom=True)
    columns = detect_columns(["PCD7", "PCDS", "LSOA21CD", "WD25CD", "LAD25CD", "LAT", "LONG"])
    assert (columns.postcode, columns.lsoa11, columns.ward_vintage) == ("PCDS", None, "2025")
    assert load_postcodes(con, path).rows == 1
    place = lookup_postcode(con, "ME7 1AA")
    assert place is not None and (place.lsoa21_code, place.lsoa11_code) == ("E01016016", "")
    assert (place.ward_code, place.ward_name) == ("E05014449", "All Saints")


def test_without_a_ward_column_the_ward_comes_from_the_lookup_of_the_lsoa(con, tmp_path):
    write(tmp_path / "wd23.csv", ["LSOA21CD,LSOA21NM,WD23CD,WD23NM,LTLA23CD,LTLA23NM",
                                  "E01016016,Medway 015A,E05014400,Old Ward,E06000035,Medway"])
    load_lookup(con, tmp_path / "wd23.csv")
    path = write(tmp_path / "extract.csv", ["pcds,lsoa21cd,lat,long", "ME7 1AA,E01016016,51.3879,0.5466"])
    load_postcodes(con, path)
    place = lookup_postcode(con, "ME7 1AA")
    assert place is not None and (place.ward_code, place.ward_name) == ("E05014400", "Old Ward")


def test_bad_rows_are_quarantined_with_file_line_field_and_value(con, tmp_path):
    path = write(tmp_path / "onspd.csv", [
        ONSPD_HEADER,                                    # line 1
        onspd_row("ME7 1AA"),                            # 2 good
        onspd_row("NOT A CODE"),                         # 3 bad postcode
        onspd_row("ME7 1AB", lat="151.38"),              # 4 latitude out of range
        onspd_row("ME7 1AD", long="east"),               # 5 longitude not a number
        onspd_row("ME7 1AE", lsoa21="E0101601"),         # 6 LSOA code one digit short
        onspd_row("me71aa"),                             # 7 the same postcode as line 2
        onspd_row("ME7 1AF"),                            # 8 good
    ])
    summary = load_postcodes(con, path)
    assert (summary.rows, summary.quarantined) == (2, 5)
    rows = con.execute("select file, line, field, value, reason from quarantine order by line").fetchall()
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (3, "pcds", "NOT A CODE"), (4, "lat", "151.38"), (5, "long", "east"), (6, "lsoa21", "E0101601"),
        (7, "pcds", "me71aa")]
    assert {r[0] for r in rows} == {str(path)}
    assert rows[4][4] == "duplicate of line 2"
    assert "postcode" in rows[0][4] and "latitude" in rows[1][4]
    assert [p for (p,) in con.execute("select postcode from postcodes order by 1").fetchall()] == [
        "ME7 1AA", "ME7 1AF"]


def test_loading_the_same_file_again_leaves_no_duplicates(con, tmp_path):
    path = write(tmp_path / "onspd.csv", [ONSPD_HEADER, onspd_row("ME7 1AA"), onspd_row("XX1")])
    load_postcodes(con, path)
    load_postcodes(con, path)
    assert con.execute("select count(*) from postcodes").fetchone() == (1,)
    assert con.execute("select count(*) from quarantine").fetchone() == (1,)
    # A corrected file replaces what the first one loaded: the moved postcode has its new ward.
    write(path, [ONSPD_HEADER, onspd_row("ME7 1AA", ward="E05014450")])
    load_postcodes(con, path)
    assert con.execute("select postcode, ward_code from postcodes").fetchall() == [("ME7 1AA", "E05014450")]
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)


def test_a_failed_load_leaves_the_warehouse_as_it_was(con, tmp_path):
    load_postcodes(con, write(tmp_path / "good.csv", [ONSPD_HEADER, onspd_row("ME7 1AA")]))
    with pytest.raises(InputFileError, match="line 1"):
        load_postcodes(con, write(tmp_path / "bad.csv", ["postcode,easting", "ME7 1AA,1"]))
    assert con.execute("select count(*) from postcodes").fetchone() == (1,)


def test_postcodes_are_normalised_whatever_the_spacing_and_case():
    assert normalise_postcode("me7 1aa") == normalise_postcode("ME71AA") == normalise_postcode(" ME7  1AA") == "ME7 1AA"
    assert normalise_postcode("SW1A1AA") == "SW1A 1AA"
    assert normalise_postcode("ME7 1A") is None


def test_the_command_loads_the_file_into_the_settings_warehouse(tmp_path, data_dir):
    path = write(tmp_path / "onspd.csv", [ONSPD_HEADER, onspd_row("ME7 1AA"), onspd_row("BAD")])
    result = CliRunner().invoke(main, ["geography", "load-postcodes", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 postcode rows" in result.output and "1 quarantined" in result.output
    with open_warehouse(data_dir / "warehouse.duckdb", read_only=True) as con:
        assert lookup_postcode(con, "ME71AA") is not None
