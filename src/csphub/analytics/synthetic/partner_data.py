"""The demo partners' datasets for Riverford, written as each partner sends them.

Partners with no open sample get a fictional file in the layout of the built-in profile: the
fire service's IRS extract (incidents, LSOA or grid reference), road casualties in the STATS19
layout (points and the authority's name, a few off the county's map), hospital and ambulance
assault aggregates by LSOA and month (small counts suppressed as ``*`` or ``<5``, the ambulance
one an Excel workbook), police domestic-abuse- and hate-flagged crime extracts, treatment and
homelessness counts by ward and month, and Prevent and reoffending counts by financial year.
Volumes follow the demo's own street crime: more where its crime is, seasonal where the real
series are (secondary fires in spring and summer and around bonfire night).

Examples:
    >>> sorted(AGENCIES)[:3]
    ['ambulance-assaults', 'domestic-abuse', 'drug-alcohol-treatment']
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from csphub.spreadsheets import Sheet, write_csv, write_xlsx

from .demo_sources import DEMO_LAD, DemoSources
from .places import Lsoa

AGENCIES: dict[str, str] = {
    "stats19": "Aldshire Police (STATS19 road casualties, demo)",
    "fire": "Aldshire Fire and Rescue Service (demo)",
    "hospital-assaults": "Aldshire Integrated Care Board (HES, demo)",
    "ambulance-assaults": "Aldshire Ambulance Service NHS Trust (demo)",
    "domestic-abuse": "Aldshire Police (domestic abuse extract, demo)",
    "hate-crime": "Aldshire Police (hate crime extract, demo)",
    "drug-alcohol-treatment": "Riverford Recovery Partnership (demo)",
    "homelessness": "Riverford Council Housing Options (demo)",
    "prevent": "Home Office Prevent, South region (demo)",
    "reoffending": "Probation Service, Aldshire (demo)",
}
SEVERITY = {"Slight": 0.79, "Serious": 0.19, "Fatal": 0.02}
MODES = {"Car": 0.56, "Pedestrian": 0.17, "Pedal Cycle": 0.12, "Powered 2 Wheeler": 0.07,
         "Goods Vehicle": 0.03, "Taxi or private hire": 0.02, "Bus or Coach": 0.02, "Other Vehicle": 0.01}
AGE_BANDS = ("0-11", "12-15", "16-20", "21-25", "26-35", "36-45", "46-55", "56-65", "66-75", "75+")
FIRE_CATEGORIES = {"Refuse": 0.42, "Grassland": 0.2, "Vehicle": 0.14, "Derelict building": 0.08,
                   "Dwelling": 0.08, "Other outdoor": 0.08}
DA_OFFENCES = {"Violence without injury": 0.38, "Violence with injury": 0.22, "Stalking and harassment": 0.24,
               "Criminal damage": 0.08, "Sexual offences": 0.05, "Other": 0.03}
HATE_STRANDS = ("Race", "Religion", "Sexual Orientation", "Disability", "Transgender")
HATE_SHARES = (0.68, 0.08, 0.13, 0.08, 0.03)
SUBSTANCES = {"Opiate": 38, "Non-opiate only": 14, "Non-opiate and alcohol": 11, "Alcohol only": 30}


def _point(lsoa: Lsoa, rng: np.random.Generator) -> tuple[float, float]:
    """A point well inside the LSOA's (jittered) square."""
    corners = lsoa.corners
    a, b = rng.uniform(0.3, 0.7, 2)
    south = corners[0] + a * (corners[1] - corners[0])
    north = corners[3] + a * (corners[2] - corners[3])
    lon, lat = south + b * (north - south)
    return round(float(lon), 6), round(float(lat), 6)


def _weights(lsoas: list[Lsoa], rng: np.random.Generator, centre_pull: float) -> np.ndarray:
    """Where things happen: residents, some deprivation, and a pull towards the town centre."""
    population = np.array([x.population for x in lsoas], dtype=float)
    deprivation = rng.lognormal(0.0, 0.4, len(lsoas))
    distance = np.array([(x.col - 11) ** 2 + (x.row - 6) ** 2 for x in lsoas], dtype=float)
    weights = population * deprivation * (1 + centre_pull * np.exp(-distance / 4))
    return weights / weights.sum()


def _choice(rng: np.random.Generator, shares: dict[str, float], n: int) -> list[str]:
    keys = list(shares)
    p = np.array(list(shares.values()), dtype=float)
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def _financial_year(month: date) -> str:
    start = month.year if month.month >= 4 else month.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _suppress(n: int, mark: str = "*") -> object:
    return mark if 0 < n < 5 else n


