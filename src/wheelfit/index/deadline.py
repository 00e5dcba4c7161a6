"""Wall-clock deadlines for requests that hold while a server trickles bytes.

A socket timeout only bounds the wait between two reads: a server that sends one header line
or one body byte a second never trips it. `WATCHDOG.scope(seconds)` opens a deadline for the
calling thread; every urllib3 connection that sends a request inside it is attached to it (by
the pools `watch()` prepares), and when the deadline passes a single watchdog thread
shuts those sockets down. The blocked read then fails at once and the transport reports the
deadline (`Scope.expired`) instead of a broken connection.

Connections go back to the pool detached, so a kept-alive connection reused by another
request is never shut down for an earlier one's deadline.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# How often an expired scope's connections are shut again: one may connect (and so get its
# socket) after the deadline passed.
_RECHECK_SECONDS = 0.2


class Scope:
    """One request's deadline and the connections it is using."""

    __slots__ = ("at", "conns", "done", "expired", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.conns: list[object] = []
        self.done = False
        self.expired = False


class Watchdog:
    """Shuts the sockets of requests whose deadline passed (one daemon thread, started at
    the first scope)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Scope]] = []
        self._expired: list[Scope] = []
        self._owner: dict[int, Scope] = {}
        self._order = itertools.count()
        self._local = threading.local()
        self._thread: threading.Thread | None = None

    @contextmanager
    def scope(self, seconds: float) -> Iterator[Scope]:
        """A deadline `seconds` from now for the requests this thread sends inside."""
        scope = Scope(seconds)
        outer = getattr(self._local, "scope", None)
        with self._cond:
            # The watchdog sleeps until the earliest deadline: wake it only when this one
            # comes first (deadlines of one length never do), not at every request.
            earliest = not self._heap or scope.at < self._heap[0][0]
            heapq.heappush(self._heap, (scope.at, next(self._order), scope))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="wheelfit-deadline", daemon=True
                )
                self._thread.start()
            elif earliest:
                self._cond.notify()
        self._local.scope = scope
        try:
            yield scope
        finally:
            self._local.scope = outer
            with self._cond:
                scope.done = True
                for conn in scope.conns:
                    self._owner.pop(id(conn), None)
                scope.conns.clear()

    def attach(self, conn: object) -> None:
        """Bind `conn` to the calling thread's scope (no scope: nothing to do)."""
        scope: Scope | None = getattr(self._local, "scope", None)
        if scope is None:
            return
        with self._cond:
            if scope.done:
                return
            previous = self._owner.get(id(conn))
            if previous is not None and conn in previous.conns:
                previous.conns.remove(conn)
            self._owner[id(conn)] = scope
            scope.conns.append(conn)
            if scope.expired:
                _shut(conn)

    def detach(self, conn: object) -> None:
        """`conn` goes back to its pool: no deadline applies to it any more."""
        with self._cond:
            scope = self._owner.pop(id(conn), None)
            if scope is not None and conn in scope.conns:
                scope.conns.remove(conn)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._heap and (self._heap[0][2].done or self._heap[0][0] <= now):
                    _at, _n, scope = heapq.heappop(self._heap)
                    if not scope.done:
                        scope.expired = True
                        self._expired.append(scope)
                self._expired = [s for s in self._expired if not s.done]
                for scope in self._expired:
                    for conn in scope.conns:
                        _shut(conn)
                wait = self._heap[0][0] - now if self._heap else None
                if self._expired:
                    wait = _RECHECK_SECONDS if wait is None else min(wait, _RECHECK_SECONDS)
                self._cond.wait(wait)


def _shut(conn: object) -> None:
    """Shut the connection's socket down for reading and writing (a blocked `recv` in the
    requesting thread returns at once); the requesting thread closes it."""
    sock: Any = getattr(conn, "sock", None)
    raw = sock if isinstance(sock, socket.socket) else getattr(sock, "socket", None)
    if not isinstance(raw, socket.socket):
        return
    # The base class's shutdown: an SSLSocket's own would drop its TLS state while the other
    # thread is still reading through it. OSError: not connected yet, or already closed.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(raw, socket.SHUT_RDWR)


WATCHDOG = Watchdog()


def watch(manager: Any) -> None:
    """Make the pools of a urllib3 `PoolManager` (or `ProxyManager`) attach each request's
    connection to the calling thread's deadline scope."""
    manager.pool_classes_by_scheme = {
        scheme: _watched_pool(cls) for scheme, cls in manager.pool_classes_by_scheme.items()
    }


_POOLS: dict[Any, Any] = {}


def _watched_pool(cls: Any) -> Any:
    if getattr(cls, "_wheelfit_watched", False):
        return cls
    found = _POOLS.get(cls)
    if found is None:

        def _make_request(self: Any, conn: Any, *args: Any, **kwargs: Any) -> Any:
            WATCHDOG.attach(conn)
            return cls._make_request(self, conn, *args, **kwargs)

        def _put_conn(self: Any, conn: Any) -> None:
            if conn is not None:
                WATCHDOG.detach(conn)
            cls._put_conn(self, conn)

        found = type(f"Watched{cls.__name__}", (cls,), {
            "_wheelfit_watched": True, "_make_request": _make_request, "_put_conn": _put_conn,
        })
        _POOLS[cls] = found
    return found
