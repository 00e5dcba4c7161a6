#!/usr/bin/env python3
"""Where wheelfit's time goes: import times and a cProfile of one check, on the snapshot.

    .venv/bin/python bench/profile_wheelfit.py --input lock-100 --mode warm
    .venv/bin/python bench/profile_wheelfit.py --input pins-1000 --mode cold [--top 30]

Starts bench/serve.py, runs the check once to fill a cache when ``--mode warm``, then

1. ``python -X importtime -m wheelfit check …``: the slowest imports (cumulative);
2. the same check in-process under cProfile, with *every* thread profiled (wheelfit resolves
   the two targets and fetches in worker threads, which a plain ``python -m cProfile`` does not
   see): the top functions by cumulative and by own time, summed over threads. cProfile's own
   overhead inflates the totals (roughly 1.5-2x); read the proportions.

Writes ``bench/results/profile-<input>-<mode>.{prof,txt}``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import INPUTS_BY_KEY, REPO, VENV_BIN, tool_env, wheelfit_cmd

RESULTS = Path(__file__).resolve().parent / "results"


def importtime(cmd: list[str], top: int) -> str:
    python = str(VENV_BIN / "python")
    done = subprocess.run([python, "-X", "importtime", "-m", "wheelfit", *cmd[1:]],
                          env=tool_env(), capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), int(m.group(1)), len(m.group(3)), m.group(4)))
    total = sum(own for _, own, _, _ in rows)
    out = [f"imports: {len(rows)} modules, {total / 1e6:.3f} s in total (own times summed)",
           "", "| cumulative s | own s | module |", "| ---: | ---: | --- |"]
    for cum, own, depth, name in sorted(rows, reverse=True)[:top]:
        out.append(f"| {cum / 1e6:.3f} | {own / 1e6:.3f} | {'·' * (depth // 2 - 1)}{name} |")
    return "\n".join(out)


# Blocking waits: an idle pool worker or a thread waiting for another's result. Summed over
# threads they dwarf the work, so they are left out of the tables (their total is printed).
_WAITS = ("_queue.SimpleQueue", "acquire' of '_thread", "threading.py:", "thread.py:",
          "_base.py:", "select' of", "method 'poll'", "sleep}")


def _label(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if path == "~":
        return name
    short = path.split("site-packages/")[-1].split("/src/")[-1].split("lib/python3.11/")[-1]
    return f"{short}:{line}({name})"


def table(stats: pstats.Stats, top: int) -> str:
    rows = []
    waited = 0.0
    for func, (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        label = _label(func)
        if any(w in label or w in repr(func) for w in _WAITS):
            waited += tt
            continue
        rows.append((ct, tt, nc, label))
    out = [f"(blocking waits left out: {waited:.2f} s of own time summed over threads)", ""]
    for title, key in (("cumulative", 0), ("own time", 1)):
        out += [f"top {top} by {title} (s, summed over threads):", "",
                "| cumulative s | own s | calls | function |", "| ---: | ---: | ---: | --- |"]
        for ct, tt, nc, label in sorted(rows, key=lambda r: r[key], reverse=True)[:top]:
            out.append(f"| {ct:.3f} | {tt:.3f} | {nc} | `{label}` |")
        out.append("")
    return "\n".join(out)


def inner(argv: list[str], prof_path: Path, top: int) -> None:
    """Run wheelfit's CLI in this process with every thread profiled."""
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    original = threading.Thread.run

    def run(self: threading.Thread) -> None:
        prof = cProfile.Profile()
        with lock:
            profiles.append(prof)
        prof.enable()
        try:
            original(self)
        finally:
            prof.disable()

    threading.Thread.run = run  # type: ignore[method-assign]
    main_prof = cProfile.Profile()
    real_stdout, sys.stdout = sys.stdout, open(os.devnull, "w")  # noqa: SIM115 - report unwanted
    t0 = time.perf_counter()
    main_prof.enable()
    try:
        from wheelfit.cli import main

        main(argv)
    except SystemExit:
        pass
    finally:
        main_prof.disable()
        sys.stdout.close()
        sys.stdout = real_stdout
    wall = time.perf_counter() - t0
    stats = pstats.Stats(main_prof, stream=io.StringIO())
    for prof in profiles:
        prof.create_stats()
        if prof.stats:  # type: ignore[attr-defined]
            stats.add(prof)
    stats.dump_stats(prof_path)
    print(f"wall {wall:.3f} s under cProfile; main thread + {len(profiles)} worker threads")
    print(table(stats, top))



