"""The published PSPO order document: uploaded by council officers through the checks every
upload gets (type read from the content, PDF or Word only), downloaded from the order's page with
an audited read, earlier versions kept."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document

from csphub.audit.models import AuditEntry
from csphub.errors import PermissionRefused, RuleRefused
from csphub.pspo import services
from csphub.pspo.models import OrderDocument

from .factories import create_agency, create_token, create_user

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[0.540, 51.380], [0.560, 51.380], [0.560, 51.395],
                                              [0.540, 51.395], [0.540, 51.380]]]}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def word_file() -> bytes:
    document = Document()
    document.add_paragraph("Medway Council Public Spaces Protection Order")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def world() -> dict[str, Any]:
    council, police = create_agency("Medway Council", "council"), create_agency("Kent Police", "police")
    officer = create_user("officer", council, "asb.officer")
    effective = date.today() - timedelta(days=100)
    order = services.make_order(officer, services.OrderInput(
        name="Gillingham alcohol PSPO", made_on=effective, effective_on=effective,
        expires_on=effective + timedelta(days=700), area_geojson=json.dumps(SQUARE),
        prohibitions="Continuing to drink alcohol when asked to stop"))
    return {"officer": officer, "pc": create_user("officer", police, "pc.1"), "order": order}


def test_upload_then_download_from_the_order_page_audited(client: Client, world):
    client.force_login(world["officer"])
    response = client.post(f"/pspos/{world['order'].pk}/documents/new/", {
        "description": "The order as made", "file": SimpleUploadedFile("gillingham.pdf", PDF, "application/pdf")})
    assert response.status_code == 302
    document = OrderDocument.objects.get()
    assert (document.content_type, document.original_name, document.size) == ("application/pdf", "gillingham.pdf",
                                                                             len(PDF))
    client.force_login(world["pc"])  # the published order is public: any member downloads it
    page = client.get(f"/pspos/{world['order'].pk}/").content.decode()
    assert f'href="/pspos/documents/{document.pk}/"' in page and "The order as made" in page
    download = client.get(f"/pspos/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert 'attachment; filename="gillingham.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(username="pc.1", object_type="pspo_document", object_id=str(document.pk),
                                     purpose="pspo document download").exists()


def test_a_new_version_keeps_the_earlier_one(client: Client, world):
    officer, order = world["officer"], world["order"]
    first = services.add_document(officer, order, SimpleUploadedFile("made.pdf", PDF), "The order as made")
    second = services.add_document(officer, order, SimpleUploadedFile("varied.docx", word_file()), "As varied")
    assert second.content_type.endswith("wordprocessingml.document")
    client.force_login(officer)
    page = client.get(f"/pspos/{order.pk}/").content.decode()
    published = page[page.index('id="published-order"'):]
    assert published.index(f"/pspos/documents/{second.pk}/") < published.index("Earlier versions")
    assert "Earlier versions of the order" in page and f'href="/pspos/documents/{first.pk}/"' in page


def test_only_a_pdf_or_word_document_and_only_by_the_council(world):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(RuleRefused, match="map.png is a PNG image; attach the order as a PDF or Word") as refused:
        services.add_document(world["officer"], world["order"], SimpleUploadedFile("map.png", png), "Map")
    assert refused.value.field == "file"
    with pytest.raises(RuleRefused, match="is a Windows program"):
        services.add_document(world["officer"], world["order"], SimpleUploadedFile("order.pdf", b"MZ\x90\x00" * 8),
                              "The order")
    with pytest.raises(RuleRefused, match="Say which version"):
        services.add_document(world["officer"], world["order"], SimpleUploadedFile("order.pdf", PDF), " ")
    with pytest.raises(PermissionRefused):
        services.add_document(world["pc"], world["order"], SimpleUploadedFile("order.pdf", PDF), "The order")
    assert not OrderDocument.objects.exists()


def test_the_page_shows_a_refused_file_on_the_form(client: Client, world):
    client.force_login(world["officer"])
    response = client.post(f"/pspos/{world['order'].pk}/documents/new/", {
        "description": "Map", "file": SimpleUploadedFile("map.txt", b"just some text\n", "text/plain")})
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in body and "map.txt is a text file" in body


def test_the_api_lists_versions_and_gives_the_file(client: Client, world):
    officer, order = world["officer"], world["order"]
    first = services.add_document(officer, order, SimpleUploadedFile("made.pdf", PDF), "The order as made")
    second = services.add_document(officer, order, SimpleUploadedFile("varied.pdf", PDF), "As varied")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(world['pc'])}"}
    body = client.get(f"/api/v1/pspos/{order.pk}/documents", **auth).json()
    assert [(i["id"], i["current"]) for i in body["items"]] == [(second.pk, True), (first.pk, False)]
    assert body["items"][1]["filename"] == "made.pdf" and body["total"] == 2
    content = client.get(f"/api/v1/pspos/documents/{first.pk}/content", **auth)
    assert content.status_code == 200 and b"".join(content.streaming_content) == PDF
    assert AuditEntry.objects.filter(username="pc.1", object_type="pspo_document", object_id=str(first.pk),
                                     channel="api").exists()
    assert client.get("/api/v1/pspos/documents/999999/content", **auth).status_code == 404



def _upload(client: Client, user: Any, order: Any, name: str, data: bytes, description: str = "As varied"):
    return client.post(f"/api/v1/pspos/{order.pk}/documents", {"description": description,
                                                               "file": SimpleUploadedFile(name, data)},
                       HTTP_AUTHORIZATION=f"Bearer {create_token(user)}")


def test_the_api_uploads_a_pdf_then_lists_it(client: Client, world):
    officer, order = world["officer"], world["order"]
    response = _upload(client, officer, order, "varied.pdf", PDF, "As varied on 1 May 2026")
    assert response.status_code == 201, response.content
    body = response.json()
    document = OrderDocument.objects.get()
    assert (body["id"], body["filename"], body["content_type"], body["size"], body["current"]) == (
        document.pk, "varied.pdf", "application/pdf", len(PDF), True)
    assert document.file.read() == PDF
    listed = client.get(f"/api/v1/pspos/{order.pk}/documents",
                        HTTP_AUTHORIZATION=f"Bearer {create_token(world['pc'])}").json()
    assert [(i["id"], i["description"]) for i in listed["items"]] == [(document.pk, "As varied on 1 May 2026")]
    assert AuditEntry.objects.filter(username="asb.officer", action="created", object_type="pspo_document",
                                     object_id=str(document.pk), channel="api").exists()


def test_the_api_refuses_a_png_naming_the_field_and_a_police_officer(client: Client, world):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    refused = _upload(client, world["officer"], world["order"], "map.png", png)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["details"][0]["field"] == "file" and "map.png is a PNG image; attach the order as a PDF or Word" in error["message"]
    assert _upload(client, world["pc"], world["order"], "order.pdf", PDF).status_code == 403
    as_json = client.post(f"/api/v1/pspos/{world['order'].pk}/documents", json.dumps({"description": "x"}),
                          content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {create_token(world['officer'])}")
    assert as_json.status_code == 415
    assert not OrderDocument.objects.exists()
