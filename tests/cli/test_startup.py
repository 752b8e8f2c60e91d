"""Start-up: a command imports only what it uses. ``csphub --help`` loads no data library at
all, and ``csphub counts`` none of the statistics, maps, documents or linkage that the
Strategic Assessment needs (each run in a fresh interpreter, as a user starts it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csphub.analytics.areas import add_area
from csphub.analytics.warehouse import open_warehouse

#: what the command line reports it imported, after running the command
SCRIPT = """
import json, sys
from csphub.cli import main
try:
    main.main(sys.argv[1:], prog_name="csphub")
except SystemExit as e:
    code = e.code
print("\\nIMPORTED " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
sys.exit(code)
"""

REPORTS = {"scipy", "matplotlib", "geopandas", "weasyprint", "docx", "splink", "statsmodels", "libpysal",
           "esda", "openpyxl"}
HEAVY_FOR_HELP = REPORTS | {"pandas", "shapely", "duckdb", "django", "pyarrow", "numpy"}
HEAVY_FOR_COUNTS = REPORTS | {"pandas", "shapely", "django"}


def imported_by(*args: str, env: dict[str, str] | None = None) -> tuple[set[str], str]:
    """Run ``csphub ARGS`` in a new interpreter; the top-level modules it imported, and its output."""
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stdout + done.stderr
    output, _, listed = done.stdout.rpartition("\nIMPORTED ")
    return set(json.loads(listed)), output


@pytest.mark.parametrize("args", [["--help"], ["counts", "--help"], ["assess", "--help"], ["coverage", "--help"]])
def test_help_imports_no_data_library(args):
    modules, output = imported_by(*args)
    assert "Usage: csphub" in output
    assert sorted(modules & HEAVY_FOR_HELP) == []


def test_counts_imports_no_report_library(tmp_path: Path):
    data = tmp_path / "data"
    with open_warehouse(data / "warehouse.duckdb") as con:
        con.execute("insert into lsoa_ward_lookup (lsoa_code, lsoa_vintage, ward_code, ward_name, ward_vintage, "
                    "lad_code) values ('E01000001', '2021', 'E05000001', 'Castle', '2023', 'E06000099')")
        con.execute("insert into street_crime (file_id, month, force, lsoa_code, crime_type) "
                    "values (1, '2024-01-01', 'kent', 'E01000001', 'Burglary')")
        add_area(con, "Townshire", ["E06000099"])
    modules, output = imported_by("counts", "--area", "Townshire", "--format", "json",
                                  env={"CSPHUB_DATA_DIR": str(data)})
    assert json.loads(output) == [{"month": "2024-01", "crime_type": "Burglary", "count": 1}]
    assert sorted(modules & HEAVY_FOR_COUNTS) == []


def test_the_command_time_counts_from_the_process_start():
    """What a command reports as "written in ..." includes what ran before the CLI was imported
    (here a pause of 0.3 s), so start-up is never left out of it."""
    done = subprocess.run([sys.executable, "-c", "import time; time.sleep(0.3)\n"
                           "from csphub.cli._common import seconds_since_start; print(seconds_since_start())"],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) >= 0.3


def test_importing_the_command_line_imports_no_heavy_library():
    """``import csphub.cli`` (what every command pays before it runs) loads none of the statistics,
    data-frame, chart, document or linkage libraries: they are imported where they are used."""
    done = subprocess.run([sys.executable, "-c", "import json, sys, csphub.cli\n"
                           "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    heavy = {"scipy", "pandas", "matplotlib", "weasyprint", "docx", "splink"}
    assert sorted(set(json.loads(done.stdout)) & heavy) == []
