"""A partial year of the hand-made partnership, assessed once for the document tests (Word
structure, Excel formats, PDF overflow): March 2024 is not loaded (the partial-data banner) and
December 2023 holds 30% of its rows (a month flagged as incomplete, footnoted and marked)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from . import handmade

POPULATION_SOURCE = "ONS mid-2023 (hand-made)"
NARRATIVE = """# Foreword
Gridshire stayed a safe place to live.

# Priorities
## Reducing burglary
Burglary patrols ran in ward D every week.
### Aims and items to note
- Keep the patrols going.

# Horizon scan
The cost of living will weigh on the year ahead.

# Conclusions
Burglary drove the rise in recorded crime.

# Recommendations
- Keep burglary a priority.
"""


def _keep_share(path: Path, share: float) -> None:
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    keep = rows[:1] + rows[1:][: int((len(rows) - 1) * share)]
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(keep)


@pytest.fixture(scope="session")
def partial_report(tmp_path_factory) -> Path:
    """The output folder of ``csphub assess`` for 2023/24 with March missing and December short."""
    from csphub.cli import main

    folder = tmp_path_factory.mktemp("assess-partial")
    files = handmade.write_partnership(folder / "src")
    shutil.rmtree(files["police"] / "2024-03")
    _keep_share(files["police"] / "2023-12" / "2023-12-gridshire-street.csv", 0.3)
    narrative = folder / "narrative.md"
    narrative.write_text(NARRATIVE)
    runner = CliRunner(env={"CSPHUB_DATA_DIR": str(folder / "data")})

    def run(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    run("geography", "load", files["lookup"])
    run("population", "load", files["population"], "--year", "2023", "--source", POPULATION_SOURCE)
    run("boundaries", "load", files["boundaries"])
    run("ingest", "police-uk", files["police"])
    run("area", "add", "Gridshire", "--lad", handmade.LAD)
    out = folder / "out"
    run("assess", "--area", "Gridshire", "--year", "2023/24", "--out", out, "--previous-years", "1",
        "--permutations", "99", "--narrative", narrative)
    return out
