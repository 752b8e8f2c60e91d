"""What an uploaded file is, read from its content (its first bytes, or a ZIP's members), never
from its name or the type the browser claims.

An allow-list: PDF; images (JPEG, PNG, GIF, WebP, TIFF, HEIC); Office documents (Word, Excel,
PowerPoint, both kinds; OpenDocument; Outlook messages); plain text and CSV; audio recordings.
Anything else is refused, and a refusal names what the file was found to be where that is known
(a Windows program, a web page, an SVG image, a ZIP archive, ...).

A small signature table rather than libmagic: libmagic names thousands of types, we accept about
thirty, and each acceptance here is a short positive test a reviewer can read.

Examples:
    >>> from io import BytesIO
    >>> identify(BytesIO(b"%PDF-1.7\\n...")).kind.content_type
    'application/pdf'
    >>> identify(BytesIO(b"MZ\\x90\\x00")).label
    'a Windows program (EXE or DLL)'
    >>> identify(BytesIO(b"<svg onload=alert(1)>")).kind is None
    True
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

HEAD_BYTES = 4096
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    """An accepted kind of file: what to call it, the type it is served as, the names it may have."""

    label: str
    content_type: str
    extensions: tuple[str, ...]

    @property
    def extension(self) -> str:
        """The extension a stored file of this kind gets (its first)."""
        return self.extensions[0]


PDF = FileKind("a PDF document", "application/pdf", (".pdf",))
JPEG = FileKind("a JPEG image", "image/jpeg", (".jpg", ".jpeg", ".jfif"))
PNG = FileKind("a PNG image", "image/png", (".png",))
GIF = FileKind("a GIF image", "image/gif", (".gif",))
WEBP = FileKind("a WebP image", "image/webp", (".webp",))
TIFF = FileKind("a TIFF image", "image/tiff", (".tif", ".tiff"))
HEIC = FileKind("a HEIC image", "image/heic", (".heic", ".heif"))
DOCX = FileKind("a Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                (".docx",))
XLSX = FileKind("an Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                (".xlsx",))
PPTX = FileKind("a PowerPoint presentation",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
ODT = FileKind("an OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileKind("an OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ODP = FileKind("an OpenDocument presentation", "application/vnd.oasis.opendocument.presentation", (".odp",))
DOC = FileKind("a Word 97-2003 document", "application/msword", (".doc",))
XLS = FileKind("an Excel 97-2003 workbook", "application/vnd.ms-excel", (".xls",))
PPT = FileKind("a PowerPoint 97-2003 presentation", "application/vnd.ms-powerpoint", (".ppt",))
MSG = FileKind("an Outlook message", "application/vnd.ms-outlook", (".msg",))
TEXT = FileKind("a text file", "text/plain", (".txt", ".text", ".log"))
CSV = FileKind("a CSV file", "text/csv", (".csv",))
MP3 = FileKind("an MP3 recording", "audio/mpeg", (".mp3",))
WAV = FileKind("a WAV recording", "audio/wav", (".wav",))
M4A = FileKind("an M4A recording", "audio/mp4", (".m4a",))
AAC = FileKind("an AAC recording", "audio/aac", (".aac",))
OGG = FileKind("an Ogg recording", "audio/ogg", (".ogg", ".oga", ".opus"))
FLAC = FileKind("a FLAC recording", "audio/flac", (".flac",))
AMR = FileKind("an AMR voice recording", "audio/amr", (".amr",))
WMA = FileKind("a WMA recording", "audio/x-ms-wma", (".wma",))

ACCEPTED: tuple[FileKind, ...] = (PDF, JPEG, PNG, GIF, WEBP, TIFF, HEIC, DOCX, XLSX, PPTX, ODT, ODS, ODP,
                                  DOC, XLS, PPT, MSG, TEXT, CSV, MP3, WAV, M4A, AAC, OGG, FLAC, AMR, WMA)
#: What a refusal tells people to attach instead.
ACCEPTED_SUMMARY = ("PDF; images (JPEG, PNG, GIF, WebP, TIFF, HEIC); Office documents (Word, Excel, PowerPoint, "
                    "OpenDocument, Outlook messages); text (TXT, CSV); audio (MP3, WAV, M4A, AAC, Ogg, FLAC, AMR, WMA)")
#: For the file input's ``accept`` attribute (a browser hint only; the content decides).
ACCEPTED_EXTENSIONS = tuple(ext for kind in ACCEPTED for ext in kind.extensions)


@dataclass(frozen=True)
class Identified:
    """What the content says the file is: an accepted kind, or ``None`` with what it is instead."""

    kind: FileKind | None
    label: str


def _accepted(kind: FileKind) -> Identified:
    return Identified(kind, kind.label)


def _refused(label: str) -> Identified:
    return Identified(None, label)


UNKNOWN = _refused("not a type CSP Hub recognises from its content")

# Fixed signatures at the start of the file, checked in order (AMR's "#!AMR" before scripts' "#!").
_STARTS: tuple[tuple[bytes, Identified], ...] = (
    (b"%PDF-", _accepted(PDF)),
    (b"\x89PNG\r\n\x1a\n", _accepted(PNG)),
    (b"\xff\xd8\xff", _accepted(JPEG)),
    (b"GIF87a", _accepted(GIF)),
    (b"GIF89a", _accepted(GIF)),
    (b"II*\x00", _accepted(TIFF)),
    (b"MM\x00*", _accepted(TIFF)),
    (b"ID3", _accepted(MP3)),
    (b"OggS", _accepted(OGG)),
    (b"fLaC", _accepted(FLAC)),
    (b"#!AMR", _accepted(AMR)),
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c", _accepted(WMA)),
    (b"MZ", _refused("a Windows program (EXE or DLL)")),
    (b"\x7fELF", _refused("a program (Linux ELF)")),
    (b"\xfe\xed\xfa\xce", _refused("a program (macOS Mach-O)")),
    (b"\xfe\xed\xfa\xcf", _refused("a program (macOS Mach-O)")),
    (b"\xcf\xfa\xed\xfe", _refused("a program (macOS Mach-O)")),
    (b"\xca\xfe\xba\xbe", _refused("a program (Java class or macOS Mach-O)")),
    (b"#!", _refused("a script")),
    (b"Rar!", _refused("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", _refused("a 7-Zip archive")),
    (b"\x1f\x8b", _refused("a gzip archive")),
    (b"{\\rtf", _refused("an RTF document (save it as Word or PDF)")),
)

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
# Brands MP4 audio and MP4 video share: audio only when the name says so (.m4a).
_MP4_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"dash"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream each legacy Office file must hold, as its directory names them (UTF-16LE).
_OLE_STREAMS: tuple[tuple[bytes, FileKind], ...] = (
    ("WordDocument".encode("utf-16-le"), DOC),
    ("Workbook".encode("utf-16-le"), XLS),
    ("PowerPoint Document".encode("utf-16-le"), PPT),
    ("__substg1.0_".encode("utf-16-le"), MSG),
)
_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_MIMETYPES = {k.content_type.encode(): k for k in (ODT, ODS, ODP)}
# Text that opens with a tag is markup a browser would run (HTML, SVG, XML), not a letter or a diary.
_MARKUP_OPENINGS = ("<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<svg", "<?xml", "<!--")
# Control bytes plain text never holds (tab, line feed, form feed, carriage return and DOS's
# end-of-file Ctrl-Z are allowed).
_TEXT_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1A), *range(0x1B, 0x20), 0x7F])


def identify(file: IO[bytes], extension: str = "") -> Identified:
    """What ``file`` is (read from the start, left at the start). ``extension`` (".m4a") only
    settles what the content leaves open: an MP4 container is audio when named .m4a."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    try:
        return _identify(file, head, extension.lower())
    finally:
        file.seek(0)


