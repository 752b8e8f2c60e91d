"""Uploads (issue 11, item 7): each finding reproduced, and each part of the fix.

Found: a 300 MB upload was fully received before being refused; any file type was accepted
(HTML, SVG with script, an .exe named .jpg); files kept the name they came with; no virus scan.
Every test below failed before csphub.core.uploads, filetypes and scanner: there was no upload
handler (the whole body was read), no content check, no original_name, no scan_status, no
CSPHUB_UPLOAD_MAX_MB or CSPHUB_CLAMD_* settings.

The virus-scan tests talk to a small clamd of their own (a real socket, on 127.0.0.1 and on a
unix socket in tmp_path, answering INSTREAM as ClamAV does), not to a mock.
"""

from __future__ import annotations

import doctest
import importlib
import io
import re
import socket
import socketserver
import struct
import threading
import wave
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from csphub.audit.models import AuditEntry
from csphub.casework import services
from csphub.casework.models import Attachment
from csphub.core import filetypes, scanner, uploads
from csphub.core.uploads import RefusedUpload
from csphub.errors import ConfigurationError, RuleRefused
from csphub.settings import load_settings

from .factories import create_agency, create_case, create_user

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
# The EICAR anti-virus test file, put together here so this source file is not itself flagged.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def world(client):
    council = create_agency("Council ASB Team")
    officer = create_user("officer", council, "council.officer")
    case = create_case(officer, summary="Music at night")
    client.force_login(officer)
    return {"officer": officer, "case": case, "add": f"/cases/{case.pk}/attachments/add/",
            "stored": _stored_files()}


def _upload(client, world, name: str, content: bytes, description: str = "Evidence"):
    return client.post(world["add"], {"description": description,
                                      "file": SimpleUploadedFile(name, content, "application/octet-stream")})


def _stored_files() -> set[str]:
    """Every attachment file in storage (the test storage lives as long as the test process)."""
    if not default_storage.exists("attachments"):
        return set()
    return {f"{year}/{month}/{name}" for year in default_storage.listdir("attachments")[0]
            for month in default_storage.listdir(f"attachments/{year}")[0]
            for name in default_storage.listdir(f"attachments/{year}/{month}")[1]}


# ---- Real files of every accepted kind, made by the libraries that write them --------------

def _pdf() -> bytes:
    from matplotlib.figure import Figure

    out = io.BytesIO()
    Figure(figsize=(1, 1)).savefig(out, format="pdf")
    return out.getvalue()


def _image(format_: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format=format_)
    return out.getvalue()


