#!/usr/bin/env python3
"""The CPU of reading sdists: downloaded tarballs replayed through `tar_members`, two
source trees side by side (single-threaded, no network).

    .venv/bin/python bench/sdist_cpu.py NEW_SRC BASE_SRC [--dir DIR] [--rounds N]
                                        [--chunk BYTES] [--only NAME...] [--contend N]

DIR (default /var/tmp/wf-sdist-files) holds the `.tar.gz` files a cold top-500 run
streams (`GET .*tar.gz` in its `-v` log), downloaded once. Each is handed to
`tar_members` as the run hands it: from memory in `--chunk` pieces (1 MiB by default),
the build-file selection or PKG-INFO wanted, `SCAN_MEMBER_BYTES` per member, stopping at
an early PKG-INFO as `FileReader._pkg_info_with_scan` does, with the file's own sha256 as
the index's hash. CPU is the reading thread's `time.thread_time` per sdist (wall:
`time.monotonic`), best of two passes, one process per tree per round, the order
alternating. `--contend N` runs N pure-Python threads beside the reader, as a run's other
threads do: each GIL release by the reader (a decompress, a hash update) then costs a
hand-off. Each tree's result (members' bytes, whether the read was complete, the hash
note) is compared by SHA-256: a difference is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path


def _busy(stop: threading.Event) -> None:
    """Pure-Python work that wants the GIL all the time (the run's other threads)."""
    total = 0
    while not stop.is_set():
        for i in range(1000):
            total += i * i


def _child(src: str, folder: str, chunk: int, only: list[str], contend: int) -> None:
    sys.path.insert(0, src)
    stop = threading.Event()
    for _ in range(contend):
        threading.Thread(target=_busy, args=(stop,), daemon=True).start()
    from wheelfit.buildneeds.buildmembers import is_build_file
    from wheelfit.index.files import _WHOLE, SCAN_MEMBER_BYTES, _early, _is_pkg_info
    from wheelfit.index.limits import DEFAULT_LIMITS
    from wheelfit.index.sdist import tar_members

    out: dict[str, list[object]] = {}
    for path in sorted(Path(folder).glob("*.tar.gz")):
        if only and not any(name in path.name for name in only):
            continue
        data = path.read_bytes()
        chunks = [data[i:i + chunk] for i in range(0, len(data), chunk)]
        digest = hashlib.sha256(data).hexdigest()
        best = wall = 1e9
        result = ""
        for _ in range(2):
            started, began = time.thread_time(), time.monotonic()
            found = tar_members(
                iter(chunks), lambda p: is_build_file(p) or _is_pkg_info(p),
                max_member_bytes=SCAN_MEMBER_BYTES, limits=DEFAULT_LIMITS,
                url=f"https://files.example/{path.name}", hashes=[("sha256", digest)],
                until=_early(len(data) <= _WHOLE))
            best = min(best, time.thread_time() - started)
            wall = min(wall, time.monotonic() - began)
            summary = hashlib.sha256()
            for name, body in found.items():
                summary.update(f"{name}\0{len(body)}\0".encode() + body)
            summary.update(f"{found.complete}\0{found.hash_note}".encode())
            result = summary.hexdigest()
        out[path.name] = [best, result, len(data), wall]
    stop.set()
    print(json.dumps(out))


def _run(src: str, args: argparse.Namespace) -> dict[str, list[object]]:
    command = [sys.executable, __file__, "--child", src, "--dir", args.dir,
               "--chunk", str(args.chunk), "--contend", str(args.contend)]
    if args.only:
        command += ["--only", *args.only]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("trees", nargs="*")
    parser.add_argument("--child")
    parser.add_argument("--dir", default="/var/tmp/wf-sdist-files")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=1 << 20)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--contend", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.dir, args.chunk, args.only, args.contend)
        return
    runs: dict[str, list[dict[str, list[object]]]] = {tree: [] for tree in args.trees}
    for round_ in range(args.rounds):
        order = args.trees if round_ % 2 == 0 else list(reversed(args.trees))
        for tree in order:
            runs[tree].append(_run(tree, args))
    names = sorted(runs[args.trees[0]][0])
    heads = " | ".join(f"{Path(t).parent.name}/{Path(t).name} CPU s | wall s"
                       for t in args.trees)
    print(f"| sdist | MB | {heads} |\n|---|---:|" + "---:|---:|" * len(args.trees))
    totals = [0.0] * (2 * len(args.trees))
    for name in names:
        cells = []
        for i, tree in enumerate(args.trees):
            for j in (0, 1):
                best = min(float(run[name][3 * j]) for run in runs[tree])  # type: ignore[arg-type]
                totals[2 * i + j] += best
                cells.append(f"{best:.3f}")
        size = int(runs[args.trees[0]][0][name][2]) / 1e6  # type: ignore[call-overload]
        print(f"| {name} | {size:.1f} | " + " | ".join(cells) + " |")
        results = {run[name][1] for tree in args.trees for run in runs[tree]}
        if len(results) != 1:
            print(f"  DIFFERENT RESULTS for {name}", file=sys.stderr)
    print("| total | | " + " | ".join(f"{t:.3f}" for t in totals) + " |")


if __name__ == "__main__":
    main()
