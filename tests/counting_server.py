"""A loopback HTTP server that counts the connections it accepts and answers every GET with
one fixed body (optionally after a delay, so concurrent requests each hold a connection)."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class CountingServer(http.server.ThreadingHTTPServer):
    """Counts the connections it accepts."""

    daemon_threads = True
    accepted = 0

    def get_request(self) -> tuple[object, object]:
        self.accepted += 1
        return super().get_request()  # type: ignore[return-value]


def _handler(body: bytes, delay: float) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if delay:
                time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def counting_server(body: bytes, delay: float = 0.0) -> Iterator[CountingServer]:
    """A running `CountingServer` on 127.0.0.1 (any free port), shut down on exit."""
    server = CountingServer(("127.0.0.1", 0), _handler(body, delay))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
