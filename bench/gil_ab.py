"""A/B of source trees (and GIL switch intervals) on one cold check, interleaved, with what
the threads' hand-offs cost: wall, CPU of the run and of the parse helper, voluntary and
involuntary context switches, and `perf stat`'s context-switch and futex counts (run and
helper together). Each round runs every variant once, in a shuffled order, on a fresh
cache; every report is compared with the first run's, `stats` removed.

    python bench/gil_ab.py --rounds 6 --variant base=/var/tmp/x-base/src \
        --variant new=src --variant si20=/var/tmp/x-base/src@0.02 -- \
        bench/inputs/top-500.txt --python 3.12 -i http://127.0.0.1:18640/simple

`NAME=SRC[@SECONDS][,pin]`: the tree on PYTHONPATH, `sys.setswitchinterval(SECONDS)` before
the CLI runs (default: the interpreter's 5 ms), and with `pin` the run's process on its first
allowed core and the parse helper (any child process) on its last. The remaining arguments
go to `wheelfit check` (`--cache-dir`, `--format json -o` are added). Needs `perf`
(without it, the futex and switch counts are left out). One JSON line per run in
`--jsonl`, a summary table (medians per variant) on stdout. `--events` adds perf events,
e.g. a uprobe on `PyEval_SaveThread` to count the GIL's releases.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs in the child: the switch interval, the CLI, then rusage of the run and its helper.
_CHILD = """
import json, os, resource, sys, time
si = os.environ.pop("WF_GIL_AB_SWITCH", "")
if si:
    sys.setswitchinterval(float(si))
if os.environ.pop("WF_GIL_AB_PIN", ""):  # the run on one core, the parse helper on the other
    import subprocess
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cores[0]})
    spawn = subprocess.Popen.__init__
    def pinned(self, *args, **kwargs):
        spawn(self, *args, **kwargs)
        os.sched_setaffinity(self.pid, {cores[-1]})
    subprocess.Popen.__init__ = pinned
from wheelfit.cli import main
t = time.perf_counter()
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
wall = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
row = {"exit": code, "wall": round(wall, 3),
       "cpu_run": round(me.ru_utime + me.ru_stime, 3), "user_run": round(me.ru_utime, 3),
       "sys_run": round(me.ru_stime, 3), "cpu_helper": round(kids.ru_utime + kids.ru_stime, 3),
       "vol_run": me.ru_nvcsw, "invol_run": me.ru_nivcsw, "rss_mb": round(me.ru_maxrss / 1024, 1)}
with open(os.environ["WF_GIL_AB_OUT"], "w") as out:
    json.dump(row, out)
"""

_EVENTS = "context-switches,syscalls:sys_enter_futex"


def _variant(text: str) -> tuple[str, str, str, bool]:
    name, _, rest = text.partition("=")
    src, _, switch = rest.partition("@")
    pin = switch.endswith("pin")
    switch = switch.removesuffix("pin").rstrip(",")
    if not name or not src:
        raise argparse.ArgumentTypeError(f"NAME=SRC[@SECONDS], not {text!r}")
    return name, str(Path(src).resolve()), switch, pin


_KEYS = {"context-switches": "cswitch", "syscalls:sys_enter_futex": "futex",
         "probe_libpython3:PyEval_SaveThread": "gil_releases"}


def _perf_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in path.read_text().splitlines():
        parts = line.split(",")
        if len(parts) > 2 and parts[0].strip().isdigit():
            counts[_KEYS.get(parts[2], parts[2])] = int(parts[0])
    return counts


def _report(path: Path) -> object:
    data = json.loads(path.read_text())
    data.pop("stats", None)
    return data


def _one(variant: tuple[str, str, str, bool], check: list[str], work: Path,
         events: str | None) -> dict:
    name, src, switch, pin = variant
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    out, row_path, perf_path = work / f"{name}.json", work / "row.json", work / "perf.csv"
    env = dict(os.environ, PYTHONPATH=src, WF_GIL_AB_OUT=str(row_path),
               PIP_CONFIG_FILE="/dev/null", PIP_FIND_LINKS="", PIP_CONSTRAINT="",
               UV_NO_CONFIG="1")
    if switch:
        env["WF_GIL_AB_SWITCH"] = switch
    if pin:
        env["WF_GIL_AB_PIN"] = "1"
    cmd = [sys.executable, "-c", _CHILD, "check", *check, "--cache-dir", str(cache),
           "--format", "json", "-o", str(out)]
    if events:
        cmd = ["perf", "stat", "-x", ",", "-e", events, "-o", str(perf_path), "--", *cmd]
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    row = json.loads(row_path.read_text())
    row["variant"] = name
    if events:
        row.update(_perf_counts(perf_path))
    row["load"] = round(os.getloadavg()[0], 1)
    return row


def _summary(rows: list[dict], names: list[str]) -> str:
    keys = ["wall", "cpu_run", "cpu_helper", "vol_run", "invol_run", "cswitch", "futex",
            "gil_releases", "rss_mb"]
    lines = ["| variant | runs | " + " | ".join(f"{k} (median)" for k in keys) + " |",
             "| --- | ---: |" + " ---: |" * len(keys)]
    for name in names:
        mine = [r for r in rows if r["variant"] == name]
        cells = []
        for key in keys:
            values = [r[key] for r in mine if key in r]
            cells.append(f"{statistics.median(values):g}" if values else "")
        lines.append(f"| {name} | {len(mine)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variant", type=_variant, action="append", required=True)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--jsonl", type=Path, default=Path("gil_ab.jsonl"))
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--events", default=_EVENTS,
                    help="perf stat events; add probe_libpython3:PyEval_SaveThread (a uprobe: "
                         "`perf probe -x <libpython> --add PyEval_SaveThread`) to count GIL "
                         "releases")
    ap.add_argument("check", nargs=argparse.REMAINDER)
    ns = ap.parse_args()
    check = ns.check[1:] if ns.check[:1] == ["--"] else ns.check
    events = ns.events if shutil.which("perf") else None
    rng = random.Random(ns.seed)
    names = [v[0] for v in ns.variant]
    rows: list[dict] = []
    reports: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="gil-ab-", dir="/var/tmp") as tmp:
        work = Path(tmp)
        for round_no in range(1, ns.rounds + 1):
            order = list(ns.variant)
            rng.shuffle(order)
            for variant in order:
                row = _one(variant, check, work, events)
                row["round"] = round_no
                report = _report(work / f"{variant[0]}.json")
                first = reports.setdefault("first", report)
                row["same_report"] = report == first
                rows.append(row)
                with ns.jsonl.open("a") as sink:
                    sink.write(json.dumps(row) + "\n")
                print(time.strftime("%H:%M:%S"), json.dumps(row), flush=True)
    print(_summary(rows, names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
