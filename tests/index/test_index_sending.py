"""sending.py: the environment requests' `trust_env` handling reads (proxies, NO_PROXY,
netrc, CA bundle variables) still applies, and is looked up once per origin, not once per
request (issue 15: ~175 reads of `os.environ` per request). Real loopback servers: one
plays the index, another an HTTP proxy (it answers absolute-form request lines)."""

from __future__ import annotations

import base64
import socket
from pathlib import Path

import pytest
import requests.utils

from index_server import IndexServer
from wheelfit.errors import IndexUnreachable
from wheelfit.index.http import Transport
from wheelfit.index.sending import Sender

PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY",
                   "all_proxy", "NO_PROXY", "no_proxy")
FAR = "http://index.invalid/simple/p/"


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in (*PROXY_VARIABLES, "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE",
                 "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    return monkeypatch


@pytest.fixture
def unused_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_http_proxy_from_the_environment_carries_the_request(
    clean_environment: pytest.MonkeyPatch, other_server: IndexServer
) -> None:
    other_server.route(FAR, b"via proxy")
    clean_environment.setenv("HTTP_PROXY", other_server.base)
    answer = Transport(retries=0).get(FAR, max_bytes=100)
    assert answer.body == b"via proxy"
    assert len(other_server.hits_for(FAR)) == 1


def test_no_proxy_sends_the_host_directly(
    clean_environment: pytest.MonkeyPatch, server: IndexServer, other_server: IndexServer
) -> None:
    server.route("/p", b"direct")
    clean_environment.setenv("HTTP_PROXY", other_server.base)
    clean_environment.setenv("NO_PROXY", "127.0.0.1")
    assert Transport(retries=0).get(server.url("/p"), max_bytes=100).body == b"direct"
    assert other_server.hits == []


def test_proxy_credentials_go_to_the_proxy(
    clean_environment: pytest.MonkeyPatch, other_server: IndexServer
) -> None:
    other_server.route(FAR, b"via proxy")
    clean_environment.setenv("HTTP_PROXY", f"http://bob:s3cret@127.0.0.1:{other_server.port}")
    Transport(retries=0).get(FAR, max_bytes=100)
    assert other_server.hits_for(FAR)[0].headers["proxy-authorization"] == _basic("bob", "s3cret")


def test_an_unreachable_proxy_is_reported_without_its_password(
    clean_environment: pytest.MonkeyPatch, unused_port: int
) -> None:
    clean_environment.setenv("HTTP_PROXY", f"http://bob:s3cret@127.0.0.1:{unused_port}")
    with pytest.raises(IndexUnreachable) as caught:
        Transport(retries=0).get(FAR, max_bytes=100)
    assert "s3cret" not in str(caught.value)
    assert "index.invalid" in str(caught.value)


def test_netrc_credentials_are_sent_to_their_host(
    clean_environment: pytest.MonkeyPatch, server: IndexServer, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login bob password s3cret\n")
    netrc.chmod(0o600)
    clean_environment.setenv("NETRC", str(netrc))
    server.route("/p", b"ok")
    Transport(retries=0).get(server.url("/p"), max_bytes=100)
    assert server.hits_for("/p")[0].headers["authorization"] == _basic("bob", "s3cret")


def test_credentials_of_the_index_url_win_over_netrc(
    clean_environment: pytest.MonkeyPatch, server: IndexServer, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login bob password s3cret\n")
    netrc.chmod(0o600)
    clean_environment.setenv("NETRC", str(netrc))
    server.route("/p", b"ok")
    transport = Transport(retries=0)
    clean = transport.add_credentials(f"http://alice:token@127.0.0.1:{server.port}/p")
    transport.get(clean, max_bytes=100)
    assert server.hits_for("/p")[0].headers["authorization"] == _basic("alice", "token")


def test_the_environment_is_looked_up_once_per_origin(
    clean_environment: pytest.MonkeyPatch, server: IndexServer, other_server: IndexServer
) -> None:
    looked_up: list[str] = []
    original = requests.utils.get_environ_proxies

    def counting(url: str, no_proxy: str | None = None) -> dict[str, str]:
        looked_up.append(url)
        return original(url, no_proxy)

    clean_environment.setattr(requests.utils, "get_environ_proxies", counting)
    for path in ("/a", "/b"):
        server.route(path, b"ok")
        other_server.route(path, b"ok")
    transport = Transport(retries=0)
    for _round in range(5):
        for path in ("/a", "/b"):
            transport.get(server.url(path), max_bytes=100)
            transport.get(other_server.url(path), max_bytes=100)
    assert sorted(looked_up) == sorted([server.url("/a"), other_server.url("/a")])


def test_requests_ca_bundle_wins_over_ssl_cert_file(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("a.pem", "b.pem"):
        (tmp_path / name).write_text("")
    clean_environment.setenv("SSL_CERT_FILE", str(tmp_path / "a.pem"))
    clean_environment.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "b.pem"))
    route = Sender(Transport().session).route("https://pypi.org/simple/")
    assert route.verify == str(tmp_path / "b.pem")


def test_ssl_cert_file_is_the_bundle_without_requests_variables(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a.pem").write_text("")
    clean_environment.setenv("SSL_CERT_FILE", str(tmp_path / "a.pem"))
    route = Sender(Transport().session).route("https://pypi.org/simple/")
    assert route.verify == str(tmp_path / "a.pem")


def test_https_proxy_is_the_route_of_https_urls(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    route = Sender(Transport().session).route("https://pypi.org/simple/")
    assert route.proxies["https"] == "http://proxy.example:3128"


def test_no_proxy_takes_https_hosts_off_the_proxy(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    clean_environment.setenv("NO_PROXY", "pypi.org")
    assert Sender(Transport().session).route("https://pypi.org/simple/").proxies == {}
