"""The built-in dataset profiles (TOML), one per kind of data partners commonly share.

A partnership whose files differ copies one to ``$CSPHUB_DATA_DIR/partner-profiles/NAME.toml``
(``csphub partner profiles --show NAME`` prints it) and edits the column names. Columns listed
under ``[attributes]`` and ``period.time`` are optional: a file without them loads without them.
"""

from __future__ import annotations

STATS19 = '''
name = "stats19"
title = "Road casualties (STATS19)"
agency = "Department for Transport (STATS19, recorded by the police)"
unit = "casualties"
section = "road_safety"
source = "DfT STATS19 road casualty statistics, one row a casualty of a reported injury collision (OGL v3.0)"
caveats = [
  "STATS19 holds injury collisions reported to the police: many slight injuries are never reported, so casualties are undercounted.",
  "Severity is the police's judgement at the time; forces that moved to the CRASH system (from 2016) record more injuries as serious, so serious casualties are not comparable across that change.",
  "These are casualties, not collisions: one collision may have several casualties.",
]
[period]
date = ["date", "accident date", "collision date", "date of collision"]
time = ["output_time", "time"]
[place]
longitude = ["lon", "longitude"]
latitude = ["lat", "latitude"]
easting = ["location_easting_osgr", "easting"]
northing = ["location_northing_osgr", "northing"]
local_authority = ["area_name", "local authority", "local_authority_district", "local authority name", "local_authority_ons_district"]
[columns]
category = ["casualty_severity", "casualty severity", "severity"]
reference = ["AREFNO", "accident_index", "collision_index", "collision reference"]
[attributes]
mode = ["mode", "casualty type", "casualty_type"]
sex = ["sex", "sex of casualty", "sex_of_casualty"]
age_band = ["ageband", "age band", "age_band_of_casualty"]
collision_severity = ["collision_severity", "accident_severity"]
light_conditions = ["light_conditions"]
speed_limit = ["speed_limit"]
'''

FIRE = '''
name = "fire"
title = "Fires attended (deliberate primary and secondary fires)"
agency = "Fire and rescue service"
unit = "fires"
section = "deliberate_fires"
source = "Fire and rescue service Incident Recording System (IRS) extract, one row an incident"
caveats = [
  "Motive (deliberate or accidental) is the incident commander's judgement at the scene and may be revised after investigation.",
  "Secondary fires (refuse, grassland, derelict buildings and vehicles) vary strongly with the weather: a dry summer raises them without any change in behaviour.",
  "Late IRS records can be added for several months after the incident.",
]
[period]
date = ["incident date", "date of call", "call date", "date"]
time = ["incident time", "time of call", "time"]
[place]
lsoa = ["lsoa code", "lsoa21cd", "lsoa11cd", "lsoa"]
easting = ["easting", "incident easting"]
northing = ["northing", "incident northing"]
longitude = ["longitude", "lon"]
latitude = ["latitude", "lat"]
ward_name = ["ward", "ward name"]
[columns]
category = ["property category", "property type", "category"]
reference = ["incident number", "incident ref", "irs reference"]
[attributes]
fire_type = ["fire type", "incident type"]
motive = ["motive", "cause", "deliberate or accidental"]
'''

HOSPITAL_ASSAULTS = '''
name = "hospital-assaults"
title = "Hospital admissions for assault"
agency = "NHS (Hospital Episode Statistics, via the ICB)"
unit = "admissions"
section = "violence_health"
icd10 = ["X85-Y09"]
source = "Hospital Episode Statistics: emergency admissions with an external cause of assault (ICD-10 X85-Y09), by LSOA (or ward) of residence and month"
caveats = [
  "Assault admissions are coded X85-Y09 (ICD-10), the codes SI 2007/1831 names for the data health bodies share with the CSP.",
  "Counted by where the patient lives, not where the assault happened.",
  "Counts under 5 are suppressed (shown as suppressed, never as zero); totals of suppressed cells are a lower bound.",
]
[period]
month = ["month", "admission month", "period"]
[place]
lsoa = ["lsoa code", "lsoa21cd", "lsoa11cd", "lsoa"]
ward_code = ["ward code", "wd23cd", "wd22cd"]
ward_name = ["ward", "ward name"]
[columns]
count = ["admissions", "count", "number"]
category = ["icd10 group", "cause", "category", "icd10"]
[attributes]
age_band = ["age band", "age group"]
sex = ["sex", "gender"]
'''

