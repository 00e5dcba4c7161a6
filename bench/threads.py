"""Run one wheelfit check with chosen thread-pool sizes and print what it cost, as one JSON
line: wall, user+sys CPU of the run and of its children (the parse helper), voluntary and
involuntary context switches (of each), peak RSS, and the most threads alive at once.

    python bench/threads.py --index-workers 8 --warm-workers 4 -- check \
        bench/inputs/top-500.txt --python 3.12 -i http://127.0.0.1:18511/simple \
        --cache-dir /var/tmp/wf-x --format json -o out.json

The sizes are set in this process before the CLI runs (the index client's `max_workers`,
`resolve.catalog.WARM_WORKERS`, which trees after `7f9752c` no longer have: their warm-up
runs in the index's pool); omitted ones keep the tree's own.
Which tree runs is the `wheelfit` on `sys.path` (PYTHONPATH=<tree>/src for a base tree).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time
from collections import Counter


def _patch(index_workers: int | None, warm_workers: int | None) -> None:
    if index_workers is not None:
        from wheelfit.index import client

        opened = client.open_index

        def open_index(*args, **kwargs):  # type: ignore[no-untyped-def]
            kwargs["max_workers"] = index_workers
            return opened(*args, **kwargs)

        client.open_index = open_index  # type: ignore[assignment]
    if warm_workers is not None:
        from wheelfit.resolve import catalog

        if hasattr(catalog, "WARM_WORKERS"):
            catalog.WARM_WORKERS = warm_workers  # type: ignore[attr-defined]


def _state(frame: object) -> str:
    """What a thread is doing, from its innermost Python frames: idle (a pool thread with
    no job), waits (for another's work: a future, an event, a lock), network (a socket
    read), running (anything else: Python code, or C code such as a pipe read)."""
    names = []
    where = ""
    while frame is not None and len(names) < 40:
        code = frame.f_code  # type: ignore[attr-defined]
        names.append((code.co_filename.rsplit("/", 1)[-1], code.co_name))
        if not where and "/wheelfit/" in code.co_filename:
            where = f" {names[-1][0]}:{code.co_name}"
        frame = frame.f_back  # type: ignore[attr-defined]
    if not names or names[0] == ("thread.py", "_worker"):
        return "idle"
    if (names[0][0] == "threading.py" and names[0][1] == "wait") or \
            any(n == "result" and f == "_base.py" for f, n in names[:3]):
        return "waits" + where
    if names[0][0] in ("socket.py", "ssl.py") or names[0][1] in ("readinto", "recv_into"):
        return "network"
    return "running" + where


def _watch_threads(peak: list[int], samples: Counter[tuple[str, str]] | None) -> None:
    me = threading.get_ident()
    while True:
        peak[0] = max(peak[0], threading.active_count())
        time.sleep(0.05)
        if samples is None:
            continue
        names = {t.ident: t.name.rstrip("0123456789_") for t in threading.enumerate()}
        for ident, frame in sys._current_frames().items():
            if ident != me:
                samples[(names.get(ident, "?"), _state(frame))] += 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index-workers", type=int)
    ap.add_argument("--warm-workers", type=int)
    ap.add_argument("--label", default="")
    ap.add_argument("--sample", action="store_true", help="add the thread-state samples")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    ns = ap.parse_args()
    args = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
    _patch(ns.index_workers, ns.warm_workers)
    peak = [threading.active_count()]
    samples: Counter[tuple[str, str]] = Counter()
    threading.Thread(target=_watch_threads, args=(peak, samples if ns.sample else None),
                     daemon=True).start()
    from wheelfit.cli import main as cli

    started = time.perf_counter()
    code: object = 0
    try:
        cli(args)
    except SystemExit as exc:
        code = exc.code
    wall = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    row = {
        "label": ns.label, "index": ns.index_workers, "warm": ns.warm_workers,
        "exit": code, "wall": round(wall, 3),
        "cpu_self": round(me.ru_utime + me.ru_stime, 3),
        "cpu_children": round(kids.ru_utime + kids.ru_stime, 3),
        "nvcsw": me.ru_nvcsw, "nivcsw": me.ru_nivcsw,
        "nvcsw_children": kids.ru_nvcsw, "nivcsw_children": kids.ru_nivcsw,
        "rss_mb": round(me.ru_maxrss / 1024, 1), "threads_peak": peak[0] - 1,
    }
    if ns.sample:  # thread-samples every 50 ms: (thread name, state) -> count
        row["samples"] = {f"{n}/{s}": c for (n, s), c in sorted(samples.items())}
    print(json.dumps(row), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
