"""Crime groups as the Strategic Assessment reports them (the seed's Appendix 1).

police.uk publishes 14 categories; Home Office offence codes carry an offence group and
subgroup. Both map to the same report groups. police.uk merges violence and sexual offences in
one category, so from police.uk data the two appear as one group (the report says so).

Examples:
    >>> group_for_category("Shoplifting")
    'Theft and handling'
    >>> group_for_offence("Sexual offences", "Rape")
    'Sexual offences'
"""

from __future__ import annotations

ASB = "Anti-social behaviour"

POLICE_UK_GROUPS: dict[str, str] = {
    "Violence and sexual offences": "Violence against the person and sexual offences",
    "Violent crime": "Violence against the person and sexual offences",
    "Robbery": "Robbery",
    "Burglary": "Burglary",
    "Vehicle crime": "Vehicle crime",
    "Shoplifting": "Theft and handling",
    "Bicycle theft": "Theft and handling",
    "Other theft": "Theft and handling",
    "Theft from the person": "Theft and handling",
    "Criminal damage and arson": "Criminal damage and arson",
    "Drugs": "Crimes against society",
    "Possession of weapons": "Crimes against society",
    "Public order": "Crimes against society",
    "Public disorder and weapons": "Crimes against society",
    "Other crime": "Crimes against society",
}

HOME_OFFICE_GROUPS: dict[str, str] = {
    "Violence against the person": "Violence against the person",
    "Sexual offences": "Sexual offences",
    "Robbery": "Robbery",
    "Criminal damage and arson": "Criminal damage and arson",
    "Drug offences": "Crimes against society",
    "Possession of weapons offences": "Crimes against society",
    "Public order offences": "Crimes against society",
    "Miscellaneous crimes against society": "Crimes against society",
    "Fraud offences": "Fraud",
}

THEFT_SUBGROUPS: dict[str, str] = {
    "Domestic burglary": "Burglary",
    "Non-domestic burglary": "Burglary",
    "Non-residential burglary": "Burglary",
    "Residential burglary": "Burglary",
    "Vehicle offences": "Vehicle crime",
}


def group_for_category(category: str) -> str:
    """The report group of a police.uk crime category ('Other' if unknown)."""
    return POLICE_UK_GROUPS.get(category, "Other")


def group_for_offence(offence_group: str, offence_subgroup: str | None = None) -> str:
    """The report group of a Home Office offence group/subgroup."""
    if offence_group in HOME_OFFICE_GROUPS:
        return HOME_OFFICE_GROUPS[offence_group]
    if offence_group == "Theft offences":
        return THEFT_SUBGROUPS.get(offence_subgroup or "", "Theft and handling")
    return "Other"