AMBULANCE_ASSAULTS = '''
name = "ambulance-assaults"
title = "Ambulance call-outs to assaults"
agency = "Ambulance service NHS trust"
unit = "call-outs"
section = "violence_health"
source = "Ambulance service computer-aided dispatch: incidents coded as assault, by LSOA of the incident and month"
caveats = [
  "Call-outs, not patients: an incident may bring several calls, and the coding is the call handler's at the time of the call.",
  "Counts under 5 are suppressed (shown as suppressed, never as zero); totals of suppressed cells are a lower bound.",
]
[period]
month = ["month", "incident month", "period"]
[place]
lsoa = ["lsoa code", "lsoa21cd", "lsoa11cd", "lsoa"]
ward_code = ["ward code", "wd23cd", "wd22cd"]
ward_name = ["ward", "ward name"]
[columns]
count = ["call outs", "callouts", "incidents", "count"]
category = ["assault type", "category", "chief complaint"]
'''

DOMESTIC_ABUSE = '''
name = "domestic-abuse"
title = "Domestic abuse flagged crimes"
agency = "Police (crime recording system extract)"
unit = "crimes"
section = "domestic_abuse"
source = "Police crime extract: recorded crimes with the Home Office domestic abuse flag"
caveats = [
  "The domestic abuse flag is set by the recording officer; flagging practice varies between forces and over time.",
  "Domestic abuse is under-reported: a rise can mean more confidence to report as much as more abuse.",
]
[period]
date = ["date recorded", "recorded date", "committed date", "date"]
[place]
lsoa = ["lsoa code", "lsoa21cd", "lsoa11cd", "lsoa"]
ward_code = ["ward code", "wd23cd", "wd22cd"]
ward_name = ["ward", "ward name"]
[columns]
category = ["offence group", "crime type", "offence type", "category"]
reference = ["crime reference", "crime ref", "crime number", "urn"]
[flags]
domestic_abuse = ["domestic abuse flag", "da flag", "domestic abuse", "domestic"]
repeat_victim = ["repeat victim", "repeat"]
'''

HATE_CRIME = '''
name = "hate-crime"
title = "Hate crime"
agency = "Police (crime recording system extract)"
unit = "crimes"
section = "hate_crime"
source = "Police crime extract: recorded crimes with a hate crime flag, by monitored strand"
caveats = [
  "A crime may carry more than one strand (race, religion, sexual orientation, disability, transgender identity): strands overlap and do not add up to the total.",
  "Hate crime is under-reported; changes in recording and reporting campaigns move the figures.",
]
[period]
date = ["date recorded", "recorded date", "committed date", "date"]
[place]
lsoa = ["lsoa code", "lsoa21cd", "lsoa11cd", "lsoa"]
ward_name = ["ward", "ward name"]
[columns]
category = ["offence group", "crime type", "category"]
reference = ["crime reference", "crime ref", "crime number", "urn"]
[flags]
race = ["race", "race flag"]
religion = ["religion", "faith", "religion flag"]
sexual_orientation = ["sexual orientation", "sexual orientation flag"]
disability = ["disability", "disability flag"]
transgender = ["transgender", "transgender identity", "transgender flag"]
'''

