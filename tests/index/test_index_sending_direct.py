"""The transport on urllib3's pools (sending.py, bodies.py) against real loopback servers:
kept-alive connections are reused, unread ones are not, gzip is decoded under the cap, URLs
are encoded and credentials sent as requests did."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from ca_loads import count_ca_loads
from counting_server import CountingServer, counting_server
from index_server import IndexServer
from wheelfit.errors import IndexResponseError
from wheelfit.index.http import BodyTooLarge, Transport


@pytest.fixture
def counting() -> Iterator[CountingServer]:
    with counting_server(b"x" * 200_000) as server:
        yield server


def test_a_connection_is_reused_after_a_whole_body(counting: CountingServer) -> None:
    transport = Transport(retries=0)
    url = f"http://127.0.0.1:{counting.server_address[1]}/p"
    for _ in range(5):
        assert len(transport.get(url, max_bytes=10**6).body) == 200_000
    transport.close()
    assert counting.accepted == 1


def test_a_connection_left_with_unread_bytes_is_not_reused(counting: CountingServer) -> None:
    transport = Transport(retries=0)
    url = f"http://127.0.0.1:{counting.server_address[1]}/p"
    with pytest.raises(BodyTooLarge):
        transport.get(url, max_bytes=100_000)  # refused on its Content-Length, unread
    assert len(transport.get(url, max_bytes=10**6).body) == 200_000
    transport.close()
    assert counting.accepted == 2


def test_gzip_bodies_are_decoded(server: IndexServer) -> None:
    server.route("/p", gzip.compress(b"page " * 1000), headers={"Content-Encoding": "gzip"})
    answer = Transport(retries=0).get(server.url("/p"), max_bytes=10_000)
    assert answer.body == b"page " * 1000
    assert server.hits_for("/p")[0].headers["accept-encoding"] == "gzip, deflate"


def test_a_gzip_bomb_is_cut_at_the_cap(server: IndexServer) -> None:
    server.route("/p", gzip.compress(bytes(20 * 2**20), 9), headers={"Content-Encoding": "gzip"})
    with pytest.raises(BodyTooLarge, match="larger than 100000 bytes"):
        Transport(retries=0).get(server.url("/p"), max_bytes=100_000)


def test_a_broken_gzip_body_is_an_undecodable_answer(server: IndexServer) -> None:
    server.route("/p", b"\x1f\x8b\x08 broken" * 50, headers={"Content-Encoding": "gzip"})
    with pytest.raises(IndexResponseError, match="undecodable body"):
        Transport(retries=0).get(server.url("/p"), max_bytes=100_000)


def test_unsafe_characters_of_a_path_are_percent_encoded(server: IndexServer) -> None:
    server.route("/a%20b/%C3%A9.whl", b"ok")
    assert Transport(retries=0).get(server.url("/a b/é.whl"), max_bytes=10).body == b"ok"


def test_the_fragment_is_not_sent(server: IndexServer) -> None:
    server.route("/f.whl", b"ok")
    assert Transport(retries=0).get(server.url("/f.whl#sha256=ab"), max_bytes=10).body == b"ok"


def test_credentials_of_a_file_url_are_sent_as_basic_auth(
    server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page may link files with `user:token@` of their own: they are used, as requests did."""
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    server.route("/f.whl", b"ok")
    Transport(retries=0).get(f"http://bob:t0ken@127.0.0.1:{server.port}/f.whl", max_bytes=10)
    sent = server.hits_for("/f.whl")[0].headers["authorization"]
    assert sent == "Basic " + base64.b64encode(b"bob:t0ken").decode()


def test_netrc_wins_over_credentials_in_a_file_url(
    server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests' order: explicit credentials, the session's, netrc's, then the URL's own."""
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login alice password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    server.route("/f.whl", b"ok")
    Transport(retries=0).get(f"http://bob:t0ken@127.0.0.1:{server.port}/f.whl", max_bytes=10)
    sent = server.hits_for("/f.whl")[0].headers["authorization"]
    assert sent == "Basic " + base64.b64encode(b"alice:s3cret").decode()


def test_plain_http_parses_no_ca_bundle(
    server: IndexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CA bundle is parsed for the first HTTPS origin only (~25 ms of CPU)."""
    loads = count_ca_loads(monkeypatch)
    server.route("/p", b"ok")
    assert Transport(retries=0).get(server.url("/p"), max_bytes=10).body == b"ok"
    assert loads == []


def test_a_stream_read_to_its_end_leaves_its_connection_for_reuse(counting: CountingServer) -> None:
    transport = Transport(retries=0)
    url = f"http://127.0.0.1:{counting.server_address[1]}/s.tar.gz"
    with transport.stream(url, max_bytes=10**6) as chunks:
        assert sum(map(len, chunks)) == 200_000
    assert len(transport.get(url, max_bytes=10**6).body) == 200_000
    transport.close()
    assert counting.accepted == 1


def test_a_stream_left_early_closes_its_connection(counting: CountingServer) -> None:
    transport = Transport(retries=0)
    url = f"http://127.0.0.1:{counting.server_address[1]}/s.tar.gz"
    with transport.stream(url, max_bytes=10**6) as chunks:
        next(chunks)
    assert len(transport.get(url, max_bytes=10**6).body) == 200_000
    transport.close()
    assert counting.accepted == 2
