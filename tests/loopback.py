"""A loopback package index that replays the PyPI data recorded in tests/recorded/.

`LoopbackIndex` is a real HTTP server (stdlib `ThreadingHTTPServer`, 127.0.0.1, port 0, daemon
thread) that answers like PyPI's simple API and file host:

* ``GET /simple/`` - the project list (PEP 691 JSON or PEP 503 HTML).
* ``GET /simple/<name>/`` - the recorded page. JSON (``application/vnd.pypi.simple.v1+json``)
  when the Accept header prefers it, else PEP 503 HTML rendered from the same data (with
  ``data-requires-python``, ``data-yanked``, ``data-core-metadata``/``data-dist-info-metadata``
  and ``#sha256=`` fragments). File URLs point back at this server (``/files/<filename>``).
  A non-normalised name or a missing slash is redirected (301) like PyPI; unknown → 404.
* ``GET /files/<filename>.metadata`` - the recorded PEP 658 metadata.
* ``GET|HEAD /files/<filename>`` - a recorded whole file, or the recorded parts of a big wheel
  (zip tail + METADATA member, see tests/recorded/README.md), with single-range support
  (``bytes=a-b``, ``bytes=a-``, ``bytes=-n`` → 206 + Content-Range; unsatisfiable → 416).

Every answer carries PyPI-like ``Cache-Control`` and an ``ETag``; ``If-None-Match`` → 304.
Pages are gzip-encoded when the client accepts it.

PEP 658 metadata: the recorded upstream omitted the ``core-metadata`` keys from its pages, so
the server adds them at serve time for every wheel whose ``.metadata`` was recorded (hash of
the recorded bytes). With ``standins`` on (the default), other wheels of the same release are
advertised too and answered with a recorded sibling's bytes, marked ``X-Wheelfit-Standin: 1``
and listed in `LoopbackIndex.standins_served`. Wheels whose ``.metadata`` the upstream did not
have are never advertised (tests/recorded/manifest.json ``no_metadata_upstream``).

A file or byte range that was not recorded is answered 404 with ``X-Wheelfit-Not-Recorded``
and listed in `LoopbackIndex.unrecorded`, so a test that needs more data fails loudly.

Switches (plain attributes, effective on the next request): ``html_only`` (serve PEP 503 HTML
whatever the Accept header says, like devpi/Artifactory), ``serve_metadata`` (PEP 658 off:
no ``core-metadata`` keys and 404 for ``.metadata``), ``standins``, ``ranges`` (ignore Range
headers and always send whole bodies). ``fail()`` injects HTTP errors.

`write_file_index()` lays the same data out as a static ``file://`` PEP 503 tree.

Run ``python tests/loopback.py [--port N]`` to browse the replay by hand.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import socket
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

RECORDED = Path(__file__).resolve().parent / "recorded"

JSON_V1 = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"
# Accept media type → (representation, Content-Type sent). Order = preference on ties.
_MEDIA = {
    JSON_V1: ("json", JSON_V1),
    "application/vnd.pypi.simple.latest+json": ("json", JSON_V1),
    HTML_V1: ("html", HTML_V1),
    "application/vnd.pypi.simple.latest+html": ("html", HTML_V1),
    "text/html": ("html", "text/html"),
}
PAGE_CACHE_CONTROL = "max-age=600, public"
FILE_CACHE_CONTROL = "max-age=365000000, immutable, public"
STANDIN_HEADER = "X-Wheelfit-Standin"
NOT_RECORDED_HEADER = "X-Wheelfit-Not-Recorded"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def file_version(filename: str) -> str | None:
    """The normalised version in a wheel or sdist filename (None if unparseable)."""
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[1])
        return str(parse_sdist_filename(filename)[1])
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return None


_PLATFORM_ARCH = re.compile(
    r"^(?:many|musl)linux_\d+_\d+_(.+)$|^manylinux\d+_(.+)$|^macosx_\d+_\d+_(.+)$|^(?:linux|win)_(.+)$"
)


def _arch(platform: str) -> str:
    m = _PLATFORM_ARCH.match(platform)
    return next((g for g in m.groups() if g), platform) if m else platform


def _likeness(wanted: str, sibling: str) -> tuple[int, int, int, str]:
    """Sort key: the recorded sibling wheel most like `wanted` first (same platform tags,
    then same arch, then same interpreter), ties by name."""
    a, b = parse_wheel_filename(wanted)[3], parse_wheel_filename(sibling)[3]
    plats_a, plats_b = {t.platform for t in a}, {t.platform for t in b}
    same_arch = bool({_arch(p) for p in plats_a} & {_arch(p) for p in plats_b})
    same_interp = bool({t.interpreter for t in a} & {t.interpreter for t in b})
    return (plats_a != plats_b, not same_arch, not same_interp, sibling)


def _etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:40] + '"'


# --- the recorded data ---------------------------------------------------------------------


@dataclass(frozen=True)
class PartialFile:
    """The recorded parts of a file: real bytes at real offsets of a file of `size` bytes."""

    filename: str
    size: int
    sha256: str | None
    extents: tuple[tuple[int, bytes], ...]

    @classmethod
    def load(cls, path: Path) -> PartialFile:
        """Read a ``.part`` file: a JSON header line, then the extents' bytes in order."""
        raw = path.read_bytes()
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        extents, pos = [], 0
        for start, end in meta["extents"]:
            extents.append((start, body[pos : pos + end - start]))
            pos += end - start
        if pos != len(body):
            raise ValueError(f"{path}: extents do not match the data")
        return cls(meta["filename"], meta["size"], meta.get("sha256"), tuple(extents))

    def read(self, start: int, end: int) -> bytes | None:
        """Bytes [start, end) when one recorded extent holds all of them, else None."""
        for s, data in self.extents:
            if s <= start and end <= s + len(data):
                return data[start - s : end - s]
        return None


