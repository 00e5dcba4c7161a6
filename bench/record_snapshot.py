#!/usr/bin/env python3
"""Record, from PyPI, everything wheelfit, uv and pip ask for when they check the benchmark
inputs, into bench/snapshot/ (the layout of tests/recorded/, served by tests/loopback.py).

    .venv/bin/python bench/record_snapshot.py            # record every input, then verify
    .venv/bin/python bench/record_snapshot.py --verify   # replay check only, no network

How: a *recording proxy* on 127.0.0.1 answers like PyPI's simple API and file host and
fetches from PyPI what a client asks for: project pages (PEP 691 JSON, stored as received),
`<wheel>.metadata` files, byte ranges of files and whole files. Each of the three tools is run
once per input through it (cold caches), exactly as `bench/run.py` runs them; then the proxy's
takings are written out as

* ``pages/<name>.json.gz``     the PEP 691 page as received (gzip, mtime 0),
* ``metadata/<wheel>.metadata`` PEP 658 metadata files,
* ``files/<filename>``         whole files a tool downloaded (sdists, build backends),
* ``partial/<wheel>.part``     the byte ranges read from a wheel (merged extents; the format
                               of tools/record_index.py),
* ``manifest.json``            what, when, digests; per project ``metadata_from_wheel`` (below)
                               and ``no_metadata_upstream`` (not advertised by the replay).

The proxy advertises ``core-metadata: true`` for every wheel (the index reachable from here
omits the PEP 714 keys, real PyPI sends them with hashes); the replay server advertises the
recorded ones with their sha256, so the tools take the same path on the replay. When the index
answers 404 for a ``.metadata`` file (about half of them here; PyPI has one for every wheel since
its 2024 backfill), the proxy reads the wheel's own ``.dist-info/METADATA`` by range requests and
serves and records that (``benchlib.wheel_metadata``). Every upstream
answer is kept in ``bench/snapshot/.raw/`` (tools/record_index.Fetcher's cache), so a re-run
asks PyPI nothing it already asked, and the whole recording asks each URL once.

``--verify`` starts the replay (bench/serve.py's server on the snapshot) and runs every tool
again, cold: it lists what was not recorded (404 ``X-Wheelfit-Not-Recorded``) and where a
stand-in answered.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from benchlib import (
    INPUT_LIST,
    INPUTS_BY_KEY,
    PYPI,
    RAW_CACHE,
    SNAPSHOT,
    Input,
    pip_cmd,
    tool_env,
    uv_cmd,
    wheel_metadata,
    wheelfit_cmd,
)
from packaging.utils import canonicalize_name
from record_index import JSON_ACCEPT, Fetcher, write_if_changed

from loopback import (
    FILE_CACHE_CONTROL,
    NOT_RECORDED_HEADER,
    PAGE_CACHE_CONTROL,
    PartialFile,
    _etag,
    file_version,
    negotiate,
    parse_range,
    render_html,
    render_json,
)

MAX_WHOLE_FILE = 64 * 1024 * 1024  # refuse to fetch (and record) a whole file bigger than this
UPSTREAM_CONCURRENCY = 8  # requests in flight to PyPI at most


# --- what the proxy took from upstream --------------------------------------------------------


@dataclass
class Takings:
    """Everything fetched through the proxy (thread-safe)."""

    pages: dict[str, bytes] = field(default_factory=dict)  # name -> raw JSON
    missing_pages: set[str] = field(default_factory=set)
    metadata: dict[str, bytes] = field(default_factory=dict)  # wheel filename -> bytes
    no_metadata: set[str] = field(default_factory=set)
    from_wheel: set[str] = field(default_factory=set)  # .metadata read from the wheel itself
    whole: dict[str, bytes] = field(default_factory=dict)
    extents: dict[str, list[tuple[int, bytes]]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Upstream:
    """Pages, entries and bytes from the real index, through the raw cache."""

    def __init__(self, index: str, takings: Takings) -> None:
        self.index = index.rstrip("/")
        self.fetch = Fetcher(cache=RAW_CACHE)
        self.takings = takings
        self._gate = threading.BoundedSemaphore(UPSTREAM_CONCURRENCY)
        self._parsed: dict[str, dict[str, Any] | None] = {}
        self._owner: dict[str, tuple[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _get(self, url: str, accept: str | None = None, byte_range: str | None = None
             ) -> bytes | None:
        with self._gate:
            return self.fetch.get(url, accept=accept, byte_range=byte_range)

    def page(self, name: str) -> dict[str, Any] | None:
        """The parsed PEP 691 page of a canonical name (None: not on the index)."""
        with self._lock:
            if name in self._parsed:
                return self._parsed[name]
        body = self._get(f"{self.index}/{name}/", accept=JSON_ACCEPT)
        page = json.loads(body) if body is not None else None
        with self._lock:
            self._parsed[name] = page
            for entry in (page or {}).get("files", []):
                self._owner[entry["filename"]] = (name, entry)
        with self.takings.lock:
            if body is None:
                self.takings.missing_pages.add(name)
            else:
                self.takings.pages[name] = body
        return page

    def entry(self, filename: str) -> tuple[str, dict[str, Any]] | None:
        with self._lock:
            return self._owner.get(filename)

    def metadata(self, filename: str) -> bytes | None:
        owner = self.entry(filename)
        if owner is None:
            return None
        name, entry = owner
        with self._gate:
            data, from_wheel = wheel_metadata(self.fetch, entry, name,
                                              file_version(filename) or "0")
        with self.takings.lock:
            if data is None:
                self.takings.no_metadata.add(filename)
                return None
            self.takings.metadata[filename] = data
            if from_wheel:
                self.takings.from_wheel.add(filename)
        return data

    def byte_range(self, filename: str, start: int, end: int) -> bytes | None:
        owner = self.entry(filename)
        if owner is None:
            return None
        data = self._get(owner[1]["url"], byte_range=f"{start}-{end - 1}")
        if data is None or len(data) != end - start:
            return None
        with self.takings.lock:
            self.takings.extents.setdefault(filename, []).append((start, data))
        return data

    def whole(self, filename: str) -> bytes | None:
        owner = self.entry(filename)
        if owner is None:
            return None
        size = owner[1].get("size") or 0
        if size > MAX_WHOLE_FILE:
            with self.takings.lock:
                self.takings.refused.append(f"{filename} ({size} bytes)")
            return None
        data = self._get(owner[1]["url"])
        if data is None:
            return None
        expected = owner[1].get("hashes", {}).get("sha256")
        if expected and hashlib.sha256(data).hexdigest() != expected:
            raise SystemExit(f"{filename}: sha256 does not match the page")
        with self.takings.lock:
            self.takings.whole[filename] = data
        return data


# --- the recording proxy ----------------------------------------------------------------------


class RecordingProxy:
    """A PyPI look-alike on 127.0.0.1 that fetches from `upstream` on demand."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream
        self._httpd: ThreadingHTTPServer | None = None

    def start(self) -> RecordingProxy:
        handler = type("Handler", (_ProxyHandler,), {"proxy": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/simple"

    @property
    def files_url(self) -> str:
        return self.url.removesuffix("/simple") + "/files/"

    def page_body(self, name: str, kind: str) -> bytes | None:
        page = self.upstream.page(name)
        if page is None:
            return None
        no_metadata = self.upstream.takings.no_metadata
        entries = []
        for entry in page["files"]:
            served = dict(entry)
            served["url"] = self.files_url + entry["filename"]
            served.pop("core-metadata", None)
            served.pop("dist-info-metadata", None)
            if entry["filename"].endswith(".whl") and entry["filename"] not in no_metadata:
                served["core-metadata"] = True
                served["dist-info-metadata"] = True
            entries.append(served)
        return render_json(page, entries) if kind == "json" else render_html(page["name"], entries)


class _ProxyHandler(BaseHTTPRequestHandler):
    proxy: RecordingProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        try:
            status, body, headers = self._route(path, head)
        except BaseException as exc:
            status, body, headers = 502, f"upstream: {exc}\n".encode(), {}
        self.send_response(status)
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        headers.setdefault("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _route(self, path: str, head: bool) -> tuple[int, bytes, dict[str, str]]:
        m = re.fullmatch(r"/simple/([^/]+)(/?)", path)
        if m:
            raw, slash = m.groups()
            name = canonicalize_name(raw)
            if raw != name or not slash:
                return 301, b"", {"Location": f"/simple/{name}/"}
            chosen = negotiate(self.headers.get("Accept"))
            if chosen is None:
                return 406, b"406\n", {}
            body = self.proxy.page_body(name, chosen[0])
            if body is None:
                return 404, b"404 Not Found\n", {}
            headers = {"Content-Type": chosen[1], "Cache-Control": PAGE_CACHE_CONTROL,
                       "ETag": _etag(body)}
            if "gzip" in (self.headers.get("Accept-Encoding") or "").lower():
                body = gzip.compress(body, 6, mtime=0)
                headers["Content-Encoding"] = "gzip"
            return 200, body, headers
        m = re.fullmatch(r"/files/([^/]+)", path)
        if not m:
            return 404, b"404 Not Found\n", {}
        filename = m.group(1)
        up = self.proxy.upstream
        if filename.endswith(".metadata"):
            data = up.metadata(filename.removesuffix(".metadata"))
            if data is None:
                return 404, b"404 Not Found\n", {}
            return 200, data, {"Content-Type": "application/octet-stream",
                               "Cache-Control": FILE_CACHE_CONTROL, "ETag": _etag(data)}
        owner = up.entry(filename)
        if owner is None:
            return 404, b"404 Not Found\n", {}
        size = int(owner[1].get("size") or 0)
        sha = owner[1].get("hashes", {}).get("sha256", "")
        headers = {"Content-Type": "application/octet-stream", "Accept-Ranges": "bytes",
                   "Cache-Control": FILE_CACHE_CONTROL, "ETag": f'"{sha}"'}
        wanted = self.headers.get("Range")
        if wanted is None and head:
            return 200, b"", {**headers, "Content-Length": str(size)}
        span = parse_range(wanted, size) if wanted else None
        if span == "unsatisfiable":
            return 416, b"", {"Content-Range": f"bytes */{size}"}
        if span is None:
            data = up.whole(filename)
            if data is None:
                return 404, b"404 Not Recorded\n", {NOT_RECORDED_HEADER: "1"}
            return 200, data, headers
        start, end = span
        data = up.byte_range(filename, start, end)
        if data is None:
            return 502, b"range failed\n", {}
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        return 206, data, headers


# --- writing the snapshot ----------------------------------------------------------------------


def merge_extents(extents: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    """Overlapping or touching byte ranges of one file, merged into disjoint extents."""
    merged: list[tuple[int, bytearray]] = []
    for start, data in sorted(extents, key=lambda e: e[0]):
        if merged and start <= merged[-1][0] + len(merged[-1][1]):
            head_start, head = merged[-1]
            overlap = head_start + len(head) - start
            if overlap < len(data):
                head.extend(data[overlap:])
        else:
            merged.append((start, bytearray(data)))
    return [(s, bytes(b)) for s, b in merged]


def write_snapshot(out: Path, takings: Takings, upstream: Upstream, index: str) -> dict[str, Any]:
    """Add the takings to the snapshot under `out` (keeping what is there) and rewrite the
    manifest; returns it."""
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {
        "projects": {}}
    projects: dict[str, Any] = manifest.setdefault("projects", {})
    for name, body in sorted(takings.pages.items()):
        write_if_changed(out / "pages" / f"{name}.json.gz", gzip.compress(body, 9, mtime=0))
        entry = projects.setdefault(name, {"metadata": {}, "no_metadata_upstream": [],
                                           "files": {}, "partial": {}})
        entry["page"] = {"url": f"{index.rstrip('/')}/{name}/",
                         "sha256_stored_json": hashlib.sha256(body).hexdigest()}

    def owner(filename: str) -> dict[str, Any]:
        found = upstream.entry(filename)
        assert found is not None, filename
        return projects[found[0]]

    for filename, data in sorted(takings.metadata.items()):
        write_if_changed(out / "metadata" / f"{filename}.metadata", data)
        owner(filename)["metadata"][filename] = hashlib.sha256(data).hexdigest()
    for filename in sorted(takings.from_wheel):
        lst = owner(filename).setdefault("metadata_from_wheel", [])
        if filename not in lst:
            lst.append(filename)
    for filename in sorted(takings.no_metadata):
        lst = owner(filename)["no_metadata_upstream"]
        if filename not in lst:
            lst.append(filename)
    for filename, data in sorted(takings.whole.items()):
        write_if_changed(out / "files" / filename, data)
        owner(filename)["files"][filename] = hashlib.sha256(data).hexdigest()
    for filename, extents in sorted(takings.extents.items()):
        path = out / "partial" / f"{filename}.part"
        if path.exists():
            old = PartialFile.load(path)
            extents = list(old.extents) + extents
        merged = merge_extents(extents)
        _, entry = upstream.entry(filename)  # type: ignore[misc]
        header = {"filename": filename, "size": entry.get("size"),
                  "sha256": entry.get("hashes", {}).get("sha256"),
                  "extents": [[s, s + len(b)] for s, b in merged]}
        body = json.dumps(header).encode() + b"\n" + b"".join(b for _, b in merged)
        write_if_changed(path, body)
        owner(filename)["partial"][filename] = hashlib.sha256(body).hexdigest()
    manifest.update(
        recorded_at=manifest.get("recorded_at") or dt.date.today().isoformat(),
        updated_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        index=index, accept=JSON_ACCEPT, note="see bench/record_snapshot.py")
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


# --- running the tools -------------------------------------------------------------------------


def run_tools(inputs: list[Input], tools: list[str], index_url: str, log: list[str]) -> None:
    """Each tool once per input, cold, as bench/run.py runs them."""
    for inp in inputs:
        for tool in tools:
            with tempfile.TemporaryDirectory(prefix="wf-rec-") as tmp:
                cache = Path(tmp) / "cache"
                if tool == "wheelfit":
                    cmd = wheelfit_cmd(inp, index_url, cache)
                elif tool == "uv":
                    cmd = uv_cmd(inp, index_url, cache)
                else:
                    cmd = pip_cmd(inp, index_url, cache, Path(tmp) / "target")
                t0 = time.perf_counter()
                done = subprocess.run(cmd, env=tool_env(), capture_output=True, text=True,
                                      cwd=tmp, timeout=3600)
                took = time.perf_counter() - t0
            tail = " ".join(done.stderr.split())[-240:]
            why = tail if done.returncode else ""
            line = f"{inp.key:10} {tool:8} rc={done.returncode} {took:6.1f}s {why}"
            print(line, file=sys.stderr)
            log.append(line)


def verify(inputs: list[Input], tools: list[str], root: Path = SNAPSHOT) -> int:
    """Replay: run every tool against the snapshot; list unrecorded requests and stand-ins."""
    from serve import BenchIndex

    server = BenchIndex(root).start()
    server.warm()
    problems = 0
    try:
        for inp in inputs:
            for tool in tools:
                server.reset()
                log: list[str] = []
                run_tools([inp], [tool], server.url, log)
                unrecorded, standins = server.unrecorded, server.standins_served
                if unrecorded:
                    problems += 1
                    print(f"  unrecorded ({len(unrecorded)}): {unrecorded[:8]}", file=sys.stderr)
                if standins:
                    print(f"  stand-ins ({len(standins)}): {standins[:4]}", file=sys.stderr)
    finally:
        server.stop()
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", nargs="+", choices=sorted(INPUTS_BY_KEY),
                    default=[i.key for i in INPUT_LIST])
    ap.add_argument("--tools", nargs="+", choices=("wheelfit", "uv", "pip"),
                    default=["wheelfit", "uv", "pip"])
    ap.add_argument("--index", default=PYPI, help="upstream simple index (PEP 691 JSON)")
    ap.add_argument("--out", type=Path, default=SNAPSHOT)
    ap.add_argument("--verify", action="store_true", help="only replay-check the snapshot")
    ap.add_argument("--no-verify", action="store_true", help="record only")
    ap.add_argument("--clean", action="store_true", help="start from an empty snapshot "
                    "(the raw cache in .raw/ is kept)")
    args = ap.parse_args(argv)
    inputs = [INPUTS_BY_KEY[k] for k in args.inputs]
    if args.verify:
        return verify(inputs, args.tools, args.out)
    if args.clean:
        for sub in ("pages", "metadata", "files", "partial", "manifest.json"):
            target = args.out / sub
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()

    takings = Takings()
    upstream = Upstream(args.index, takings)
    proxy = RecordingProxy(upstream).start()
    log: list[str] = []
    try:
        for _attempt in range(3):
            known = set(takings.no_metadata)
            run_tools(inputs, args.tools, proxy.url, log)
            # a wheel whose metadata could not be had at all (not even from the wheel) is not
            # advertised on the replay: run again so that the tools' fallback is recorded too
            if takings.no_metadata <= known:
                break
            print(f"{len(takings.no_metadata - known)} wheels have no .metadata upstream; "
                  "recording the fallback", file=sys.stderr)
    finally:
        proxy.stop()
    manifest = write_snapshot(args.out, takings, upstream, args.index)
    sizes = {d: sum(p.stat().st_size for p in (args.out / d).glob("*"))
             for d in ("pages", "metadata", "files", "partial") if (args.out / d).exists()}
    print(f"snapshot: {len(manifest['projects'])} projects; "
          + ", ".join(f"{d} {n / 1e6:.1f} MB" for d, n in sizes.items())
          + f"; {upstream.fetch.network} requests sent upstream this run", file=sys.stderr)
    if takings.refused:
        print(f"not fetched (too big): {takings.refused}", file=sys.stderr)
    if args.no_verify:
        return 0
    return verify(inputs, args.tools, args.out)


if __name__ == "__main__":
    sys.exit(main())
