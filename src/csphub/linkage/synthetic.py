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
- no date of birth, the day and month transposed (03/07 for 07/03), or one digit wrong;
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

import random
import string
from dataclasses import dataclass
from datetime import date
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
    dob_typo: float = 0.02
    missing_postcode: float = 0.04
    missing_address: float = 0.05
    shouting_capitals: float = 0.10
    same_name_as_father: float = 0.03


@dataclass(frozen=True)
class _Places:
    """Unit postcodes, made district by district, each on one street."""

    postcodes: list[str]
    streets: list[str]
    district: np.ndarray  # index into DISTRICTS, per postcode
    district_start: np.ndarray  # first postcode of each district
    district_size: np.ndarray


@dataclass(frozen=True)
class _People:
    first: np.ndarray
    last: np.ndarray
    dob: np.ndarray  # datetime64[D]
    place: np.ndarray
    house: np.ndarray


def _words(text: str) -> np.ndarray:
    return np.array(list(dict.fromkeys(text.split())), dtype=object)  # unique, frequency order


def _draw(names: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` names drawn with Zipf-like weights: the earlier in the list, the commoner."""
    weights = 1.0 / np.arange(1, len(names) + 1) ** 0.8
    cdf = np.cumsum(weights / weights.sum())
    return names[np.minimum(np.searchsorted(cdf, rng.random(size)), len(names) - 1)]


def _district_postcodes(district: str, count: int, rng: np.random.Generator) -> list[str]:
    codes: dict[str, None] = {}
    while len(codes) < count:
        sector, first, second = rng.integers(0, 10), rng.integers(0, 20), rng.integers(0, 20)
        codes[f"{district} {sector}{_INWARD_LETTERS[first]}{_INWARD_LETTERS[second]}"] = None
    return sorted(codes)


def _make_places(rng: np.random.Generator) -> _Places:
    streets = [f"{name} {kind}" for name in _words(STREET_NAMES) for kind in STREET_KINDS]
    postcodes: list[str] = []
    for district, count in DISTRICTS:
        postcodes += _district_postcodes(district, count, rng)
    sizes = np.array([count for _, count in DISTRICTS])
    return _Places(
        postcodes=postcodes,
        streets=[streets[i] for i in rng.integers(0, len(streets), size=len(postcodes))],
        district=np.repeat(np.arange(len(DISTRICTS)), sizes),
        district_start=np.concatenate([[0], np.cumsum(sizes)[:-1]]),
        district_size=sizes,
    )


def _make_people(n: int, rng: np.random.Generator, n_places: int,
                 rates: CorruptionRates) -> _People:
    sizes = rng.choice(_HOUSEHOLD_SIZES, size=n, p=_HOUSEHOLD_WEIGHTS)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    household = np.repeat(np.arange(len(sizes)), sizes)[:n]
    head = np.concatenate([[0], np.cumsum(sizes)[:-1]])[household]  # first member's index
    is_member = np.arange(n) > head
    is_male = rng.random(n) < 0.5
    first = np.where(is_male, _draw(_words(MALE_FIRST_NAMES), n, rng),
                     _draw(_words(FEMALE_FIRST_NAMES), n, rng))
    junior = is_member & is_male & is_male[head] & (rng.random(n) < rates.same_name_as_father)
    first = np.where(junior, first[head], first)  # John Smith junior, at his father's address
    first = _distinct_in_households(first, head, junior, is_male, rng)
    surnames = _words(SURNAMES)
    household_surname = _draw(surnames, len(sizes), rng)[household]
    married_in = is_member & (rng.random(n) >= 0.85)
    last = np.where(married_in, _draw(surnames, n, rng), household_surname)
    span = (np.datetime64("2012-12-31") - np.datetime64("1940-01-01")).astype(int)
    dob = np.datetime64("1940-01-01") + rng.integers(0, span, size=n).astype("timedelta64[D]")
    return _People(first, last, dob, rng.integers(0, n_places, size=len(sizes))[household],
                   rng.integers(1, 121, size=len(sizes))[household])


def _distinct_in_households(first: np.ndarray, head: np.ndarray, junior: np.ndarray,
                            is_male: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Redraw a first name already used in the household (parents rarely give two children
    the same name); juniors keep their father's name on purpose."""
    first = first.copy()
    male, female = _words(MALE_FIRST_NAMES), _words(FEMALE_FIRST_NAMES)
    used: set[str] = set()
    for i in range(len(first)):
        if head[i] == i:
            used = set()
        while first[i] in used and not junior[i]:
            first[i] = _draw(male if is_male[i] else female, 1, rng)[0]
        used.add(first[i])
    return first


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))  # keep the first letter: people rarely mistype it
    letter = rng.choice(string.ascii_lowercase)
    kind = rng.randrange(4)
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

# Columns of the per-record table of uniform draws: one per decision.
(_NICKNAME, _TYPO_FIRST, _TYPO_LAST, _SWAP, _SHOUT, _MOVED, _LOCAL_MOVE, _NO_POSTCODE,
 _NO_ADDRESS, _NO_DOB, _TRANSPOSE, _POSTCODE_STYLE, _ADDRESS_STYLE, _NEW_PLACE,
 _DOB_TYPO) = range(_DRAWS := 15)


def _names(first: str, last: str, u: np.ndarray, rng: random.Random,
           rates: CorruptionRates) -> tuple[str, str]:
    if first in _NICKNAMES_OF and u[_NICKNAME] < rates.nickname:
        first = rng.choice(_NICKNAMES_OF[first])
    if u[_TYPO_FIRST] < rates.typo_first_name:
        first = _typo(first, rng)
    if u[_TYPO_LAST] < rates.typo_last_name:
        last = _typo(last, rng)
    if u[_SWAP] < rates.swapped_names:
        first, last = last, first
    shout = u[_SHOUT] < rates.shouting_capitals
    return _write_name(first, shout), _write_name(last, shout)


def _write_name(name: str, shout: bool) -> str:
    if name in ("obrien", "oconnor", "odonnell"):
        name = f"{name[0]}'{name[1:]}"
    return name.upper() if shout else name.title()


def _dob_text(dob: np.datetime64, u: np.ndarray, rates: CorruptionRates) -> str | None:
    if u[_NO_DOB] < rates.missing_dob:
        return None
    text = str(dob)
    day, month = int(text[8:10]), int(text[5:7])
    if u[_TRANSPOSE] < rates.dob_day_month_transposed and day <= 12 and day != month:
        return f"{text[:4]}-{day:02d}-{month:02d}"
    if u[_DOB_TYPO] < rates.dob_typo:
        return _dob_typo(text, u[_DOB_TYPO] / rates.dob_typo)  # uniform in [0, 1)
    return text


def _dob_typo(text: str, u: float) -> str:
    """One digit of the year's last two, the month or the day changed, keeping a real date."""
    position = (2, 3, 6, 8, 9)[int(u * 5)]
    for step in range(1, 10):
        digit = str((int(text[position]) + step) % 10)
        candidate = text[:position] + digit + text[position + 1:]
        try:
            date.fromisoformat(candidate)
        except ValueError:
            continue
        return candidate
    return text


def _new_place(place: int, u: np.ndarray, places: _Places) -> int:
    """Where a person who moved now lives: most moves stay in the same district."""
    if u[_LOCAL_MOVE] < 0.6:
        district = places.district[place]
        return int(places.district_start[district] + u[_NEW_PLACE] * places.district_size[district])
    return int(u[_NEW_PLACE] * len(places.postcodes))


def _postcode_text(postcode: str, u: np.ndarray, rates: CorruptionRates) -> str | None:
    if u[_NO_POSTCODE] < rates.missing_postcode:
        return None
    if u[_POSTCODE_STYLE] < 0.08:
        return postcode.replace(" ", "")
    if u[_POSTCODE_STYLE] < 0.12:
        return postcode.lower()
    return postcode


_SHORT_STREET_KINDS = {"street": "St.", "road": "Rd", "avenue": "Ave", "lane": "Ln",
                       "drive": "Dr"}


def _address_text(number: int, street: str, u: np.ndarray,
                  rates: CorruptionRates) -> str | None:
    if u[_NO_ADDRESS] < rates.missing_address:
        return None
    name, kind = street.rsplit(" ", 1)
    if u[_ADDRESS_STYLE] < 0.15:
        return f"{number}, {street.title()}"
    if u[_ADDRESS_STYLE] < 0.25 and kind in _SHORT_STREET_KINDS:
        return f"{number} {name.title()} {_SHORT_STREET_KINDS[kind]}"
    return f"{number} {street.title()}"


def _record(person: int, people: _People, places: _Places, u: np.ndarray, rng: random.Random,
            rates: CorruptionRates) -> tuple[str, str, str | None, str | None, str | None]:
    first, last = _names(people.first[person], people.last[person], u, rng, rates)
    place, house = int(people.place[person]), int(people.house[person])
    if u[_MOVED] < rates.moved_house:
        place, house = _new_place(place, u, places), rng.randrange(1, 121)
    return (first, last, _dob_text(people.dob[person], u, rates),
            _postcode_text(places.postcodes[place], u, rates),
            _address_text(house, places.streets[place], u, rates))


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
    text_rng = random.Random(seed)
    places = _make_places(rng)
    people = _make_people(n_people, rng, len(places.postcodes), rates)
    counts = rng.choice(_RECORDS_PER_PERSON, size=n_people, p=_RECORDS_WEIGHTS)
    owners = rng.permutation(np.repeat(np.arange(n_people), counts))  # ids say nothing
    agency_cdf = np.cumsum(_AGENCY_WEIGHTS) / sum(_AGENCY_WEIGHTS)
    agencies = np.array(AGENCIES)[np.searchsorted(agency_cdf, rng.random(len(owners)))]
    draws = rng.random((len(owners), _DRAWS))
    rows = [_record(int(owner), people, places, draws[i], text_rng, rates)
            for i, owner in enumerate(owners)]
    uids = [f"r{position:07d}" for position in range(len(rows))]
    records = pd.DataFrame(rows, columns=["first_name", "last_name", "date_of_birth",
                                          "postcode", "address"])
    records.insert(0, "agency", agencies.tolist())
    records.insert(0, "unique_id", uids)
    return records, _true_pairs(owners, uids)


def _true_pairs(owners: np.ndarray, uids: list[str]) -> set[tuple[str, str]]:
    by_person: dict[int, list[str]] = {}
    for owner, uid in zip(owners.tolist(), uids, strict=True):
        by_person.setdefault(owner, []).append(uid)
    return {(a, b) for group in by_person.values() for a, b in combinations(sorted(group), 2)}
