"""Crime groups as the Strategic Assessment reports them (the seed's Appendix 1).

police.uk publishes 14 categories; Home Office offence codes carry an offence group and
subgroup. Both map to the same report groups, each with its subgroups (Appendix 1's indented
lines). police.uk merges violence and sexual offences in one category, so from police.uk data
the two appear as one group (the report says so); offence codes separate them.

The offence-code table (:data:`OFFENCE_CODE_GROUPS`) covers every code in the Home Office
police recorded crime tables and the ONS Crime Severity Score weights. A code not in it falls
back to the offence group and subgroup the data carries (:func:`group_for_offence`).

Examples:
    >>> group_for_category("Shoplifting")
    'Theft and handling'
    >>> group_for_offence("Sexual offences", "Rape")
    'Sexual offences'
    >>> group_for_code("8N")
    ('Violence against the person', 'Violence with injury')
    >>> group_for_code("28e")
    ('Burglary', 'Residential burglary')
    >>> group_for_code("1, 4.1/2/10") == group_for_code("1") == ('Violence against the person', 'Homicide')
    True
    >>> group_for_code("999", "Theft offences", "Shoplifting")
    ('Theft and handling', 'Shoplifting')
"""

from __future__ import annotations

from csphub.analytics.offence_codes import HOMICIDE, normalise_code

ASB = "Anti-social behaviour"

VIOLENCE = "Violence against the person"
SEXUAL = "Sexual offences"
VIOLENCE_AND_SEXUAL = "Violence against the person and sexual offences"
ROBBERY = "Robbery"
BURGLARY = "Burglary"
VEHICLE = "Vehicle crime"
THEFT = "Theft and handling"
DAMAGE = "Criminal damage and arson"
SOCIETY = "Crimes against society"
FRAUD = "Fraud"
OTHER = "Other"

#: Report groups in the order of the seed's Appendix 1 (the report lists them largest first).
GROUP_ORDER: tuple[str, ...] = (VIOLENCE_AND_SEXUAL, VIOLENCE, SEXUAL, ROBBERY, BURGLARY, VEHICLE,
                                THEFT, DAMAGE, SOCIETY, FRAUD, OTHER)

POLICE_UK_GROUPS: dict[str, str] = {
    "Violence and sexual offences": VIOLENCE_AND_SEXUAL,
    "Violent crime": VIOLENCE_AND_SEXUAL,
    "Robbery": ROBBERY,
    "Burglary": BURGLARY,
    "Vehicle crime": VEHICLE,
    "Shoplifting": THEFT,
    "Bicycle theft": THEFT,
    "Other theft": THEFT,
    "Theft from the person": THEFT,
    "Criminal damage and arson": DAMAGE,
    "Drugs": SOCIETY,
    "Possession of weapons": SOCIETY,
    "Public order": SOCIETY,
    "Public disorder and weapons": SOCIETY,
    "Other crime": SOCIETY,
}

HOME_OFFICE_GROUPS: dict[str, str] = {
    "violence against the person": VIOLENCE,
    "sexual offences": SEXUAL,
    "robbery": ROBBERY,
    "criminal damage and arson": DAMAGE,
    "drug offences": SOCIETY,
    "possession of weapons offences": SOCIETY,
    "public order offences": SOCIETY,
    "miscellaneous crimes against society": SOCIETY,
    "miscellaneous crimes": SOCIETY,
    "other crimes against society": SOCIETY,
    "fraud offences": FRAUD,
}

THEFT_SUBGROUPS: dict[str, str] = {
    "domestic burglary": BURGLARY,
    "non-domestic burglary": BURGLARY,
    "non-residential burglary": BURGLARY,
    "residential burglary": BURGLARY,
    "business and community burglary": BURGLARY,
    "vehicle offences": VEHICLE,
    "theft from a vehicle": VEHICLE,
    "theft of a motor vehicle": VEHICLE,
    "vehicle interference": VEHICLE,
}


def _codes(group: str, subgroup: str, codes: str) -> dict[str, tuple[str, str]]:
    return {code: (group, subgroup) for code in codes.split()}


