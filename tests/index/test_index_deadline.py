"""deadline.py: the watchdog shuts a request's sockets at its deadline, and only its own."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from wheelfit.index.deadline import Watchdog


@dataclass
class Conn:
    """What the watchdog needs of a urllib3 connection: its socket."""

    sock: socket.socket | None


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    ours.settimeout(10)
    try:
        yield ours, theirs
    finally:
        ours.close()
        theirs.close()


def test_a_blocked_read_returns_at_the_deadline(pair: tuple[socket.socket, socket.socket]) -> None:
    ours, _theirs = pair
    watchdog = Watchdog()
    started = time.monotonic()
    with watchdog.scope(0.3) as scope:
        watchdog.attach(Conn(ours))
        assert ours.recv(1) == b""  # shut down: EOF instead of waiting 10 s
    assert scope.expired
    assert time.monotonic() - started < 5


def test_a_connection_back_in_its_pool_is_left_alone(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    ours, theirs = pair
    watchdog = Watchdog()
    conn = Conn(ours)
    with watchdog.scope(0.1) as scope:
        watchdog.attach(conn)
        watchdog.detach(conn)
        time.sleep(0.5)
    assert scope.expired
    theirs.sendall(b"x")
    assert ours.recv(1) == b"x"


def test_a_scope_that_ends_in_time_does_not_expire(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    ours, theirs = pair
    watchdog = Watchdog()
    with watchdog.scope(0.3) as scope:
        watchdog.attach(Conn(ours))
    time.sleep(0.6)
    assert not scope.expired
    theirs.sendall(b"x")
    assert ours.recv(1) == b"x"


def test_a_socket_made_after_the_deadline_is_shut_too(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    ours, _theirs = pair
    watchdog = Watchdog()
    conn = Conn(None)  # not connected yet when the deadline passes
    with watchdog.scope(0.1) as scope:
        watchdog.attach(conn)
        time.sleep(0.3)
        conn.sock = ours
        assert ours.recv(1) == b""
    assert scope.expired


def test_attach_outside_a_scope_does_nothing(pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    Watchdog().attach(Conn(ours))
    theirs.sendall(b"x")
    assert ours.recv(1) == b"x"


def test_a_shorter_deadline_opened_later_still_expires_on_time(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    """The watchdog is woken only for a deadline earlier than all it waits for."""
    ours, _theirs = pair
    watchdog = Watchdog()
    started = time.monotonic()
    with watchdog.scope(30) as long_one, watchdog.scope(0.3) as short_one:
        watchdog.attach(Conn(ours))
        assert ours.recv(1) == b""
    assert short_one.expired and not long_one.expired
    assert time.monotonic() - started < 10


def test_a_later_deadline_does_not_wake_the_watchdog() -> None:
    watchdog = Watchdog()
    woken: list[int] = []
    notify = watchdog._cond.notify

    def counting(n: int = 1) -> None:
        woken.append(n)
        notify(n)

    watchdog._cond.notify = counting  # type: ignore[method-assign]
    with watchdog.scope(5), watchdog.scope(1), watchdog.scope(6), watchdog.scope(7):
        pass
    assert len(woken) == 1  # the 1 s deadline; the first started the thread
