"""Dataset profiles: which column of a partner's file is the date, the place, the category, the
count and the flags.

A profile is a small TOML (or YAML) file. The built-in ones (:mod:`.builtin`) cover the data
partners commonly share; a partnership adds its own, or overrides a built-in one, as
``$CSPHUB_DATA_DIR/partner-profiles/NAME.toml`` (or ``.yaml``). Every column may be given as a
list of alternative names, compared after :func:`csphub.analytics.partner_asb.normalise_header`
(lower case, punctuation as spaces).

Example profile::

    name = "fire"
    title = "Deliberate fires"
    agency = "Fire and rescue service"
    unit = "incidents"
    section = "deliberate_fires"
    [period]
    date = ["incident date", "date"]     # or month = ..., or financial_year = ...
    [place]
    lsoa = "lsoa code"                   # any of: lsoa, ward_code, ward_name, postcode,
                                         # longitude + latitude, easting + northing,
                                         # local_authority
    [columns]
    category = "property category"
    count = "incidents"                  # only for data that arrives aggregated
    [attributes]                         # further columns kept, to count or filter by
    motive = "motive"
    [flags]                              # yes/no columns
    domestic_abuse = "da flag"

Examples:
    >>> p = parse_profile('name = "x"\\n[period]\\nmonth = "Month"\\n[place]\\nlsoa = "LSOA"', "x.toml")
    >>> p.period_kind, p.period_columns, p.place["lsoa"]
    ('month', ('Month',), ('LSOA',))
    >>> sorted(builtin_profile_names())[:3]
    ['ambulance-assaults', 'domestic-abuse', 'drug-alcohol-treatment']
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from csphub.errors import InputFileError, InputProblem

PERIOD_KINDS = ("date", "month", "financial_year")
#: What a count measures: ``events`` happen in the period (admissions, fires, duties owed) and
#: add up over months; a ``snapshot`` is a count on a day (people in treatment, rough sleepers
#: counted on one night) and never adds up over months: the same people are counted again.
MEASURES = ("events", "snapshot")
PLACE_KEYS = ("lsoa", "ward_code", "ward_name", "postcode", "longitude", "latitude", "easting",
              "northing", "local_authority")
#: Assessment sections a dataset may feed, as the seed Strategic Assessment orders them.
SECTIONS = ("road_safety", "deliberate_fires", "violence_health", "domestic_abuse", "hate_crime",
            "substance_misuse", "homelessness", "prevent", "reoffending", "other")
#: What partners write in place of a small count they may not publish.
DEFAULT_SUPPRESSED = ("*", "<5", "< 5", "<3", "<10", "1-4", "c", "[c]", "x", "[x]", "~",
                      "suppressed", "[low]", "low")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,40}$")  # an attribute's or a flag's name


@dataclass(frozen=True)
class Profile:
    """How one partner dataset's files are read."""

    name: str
    title: str
    agency: str
    unit: str  # what one row (or one count) counts: 'casualties', 'incidents', 'admissions'
    section: str  # the assessment section it feeds (one of SECTIONS)
    period_kind: str  # 'date', 'month' or 'financial_year'
    period_columns: tuple[str, ...]
    time_columns: tuple[str, ...] = ()
    place: dict[str, tuple[str, ...]] = field(default_factory=dict)
    category_columns: tuple[str, ...] = ()
    count_columns: tuple[str, ...] = ()  # absent: one row is one incident
    reference_columns: tuple[str, ...] = ()
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    flags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    suppressed: tuple[str, ...] = DEFAULT_SUPPRESSED
    caveats: tuple[str, ...] = ()
    source: str = ""  # where the data comes from, for the sources appendix
    sheet: str | None = None  # the Excel sheet to read (default: the first)
    rate: bool = True  # a rate per 1,000 residents makes sense
    #: ICD-10 code ranges the category must fall in when it starts with a code, e.g. X85-Y09
    #: (assault): a row coded outside them is quarantined
    icd10: tuple[tuple[str, str], ...] = ()
    origin: str = "built-in"  # 'built-in' or the profile file's path
    #: 'events' (default) or 'snapshot' (see MEASURES): a snapshot is reported as the latest
    #: month's value and the monthly average, never a sum over months
    measure: str = "events"
    #: in an events dataset, the categories that are snapshots (compared in lower case), e.g.
    #: homelessness's "Rough sleepers" beside the duties owed; reported apart, as snapshots
    snapshot_categories: tuple[str, ...] = ()
    snapshot_unit: str = ""  # what the snapshot categories count (default: ``unit``)

    @property
    def aggregated(self) -> bool:
        return bool(self.count_columns)