def _identify(file: IO[bytes], head: bytes, extension: str) -> Identified:
    for signature, found in _STARTS:
        if head.startswith(signature):
            return found
    if head[:4] == b"RIFF":
        return {b"WAVE": _accepted(WAV), b"WEBP": _accepted(WEBP)}.get(head[8:12], _refused("a RIFF file (e.g. AVI video)"))
    if head[4:8] == b"ftyp":
        return _iso_media(head[8:12], extension)
    if head.startswith(_OLE):
        return _ole(file)
    if head.startswith(b"PK\x03\x04"):
        return _zip(file)
    if _mpeg_audio_frame(head) and not head.startswith(codecs.BOM_UTF16_LE):  # FF FE: UTF-16 text
        return _accepted(MP3 if head[1] & 0x06 else AAC)
    return _text(file, head, extension)


def _iso_media(brand: bytes, extension: str) -> Identified:
    if brand in _HEIF_BRANDS:
        return _accepted(HEIC)
    if brand in _M4A_BRANDS or (brand in _MP4_BRANDS and extension == ".m4a"):
        return _accepted(M4A)
    return _refused("a video (MP4, MOV or 3GP)")


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header at the start: MP3 (layer set) or AAC in ADTS (layer 0)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    if head[1] & 0x06 == 0:  # ADTS: MPEG-2/4 AAC
        return head[1] & 0xF6 == 0xF0
    version_ok, bitrate_ok = (head[1] >> 3) & 0x03 != 0x01, head[2] >> 4 != 0x0F
    return version_ok and bitrate_ok


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def _ole(file: IO[bytes]) -> Identified:
    """A legacy Office file is an OLE compound file holding its own stream; installers (MSI) and
    other compound files are not accepted."""
    longest = max(len(name) for name, _ in _OLE_STREAMS)
    tail = b""
    for chunk in _chunks(file):
        window = tail + chunk
        for name, kind in _OLE_STREAMS:
            if name in window:
                return _accepted(kind)
        tail = window[-longest:]
    return _refused("an OLE compound file that is not a Word, Excel, PowerPoint or Outlook file (e.g. an installer)")


