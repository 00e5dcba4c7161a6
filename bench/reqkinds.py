"""Requests by kind, from wheelfit's request log (`-v`: one `GET URL [Range] → status` line per
request sent) and from uv's cache (one stored page per project page it fetched).

Each kind, and why wheelfit sends it (printed under the benchmark's table):
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

_RETRY = re.compile(r"wheelfit\.http: retry \d+ in ")
_GET = re.compile(r"GET (\S+)(?: \[bytes=([^\]]*)\])? → (\d+)(?:, (\d+) bytes)?")

KINDS = {
    "page": "project page (PEP 691 JSON): one per project in the closure, per index",
    "metadata": "PEP 658 `.metadata` file: only when the page advertises one and no read of "
                "the wheel's directory held METADATA with the page's hash",
    "tail": "last 64 KiB of a chosen wheel: its central directory (installed size, vendored "
            "libraries) and, for ~9 wheels in 10, its METADATA (dependencies)",
    "span": "a byte range of a wheel: the rest of a directory longer than the tail (reaching "
            "back to METADATA when the tail's entries place it near), or METADATA that the "
            "tail did not hold on an index without PEP 658 files",
    "sdist": "a chosen sdist, streamed: its PKG-INFO (static metadata) and build files",
    "other": "anything else",
    "retry": "an attempt that failed (connection broken, timeout, 429/5xx) and was sent "
             "again: not in the other counts",
}


def kind_of(url: str, byte_range: str | None) -> str:
    """The kind of one logged request."""
    if byte_range is not None:
        return "tail" if byte_range.startswith("-") else "span"
    if url.endswith(".metadata"):
        return "metadata"
    if url.endswith("/") or "/simple/" in url:
        return "page"
    if url.endswith((".tar.gz", ".zip", ".tar.bz2", ".tgz")):
        return "sdist"
    return "other"


def wheelfit_kinds(stderr: str) -> dict[str, int]:
    """Requests by kind (and `<kind> 404` for those answered 404/410) from a `-v` log."""
    counts: Counter[str] = Counter()
    for match in _GET.finditer(stderr):
        url, byte_range, status = match.group(1), match.group(2), match.group(3)
        kind = kind_of(url, byte_range)
        counts[kind] += 1
        if status in ("404", "410"):
            counts[f"{kind} 404"] += 1
        counts[f"{kind} MB"] += int(match.group(4) or 0)
    retries = len(_RETRY.findall(stderr))
    if retries:
        counts["retry"] = retries
    return {k: (round(v / 1e6, 1) if k.endswith(" MB") else v) for k, v in counts.items()}


def uv_pages(cache_dir: Path) -> int:
    """Project pages uv holds in its cache (it stores one file per page it fetched)."""
    return sum(1 for p in cache_dir.glob("simple-v*/**/*") if p.is_file()
               and not p.name.startswith(".") and p.suffix not in (".lock",))