TREATMENT = '''
name = "drug-alcohol-treatment"
title = "Adults in drug and alcohol treatment"
agency = "Drug and alcohol treatment provider (NDTMS)"
unit = "adults in treatment"
section = "substance_misuse"
measure = "snapshot"
source = "National Drug Treatment Monitoring System (NDTMS) local extract: adults in treatment by substance group and month"
caveats = [
  "Counts are of adults in treatment in the month, not of people who use drugs or alcohol: they measure reach as much as need.",
  "The same adults are in treatment month after month: the count is a snapshot, reported as the latest month and the monthly average, never added up over the year.",
  "Counts under 5 are suppressed.",
]
[period]
month = ["month", "period", "reporting month"]
[place]
ward_name = ["ward", "ward name"]
ward_code = ["ward code", "wd23cd", "wd22cd"]
local_authority = ["local authority", "la", "area"]
[columns]
count = ["adults in treatment", "in treatment", "count", "number"]
category = ["substance group", "substance", "category"]
'''

HOMELESSNESS = '''
name = "homelessness"
title = "Homelessness and rough sleeping"
agency = "Council housing options service"
unit = "households owed a duty"
section = "homelessness"
snapshot_categories = ["rough sleepers", "rough sleeping", "people sleeping rough", "rough sleeper count"]
snapshot_unit = "people sleeping rough"
source = "Council housing options: households owed a prevention or relief duty (H-CLIC) and rough sleepers counted (monthly snapshot), by ward"
caveats = [
  "Homelessness duties count households, rough sleeping counts people: the categories are kept apart and never added.",
  "The rough sleeping figure is a snapshot on one night a month (or an estimate), not everyone who slept rough that month.",
  "Counts under 5 are suppressed.",
]
[period]
month = ["month", "period"]
[place]
ward_name = ["ward", "ward name"]
ward_code = ["ward code", "wd23cd", "wd22cd"]
local_authority = ["local authority", "area"]
[columns]
count = ["count", "number", "households"]
category = ["measure", "category", "duty"]
'''

PREVENT = '''
name = "prevent"
title = "Prevent referrals"
agency = "Home Office Prevent (regional Prevent coordinator)"
unit = "referrals"
section = "prevent"
rate = false
source = "Prevent referrals and Channel cases for the local authority, by financial year and type of concern"
caveats = [
  "Prevent referral counts for an area are small and are shared in confidence: publish only what the Prevent lead agrees.",
  "A referral is a concern raised, not evidence of radicalisation; most are signposted elsewhere.",
]
[period]
financial_year = ["financial year", "year", "period"]
[place]
local_authority = ["local authority", "area", "la"]
[columns]
count = ["referrals", "count", "number"]
category = ["type of concern", "concern", "category"]
[attributes]
channel = ["channel", "adopted by channel", "stage"]
'''

REOFFENDING = '''
name = "reoffending"
title = "Proven reoffending"
agency = "Ministry of Justice / Probation Service"
unit = "reoffenders"
section = "reoffending"
rate = false
source = "MoJ proven reoffending statistics for the local authority: offenders in the cohort and those who reoffended, by financial year"
caveats = [
  "Proven reoffending is measured over a year and a six-month wait for court outcomes: the latest figure describes offenders released or cautioned about two years ago.",
]
[period]
financial_year = ["financial year", "cohort year", "year"]
[place]
local_authority = ["local authority", "area", "la"]
[columns]
count = ["count", "number"]
category = ["measure", "category"]
[attributes]
cohort = ["cohort type", "cohort"]
'''

#: name -> profile text.
BUILTIN: dict[str, str] = {
    "stats19": STATS19,
    "fire": FIRE,
    "hospital-assaults": HOSPITAL_ASSAULTS,
    "ambulance-assaults": AMBULANCE_ASSAULTS,
    "domestic-abuse": DOMESTIC_ABUSE,
    "hate-crime": HATE_CRIME,
    "drug-alcohol-treatment": TREATMENT,
    "homelessness": HOMELESSNESS,
    "prevent": PREVENT,
    "reoffending": REOFFENDING,
}