def _zip(file: IO[bytes]) -> Identified:
    """Word, Excel and PowerPoint (OOXML) and OpenDocument files are ZIPs with known members.
    Only the member list and ODF's tiny ``mimetype`` member are read, so a ZIP bomb costs nothing."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return _refused("an Office document with macros (save it without macros, e.g. as .docx or PDF)")
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML_PARTS:
                    if any(name.startswith(prefix) for name in names):
                        return _accepted(kind)
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).strip()
                if mimetype in _ODF_MIMETYPES:
                    return _accepted(_ODF_MIMETYPES[mimetype])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        return _refused("a damaged or incomplete ZIP file")
    return _refused("a ZIP archive (attach the files inside it, not the archive)")


def _text(file: IO[bytes], head: bytes, extension: str) -> Identified:
    """Plain text: UTF-8, UTF-16 with its byte order mark, or an 8-bit Windows encoding with no
    control characters; refused when it opens with markup."""
    encoding = _text_encoding(file, head)
    if encoding is None:
        return UNKNOWN
    opening = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n").lower()
    if opening.startswith(_MARKUP_OPENINGS) or (opening.startswith("<") and "<svg" in opening[:1024]):
        return _refused("a web page or markup file (HTML, SVG or XML), which a browser would run")
    return _accepted(CSV if extension == CSV.extension else TEXT)


def _text_encoding(file: IO[bytes], head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16" if _decodes(file, "utf-16") else None
    if _decodes(file, "utf-8-sig"):
        return "utf-8-sig"
    if all(len(chunk.translate(None, _TEXT_CONTROLS)) == len(chunk) for chunk in _chunks(file)):
        return "cp1252"
    return None


def _decodes(file: IO[bytes], encoding: str) -> bool:
    """Whether the whole file decodes, with no NUL (binary data often decodes as UTF-16)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in _chunks(file):
            if "\x00" in decoder.decode(chunk):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