def inner_memory(argv: list[str], top: int) -> None:
    """Run the CLI with tracemalloc; snapshot when resolution is done (entry of enrich())."""
    import tracemalloc

    tracemalloc.start(1)
    import wheelfit.pipeline.enrich as enrich_module

    original = enrich_module.enrich
    taken: dict[str, object] = {}

    def enrich(*args: object, **kwargs: object) -> object:
        taken["snapshot"] = tracemalloc.take_snapshot()
        taken["current"] = tracemalloc.get_traced_memory()[0]
        return original(*args, **kwargs)  # type: ignore[arg-type]

    enrich_module.enrich = enrich  # type: ignore[assignment]
    real_stdout, sys.stdout = sys.stdout, open(os.devnull, "w")  # noqa: SIM115 - report unwanted
    try:
        from wheelfit.cli import main

        main(argv)
    except SystemExit:
        pass
    finally:
        sys.stdout.close()
        sys.stdout = real_stdout
    peak = tracemalloc.get_traced_memory()[1]
    snap = taken["snapshot"]
    print(f"traced when resolution is done: {taken['current'] / 1e6:.0f} MB; "  # type: ignore[operator]
          f"traced peak: {peak / 1e6:.0f} MB", "", "| MB | blocks | allocated at |",
          "| ---: | ---: | --- |", sep="\n")
    for stat in snap.statistics("lineno")[:top]:  # type: ignore[attr-defined]
        frame = stat.traceback[0]
        where = frame.filename.split("site-packages/")[-1].split("/src/")[-1]
        print(f"| {stat.size / 1e6:.1f} | {stat.count} | `{where}:{frame.lineno}` |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, choices=sorted(INPUTS_BY_KEY))
    ap.add_argument("--mode", choices=("cold", "warm"), default="cold")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--snapshot", type=Path, default=Path(__file__).resolve().parent / "snapshot")
    ap.add_argument("--memory", action="store_true",
                    help="also a tracemalloc run: what holds the memory when resolution is done")
    ap.add_argument("--inner", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    ap.add_argument("--inner-memory", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    prof_path = RESULTS / f"profile-{args.input}-{args.mode}.prof"
    if args.inner is not None:
        inner(args.inner, prof_path, args.top)
        return 0
    if args.inner_memory is not None:
        inner_memory(args.inner_memory, args.top)
        return 0

    import compileall

    from run import Server

    compileall.compile_dir(REPO / "src" / "wheelfit", quiet=1)
    server = Server(args.snapshot)
    inp = INPUTS_BY_KEY[args.input]
    try:
        with tempfile.TemporaryDirectory(prefix="wfprof-") as tmp:
            cache = Path(tmp) / "cache"

            def fresh() -> None:
                subprocess.run(["rm", "-rf", str(cache)], check=True)
                if args.mode == "warm":
                    subprocess.run(wheelfit_cmd(inp, server.url, cache), env=tool_env(),
                                   capture_output=True, check=False)

            cmd = wheelfit_cmd(inp, server.url, cache)
            fresh()
            t0 = time.perf_counter()
            plain = subprocess.run(cmd, env=tool_env(), capture_output=True)
            plain_wall = time.perf_counter() - t0
            fresh()
            imports = importtime(cmd, args.top)
            fresh()
            prof = subprocess.run(
                [str(VENV_BIN / "python"), __file__, "--input", args.input, "--mode",
                 args.mode, "--top", str(args.top), "--inner", *cmd[1:]],
                env=tool_env(), capture_output=True, text=True, cwd=tmp)
            memory = ""
            if args.memory:
                fresh()
                memory = subprocess.run(
                    [str(VENV_BIN / "python"), __file__, "--input", args.input, "--mode",
                     args.mode, "--top", "12", "--inner-memory", *cmd[1:]],
                    env=tool_env(), capture_output=True, text=True, cwd=tmp).stdout
    finally:
        server.close()
    text = "\n".join([
        f"# wheelfit profile: {args.input}, {args.mode} cache, loopback snapshot", "",
        f"command: {' '.join(os.path.basename(c) if c.startswith('/') else c for c in cmd)}",
        f"plain run (no profiler): {plain_wall:.3f} s wall, exit {plain.returncode}", "",
        "## python -X importtime", "", imports, "",
        "## cProfile, all threads", "", prof.stdout, prof.stderr[-2000:],
        *(["## tracemalloc", "", memory] if args.memory else [])])
    out = prof_path.with_suffix(".txt")
    out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