class RecordedData:
    """Read access to a recorded tree (pages/, metadata/, files/, partial/), cached."""

    def __init__(self, root: Path = RECORDED, projects: Iterable[str] | None = None) -> None:
        self.root = Path(root)
        names = sorted(p.name[: -len(".json.gz")] for p in (self.root / "pages").glob("*.json.gz"))
        if projects is not None:
            wanted = {canonicalize_name(p) for p in projects}
            names = [n for n in names if n in wanted]
        self.names: tuple[str, ...] = tuple(names)
        self._pages: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    @cached_property
    def manifest(self) -> dict[str, Any]:
        """tests/recorded/manifest.json (what was recorded, when, from where)."""
        path = self.root / "manifest.json"
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    def page(self, name: str) -> dict[str, Any] | None:
        """The stored PEP 691 page of a project (as recorded); None when not recorded."""
        name = canonicalize_name(name)
        if name not in self.names:
            return None
        with self._lock:
            if name not in self._pages:
                raw = gzip.decompress((self.root / "pages" / f"{name}.json.gz").read_bytes())
                self._pages[name] = json.loads(raw)
            page: dict[str, Any] = self._pages[name]
            return page

    @cached_property
    def file_owner(self) -> dict[str, str]:
        """Filename → project name, for every file on every recorded page."""
        owner: dict[str, str] = {}
        for name in self.names:
            for entry in self.page(name)["files"]:  # type: ignore[index]
                owner[entry["filename"]] = name
        return owner

    def entry(self, filename: str) -> dict[str, Any] | None:
        """The page entry of a file, if some recorded page lists it."""
        name = self.file_owner.get(filename)
        if name is None:
            return None
        page = self.page(name)
        assert page is not None
        found: dict[str, Any] = next(e for e in page["files"] if e["filename"] == filename)
        return found

    @cached_property
    def _metadata_files(self) -> dict[str, Path]:
        return {
            p.name[: -len(".metadata")]: p
            for p in sorted((self.root / "metadata").glob("*.metadata"))
            if p.name[: -len(".metadata")] in self.file_owner
        }

    def recorded_metadata(self, filename: str) -> bytes | None:
        """The recorded PEP 658 metadata of a file, if it was recorded."""
        path = self._metadata_files.get(filename)
        return path.read_bytes() if path else None

    @cached_property
    def _standin_source(self) -> dict[str, str]:
        """Wheel filename → the recorded sibling whose metadata stands in for it."""
        by_release: dict[tuple[str, str], list[str]] = {}
        for filename in self._metadata_files:
            key = (self.file_owner[filename], file_version(filename) or "")
            by_release.setdefault(key, []).append(filename)
        no_upstream = {
            f
            for p in self.manifest.get("projects", {}).values()
            for f in p.get("no_metadata_upstream", [])
        }
        out: dict[str, str] = {}
        for filename, name in self.file_owner.items():
            if not filename.endswith(".whl") or filename in self._metadata_files:
                continue
            if filename in no_upstream:
                continue
            siblings = by_release.get((name, file_version(filename) or ""))
            if not siblings:
                continue
            out[filename] = min(siblings, key=partial(_likeness, filename))
        return out

    def metadata(self, filename: str, standins: bool) -> tuple[bytes, str | None] | None:
        """(bytes, stand-in source or None) for a file's ``.metadata``; None when absent."""
        data = self.recorded_metadata(filename)
        if data is not None:
            return data, None
        if standins and filename in self._standin_source:
            source = self._standin_source[filename]
            return self.recorded_metadata(source) or b"", source
        return None

    def whole_file(self, filename: str) -> bytes | None:
        """A recorded whole file."""
        path = self.root / "files" / filename
        return path.read_bytes() if filename in self.file_owner and path.is_file() else None

    def partial_file(self, filename: str) -> PartialFile | None:
        """The recorded parts of a big wheel."""
        path = self.root / "partial" / f"{filename}.part"
        return PartialFile.load(path) if filename in self.file_owner and path.is_file() else None