#: Home Office offence code, in its one spelling (:func:`normalise_code`) -> (report group,
#: subgroup). The Home Office writes homicide as one combined code.
OFFENCE_CODE_GROUPS: dict[str, tuple[str, str]] = {
    # Violence against the person
    HOMICIDE: (VIOLENCE, "Homicide"),  # also 1, 4.1, 4.2, 4.10 and '1, 4.1/2/10' (normalise_code)
    **_codes(VIOLENCE, "Violence with injury",
             "2 4.3 4.4 4.6 4.7 4.8 4.9 37.1 5D 5E 8N 8P 8S"),
    **_codes(VIOLENCE, "Violence without injury", "3A 3B 11A 13 14 36 104 105A 105B 106"),
    **_codes(VIOLENCE, "Stalking and harassment", "8L 8M 8Q 8R"),
    # Sexual offences
    **_codes(SEXUAL, "Rape", "19C 19D 19E 19F 19G 19H 19J 19K"),
    **_codes(SEXUAL, "Other sexual offences",
             "17A 17B 20A 20B 21 22A 22B 23 70 71 72 73 88A 88C 88D 88E"),
    # Robbery
    "34A": (ROBBERY, "Robbery of business property"),
    "34B": (ROBBERY, "Robbery of personal property"),
    # Burglary: dwelling / residential, and other than dwelling / business and community
    **_codes(BURGLARY, "Residential burglary", "28A 28B 28C 28D 28E 28F 28G 28H 29 29A"),
    **_codes(BURGLARY, "Business and community burglary", "30A 30B 30C 30D 31 31A"),
    # Vehicle crime
    **_codes(VEHICLE, "Theft of a motor vehicle", "37.2 48"),
    "45": (VEHICLE, "Theft from a vehicle"),
    "126": (VEHICLE, "Vehicle interference"),
    # Theft and handling (excluding vehicle interference, as Appendix 1)
    "46": (THEFT, "Shoplifting"),
    "44": (THEFT, "Bicycle theft"),
    "39": (THEFT, "Theft from the person"),
    **_codes(THEFT, "Other theft", "35 40 41 42 43 47 49 49A"),
    # Criminal damage and arson
    **_codes(DAMAGE, "Arson", "56A 56B"),
    **_codes(DAMAGE, "Criminal damage", "58A 58B 58C 58D 58J"),
    # Crimes against society
    "92A": (SOCIETY, "Trafficking of drugs"),
    **_codes(SOCIETY, "Possession of drugs", "92C 92D 92E"),
    **_codes(SOCIETY, "Possession of weapons offences", "10A 10B 10C 10D 81 90"),
    **_codes(SOCIETY, "Public order offences", "9A 9B 62A 66"),
    **_codes(SOCIETY, "Miscellaneous crimes against society",
             "15 24 26 27 33 33A 38 54 59 60 61 61A 67 69 76 79 80 802 814 83 86 95 96 99"),
    # Fraud (recorded nationally by Action Fraud, CIFAS and UK Finance, not by forces)
    "AF": (FRAUD, "Action Fraud"),
    "CIFAS": (FRAUD, "CIFAS"),
    "FFA UK": (FRAUD, "Financial Fraud Action UK"),
    "UK FINANCE": (FRAUD, "UK Finance"),
}


def group_for_category(category: str) -> str:
    """The report group of a police.uk crime category ('Other' if unknown)."""
    return POLICE_UK_GROUPS.get(category, OTHER)


def group_for_offence(offence_group: str | None, offence_subgroup: str | None = None) -> str:
    """The report group of a Home Office offence group/subgroup ('Other' if unknown)."""
    name = (offence_group or "").strip().casefold()
    if name in HOME_OFFICE_GROUPS:
        return HOME_OFFICE_GROUPS[name]
    if name == "theft offences":
        return THEFT_SUBGROUPS.get((offence_subgroup or "").strip().casefold(), THEFT)
    return OTHER


def group_for_code(code: str, offence_group: str | None = None,
                   offence_subgroup: str | None = None) -> tuple[str, str]:
    """(report group, subgroup) of a Home Office offence code, falling back to the offence group
    and subgroup the data carries when the code is not in :data:`OFFENCE_CODE_GROUPS`."""
    known = OFFENCE_CODE_GROUPS.get(normalise_code(code))
    if known:
        return known
    group = group_for_offence(offence_group, offence_subgroup)
    return group, (offence_subgroup or offence_group or "Not known").strip()
