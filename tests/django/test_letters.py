"""Letters from the record (issue 12, item 7): a Community Protection Warning written as Word
from its intervention holds the person's name and the conduct, and is recorded on the case and
in the audit; an officer of an agency not on the case is answered 404."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document

from csphub.audit.models import AuditEntry
from csphub.casework import services
from csphub.casework.letters import generate_letter
from csphub.casework.models import GeneratedLetter
from csphub.core import letters as engine
from csphub.errors import PermissionRefused, RuleRefused

from .factories import create_agency, create_case, create_person, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "jo.officer")
    officer.first_name, officer.last_name = "Jo", "Officer"
    officer.save()
    case = create_case(officer, opened_on=timezone.localdate() - timedelta(days=60))
    subject = create_person(officer, first_name="Alex", last_name="Brown", address="12 Castle Street",
                            postcode="CT1 2AB")
    services.add_party(officer, case, subject, "subject")
    cpw = services.issue_intervention(officer, case, kind="cpw", person=subject, conduct="Playing loud music after 11pm",
                                      issued_on=timezone.localdate() - timedelta(days=10),
                                      expires_on=timezone.localdate() + timedelta(days=170))
    return {"council": council, "officer": officer, "case": case, "subject": subject, "cpw": cpw}


def words(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_a_cpw_written_as_word_names_the_person_and_the_conduct_and_is_recorded(client: Client, world):
    client.force_login(world["officer"])
    response = client.post(f"/interventions/{world['cpw'].pk}/letter/", {"format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"].startswith(f'attachment; filename="{world["case"].reference}-cpw-')
    text = words(response.content)
    assert text.startswith("Community Protection Warning")
    assert "Dear Alex Brown," in text
    assert "12 Castle Street\nCT1 2AB" in text
    assert "Playing loud music after 11pm" in text
    assert "Jo Officer\nCouncil ASB Team" in text

    letter = GeneratedLetter.objects.get()
    assert (letter.case, letter.intervention, letter.kind, letter.format) == (world["case"], world["cpw"], "cpw", "docx")
    assert letter.generated_by == world["officer"]
    assert letter.template_version == engine.load_template("cpw.txt", None).version
    assert not letter.template_replaced
    audit = AuditEntry.objects.get(object_type="letter", action=AuditEntry.Action.CREATED)
    assert audit.object_id == str(letter.pk)
    assert "Brown" not in audit.summary  # ids, never names

    page = client.get(f"/cases/{world['case'].pk}/").content.decode()
    assert "Community Protection Warning of" in page and "Built in" in page


def test_the_pdf_is_a_pdf(client: Client, world):
    client.force_login(world["officer"])
    response = client.post(f"/interventions/{world['cpw'].pk}/letter/", {"format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert GeneratedLetter.objects.get().format == "pdf"


def test_an_officer_of_an_agency_not_on_the_case_gets_404_and_nothing_is_recorded(client: Client, world):
    stranger = create_user("officer", create_agency("Fire and Rescue", "fire"))
    client.force_login(stranger)
    response = client.post(f"/interventions/{world['cpw'].pk}/letter/", {"format": "docx"})
    assert response.status_code == 404
    assert not GeneratedLetter.objects.exists()
    assert AuditEntry.objects.filter(user=stranger, action=AuditEntry.Action.REFUSED, object_type="intervention").exists()


def test_a_closed_case_is_read_only(world):
    services.change_status(world["officer"], world["case"], "closed", outcome="resolved")
    with pytest.raises(PermissionRefused):
        generate_letter(world["officer"], world["cpw"].pk, "docx")


def test_a_kind_without_a_letter_is_refused(world):
    order = services.issue_intervention(world["officer"], world["case"], kind="closure_notice",
                                        premises="12 Castle Street", conduct="Disorder at the premises",
                                        issued_on=timezone.localdate())
    with pytest.raises(RuleRefused, match="no letter"):
        generate_letter(world["officer"], order.pk, "docx")


def test_the_partnerships_template_is_used_and_a_mistake_in_it_is_named(world, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(engine, "default_letters_dir", lambda: tmp_path)
    (tmp_path / "cpw.txt").write_text("# Medway warning\n\nTo {{ person_name }} about {{ conduct }}\n", "utf-8")
    _, content, _ = generate_letter(world["officer"], world["cpw"].pk, "docx")
    assert words(content) == "Medway warning\nTo Alex Brown about Playing loud music after 11pm"
    assert GeneratedLetter.objects.get().template_replaced

    (tmp_path / "cpw.txt").write_text("# Medway warning\n\nTo {{ person_name }}\n{{ vehicle }}\n", "utf-8")
    with pytest.raises(RuleRefused, match=r"cpw.txt, line 4.*'vehicle'"):
        generate_letter(world["officer"], world["cpw"].pk, "docx")
    assert GeneratedLetter.objects.count() == 1


@pytest.mark.parametrize("kind, title, extra", [
    ("abc", "Acceptable Behaviour Contract", {}),
    ("s59_warning", "Section 59 warning: vehicle used in a manner causing alarm, distress or annoyance",
     {"premises": "Red Ford Fiesta AB12 CDE"}),
])
def test_an_abc_and_a_section_59_warning_are_written_as_word_and_pdf_from_their_page(client: Client, world, kind,
                                                                                    title, extra):
    issued = services.issue_intervention(world["officer"], world["case"], kind=kind, person=world["subject"],
                                         conduct="Revving engines in the car park",
                                         issued_on=timezone.localdate() - timedelta(days=3), **extra)
    client.force_login(world["officer"])
    assert "Write the letter as Word" in client.get(f"/interventions/{issued.pk}/").content.decode()
    word = client.post(f"/interventions/{issued.pk}/letter/", {"format": "docx"})
    assert word.status_code == 200
    text = words(word.content)
    assert text.startswith(title) and "Alex Brown\n12 Castle Street\nCT1 2AB" in text
    assert "Revving engines in the car park" in text
    if kind == "s59_warning":
        assert "Vehicle: Red Ford Fiesta AB12 CDE" in text
    pdf = client.post(f"/interventions/{issued.pk}/letter/", {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert [(g.kind, g.format) for g in GeneratedLetter.objects.order_by("pk")] == [(kind, "docx"), (kind, "pdf")]
