"""Serve the parsing and storage attacks of issue 18 on a loopback index, for measuring the
real CLI by hand (docs/reliability.md, "Hostile inputs, round 2 — parsing and storage").

    .venv/bin/python tools/hostile_parse.py          # prints the index URL, serves until ^C

Projects: `healthy` (a pure wheel with PEP 658 metadata), `evil-html` (a 1.8 MB text/html
page of `<a href='` repeated 200,000 times), `evil-tags` (a 32 MiB page of `<a href=x>`),
`evil-pax` and `evil-gnu` (a .tar.gz sdist
whose first header is a pax `x` / GNU `L` header declaring 900 MiB, streamed gzip'd),
`bad-hash` (an sdist whose bytes do not match the sha256 on its page). Uses the test
servers (tests/index/index_server.py, tests/reliability/reliability_support.py) and the
hostile bytes of tests/index/hostile_bytes.py.
"""

from __future__ import annotations

import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "reliability")]

from reliability_support import (  # noqa: E402
    Stream,
    StreamingIndexServer,
    publish_sdist,
    publish_wheel,
)

from hostile_bytes import UNTERMINATED_PAGE, extended_header_tar_gz  # noqa: E402
from index_builders import sdist_tar  # noqa: E402


def serve() -> StreamingIndexServer:
    """Start the server with every hostile project published; returns it."""
    server = StreamingIndexServer()
    server.start()
    publish_wheel(server, "healthy")
    server.route("/simple/evil-html/", UNTERMINATED_PAGE, content_type="text/html")
    # Just under the 32 MiB page cap, all anchors: stopped by the tag cap.
    server.route("/simple/evil-tags/", b"<a href=x>" * (32 * 1024 * 1024 // 10 - 1),
                 content_type="text/html")
    for name, kind in (("evil-pax", tarfile.XHDTYPE), ("evil-gnu", tarfile.GNUTYPE_LONGNAME)):
        publish_sdist(server, name, "1.0", {"setup.py": b""})
        server.streams[f"/files/{name}-1.0.tar.gz"] = Stream(
            lambda kind=kind: extended_header_tar_gz(kind))  # type: ignore[misc]
    publish_sdist(server, "bad-hash", "1.0", {"setup.py": b"from setuptools import setup\n"})
    server.route("/files/bad-hash-1.0.tar.gz", sdist_tar("bad-hash-1.0", {
        "setup.py": b"from setuptools import setup, Extension\n"
                    b"setup(ext_modules=[Extension('x', ['x.c'])])\n"}))
    return server


if __name__ == "__main__":
    running = serve()
    print(f"{running.base}/simple", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        running.stop()