def _docx() -> bytes:
    import docx

    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("1 May: music until 3am")
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\x00\x00" * 800)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _ole(stream_name: str) -> bytes:
    """An OLE compound file header and a directory entry naming one stream (as Office writes it)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64


ACCEPTED = [
    ("letter.pdf", _pdf, "application/pdf"),
    ("photo.png", lambda: _image("PNG"), "image/png"),
    ("photo.jpg", lambda: _image("JPEG"), "image/jpeg"),
    ("photo.gif", lambda: _image("GIF"), "image/gif"),
    ("photo.webp", lambda: _image("WEBP"), "image/webp"),
    ("scan.tiff", lambda: _image("TIFF"), "image/tiff"),
    ("iphone.heic", lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
    ("statement.docx", _docx, filetypes.DOCX.content_type),
    ("diary.xlsx", _xlsx, filetypes.XLSX.content_type),
    ("slides.pptx", lambda: _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}),
     filetypes.PPTX.content_type),
    ("minutes.odt", lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
     filetypes.ODT.content_type),
    ("old letter.doc", lambda: _ole("WordDocument"), "application/msword"),
    ("old sheet.xls", lambda: _ole("Workbook"), "application/vnd.ms-excel"),
    ("email.msg", lambda: _ole("__substg1.0_0037001F"), "application/vnd.ms-outlook"),
    ("diary.txt", lambda: "1 May: music until 3am, café closed\n".encode(), "text/plain"),
    ("notepad.txt", lambda: "Unicode notes\r\n".encode("utf-16"), "text/plain"),
    ("windows.txt", lambda: "caf\xe9 \u2013 late".encode("cp1252"), "text/plain"),
    ("log.csv", lambda: b"date,time,what\n2026-05-01,03:00,music\n", "text/csv"),
    ("call.mp3", lambda: b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400, "audio/mpeg"),
    ("raw.mp3", lambda: b"\xff\xfb\x90\x64" + b"\x00" * 400, "audio/mpeg"),
    ("noise.wav", _wav, "audio/wav"),
    ("voice.m4a", lambda: b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isommp42" + b"\x00" * 64, "audio/mp4"),
    ("phone.m4a", lambda: b"\x00\x00\x00\x1cftypisom\x00\x00\x02\x00isomiso2mp41" + b"\x00" * 64, "audio/mp4"),
    ("clip.aac", lambda: b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 64, "audio/aac"),
    ("voice.ogg", lambda: b"OggS\x00\x02" + b"\x00" * 64, "audio/ogg"),
    ("voice.flac", lambda: b"fLaC\x00\x00\x00\x22" + b"\x00" * 64, "audio/flac"),
    ("voice.amr", lambda: b"#!AMR\n" + b"\x3c" * 64, "audio/amr"),
    ("dictaphone.wma", lambda: bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c") + b"\x00" * 64, "audio/x-ms-wma"),
]


@pytest.mark.parametrize(("name", "make", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_each_accepted_kind_is_recognised_from_its_content(name, make, content_type):
    assert uploads.check_upload(SimpleUploadedFile(name, make()), limit=MB).content_type == content_type


REFUSED = [
    ("evidence.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, "a Windows program (EXE or DLL)"),
    ("tool", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "a program (Linux ELF)"),
    ("page.html", b"<!DOCTYPE html><html><body>hi</body></html>", "a web page or markup file"),
    ("notes.txt", b"  <script>alert(document.cookie)</script>", "a web page or markup file"),
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "a web page or markup file"),
    ("photo.png", b'<?xml version="1.0"?>\n<svg><script>alert(1)</script></svg>', "a web page or markup file"),
    ("bundle.zip", _zip({"a.txt": b"a", "b.exe": b"MZ"}), "a ZIP archive"),
    ("macros.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                          "word/vbaProject.bin": b"\x00"}), "an Office document with macros"),
    ("setup.doc", _ole("\x05SummaryInformation"), "an OLE compound file that is not a Word"),
    ("video.mp4", b"\x00\x00\x00\x1cftypisom\x00\x00\x02\x00isomiso2mp41" + b"\x00" * 64, "a video"),
    ("letter.rtf", b"{\\rtf1\\ansi hello}", "an RTF document"),
    ("noise.bin", bytes(range(256)) * 4, "not a type CSP Hub recognises"),
    ("run.sh", b"#!/bin/sh\nrm -rf /\n", "a script"),
]


@pytest.mark.parametrize(("name", "content", "what"), REFUSED, ids=[r[0] for r in REFUSED])
def test_other_kinds_are_refused_saying_what_they_are(name, content, what):
    with pytest.raises(RuleRefused) as refused:
        uploads.check_upload(SimpleUploadedFile(name, content), limit=MB)
    assert refused.value.rule == "upload_type_refused" and refused.value.field == "file"
    assert refused.value.reason.startswith(f"{name} is {what}")
    assert filetypes.ACCEPTED_SUMMARY in refused.value.reason


def test_an_exe_named_jpg_is_refused_on_the_form_naming_the_file_what_it_is_and_what_is_accepted(client, world):
    response = _upload(client, world, "evidence.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2000)
    assert response.status_code == 200
    expected = ("evidence.jpg is a Windows program (EXE or DLL), which CSP Hub does not accept (its name ends "
                ".jpg, but it is not a JPEG image). Attach PDF; images (JPEG, PNG, GIF, WebP, TIFF, HEIC); Office "
                "documents (Word, Excel, PowerPoint, OpenDocument, Outlook messages); text (TXT, CSV); audio (MP3, "
                "WAV, M4A, AAC, Ogg, FLAC, AMR, WMA).")
    assert response.context["form"].errors["file"] == [expected]
    assert "evidence.jpg is a Windows program" in response.content.decode()
    assert not Attachment.objects.exists() and _stored_files() == world["stored"]


@pytest.mark.parametrize(("name", "content"), [
    ("page.html", b"<html><script>fetch('/api/v1/cases')</script></html>"),
    ("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
])
def test_html_and_svg_with_script_are_refused(client, world, name, content):
    response = _upload(client, world, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(f"{name} is a web page or markup file")
    assert not Attachment.objects.exists()


def test_a_name_must_match_the_content(client, world):
    response = _upload(client, world, "photo.pdf", _image("PNG"))
    assert response.context["form"].errors["file"] == [
        "photo.pdf is a PNG image, but its name ends .pdf: rename it to end .png and attach it again."]
    with pytest.raises(RuleRefused, match="has no extension"):
        uploads.check_upload(SimpleUploadedFile("letter", _pdf()), limit=MB)


# ---- Size: refused while the request streams in -----------------------------------------------

class _Body(io.RawIOBase):
    """A multipart request body of any length, made as it is read (a 300 MB upload costs no
    memory), counting how much of it the server read. The file is "%PDF-" and then zeros."""

    def __init__(self, fields: dict[str, str], file_name: str, file_size: int) -> None:
        part = encode_multipart(BOUNDARY, {**fields, "file": SimpleUploadedFile(file_name, b"%")})
        head, tail = part.split(b"%", 1)
        self.segments = [(len(head), lambda b, e: head[b:e]), (file_size, self._file), (len(tail), lambda b, e: tail[b:e])]
        self.length = len(head) + file_size + len(tail)
        self.position = self.read_bytes = 0

    @staticmethod
    def _file(begin: int, end: int) -> bytes:
        return b"%PDF-"[begin:end] + b"0" * max(0, end - max(begin, 5))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data, offset = b"", 0
        for length, make in self.segments:
            begin, end = max(self.position - offset, 0), min(self.position + len(buffer) - offset, length)
            if begin < end:
                data += make(begin, end)
            offset += length
        buffer[:len(data)] = data
        self.position += len(data)
        self.read_bytes += len(data)
        return len(data)


def _parse(body: _Body) -> WSGIRequest:
    request = WSGIRequest({"REQUEST_METHOD": "POST", "PATH_INFO": "/", "SCRIPT_NAME": "", "SERVER_NAME": "testserver",
                           "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BufferedReader(body),
                           "CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(body.length)})
    request.POST  # noqa: B018  (parses the body through settings.FILE_UPLOAD_HANDLERS)
    return request


def test_a_300_mb_upload_is_refused_after_reading_a_few_kilobytes():
    body = _Body({"form_key": "k1", "description": "CCTV export"}, "cctv.pdf", 300 * MB)
    request = _parse(body)
    assert body.length > 300 * MB
    assert body.read_bytes < 256 * 1024  # was all 300 MB before the handler
    refused = request.FILES["file"]
    assert isinstance(refused, RefusedUpload)
    assert refused.reason == "cctv.pdf is larger than 20 MB, the most a file can be. Attach a smaller copy."
    assert request.POST["description"] == "CCTV export" and request.POST["form_key"] == "k1"


@override_settings(CSPHUB_UPLOAD_MAX_BYTES=MB)
def test_a_file_passing_the_limit_as_it_streams_is_cut_off_there():
    # 3 MB: the request's length alone does not prove the file too large (the other fields may
    # hold up to 2.5 MB), so the handler reads on, and stops one chunk past the limit.
    body = _Body({"description": "Diary"}, "diary.pdf", 3 * MB)
    request = _parse(body)
    assert request.FILES["file"].reason == "diary.pdf is larger than 1 MB, the most a file can be. Attach a smaller copy."
    assert MB < body.read_bytes <= MB + 2 * 64 * 1024


@override_settings(CSPHUB_UPLOAD_MAX_BYTES=MB)
def test_a_file_at_the_limit_is_accepted():
    body = _Body({"description": "Diary"}, "diary.pdf", MB)
    request = _parse(body)
    assert request.FILES["file"].size == MB and not isinstance(request.FILES["file"], RefusedUpload)


@override_settings(CSPHUB_UPLOAD_MAX_BYTES=MB)
def test_a_file_over_the_limit_shows_the_form_again_saying_so(client, world):
    response = _upload(client, world, "diary.pdf", b"%PDF-1.4\n" + b"0" * (2 * MB), description="Diary")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["diary.pdf is larger than 1 MB, the most a file can be. Attach a smaller copy."]}
    assert response.context["form"]["description"].value() == "Diary"
    assert not Attachment.objects.exists() and _stored_files() == world["stored"]


@override_settings(CSPHUB_UPLOAD_MAX_BYTES=MB)
def test_a_stopped_upload_still_passes_the_csrf_check_and_keeps_its_form_key(world):
    """As a browser sends the form: the CSRF token and form key first, the description, then the file."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["officer"])
    page = browser.get(world["add"]).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    key = re.search(r'name="form_key" value="([^"]+)"', page)[1]
    assert page.index('name="description"') < page.index('name="file"')
    response = browser.post(world["add"], {"csrfmiddlewaretoken": token, "form_key": key, "description": "Diary",
                                           "file": SimpleUploadedFile("diary.pdf", b"%PDF-" + b"0" * 3 * MB)})
    assert response.status_code == 200  # the form again, not 403 (CSRF) or 500
    assert "diary.pdf is larger than 1 MB" in response.content.decode()
    response = browser.post(world["add"], {"csrfmiddlewaretoken": token, "form_key": key, "description": "Diary",
                                           "file": SimpleUploadedFile("diary.pdf", b"%PDF-1.4 small")})
    assert response.status_code == 302 and Attachment.objects.count() == 1  # the key was not used up


