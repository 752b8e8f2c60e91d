"""Daily Dial In features checked with figures a person can count by hand: the hotspot-ward
prompt, the one-page initiative evaluation (Word and PDF) over a small hand-made police.uk
warehouse, the operations' quarterly outputs table in the briefing, and referring a person named
in an entry to a panel."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse
from csphub.dialin import operations, services
from csphub.dialin.briefing import dialin_section
from csphub.dialin.models import DialInEntry, EntryPerson
from csphub.errors import NotFoundError
from csphub.panels.models import Panel, PanelReferral
from csphub.settings import load_settings
from tests.analytics.police_uk_files import street_row, write_street

from .factories import create_person
from .test_briefing_sections import briefing_html
from .test_dialin import partnership, row  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


# ---- 1. The hotspot-ward prompt ---------------------------------------------------------------------

def _kinds(view, entry) -> list[str]:
    return [p.kind for _, types in view.groups for _, rows in types for r in rows if r.entry.pk == entry.pk
            for p in r.prompts]


def _log(user, ward: str, n: int, *, days_ago: int = 0, label: str = "") -> list[DialInEntry]:
    today = timezone.localdate()
    return [services.log_entry(user, row(f"{ward} {label}{days_ago} {i}", address=f"{i} {ward} Road", postcode=""),
                               ward_name=ward, dial_in_on=today - timedelta(days=days_ago))[0] for i in range(n)]


def test_the_hotspot_prompt_marks_entries_in_a_hotspot_ward_only(client, partnership, settings):  # noqa: F811
    # The default rule: a ward with at least 5 entries in the last 7 days and at least twice the
    # mean of the wards with entries. River: 3 today + 3 four days ago = 6 (a 7th, ten days ago,
    # is outside the window); Strood North 1 and Chatham Central 1. Mean 8 / 3 = 2.67; twice
    # that is 5.33, so River (6) is a hotspot and the other two are not.
    settings.CSPHUB_DIALIN_HOTSPOT = {"min_entries": 5, "window_days": 7, "factor": 2.0}
    pc = partnership["pc"]
    river = _log(pc, "River", 3)
    _log(pc, "River", 3, days_ago=4)
    _log(pc, "River", 1, days_ago=10)
    strood = _log(pc, "Strood North", 1)[0]
    chatham = _log(pc, "Chatham Central", 1)[0]
    view = services.morning(partnership["asb"])
    assert view.hotspots == ["River"]
    assert view.counts_by_ward == {"River": 6, "Strood North": 1, "Chatham Central": 1}
    for entry in river:
        hotspot = [p for _, types in view.groups for _, rows in types for r in rows if r.entry.pk == entry.pk
                   for p in r.prompts if p.kind == "hotspot"]
        assert [p.text for p in hotspot] == ["Hotspot ward: 6 entries in 7 days"]
    assert "hotspot" not in _kinds(view, strood) and "hotspot" not in _kinds(view, chatham)
    assert view.groups[0][0] == "River"  # the hotspot ward comes first

    client.force_login(partnership["asb"])
    page = client.get("/dial-in/").content.decode()
    assert "hotspot wards: <strong>River</strong>" in page
    river_section = page.split('data-ward="River"')[1].split("<section")[0]
    strood_section = page.split('data-ward="Strood North"')[1].split("<section")[0]
    assert river_section.count('data-prompt="hotspot"') == 3 and 'data-prompt="hotspot"' not in strood_section

    # A 3-day window counts only today's 3 in River: below 5, no longer a hotspot.
    settings.CSPHUB_DIALIN_HOTSPOT = {"min_entries": 5, "window_days": 3, "factor": 2.0}
    view = services.morning(partnership["asb"])
    assert view.hotspots == [] and "hotspot" not in _kinds(view, river[0])


# ---- 2. The one-page initiative evaluation --------------------------------------------------------------

# A square over Chatham town centre (lon, lat), and a comparison square over Gillingham.
AREA = "0.5200 51.3780\n0.5300 51.3780\n0.5300 51.3860\n0.5200 51.3860"
COMPARISON = "0.5420 51.3840\n0.5520 51.3840\n0.5520 51.3900\n0.5420 51.3900"
INSIDE, COMPARED, OUTSIDE = ("0.5250", "51.3820"), ("0.5470", "51.3870"), ("0.6000", "51.4000")


def _points(month: str, where: tuple[str, str], crimes: int, asb: int) -> list[list[str]]:
    lon, lat = where
    return ([street_row(month, "Burglary", lon=lon, lat=lat) for _ in range(crimes)]
            + [street_row(month, "Anti-social behaviour", lon=lon, lat=lat) for _ in range(asb)])


@pytest.fixture
def small_warehouse(data_dir, tmp_path):
    """January to March 2024. Work starts on 10 February, so like for like is January (before)
    against March (after); February is left out. In the area: January 3 burglaries + 2 ASB = 5,
    March 1 + 1 = 2 (February's 9 are not counted). In the comparison area: January 4, March 6
    burglaries. Points outside both (10 a month) are never counted."""
    folder = tmp_path / "police-uk"
    paths = [write_street(folder, "2024-01", _points("2024-01", INSIDE, 3, 2) + _points("2024-01", COMPARED, 4, 0)
                          + _points("2024-01", OUTSIDE, 7, 3)),
             write_street(folder, "2024-02", _points("2024-02", INSIDE, 6, 3) + _points("2024-02", OUTSIDE, 10, 0)),
             write_street(folder, "2024-03", _points("2024-03", INSIDE, 1, 1) + _points("2024-03", COMPARED, 6, 0)
                          + _points("2024-03", OUTSIDE, 5, 5))]
    with open_warehouse(load_settings().warehouse_path) as con:
        ingest_police_uk(con, paths, scratch=tmp_path)
    return load_settings().warehouse_path


# Area, measure, before, after, change, p-value (the exact binomial test of the two totals, by
# hand: 5 v 2 is 58/128 = 0.453; 2 v 1 is 1; 3 v 1 is 10/16 = 0.625; 4 v 6 is 772/1024 = 0.754).
EXPECTED = [
    ["Clear, Hold, Build", "All crime and ASB", "5", "2", "-60.0%", "0.453"],
    ["Clear, Hold, Build", "ASB", "2", "1", "-50.0%", "1.000"],
    ["Clear, Hold, Build", "Crime (not ASB)", "3", "1", "-66.7%", "0.625"],
    ["Gillingham centre", "All crime and ASB", "4", "6", "+50.0%", "0.754"],
    ["Gillingham centre", "ASB", "0", "0", "n/a", "n/a"],
    ["Gillingham centre", "Crime (not ASB)", "4", "6", "+50.0%", "0.754"],
]


@pytest.fixture
def initiative(partnership, small_warehouse):  # noqa: F811
    return operations.plan_initiative(partnership["asb"], name="Clear, Hold, Build", area=AREA,
                                      starts_on=date(2024, 2, 10), comparison_name="Gillingham centre",
                                      comparison=COMPARISON, streets="High Street, Military Road")


def test_the_word_evaluation_carries_the_before_and_after_counts(client, partnership, initiative):  # noqa: F811
    from docx import Document

    client.force_login(partnership["pc"])
    response = client.get(f"/dial-in/places/{initiative.pk}/evaluation.docx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    doc = Document(io.BytesIO(response.content))
    (table,) = doc.tables
    cells = [[c.text for c in r.cells] for r in table.rows]
    assert cells[0] == ["Area", "Measure", "Before", "After", "Change", "p-value"]
    assert cells[1:] == EXPECTED
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Before: January 2024 to January 2024; after: March 2024 to March 2024 (1 months each" in text
    assert "Streets: High Street, Military Road" in text


def test_the_pdf_evaluation_carries_the_before_and_after_counts(client, partnership, initiative):  # noqa: F811
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF back")
    client.force_login(partnership["pc"])
    response = client.get(f"/dial-in/places/{initiative.pk}/evaluation.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    # The page and PDF write the change signed, as the Word file does ("+50.0%", "-50.0%").
    for area, measure, before, after, change, p_value in EXPECTED:
        assert any(line.endswith(f"{measure} {before} {after} {change} {p_value}") for line in lines), \
            (area, measure, lines)
    assert "Jan 2024 to Jan 2024; after: Mar 2024 to Mar 2024" in " ".join(lines)


# ---- 3. Operations' quarterly outputs in the briefing ---------------------------------------------------

def test_the_briefing_totals_two_operations_outputs_by_quarter(partnership):  # noqa: F811
    pc = partnership["pc"]
    ratify = operations.plan_operation(pc, name="Operation Ratify", aim="Moped-enabled crime",
                                       starts_on=date(2025, 3, 1), ends_on=date(2025, 9, 30))
    streetscene = operations.plan_operation(pc, name="StreetScene", aim="Clean streets",
                                            starts_on=date(2025, 5, 1))
    for operation, kind, quantity, on in (
            (ratify, "Arrests", 4, date(2025, 3, 20)),           # 2024/25 Q4: before the period
            (ratify, "Arrests", 12, date(2025, 5, 2)),            # 2025/26 Q1
            (ratify, "Arrests", 8, date(2025, 8, 14)),            # Q2
            (streetscene, "Arrests", 5, date(2025, 6, 30)),       # Q1
            (streetscene, "Waste removed", Decimal("1.6"), date(2025, 7, 1)),  # Q2
            (streetscene, "Waste removed", Decimal("0.4"), date(2025, 9, 30)),  # Q2, the period's last day
            (streetscene, "Door knocks", 78, date(2025, 10, 1))):  # 2025/26 Q3: after the period
        operations.record_output(pc, operation, kind=kind, quantity=quantity, on=on)
    section = dialin_section(date(2025, 4, 1), date(2025, 9, 30))
    assert section is not None
    (table,) = section["tables"]
    assert table["headings"] == ["Output", "2025/26 Q1", "2025/26 Q2"]
    assert table["rows"] == [["Arrests", "17", "8"], ["Waste removed (tonnes)", "0", "2"]]
    assert "Operations and days of action: Operation Ratify, StreetScene." in section["paragraphs"][1]
    html = briefing_html(date(2025, 4, 1), date(2025, 9, 30))
    assert "Daily Dial In and operations</h2>" in html
    for text in ("2025/26 Q1", "2025/26 Q2", "Arrests", "Waste removed (tonnes)", ">17<", ">8<"):
        assert text in html, text
    assert "2024/25 Q4" not in html and "Door knocks" not in html


# ---- 4. Referring a person named in an entry to a panel -------------------------------------------------

@pytest.fixture
def panel(partnership):  # noqa: F811
    found = Panel.objects.create(name="Vulnerability Panel", kind="vulnerability")
    found.members.set([partnership["council"]])
    return found


def test_a_person_named_in_an_entry_is_referred_to_a_panel_from_the_entry_page(client, partnership, panel):  # noqa: F811
    victim = create_person(partnership["asb"], first_name="Dana", last_name="Dialin")
    entry, _ = services.log_entry(partnership["asb"], row(), people=[services.NamedPerson(victim, "victim")])
    client.force_login(partnership["asb"])
    page = client.get(f"/dial-in/entries/{entry.pk}/").content.decode()
    assert f'<option value="{victim.pk}">Dana Dialin</option>' in page
    response = client.post(f"/dial-in/entries/{entry.pk}/", {
        "action": "panel", "panel-panel": panel.pk, "panel-person": victim.pk,
        "panel-reason": "Targeted three times this month", "panel-consent": "given"})
    assert response.status_code == 302
    (referral,) = PanelReferral.objects.all()
    assert referral.person == victim and referral.location == "" and referral.panel == panel
    assert referral.referring_agency == partnership["council"]
    entry.refresh_from_db()
    assert entry.panel_referral == referral
    assert "referred to Vulnerability Panel" in client.get(f"/dial-in/entries/{entry.pk}/").content.decode()


def test_a_person_the_officer_may_not_see_cannot_be_referred(client, partnership, panel):  # noqa: F811
    # The council's officer names Dana; the police may see the entry (on the distribution) but
    # not Dana, who is on no case shared with them.
    victim = create_person(partnership["asb"], first_name="Dana", last_name="Dialin")
    entry, _ = services.log_entry(partnership["asb"], row(), people=[services.NamedPerson(victim, "victim")])
    assert EntryPerson.objects.filter(entry=entry, person=victim).exists()
    with pytest.raises(NotFoundError):
        services.refer(partnership["pc"], entry.pk, panel_id=panel.pk, reason="Targeted", consent="given",
                       person_id=victim.pk)
    client.force_login(partnership["pc"])
    page = client.get(f"/dial-in/entries/{entry.pk}/").content.decode()
    # The entry shows the police everyone named in it (as the morning view does), but the panel
    # form offers only the location: Dana is not theirs to refer.
    assert 'id="people">Dana Dialin (Victim)' in page
    assert ">Dana Dialin</option>" not in page and ">The location</option>" in page
    response = client.post(f"/dial-in/entries/{entry.pk}/", {
        "action": "panel", "panel-panel": panel.pk, "panel-person": victim.pk,
        "panel-reason": "Targeted", "panel-consent": "given"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not PanelReferral.objects.exists()
    entry.refresh_from_db()
    assert entry.panel_referral is None


# ---- 5. Quick entry names up to three people found by the search -----------------------------------------

def _quick(**people: object) -> dict[str, object]:
    now = timezone.localtime() - timedelta(hours=1)
    entry_type = services.entry_type_named("Street drinking").pk
    return {"entry_type": entry_type, "occurred_at": f"{now:%Y-%m-%d %H:%M}", "account": "Shouting over the fence", "address": "4 Elm Road",
            "postcode": "", "latitude": "", "longitude": "", "ward": "", "urgency": "routine", "reference": "",
            **people}


def test_quick_entry_names_up_to_three_people_from_the_search(client, partnership):  # noqa: F811
    asb = partnership["asb"]
    dana, wyn, ray = (create_person(asb, first_name=first, last_name="Dialin") for first in ("Dana", "Wyn", "Ray"))
    client.force_login(asb)
    page = client.get("/dial-in/new/?q=Dialin").content.decode()
    for field in ("id_person", "id_person_2", "id_person_3"):
        assert f'<select name="{field[3:]}"' in page and f'id="{field}"' in page, field
    response = client.post("/dial-in/new/?q=Dialin", _quick(
        person=dana.pk, person_role="victim", person_2=wyn.pk, person_2_role="subject",
        person_3=ray.pk, person_3_role="witness"))
    assert response.status_code == 302
    (entry,) = DialInEntry.objects.all()
    assert sorted((n.person.first_name, n.role) for n in entry.named.all()) == [
        ("Dana", "victim"), ("Ray", "witness"), ("Wyn", "subject")]


def test_quick_entry_offers_as_many_choices_as_people_found_and_refuses_a_person_twice(client, partnership):  # noqa: F811
    asb = partnership["asb"]
    dana = create_person(asb, first_name="Dana", last_name="Dialin")
    create_person(asb, first_name="Wyn", last_name="Dialin")
    client.force_login(asb)
    page = client.get("/dial-in/new/?q=Dana").content.decode()
    assert '<select name="person"' in page and '<select name="person_2"' not in page
    page = client.get("/dial-in/new/?q=Dialin").content.decode()
    assert '<select name="person_2"' in page and '<select name="person_3"' not in page
    twice = client.post("/dial-in/new/?q=Dialin", _quick(person=dana.pk, person_role="victim", person_2=dana.pk,
                                                       person_2_role="witness"))
    assert twice.status_code == 200 and "Name each person once" in twice.content.decode()
    assert not DialInEntry.objects.exists()


def test_quick_entry_cannot_name_a_person_the_officer_may_not_see(client, partnership):  # noqa: F811
    dana = create_person(partnership["asb"], first_name="Dana", last_name="Dialin")
    mine = create_person(partnership["pc"], first_name="Pat", last_name="Police")
    client.force_login(partnership["pc"])
    assert "Dana" not in client.get("/dial-in/new/?q=Dialin").content.decode()
    refused = client.post("/dial-in/new/", _quick(person=mine.pk, person_role="victim", person_2=dana.pk,
                                                  person_2_role="witness"))
    assert refused.status_code == 404 and "Dana" not in refused.content.decode()
    assert not DialInEntry.objects.exists() and not EntryPerson.objects.exists()
