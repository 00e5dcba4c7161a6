"""New project pages parsed and memoised in a helper process, on the machine's other core.

A cold check turns 170 MB of page JSON into the parsed memo for the 500 most-downloaded
projects (`memochunks.parse_memo_chunks`, else `pages.parse_grouped` and
`parsed.encode_rows`). That work needs nothing of the run but the bytes, so
`ParseHelper.memoise` hands a body to one helper process (this module run with `-m`), which
parses it with the very same code and caps, writes the memo entry and answers one byte; the
run then opens the entry lazily, as it opens any memoised page, and decodes only the
versions it looks at.

The helper is an optimisation, never a requirement: it starts at the first body worth it
(`MIN_BODY_BYTES`; never with WHEELFIT_NO_PARSE_HELPER=1, the benchmark's A/B switch), and
any failure (it cannot start, dies, or the page does not parse or store) answers False, and
the caller parses in its own process as before, raising the page's own errors. Bodies whose
URLs may carry credentials never go to the helper.

Frames on the helper's stdin: 4-byte big-endian length + JSON header (store root, key,
content type, page URL, project), 8-byte length + body. Its answer: b"1" written, b"0" not.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

MIN_BODY_BYTES = 64 * 1024
_WRITTEN, _NOT_WRITTEN = b"1", b"0"


class ParseHelper:
    """One helper process, started on first use; thread-safe (requests go one at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        # WHEELFIT_NO_PARSE_HELPER=1: parse in the run's own process (the benchmark's A/B)
        self._broken = os.environ.get("WHEELFIT_NO_PARSE_HELPER") == "1"

    def memoise(self, root: Path, key: str, body: bytes, content_type: str, url: str,
                project: str) -> bool:
        """Parse `body` and store its memo entry under `key` in the `parsed` store at `root`;
        False when the caller should parse it itself."""
        if len(body) < MIN_BODY_BYTES:
            return False
        header = json.dumps({"root": str(root), "key": key, "type": content_type,
                             "url": url, "project": project}).encode()
        with self._lock:
            proc = self._running()
            if proc is None or proc.stdin is None or proc.stdout is None:
                return False
            try:
                proc.stdin.write(struct.pack(">I", len(header)) + header)
                proc.stdin.write(struct.pack(">Q", len(body)))
                proc.stdin.write(body)
                proc.stdin.flush()
                answer = proc.stdout.read(1)
            except (OSError, ValueError):
                answer = b""
            if answer not in (_WRITTEN, _NOT_WRITTEN):
                self._stop(proc)
                self._broken = True
            return answer == _WRITTEN

    def close(self) -> None:
        """Stop the helper (it exits when its stdin closes)."""
        with self._lock:
            if self._proc is not None:
                self._stop(self._proc)
            self._broken = True

    def _running(self) -> subprocess.Popen[bytes] | None:
        if self._broken:
            return None
        if self._proc is None:
            import subprocess  # here: a run answered from the cache never starts a helper

            package_root = str(Path(__file__).resolve().parents[2])
            code = (f"import sys; sys.path.insert(0, {package_root!r}); "
                    "from wheelfit.index.parseproc import serve; serve()")
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-c", code], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            except OSError:
                self._broken = True
                return None
        return self._proc

    @staticmethod
    def _stop(proc: subprocess.Popen[bytes]) -> None:
        import subprocess

        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve(stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> None:
    """The helper's loop: one frame in, one byte out, until stdin closes."""
    source = stdin or sys.stdin.buffer
    sink = stdout or sys.stdout.buffer
    while True:
        head = source.read(4)
        if len(head) < 4:
            return
        header = json.loads(source.read(struct.unpack(">I", head)[0]))
        size = struct.unpack(">Q", source.read(8))[0]
        body = source.read(size)
        if len(body) != size:
            return
        sink.write(_WRITTEN if _memoise(header, body) else _NOT_WRITTEN)
        sink.flush()


def _memoise(header: dict[str, str], body: bytes) -> bool:
    """Parse and store one page; False on any failure (the caller parses it again)."""
    from wheelfit.index.cache import Store
    from wheelfit.index.parse import pages
    from wheelfit.index.parse.memochunks import parse_memo_chunks
    from wheelfit.index.parsed import encode_chunks, encode_rows, storable_rows

    try:
        chunks = parse_memo_chunks(body, header["type"], header["url"], header["project"])
        if chunks is not None:
            payload = encode_chunks(chunks)
        else:
            rows = pages.parse_grouped(body, header["type"], header["url"], header["project"])
            if not storable_rows(rows):
                return False
            payload = encode_rows(rows)
        return Store(Path(header["root"]), "parsed").put(header["key"], payload)
    except Exception:  # the caller's own parse raises the page's error, with its message
        return False

