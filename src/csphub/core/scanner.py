"""Virus scanning of uploads: a pluggable hook, with ClamAV's ``clamd`` built in.

The hook is the Django setting ``CSPHUB_UPLOAD_SCANNER``, the dotted path of a function that
returns a :class:`Scanner` (anything with ``name`` and ``scan(file) -> ScanResult``) or ``None``
for "no scanner". The default, :func:`clamd_from_settings`, gives a :class:`ClamdScanner` when
``CSPHUB_CLAMD_SOCKET`` or ``CSPHUB_CLAMD_ADDRESS`` is set, and ``None`` otherwise; files are then
stored marked "not scanned".

:class:`ClamdScanner` speaks clamd's INSTREAM protocol over a socket (the standard library only):
it sends ``zINSTREAM\\0``, then the file as chunks each prefixed by its length (4 bytes, network
order), then a zero length, and reads one NUL-terminated answer: ``stream: OK``,
``stream: <signature> FOUND`` or ``<reason> ERROR``.

Examples:
    >>> ClamdScanner(address=("127.0.0.1", 1)).scan_bytes(b"hello").status
    'scan_failed'
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

CLEAN, INFECTED, NOT_SCANNED, SCAN_FAILED = "clean", "infected", "not_scanned", "scan_failed"
DEFAULT_SCANNER = "csphub.core.scanner.clamd_from_settings"
CHUNK_BYTES = 64 * 1024
TIMEOUT_SECONDS = 60.0
NO_SCANNER = "no virus scanner is configured"


@dataclass(frozen=True)
class ScanResult:
    """``status`` is one of CLEAN, INFECTED, NOT_SCANNED, SCAN_FAILED; ``detail`` says by whom,
    which signature, or why the scan failed."""

    status: str
    detail: str


class Scanner(Protocol):
    name: str

    def scan(self, file: IO[bytes]) -> ScanResult: ...


class ClamdScanner:
    """ClamAV's daemon at a unix socket path or a (host, port) address."""

    def __init__(self, *, socket_path: str | None = None, address: tuple[str, int] | None = None,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        if (socket_path is None) == (address is None):
            raise ValueError("give clamd's socket_path or its address, not both")
        self.socket_path, self.address, self.timeout = socket_path, address, timeout
        self.where = socket_path or f"{address[0]}:{address[1]}"  # type: ignore[index]
        self.name = f"ClamAV (clamd at {self.where})"

    def scan(self, file: IO[bytes]) -> ScanResult:
        """Send the file from its start; an unreachable or confused clamd is SCAN_FAILED, never raised."""
        file.seek(0)
        try:
            answer = self._exchange(iter(lambda: file.read(CHUNK_BYTES), b""))
        except OSError as e:
            return ScanResult(SCAN_FAILED, f"clamd at {self.where} did not answer ({e.strerror or e})")
        finally:
            file.seek(0)
        return self._result(answer)

    def scan_bytes(self, data: bytes) -> ScanResult:
        return self.scan(BytesIO(data))

    def _connect(self) -> socket.socket:
        if self.socket_path is not None:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(self.timeout)
            try:
                conn.connect(self.socket_path)
            except OSError:
                conn.close()
                raise
            return conn
        return socket.create_connection(self.address, timeout=self.timeout)  # type: ignore[arg-type]

    def _exchange(self, chunks: Iterable[bytes]) -> str:
        with self._connect() as conn:
            conn.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                more = conn.recv(4096)
                if not more:
                    break
                answer += more
        return answer.rstrip(b"\0").decode("utf-8", errors="replace").strip()

    def _result(self, answer: str) -> ScanResult:
        if answer == "stream: OK":
            return ScanResult(CLEAN, self.name)
        if answer.startswith("stream: ") and answer.endswith(" FOUND"):
            return ScanResult(INFECTED, answer.removeprefix("stream: ").removesuffix(" FOUND"))
        # e.g. "INSTREAM size limit exceeded. ERROR" (clamd's StreamMaxLength is below the upload limit)
        return ScanResult(SCAN_FAILED, f"clamd at {self.where} answered {answer[:120]!r}")


def clamd_from_settings() -> ClamdScanner | None:
    """The default hook: clamd when ``CSPHUB_CLAMD`` names its socket or address, else None."""
    clamd = getattr(settings, "CSPHUB_CLAMD", None)
    if not clamd:
        return None
    return ClamdScanner(socket_path=clamd.get("socket"), address=clamd.get("address"))


def configured_scanner() -> Scanner | None:
    return import_string(getattr(settings, "CSPHUB_UPLOAD_SCANNER", DEFAULT_SCANNER))()


def scan(file: IO[bytes]) -> ScanResult:
    """Scan with the configured scanner; NOT_SCANNED when there is none."""
    scanner = configured_scanner()
    if scanner is None:
        return ScanResult(NOT_SCANNED, NO_SCANNER)
    return scanner.scan(file)