# --- rendering -----------------------------------------------------------------------------


def serve_entries(
    data: RecordedData,
    name: str,
    file_url: str,
    serve_metadata: bool,
    standins: bool,
) -> list[dict[str, Any]]:
    """A page's file entries as served: URL rewritten, PEP 658/714 keys for known metadata."""
    page = data.page(name)
    assert page is not None
    out = []
    for entry in page["files"]:
        served = dict(entry)
        served["url"] = file_url + entry["filename"]
        served.pop("core-metadata", None)
        served.pop("dist-info-metadata", None)
        found = data.metadata(entry["filename"], standins) if serve_metadata else None
        if found is not None:
            digest = {"sha256": hashlib.sha256(found[0]).hexdigest()}
            served["core-metadata"] = digest
            served["dist-info-metadata"] = digest
        out.append(served)
    return out


def render_json(page: Mapping[str, Any], entries: list[dict[str, Any]]) -> bytes:
    """The PEP 691 JSON page."""
    body = {k: v for k, v in page.items() if k != "files"}
    body["files"] = entries
    return json.dumps(body, ensure_ascii=False).encode()


def _anchor(entry: Mapping[str, Any], href: str) -> str:
    attrs = []
    sha = entry.get("hashes", {}).get("sha256")
    url = f"{href}#sha256={sha}" if sha else href
    attrs.append(f'href="{html.escape(url)}"')
    if entry.get("requires-python"):
        attrs.append(f'data-requires-python="{html.escape(entry["requires-python"])}"')
    meta = entry.get("core-metadata")
    if meta:
        value = "true" if meta is True else "sha256=" + meta["sha256"]
        attrs.append(f'data-dist-info-metadata="{value}"')
        attrs.append(f'data-core-metadata="{value}"')
    yanked = entry.get("yanked")
    if yanked:
        reason = "" if yanked is True else str(yanked)
        attrs.append(f'data-yanked="{html.escape(reason)}"')
    return f"    <a {' '.join(attrs)}>{html.escape(entry['filename'])}</a><br />"


def render_html(name: str, entries: list[dict[str, Any]], hrefs: list[str] | None = None) -> bytes:
    """The PEP 503 page, as PyPI renders it."""
    hrefs = hrefs or [e["url"] for e in entries]
    lines = [
        "<!DOCTYPE html>",
        "<html>",
        "  <head>",
        '    <meta name="pypi:repository-version" content="1.1">',
        f"    <title>Links for {html.escape(name)}</title>",
        "  </head>",
        "  <body>",
        f"    <h1>Links for {html.escape(name)}</h1>",
        *(_anchor(e, h) for e, h in zip(entries, hrefs, strict=True)),
        "  </body>",
        "</html>",
        "",
    ]
    return "\n".join(lines).encode()