def test_the_limit_is_a_setting_of_20_mb_by_default():
    assert load_settings({}).upload_max_mb == 20
    assert load_settings({"CSPHUB_UPLOAD_MAX_MB": "50"}).upload_max_mb == 50
    with pytest.raises(ConfigurationError, match="CSPHUB_UPLOAD_MAX_MB='0': expected a whole number of megabytes"):
        load_settings({"CSPHUB_UPLOAD_MAX_MB": "0"})
    from django.conf import settings

    assert settings.CSPHUB_UPLOAD_MAX_BYTES == 20 * MB
    assert settings.FILE_UPLOAD_HANDLERS[0] == "csphub.core.uploads.SizeLimitUploadHandler"


# ---- Stored under a random name, served as the checked type -----------------------------------

def test_files_are_stored_under_random_names_and_served_as_their_checked_type(client, world):
    pdf = _pdf()
    response = _upload(client, world, "Diary of Ottoline <script>.pdf", pdf, description="Diary sheets")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "Diary of Ottoline <script>.pdf", "application/pdf", len(pdf))
    download = client.get(f"/cases/{world['case'].pk}/attachments/{attachment.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Diary of Ottoline" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == pdf
    page = client.get(f"/cases/{world['case'].pk}/").content.decode()
    assert "Diary of Ottoline &lt;script&gt;.pdf" in page and "<script>.pdf" not in page


def test_a_file_stored_before_the_checks_is_served_as_bytes_to_save(client, world):
    old = Attachment(case=world["case"], description="Old upload", original_name="page.html")
    old.file.save("page.html", io.BytesIO(b"<html>"), save=False)
    old.save_by(world["officer"])
    download = client.get(f"/cases/{world['case'].pk}/attachments/{old.pk}/")
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="page.html"'


# ---- Virus scanning: a clamd of our own, over real sockets ---------------------------------

class _ClamdAnswers(socketserver.BaseRequestHandler):
    """clamd's INSTREAM: "zINSTREAM\\0", then chunks (4-byte big-endian length, data), then a zero
    length; answers "stream: OK\\0" or "stream: <signature> FOUND\\0"."""

    def handle(self) -> None:
        incoming = self.request.makefile("rb")
        command = b""
        while (byte := incoming.read(1)) not in (b"\0", b""):
            command += byte
        data = b""
        while (length := struct.unpack("!L", incoming.read(4))[0]) != 0:
            data += incoming.read(length)
        self.server.scans.append((command, data))  # type: ignore[attr-defined]
        found = b"Eicar-Signature FOUND" if EICAR in data else b"OK"
        self.request.sendall(b"stream: " + found + b"\0")


def _serve(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    server.scans = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def clamd_tcp():
    yield from _serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), _ClamdAnswers))


