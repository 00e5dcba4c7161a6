"""One sdist read through `index.sdist.tar_members` (every member looked at, none kept), alone
or beside busy pure-Python threads, as a run's index threads would be: prints one JSON line
(wall and CPU of the read, and how many busy threads ran beside it). The tree is the
`wheelfit` on `sys.path` (PYTHONPATH=<tree>/src for a base tree).

    PYTHONPATH=src python bench/sdist_gil.py /path/to/x.tar.gz --busy 1 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path


def _chunks(path: Path, size: int = 64 * 1024):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def _spin(stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        for i in range(1000):
            n += i


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("tarball", type=Path)
    ap.add_argument("--busy", type=int, default=0, help="busy pure-Python threads beside it")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out-size", type=int, help="gunzip.OUT_SIZE (trees that have it)")
    ns = ap.parse_args()
    if ns.out_size:
        from wheelfit.index import gunzip, sdist

        gunzip.OUT_SIZE = sdist.OUT_SIZE = ns.out_size  # type: ignore[attr-defined]
    from wheelfit.index.limits import DEFAULT_LIMITS
    from wheelfit.index.sdist import tar_members

    for _ in range(ns.rounds):
        stop = threading.Event()
        spinners = [threading.Thread(target=_spin, args=(stop,)) for _ in range(ns.busy)]
        for thread in spinners:
            thread.start()
        cpu, wall = time.thread_time(), time.perf_counter()
        found = tar_members(_chunks(ns.tarball), lambda name: False, max_member_bytes=1 << 20,
                            limits=DEFAULT_LIMITS, url=ns.tarball.name)
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        stop.set()
        for thread in spinners:
            thread.join()
        row = {"file": ns.tarball.name, "busy": ns.busy, "out_size": ns.out_size,
               "wall": round(wall, 3), "reader_cpu": round(cpu, 3), "complete": found.complete}
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
