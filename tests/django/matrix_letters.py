"""Permission matrix rows for letters written from a tool or power (issue 12, item 7; see matrix_kit).

Writing a letter records on the case, and the letter holds the person's name and the conduct: the
officers and supervisors of the lead and sharing agencies may (200, the file); everyone else is
answered as if the intervention did not exist (404), as the intervention's own correction page is
(analysts read no free text, so they do not see the intervention to refuse it with a 403).
"""

from __future__ import annotations

from .matrix_kit import CASEWORK, ON_CASE, Exercise, World, sees

RULES = {"letter": sees(CASEWORK, ON_CASE)}


def add_records(world: World) -> None:
    """Nothing to add: the world's Acceptable Behaviour Contract (to the subject) has a letter."""


PAGES = {
    "/interventions/<int:pk>/letter/": (
        Exercise("letter", "post", {"pk": "intervention"}, body=lambda w: {"format": "docx"}, refused="intervention",
                 ok=200),),
}

API_ROUTES: dict[str, tuple[Exercise, ...]] = {}