def write_partner_files(sources: DemoSources, folder: Path, seed: int = 2024) -> dict[str, tuple[Path, str]]:
    """Write every demo partner file under ``folder``; dataset -> (path, agency)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 18])
    lsoas = sources.county.lsoas_of(DEMO_LAD)
    wards = sources.county.wards_of(DEMO_LAD)
    months = sources.months
    written = {
        "stats19": _stats19(folder / "riverford-stats19-casualties.csv", lsoas, months, rng),
        "fire": _fire(folder / "aldshire-frs-irs-incidents.csv", lsoas, months, rng),
        "hospital-assaults": _hospital(folder / "icb-assault-admissions.csv", lsoas, months, rng),
        "ambulance-assaults": _ambulance(folder / "ambulance-assault-callouts.xlsx", lsoas, months, rng),
        "domestic-abuse": _domestic_abuse(folder / "police-domestic-abuse-crimes.csv", lsoas, months, rng),
        "hate-crime": _hate_crime(folder / "police-hate-crimes.csv", lsoas, months, rng),
        "drug-alcohol-treatment": _treatment(folder / "ndtms-adults-in-treatment.csv", wards, months, rng),
        "homelessness": _homelessness(folder / "housing-options-monthly.csv", wards, months, rng),
        "prevent": _prevent(folder / "prevent-referrals.csv", months, rng),
        "reoffending": _reoffending(folder / "proven-reoffending.csv", months, rng),
    }
    return {name: (path, AGENCIES[name]) for name, path in written.items()}


def _stats19(path: Path, lsoas: list[Lsoa], months: list[date], rng: np.random.Generator) -> Path:
    weights = _weights(lsoas, rng, 2.0)
    rows: list[dict[str, object]] = []
    for month in months:
        n = int(rng.poisson(34 * (1.1 if month.month in (10, 11, 12) else 1.0)))
        for i in range(n):
            lsoa = lsoas[rng.choice(len(lsoas), p=weights)]
            lon, lat = _point(lsoa, rng)
            if rng.random() < 0.01:  # on the trunk road just off the county's map
                lon, lat = round(lon + 0.3, 6), round(lat + 0.2, 6)
            day = int(rng.integers(1, 29))
            hour = int(rng.choice(24, p=_HOURS))
            when = date(month.year, month.month, day)
            rows.append({"AREFNO": f"{when:%Y}99{len(rows):07d}", "date": when.isoformat(),
                         "year": when.year, "month": f"{when:%b}", "day": f"{when:%a}", "hour": hour,
                         "mode": _choice(rng, MODES, 1)[0],
                         "output_time": f"{hour:02d}:{int(rng.integers(0, 60)):02d}:00",
                         "collision_severity": "", "casualty_severity": _choice(rng, SEVERITY, 1)[0],
                         "number_vehicles": int(rng.integers(1, 4)), "number_casualties": 1,
                         "sex": "Male" if rng.random() < 0.6 else "Female",
                         "ageband": AGE_BANDS[int(rng.choice(len(AGE_BANDS)))],
                         "light_conditions": "Dark" if hour < 7 or hour > 18 else "Daylight",
                         "speed_limit": int(rng.choice([20, 30, 40, 60, 70], p=[0.15, 0.6, 0.12, 0.08, 0.05])),
                         "area_name": "Riverford", "lon": lon, "lat": lat})
            rows[-1]["collision_severity"] = rows[-1]["casualty_severity"]
            del i
    write_csv(path, rows, list(rows[0]))
    return path


_HOURS = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.6, 1.5, 3.5, 5, 4, 4, 4.5, 5, 5, 5.5, 6.5, 7.5, 8, 6.5,
                   4.5, 3.5, 2.8, 2.2, 1.6])
_HOURS = _HOURS / _HOURS.sum()
FIRE_SEASON = {1: 0.6, 2: 0.7, 3: 1.1, 4: 1.5, 5: 1.4, 6: 1.3, 7: 1.4, 8: 1.3, 9: 0.9, 10: 1.0, 11: 1.4, 12: 0.6}


def _fire(path: Path, lsoas: list[Lsoa], months: list[date], rng: np.random.Generator) -> Path:
    from pyproj import Transformer

    weights = _weights(lsoas, rng, 1.0)
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    rows: list[dict[str, object]] = []
    for month in months:
        for _ in range(int(rng.poisson(26 * FIRE_SEASON[month.month]))):
            lsoa = lsoas[rng.choice(len(lsoas), p=weights)]
            category = _choice(rng, FIRE_CATEGORIES, 1)[0]
            primary = category in ("Vehicle", "Dwelling") or (category == "Derelict building" and rng.random() < 0.3)
            deliberate = rng.random() < (0.85 if category in ("Refuse", "Grassland", "Vehicle", "Derelict building") else 0.25)
            when = date(month.year, month.month, int(rng.integers(1, 29)))
            row: dict[str, object] = {"Incident Number": f"IRS{when:%y%m}{len(rows):05d}", "Incident Date": f"{when:%d/%m/%Y}",
                   "Incident Time": f"{int(rng.choice(24, p=_HOURS)):02d}:{int(rng.integers(0, 60)):02d}",
                   "Fire Type": "Primary fire" if primary else "Secondary fire",
                   "Property Category": category, "Motive": "Deliberate" if deliberate else "Accidental",
                   "LSOA Code": lsoa.code, "Easting": "", "Northing": ""}
            if rng.random() < 0.15:  # older records: a grid reference only
                easting, northing = to_grid.transform(*_point(lsoa, rng))
                row.update({"LSOA Code": "", "Easting": f"{easting:.0f}", "Northing": f"{northing:.0f}"})
            rows.append(row)
    write_csv(path, rows, list(rows[0]))
    return path


def _lsoa_counts(lsoas: list[Lsoa], months: list[date], rng: np.random.Generator, per_month: float,
                 pull: float) -> list[tuple[date, Lsoa, int]]:
    weights = _weights(lsoas, rng, pull)
    out = []
    for month in months:
        counts = rng.poisson(per_month * weights)  # per_month: the authority's monthly total
        out += [(month, lsoa, int(n)) for lsoa, n in zip(lsoas, counts, strict=True) if n]
    return out


def _hospital(path: Path, lsoas: list[Lsoa], months: list[date], rng: np.random.Generator) -> Path:
    """Admissions by ward of residence and month (the ICB shares them by ward: by LSOA almost
    every cell would be suppressed); counts of 1 to 4 as '*'."""
    header = ["Month", "Ward Code", "Ward", "ICD10 Group", "Admissions"]
    totals: dict[tuple[date, str], int] = {}
    for m, lsoa, n in _lsoa_counts(lsoas, months, rng, 45.0, 8.0):
        totals[(m, lsoa.ward_code)] = totals.get((m, lsoa.ward_code), 0) + n
    names = {lsoa.ward_code: lsoa.ward_name for lsoa in lsoas}
    out = [dict(zip(header, (f"{m:%Y-%m}", ward, names[ward], "X85-Y09 Assault", _suppress(n, "*")), strict=True))
           for (m, ward), n in sorted(totals.items())]
    write_csv(path, out, header)
    return path


def _ambulance(path: Path, lsoas: list[Lsoa], months: list[date], rng: np.random.Generator) -> Path:
    header: list[object] = ["Month", "LSOA Code", "Assault Type", "Call Outs"]
    rows: list[list[object]] = [header]
    for m, lsoa, n in _lsoa_counts(lsoas, months, rng, 150.0, 10.0):
        rows.append([date(m.year, m.month, 1), lsoa.code, "Assault / sexual assault", _suppress(n, "<5")])
    write_xlsx(path, [Sheet("Data", rows, bold_rows=1),
                      Sheet("About", [["Ambulance call-outs to assaults, Riverford (demo)"],
                                      ["Counts of 1 to 4 are shown as <5."]])])
    return path


def _incidents(lsoas: list[Lsoa], months: list[date], rng: np.random.Generator, per_month: float,
               pull: float) -> list[tuple[date, Lsoa]]:
    weights = _weights(lsoas, rng, pull)
    out = []
    for month in months:
        for _ in range(int(rng.poisson(per_month * (1.15 if month.month in (12, 1, 6, 7) else 1.0)))):
            day = int(rng.integers(1, 29))
            out.append((date(month.year, month.month, day), lsoas[rng.choice(len(lsoas), p=weights)]))
    return out


def _domestic_abuse(path: Path, lsoas: list[Lsoa], months: list[date], rng: np.random.Generator) -> Path:
    rows = [{"Crime Reference": f"41/{when:%y}/{i:06d}", "Date Recorded": f"{when:%d/%m/%Y}",
             "Offence Group": _choice(rng, DA_OFFENCES, 1)[0], "LSOA Code": lsoa.code,
             "Domestic Abuse Flag": "Y", "Repeat Victim": "Y" if rng.random() < 0.36 else "N"}
            for i, (when, lsoa) in enumerate(_incidents(lsoas, months, rng, 185, 0.5))]
    write_csv(path, rows, list(rows[0]))
    return path


def _hate_crime(path: Path, lsoas: list[Lsoa], months: list[date], rng: np.random.Generator) -> Path:
    rows = []
    for i, (when, lsoa) in enumerate(_incidents(lsoas, months, rng, 24, 3.0)):
        strands = {s: "N" for s in HATE_STRANDS}
        strands[HATE_STRANDS[int(rng.choice(len(HATE_STRANDS), p=HATE_SHARES))]] = "Y"
        if rng.random() < 0.06:  # a crime with two strands
            strands[HATE_STRANDS[int(rng.integers(0, len(HATE_STRANDS)))]] = "Y"
        rows.append({"Crime Reference": f"41/{when:%y}/{500000 + i:06d}", "Date Recorded": f"{when:%d/%m/%Y}",
                     "Offence Group": "Public order" if rng.random() < 0.55 else "Violence against the person",
                     "LSOA Code": lsoa.code, **strands})
    write_csv(path, rows, list(rows[0]))
    return path


def _treatment(path: Path, wards: list[tuple[str, str]], months: list[date], rng: np.random.Generator) -> Path:
    shares = rng.dirichlet(np.full(len(wards), 4.0))
    rows = []
    for month in months:
        for (_, name), share in zip(wards, shares, strict=True):
            for substance, total in SUBSTANCES.items():
                n = int(rng.poisson(total * 20 * share))
                rows.append({"Month": f"{month:%b-%y}", "Ward": name, "Substance Group": substance,
                             "Adults in Treatment": _suppress(n) if n else 0})
    write_csv(path, rows, list(rows[0]))
    return path


def _homelessness(path: Path, wards: list[tuple[str, str]], months: list[date], rng: np.random.Generator) -> Path:
    shares = rng.dirichlet(np.full(len(wards), 3.0))
    centre = {"Town Centre": 4.0, "Riverside": 2.0, "Quayside": 1.5}
    rows = []
    for i, month in enumerate(months):
        growth = 1 + 0.004 * i
        for (_, name), share in zip(wards, shares, strict=True):
            for measure, total in (("Prevention duty owed", 60), ("Relief duty owed", 45), ("Rough sleepers", 5)):
                pull = centre.get(name, 1.0) if measure == "Rough sleepers" else 1.0
                n = int(rng.poisson(total * share * growth * pull * (2.0 if measure == "Rough sleepers" else 1.0)))
                rows.append({"Month": f"{month:%Y-%m}", "Ward": name, "Measure": measure,
                             "Count": _suppress(n, "<5") if n else 0})
    write_csv(path, rows, list(rows[0]))
    return path


def _prevent(path: Path, months: list[date], rng: np.random.Generator) -> Path:
    years = sorted({_financial_year(m) for m in months})
    concerns = {"Islamist": 4, "Extreme right wing": 7, "Mixed, unclear or unstable": 9, "Other": 2}
    rows = [{"Financial Year": year, "Local Authority": "Riverford", "Type of Concern": concern,
             "Referrals": _suppress(int(rng.poisson(mean)), "<5") or 0,
             "Channel": "Referral"} for year in years for concern, mean in concerns.items()]
    write_csv(path, rows, list(rows[0]))
    return path


def _reoffending(path: Path, months: list[date], rng: np.random.Generator) -> Path:
    years = sorted({_financial_year(m) for m in months})
    years = years[:max(1, len(years) - 2)]  # the latest cohorts are not yet measured
    rows = []
    for year in years:
        cohort = int(rng.normal(1450, 60))
        reoffenders = int(cohort * rng.uniform(0.24, 0.29))
        rows += [{"Financial Year": year, "Local Authority": "Riverford", "Measure": "Offenders in cohort",
                  "Count": cohort, "Cohort Type": "Adult and juvenile"},
                 {"Financial Year": year, "Local Authority": "Riverford", "Measure": "Reoffenders",
                  "Count": reoffenders, "Cohort Type": "Adult and juvenile"}]
    write_csv(path, rows, list(rows[0]))
    return path