def render_root_html(names: Iterable[str], href: str = "{}/") -> bytes:
    """The PEP 503 project list."""
    anchors = [f'    <a href="{href.format(n)}">{n}</a>' for n in names]
    head = (
        '<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.1">'
    )
    return (
        head
        + "\n    <title>Simple index</title>\n  </head>\n  <body>\n"
        + "\n".join(anchors)
        + "\n  </body>\n</html>\n"
    ).encode()


def negotiate(accept: str | None) -> tuple[str, str] | None:
    """(representation, Content-Type) for an Accept header; None → 406. Missing → HTML."""
    if not accept or not accept.strip():
        return _MEDIA["text/html"]
    best: tuple[float, int, tuple[str, str]] | None = None
    order = list(_MEDIA)
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media in ("*/*", "text/*"):
            candidates = [("text/html", _MEDIA["text/html"])]
        elif media in _MEDIA:
            candidates = [(media, _MEDIA[media])]
        else:
            continue
        for key, chosen in candidates:
            score = (q, -order.index(key), chosen)
            if best is None or score[:2] > best[:2]:
                best = score
    return best[2] if best else None


# --- the server ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedRequest:
    """One request the server answered."""

    method: str
    path: str
    status: int
    headers: Mapping[str, str]
    range: str | None = None


@dataclass
class _Fault:
    pattern: re.Pattern[str]
    status: int
    times: int | None
    headers: Mapping[str, str] = field(default_factory=dict)


