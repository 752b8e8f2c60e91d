"""The anonymous-outreach guarantee: no model of anonymous outreach has a personal field or a
link to people (casework, panels, case reviews, people matching), and the token an attendee
chooses is never stored, only its keyed hash. docs/governance.md says why."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

from csphub.errors import RuleRefused
from csphub.governance import services
from csphub.governance.models import (
    AttendeeToken,
    OutreachOutcome,
    OutreachProgramme,
    OutreachSession,
)

OUTREACH_MODELS = (OutreachProgramme, OutreachSession, OutreachOutcome, AttendeeToken)
#: Apps whose records are about people.
PEOPLE_APPS = {"casework", "panels", "casereview", "people"}
#: Field names that would hold personal details.
PERSONAL = re.compile(r"(^|_)(first_name|last_name|surname|forename|full_name|person|people|dob|date_of_birth|birth|"
                      r"age|address|postcode|phone|mobile|email|nhs|ni_number|national_insurance|gender|sex|"
                      r"ethnicity|nationality|attendee_name|contact|case)($|_)")
#: The user accounts every record names as its recorder (BaseRecord) or history author: staff, not attendees.
ACCOUNT_FIELDS = {"created_by", "modified_by", "archived_by", "history_user"}
NAMED = {(OutreachProgramme, "name")}  # the programme's own name, e.g. "Ladies Night"


def outreach_models() -> list[type]:
    """The outreach models and their history tables."""
    found = list(OUTREACH_MODELS)
    for model in OUTREACH_MODELS:
        history = getattr(model, "history", None)
        if history is not None:
            found.append(history.model)
    return found


@pytest.mark.parametrize("model", outreach_models(), ids=lambda m: m.__name__)
def test_no_outreach_model_links_to_people_or_has_a_personal_field(model):
    user_model = get_user_model()
    for field in model._meta.get_fields():
        related = getattr(field, "related_model", None)
        if related is not None and field.name not in ACCOUNT_FIELDS:
            assert related._meta.app_label not in PEOPLE_APPS, f"{model.__name__}.{field.name} links to {related}"
            assert related is not user_model, f"{model.__name__}.{field.name} names a user"
            assert related._meta.app_label == "governance", f"{model.__name__}.{field.name} links to {related}"
        if (model, field.name) not in NAMED and not field.is_relation:
            assert not PERSONAL.search(field.name), f"{model.__name__}.{field.name} looks like personal data"


def test_the_check_itself_would_catch_a_link_to_a_person():
    person = apps.get_model("casework", "Person")
    assert person._meta.app_label in PEOPLE_APPS
    assert PERSONAL.search("date_of_birth") and PERSONAL.search("attendee_name") and PERSONAL.search("postcode")
    assert not PERSONAL.search("attendees") and not PERSONAL.search("safeguarding_escalations")


def test_nothing_else_in_csp_hub_points_at_outreach():
    """No model elsewhere (a casework person, a case) can link to a session or a token."""
    for model in apps.get_models():
        if model._meta.app_label == "governance":
            continue
        for field in model._meta.get_fields():
            assert getattr(field, "related_model", None) not in OUTREACH_MODELS, f"{model.__name__}.{field.name}"


@pytest.mark.django_db
def test_tokens_are_stored_only_as_keyed_hashes_and_count_repeat_attendance():
    ladies = OutreachProgramme(name="Ladies Night")
    ladies.save_by(None)
    services.record_outreach_session(None, ladies, held_on=date(2025, 5, 20), attendees=20, tokens=["Robin7", "star3"])
    services.record_outreach_session(None, ladies, held_on=date(2025, 6, 17), attendees=25, tokens=["robin 7", "moon5"],
                                     outcomes={"found_accommodation": 1})
    with connection.cursor() as cursor:
        cursor.execute("select digest from governance_attendeetoken")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 4 and not any(t in d for d in stored for t in ("robin", "star", "moon"))
    summary = services.outreach_summary(date(2025, 4, 1), date(2025, 9, 30))
    assert (summary["sessions"], summary["attendances"], summary["average"]) == (2, 45, 22)
    assert (summary["unique_attendees"], summary["repeat_attendees"]) == (3, 1)
    assert summary["outcomes"] == {"Found accommodation": 1}
    with pytest.raises(RuleRefused, match="Token 1"):
        services.record_outreach_session(None, ladies, held_on=date(2025, 7, 1), attendees=5, tokens=["Jo"])
    with pytest.raises(RuleRefused, match="3 different tokens but 2 attendees"):
        services.record_outreach_session(None, ladies, held_on=date(2025, 7, 1), attendees=2, tokens=["aaaa", "bbbb", "cccc"])
