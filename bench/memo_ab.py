#!/usr/bin/env python3
"""Page bodies → parsed memo, two source trees side by side (single-threaded).

    .venv/bin/python bench/memo_ab.py same NEW_SRC BASE_SRC BODIES KIND
    .venv/bin/python bench/memo_ab.py time NEW_SRC BASE_SRC BODIES KIND big|small ROUNDS

BODIES is `bench/page_bodies.py`'s output, KIND `loop` or `raw`. `same`: every page's memo
payload (`encode_chunks` of `parse_memo_chunks`, else `encode_rows` of `parse_grouped`) by
each tree, compared by SHA-256. `time`: `parse_memo_chunks` and `encode_chunks` CPU seconds
(`time.process_time`, best of 2 passes) over the bodies ≥ 64 KiB (`big`, the helper's) or
smaller, one process per tree per round, the order alternating.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

CT = "application/vnd.pypi.simple.v1+json"


def _pages(bodies: str, kind: str) -> list[tuple[str, bytes, str]]:
    found = []
    for path in sorted((Path(bodies) / kind).iterdir()):
        url = (f"http://127.0.0.1:18514/simple/{path.stem}/" if kind == "loop"
               else f"https://pypi.org/simple/{path.stem}/")
        found.append((path.stem, path.read_bytes(), url))
    return found


def _digests(bodies: str, kind: str) -> dict[str, list[object]]:
    from wheelfit.index.parse import pages
    from wheelfit.index.parse.memochunks import parse_memo_chunks
    from wheelfit.index.parsed import encode_chunks, encode_rows

    out: dict[str, list[object]] = {}
    for name, body, url in _pages(bodies, kind):
        chunks = parse_memo_chunks(body, CT, url, name)
        payload = encode_chunks(chunks) if chunks is not None else encode_rows(
            pages.parse_grouped(body, CT, url, name))
        out[name] = [chunks is not None, hashlib.sha256(payload).hexdigest()]
    return out


def _times(bodies: str, kind: str, which: str) -> list[float]:
    from wheelfit.index.parse.memochunks import parse_memo_chunks
    from wheelfit.index.parsed import encode_chunks

    chosen = [p for p in _pages(bodies, kind) if (len(p[1]) >= 65536) == (which == "big")]
    best = [1e9, 1e9]
    for _ in range(2):
        parse = encode = 0.0
        for name, body, url in chosen:
            started = time.process_time()
            chunks = parse_memo_chunks(body, CT, url, name)
            parse += time.process_time() - started
            started = time.process_time()
            encode_chunks(chunks or {})
            encode += time.process_time() - started
        best = [min(best[0], parse), min(best[1], encode)]
    return [*best, sum(len(p[1]) for p in chosen)]


def _child(src: str, *args: str) -> object:
    """Run this script's `child` mode with `src` first on the path; its JSON answer."""
    done = subprocess.run([sys.executable, __file__, "child", src, *args],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> int:
    if sys.argv[1] == "child":  # in the tree under test
        src, mode, bodies, kind, *more = sys.argv[2:]
        sys.path.insert(0, src)
        print(json.dumps(_digests(bodies, kind) if mode == "same"
                         else _times(bodies, kind, more[0])))
        return 0
    mode, new, base, bodies, kind, *rest = sys.argv[1:]
    if mode == "same":
        ours, theirs = _child(new, mode, bodies, kind), _child(base, mode, bodies, kind)
        assert isinstance(ours, dict) and isinstance(theirs, dict)
        differ = [name for name in ours if ours[name] != theirs.get(name)]
        fast = sum(1 for value in ours.values() if value[0])
        print(f"{kind}: {len(ours)} pages, {fast} with memo chunks, differing: {differ}")
        return 1 if differ else 0
    which, rounds = rest[0], int(rest[1])
    results: dict[str, list[list[float]]] = {"new": [], "base": []}
    trees = [("new", new), ("base", base)]
    for round_ in range(rounds):
        for label, src in trees if round_ % 2 == 0 else trees[::-1]:
            found = _child(src, mode, bodies, kind, which)
            assert isinstance(found, list)
            results[label].append(found)
    for label, rows in results.items():
        mb = rows[0][2] / 1e6
        parse = [row[0] for row in rows]
        print(f"{kind} {which} {label}: {mb:.1f} MB, parse s "
              + " ".join(f"{p:.3f}" for p in parse)
              + f", best {min(parse):.3f} ({mb / min(parse):.0f} MB/s); encode best "
              f"{min(row[1] for row in rows):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
