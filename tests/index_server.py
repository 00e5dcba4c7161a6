"""A real HTTP server on 127.0.0.1 for the index tests, with switchable faults.

`IndexServer` serves `Route`s (bytes + headers, optional ETag revalidation and Range
support) and, per path, a queue of one-shot faults consumed by successive requests
(`server.fault("/simple/foo/", Status(503), Status(503))` fails twice, then serves the
route). Every request is logged in `server.hits` with its headers (lower-case keys).
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass
class Route:
    """What a path answers when no fault is queued."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    ranges: bool = True
    # Send no Content-Length and close the connection after the body.
    close_delimited: bool = False


@dataclass(frozen=True)
class Hit:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Status:
    """Answer with this status (and headers), empty-ish body."""

    code: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b"error"


@dataclass(frozen=True)
class Slow:
    """Sleep this long before answering (beyond the client's timeout)."""

    seconds: float


@dataclass(frozen=True)
class Reset:
    """Promise the whole body, send a few bytes, then reset the connection."""


@dataclass(frozen=True)
class Trickle:
    """Promise the route's whole body, then send it one byte every `interval` seconds."""

    interval: float


Fault = Status | Slow | Reset | Trickle


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (caps, resets) are expected; don't print tracebacks."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class IndexServer:
    """Routes, queued faults and a request log; see the module docstring."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.httpd = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, body: bytes = b"", **kwargs: object) -> Route:
        route = Route(body=body, **kwargs)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def fault(self, path: str, *faults: Fault) -> None:
        with self.lock:
            self.faults.setdefault(path, []).extend(faults)

    def hits_for(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def _next_fault(self, path: str) -> Fault | None:
        with self.lock:
            queue = self.faults.get(path)
            return queue.pop(0) if queue else None


def _make_handler(server: IndexServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            with server.lock:
                server.hits.append(
                    Hit("GET", path, {k.lower(): v for k, v in self.headers.items()})
                )
            fault = server._next_fault(path)
            if isinstance(fault, Slow):
                time.sleep(fault.seconds)
            elif isinstance(fault, Status):
                self._send(fault.code, fault.body, dict(fault.headers), "text/plain")
                return
            elif isinstance(fault, Reset):
                self._reset(server.routes.get(path, Route(body=b"x" * 4096)))
                return
            elif isinstance(fault, Trickle):
                self._trickle(server.routes.get(path, Route(body=b"x" * 4096)), fault.interval)
                return
            route = server.routes.get(path)
            if route is None:
                self._send(404, b"not found", {}, "text/plain")
                return
            self._serve(route)

        def _serve(self, route: Route) -> None:
            headers = dict(route.headers)
            if route.etag is not None:
                headers["ETag"] = route.etag
                if self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", headers, None)
                    return
            body, status = route.body, route.status
            wanted = self.headers.get("Range")
            match = _RANGE.match(wanted or "")
            if route.ranges and match and status == 200 and (match.group(1) or match.group(2)):
                size = len(body)
                if match.group(1):
                    start = int(match.group(1))
                    end = min(size, int(match.group(2)) + 1) if match.group(2) else size
                else:
                    start, end = max(0, size - int(match.group(2))), size
                if start >= size:
                    self._send(416, b"", {"Content-Range": f"bytes */{size}"}, None)
                    return
                headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
                body, status = body[start:end], 206
            if route.close_delimited:
                self.send_response(status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True
                return
            self._send(status, body, headers, route.content_type)

        def _send(
            self, status: int, body: bytes, headers: dict[str, str], content_type: str | None
        ) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def _trickle(self, route: Route, interval: float) -> None:
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.close_connection = True
            try:
                for offset in range(len(route.body)):
                    self.wfile.write(route.body[offset : offset + 1])
                    self.wfile.flush()
                    time.sleep(interval)
            except OSError:
                pass  # the client gave up, as it should

        def _reset(self, route: Route) -> None:
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body) + 1000))
            self.end_headers()
            self.wfile.write(route.body[:10])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True

    return Handler