@pytest.fixture
def clamd_unix(tmp_path: Path):
    yield from _serve(socketserver.ThreadingUnixStreamServer(str(tmp_path / "clamd.sock"), _ClamdAnswers))


def test_without_a_scanner_files_are_stored_marked_not_scanned(client, world):
    response = _upload(client, world, "diary.txt", b"1 May: music until 3am", description="Diary sheet")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.scan_status, attachment.scan_mark) == ("not_scanned", "not scanned: no virus scanner is configured")
    page = client.get(f"/cases/{world['case'].pk}/").content.decode()
    assert "not scanned: no virus scanner is configured" in page


def test_clamd_over_tcp_scans_each_upload_and_a_clean_file_is_marked_so(client, world, clamd_tcp):
    host, port = clamd_tcp.server_address
    with override_settings(CSPHUB_CLAMD={"address": (host, port)}):
        response = _upload(client, world, "diary.txt", b"1 May: music until 3am")
    assert response.status_code == 302
    assert clamd_tcp.scans == [(b"zINSTREAM", b"1 May: music until 3am")]
    attachment = Attachment.objects.get()
    assert attachment.scan_status == "clean"
    assert attachment.scan_mark == f"scanned, no virus found (ClamAV (clamd at {host}:{port}))"
    assert "scanned, no virus found" in client.get(f"/cases/{world['case'].pk}/").content.decode()


