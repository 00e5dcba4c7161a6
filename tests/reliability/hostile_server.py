"""A hostile package index on 127.0.0.1 for the hostile-input tests (issue 18).

`HostileIndex` is an `IndexServer` (tests/index_server.py: routes, faults, a request
log) where a path can also be answered by an *attack*: any callable that gets the request
handler and writes whatever it likes to `handler.wfile` (a raw socket file). Attacks run in
the server's handler threads and stop when the client hangs up or the server stops.

Adding a mode: write a small dataclass with `__call__(self, handler, stop)` (or a function)
and either `index.attack(path, mode)` for a raw answer, or publish ordinary hostile files
with `index_builders.publish` (an HTML bomb is a `Route` body, a pax-header sdist a file).
`MODES` lists the modes the command line serves: `PYTHONPATH=tests python
tests/reliability/hostile_server.py` prints the index URL and serves every mode as a project
of that name, for measuring the real CLI by hand (docs/reliability.md, "Hostile inputs,
round 2 — network").
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import cast

from index_builders import metadata, publish, wheel, wheel_name
from index_server import Hit, IndexServer

# An attack writes a raw answer; `stop` is set when the server shuts down.
Attack = Callable[[BaseHTTPRequestHandler, threading.Event], None]


@dataclass(frozen=True)
class BodyTrickle:
    """Promise `length` bytes, then send one every `interval` seconds."""

    length: int = 100_000
    interval: float = 1.0
    content_type: str = "application/vnd.pypi.simple.v1+json"

    def __call__(self, handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        _write(handler, (f"HTTP/1.1 200 OK\r\nContent-Type: {self.content_type}\r\n"
                         f"Content-Length: {self.length}\r\n\r\n").encode())
        for _ in range(self.length):
            if stop.wait(self.interval) or not _write(handler, b" "):
                return


@dataclass(frozen=True)
class HeaderTrickle:
    """Send the status line, then one more header line every `interval` seconds, forever."""

    interval: float = 1.0

    def __call__(self, handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        if not _write(handler, b"HTTP/1.1 200 OK\r\n"):
            return
        count = 0
        while not stop.wait(self.interval):
            count += 1
            if not _write(handler, f"X-Trickle-{count}: {'x' * 20}\r\n".encode()):
                return


@dataclass(frozen=True)
class RetryAfter:
    """Answer `status` with `Retry-After: seconds` every time."""

    seconds: str = "99999"
    status: int = 429

    def __call__(self, handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        body = b"slow down"
        _write(handler, (f"HTTP/1.1 {self.status} Too Many Requests\r\nRetry-After: "
                         f"{self.seconds}\r\nContent-Type: text/plain\r\n"
                         f"Content-Length: {len(body)}\r\n\r\n").encode() + body)


def _write(handler: BaseHTTPRequestHandler, data: bytes) -> bool:
    """Write and flush; False once the client has gone."""
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
    except OSError:
        return False
    return True


class HostileIndex(IndexServer):
    """`IndexServer` plus `attack(path, mode)`: paths answered by an attack."""

    def __init__(self) -> None:
        super().__init__()
        self.attacks: dict[str, Attack] = {}
        self.stopping = threading.Event()
        base = cast(type[BaseHTTPRequestHandler], self.httpd.RequestHandlerClass)
        self.httpd.RequestHandlerClass = _hostile_handler(self, base)

    @property
    def index_url(self) -> str:
        """The simple index's base URL."""
        return self.url("/simple")

    def attack(self, path: str, mode: Attack) -> None:
        """Answer `path` (e.g. `/simple/trickle/`) with `mode`."""
        self.attacks[path] = mode

    def stop(self) -> None:
        self.stopping.set()
        super().stop()


def _hostile_handler(
    index: HostileIndex, base: type[BaseHTTPRequestHandler]
) -> type[BaseHTTPRequestHandler]:
    class Handler(base):  # type: ignore[valid-type,misc]
        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            mode = index.attacks.get(path)
            if mode is None:
                super().do_GET()
                return
            with index.lock:
                index.hits.append(Hit("GET", path, {k.lower(): v for k, v in self.headers.items()}))
            self.close_connection = True
            mode(self, index.stopping)

    return Handler


# --- the modes, as projects ---------------------------------------------------------------------


def fanout(index: IndexServer, name: str = "fanout", count: int = 20_000) -> None:
    """A wheel whose METADATA (served as a PEP 658 file) lists `count` dependencies, none of
    which exists on the index."""
    meta = metadata(name, "1.0", requires=[f"{name}-dep-{i}" for i in range(count)])
    filename = wheel_name(name, "1.0")
    publish(index, name, {filename: wheel(name, "1.0", meta)}, meta={filename: meta})


def healthy(index: IndexServer, name: str = "healthy") -> None:
    """An ordinary pure wheel with no dependencies."""
    meta = metadata(name, "1.0")
    filename = wheel_name(name, "1.0")
    publish(index, name, {filename: wheel(name, "1.0", meta)}, meta={filename: meta})


def serve_page(mode: Attack) -> Callable[[HostileIndex, str], None]:
    """A mode that answers the project page of `name` with `mode`."""
    return lambda index, name: index.attack(f"/simple/{name}/", mode)


MODES: dict[str, Callable[[HostileIndex, str], None]] = {
    "healthy": healthy,
    "trickle-body": serve_page(BodyTrickle()),
    "trickle-headers": serve_page(HeaderTrickle()),
    "retry-after": serve_page(RetryAfter()),
    "fanout": fanout,
}


def start(modes: Sequence[str] = tuple(MODES)) -> HostileIndex:
    """A started hostile index serving each mode as a project of the same name."""
    index = HostileIndex()
    for name in modes:
        MODES[name](index, name)
    index.start()
    return index


if __name__ == "__main__":
    served = start(sys.argv[1:] or tuple(MODES))
    print(served.index_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        served.stop()
