"""Attachments through the API (issue 12, item 11): a partner system attaches a file to a case,
lists what is attached and downloads the bytes, with the same checks as the page (type read
from the content, the size limit, the virus scan) and the same audit of each download.

The upload is the one API route that takes ``multipart/form-data``; every other route with a
body still answers 415 to a form (csphub.web.api)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from csphub.audit.models import AuditEntry
from csphub.casework import services
from csphub.casework.models import Attachment
from csphub.web.api import api

from .factories import create_agency, create_case, create_token, create_user

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def setting():
    council, police = create_agency("Council ASB Team"), create_agency("Kent Police")
    officer, analyst = create_user("officer", council), create_user("analyst", council)
    stranger = create_user("officer", police)
    case = create_case(officer)
    return {"officer": officer, "case": case, "path": f"/api/v1/cases/{case.pk}/attachments",
            "auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(officer)}"},
            "analyst_auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(analyst)}"},
            "stranger_auth": {"HTTP_AUTHORIZATION": f"Bearer {create_token(stranger)}"}}


def _upload(client, setting, name: str, content: bytes, description: str = "Diary sheets", auth=None):
    # the description before the file, as the page's form sends it
    return client.post(setting["path"], {"description": description, "file": SimpleUploadedFile(name, content)},
                       **(auth or setting["auth"]))


def test_a_file_is_uploaded_listed_and_downloaded_byte_for_byte(client, setting):
    made = _upload(client, setting, "diary.pdf", PDF)
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["filename"], body["content_type"], body["size"], body["scan"]) == (
        "diary.pdf", "application/pdf", len(PDF), "not_scanned")
    assert body["uploaded_by_agency"] == "Council ASB Team" and body["uploaded_at"].endswith("Z")
    listed = client.get(setting["path"], **setting["auth"]).json()
    assert (listed["total"], listed["next"], [a["id"] for a in listed["items"]]) == (1, None, [body["id"]])
    assert listed["items"][0] == body
    got = client.get(f"{setting['path']}/{body['id']}/content", **setting["auth"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Disposition"] == 'attachment; filename="diary.pdf"'


def test_a_download_is_audited_as_viewed_through_the_api(client, setting):
    attachment = services.add_attachment(setting["officer"], setting["case"], SimpleUploadedFile("a.pdf", PDF),
                                         "Letter")
    # the last id, not the count: on PostgreSQL ids keep rising across tests' rolled-back rows
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.get(f"{setting['path']}/{attachment.pk}/content", **setting["auth"])
    entry = AuditEntry.objects.filter(pk__gt=before, object_type="attachment").get()
    assert (entry.action, entry.channel, entry.object_id, entry.user_id, entry.purpose) == (
        AuditEntry.Action.VIEWED, AuditEntry.Channel.API, str(attachment.pk), setting["officer"].pk,
        "attachment download")


@override_settings(CSPHUB_UPLOAD_MAX_BYTES=MB)
def test_a_file_over_the_limit_is_refused_on_file_and_nothing_is_stored(client, setting):
    refused = _upload(client, setting, "diary.pdf", PDF + b"0" * (2 * MB))
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "upload_too_large" and error["details"][0]["field"] == "file"
    assert "larger than 1 MB" in error["message"]
    assert not Attachment.objects.exists()


def test_a_program_named_pdf_is_refused_saying_what_it_is(client, setting):
    refused = _upload(client, setting, "diary.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    error = refused.json()["error"]
    assert refused.status_code == 422 and error["code"] == "upload_type_refused"
    assert error["details"][0]["field"] == "file" and "Windows program" in error["message"]
    assert not Attachment.objects.exists()


def test_a_blank_description_is_refused_on_description(client, setting):
    refused = _upload(client, setting, "diary.pdf", PDF, description="   ")
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "description"
    assert not Attachment.objects.exists()


def test_another_agency_gets_404_and_an_analyst_403_for_the_list_and_404_for_the_bytes(client, setting):
    attachment = services.add_attachment(setting["officer"], setting["case"], SimpleUploadedFile("a.pdf", PDF),
                                         "Letter")
    content = f"{setting['path']}/{attachment.pk}/content"
    assert client.get(setting["path"], **setting["stranger_auth"]).status_code == 404
    assert client.get(content, **setting["stranger_auth"]).status_code == 404
    assert _upload(client, setting, "b.pdf", PDF, auth=setting["stranger_auth"]).status_code == 404
    assert client.get(setting["path"], **setting["analyst_auth"]).status_code == 403
    assert client.get(content, **setting["analyst_auth"]).status_code == 404
    assert _upload(client, setting, "b.pdf", PDF, auth=setting["analyst_auth"]).status_code == 403
    assert Attachment.objects.count() == 1


def test_an_attachment_of_another_case_is_not_served_under_this_one(client, setting):
    other = create_case(setting["officer"])
    attachment = services.add_attachment(setting["officer"], other, SimpleUploadedFile("a.pdf", PDF), "Letter")
    assert client.get(f"{setting['path']}/{attachment.pk}/content", **setting["auth"]).status_code == 404


def test_only_the_upload_route_takes_multipart_and_it_takes_nothing_else(client, setting):
    takes = frozenset({"file", "description"})
    assert api.multipart_routes() == {"cases/<case_id>/attachments": {"POST": takes},
                                      "pspos/<order_id>/documents": {"POST": takes}}
    as_json = client.post(setting["path"], {"description": "x"}, content_type="application/json", **setting["auth"])
    assert as_json.status_code == 415 and "multipart/form-data" in as_json.json()["error"]["message"]
    form_to_notes = client.post(f"/api/v1/cases/{setting['case'].pk}/notes", {"text": "A note"}, **setting["auth"])
    assert form_to_notes.status_code == 415 and form_to_notes.json()["error"]["code"] == "unsupported_media_type"
    assert not setting["case"].notes.exists()


def test_a_misspelt_field_is_refused_by_name_and_nothing_is_stored(client, setting):
    sent = {"descripton": "Diary sheets", "description": "Diary", "file": SimpleUploadedFile("a.pdf", PDF)}
    refused = client.post(setting["path"], sent, **setting["auth"])
    assert refused.status_code == 422, refused.content
    (detail,) = refused.json()["error"]["details"]
    assert detail["field"] == "form.descripton"
    assert detail["message"] == "Not a field of this route; it takes 'description', 'file'."
    assert not Attachment.objects.exists()


def test_two_files_in_one_upload_are_refused_rather_than_one_kept(client, setting):
    # before: the second file was stored and the first silently dropped
    sent = {"description": "Diary", "file": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)]}
    refused = client.post(setting["path"], sent, **setting["auth"])
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [{"field": "file.file", "message": "Given 2 times; send it once."}]
    assert not Attachment.objects.exists()


def test_a_file_sent_under_another_name_is_refused_on_that_name(client, setting):
    sent = {"description": "Diary", "file": SimpleUploadedFile("a.pdf", PDF),
            "photo": SimpleUploadedFile("b.pdf", PDF)}
    refused = client.post(setting["path"], sent, **setting["auth"])
    assert refused.status_code == 422
    assert [d["field"] for d in refused.json()["error"]["details"]] == ["file.photo"]
    assert not Attachment.objects.exists()
