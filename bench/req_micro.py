"""Per-request CPU of the index layer's pieces, one thread, against a `bench/serve.py` replay
(thread CPU, so other processes on the box matter less than for whole runs):

    python bench/req_micro.py http  SNAPSHOT PORT   # Transport.get of every metadata file, x2
    python bench/req_micro.py layers SNAPSHOT PORT  # the same GETs one layer down at a time
    python bench/req_micro.py parse SNAPSHOT        # central directories of the recorded wheels
    python bench/req_micro.py put   DIR             # 1,000 Store.put of 3 KB in a fresh DIR

Run it with PYTHONPATH pointing at the tree to measure (A/B: the base's `src`, then this one).
"""

import contextlib
import json
import os
import shutil
import sys
import time
from pathlib import Path


def http(snapshot: str, port: str) -> str:
    from wheelfit.index.http import Transport

    names = sorted(os.listdir(os.path.join(snapshot, "metadata")))
    urls = [f"http://127.0.0.1:{port}/files/{n}" for n in names]
    transport = Transport()
    transport.get(urls[0], max_bytes=1 << 22)  # connection and imports outside the count
    started = time.thread_time()
    for _round in range(2):
        for url in urls:
            transport.get(url, max_bytes=1 << 22)
    spent = time.thread_time() - started
    return f"{spent / (2 * len(urls)) * 1e3:.3f} ms CPU per request ({2 * len(urls)} requests)"


def layers(snapshot: str, port: str) -> str:
    """CPU per GET of the metadata files through the transport, its `Sender`, a bare
    urllib3 pool and bare http.client (same headers), three interleaved rounds."""
    import http.client

    import urllib3

    from wheelfit.index.http import Transport

    names = sorted(os.listdir(os.path.join(snapshot, "metadata")))
    paths = [f"/files/{n}" for n in names]
    base = f"http://127.0.0.1:{port}"
    transport = Transport()
    transport.get(base + paths[0], max_bytes=1 << 22)
    sender = transport._sending()
    headers = dict(sender._headers)
    pool = urllib3.HTTPConnectionPool("127.0.0.1", int(port), maxsize=1)
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=15)

    def whole(answer):  # type: ignore[no-untyped-def]
        while answer.read(1 << 20, decode_content=False):
            pass
        answer.release_conn()

    def bare(path: str) -> None:
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()

    ways = {
        "Transport.get": lambda path: transport.get(base + path, max_bytes=1 << 22),
        "Sender.send + reads": lambda path: whole(sender.send(base + path, None, None, 15.0)),
        "urllib3 pool.urlopen + reads": lambda path: whole(pool.urlopen(
            "GET", path, headers=headers, retries=False, redirect=False,
            preload_content=False, decode_content=False)),
        "http.client": bare,
    }
    spent = dict.fromkeys(ways, 0.0)
    for _round in range(3):
        for label, way in ways.items():
            way(paths[0])
            started = time.thread_time()
            for path in paths:
                way(path)
            spent[label] += time.thread_time() - started
    return "\n".join(f"{label:30s} {seconds / (3 * len(paths)) * 1e3:.3f} ms CPU per GET"
                     for label, seconds in spent.items())


def _directories(snapshot: str) -> list[tuple[str, bytes, int, int]]:
    from wheelfit.index.limits import DEFAULT_LIMITS
    from wheelfit.index.parse.rangezip import Chunk, NeedBytesFrom, locate_directory

    found = []
    root = os.path.join(snapshot, "partial")
    for name in sorted(os.listdir(root)):
        if not name.endswith(".whl.part"):
            continue
        head, _, body = Path(root, name).read_bytes().partition(b"\n")
        header = json.loads(head)
        pos, chunk = 0, None
        for start, end in header["extents"]:
            data, pos = body[pos:pos + end - start], pos + end - start
            if end >= header["size"]:
                chunk = Chunk(start, data, header["size"])
        if chunk is None:
            continue
        try:
            at = locate_directory(chunk, DEFAULT_LIMITS, None)
        except NeedBytesFrom:
            continue
        if chunk.holds(at.cd_offset, at.cd_offset + at.cd_size):
            raw = chunk.slice(at.cd_offset, at.cd_offset + at.cd_size)
            found.append((name[:-5], raw, at.count, at.cd_offset))
    return found


def parse(snapshot: str) -> str:
    from wheelfit.compat.filenames import project_of
    from wheelfit.errors import IndexResponseError
    from wheelfit.index.parse.rangezip import metadata_entry, parse_central_directory
    from wheelfit.index.wheelsummary import summarise

    directories = _directories(snapshot)
    started = time.thread_time()
    for _round in range(3):
        for name, raw, count, offset in directories:
            entries = parse_central_directory(raw, count, offset)
            summarise((e.name, e.uncompressed_size) for e in entries)
            with contextlib.suppress(IndexResponseError):
                metadata_entry(entries, project_of(name) or "")
    spent = (time.thread_time() - started) / 3
    total = sum(count for _, _, count, _ in directories)
    return f"{spent:.3f} s CPU per pass over {len(directories)} directories, {total} entries"


def put(directory: str) -> str:
    from wheelfit.index.cache import Store

    root = Path(directory)
    shutil.rmtree(root, ignore_errors=True)
    store = Store(root, "immutable")
    payload = os.urandom(3000)
    started = time.thread_time()
    for index in range(1000):
        store.put(f"k{index}", payload)
    spent = time.thread_time() - started
    shutil.rmtree(root, ignore_errors=True)
    return f"{spent:.3f} ms CPU per put (1,000 puts)"


if __name__ == "__main__":
    what, *args = sys.argv[1:]
    print({"http": http, "layers": layers, "parse": parse, "put": put}[what](*args))