def _names(value: object, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip():
        return (value.strip(),)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise InputFileError(InputProblem(where, None, key, repr(value),
                                      "a column name or a list of alternative column names"))


def _table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputFileError(InputProblem(where, None, key, repr(value), "a table of column names"))
    return value


def _place(data: dict, where: str) -> dict[str, tuple[str, ...]]:
    place_table = _table(data, "place", where)
    unknown = [k for k in place_table if k not in PLACE_KEYS]
    if unknown or not place_table:
        raise InputFileError(InputProblem(where, None, "place", ", ".join(unknown) or None,
                                          f"one or more of {', '.join(PLACE_KEYS)}"))
    place = {k: _names(v, where, f"place.{k}") for k, v in place_table.items()}
    for a, b in (("longitude", "latitude"), ("easting", "northing")):
        if (a in place) != (b in place):
            raise InputFileError(InputProblem(where, None, "place", a if a in place else b,
                                              f"{a} and {b} together"))
    return place


def profile_from_mapping(data: dict, where: str) -> Profile:
    """A :class:`Profile` from parsed TOML/YAML, with a clear error for each wrong key."""
    if not isinstance(data, dict):
        raise InputFileError(InputProblem(where, None, None, None, "a profile (a table of keys)"))
    name = str(data.get("name", "")).strip()
    if not NAME.match(name):
        raise InputFileError(InputProblem(where, None, "name", name or None,
                                          "a dataset name of lower-case letters, digits, - or _"))
    period = _table(data, "period", where)
    kinds = [k for k in PERIOD_KINDS if k in period]
    if len(kinds) != 1:
        raise InputFileError(InputProblem(where, None, "period", ", ".join(period) or None,
                                          "exactly one of date, month or financial_year"))
    place = _place(data, where)
    columns = _table(data, "columns", where)
    for table in ("attributes", "flags"):
        for key in _table(data, table, where):
            if not KEY.match(key):
                raise InputFileError(InputProblem(where, None, table, key,
                                                  "a name of lower-case letters, digits and _"))
    section = str(data.get("section", "other"))
    if section not in SECTIONS:
        raise InputFileError(InputProblem(where, None, "section", section, f"one of {', '.join(SECTIONS)}"))

    def opt(key: str) -> tuple[str, ...]:
        return _names(columns[key], where, f"columns.{key}") if key in columns else ()

    measure, snapshot_categories = _measure(data, where, kinds[0])
    suppressed = data.get("suppressed", list(DEFAULT_SUPPRESSED))
    caveats = data.get("caveats", [])
    if not isinstance(caveats, list) or not all(isinstance(c, str) for c in caveats):
        raise InputFileError(InputProblem(where, None, "caveats", repr(caveats), "a list of sentences"))
    return Profile(
        name=name,
        title=str(data.get("title", name)),
        agency=str(data.get("agency", "")),
        unit=str(data.get("unit", "incidents")),
        section=section,
        period_kind=kinds[0],
        period_columns=_names(period[kinds[0]], where, f"period.{kinds[0]}"),
        time_columns=_names(period["time"], where, "period.time") if "time" in period else (),
        place=place,
        category_columns=opt("category"),
        count_columns=opt("count"),
        reference_columns=opt("reference"),
        attributes={k: _names(v, where, f"attributes.{k}") for k, v in _table(data, "attributes", where).items()},
        flags={k: _names(v, where, f"flags.{k}") for k, v in _table(data, "flags", where).items()},
        suppressed=tuple(str(s).strip().casefold() for s in suppressed),
        caveats=tuple(caveats),
        source=str(data.get("source", "")),
        sheet=data.get("sheet"),
        rate=bool(data.get("rate", True)),
        icd10=_icd10(data.get("icd10", []), where),
        origin=where,
        measure=measure,
        snapshot_categories=snapshot_categories,
        snapshot_unit=str(data.get("snapshot_unit", "")),
    )


def _measure(data: dict, where: str, period_kind: str) -> tuple[str, tuple[str, ...]]:
    """The profile's ``measure`` and ``snapshot_categories`` (lower case), checked."""
    measure = str(data.get("measure", "events"))
    if measure not in MEASURES:
        raise InputFileError(InputProblem(where, None, "measure", measure,
                                          "events (counts that add up over months) or snapshot (a count on a day)"))
    categories = data.get("snapshot_categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise InputFileError(InputProblem(where, None, "snapshot_categories", repr(categories),
                                          "a list of category names"))
    if (measure == "snapshot" or categories) and period_kind != "month":
        raise InputFileError(InputProblem(where, None, "measure", measure,
                                          "a snapshot measure with a [period] month column (one count a month)"))
    return measure, tuple(c.strip().casefold() for c in categories)


