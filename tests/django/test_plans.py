"""csphub.core.plans keeps a read's compiled SQL per process and binds new values into it
(issue 19: compiling a case page's dozen reads, not the database, was most of its CPU). The
rows are always read fresh, a different case binds a different id, two agencies never share
a plan, and a key that leaves something out is caught (CSPHUB_CHECK_PLANS, on in the tests)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from csphub.access import reads
from csphub.casework import services
from csphub.casework.models import CaseNote
from csphub.core import plans

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases():
    plans.forget()
    council, police = create_agency("Council ASB Team"), create_agency("Police", "police")
    officer = create_user("officer", council, "council.officer")
    first, second = create_case(officer, summary="Threats at the door"), create_case(officer, summary="Dog fouling")
    services.add_note(officer, first, "Spoke to the neighbour at number 4")
    services.add_note(officer, second, "Letter sent about the dog")
    return {"council": council, "police": police, "officer": officer, "first": first, "second": second,
            "police_officer": create_user("officer", police, "police.officer")}


def _notes(user, case):
    return [n.text for n in reads.of_case("note", user, case, purpose="test", related=("created_by",))]


def test_each_case_reads_its_own_rows_through_one_kept_plan(two_cases):
    officer = two_cases["officer"]
    assert _notes(officer, two_cases["first"]) == ["Spoke to the neighbour at number 4"]
    kept = len(plans._PLANS)
    assert _notes(officer, two_cases["second"]) == ["Letter sent about the dog"]
    assert len(plans._PLANS) == kept  # the second case bound its id into the same plan


def test_a_new_note_shows_on_the_next_read(two_cases):
    officer, first = two_cases["officer"], two_cases["first"]
    assert len(_notes(officer, first)) == 1
    services.add_note(officer, first, "Second visit: no answer")
    assert sorted(_notes(officer, first)) == ["Second visit: no answer", "Spoke to the neighbour at number 4"]


def test_another_agency_gets_its_own_plan_and_sees_nothing_until_shared(two_cases):
    police_officer, first = two_cases["police_officer"], two_cases["first"]
    assert _notes(police_officer, first) == []
    services.share_case(two_cases["officer"], first, two_cases["police"])
    assert _notes(police_officer, first) == ["Spoke to the neighbour at number 4"]


def test_a_kept_plan_is_not_compiled_again(two_cases, monkeypatch):
    officer = two_cases["officer"]
    _notes(officer, two_cases["first"])
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    monkeypatch.setattr("django.conf.settings.CSPHUB_CHECK_PLANS", False)
    with CaptureQueriesContext(connection) as captured:
        assert _notes(officer, two_cases["second"]) == ["Letter sent about the dog"]
    assert compiled == [] and len([q for q in captured if "casework_casenote" in q["sql"]]) == 1


def test_a_key_that_leaves_out_what_the_sql_depends_on_is_caught(two_cases):
    first = two_cases["first"]

    def build(text):
        return lambda case_id: CaseNote.objects.filter(case_id=case_id, text=text)

    assert list(plans.planned(("notes with text",), build("Spoke to the neighbour at number 4"), first.pk))
    with pytest.raises(plans.PlanMismatch):
        plans.planned(("notes with text",), build("something else"), first.pk)


def test_a_planned_queryset_cannot_be_filtered_or_counted_after(two_cases):
    found = plans.planned(("notes of",), lambda case_id: CaseNote.objects.filter(case_id=case_id), two_cases["first"].pk)
    with pytest.raises(TypeError):
        found.filter(text="x")
    with pytest.raises(TypeError):
        found.count()


def test_the_case_page_reads_the_same_people_and_records_as_before(client, two_cases):
    officer, first = two_cases["officer"], two_cases["first"]
    services.add_party(officer, first, create_person(officer, first_name="Ottoline", last_name="Vantablack"), "victim")
    client.force_login(officer)
    for _ in range(2):  # the second time from the kept plans
        page = client.get(f"/cases/{first.pk}/").content.decode()
        assert "Vantablack" in page and "Spoke to the neighbour at number 4" in page and "Letter sent" not in page
