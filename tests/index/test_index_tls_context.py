"""The transport builds one TLS context per CA location, not one per connection (issue 15:
urllib3 parsed the whole CA bundle for each new connection, ~25 ms of CPU each), and still
verifies: an untrusted certificate or a wrong host name is refused.

A real HTTPS server on 127.0.0.1 with a self-signed certificate made by the `openssl` tool;
every answer closes its connection, so each request opens (and verifies) a new one."""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ca_loads import count_ca_loads
from wheelfit.errors import IndexUnreachable
from wheelfit.index.http import Transport

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def _certificate(directory: Path, name: str, host: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "2", "-subj", f"/CN={host}", "-addext",
         f"subjectAltName=DNS:{host}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


class _Closing(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"hello " + self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    """(port, the server's certificate, another certificate it does not have)."""
    cert, key = _certificate(tmp_path, "server", "localhost")
    other, _ = _certificate(tmp_path, "other", "localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Closing)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], cert, other
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The transport's CA comes from SSL_CERT_FILE alone (requests' own variables unset)."""
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_DIR", "HTTPS_PROXY",
                     "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    yield


def test_connections_share_one_context(https_server: tuple[int, Path, Path], trusting: None,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    port, cert, _other = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    loads = count_ca_loads(monkeypatch)
    transport = Transport(retries=0)
    try:
        bodies = [transport.get(f"https://localhost:{port}/p{n}", max_bytes=1000).body
                  for n in range(4)]
    finally:
        transport.close()
    assert bodies == [f"hello /p{n}".encode() for n in range(4)]
    assert len(loads) == 1  # four connections, the CA file parsed once


def test_an_untrusted_certificate_is_refused(https_server: tuple[int, Path, Path],
                                             trusting: None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    port, _cert, other = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(other))
    transport = Transport(retries=0)
    try:
        with pytest.raises(IndexUnreachable, match="TLS error"):
            transport.get(f"https://localhost:{port}/p", max_bytes=1000)
    finally:
        transport.close()


def test_a_wrong_host_name_is_refused(https_server: tuple[int, Path, Path], trusting: None,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    port, cert, _other = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    transport = Transport(retries=0)
    try:
        with pytest.raises(IndexUnreachable, match="TLS error"):
            transport.get(f"https://127.0.0.1:{port}/p", max_bytes=1000)
    finally:
        transport.close()


def test_connections_through_one_lookup_still_check_the_host_name(
        https_server: tuple[int, Path, Path], trusting: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    port, cert, _other = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    hosts: list[str] = []
    real = socket.getaddrinfo

    def spy(host: str, *args: Any, **kwargs: Any) -> Any:
        hosts.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", spy)
    transport = Transport(retries=0)
    try:
        bodies = [transport.get(f"https://localhost:{port}/p{n}", max_bytes=1000).body
                  for n in range(3)]
        with pytest.raises(IndexUnreachable, match="TLS error"):  # the name, not the address
            transport.get(f"https://127.0.0.1:{port}/p", max_bytes=1000)
    finally:
        transport.close()
    assert bodies == [f"hello /p{n}".encode() for n in range(3)]
    assert hosts == ["localhost", "127.0.0.1"]  # three connections, one lookup
