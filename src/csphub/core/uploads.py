"""Uploaded files: refused for size while they stream in, checked by content, stored under random names.

- :class:`SizeLimitUploadHandler` (first in ``FILE_UPLOAD_HANDLERS``) stops reading a request as
  soon as a file in it passes ``CSPHUB_UPLOAD_MAX_BYTES``, or at once when the request's length
  already says so; nothing past the limit is read or stored. The form then shows why (see
  :func:`refused_while_streaming`), never a server error.
- :func:`check_upload` is the rule every channel applies: size, an accepted type read from the
  content (:mod:`csphub.core.filetypes`), and a name whose extension matches that type.
- :func:`stored_name` is a random name with the checked type's extension; the name it was
  uploaded with is kept apart, for the download.

Examples:
    >>> from django.core.files.uploadedfile import SimpleUploadedFile
    >>> check_upload(SimpleUploadedFile("letter.pdf", b"%PDF-1.7 ..."), limit=1024).content_type
    'application/pdf'
    >>> check_upload(SimpleUploadedFile("photo.jpg", b"MZ\\x90\\x00"), limit=1024)
    Traceback (most recent call last):
    ...
    csphub.errors.RuleRefused: upload_type_refused: photo.jpg is a Windows program (EXE or DLL), ...
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http.multipartparser import MultiPartParser

from csphub.errors import RuleRefused

from . import filetypes
from .filetypes import FileKind

#: Room for the multipart part headers beside the file. With the form's other fields (at most
#: DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses more), a request longer than the limit plus both
#: carries a file over the limit, and is refused before the file is read.
PART_HEADERS_BYTES = 64 * 1024


def limit_bytes() -> int:
    return int(settings.CSPHUB_UPLOAD_MAX_BYTES)


def megabytes(size: int) -> str:
    """``20971520`` -> ``'20 MB'`` (MiB, as people count file sizes)."""
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value.is_integer() else f"{value:.1f} MB"


def too_large(name: str, limit: int, size: int | None = None) -> str:
    """Why a file is refused for its size; its size when known (a stopped upload's is not)."""
    if size is None:
        return f"{name} is larger than {megabytes(limit)}, the most a file can be. Attach a smaller copy."
    return f"{name} is {megabytes(size)}; the most a file can be is {megabytes(limit)}. Attach a smaller copy."


class RefusedUpload(UploadedFile):
    """Stands in ``request.FILES`` for a file the handler stopped reading; ``reason`` says why."""

    def __init__(self, name: str, reason: str, size: int) -> None:
        # A size above zero, or the form's FileField calls it empty before the validator speaks.
        super().__init__(file=None, name=name, content_type="application/octet-stream", size=size)
        self.reason = reason

    def close(self) -> None:  # nothing was kept to close
        return None


def refused_while_streaming(value: Any) -> None:
    """A form field validator: shows the handler's refusal as the field's error."""
    if isinstance(value, RefusedUpload):
        raise ValidationError(value.reason, code="upload_too_large")


class SizeLimitUploadHandler(FileUploadHandler):
    """Refuse a file once it passes the limit, without reading the rest of the request.

    Raising StopUpload(connection_reset=True) makes Django stop reading and keep the fields
    parsed so far (the CSRF token, the form key and the description come before the file), but
    it drops the file without a trace. So this handler runs the parse itself, from
    ``handle_raw_input``, and puts a :class:`RefusedUpload` in the file's place afterwards.
    """

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = limit_bytes()
        self.most_besides_the_file = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + PART_HEADERS_BYTES
        self.request_length = 0
        self.refused: RefusedUpload | None = None
        self.parsing = False

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,  # noqa: N803
                         encoding: str | None = None) -> tuple[Any, Any] | None:
        if self.parsing or self.request is None:  # the parse below asks again: let it run
            return None
        self.parsing, self.request_length = True, content_length
        post, files = MultiPartParser(META, input_data, self.request.upload_handlers, encoding).parse()
        if self.refused is not None:
            files.appendlist(self.field_name, self.refused)
        return post, files

    def new_file(self, field_name: str, file_name: str, content_type: str, content_length: int | None,
                 charset: str | None = None, content_type_extra: Any = None) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if content_length is not None and content_length > self.limit:
            self._refuse(content_length)
        if self.request_length > self.limit + self.most_besides_the_file:
            self._refuse(None)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self._refuse(None)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers store the file

    def _refuse(self, size: int | None) -> None:
        name = self.file_name or "The file"
        self.refused = RefusedUpload(name, too_large(name, self.limit, size), size or self.limit + 1)
        raise StopUpload(connection_reset=True)


