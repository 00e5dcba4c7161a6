"""New project pages parsed and memoised in a helper process, on the machine's other core.

A cold check turns 170 MB of page JSON into the parsed memo for the 500 most-downloaded
projects (`memochunks.parse_memo_chunks`, else `pages.parse_grouped` and
`parsed.encode_rows`). That work needs nothing of the run but the bytes, so a body is handed
to a helper process (this module's `serve`), which parses it with the very same code and
caps, writes the memo entry and answers one byte; the run then opens the entry lazily, as it
opens any memoised page, and decodes only the versions it looks at.

`ParseHelper.submit` queues a body and returns at once with a future: the thread that fetched
the page goes on to its next job, and only the threads that need that page wait for it.
Pages someone waits for (`urgent`, or `hurry` later) are sent before the pages fetched
ahead. A feeder thread writes frames (at most `IN_FLIGHT` unanswered, so the helper never
waits for its next body and the queue can still be reordered); a reader thread settles the
futures in order. Queued bodies are bounded (`QUEUED_BYTES`): past it `submit` waits.

The helper is an optimisation, never a requirement: it starts with the first page asked of
the network (`start`: its start-up and imports, ~0.09 s, overlap the download; a run the
cache answers starts none) and takes bodies worth it (`MIN_BODY_BYTES`, a quarter of it for a
body gzip'd as sent; never with WHEELFIT_NO_PARSE_HELPER=1, the benchmark's A/B switch), and
any failure (it cannot start, dies, or the page does not parse or store) settles the future
with False, and the caller parses in its own process as before, raising the page's own
errors. Bodies whose URLs may carry credentials never go to the helper.

Frames on the helper's stdin: 4-byte big-endian length + JSON header (store root, key,
content type, page URL, project, content coding, page cap, the answer to store), 8-byte
length + body. Its answer: b"1" written, b"0" not.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import os
import struct
import sys
import threading
from collections import deque
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping

MIN_BODY_BYTES = 64 * 1024
IN_FLIGHT = 2  # frames written and not yet answered
QUEUED_BYTES = 32 << 20  # bodies waiting to be written: past it `submit` waits
_WRITTEN, _NOT_WRITTEN = b"1", b"0"
_URGENT, _AHEAD = 0, 1


@dataclass(order=True)
class _Job:
    rank: int
    seq: int
    frame: bytes = field(compare=False)
    body: bytes = field(compare=False)
    tag: str = field(compare=False)
    done: Future[bool] = field(compare=False, default_factory=Future)
    taken: bool = field(compare=False, default=False)


class ParseHelper:
    """One helper process, started on first use, fed from a queue; thread-safe."""

    def __init__(self, min_body_bytes: int = MIN_BODY_BYTES) -> None:
        """`min_body_bytes`: the smallest body worth the helper (a quarter of it gzip'd)."""
        self._min_body = min_body_bytes
        self._cond = threading.Condition()
        self._queue: list[_Job] = []  # a heap: urgent first, then in order of arrival
        self._tagged: dict[str, _Job] = {}  # jobs not yet written, by tag (see `hurry`)
        self._sent: deque[_Job] = deque()  # written, answers pending, in order
        self._queued_bytes = 0
        self._seq = itertools.count()
        self._proc: subprocess.Popen[bytes] | None = None
        # WHEELFIT_NO_PARSE_HELPER=1: parse in the run's own process (the benchmark's A/B)
        self._broken = os.environ.get("WHEELFIT_NO_PARSE_HELPER") == "1"

    def submit(self, root: Path, key: str, body: bytes, content_type: str, url: str,
               project: str, *, urgent: bool = False, tag: str = "", coding: str = "",
               cap: int = 0, page: Mapping[str, Any] | None = None) -> Future[bool] | None:
        """Queue `body` to be parsed and stored under `key` in the `pages` store at `root`,
        with the answer `page`; `coding`: the body's `Content-Encoding` as sent (then `cap`
        bounds it decoded). The future says True when the entry is written, False when the
        caller should parse it itself; None (nothing queued) when the helper is not for
        this body."""
        if len(body) < (self._min_body // 4 if coding else self._min_body):
            return None
        header = json.dumps({"root": str(root), "key": key, "type": content_type,
                             "url": url, "project": project, "coding": coding, "cap": cap,
                             "page": page}).encode()
        frame = struct.pack(">I", len(header)) + header + struct.pack(">Q", len(body))
        with self._cond:
            while not urgent and self._queued_bytes > QUEUED_BYTES and not self._broken:
                self._cond.wait()
            if self._running() is None:
                return None
            job = _Job(_URGENT if urgent else _AHEAD, next(self._seq), frame, body, tag)
            heapq.heappush(self._queue, job)
            if tag:
                self._tagged[tag] = job
            self._queued_bytes += len(body)
            self._cond.notify_all()
        return job.done

    def hurry(self, tag: str) -> None:
        """Someone waits for the page queued under `tag`: send it before pages fetched
        ahead (no effect once it is written)."""
        with self._cond:
            job = self._tagged.get(tag)
            if job is None or job.rank == _URGENT:
                return
            job.taken = True  # the old heap entry is skipped; a copy goes in front
            urgent = _Job(_URGENT, next(self._seq), job.frame, job.body, tag, job.done)
            heapq.heappush(self._queue, urgent)
            self._tagged[tag] = urgent

    def memoise(self, root: Path, key: str, body: bytes, content_type: str, url: str,
                project: str, **more: Any) -> bool:
        """`submit` an urgent page (`more`: `submit`'s coding, cap, page) and wait for its
        answer; False when the caller should parse it itself."""
        done = self.submit(root, key, body, content_type, url, project, urgent=True, **more)
        return done is not None and done.result()

    def start(self) -> None:
        """Start the helper now (a page is on its way from the network), so that it has
        started and imported its parsers before the first body worth it arrives."""
        with self._cond:
            self._running()

    def close(self) -> None:
        """Stop the helper: it finishes the pages written to it and exits when its stdin
        closes (killed after 5 s); pages still queued answer False."""
        with self._cond:
            self._broken = True
            proc = self._proc
            queued = [j for j in self._queue if not j.taken]
            self._queue.clear()
            self._tagged.clear()
            self._queued_bytes = 0
            self._cond.notify_all()
        for job in queued:
            _settle(job, False)
        if proc is not None:
            _reap(proc)

    def _running(self) -> subprocess.Popen[bytes] | None:
        """The helper process, started (with its feeder and reader threads) on first use;
        None once it failed or was closed. Called with the condition held."""
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
            for loop, name in ((self._feed, "feeder"), (self._read, "reader")):
                threading.Thread(target=loop, args=(self._proc,), daemon=True,
                                 name=f"wheelfit-parse-{name}").start()
        return self._proc

    def _next(self) -> _Job | None:
        """The next job to write, once fewer than IN_FLIGHT wait for answers; None when the
        helper is closed or broken."""
        with self._cond:
            while True:
                if self._broken:
                    return None
                while self._queue and self._queue[0].taken:
                    heapq.heappop(self._queue)
                if self._queue and len(self._sent) < IN_FLIGHT:
                    job = heapq.heappop(self._queue)
                    job.taken = True
                    if self._tagged.get(job.tag) is job:
                        del self._tagged[job.tag]
                    self._queued_bytes -= len(job.body)
                    self._sent.append(job)
                    self._cond.notify_all()
                    return job
                self._cond.wait()

    def _feed(self, proc: subprocess.Popen[bytes]) -> None:
        """The feeder thread: writes frames; closes the helper's stdin at the end."""
        stdin = proc.stdin
        assert stdin is not None
        try:
            while (job := self._next()) is not None:
                stdin.write(job.frame)
                stdin.write(job.body)
                stdin.flush()
                job.body = b""  # written: the queue keeps no copy
        except (OSError, ValueError):
            self._fail(proc)
        finally:
            with contextlib.suppress(OSError, ValueError):
                stdin.close()

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        """The reader thread: settles written pages in order, until the helper ends."""
        stdout = proc.stdout
        assert stdout is not None
        while True:
            try:
                answer = stdout.read(1)
            except (OSError, ValueError):
                answer = b""
            if answer not in (_WRITTEN, _NOT_WRITTEN):
                break
            with self._cond:
                job = self._sent.popleft() if self._sent else None
                self._cond.notify_all()
            if job is not None:
                _settle(job, answer == _WRITTEN)
        self._fail(proc)
        stdout.close()

    def _fail(self, proc: subprocess.Popen[bytes]) -> None:
        """The helper ended, died or misbehaved: no more pages go to it, and every page
        not answered answers False (its caller parses it)."""
        with self._cond:
            self._broken = True
            jobs = [*self._sent, *(j for j in self._queue if not j.taken)]
            self._sent.clear()
            self._queue.clear()
            self._tagged.clear()
            self._queued_bytes = 0
            self._cond.notify_all()
        if proc.poll() is None:
            proc.kill()
        for job in jobs:
            _settle(job, False)


def _settle(job: _Job, written: bool) -> None:
    with contextlib.suppress(InvalidStateError):  # settled already (close, then the reader)
        job.done.set_result(written)


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Wait for the helper to exit after its stdin closed; kill it after 5 s."""
    import subprocess

    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def serve(stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> None:
    """The helper's loop: one frame in, one byte out, until stdin closes."""
    source = stdin or sys.stdin.buffer
    sink = stdout or sys.stdout.buffer
    _import_parsers()  # while the first body is still on its way
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


def _import_parsers() -> None:
    """Import what `_memoise` uses."""
    import wheelfit.index.bodies
    import wheelfit.index.cache
    import wheelfit.index.parse.memochunks
    import wheelfit.index.parse.pages
    import wheelfit.index.parsed  # noqa: F401


def _memoise(header: dict[str, Any], body: bytes) -> bool:
    """Inflate, parse and store one page; False on any failure (the caller parses it
    again)."""
    from wheelfit.index.bodies import inflated
    from wheelfit.index.cache import Store
    from wheelfit.index.parse import pages
    from wheelfit.index.parse.memochunks import parse_memo_chunks
    from wheelfit.index.parsed import encode_chunks, encode_rows, storable_rows

    try:
        if header.get("coding"):
            decoded = inflated(body, header["coding"], int(header["cap"]))
            if decoded is None or b"@" in decoded:  # the run raises, or owns the URLs
                return False
            body = decoded
        page = header.get("page")
        chunks = parse_memo_chunks(body, header["type"], header["url"], header["project"])
        if chunks is not None:
            payload = encode_chunks(chunks, page)
        else:
            rows = pages.parse_grouped(body, header["type"], header["url"], header["project"])
            if not storable_rows(rows):
                return False
            payload = encode_rows(rows, page)
        return Store(Path(header["root"]), "pages").put(header["key"], payload)
    except Exception:  # the caller's own parse raises the page's error, with its message
        return False

