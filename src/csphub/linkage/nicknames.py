"""Common English nicknames and short forms, mapped to one canonical first name.

Agencies record the name a person gives: the police may have "Bob Smith" where the housing
provider has "Robert Smith". Matching compares canonical first names, so both become
"robert". The table is data: add a line to extend it. Keys and values are lower case.

A nickname that belongs to more than one full name (``alex`` for Alexander or Alexandra,
``chris`` for Christopher or Christine, ``sam`` for Samuel or Samantha) maps to the more
common full name; the Jaro-Winkler levels still score the other spelling as close. Short
forms that are now mostly given names in their own right (Jack, Liam, Leo, Nathan, Elsie) are
left out, so Jack and John stay different people. A match on canonical name is a weaker
level than an exact match on the name as written, and the model learns its own weight.

Examples:
    >>> NICKNAMES["bobby"], NICKNAMES["lizzie"], canonical_first_name("Jim")
    ('robert', 'elizabeth', 'james')
    >>> canonical_first_name("Zebedee")
    'zebedee'
"""

from __future__ import annotations

from types import MappingProxyType

_GROUPS: dict[str, tuple[str, ...]] = {
    "robert": ("bob", "bobby", "rob", "robbie", "robby", "bert", "bertie"),
    "william": ("bill", "billy", "will", "willy", "willie", "wills"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "bess", "bessie", "eliza", "libby",
                  "betsy"),
    "james": ("jim", "jimmy", "jamie", "jimbo"),
    "katherine": ("kate", "katie", "kathy", "kath", "kat", "katy", "kitty", "catherine",
                  "kathryn", "cathy", "cath", "cate"),
    "david": ("dave", "davey", "davy"),
    "michael": ("mike", "mick", "mickey", "micky", "mikey"),
    "thomas": ("tom", "tommy"),
    "susan": ("sue", "susie", "suzy", "suzie"),
    "christopher": ("chris", "kit", "topher"),
    "richard": ("rich", "rick", "ricky", "dick", "richie", "ritchie"),
    "margaret": ("maggie", "meg", "peggy", "madge", "maisie", "marge"),
    "edward": ("ed", "eddie", "eddy", "ted", "teddy", "ned"),
    "anthony": ("tony", "ant"),
    "joseph": ("joe", "joey"),
    "daniel": ("dan", "danny"),
    "matthew": ("matt", "matty"),
    "andrew": ("andy", "drew"),
    "alexander": ("alex", "al", "sandy", "xander"),
    "nicholas": ("nick", "nicky", "nico"),
    "jonathan": ("jon", "jonny", "jonty"),
    "john": ("johnny", "jock"),
    "stephen": ("steve", "stevie", "steven"),
    "benjamin": ("ben", "benny", "benji"),
    "samuel": ("sam", "sammy"),
    "charles": ("charlie", "chas", "chuck", "chaz"),
    "frederick": ("fred", "freddie", "freddy"),
    "henry": ("harry", "hal", "hank"),
    "patrick": ("pat", "paddy"),
    "peter": ("pete",),
    "timothy": ("tim", "timmy"),
    "gregory": ("greg",),
    "jennifer": ("jen", "jenny", "jenni"),
    "rebecca": ("becky", "becca", "bex"),
    "deborah": ("debbie", "deb", "debra"),
    "victoria": ("vicky", "vicki", "tori"),
    "samantha": ("sammie", "sammi"),
    "jessica": ("jess", "jessie"),
    "patricia": ("patsy", "trish", "tricia", "patty"),
    "abigail": ("abby", "abbie", "gail"),
    "christine": ("chrissy", "tina"),
    "alexandra": ("lexi", "sasha", "alexa"),
    "kimberley": ("kim", "kimberly"),
    "pamela": ("pam",),
    "barbara": ("barb", "babs"),
    "dorothy": ("dot", "dotty", "dolly"),
    "eleanor": ("ellie", "nell", "nellie", "elly"),
    "josephine": ("jo", "josie"),
    "philip": ("phil", "pip"),
    "raymond": ("ray",),
    "ronald": ("ron", "ronnie"),
    "kenneth": ("ken", "kenny"),
    "gerald": ("gerry", "jerry"),
    "leonard": ("len", "lenny"),
    "terence": ("terry", "terrance"),
    "vincent": ("vince", "vinny"),
    "zachary": ("zach", "zak", "zack"),
    "nathaniel": ("nat", "nate"),
    "douglas": ("doug", "dougie"),
    "donald": ("don", "donny"),
    "lawrence": ("larry", "laurie"),
    "frances": ("fran", "fanny"),
    "caroline": ("carol", "carrie", "caz"),
    "amanda": ("mandy",),
    "louise": ("lou", "lulu"),
    "natalie": ("nat", "tally"),
    "sarah": ("sally", "sara"),
    "mary": ("molly", "polly", "mae"),
    "ann": ("anne", "annie", "nan", "nancy"),
    "helen": ("nell",),
    "gemma": ("jemma",),
    "zoe": ("zoey",),
}


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for full, short_forms in _GROUPS.items():
        for short in short_forms:
            table.setdefault(short, full)  # the first (more common) full name wins a clash
    return table


NICKNAMES: MappingProxyType[str, str] = MappingProxyType(_build())
"""Nickname or variant spelling -> canonical first name (all lower case)."""


def canonical_first_name(name: str | None) -> str | None:
    """The canonical form of a first name: its full name when it is a known nickname.

    Lower-cases and strips the name; ``None`` or an empty name gives ``None``.

    Examples:
        >>> canonical_first_name(" Bobby "), canonical_first_name("robert")
        ('robert', 'robert')
        >>> canonical_first_name("") is None
        True
    """
    if name is None:
        return None
    key = name.strip().lower()
    if not key:
        return None
    return NICKNAMES.get(key, key)
