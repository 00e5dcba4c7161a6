"""A `requests` transport adapter for `file://` URLs, so a PEP 503 tree on disk works as
`--index-url file:///path/simple`.

A directory URL serves its `index.html` (as pip does); a missing file is a 404; files are
served as bytes with `Content-Length`, and `Range: bytes=a-b` / `bytes=a-` / `bytes=-n`
are answered with 206 so wheels on disk can be range-read like remote ones.
"""

from __future__ import annotations

import io
import mimetypes
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE | re.ASCII)


class FileAdapter(BaseAdapter):
    """Serve `file://` URLs from the local file system (read-only)."""

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Answer a GET/HEAD for a local path."""
        url = request.url or ""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return _response(request, 400, b"file URLs must not name a host")
        path = url2pathname(unquote(parts.path))
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by Response.close()
        except (FileNotFoundError, NotADirectoryError):
            return _response(request, 404, b"")
        except PermissionError:
            return _response(request, 403, b"")
        except OSError as exc:
            raise requests.ConnectionError(f"cannot read {path}: {exc.strerror}") from None
        size = os.fstat(handle.fileno()).st_size
        headers = CaseInsensitiveDict(
            {"Content-Type": _content_type(path), "Accept-Ranges": "bytes"}
        )
        status = 200
        start, end = 0, size
        match = _RANGE.match(request.headers.get("Range", "") or "")
        if match and (match.group(1) or match.group(2)):
            first, last = match.group(1), match.group(2)
            if first:
                start = int(first)
                end = min(size, int(last) + 1) if last else size
            else:
                start = max(0, size - int(last))
            if start >= size or end <= start:
                handle.close()
                return _response(request, 416, b"", {"Content-Range": f"bytes */{size}"})
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        handle.seek(start)
        length = 0 if request.method == "HEAD" else end - start
        headers["Content-Length"] = str(end - start)
        return _response(request, status, _FileBody(handle, length), headers)

    def close(self) -> None:
        """Nothing pooled."""


class _FileBody(io.RawIOBase):
    """`length` bytes of an open file; closes the file once they are read (requests does not
    close a fully consumed body)."""

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


def _response(
    request: requests.PreparedRequest,
    status: int,
    body: bytes | io.RawIOBase | io.BytesIO,
    headers: Mapping[str, str] | None = None,
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = {
        200: "OK",
        206: "Partial Content",
        403: "Forbidden",
        404: "Not Found",
        416: "Range Not Satisfiable",
    }.get(status, "")
    response.url = request.url or ""
    response.request = request
    response.headers = CaseInsensitiveDict(headers or {})
    if isinstance(body, bytes):
        response.headers.setdefault("Content-Length", str(len(body)))
        body = io.BytesIO(body)
    response.raw = body
    return response
