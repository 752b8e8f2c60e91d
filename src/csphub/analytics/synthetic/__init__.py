"""Synthetic police.uk and ONS files, generated from code (seeded, vectorised, fast).

Two users: ``csphub demo`` (a fictional partnership, Riverford, in the fictional county of
Aldshire, written in the formats real users download so it goes through the same loaders) and
the national-scale benchmark in ``benchmarks/``.

Examples:
    >>> from pathlib import Path
    >>> import tempfile
    >>> from datetime import date
    >>> sources = write_demo_sources(Path(tempfile.mkdtemp()), years=1, end_month=date(2025, 3, 1))
    >>> len(sources.street_files), sources.street_files[0].name
    (12, '2024-04-aldshire-street.csv')
"""

from .demo_sources import (
    DEMO_AREA,
    DEMO_LAD,
    DemoSources,
    financial_year_months,
    force_slug,
    last_complete_financial_year_end,
    write_demo_sources,
)
from .police_uk_format import CRIME_TYPES, STREET_HEADER

__all__ = [
    "CRIME_TYPES",
    "DEMO_AREA",
    "DEMO_LAD",
    "STREET_HEADER",
    "DemoSources",
    "financial_year_months",
    "force_slug",
    "last_complete_financial_year_end",
    "write_demo_sources",
]