class LoopbackIndex:
    """A replay PyPI on 127.0.0.1; see the module docstring. Use as a context manager."""

    def __init__(
        self,
        root: Path = RECORDED,
        *,
        projects: Iterable[str] | None = None,
        html_only: bool = False,
        serve_metadata: bool = True,
        standins: bool = True,
        ranges: bool = True,
        port: int = 0,
    ) -> None:
        self.data = RecordedData(root, projects)
        self.html_only = html_only
        self.serve_metadata = serve_metadata
        self.standins = standins
        self.ranges = ranges
        self._defaults = (html_only, serve_metadata, standins, ranges)
        self._log: list[LoggedRequest] = []
        self._standins_served: list[str] = []
        self._unrecorded: list[str] = []
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._bodies: dict[tuple[Any, ...], bytes] = {}
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> LoopbackIndex:
        """Bind 127.0.0.1 (port 0 = any free port) and serve on a daemon thread."""
        handler = type("Handler", (_Handler,), {"index": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="loopback-index", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and close its socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> LoopbackIndex:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses
    @property
    def port(self) -> int:
        """The bound port."""
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The index URL to give pip/wheelfit: ``http://127.0.0.1:PORT/simple``."""
        return f"{self.base_url}/simple"

    @property
    def files_url(self) -> str:
        """Where file URLs point: ``http://127.0.0.1:PORT/files/``."""
        return f"{self.base_url}/files/"

    def file_url(self, filename: str) -> str:
        """The URL the pages give for a file."""
        return self.files_url + filename

    # inspection
    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request answered since the last reset, oldest first (a copy)."""
        with self._lock:
            return list(self._log)

    @property
    def paths(self) -> list[str]:
        """The paths of `requests`, in order."""
        return [r.path for r in self.requests]

    @property
    def counts(self) -> Counter[str]:
        """Path → number of requests since the last reset."""
        return Counter(self.paths)

    def count(self, path: str | None = None, *, prefix: str | None = None) -> int:
        """Requests for exactly `path`, or for paths starting with `prefix`, or all."""
        paths = self.paths
        if path is not None:
            return paths.count(path)
        if prefix is not None:
            return sum(p.startswith(prefix) for p in paths)
        return len(paths)

    @property
    def standins_served(self) -> list[str]:
        """Filenames whose ``.metadata`` was answered with a sibling's recorded bytes."""
        with self._lock:
            return list(self._standins_served)

    @property
    def unrecorded(self) -> list[str]:
        """What was asked for but not recorded (``filename`` or ``filename bytes=a-b``)."""
        with self._lock:
            return list(self._unrecorded)

    def reset(self) -> None:
        """Forget the request log, stand-ins served and unrecorded hits (switches stay)."""
        with self._lock:
            self._log.clear()
            self._standins_served.clear()
            self._unrecorded.clear()

    def restore_defaults(self) -> None:
        """`reset()`, drop injected faults, and put the switches back to the constructor's."""
        self.reset()
        with self._lock:
            self._faults.clear()
        self.html_only, self.serve_metadata, self.standins, self.ranges = self._defaults

    def fail(
        self,
        path_pattern: str,
        status: int = 503,
        times: int | None = 1,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer the next `times` requests whose path matches the regex with `status`
        (None = until `restore_defaults()`); e.g. ``fail(r"^/simple/numpy/$", 503, 2)``."""
        with self._lock:
            self._faults.append(
                _Fault(re.compile(path_pattern), status, times, dict(headers or {}))
            )

    # internals used by the handler
    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.pattern.search(path) and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def _record(self, entry: LoggedRequest, standin: str | None, unrecorded: str | None) -> None:
        with self._lock:
            self._log.append(entry)
            if standin:
                self._standins_served.append(standin)
            if unrecorded:
                self._unrecorded.append(unrecorded)

    def _page_body(self, name: str, kind: str) -> bytes:
        key = (name, kind, self.serve_metadata, self.standins, self.port)
        with self._lock:
            cached = self._bodies.get(key)
        if cached is not None:
            return cached
        entries = serve_entries(self.data, name, self.files_url, self.serve_metadata, self.standins)
        page = self.data.page(name)
        assert page is not None
        body = render_json(page, entries) if kind == "json" else render_html(page["name"], entries)
        with self._lock:
            self._bodies[key] = body
        return body

    def _root_body(self, kind: str) -> bytes:
        if kind == "json":
            return json.dumps(
                {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in self.data.names]}
            ).encode()
        return render_root_html(self.data.names)


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    standin: str | None = None
    unrecorded: str | None = None
    length: int | None = None  # Content-Length when the body is not sent (HEAD)


class _Handler(BaseHTTPRequestHandler):
    index: LoopbackIndex
    protocol_version = "HTTP/1.1"
    server_version = "wheelfit-loopback/1"

    def setup(self) -> None:
        super().setup()
        # The head and the body leave in two writes. With Nagle's algorithm on, the body
        # waits for the client's ACK of the head, which a kept-alive client delays by
        # ~40 ms: every request on a reused connection took >= 40 ms on loopback.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        return

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        fault = self.index._take_fault(path)
        if fault is not None:
            reply = _Reply(fault.status, f"injected {fault.status}\n".encode(), dict(fault.headers))
        else:
            try:
                reply = self._route(path)
            except Exception as exc:  # a server bug must show up as a 500, not a hang
                reply = _Reply(500, f"loopback index error: {exc!r}\n".encode())
        reply = self._conditional(reply)
        # log before answering, so a client that got its answer always finds it in the log
        self.index._record(
            LoggedRequest(
                self.command,
                path,
                reply.status,
                dict(self.headers.items()),
                self.headers.get("Range"),
            ),
            reply.standin,
            reply.unrecorded,
        )
        self._send(reply, head)

    def _conditional(self, reply: _Reply) -> _Reply:
        """A 304 instead of a 200 whose ETag the client already holds (If-None-Match)."""
        etag = reply.headers.get("ETag")
        if etag and reply.status == 200 and self._etag_matches(etag):
            kept = ("ETag", "Cache-Control", "Vary")
            return _Reply(304, b"", {k: v for k, v in reply.headers.items() if k in kept})
        return reply

    def _send(self, reply: _Reply, head: bool) -> None:
        self.send_response(reply.status)
        headers = {"Content-Type": "text/plain; charset=utf-8", **reply.headers}
        length = reply.length if reply.length is not None else len(reply.body)
        headers["Content-Length"] = str(length)
        for key, value in headers.items():
            if reply.status == 304 and key in ("Content-Type", "Content-Length"):
                continue
            self.send_header(key, value)
        self.end_headers()
        if not head and reply.status != 304:
            self.wfile.write(reply.body)

    def _etag_matches(self, etag: str) -> bool:
        header = self.headers.get("If-None-Match")
        if not header:
            return False
        if header.strip() == "*":
            return True
        bare = etag.removeprefix("W/")
        return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))

    # routing
    def _route(self, path: str) -> _Reply:
        if path in ("/simple", "/simple/"):
            if path == "/simple":
                return self._redirect("/simple/")
            return self._page_reply(None)
        m = re.fullmatch(r"/simple/([^/]+)(/?)", path)
        if m:
            raw, slash = m.groups()
            name = canonicalize_name(raw)
            if self.index.data.page(name) is None:
                return _Reply(404, b"404 Not Found\n")
            if raw != name or not slash:
                return self._redirect(f"/simple/{name}/")
            return self._page_reply(name)
        m = re.fullmatch(r"/files/([^/]+)", path)
        if m:
            return self._file_reply(m.group(1))
        return _Reply(404, b"404 Not Found\n")

    def _redirect(self, location: str) -> _Reply:
        return _Reply(301, b"", {"Location": location, "Cache-Control": PAGE_CACHE_CONTROL})

    def _page_reply(self, name: str | None) -> _Reply:
        if self.index.html_only:
            kind, ctype = "html", "text/html"
        else:
            chosen = negotiate(self.headers.get("Accept"))
            if chosen is None:
                return _Reply(406, b"406 Not Acceptable\n")
            kind, ctype = chosen
        body = self.index._page_body(name, kind) if name else self.index._root_body(kind)
        headers = {
            "Content-Type": ctype,
            "Cache-Control": PAGE_CACHE_CONTROL,
            "Vary": "Accept, Accept-Encoding",
        }
        if "gzip" in (self.headers.get("Accept-Encoding") or "").lower():
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        headers["ETag"] = _etag(body)
        return _Reply(200, body, headers)

    def _file_reply(self, filename: str) -> _Reply:
        index = self.index
        data = index.data
        if filename.endswith(".metadata"):
            target = filename[: -len(".metadata")]
            found = data.metadata(target, index.standins) if index.serve_metadata else None
            if found is None:
                return _Reply(404, b"404 Not Found\n")
            body, source = found
            headers = {
                "Content-Type": "application/octet-stream",
                "Cache-Control": FILE_CACHE_CONTROL,
                "ETag": _etag(body),
            }
            if source:
                headers[STANDIN_HEADER] = "1"
                headers["X-Wheelfit-Standin-Of"] = source
            return _Reply(200, body, headers, standin=target if source else None)

        entry = data.entry(filename)
        if entry is None:
            return _Reply(404, b"404 Not Found\n")
        whole = data.whole_file(filename)
        parts = None if whole is not None else data.partial_file(filename)
        if whole is None and parts is None:
            return _Reply(
                404, b"404 Not Recorded\n", {NOT_RECORDED_HEADER: "1"}, unrecorded=filename
            )
        size = len(whole) if whole is not None else parts.size  # type: ignore[union-attr]
        sha = entry.get("hashes", {}).get("sha256") or (parts.sha256 if parts else None)
        headers = {
            "Content-Type": "application/octet-stream",
            "Cache-Control": FILE_CACHE_CONTROL,
            "Accept-Ranges": "bytes",
            "ETag": f'"{sha}"' if sha else _etag(whole or b""),
        }
        wanted = self.headers.get("Range") if index.ranges else None
        if wanted is None and self.command == "HEAD":
            # a HEAD needs no bytes: the real size is known even for a partial recording
            return _Reply(200, b"", headers, length=size)
        if wanted is None:
            if whole is None:
                return _Reply(
                    404,
                    b"404 Not Recorded (only parts of this file)\n",
                    {NOT_RECORDED_HEADER: "1"},
                    unrecorded=filename,
                )
            return _Reply(200, whole, headers)
        span = parse_range(wanted, size)
        if span is None:  # malformed or multi-range: ignore it, like many servers
            if whole is None:
                return _Reply(
                    404,
                    b"404 Not Recorded\n",
                    {NOT_RECORDED_HEADER: "1"},
                    unrecorded=f"{filename} {wanted}",
                )
            return _Reply(200, whole, headers)
        if isinstance(span, str):  # "unsatisfiable"
            return _Reply(
                416,
                b"416 Range Not Satisfiable\n",
                {"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"},
            )
        start, end = span
        if whole is not None:
            chunk: bytes | None = whole[start:end]
        else:
            assert parts is not None
            chunk = parts.read(start, end)
        if chunk is None:
            return _Reply(
                404,
                b"404 Not Recorded (range)\n",
                {NOT_RECORDED_HEADER: f"bytes={start}-{end - 1}"},
                unrecorded=f"{filename} bytes={start}-{end - 1}",
            )
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        return _Reply(206, chunk, headers)


def parse_range(header: str, size: int) -> tuple[int, int] | Literal["unsatisfiable"] | None:
    """A single ``bytes=`` range → (start, end_exclusive); "unsatisfiable"; None to ignore."""
    m = _RANGE.match(header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.groups()
    if not first:  # suffix: the last N bytes
        n = int(last)
        if n == 0:
            return "unsatisfiable"
        return max(0, size - n), size
    start = int(first)
    end = size if not last else min(size, int(last) + 1)
    if last and int(last) < start:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, end


# --- a static file:// tree -----------------------------------------------------------------


@dataclass(frozen=True)
class FileIndex:
    """A PEP 503 tree on disk: ``root/simple/<name>/index.html`` and ``root/files/``."""

    root: Path

    @property
    def url(self) -> str:
        """``file:///…/simple`` - what to give as --index-url."""
        return (self.root / "simple").as_uri()

    @property
    def files(self) -> Path:
        """The directory holding the recorded files and metadata."""
        return self.root / "files"


def write_file_index(
    dest: Path,
    root: Path = RECORDED,
    *,
    projects: Iterable[str] | None = None,
    metadata: bool = True,
    relative: bool = True,
) -> FileIndex:
    """Lay the recorded data out as a static PEP 503 tree under `dest`.

    Pages are HTML only (a file tree cannot negotiate). Recorded whole files are copied to
    ``files/``; recorded ``.metadata`` (never stand-ins: a file cannot say it is one) is written
    next to them and advertised with ``data-core-metadata``. Hrefs are relative
    (``../../files/x``) unless `relative` is False (absolute ``file://`` URLs).
    """
    data = RecordedData(root, projects)
    dest = Path(dest)
    (dest / "files").mkdir(parents=True, exist_ok=True)
    (dest / "simple").mkdir(parents=True, exist_ok=True)
    (dest / "simple" / "index.html").write_bytes(render_root_html(data.names))
    for name in data.names:
        entries = serve_entries(data, name, "", metadata, standins=False)
        page = data.page(name)
        assert page is not None
        if relative:
            hrefs = [f"../../files/{e['filename']}" for e in entries]
        else:
            hrefs = [(dest / "files" / e["filename"]).resolve().as_uri() for e in entries]
        (dest / "simple" / name).mkdir(exist_ok=True)
        (dest / "simple" / name / "index.html").write_bytes(
            render_html(page["name"], entries, hrefs)
        )
        for entry in entries:
            filename = entry["filename"]
            whole = data.whole_file(filename)
            if whole is not None:
                (dest / "files" / filename).write_bytes(whole)
            if metadata and "core-metadata" in entry:
                found = data.metadata(filename, standins=False)
                assert found is not None
                (dest / "files" / f"{filename}.metadata").write_bytes(found[0])
    return FileIndex(dest)


def iter_recorded_files(root: Path = RECORDED) -> Iterator[str]:
    """Names of the whole files recorded under ``files/``."""
    yield from sorted(p.name for p in (Path(root) / "files").iterdir() if p.is_file())


if __name__ == "__main__":  # pragma: no cover - manual use
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Serve tests/recorded/ on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--html-only", action="store_true")
    parser.add_argument("--no-metadata", action="store_true")
    args = parser.parse_args()
    with LoopbackIndex(
        port=args.port, html_only=args.html_only, serve_metadata=not args.no_metadata
    ) as server:
        print(f"serving {server.url}  (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
