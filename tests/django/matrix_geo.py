"""Permission-matrix rows for the map of a place (issue 12, item 6).

The map of a location is read through access like the location page: officers and supervisors
of an agency on a case there (lead, shared) see it, and the read is audited; anyone else gets
404, as if the place did not exist. The world's location has no boundaries loaded, so the
answer is the small SVG saying "No map", still an image and still audited.
"""

from __future__ import annotations

from typing import Any

from .matrix_kit import Exercise, Read, World

RULES: dict[str, Any] = {}

PAGES: dict[str, tuple[Exercise, ...]] = {
    "/locations/<int:pk>/map.svg": (Exercise("case_person", params={"pk": "location"}, refused="location",
                                             reads=(Read("location", "location"),)),),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {}


def add_records(world: World) -> None:
    """The casework world's location is the one mapped; nothing to add."""
