"""`file://` URLs for the transport, so a PEP 503 tree on disk works as
`--index-url file:///path/simple`.

A directory URL serves its `index.html` (as pip does); a missing file is a 404; files are
served as bytes with `Content-Length`, and `Range: bytes=a-b` / `bytes=a-` / `bytes=-n`
are answered with 206 so wheels on disk can be range-read like remote ones. The answer
reads like urllib3's (`status`, `reason`, `headers`, `read`, `close`, `release_conn`).
"""

from __future__ import annotations

import io
import mimetypes
import os
import re
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from requests.structures import CaseInsensitiveDict

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE | re.ASCII)
_REASONS = {200: "OK", 206: "Partial Content", 403: "Forbidden", 404: "Not Found",
            416: "Range Not Satisfiable"}


def open_file(url: str, headers: Mapping[str, str]) -> FileAnswer:
    """Answer a GET of a local path; OSError when the file cannot be read."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return FileAnswer(400, b"file URLs must not name a host")
    path = url2pathname(unquote(parts.path))
    if os.path.isdir(path):
        path = os.path.join(path, "index.html")
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the answer
    except (FileNotFoundError, NotADirectoryError):
        return FileAnswer(404, b"")
    except PermissionError:
        return FileAnswer(403, b"")
    except OSError as exc:
        raise OSError(f"cannot read {path}: {exc.strerror}") from None
    size = os.fstat(handle.fileno()).st_size
    found = {"Content-Type": _content_type(path), "Accept-Ranges": "bytes"}
    status = 200
    start, end = 0, size
    match = _RANGE.match(headers.get("Range", "") or "")
    if match and (match.group(1) or match.group(2)):
        first, last = match.group(1), match.group(2)
        if first:
            start = int(first)
            end = min(size, int(last) + 1) if last else size
        else:
            start = max(0, size - int(last))
        if start >= size or end <= start:
            handle.close()
            return FileAnswer(416, b"", {"Content-Range": f"bytes */{size}"})
        status = 206
        found["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    handle.seek(start)
    found["Content-Length"] = str(end - start)
    return FileAnswer(status, _FileBody(handle, end - start), found)


class FileAnswer:
    """A local file's answer, read like a urllib3 response."""

    def __init__(self, status: int, body: bytes | io.RawIOBase,
                 headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.reason: str | None = _REASONS.get(status, "")
        self.headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(headers or {})
        if isinstance(body, bytes):
            self.headers.setdefault("Content-Length", str(len(body)))
        self._body: io.RawIOBase | io.BytesIO = (
            io.BytesIO(body) if isinstance(body, bytes) else body
        )

    def read(self, amt: int | None = None, decode_content: bool | None = None) -> bytes:
        """Up to `amt` bytes of the body (all of it without `amt`)."""
        return self._body.read(-1 if amt is None else amt) or b""

    def close(self) -> None:
        """Close the file."""
        self._body.close()

    def release_conn(self) -> None:
        """Nothing pooled."""


class _FileBody(io.RawIOBase):
    """`length` bytes of an open file; closes the file once they are read (the transport
    releases a fully read answer without closing it)."""

    def __init__(self, handle: io.BufferedReader, length: int) -> None:
        super().__init__()
        self._handle = handle
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left <= 0 or self._handle.closed:
            self._handle.close()
            return 0
        size = min(len(buffer), self._left)
        # `buffer` may be a bytearray (RawIOBase.read passes one): slice a view, not a copy.
        count = self._handle.readinto(memoryview(buffer)[:size])
        if not count:
            self._handle.close()
            return 0
        self._left -= count
        return count

    def close(self) -> None:
        self._handle.close()
        super().close()


def _content_type(path: str) -> str:
    if path.endswith((".html", ".htm")):
        return "text/html"
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"
