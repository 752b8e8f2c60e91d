"""The production profile behind a real reverse proxy process on 127.0.0.1 (issue 11, item 5).

A small forwarding proxy (this file) listens on 127.0.0.2, terminates "TLS" the way nginx does
for us here (it adds X-Forwarded-Proto: https and X-Forwarded-For) and forwards to
`csphub serve` on 127.0.0.1. Before CSPHUB_TRUSTED_PROXIES, every request through it was
redirected to https forever. A client on 127.0.0.3 that sends the same headers itself must not
be believed."""

from __future__ import annotations

import http.client
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROXY, CLIENT = "127.0.0.2", "127.0.0.3"


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _proxy(upstream_port: int) -> ThreadingHTTPServer:
    class Forward(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30,
                                                  source_address=(PROXY, 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("x-forwarded-proto", "x-forwarded-for")}
            headers["X-Forwarded-Proto"] = "https"
            headers["X-Forwarded-For"] = self.client_address[0]
            upstream.request("GET", self.path, headers=headers)
            answer = upstream.getresponse()
            body = answer.read()
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((PROXY, _free_port(PROXY)), Forward)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def production(tmp_path):
    data = tmp_path / "data"
    port = _free_port("127.0.0.1")
    env = {**os.environ, "CSPHUB_ENV": "production", "CSPHUB_SECRET_KEY": "x" * 50, "CSPHUB_DATA_DIR": str(data),
           "DATABASE_URL": f"sqlite:///{data / 'csphub.sqlite3'}", "CSPHUB_TRUSTED_PROXIES": PROXY,
           "CSPHUB_ALLOWED_HOSTS": "127.0.0.1,127.0.0.2,csphub.test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    csphub = Path(sys.executable).parent / "csphub"
    process = subprocess.Popen([str(csphub), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proxy = _proxy(port)
    try:
        # A fresh production start migrates a new database first: ~25 s of CPU, and minutes when
        # the machine's two cores are shared with the rest of the suite. Give up at once if it exits.
        for _ in range(480):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"csphub serve stopped: {process.stderr.read()}")
                time.sleep(0.5)
        else:
            pytest.fail("csphub serve did not answer within 4 minutes")
        yield {"proxy": proxy.server_address, "server": ("127.0.0.1", port), "data": data}
    finally:
        proxy.shutdown()
        process.terminate()
        process.wait(timeout=30)


def _get(address: tuple[str, int], path: str, headers: dict[str, str] | None = None,
         source: str | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(*address, timeout=30, source_address=(source, 0) if source else None)
    connection.request("GET", path, headers={"Host": "csphub.test", **(headers or {})})
    answer = connection.getresponse()
    answer.read()
    return answer


def test_behind_the_proxy_pages_are_served_with_hsts_and_secure_cookies(production):
    page = _get(production["proxy"], "/login/")
    assert page.status == 200, page.getheaders()
    assert "max-age=31536000" in page.getheader("Strict-Transport-Security", "")
    cookies = [v for k, v in page.getheaders() if k.lower() == "set-cookie"]
    assert cookies and all("Secure" in c for c in cookies)
    assert "camera=()" in page.getheader("Permissions-Policy", "")
    api = _get(production["proxy"], "/api/v1/cases/")
    assert api.status == 401 and "no-store" in api.getheader("Cache-Control", "")


def test_a_client_that_claims_https_itself_is_not_believed(production):
    spoofed = _get(production["server"], "/login/", {"X-Forwarded-Proto": "https"}, source=CLIENT)
    assert spoofed.status == 301 and spoofed.getheader("Location", "").startswith("https://")


def test_the_data_directory_and_its_files_are_private(production):
    data = production["data"]
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files), \
        {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files}
