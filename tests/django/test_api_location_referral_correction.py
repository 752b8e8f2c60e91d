"""Correcting a location and a referral through the API (issue 12, items 1 and 11):
``PATCH /api/v1/locations/{id}`` (the ward and LSOA follow the corrected postcode; an unknown
postcode is flagged, nothing guessed) and ``PATCH /api/v1/cases/{id}/referrals/{rid}`` (why it
is corrected in ``correction_reason``, as the referral's own ``reason`` is one of its fields),
through the same corrections service as the pages: a stale If-Match 409 with nothing saved, a
refused value or field 422 naming it, the version as ETag, and refusals for the agency that
received the referral (403) or one off the case (404)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from csphub.analytics.postcodes import load_postcodes
from csphub.analytics.warehouse import open_warehouse
from csphub.casework import services
from csphub.settings import load_settings

from .factories import create_agency, create_case, create_person, create_token, create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(data_dir: Path, tmp_path: Path) -> dict[str, Any]:
    # A one-postcode directory (ONSPD spelling): ME7 1AA is in ward E05002000, LSOA E01016017.
    csv = tmp_path / "onspd.csv"
    csv.write_text("pcd,pcds,oslaua,osward,lsoa11,lsoa21,lat,long\n"
                   "ME7 1AA,ME7 1AA,E06000035,E05002000,E01016017,E01035000,51.3879,0.5466\n")
    with open_warehouse(load_settings().warehouse_path) as con:
        load_postcodes(con, csv)
    council, housing, fire = (create_agency("Council ASB Team"), create_agency("Housing", "housing"),
                              create_agency("Fire and Rescue", "fire"))
    officer = create_user("officer", council, "jo.officer")
    case = create_case(officer, address="1 High Street, Gillingham", postcode="ME7 9ZZ")
    victim = create_person(officer)
    services.add_party(officer, case, victim, "victim")
    referral = services.refer(officer, case, to_agency=housing, reason="Rehousing", person=victim)

    def auth(user: Any) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user)}"}

    return {"officer": officer, "case": case, "location": case.location, "referral": referral,
            "auth": auth(officer), "housing_auth": auth(create_user("officer", housing, "h.officer")),
            "stranger_auth": auth(create_user("officer", fire, "ff.stranger"))}


def _patch(client: Client, path: str, body: dict[str, Any], auth: dict[str, str], version: int) -> Any:
    return client.patch(path, body, content_type="application/json", HTTP_IF_MATCH=f'"{version}"', **auth)


def _fields(response: Any) -> list[str]:
    return [d["field"].removeprefix("body.payload.") for d in response.json()["error"]["details"]]


# ---- Locations ------------------------------------------------------------------------------

def test_a_corrected_postcode_places_the_location_and_an_unknown_one_is_flagged(client: Client, setting):
    location = setting["location"]
    assert location.postcode_status == "not_found"  # ME7 9ZZ is not in the directory
    path = f"/api/v1/locations/{location.pk}"
    done = _patch(client, path, {"postcode": "me7 1aa", "reason": "Postcode misheard"}, setting["auth"],
                  location.version)
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["changed"], body["postcode"], body["postcode_status"], body["ward_code"]) == (
        ["postcode"], "ME7 1AA", "found", "E05002000")
    assert done["ETag"] == f'"{body["version"]}"' and body["version"] == location.version + 1
    location.refresh_from_db()
    assert (location.postcode, location.lsoa21_code) == ("ME7 1AA", "E01035000")
    assert location.history.first().history_change_reason == "Postcode misheard"

    unknown = _patch(client, path, {"postcode": "ME7 9ZY", "reason": "Typo"}, setting["auth"], body["version"])
    assert unknown.status_code == 200
    assert (unknown.json()["postcode_status"], unknown.json()["ward_code"]) == ("not_found", "")  # not guessed


def test_a_stale_or_blank_location_correction_saves_nothing(client: Client, setting):
    location = setting["location"]
    path = f"/api/v1/locations/{location.pk}"
    version = location.version
    assert _patch(client, path, {"address": "1 High Street, Gillingham, Kent", "reason": "County"}, setting["auth"],
                  version).status_code == 200
    stale = _patch(client, path, {"address": "2 High Street", "reason": "Number"}, setting["auth"], version)
    assert stale.status_code == 409
    blank = _patch(client, path, {"address": "  ", "reason": "Blank"}, setting["auth"], version + 1)
    assert blank.status_code == 422 and _fields(blank) == ["address"]
    other = _patch(client, path, {"ward_code": "E05000001", "reason": "Ward"}, setting["auth"], version + 1)
    assert other.status_code == 422 and "ward_code" in _fields(other)  # the ward follows the place, not typed
    location.refresh_from_db()
    assert (location.address, location.version) == ("1 High Street, Gillingham, Kent", version + 1)


def test_a_location_is_not_found_for_an_agency_off_its_cases(client: Client, setting):
    location = setting["location"]
    response = _patch(client, f"/api/v1/locations/{location.pk}", {"address": "x", "reason": "y"},
                      setting["stranger_auth"], location.version)
    assert response.status_code == 404


# ---- Referrals ------------------------------------------------------------------------------

def test_a_referral_is_corrected_with_correction_reason_and_a_stale_one_refused(client: Client, setting):
    referral = setting["referral"]
    path = f"/api/v1/cases/{setting['case'].pk}/referrals/{referral.pk}"
    done = _patch(client, path, {"reason": "Rehousing after repeat incidents", "consent_obtained": True,
                                 "correction_reason": "Consent given on the phone"}, setting["auth"], 1)
    assert done.status_code == 200, done.content
    body = done.json()
    assert (sorted(body["changed"]), body["version"], done["ETag"]) == (["consent_obtained", "reason"], 2, '"2"')
    referral.refresh_from_db()
    assert (referral.reason, referral.consent_obtained) == ("Rehousing after repeat incidents", True)
    assert referral.history.first().history_change_reason == "Consent given on the phone"
    stale = _patch(client, path, {"service": "Tenancy support", "correction_reason": "Service"}, setting["auth"], 1)
    assert stale.status_code == 409
    referral.refresh_from_db()
    assert (referral.service, referral.version) == ("", 2)


@pytest.mark.parametrize(("body", "field"), [
    ({"reason": "   ", "correction_reason": "Blank"}, "reason"),  # the referral's reason may not be empty
    ({"reason": "Rehousing now"}, "correction_reason"),
    ({"status": "accepted", "correction_reason": "Accepted"}, "status"),  # housing answers it; not a correction
])
def test_a_refused_referral_value_or_field_is_422_naming_it(client: Client, setting, body, field):
    referral = setting["referral"]
    refused = _patch(client, f"/api/v1/cases/{setting['case'].pk}/referrals/{referral.pk}", body,
                     setting["auth"], 1)
    assert refused.status_code == 422, refused.content
    assert field in _fields(refused)
    referral.refresh_from_db()
    assert (referral.reason, referral.status, referral.version) == ("Rehousing", "sent", 1)


def test_the_receiving_agency_may_not_correct_the_referral_and_others_do_not_find_it(client: Client, setting):
    referral = setting["referral"]
    path = f"/api/v1/cases/{setting['case'].pk}/referrals/{referral.pk}"
    body = {"service": "x", "correction_reason": "y"}
    assert _patch(client, path, body, setting["housing_auth"], 1).status_code == 403
    assert _patch(client, path, body, setting["stranger_auth"], 1).status_code == 404
    referral.refresh_from_db()
    assert referral.version == 1
