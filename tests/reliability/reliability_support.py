"""Helpers of the reliability tests: run the real CLI, publish hostile projects, read reports.

The loopback server and the archive builders come from tests/index/ (`index_server`,
`index_builders`; the conftest puts that folder on `sys.path`). What is added here:

* `StreamingIndexServer` - an `IndexServer` that can also answer a path with a body made on
  the fly (endless or lying about its length), for the size caps, without holding it; its
  sockets set TCP_NODELAY so keep-alive requests do not stall on delayed ACKs.
* `run_main` (in-process `wheelfit.cli.main`, exit code and output captured) and
  `run_subprocess` (`python -m wheelfit` with a hermetic environment).
* `publish_wheel` / `publish_sdist` - one project with one file on a server.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, cast

from index_builders import metadata, publish, sdist_tar, wheel, wheel_name
from index_server import Hit, IndexServer
from wheelfit.cli import main

# Exit codes wheelfit may end with (errors.ExitCode); 1 only with --fail-on.
OUR_CODES = frozenset({0, 2, 3, 4, 5, 6})

USER = "wf-user-Q7x"
SECRET = "s3cr3t-T0KEN"

# A loopback port nothing listens on (the discard service is not run in test sandboxes).
CLOSED_URL = "http://127.0.0.1:9/simple"


# --- running the CLI ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    """Exit code and output of one CLI run."""

    code: int
    out: str
    err: str

    def report(self) -> dict[str, Any]:
        """stdout parsed as the JSON report."""
        return cast(dict[str, Any], json.loads(self.out))

    @property
    def both(self) -> str:
        return self.out + self.err


def run_main(args: Sequence[str]) -> CliResult:
    """`wheelfit.cli.main(args)` in this process; any non-SystemExit exception propagates
    (a test then fails with the traceback a user would have seen)."""
    out, err = io.StringIO(), io.StringIO()
    code: int
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        else:
            code = 0
    return CliResult(code, out.getvalue(), err.getvalue())


def hermetic_environ(cache_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """os.environ without pip/uv/proxy settings, with a private cache and no pip config."""
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("PIP_", "UV_")) and "proxy" not in k.lower() and k != "NETRC"
    }
    env.update({
        "PIP_CONFIG_FILE": os.devnull,
        "WHEELFIT_CACHE_DIR": str(cache_dir),
        "NO_PROXY": "127.0.0.1,localhost",
        "NETRC": str(cache_dir.parent / "no-netrc"),
        "NO_COLOR": "1",
    })
    env.update(extra or {})
    return env


def run_subprocess(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float = 120
) -> CliResult:
    """`python -m wheelfit args` in a child process."""
    done = subprocess.run(
        [sys.executable, "-m", "wheelfit", *args], cwd=cwd, env=dict(env),
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def check_args(index_url: str, *inputs: str | Path, fmt: str = "json", retries: int = 1,
               timeout: float = 2.0, extra: Sequence[str] = ()) -> list[str]:
    """`check` arguments with small retries/timeout."""
    return ["check", "--index-url", index_url, "--retries", str(retries), "--timeout",
            str(timeout), "--format", fmt, *extra, *(str(i) for i in inputs)]


# --- reports ------------------------------------------------------------------------------------


def package(report: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The package entry called `name` (fails the test when absent)."""
    found = [p for p in report["packages"] if p["name"] == name]
    assert found, f"{name} not in the report: {[p['name'] for p in report['packages']]}"
    return cast(dict[str, Any], found[0])


def statuses(report: Mapping[str, Any], name: str) -> set[str]:
    """The statuses of one package over every target."""
    return {v["status"] for v in package(report, name)["verdicts"].values()}


def reasons(report: Mapping[str, Any], name: str) -> str:
    """Every reason, note and evidence line of one package, joined (for `in` checks)."""
    pkg = package(report, name)
    parts: list[str] = list(pkg.get("notes") or ())
    for verdict in pkg["verdicts"].values():
        parts.append(verdict.get("reason") or "")
        parts += list(verdict.get("evidence") or ())
    return "\n".join(parts)


# --- publishing ---------------------------------------------------------------------------


def publish_wheel(
    server: IndexServer,
    name: str,
    version: str = "1.0",
    *,
    requires: Sequence[str] = (),
    pep658: bool = True,
    data: bytes | None = None,
    filler: int = 0,
) -> str:
    """One pure wheel (with a PEP 658 file unless `pep658=False`); returns the index URL.

    `data` replaces the wheel bytes (hostile archives keep the real file name)."""
    meta = metadata(name, version, requires=requires)
    filename = wheel_name(name, version)
    body = data if data is not None else wheel(name, version, meta, filler=filler)
    return publish(server, name, {filename: body}, meta={filename: meta} if pep658 else None)


def publish_sdist(
    server: IndexServer, name: str, version: str, members: Mapping[str, bytes],
    *, suffix: str = ".tar.gz", data: bytes | None = None,
) -> str:
    """One sdist and no wheel; `members` are relative to `<name>-<version>/`."""
    top = f"{name}-{version}"
    body = data if data is not None else sdist_tar(top, members)
    return publish(server, name, {f"{top}{suffix}": body})


def hits_with_prefix(server: IndexServer, prefix: str) -> list[Hit]:
    """Requests whose path starts with `prefix`."""
    with server.lock:
        return [h for h in server.hits if h.path.startswith(prefix)]


# --- a server that can stream bodies it never holds ---------------------------------------------


@dataclass
class Stream:
    """A body made on the fly: `chunks()` is called per request; `length` is the
    Content-Length sent (None: no Content-Length, the connection closes after the body)."""

    chunks: Callable[[], Iterable[bytes]]
    content_type: str = "application/octet-stream"
    length: int | None = None
    sent: list[int] = field(default_factory=list)


class StreamingIndexServer(IndexServer):
    """`IndexServer` plus `streams`: paths answered by a `Stream` instead of a `Route`."""

    def __init__(self) -> None:
        super().__init__()
        self.streams: dict[str, Stream] = {}
        base = cast(type[BaseHTTPRequestHandler], self.httpd.RequestHandlerClass)
        self.httpd.RequestHandlerClass = _streaming_handler(self, base)


def _streaming_handler(
    server: StreamingIndexServer, base: type[BaseHTTPRequestHandler]
) -> type[BaseHTTPRequestHandler]:
    class Handler(base):  # type: ignore[valid-type,misc]
        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes; without this, Nagle's algorithm and
            # the client's delayed ACK add ~40 ms to every keep-alive request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            stream = server.streams.get(path)
            if stream is None:
                super().do_GET()
                return
            with server.lock:
                server.hits.append(
                    Hit("GET", path, {k.lower(): v for k, v in self.headers.items()})
                )
            self.send_response(200)
            self.send_header("Content-Type", stream.content_type)
            if stream.length is not None:
                self.send_header("Content-Length", str(stream.length))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            sent = 0
            try:
                for chunk in stream.chunks():
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass  # the client hung up (that is what the caps are for)
            stream.sent.append(sent)

    return Handler


def repeat(block: bytes, total: int) -> Iterator[bytes]:
    """`block` again and again until `total` bytes were yielded."""
    left = total
    while left > 0:
        piece = block[:left]
        left -= len(piece)
        yield piece