def check_upload(uploaded: Any, *, limit: int | None = None) -> FileKind:
    """The accepted kind of ``uploaded``, read from its content; RuleRefused (field ``file``)
    naming the file, what it is and what is accepted, when it is too large, empty, of a type not
    accepted, or named with another type's extension."""
    limit = limit_bytes() if limit is None else limit
    name = uploaded.name or "The file"
    if isinstance(uploaded, RefusedUpload):
        raise RuleRefused("upload_too_large", uploaded.reason, "file")
    if uploaded.size > limit:
        raise RuleRefused("upload_too_large", too_large(name, limit, uploaded.size), "file")
    if uploaded.size == 0:
        raise RuleRefused("upload_empty", f"{name} is empty.", "file")
    extension = os.path.splitext(name)[1].lower()
    found = filetypes.identify(uploaded, extension)
    if found.kind is None:
        claimed = next((k for k in filetypes.ACCEPTED if extension in k.extensions), None)
        as_claimed = f" (its name ends {extension}, but it is not {claimed.label})" if claimed else ""
        raise RuleRefused("upload_type_refused", f"{name} is {found.label}, which CSP Hub does not accept"
                          f"{as_claimed}. Attach {filetypes.ACCEPTED_SUMMARY}.", "file")
    if extension not in found.kind.extensions:
        ends = f"ends {extension}" if extension else "has no extension"
        raise RuleRefused("upload_name_mismatch", f"{name} is {found.label}, but its name {ends}: rename it to "
                          f"end {found.kind.extension} and attach it again.", "file")
    return found.kind


def stored_name(kind: FileKind) -> str:
    """A random file name with the kind's extension, e.g. ``'3f2b...9c.pdf'`` (32 hex digits)."""
    return f"{uuid.uuid4().hex}{kind.extension}"


def store_with_file(record: Any, kind: FileKind, uploaded: Any, save: Callable[[], None]) -> None:
    """Write the uploaded bytes to ``record.file`` under a random name, then run ``save`` (the
    row and its audit entry) in one transaction; if that fails the file is removed again: no
    row, no file. For every stored upload (case attachments, governance papers, PSPO orders)."""
    from django.db import transaction

    record.file.save(stored_name(kind), uploaded, save=False)
    try:
        with transaction.atomic():
            save()
    except BaseException:
        record.file.delete(save=False)
        raise


def check_and_scan(user: Any, uploaded: Any, *, object_type: str, channel: str, summary: str = "",
                   accepted: tuple[FileKind, ...] = (), what: str = "") -> tuple[FileKind, Any]:
    """The checks every upload gets, in one place (case attachments, PSPO order documents):
    :func:`check_upload`, then only ``accepted`` kinds when given (``what`` names them in the
    refusal), then the configured virus scan (csphub.core.scanner): an infected file is refused,
    audited as refused for ``object_type`` and never stored. Returns the kind and the scan result.
    Call it before any transaction, so a slow scan holds no lock."""
    from csphub.audit.services import Action, record

    from . import scanner

    kind = check_upload(uploaded, limit=None)
    if accepted and kind not in accepted:
        raise RuleRefused("upload_type_refused", f"{uploaded.name} is {kind.label}; attach {what}.", "file")
    scan = scanner.scan(uploaded)
    if scan.status == scanner.INFECTED:
        record(user, Action.REFUSED, object_type, channel=channel, purpose="virus found",
               summary=f"{summary}: {scan.detail}" if summary else scan.detail)
        raise RuleRefused("upload_infected", f"{uploaded.name} contains a virus ({scan.detail}); it was not "
                          "stored. Tell your IT team which device it came from.", "file")
    return kind, scan

