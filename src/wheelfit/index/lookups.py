"""Each host of a run looked up once: one `getaddrinfo` shared by every connection.

urllib3 opens each new connection through `socket.create_connection`, which asks the
resolver again every time; a cold run opens a few dozen connections to two hosts, and on a
machine whose resolver loses an answer now and then each lost answer costs its 5-s retry.
`HostLookups` keeps the addresses of each (host, port, family) for one transport: the first
connection asks, connections that come while it is asking wait for that one answer, and the
rest reuse it. A failed lookup is not kept (the next connection asks again); the callers that
waited on it get the same error. Nothing outlives the transport (`clear()` at its close).

`resolve_through(manager, lookups)` gives a urllib3 `PoolManager`'s pools connections that
connect through the shared answer. Only where the socket connects changes: addresses are
tried in the resolver's order with the same timeout and socket options (the first that
connects wins), the TLS server name and certificate check still use the URL's host, and
errors are urllib3's own (`NameResolutionError`, `ConnectTimeoutError`,
`NewConnectionError`). Proxied connections are left as urllib3 makes them.
"""

from __future__ import annotations

import copy
import socket
import sys
import threading
from typing import Any

_AddrInfo = tuple[Any, ...]


class _Asking:
    """A lookup in flight: its answer or error, and an event set when it has one."""

    __slots__ = ("done", "error", "found")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.found: list[_AddrInfo] = []
        self.error: BaseException | None = None


class HostLookups:
    """The addresses of one transport's hosts (thread-safe); `asked` counts the lookups
    actually sent to the resolver."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[tuple[str, int, int], list[_AddrInfo]] = {}
        self._asking: dict[tuple[str, int, int], _Asking] = {}
        self.asked = 0

    def addresses(self, host: str, port: int, family: int) -> list[_AddrInfo]:
        """`socket.getaddrinfo(host, port, family, SOCK_STREAM)`, asked once per key while
        it succeeds; raises what it raises."""
        key = (host, port, family)
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                return found
            asking = self._asking.get(key)
            mine = asking is None
            if asking is None:
                asking = self._asking[key] = _Asking()
                self.asked += 1
        if not mine:
            asking.done.wait()
            if asking.error is not None:
                raise copy.copy(asking.error)
            return asking.found
        try:
            answer = list(socket.getaddrinfo(host, port, family, socket.SOCK_STREAM))
        except BaseException as exc:
            asking.error = exc
            with self._lock:
                del self._asking[key]
            asking.done.set()
            raise
        asking.found = answer
        with self._lock:
            self._found[key] = answer
            del self._asking[key]
        asking.done.set()
        return answer

    def clear(self) -> None:
        """Forget every answer (the transport closes)."""
        with self._lock:
            self._found.clear()


def connect(
    lookups: HostLookups,
    address: tuple[str, int],
    timeout: Any,
    source_address: tuple[str, int] | None,
    socket_options: Any,
) -> socket.socket:
    """urllib3's `create_connection` with the addresses from `lookups`: each tried in turn,
    the first that connects returned; the last error raised when none does."""
    from urllib3.exceptions import LocationParseError
    from urllib3.util.connection import allowed_gai_family
    from urllib3.util.timeout import _DEFAULT_TIMEOUT

    host, port = address
    if host.startswith("["):
        host = host.strip("[]")
    try:
        host.encode("idna")
    except UnicodeError:
        raise LocationParseError(f"'{host}', label empty or too long") from None
    failed: OSError | None = None
    for family, kind, proto, _name, where in lookups.addresses(host, port, allowed_gai_family()):
        sock = None
        try:
            sock = socket.socket(family, kind, proto)
            for option in socket_options or ():
                sock.setsockopt(*option)
            if timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(where)
            return sock
        except OSError as exc:
            failed = exc
            if sock is not None:
                sock.close()
    if failed is not None:
        raise failed
    raise OSError("getaddrinfo returns an empty list")


def resolve_through(manager: Any, lookups: HostLookups) -> None:
    """Make the pools of a urllib3 `PoolManager` (not a proxy's) open their connections
    through `lookups`."""
    manager.pool_classes_by_scheme = {
        scheme: _pool_class(cls, lookups)
        for scheme, cls in manager.pool_classes_by_scheme.items()
    }


def _pool_class(pool: Any, lookups: HostLookups) -> Any:
    base = pool.ConnectionCls

    def _new_conn(self: Any) -> socket.socket:
        from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

        try:
            sock = connect(lookups, (self._dns_host, self.port), self.timeout,
                           self.source_address, self.socket_options)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        except TimeoutError as exc:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out. "
                                            f"(connect timeout={self.timeout})") from exc
        except OSError as exc:
            raise NewConnectionError(
                self, f"Failed to establish a new connection: {exc}") from exc
        sys.audit("http.client.connect", self, self.host, self.port)
        return sock

    connection = type(f"Resolving{base.__name__}", (base,), {"_new_conn": _new_conn})
    return type(f"Resolving{pool.__name__}", (pool,), {"ConnectionCls": connection})