ICD10 = re.compile(r"^([A-Z][0-9]{2})(?:\s*-\s*([A-Z][0-9]{2}))?$")


def _icd10(value: object, where: str) -> tuple[tuple[str, str], ...]:
    ranges = []
    for item in value if isinstance(value, list) else [value]:
        match = ICD10.match(str(item).strip().upper())
        if not match:
            raise InputFileError(InputProblem(where, None, "icd10", str(item),
                                              "ICD-10 codes or ranges such as X85-Y09"))
        ranges.append((match.group(1), match.group(2) or match.group(1)))
    return tuple(ranges)


def parse_profile(text: str, where: str) -> Profile:
    """Read a profile's text: TOML, or YAML when ``where`` ends in .yaml/.yml."""
    try:
        if where.endswith((".yaml", ".yml")):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = tomllib.loads(text)
    except Exception as e:  # noqa: BLE001 - any parser's error is the same problem for the user
        raise InputFileError(InputProblem(where, None, None, None, f"a valid profile file ({e})")) from e
    return profile_from_mapping(data, where)


def builtin_profile_names() -> list[str]:
    from csphub.analytics.partner.builtin import BUILTIN

    return list(BUILTIN)


def profile_dir(data_dir: Path) -> Path:
    """Where a partnership keeps its own profiles."""
    return data_dir / "partner-profiles"


def available_profiles(data_dir: Path | None) -> dict[str, Profile]:
    """Every profile: the built-in ones, then the data directory's (which win on a name)."""
    from csphub.analytics.partner.builtin import BUILTIN

    found = {name: parse_profile(text, f"built-in:{name}") for name, text in BUILTIN.items()}
    folder = profile_dir(data_dir) if data_dir else None
    if folder and folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix in (".toml", ".yaml", ".yml"):
                profile = parse_profile(path.read_text(encoding="utf-8"), str(path))
                found[profile.name] = profile
    return found


def find_profile(name: str, data_dir: Path | None = None, path: Path | None = None) -> Profile:
    """The profile named ``name`` (the data directory's first, then built-in), or read from ``path``."""
    if path is not None:
        return parse_profile(path.read_text(encoding="utf-8"), str(path))
    profiles = available_profiles(data_dir)
    if name not in profiles:
        from csphub.errors import NotFoundError

        raise NotFoundError(f"no dataset profile called {name!r} (known: {', '.join(sorted(profiles))}); "
                            f"add one as partner-profiles/{name}.toml in the data directory or "
                            "pass --profile FILE")
    return profiles[name]
