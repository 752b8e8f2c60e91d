"""The partnership's local definition of serious violence, as configuration.

Medway's briefing note (2.6.2) defines serious violence as homicide, knife crime, robbery, gun
crime, and violence within domestic abuse, sexual offences, gangs and drug supply. police.uk
categories can express only part of that; Home Office offence codes more. The definition is a
JSON file the partnership edits (``--serious-violence FILE``); the default is below.

Examples:
    >>> DEFAULT_DEFINITION["police_uk_categories"]
    ['Robbery', 'Possession of weapons']
"""

from __future__ import annotations

import json
from pathlib import Path

DEFAULT_DEFINITION: dict = {
    "name": "Serious violence (local definition)",
    "description": (
        "Homicide, knife crime, robbery, gun crime, and violence within domestic abuse, sexual "
        "offences, gangs and drug supply, as far as the data allows. From police.uk data: robbery "
        "and possession of weapons (police.uk does not separate homicide, knife or gun crime "
        "within 'Violence and sexual offences'). From Home Office offence codes: homicide (1), "
        "attempted murder (2), threats to kill (3.1 and 3.2 are excluded), wounding with intent "
        "(5A, 5D), robbery (34A, 34B), possession of weapons (10A, 10C, 10D, 81), rape (19C-19H)."
    ),
    "police_uk_categories": ["Robbery", "Possession of weapons"],
    "offence_codes": ["1", "2", "5A", "5D", "34A", "34B", "10A", "10C", "10D", "81",
                      "19C", "19D", "19E", "19F", "19G", "19H"],
}


def load_definition(path: Path | None) -> dict:
    """The definition from a JSON file (keys as DEFAULT_DEFINITION), or the default."""
    if path is None:
        return dict(DEFAULT_DEFINITION)
    definition = {**DEFAULT_DEFINITION, **json.loads(Path(path).read_text())}
    if not isinstance(definition.get("police_uk_categories"), list):
        raise ValueError(f"{path}: police_uk_categories must be a list of police.uk crime types")
    return definition
