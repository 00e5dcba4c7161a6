"""Small real archives and index pages, built in memory for the index tests."""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import struct
import tarfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from index_server import IndexServer
from wheelfit.index.parse.rangezip import Chunk

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def metadata(
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    metadata_version: str = "2.1",
    dynamic: Sequence[str] = (),
    requires_python: str | None = None,
    extras: Sequence[str] = (),
) -> bytes:
    """A core metadata file."""
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {name}", f"Version: {version}"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Dynamic: {d}" for d in dynamic]
    lines += [f"Provides-Extra: {e}" for e in extras]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return ("\n".join(lines) + "\n\nA description.\n").encode()


def wheel(
    name: str,
    version: str,
    meta: bytes,
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    filler: int = 0,
    metadata_first: bool = False,
) -> bytes:
    """A wheel with a package, optional incompressible filler, and a .dist-info."""
    dist_info = f"{name.replace('-', '_')}-{version}.dist-info"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        if metadata_first:
            archive.writestr(f"{dist_info}/METADATA", meta)
        archive.writestr(f"{name.replace('-', '_')}/__init__.py", b"VALUE = 1\n")
        if filler:
            archive.writestr(f"{name.replace('-', '_')}/blob.bin", os.urandom(filler))
        if not metadata_first:
            archive.writestr(f"{dist_info}/METADATA", meta)
        archive.writestr(f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\n")
        archive.writestr(f"{dist_info}/RECORD", b"")
    return buffer.getvalue()


def wheel_name(name: str, version: str) -> str:
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl"


def sdist_tar(
    top: str,
    members: Mapping[str, bytes],
    *,
    mode: str = "w:gz",
    extra: Iterable[tarfile.TarInfo] = (),
) -> bytes:
    """A tarball whose members live under `top/` (keys are relative to it)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for info in extra:
            archive.addfile(info)
        for path, data in members.items():
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sdist_zip(top: str, members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in members.items():
            archive.writestr(f"{top}/{path}", data)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def json_page(name: str, files: Sequence[Mapping[str, Any]]) -> bytes:
    return json.dumps({"meta": {"api-version": "1.1"}, "name": name, "files": list(files)}).encode()


def html_page(name: str, anchors: Sequence[tuple[str, Mapping[str, str]]]) -> bytes:
    """A PEP 503 page; each anchor is (href, data attributes)."""
    rows = []
    for href, attrs in anchors:
        extra = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
        text = html.escape(href.split("/")[-1].split("#")[0])
        rows.append(f'<a href="{html.escape(href)}"{extra}>{text}</a><br/>')
    return (
        '<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1">'
        f"<title>Links for {name}</title></head><body><h1>Links for {name}</h1>"
        + "".join(rows)
        + "</body></html>"
    ).encode()


def to_zip64(data: bytes) -> bytes:
    """Rewrite a small zip into ZIP64 form: every central entry keeps its sizes and offset in
    a ZIP64 extra field, and the end records are a ZIP64 record + locator + saturated EOCD."""
    eocd = data.rfind(b"PK\x05\x06")
    count, _cd_size, cd_offset = struct.unpack_from("<HLL", data, eocd + 10)
    pos, entries = cd_offset, []
    for _ in range(count):
        fields = list(struct.unpack_from("<4s4B4HL2L5H2L", data, pos))
        name_len, extra_len, comment_len = fields[12], fields[13], fields[14]
        name = data[pos + 46 : pos + 46 + name_len]
        rest = data[pos + 46 + name_len : pos + 46 + name_len + extra_len + comment_len]
        extra = struct.pack("<HHQQQ", 1, 24, fields[11], fields[10], fields[18])
        fields[10] = fields[11] = fields[18] = 0xFFFFFFFF
        fields[13] = extra_len + len(extra)
        entries.append(struct.pack("<4s4B4HL2L5H2L", *fields) + name + extra + rest)
        pos += 46 + name_len + extra_len + comment_len
    directory = b"".join(entries)
    record_offset = cd_offset + len(directory)
    record = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(directory), cd_offset
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, record_offset, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return data[:cd_offset] + directory + record + locator + end


class BytesSource:
    """A `ByteSource` over bytes that records every request."""

    def __init__(self, data: bytes) -> None:
        self.url = "https://files.example/foo-1.0-py3-none-any.whl"
        self.data = data
        self.calls: list[tuple[str, int, int]] = []

    def tail(self, n: int) -> Chunk:
        self.calls.append(("tail", n, 0))
        start = max(0, len(self.data) - n)
        return Chunk(start, self.data[start:], len(self.data))

    def span(self, start: int, end: int) -> Chunk:
        self.calls.append(("span", start, end))
        return Chunk(start, self.data[start:end], len(self.data))


def publish(
    server: IndexServer,
    project: str,
    files: Mapping[str, bytes],
    *,
    meta: Mapping[str, bytes] | None = None,
    fmt: str = "json",
    page_headers: Mapping[str, str] | None = None,
    etag: str | None = None,
    ranges: bool = True,
    prefix: str = "/simple",
) -> str:
    """Serve `project`'s page and files (and PEP 658 metadata files); return the index URL."""
    meta = meta or {}
    entries = []
    for filename, data in files.items():
        server.route(f"/files/{filename}", data, ranges=ranges)
        entry: dict[str, Any] = {
            "filename": filename,
            "url": f"../../files/{filename}",
            "hashes": {"sha256": sha256(data)},
        }
        if filename in meta:
            server.route(f"/files/{filename}.metadata", meta[filename])
            entry["core-metadata"] = {"sha256": sha256(meta[filename])}
        entries.append(entry)
    if fmt == "json":
        body, content_type = json_page(project, entries), JSON_TYPE
    else:
        anchors = [
            (
                f"{e['url']}#sha256={e['hashes']['sha256']}",
                {"data-core-metadata": f"sha256={e['core-metadata']['sha256']}"}
                if "core-metadata" in e
                else {},
            )
            for e in entries
        ]
        body, content_type = html_page(project, anchors), "text/html"
    server.route(
        f"{prefix}/{project}/",
        body,
        content_type=content_type,
        headers=dict(page_headers or {"Cache-Control": "max-age=600"}),
        etag=etag,
    )
    return server.url(prefix)


def hammer_cache(index_url: str, cache_dir: str, projects: Sequence[str], rounds: int) -> None:
    """Child-process body of the shared-cache test: fetch and re-fetch everything."""
    from wheelfit.index.client import IndexClient

    for round_ in range(rounds):
        with IndexClient([index_url], cache_dir=cache_dir, refresh=round_ > 0, backoff=0) as client:
            client.prefetch(projects)
            for name in projects:
                page = client.project(name)
                assert page is not None
                for file in page.files:
                    assert client.core_metadata(file) is not None
