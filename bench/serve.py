#!/usr/bin/env python3
"""Serve bench/snapshot/ on 127.0.0.1 with tests/loopback.py's replay server.

    .venv/bin/python bench/serve.py [--port N] [--snapshot DIR]

Prints ``URL http://127.0.0.1:PORT/simple`` once every page is rendered, then serves until
killed (or until its stdin closes, when started with ``--until-stdin-closes``).

`BenchIndex` is `loopback.LoopbackIndex` with three changes that keep the server out of the
measurement, none of which changes a byte it sends:

* ``warm()`` renders every page (JSON and HTML) and gzips it once, before any client comes;
  the plain server renders a page on its first request and gzips it on every request;
* a filename → page entry index (the plain server scans the page's file list per request);
* ``GET /_bench/stats`` (JSON: requests since the last reset, by kind; unrecorded; stand-ins)
  and ``GET /_bench/reset``, so bench/run.py can count the requests of each tool run.

``--delay MS`` holds every index answer MS milliseconds before it is sent (a connection's
requests wait in turn, concurrent connections in parallel), so a run on the loopback sees
a CDN's latency (live PyPI through Fastly answers in about 20-40 ms from here) instead of
none; ``GET /_bench/delay/<MS>`` changes it between runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import threading
import time
from collections import Counter
from functools import cached_property
from pathlib import Path
from typing import Any

from benchlib import SNAPSHOT

from loopback import LoopbackIndex, RecordedData, _etag, _Handler, _Reply

PAGE_KINDS = ("json", "html")


class _IndexedData(RecordedData):
    @cached_property
    def _entries(self) -> dict[str, dict[str, Any]]:
        out = {}
        for name in self.names:
            for entry in self.page(name)["files"]:  # type: ignore[index]
                out[entry["filename"]] = entry
        return out

    def entry(self, filename: str) -> dict[str, Any] | None:
        return self._entries.get(filename) if filename in self.file_owner else None


class _BenchHandler(_Handler):
    index: BenchIndex

    def _route(self, path: str) -> _Reply:
        if path == "/_bench/stats":
            body = json.dumps(self.index.stats()).encode()
            return _Reply(200, body, {"Content-Type": "application/json"})
        if path == "/_bench/reset":
            self.index.reset()
            return _Reply(200, b"ok\n")
        if path.startswith("/_bench/delay/"):
            self.index.delay = float(path.rsplit("/", 1)[1]) / 1000
            return _Reply(200, b"ok\n")
        return super()._route(path)

    def _serve(self, head: bool) -> None:
        if self.path.startswith("/_bench/"):  # not logged as a client request
            reply = self._route(self.path)
            self._send(reply, head)
            return
        if self.index.delay:
            time.sleep(self.index.delay)
        super()._serve(head)

    def _page_reply(self, name: str | None) -> _Reply:
        gzipped = self.index.gzipped
        accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "").lower()
        if name is None or self.index.html_only or not accepts_gzip:
            return super()._page_reply(name)
        from loopback import negotiate

        chosen = negotiate(self.headers.get("Accept"))
        if chosen is None:
            return super()._page_reply(name)
        kind, ctype = chosen
        body = gzipped.get((name, kind))
        if body is None:
            return super()._page_reply(name)
        # the same answer as loopback's _page_reply, with the gzip done once in warm()
        headers = {
            "Content-Type": ctype,
            "Cache-Control": "max-age=600, public",
            "Vary": "Accept, Accept-Encoding",
            "Content-Encoding": "gzip",
            "ETag": _etag(body),
        }
        return _Reply(200, body, headers)


class BenchIndex(LoopbackIndex):
    """The replay server of tests/loopback.py, pre-rendered, with request counters."""

    def __init__(self, root: Path = SNAPSHOT, **kwargs: Any) -> None:
        super().__init__(root, **kwargs)
        self.data = _IndexedData(root)
        self.gzipped: dict[tuple[str, str], bytes] = {}
        self.delay = 0.0  # seconds each index answer is held (`--delay`)

    def start(self) -> BenchIndex:
        from http.server import ThreadingHTTPServer

        handler = type("Handler", (_BenchHandler,), {"index": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._httpd.daemon_threads = True
        self._httpd.request_queue_size = 256
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def warm(self) -> None:
        """Load every page, build the indexes, render and gzip every page once."""
        self.data.file_owner  # noqa: B018 - loads every page
        self.data._entries  # noqa: B018
        self.data._standin_source  # noqa: B018
        for name in self.data.names:
            for kind in PAGE_KINDS:
                self.gzipped[(name, kind)] = gzip.compress(self._page_body(name, kind), mtime=0)

    def stats(self) -> dict[str, Any]:
        requests = self.requests
        kinds: Counter[str] = Counter()
        for r in requests:
            if r.path.startswith("/simple"):
                kinds["pages"] += 1
            elif r.path.endswith(".metadata"):
                kinds["metadata"] += 1
            elif r.range:
                kinds["ranges"] += 1
            elif r.method == "HEAD":
                kinds["heads"] += 1
            else:
                kinds["whole_files"] += 1
        return {
            "requests": len(requests),
            "by_kind": dict(kinds),
            "not_modified": sum(r.status == 304 for r in requests),
            "unrecorded": self.unrecorded,
            "standins": len(self.standins_served),
        }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    ap.add_argument("--until-stdin-closes", action="store_true")
    ap.add_argument("--delay", type=float, default=0.0, metavar="MS",
                    help="hold every index answer this many milliseconds (latency)")
    args = ap.parse_args(argv)
    if not (args.snapshot / "pages").is_dir():
        raise SystemExit(f"no snapshot in {args.snapshot}: run bench/record_snapshot.py")
    t0 = time.perf_counter()
    server = BenchIndex(args.snapshot, port=args.port).start()
    server.delay = args.delay / 1000
    server.warm()
    print(f"{len(server.data.names)} projects ready in {time.perf_counter() - t0:.1f}s",
          file=sys.stderr)
    print(f"URL {server.url}", flush=True)
    try:
        if args.until_stdin_closes:
            sys.stdin.read()
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
