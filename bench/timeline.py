#!/usr/bin/env python3
"""A timeline of one wheelfit run: when each index request started and ended (from the `-v`
request log, whose lines carry each request's milliseconds and are written when it ends),
on which thread, and when the pipeline's stages ran (wrapped here, not in the product).

    PYTHONPATH=SRC python bench/timeline.py TIMELINE.txt -- check INPUT --python 3.12 \\
        -i https://pypi.org/simple/ --cache-dir C --format json -o out.json -v

Times are seconds since the process started (`/proc/self/stat`). The file lists stages,
then requests by start time, then a summary: the span of each request kind, the gaps when
no request was in flight, the biggest downloads, and what ran after the last request.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from typing import Any


def _process_start() -> float:
    """The wall-clock time this process started (Linux; else the script's start)."""
    try:
        with open("/proc/self/stat") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        since_boot = time.clock_gettime(time.CLOCK_BOOTTIME)
        return time.time() - (since_boot - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return time.time()


T0 = _process_start()
_GET = re.compile(r"GET (\S+)(?: \[bytes=([^\]]*)\])? → (\d+)(?:, (\d+) bytes, (\d+) ms)?")
requests: list[tuple[float, float, str, str, int, str]] = []  # start, end, thread, kind, bytes, url
stages: list[tuple[float, float, str, str]] = []  # start, end, thread, label
samples: list[tuple[float, str]] = []  # time, the main thread's stack (innermost wheelfit calls)
_lock = threading.Lock()


class _Recorder(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        match = _GET.search(record.getMessage())
        if match is None or match.group(5) is None:
            return
        end = record.created - T0
        from reqkinds import kind_of  # bench/ is on sys.path (this script's folder)

        kind = kind_of(match.group(1), match.group(2))
        with _lock:
            requests.append((end - int(match.group(5)) / 1000, end, record.threadName, kind,
                             int(match.group(4)), _short(match.group(1))))


def _short(url: str) -> str:
    """A file's name, or a page's project name."""
    parts = url.rstrip("/").rsplit("/", 1)
    return parts[-1] + ("/" if url.endswith("/") else "")


def _wrap(owner: Any, attr: str, label: Callable[..., str]) -> None:
    inner = getattr(owner, attr)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.time() - T0
        try:
            return inner(*args, **kwargs)
        finally:
            with _lock:
                stages.append((start, time.time() - T0, threading.current_thread().name,
                               label(*args, **kwargs)))

    setattr(owner, attr, wrapper)


def _install() -> None:
    from wheelfit.index import client
    from wheelfit.pipeline import check, enrich, sdistplan
    from wheelfit.resolve import catalog

    _wrap(check, "check", lambda *a, **k: "check")
    _wrap(check, "_check_target", lambda spec, catalog, *a, **k: f"resolve {catalog.target.name}")
    _wrap(enrich, "enrich", lambda *a, **k: "enrich")
    _wrap(enrich, "_enrich_package", lambda pkg, *a, **k: f"enrich-pkg {pkg.name}")
    _wrap(client.IndexClient, "prefetch_sdists", lambda self, files: "prefetch_sdists")
    _wrap(sdistplan.SdistReads, "read",
          lambda self, f: f"wait sdist {f.filename if f is not None else None}")
    _wrap(catalog.ProjectCatalog, "page", lambda self, name: f"wait page {name}")
    _wrap(client.IndexClient, "wheel_summary", lambda self, f: f"wait summary {f.filename}")
    logging.getLogger("wheelfit.http").addHandler(_Recorder())


def _sample(main_id: int, period: float, stop: threading.Event) -> None:
    """Every `period` s, the main thread's innermost three wheelfit frames and its leaf."""
    while not stop.wait(period):
        frame = sys._current_frames().get(main_id)
        chain: list[str] = []
        leaf = ""
        while frame is not None and len(chain) < 3:
            code = frame.f_code
            where = f"{os.path.basename(code.co_filename)}:{code.co_name}"
            if "wheelfit" in code.co_filename:
                chain.append(where)
            elif not leaf and not chain:
                leaf = where
            frame = frame.f_back
        samples.append((time.time() - T0, " < ".join(chain) + (f" [{leaf}]" if leaf else "")))


def _segments(period: float) -> list[str]:
    """Runs of equal samples, longest kept: what the main thread did, in order."""
    out: list[str] = []
    start = 0
    for i in range(1, len(samples) + 1):
        if i == len(samples) or samples[i][1] != samples[start][1]:
            begin, end = samples[start][0] - period, samples[i - 1][0]
            if end - begin >= 0.04:
                out.append(f"{begin:6.2f} {end:6.2f} {samples[start][1]}")
            start = i
    return out


def _summary(out: list[str], exit_at: float) -> None:
    by_kind: dict[str, list[tuple[float, float, str, str, int, str]]] = {}
    for r in requests:
        by_kind.setdefault(r[3], []).append(r)
    out.append("\n# kinds: count, MB, first start, last end")
    for kind, rows in sorted(by_kind.items()):
        out.append(f"{kind:9} {len(rows):4} {sum(r[4] for r in rows) / 1e6:7.1f} MB "
                   f"{min(r[0] for r in rows):6.2f} {max(r[1] for r in rows):6.2f}")
    out.append("\n# gaps > 50 ms with no request in flight (after the first request)")
    spans = sorted((r[0], r[1]) for r in requests)
    reach = spans[0][1] if spans else 0.0
    for start, end in spans[1:]:
        if start - reach > 0.05:
            out.append(f"{reach:6.2f} .. {start:6.2f}  ({start - reach:.2f} s)")
        reach = max(reach, end)
    out.append(f"last request ends {reach:6.2f}; main returns {exit_at:6.2f} "
               f"({exit_at - reach:.2f} s after)")
    out.append("\n# biggest downloads")
    for r in sorted(requests, key=lambda r: -r[4])[:8]:
        out.append(f"{r[0]:6.2f} {r[1]:6.2f} {r[3]:8} {r[4] / 1e6:6.2f} MB {r[5]}")


def main() -> int:
    path, args = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    imported = time.time() - T0
    _install()
    installed = time.time() - T0
    stop = threading.Event()
    period = float(os.environ.get("TIMELINE_SAMPLE", "0") or 0)
    if period:
        threading.Thread(target=_sample, args=(threading.get_ident(), period, stop),
                         daemon=True, name="timeline-sampler").start()
    from wheelfit.cli import main as cli_main

    sys.argv = ["wheelfit", *args]
    with contextlib.suppress(SystemExit):
        cli_main()
    exit_at = time.time() - T0
    stop.set()
    out = [f"# script start {imported:.2f}, wrappers in {installed:.2f}, exit {exit_at:.2f}",
           "# stages: start end thread label"]
    out += [f"{s:6.2f} {e:6.2f} {t:24} {label}" for s, e, t, label in sorted(stages)
            if not label.startswith(("wait", "enrich-pkg")) or e - s > 0.05]
    if period:
        out.append(f"\n# main thread, sampled every {period} s (runs >= 40 ms)")
        out += _segments(period)
    out.append("\n# requests: start end thread kind bytes file")
    out += [f"{s:6.2f} {e:6.2f} {t:24} {k:8} {b:9} {u}" for s, e, t, k, b, u in sorted(requests)]
    _summary(out, exit_at)
    with open(path, "w") as handle:
        handle.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
