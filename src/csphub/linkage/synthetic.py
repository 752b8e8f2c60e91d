"""Synthetic person records with known truth, for testing and benchmarking record linkage.

``generate_people`` makes a population of true people living in households at UK-shaped
postcodes (Medway, Kent and a few neighbouring districts), then writes each person into the
records of one or more agencies (council ASB team, police, housing provider, probation,
health, fire). Each record is copied from the person with the mistakes and changes real
casework records carry, each at a known rate (``CorruptionRates``):

- a one-character typo in the first or last name (substitution, deletion, insertion or two
  neighbouring letters swapped);
- a nickname instead of the full first name (Bob for Robert, Liz for Elizabeth);
- first and last names swapped;
- a different address and postcode (the person moved house, usually nearby);
- no date of birth, or the day and month transposed (03/07 for 07/03);
- no postcode, no address.

Households make the hard cases: relatives share a surname, an address and a postcode, and a
few fathers and sons share a first name too. Names are written as agencies write them (title
case, shouting capitals, odd postcode spacing), which ``prepare`` must undo.

Nothing is downloaded: the name lists below are data in this module. Their order is roughly
their frequency in England and Wales, and people are drawn from them with Zipf-like weights.

Examples:
    >>> records, pairs = generate_people(200, seed=1)
    >>> sorted(records.columns)[:4]
    ['address', 'agency', 'date_of_birth', 'first_name']
    >>> all(a < b for a, b in pairs)
    True
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

import numpy as np
import pandas as pd

from csphub.linkage.nicknames import NICKNAMES

MALE_FIRST_NAMES = """
oliver george harry jack noah charlie jacob alfie freddie oscar leo archie henry joshua thomas
james william isaac theo alexander max lucas ethan muhammad arthur mohammed logan daniel
samuel joseph adam riley dylan finley edward sebastian reuben toby harrison jenson elijah
louie zachary luca teddy hugo benjamin albert frankie jake lewis david michael john robert
richard christopher andrew mark paul stephen peter anthony kevin gary ian simon matthew
jonathan nicholas martin lee craig darren wayne shaun dean carl scott neil jason stuart
philip graham keith colin brian alan barry terence raymond kenneth ronald derek trevor
gordon malcolm stanley frederick charles patrick timothy gregory douglas donald lawrence
vincent leonard gerald dominic nathaniel callum connor kieran liam ryan bradley jordan
aaron tyler ashley jamie kyle declan ross sean luke nathan owen rhys gareth dafydd iwan
aled emyr huw ifan osian cerys tomasz piotr krzysztof marek pawel jakub mateusz andrei
mihai florin bogdan imran tariq bilal hamza yusuf ibrahim omar ali hassan amir arjun rohan
ravi sanjay rajesh harpreet gurpreet jaspreet kwame kofi chinedu emeka tunde segun dwayne
marcus jerome clive desmond winston errol
"""

FEMALE_FIRST_NAMES = """
olivia amelia isla ava mia ivy lily isabella rosie sophia grace freya willow florence
emily ella poppy evie elsie charlotte evelyn sienna sofia daisy phoebe sophie alice matilda
harper ruby emilia maya millie jessica chloe lucy holly ellie katie megan hannah lauren
sarah rebecca laura amy emma natalie victoria samantha jennifer nicola michelle kelly
claire lisa joanne rachel helen karen julie tracey donna louise amanda dawn sharon
deborah susan elizabeth margaret patricia barbara dorothy jean maureen sandra linda
christine pauline carol janet valerie ann brenda shirley sheila irene doreen eileen
joan kathleen katherine josephine eleanor frances caroline abigail kimberley pamela
alexandra stephanie gemma leanne kirsty stacey danielle jade shannon courtney chelsea
paige bethany georgia abbie jasmine leah zoe naomi esther ruth rhiannon ceri sian
angharad bethan eira ffion lowri nia carys seren agnieszka katarzyna magdalena joanna
aleksandra monika ewa andreea elena ioana fatima aisha maryam zainab amina khadija
noor hafsa ayesha priya anjali sunita neha harjit manpreet simran kiran precious
blessing chioma ngozi abena adwoa tanisha shanice keisha marcia beverley yvonne
"""

SURNAMES = """
smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson
thompson wright walker white edwards hughes green hall lewis harris clarke patel jackson
wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan
allen james scott phillips watson davis parker price bennett young griffiths mitchell
kelly cook carter richardson bailey collins bell shaw murphy miller cox richards khan
marshall anderson simpson ellis adams singh begum wilkinson foster chapman powell webb
rogers gray mason ali hunt hussain campbell matthews owen palmer holmes mills barnes
knight lloyd butler russell barker fisher stevens jenkins murray dixon harvey graham
pearson ahmed fletcher walsh kaur gibson howard andrews stewart elliott reynolds saunders
payne fox ford pearce day brooks west lawrence cole atkinson bradley spencer gill dawson
ball burton obrien watts rose booth perry ryan grant wells armstrong francis rees hayes
hart hudson newman barrett webster hunter gregory carr lowe page marsh riley dunn
woods parsons berry stone reid holland hawkins harding porter robertson newton oliver
reed kennedy williamson bird gardner shah dean lane cooke bates henderson parry
burgess bishop walton burns nicholson shepherd ross cross long freeman warren nicholls
hamilton byrne sutton mcdonald yates hodgson robson curtis hopkins oconnor harper coleman
watkins moss mccarthy chambers odonnell griffin sharp hardy wheeler potter osborne
johnston gordon doyle wallace george jordan hutchinson rowe burke may pritchard gilbert
willis higgins read miles stevenson stephenson hammond arnold buckley walters hewitt
barber nelson slater austin sullivan whitehead mann frost lambert stephens blake akhtar
lynch goodwin barton woodward thomson cunningham quinn barnett baxter bibi clayton
nash greenwood jennings holt kemp poole gallagher bond stokes tucker davidson fowler
heath norman middleton lawson banks french stanley jarvis gibbs ferguson hayward
carroll douglas dickinson todd barlow peters lucas knowles hartley miah simmons morton
alexander field morrison norris townsend preston hancock thornton baldwin burrows briggs
storey pugh hughes vaughan nowak kowalski wisniewski wojcik kaminski lewandowski
popescu ionescu rahman islam uddin choudhury mahmood iqbal hassan malik sharma kumar
gupta mistry okafor mensah adeyemi owusu campbell johnson-smith
"""

STREET_NAMES = """
high church station victoria london mill park queens kings manor school chapel york
albert grange windsor orchard meadow castle bridge north south west east elm oak ash
beech cedar willow hawthorn maple chestnut holly laurel rose priory abbey canterbury
maidstone rochester chatham dover ashford gillingham strood medway watling pier dock
"""

STREET_KINDS = ("street", "road", "avenue", "lane", "close", "drive", "way", "gardens")

# District, and how many unit postcodes to make in it (Medway first: the demo partnership).
DISTRICTS: tuple[tuple[str, int], ...] = (
    ("ME1", 700), ("ME2", 800), ("ME3", 500), ("ME4", 900), ("ME5", 800), ("ME7", 800),
    ("ME8", 800), ("ME14", 500), ("ME15", 500), ("ME16", 400), ("DA11", 400), ("DA12", 400),
    ("CT1", 300), ("TN9", 200), ("CF10", 200),
)

AGENCIES: tuple[str, ...] = ("council_asb", "police", "housing", "probation", "health", "fire")
_AGENCY_WEIGHTS = (0.24, 0.30, 0.20, 0.08, 0.13, 0.05)

# How many agency records a person has: 1 to 5, mean about 1.9.
_RECORDS_PER_PERSON = (1, 2, 3, 4, 5)
_RECORDS_WEIGHTS = (0.44, 0.31, 0.15, 0.07, 0.03)

_HOUSEHOLD_SIZES = (1, 2, 3, 4, 5)
_HOUSEHOLD_WEIGHTS = (0.50, 0.27, 0.13, 0.07, 0.03)

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the last two places of a postcode


@dataclass(frozen=True)
class CorruptionRates:
    """The chance that one record carries each mistake or change (independently).

    Examples:
        >>> CorruptionRates().nickname
        0.12
        >>> CorruptionRates(moved_house=0.0).moved_house
        0.0
    """

    typo_first_name: float = 0.05
    typo_last_name: float = 0.05
    nickname: float = 0.12
    swapped_names: float = 0.03
    moved_house: float = 0.15
    missing_dob: float = 0.08
    dob_day_month_transposed: float = 0.03
    missing_postcode: float = 0.04
    missing_address: float = 0.05
    shouting_capitals: float = 0.10
    same_name_as_father: float = 0.03


@dataclass(frozen=True)
class _Place:
    postcode: str
    district: str
    street: str


@dataclass
class _Person:
    first_name: str
    last_name: str
    dob: date
    place: int
    house_number: int


def _words(text: str) -> list[str]:
    return list(dict.fromkeys(text.split()))  # unique, in order of frequency


def _zipf_weights(n: int, exponent: float = 0.8) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def _make_places(rng: np.random.Generator) -> list[_Place]:
    streets = [f"{name} {kind}" for name in _words(STREET_NAMES) for kind in STREET_KINDS]
    places: list[_Place] = []
    for district, count in DISTRICTS:
        seen: set[str] = set()
        while len(seen) < count:
            sector = int(rng.integers(0, 10))
            letters = rng.choice(list(_INWARD_LETTERS), size=2)
            seen.add(f"{district} {sector}{letters[0]}{letters[1]}")
        for postcode in sorted(seen):
            places.append(_Place(postcode, district, streets[int(rng.integers(len(streets)))]))
    return places


def _draw_dob(rng: np.random.Generator) -> date:
    start = date(1940, 1, 1)
    return start + timedelta(days=int(rng.integers(0, (date(2012, 12, 31) - start).days)))


def _make_people(n_people: int, rng: np.random.Generator, n_places: int,
                 rates: CorruptionRates) -> list[_Person]:
    male, female, surnames = (_words(MALE_FIRST_NAMES), _words(FEMALE_FIRST_NAMES),
                              _words(SURNAMES))
    p_male, p_female, p_surname = (_zipf_weights(len(male)), _zipf_weights(len(female)),
                                   _zipf_weights(len(surnames)))
    people: list[_Person] = []
    while len(people) < n_people:
        size = int(rng.choice(_HOUSEHOLD_SIZES, p=_HOUSEHOLD_WEIGHTS))
        place, house = int(rng.integers(n_places)), int(rng.integers(1, 121))
        surname = str(rng.choice(surnames, p=p_surname))
        head_first = ""
        for member in range(min(size, n_people - len(people))):
            is_male = rng.random() < 0.5
            first = str(rng.choice(male, p=p_male) if is_male else rng.choice(female, p=p_female))
            if member == 0:
                head_first = first
            elif is_male and rng.random() < rates.same_name_as_father:
                first = head_first  # John Smith junior, at his father's address
            last = surname if rng.random() < 0.85 else str(rng.choice(surnames, p=p_surname))
            people.append(_Person(first, last, _draw_dob(rng), place, house))
    return people


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word)))  # keep the first letter: people rarely mistype it
    letter = str(rng.choice(list(string.ascii_lowercase)))
    kind = int(rng.integers(4))
    if kind == 0:  # substitution
        return word[:i] + letter + word[i + 1:]
    if kind == 1:  # deletion
        return word[:i] + word[i + 1:]
    if kind == 2:  # insertion
        return word[:i] + letter + word[i:]
    if i < len(word) - 1:  # two neighbouring letters swapped
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + letter


_NICKNAMES_OF: dict[str, list[str]] = {}
for _short, _full in sorted(NICKNAMES.items()):
    _NICKNAMES_OF.setdefault(_full, []).append(_short)


def _first_name(person: _Person, rng: np.random.Generator, rates: CorruptionRates) -> str:
    first = person.first_name
    if first in _NICKNAMES_OF and rng.random() < rates.nickname:
        first = str(rng.choice(_NICKNAMES_OF[first]))
    if rng.random() < rates.typo_first_name:
        first = _typo(first, rng)
    return first


def _dob_text(dob: date, rng: np.random.Generator, rates: CorruptionRates) -> str | None:
    if rng.random() < rates.missing_dob:
        return None
    if rng.random() < rates.dob_day_month_transposed and dob.day <= 12 and dob.day != dob.month:
        return date(dob.year, dob.day, dob.month).isoformat()
    return dob.isoformat()


def _where(person: _Person, rng: np.random.Generator, places: list[_Place],
           rates: CorruptionRates) -> tuple[_Place, int]:
    if rng.random() >= rates.moved_house:
        return places[person.place], person.house_number
    here = places[person.place]
    if rng.random() < 0.6:  # most moves are local: another street in the same district
        same_district = _district_range(places, here.district)
        return places[int(rng.integers(*same_district))], int(rng.integers(1, 121))
    return places[int(rng.integers(len(places)))], int(rng.integers(1, 121))


def _district_range(places: list[_Place], district: str) -> tuple[int, int]:
    """Places are made district by district, so a district is one run of indexes."""
    start = next(i for i, place in enumerate(places) if place.district == district)
    size = dict(DISTRICTS)[district]
    return start, start + size


def _format_postcode(postcode: str, rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.08:
        return postcode.replace(" ", "")
    if roll < 0.12:
        return postcode.lower()
    return postcode


def _format_address(number: int, street: str, rng: np.random.Generator) -> str:
    text = f"{number} {street.title()}"
    roll = rng.random()
    if roll < 0.15:
        return f"{number}, {street.title()}"
    if roll < 0.25:
        short = {"street": "St.", "road": "Rd", "avenue": "Ave", "lane": "Ln", "drive": "Dr"}
        kind = street.rsplit(" ", 1)[1]
        if kind in short:
            return f"{number} {street.rsplit(' ', 1)[0].title()} {short[kind]}"
    return text


def _write_name(name: str, shout: bool) -> str:
    if name == "obrien":
        name = "o'brien"
    elif name == "oconnor":
        name = "o'connor"
    elif name == "odonnell":
        name = "o'donnell"
    return name.upper() if shout else name.title()


def _record(person: _Person, agency: str, rng: np.random.Generator, places: list[_Place],
            rates: CorruptionRates) -> dict[str, str | None]:
    first, last = _first_name(person, rng, rates), person.last_name
    if rng.random() < rates.typo_last_name:
        last = _typo(last, rng)
    if rng.random() < rates.swapped_names:
        first, last = last, first
    shout = rng.random() < rates.shouting_capitals
    place, number = _where(person, rng, places, rates)
    postcode = None if rng.random() < rates.missing_postcode else _format_postcode(
        place.postcode, rng)
    address = None if rng.random() < rates.missing_address else _format_address(
        number, place.street, rng)
    return {"agency": agency, "first_name": _write_name(first, shout),
            "last_name": _write_name(last, shout),
            "date_of_birth": _dob_text(person.dob, rng, rates),
            "postcode": postcode, "address": address}


def generate_people(
    n_people: int, seed: int, rates: CorruptionRates | None = None,
) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """Records of ``n_people`` true people across agencies, and the pairs that truly match.

    About 1.9 records a person: 55,000 people give about 105,000 records. The same
    ``seed`` gives the same records and pairs. ``true_pairs`` holds every pair of records of
    the same person as a sorted ``(uid_a, uid_b)`` tuple.

    Examples:
        >>> records, true_pairs = generate_people(500, seed=7)
        >>> list(records.columns)
        ['unique_id', 'agency', 'first_name', 'last_name', 'date_of_birth', 'postcode', 'address']
        >>> records.equals(generate_people(500, seed=7)[0])
        True
    """
    rates = rates or CorruptionRates()
    rng = np.random.default_rng(seed)
    places = _make_places(rng)
    people = _make_people(n_people, rng, len(places), rates)
    counts = rng.choice(_RECORDS_PER_PERSON, size=len(people), p=_RECORDS_WEIGHTS)
    rows: list[dict[str, str | None]] = []
    owners: list[int] = []
    for index, (person, count) in enumerate(zip(people, counts, strict=True)):
        for agency in rng.choice(AGENCIES, size=int(count), p=_AGENCY_WEIGHTS):
            rows.append(_record(person, str(agency), rng, places, rates))
            owners.append(index)
    order = rng.permutation(len(rows))  # ids say nothing about who is who
    uids = [f"r{position:07d}" for position in range(len(rows))]
    records = pd.DataFrame([rows[i] for i in order])
    records.insert(0, "unique_id", uids)
    return records, _true_pairs([owners[i] for i in order], uids)


def _true_pairs(owners: list[int], uids: list[str]) -> set[tuple[str, str]]:
    by_person: dict[int, list[str]] = {}
    for owner, uid in zip(owners, uids, strict=True):
        by_person.setdefault(owner, []).append(uid)
    return {(a, b) for group in by_person.values() for a, b in combinations(sorted(group), 2)}
