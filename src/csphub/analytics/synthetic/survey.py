"""The demo's community safety consultation: two yearly waves of respondent-level answers.

Written as an MS Forms export (one row a respondent, a column a question, a multi-select as one
column of options separated by ``;``), with the mapping that reads it and a population by age
and sex (single years, as the ONS mid-year estimates give it) to weight it to. Respondents lean
older and female, as such online consultations do, so weighting moves the figures. Feeling safe
after dark falls from the first wave to the second, by more than chance; the other measures
barely move. Some respondents leave comments, one of which names a street.

Examples:
    >>> round(sum(AGE_SHARES_RESPONDENTS.values()), 6)
    1.0
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from csphub.spreadsheets import write_csv

from .demo_sources import DEMO_LAD, DemoSources

AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
AGE_SHARES_RESPONDENTS = {"16-24": 0.04, "25-34": 0.1, "35-44": 0.15, "45-54": 0.2, "55-64": 0.23,
                          "65-74": 0.18, "75+": 0.1}
QUESTIONS = {
    "day": "How safe or unsafe do you feel in Riverford during the day?",
    "dark": "How safe or unsafe do you feel in Riverford after dark?",
}
SCALE = ("Very safe", "Fairly safe", "Neither safe nor unsafe", "Fairly unsafe", "Very unsafe", "Don't know")
WORRIES = {  # issue -> share saying it is a very or fairly big problem
    "People driving carelessly or too fast": 0.8,
    "People using or dealing drugs": 0.76,
    "People dropping litter": 0.69,
    "People not clearing up dog fouling": 0.64,
    "People fly-tipping": 0.61,
    "Violent crime": 0.42,
}
PRIORITIES = ("People using or dealing drugs", "People driving carelessly or too fast", "Violent crime",
              "People fly-tipping", "People being drunk or rowdy in public places")
COMMENTS = ("More police on foot in the town centre please.", "The underpass by the station feels unsafe at night.",
            "Street lights on Mill Lane have been out for weeks.", "Speeding on the ring road is dangerous.",
            "My neighbour at 12 Orchard Close deals drugs.")  # the last names an address: never publish
WAVES = {"2024": 0.36, "2025": 0.24}  # wave -> share feeling safe after dark


def mapping_text() -> str:
    worries = "\n".join(
        f'[measures.worry_{i}]\ntitle = "{issue}"\ngroup = "worries"\nquestion = "{issue}"\n'
        'positive = ["A very big problem", "A fairly big problem"]\nexclude = ["Don\'t know"]\n'
        for i, issue in enumerate(WORRIES, start=1))
    return f'''survey = "riverford-consultation"
title = "Riverford Community Safety Partnership consultation"
[respondent]
id = "ID"
ward = "Which ward do you live in?"
age = "What is your age?"
sex = "What is your sex?"
[age_bands]
{chr(10).join(f'"{b}" = ["{b}"]' for b in AGE_BANDS)}
[measures.safe_day]
title = "Feel very or fairly safe during the day"
question = "{QUESTIONS['day']}"
positive = ["Very safe", "Fairly safe"]
negative = ["Fairly unsafe", "Very unsafe"]
exclude = ["Don't know"]
[measures.safe_dark]
title = "Feel very or fairly safe after dark"
question = "{QUESTIONS['dark']}"
positive = ["Very safe", "Fairly safe"]
negative = ["Fairly unsafe", "Very unsafe"]
exclude = ["Don't know"]
{worries}
[choices.priorities]
title = "What should be the priorities?"
question = "Which of these should the partnership treat as priorities?"
options = [{", ".join(f'"{p}"' for p in PRIORITIES)}]
[free_text]
comments = "Is there anything else you would like to tell us?"
'''


def _scale(rng: np.random.Generator, safe: float, n: int) -> list[str]:
    unsafe = (1 - safe) * 0.55
    p = np.array([safe * 0.35, safe * 0.65, (1 - safe - unsafe) * 0.9, unsafe * 0.6, unsafe * 0.4,
                  (1 - safe - unsafe) * 0.1])
    return [SCALE[i] for i in rng.choice(len(SCALE), size=n, p=p / p.sum())]


def write_demo_survey(sources: DemoSources, folder: Path, seed: int = 2024) -> tuple[Path, dict[str, Path], Path]:
    """Write the mapping, one export per wave and the population by age and sex; returns
    (mapping, {wave: export}, population)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 44])
    mapping = folder / "riverford-consultation-mapping.toml"
    mapping.write_text(mapping_text(), encoding="utf-8")
    wards = [name for _, name in sources.county.wards_of(DEMO_LAD)]
    exports = {}
    for wave, dark in WAVES.items():
        n = int(rng.integers(380, 460))
        ages = rng.choice(len(AGE_BANDS), size=n, p=np.array(list(AGE_SHARES_RESPONDENTS.values())))
        female = rng.random(n) < 0.62
        # younger and female respondents feel less safe after dark
        dark_p = np.clip(dark - 0.08 * female + 0.02 * (ages - 3), 0.05, 0.9)
        rows = []
        for i in range(n):
            row = {"ID": f"{wave}-{i + 1:04d}", "Start time": f"{wave}-06-{1 + i % 28:02d} 10:{i % 60:02d}",
                   "Which ward do you live in?": wards[int(rng.integers(0, len(wards)))] if rng.random() < 0.93 else "",
                   "What is your age?": AGE_BANDS[ages[i]] if rng.random() < 0.97 else "Prefer not to say",
                   "What is your sex?": ("Female" if female[i] else "Male") if rng.random() < 0.97 else "Prefer not to say",
                   QUESTIONS["day"]: _scale(rng, 0.74, 1)[0], QUESTIONS["dark"]: _scale(rng, float(dark_p[i]), 1)[0]}
            for issue, share in WORRIES.items():
                big = rng.random() < share
                row[issue] = (("A very big problem" if rng.random() < 0.5 else "A fairly big problem") if big
                              else ("Not a very big problem" if rng.random() < 0.7 else "Not a problem at all"))
            chosen = [p for p in PRIORITIES if rng.random() < 0.45]
            row["Which of these should the partnership treat as priorities?"] = ";".join(chosen) + (";" if chosen else "")
            row["Is there anything else you would like to tell us?"] = (
                COMMENTS[int(rng.integers(0, len(COMMENTS)))] if rng.random() < 0.12 else "")
            rows.append(row)
        path = folder / f"riverford-consultation-{wave}.csv"
        write_csv(path, rows, list(rows[0]))
        exports[wave] = path
    population = folder / "riverford-population-by-age-sex.csv"
    total = sources.county.population_of(DEMO_LAD)
    ages = np.arange(0, 91)
    weights = np.where(ages < 80, 1.0, np.exp(-(ages - 80) / 4))
    people = [{"lad_code": DEMO_LAD, "sex": sex, "age": str(age) if age < 90 else "90+",
               "population": round(total * share * w / weights.sum())}
              for sex, share in (("Female", 0.51), ("Male", 0.49)) for age, w in zip(ages, weights, strict=True)]
    write_csv(population, people, ["lad_code", "sex", "age", "population"])
    return mapping, exports, population