def test_an_infected_file_is_refused_not_stored_and_audited(client, world, clamd_unix):
    with override_settings(CSPHUB_CLAMD={"socket": clamd_unix.server_address}):
        response = _upload(client, world, "eicar.txt", EICAR)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "eicar.txt contains a virus (Eicar-Signature); it was not stored. Tell your IT team which device it came from."]
    assert clamd_unix.scans == [(b"zINSTREAM", EICAR)]
    assert not Attachment.objects.exists() and _stored_files() == world["stored"]
    entry = AuditEntry.objects.get(action="refused", object_type="attachment")
    assert (entry.purpose, entry.summary) == ("virus found", f"case {world['case'].pk}: Eicar-Signature")


def test_a_large_file_reaches_clamd_whole_in_chunks(world, clamd_tcp):
    data = b"%PDF-1.4\n" + bytes(range(256)) * 4096  # 1 MB: sixteen INSTREAM chunks
    with override_settings(CSPHUB_CLAMD={"address": clamd_tcp.server_address}):
        attachment = services.add_attachment(world["officer"], world["case"], SimpleUploadedFile("scan.pdf", data), "Scan")
    assert clamd_tcp.scans == [(b"zINSTREAM", data)] and attachment.scan_status == "clean"
    assert attachment.file.read() == data


def test_an_unreachable_scanner_stores_the_file_marked_scan_failed(client, world):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    with override_settings(CSPHUB_CLAMD={"address": ("127.0.0.1", port)}):
        response = _upload(client, world, "diary.txt", b"Diary")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.scan_status == "scan_failed"
    assert attachment.scan_mark.startswith(f"not scanned: the virus scan failed (clamd at 127.0.0.1:{port} did not answer")


def test_the_scanner_is_a_hook(world):
    class Refuses:
        name = "test scanner"

        def scan(self, file):
            return scanner.ScanResult(scanner.INFECTED, "Test-Signature")

    import sys
    module = type(sys)("csphub_test_scanner_hook")
    module.make = Refuses  # type: ignore[attr-defined]
    sys.modules["csphub_test_scanner_hook"] = module
    try:
        with override_settings(CSPHUB_UPLOAD_SCANNER="csphub_test_scanner_hook.make"), \
                pytest.raises(RuleRefused, match=r"contains a virus \(Test-Signature\)"):
            services.add_attachment(world["officer"], world["case"], SimpleUploadedFile("a.txt", b"a"), "A")
    finally:
        del sys.modules["csphub_test_scanner_hook"]


def test_clamd_is_configured_by_socket_or_address_not_both():
    assert load_settings({"CSPHUB_CLAMD_SOCKET": "/run/clamav/clamd.ctl"}).clamd_socket == "/run/clamav/clamd.ctl"
    assert load_settings({"CSPHUB_CLAMD_ADDRESS": "clamav.internal:3310"}).clamd_address == ("clamav.internal", 3310)
    assert load_settings({"CSPHUB_CLAMD_ADDRESS": "[::1]:3310"}).clamd_address == ("::1", 3310)
    with pytest.raises(ConfigurationError, match="CSPHUB_CLAMD_ADDRESS='clamav': expected host:port"):
        load_settings({"CSPHUB_CLAMD_ADDRESS": "clamav"})
    with pytest.raises(ConfigurationError, match="CSPHUB_CLAMD_SOCKET='clamd.ctl': expected the absolute path"):
        load_settings({"CSPHUB_CLAMD_SOCKET": "clamd.ctl"})
    with pytest.raises(ConfigurationError, match="not both"):
        load_settings({"CSPHUB_CLAMD_SOCKET": "/run/clamd.ctl", "CSPHUB_CLAMD_ADDRESS": "127.0.0.1:3310"})


@pytest.mark.parametrize("name", ["csphub.core.filetypes", "csphub.core.uploads", "csphub.core.scanner"])
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
