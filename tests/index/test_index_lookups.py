"""lookups.py: a transport looks each host up once, whatever the number of connections it
opens (issue 15: every new connection asked the resolver again, and a lost DNS answer
costs 5 s). A spy on `socket.getaddrinfo` counts the lookups; real loopback servers reached
as `localhost` count the connections."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from counting_server import CountingServer, counting_server
from index_server import IndexServer, Trickle
from wheelfit.errors import IndexUnreachable
from wheelfit.index.http import BodyTooLarge, Transport
from wheelfit.index.lookups import HostLookups

_REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def counting() -> Iterator[CountingServer]:
    # The delay: concurrent requests overlap, so each holds its own connection.
    with counting_server(b"x" * 5_000, delay=0.05) as server:
        yield server


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")


class _Spy:
    """`socket.getaddrinfo` that records its hosts; `before` runs first on each call."""

    def __init__(self, before: Callable[[int], None] | None = None) -> None:
        self.hosts: list[str] = []
        self._lock = threading.Lock()
        self._before = before

    def __call__(self, host: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.hosts.append(host)
            calls = len(self.hosts)
        if self._before is not None:
            self._before(calls)
        return _REAL_GETADDRINFO(host, *args, **kwargs)


def _spy(monkeypatch: pytest.MonkeyPatch, before: Callable[[int], None] | None = None) -> _Spy:
    spy = _Spy(before)
    monkeypatch.setattr(socket, "getaddrinfo", spy)
    return spy


def test_a_host_is_looked_up_once_for_several_connections(
    counting: CountingServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = _spy(monkeypatch)
    transport = Transport(retries=0)
    url = f"http://localhost:{counting.server_address[1]}/p"
    try:
        for _ in range(4):  # refused on its Content-Length, unread: the next one reconnects
            with pytest.raises(BodyTooLarge):
                transport.get(url, max_bytes=100)
        assert len(transport.get(url, max_bytes=10_000).body) == 5_000
    finally:
        transport.close()
    assert counting.accepted == 5
    assert spy.hosts == ["localhost"]


def test_concurrent_first_connections_wait_on_one_lookup(
    counting: CountingServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = _spy(monkeypatch, before=lambda _calls: time.sleep(1.0))
    transport = Transport(retries=0)
    url = f"http://localhost:{counting.server_address[1]}/p"
    callers = 5
    barrier = threading.Barrier(callers)
    bodies: list[int] = []

    def ask() -> None:
        barrier.wait()
        bodies.append(len(transport.get(url, max_bytes=10_000).body))

    threads = [threading.Thread(target=ask) for _ in range(callers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        transport.close()
    assert bodies == [5_000] * callers
    assert counting.accepted >= 2  # (each caller's own, unless one started very late)
    assert spy.hosts == ["localhost"]


def test_a_failed_lookup_is_reported_and_asked_again(
    counting: CountingServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lose_the_first(calls: int) -> None:
        if calls == 1:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    spy = _spy(monkeypatch, before=lose_the_first)
    transport = Transport(retries=0)
    url = f"http://localhost:{counting.server_address[1]}/p"
    try:
        with pytest.raises(IndexUnreachable, match=r"localhost:\d+/p: connection failed "
                           r"\(Temporary failure in name resolution\)"):
            transport.get(url, max_bytes=10_000)
        assert len(transport.get(url, max_bytes=10_000).body) == 5_000
    finally:
        transport.close()
    assert spy.hosts == ["localhost", "localhost"]


def test_callers_waiting_on_a_failed_lookup_get_its_error() -> None:
    lookups = HostLookups()
    started = threading.Event()
    errors: list[BaseException] = []

    def slow_failure(*_args: Any) -> Any:
        started.set()
        time.sleep(1.0)  # the second caller comes while this one asks
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    def ask() -> None:
        try:
            lookups.addresses("host.invalid", 80, socket.AF_UNSPEC)
        except socket.gaierror as exc:
            errors.append(exc)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", slow_failure)
        first = threading.Thread(target=ask)
        first.start()
        started.wait(5)
        second = threading.Thread(target=ask)
        second.start()
        first.join()
        second.join()
    assert [str(e) for e in errors] == ["[Errno -2] Name or service not known"] * 2
    assert lookups.asked == 1


def test_lookups_are_not_kept_by_a_new_transport(
    counting: CountingServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = _spy(monkeypatch)
    url = f"http://localhost:{counting.server_address[1]}/p"
    for _ in range(2):
        transport = Transport(retries=0)
        try:
            transport.get(url, max_bytes=10_000)
        finally:
            transport.close()
    assert spy.hosts == ["localhost", "localhost"]


def test_a_proxied_request_does_not_look_up_the_far_host(
    server: IndexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.base.replace("127.0.0.1", "localhost"))
    server.route("http://index.invalid/simple/p/", b"via proxy")
    spy = _spy(monkeypatch)
    transport = Transport(retries=0)
    try:
        assert transport.get("http://index.invalid/simple/p/", max_bytes=100).body == (
            b"via proxy")
    finally:
        transport.close()
    assert "index.invalid" not in spy.hosts
    assert "localhost" in spy.hosts


def test_the_deadline_still_shuts_a_connection_made_through_the_lookup(
    server: IndexServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/p", b"x" * 100_000)
    server.fault("/p", Trickle(interval=0.05))
    spy = _spy(monkeypatch)
    transport = Transport(retries=0, timeout=0.5)  # deadline: 4 x 0.5 s
    started = time.monotonic()
    try:
        with pytest.raises(IndexUnreachable, match="no complete answer within 2 s"):
            transport.get(server.url("/p").replace("127.0.0.1", "localhost"),
                          max_bytes=1_000_000)
    finally:
        transport.close()
    assert time.monotonic() - started < 10
    assert spy.hosts == ["localhost"]
