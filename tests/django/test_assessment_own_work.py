"""The partnership's own work in the Strategic Assessment (issue 13, item 6), from records made
here by hand, so every figure can be counted on paper.

The assessment year is 2023/24 (1 April 2023 to 31 March 2024), compared with 2022/23.
- A Noise nuisance case opened 1 March 2022 (before both periods: the records start then).
- 2023/24: three cases (opened 1 May, 1 June, 1 July 2023), one CPW each to three people; a CPN
  on 1 September 2023 to the first, after their CPW; one Unauthorised encampment case
  (1 August 2023); two incursions (5 May and 1 July 2023).
- 2022/23: one case (1 May 2022) with one CPW; one incursion (3 June 2022), the first recorded.
So: CPWs 3 against 1 (up 200.0%); CPNs 1 against 0 (no percentage); cases opened 4 against 1
(up 300.0%); encampment cases 1 against 0; incursions 2, not compared (their records start 3 June 2022). No case review,
panel or IOM cohort is recorded: those say "not recorded", never 0.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from csphub.analytics.assessment.own_work import own_work_section
from csphub.casework import services
from csphub.cli import main
from csphub.cli.assess import read_own_work
from tests.analytics.assessment import handmade

from .factories import create_agency, create_case, create_person, create_user
from .test_encampments import create_incursion, create_site

YEAR = (date(2023, 4, 1), date(2024, 3, 31))
EARLIER = (date(2022, 4, 1), date(2023, 3, 31))


def _cpw(officer: Any, opened: date, issued: date, last_name: str) -> tuple[Any, Any]:
    case = create_case(officer, opened_on=opened)
    person = create_person(officer, last_name=last_name, date_of_birth=date(1980, 1, 1))
    services.add_party(officer, case, person, "subject")
    services.issue_intervention(officer, case, kind="cpw", person=person, conduct="Noise", issued_on=issued)
    return case, person


def make_records() -> None:
    officer = create_user("officer", create_agency("Council ASB Team"), "jo.officer")
    create_case(officer, opened_on=date(2022, 3, 1))
    _cpw(officer, date(2022, 5, 1), date(2022, 5, 10), "Earlier")
    first, person = _cpw(officer, date(2023, 5, 1), date(2023, 5, 10), "Able")
    _cpw(officer, date(2023, 6, 1), date(2023, 6, 10), "Baker")
    _cpw(officer, date(2023, 7, 1), date(2023, 7, 10), "Carter")
    services.issue_intervention(officer, first, kind="cpn", person=person, conduct="Noise",
                                issued_on=date(2023, 9, 1))
    create_case(officer, case_type="Unauthorised encampment", opened_on=date(2023, 8, 1))
    site = create_site(officer)
    for day in (date(2022, 6, 3), date(2023, 5, 5), date(2023, 7, 1)):
        create_incursion(officer, site, timezone.make_aware(datetime(day.year, day.month, day.day, 10)))


def _rows(section: dict, group: str) -> dict[str, tuple]:
    return {r["key"]: (r["count"], r["previous_count"], r["change"]["words"] if r["change"] else None)
            for r in section["groups"][group]["rows"]}


@pytest.mark.django_db
def test_the_counts_and_their_change_checked_by_hand():
    make_records()
    section = own_work_section(read_own_work(*YEAR, *EARLIER, required=True), *YEAR, EARLIER[0])
    casework = _rows(section, "casework")
    assert casework["cpw"] == (3, 1, "up 200.0% (from 1 to 3)")
    assert casework["cpn"] == (1, 0, "up from none to 1 (no percentage)")
    assert casework["cases_opened"] == (4, 1, "up 300.0% (from 1 to 4)")
    assert casework["encampment_cases"] == (1, 0, "up from none to 1 (no percentage)")
    assert casework["closures"] == (0, 0, "no change (0 both years)")
    assert section["groups"]["casework"]["records_start"] == "2022-03-01"
    # each source's records start with its own first record: the first incursion (3 June 2022)
    # is after 1 April 2022, so 2022/23 may be incomplete for encampments and is not compared
    assert _rows(section, "encampments")["incursions"] == (2, None, None)
    assert section["groups"]["encampments"]["comparison_note"] == "no comparison: records start 3 June 2022"
    for group in ("case_reviews", "panels"):
        assert section["groups"][group]["recorded"] is False
    assert section["iom_harm"]["recorded"] is False
    assert "not recorded" in section["iom_harm"]["note"]


@pytest.mark.django_db
def test_an_earlier_period_before_the_records_start_has_no_comparison():
    make_records()
    section = own_work_section(read_own_work(date(2022, 4, 1), date(2023, 3, 31), date(2021, 4, 1),
                                             date(2022, 3, 31), required=True),
                               date(2022, 4, 1), date(2023, 3, 31), date(2021, 4, 1))
    casework = section["groups"]["casework"]
    assert casework["comparison_note"] == "no comparison: records start 1 March 2022"
    assert _rows(section, "casework")["cpw"] == (1, None, None)


@pytest.mark.django_db
def test_nothing_recorded_is_not_included_by_default_and_not_recorded_when_asked():
    assert read_own_work(*YEAR, *EARLIER, required=False) is None
    section = own_work_section(read_own_work(*YEAR, *EARLIER, required=True), *YEAR, EARLIER[0])
    assert [g["recorded"] for g in section["groups"].values()] == [False] * 4
    assert all(r["count"] is None for g in section["groups"].values() for r in g["rows"])


@pytest.mark.django_db(transaction=True)
def test_the_section_lands_in_the_report(tmp_path):
    make_records()
    files = handmade.write_partnership(tmp_path / "src")
    runner = CliRunner(env={"CSPHUB_DATA_DIR": str(tmp_path / "data")})

    def run(*args: str) -> str:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("geography", "load", str(files["lookup"]))
    run("population", "load", str(files["population"]), "--year", "2023", "--source", "hand-made")
    run("boundaries", "load", str(files["boundaries"]))
    run("ingest", "police-uk", str(files["police"]))
    run("area", "add", "Gridshire", "--lad", handmade.LAD)
    out = tmp_path / "out"
    run("assess", "--area", "Gridshire", "--year", "2023/24", "--out", str(out), "--casework",
        "--previous-years", "1", "--permutations", "99")
    figures = json.loads((out / "figures.json").read_text())
    assert figures["own_work"]["included"] is True
    cpw = next(r for r in figures["own_work"]["groups"]["casework"]["rows"] if r["key"] == "cpw")
    assert (cpw["count"], cpw["previous_count"], cpw["change"]["percent"]) == (3, 1, 200.0)
    assert any("3 CPWs, up 200.0% (from 1 to 3); 1 CPN, up from none to 1" in s for s in figures["narrative"])
    html = (out / "assessment.html").read_text()
    own = html[html.index('id="own-work"'):html.index('id="narrative-priorities"')]
    assert "Community Protection Warnings (CPWs)" in own and "up 200.0% (from 1 to 3)" in own
    assert "ASB Case Reviews (the community trigger): not recorded" in own
    assert "IOM harm before and during: not recorded" in own
    # the prompts use the partnership's own changes
    assert "Community Protection Warnings (CPWs): up 200.0% (from 1 to 3): which priority" in html
    from openpyxl import load_workbook

    sheet = load_workbook(out / "assessment.xlsx")["Own work casework"]
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert values["Community Protection Warnings (CPWs)"][:2] == (3, 1)
    from docx import Document

    cells = {c.text for t in Document(str(out / "assessment.docx")).tables for r in t.rows for c in r.cells}
    assert "up 200.0% (from 1 to 3)" in cells


@pytest.mark.django_db
def test_panel_referrals_and_iom_harm_before_and_during(tmp_path):
    """An IOM panel with a cohort: Pat joined on 1 June 2023 and committed a burglary (730 days'
    harm) on 1 January 2023, before, and shoplifting (2) on 1 August 2023, during; Sam left on
    1 March 2023, before the year, and is not counted. Two referrals to the IOM panel in 2023/24,
    one in 2022/23 (the first on 1 March 2022, so the years compare): up 100.0%."""
    from csphub.panels import services as panels
    from csphub.panels.models import Cohort, CohortMembership, Offence, Panel

    council = create_agency("Council")
    referrer = create_user("officer", council, "ref")
    panel = Panel.objects.create(name="IOM Panel", kind="iom")
    panel.members.set([council])
    weights = tmp_path / "harm.csv"
    weights.write_text("Offence,Weight\nBurglary,730\nShoplifting,2\n", encoding="utf-8")
    panels.load_harm_weights(weights)
    pat, sam = create_person(referrer, first_name="Pat"), create_person(referrer, first_name="Sam")
    for person, day in ((sam, date(2022, 3, 1)), (pat, date(2022, 9, 1)), (pat, date(2023, 5, 1)),
                        (sam, date(2023, 10, 1))):
        referral = panels.refer_to_panel(referrer, panel, person=person, reason="Prolific", consent="given")
        referral.referred_on = day
        referral.save()
        panels.decide(referrer, referral, "declined", reason="Test", on=day)
    cohort = Cohort.objects.create(name="IOM fixed", panel=panel)
    CohortMembership.objects.create(cohort=cohort, person=pat, entered_on=date(2023, 6, 1))
    CohortMembership.objects.create(cohort=cohort, person=sam, entered_on=date(2022, 1, 1), exited_on=date(2023, 3, 1))
    Offence.objects.create(person=pat, offence="Burglary", committed_on=date(2023, 1, 1))
    Offence.objects.create(person=pat, offence="Shoplifting", committed_on=date(2023, 8, 1))
    Offence.objects.create(person=sam, offence="Burglary", committed_on=date(2022, 6, 1))
    section = own_work_section(read_own_work(*YEAR, *EARLIER, required=True), *YEAR, EARLIER[0])
    assert _rows(section, "panels")[f"panel_{panel.pk}"] == (2, 1, "up 100.0% (from 1 to 2)")
    harm = section["iom_harm"]
    assert harm["recorded"] is True
    (row,) = harm["cohorts"]
    assert (row["cohort"], row["members"], row["harm_before"], row["harm_during"]) == ("IOM fixed", 1, 730.0, 2.0)
    assert row["percent_change"] == -99.7
    # totals only: no person (no name, no list of members) leaves the database
    assert "Pat" not in json.dumps(harm) and not any(isinstance(v, list | dict) for v in row.values())


@pytest.mark.django_db
def test_asb_case_review_statistics_with_their_change():
    """Case reviews by hand: 2022/23 one application (1 March 2022 is the first record, before
    the year, so the years compare: received 1 June 2022, threshold met, review held). 2023/24
    three: two met (one review with recommendations, one held without), one not met; so received
    3 against 1 (up 200.0%), met 2 against 1, not met 1 against 0, reviews held 2 against 1,
    with recommendations 1 against 0."""
    from csphub.casereview import services as casereview
    from csphub.casereview.services import ComplaintInput

    officer = create_user("officer", create_agency("Council ASB Team"), "cr.officer")
    police = create_agency("Police", "police")

    def apply(received: date, complaints: int, review: str | None = None) -> None:
        days = [date(received.year - (received.month <= m), (received.month - m - 1) % 12 + 1, 1)
                for m in range(complaints)]  # one a month in the months before
        app = casereview.receive_application(
            officer, applicant=create_person(officer), behaviour="Noise", received_on=received,
            complaints=[ComplaintInput(reported_on=d, behaviour_on=d, agency=police) for d in days])
        if received > date(2022, 3, 1):
            casereview.decide_threshold(officer, app, on=received)
        if review is not None:
            casereview.record_review(officer, app, held_on=date(received.year, received.month, 20),
                                     recommendations=review)

    apply(date(2022, 3, 1), 0)  # the first record, in neither year
    apply(date(2022, 6, 1), 3, "")
    apply(date(2023, 6, 1), 3, "Mediation")
    apply(date(2023, 9, 1), 3, "")
    apply(date(2023, 11, 1), 1)
    section = own_work_section(read_own_work(*YEAR, *EARLIER, required=True), *YEAR, EARLIER[0])
    reviews = section["groups"]["case_reviews"]
    assert reviews["recorded"] is True and reviews["comparison"] is True
    assert _rows(section, "case_reviews") == {
        "applications_received": (3, 1, "up 200.0% (from 1 to 3)"),
        "threshold_met": (2, 1, "up 100.0% (from 1 to 2)"),
        "threshold_not_met": (1, 0, "up from none to 1 (no percentage)"),
        "reviews_held": (2, 1, "up 100.0% (from 1 to 2)"),
        "reviews_with_recommendations": (1, 0, "up from none to 1 (no percentage)")}
