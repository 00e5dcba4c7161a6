#!/usr/bin/env python3
"""Benchmark wheelfit's two-target check against uv's and pip's one-target resolution.

    .venv/bin/python bench/run.py                       # loopback replay of bench/snapshot/
    .venv/bin/python bench/run.py --live --reps 3 --inputs pins-10 pins-100 lock-100 unpinned
    .venv/bin/python bench/run.py --inputs pins-1000 --tools wheelfit --reps 3
    .venv/bin/python bench/run.py --live --inputs top-500 --tools wheelfit uv --reps 1 \
        --modes cold warm offline                       # issue 15's scale benchmark

For every input, `--reps` rounds (default 5); in each round every tool runs twice with one
fresh cache directory: *cold* (empty cache) then *warm* (the same cache, right after), and
with ``--modes ... offline`` a third time with ``--offline`` (no network at all). The order of
the tools rotates from round to round so that no tool always goes first.

* wheelfit: ``wheelfit check --format json INPUT --index-url URL --python 3.12 -v`` - both
  targets (python:3.12-slim-trixie / glibc and python:3.12-alpine3.24 / musl), full report;
* uv:  ``uv pip compile --python-version 3.12 --python-platform x86_64-unknown-linux-musl``;
* pip: ``pip install --dry-run --ignore-installed --report - --python-version 3.12
  --platform musllinux_1_2_x86_64 --platform musllinux_1_1_x86_64 --only-binary=:all:``.

Measured per run: wall time, user+system CPU and peak RSS of the process tree (``os.wait4``),
exit code, and requests: wheelfit's own count (``stats`` of its JSON report) and, on the
loopback, the server's count for every tool (``/_bench/stats``). Raw rows go to
``bench/results/<stamp>-<loopback|live>.jsonl``; a markdown summary is printed (and saved
next to them).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchlib import (
    BENCH,
    INPUT_LIST,
    INPUTS_BY_KEY,
    PYPI,
    REPO,
    SNAPSHOT,
    Input,
    pip_cmd,
    tool_env,
    uv_cmd,
    wheelfit_cmd,
)
from reqkinds import KINDS, uv_pages, wheelfit_kinds

TOOLS = ("wheelfit", "uv", "pip", "wheelfit-inproc")
# wheelfit-inproc: wheelfit parsing new pages in its own process (no helper process), for an
# A/B of index/parseproc.py in the same run
TOOL_ENV = {"wheelfit-inproc": {"WHEELFIT_NO_PARSE_HELPER": "1"}}
RESULTS = BENCH / "results"


class Server:
    """bench/serve.py in its own process (so it does not share the GIL with anything)."""

    def __init__(self, snapshot: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH / "serve.py"), "--snapshot", str(snapshot),
             "--until-stdin-closes"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("URL "):
            self.proc.kill()
            raise SystemExit("bench/serve.py did not start")
        self.url = line.split()[1]
        self.base = self.url.removesuffix("/simple")

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(self.base + path, timeout=30) as r:
            body = r.read()
        return json.loads(body) if path.endswith("stats") else None

    def reset(self) -> None:
        self._get("/_bench/reset")

    def stats(self) -> dict[str, Any]:
        return self._get("/_bench/stats")

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def measure(cmd: Sequence[str], cwd: Path, timeout: float,
            env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command; wall time, CPU and peak RSS of it and its waited-for children."""
    out_path, err_path = cwd / "stdout", cwd / "stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=tool_env(env))
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                status = -9 << 8
                break
            time.sleep(0.002)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status) if status >= 0 else -9
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "rc": proc.returncode,
        "stdout": out_path.read_bytes(),
        "stderr": err_path.read_bytes().decode("utf-8", "replace"),
    }


def wheelfit_facts(stdout: bytes) -> dict[str, Any]:
    """Packages and request stats from wheelfit's JSON report."""
    try:
        report = json.loads(stdout)
    except ValueError:
        return {}
    stats = report.get("stats") or {}
    return {
        "packages": len(report.get("packages", [])),
        "wf_requests": stats.get("requests"),
        "wf_from_cache": stats.get("from_cache"),
        "wf_bytes": stats.get("bytes_downloaded"),
        "complete": report.get("complete"),
        "problems": len(report.get("problems", [])),
    }


def one_round(inp: Input, tools: Sequence[str], url: str, server: Server | None,
              timeout: float, rnd: int, modes: Sequence[str] = ("cold", "warm"),
              keep: Path | None = None) -> list[dict[str, Any]]:
    rows = []
    order = list(tools[rnd % len(tools):]) + list(tools[: rnd % len(tools)])
    for tool in order:
        with tempfile.TemporaryDirectory(prefix=f"wfbench-{tool}-") as tmp:
            work = Path(tmp)
            cache = work / "cache"
            for mode in modes:
                offline = ["--offline"] if mode == "offline" else []
                if tool.startswith("wheelfit"):
                    cmd = wheelfit_cmd(inp, url, cache, extra=offline)
                elif tool == "uv":
                    cmd = uv_cmd(inp, url, cache) + offline
                else:
                    cmd = pip_cmd(inp, url, cache, work / "target")
                if server:
                    server.reset()
                r = measure(cmd, work, timeout, TOOL_ENV.get(tool))
                row: dict[str, Any] = {"input": inp.key, "tool": tool, "mode": mode,
                                       "round": rnd, **{k: r[k] for k in
                                                        ("wall", "cpu", "rss_mb", "rc")}}
                if tool.startswith("wheelfit"):
                    row.update(wheelfit_facts(r["stdout"]))
                    row["wf_kinds"] = wheelfit_kinds(r["stderr"])
                elif tool == "uv" and mode == "cold":
                    row["uv_pages"] = uv_pages(cache)
                if keep is not None:  # the logs, for reading afterwards
                    name = f"{inp.key}-r{rnd}-{tool}-{mode}"
                    (keep / f"{name}.stderr").write_text(r["stderr"])
                    (keep / f"{name}.stdout").write_bytes(r["stdout"])
                if server:
                    s = server.stats()
                    row["server_requests"] = s["requests"]
                    row["server_by_kind"] = s["by_kind"]
                    row["unrecorded"] = len(s["unrecorded"])
                if r["rc"] != 0:
                    row["error"] = " ".join(r["stderr"].split())[-400:]
                rows.append(row)
                err = f"  {row.get('error', '')[-120:]}" if r["rc"] else ""
                print(f"  {inp.key:9} r{rnd} {tool:8} {mode:4} {r['wall']:7.2f}s "
                      f"{r['rss_mb']:6.0f}MB rc={r['rc']}{err}", file=sys.stderr, flush=True)
    return rows


# --- summary --------------------------------------------------------------------------------


def _med(rows: list[dict[str, Any]], key: str) -> float | None:
    vals = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def _fmt(v: float | None, spec: str = ".2f") -> str:
    return "-" if v is None else format(v, spec)


def summarise(rows: list[dict[str, Any]], where: str) -> str:
    lines = [
        f"### {where}", "",
        "Median of the rounds (min-max in brackets); RSS = peak resident memory of the process "
        "tree; req = requests the index answered (loopback: counted by the server; live: "
        "wheelfit's own count); rc = exit codes seen.", "",
        "| input | mode | tool | wall s | CPU s | peak RSS MB | req | rc | vs wheelfit |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    keys = [i.key for i in INPUT_LIST if any(r["input"] == i.key for r in rows)]
    for key in keys:
        for mode in ("cold", "warm", "offline"):
            group = [r for r in rows if r["input"] == key and r["mode"] == mode]
            wf = _med([r for r in group if r["tool"] == "wheelfit"], "wall")
            for tool in TOOLS:
                t = [r for r in group if r["tool"] == tool]
                if not t:
                    continue
                walls = [r["wall"] for r in t]
                req_key = "server_requests" if any("server_requests" in r for r in t) \
                    else "wf_requests"
                req = _med(t, req_key)
                rcs = ",".join(str(c) for c in sorted({r["rc"] for r in t}))
                ratio = "" if tool == "wheelfit" or not wf else \
                    f"{statistics.median(walls) / wf:.2f}x"
                lines.append(
                    f"| {key} | {mode} | {tool} | {statistics.median(walls):.2f} "
                    f"({min(walls):.2f}-{max(walls):.2f}) | {_fmt(_med(t, 'cpu'))} | "
                    f"{_fmt(_med(t, 'rss_mb'), '.0f')} | {_fmt(req, '.0f')} | {rcs} | {ratio} |")
    errors = {(r["input"], r["tool"], r["mode"]): r["error"] for r in rows if r.get("error")}
    if errors:
        lines += ["", "Failures (last words of stderr, one per input/tool/mode):", ""]
        lines += [f"- {i} {t} {m}: `{e[-300:]}`" for (i, t, m), e in sorted(errors.items())]
    wf_cold = [r for r in rows if r["tool"] == "wheelfit" and r["mode"] == "cold"
               and r.get("packages")]
    if wf_cold:
        lines += ["", "wheelfit requests against packages (cold):", "",
                  "| input | packages (report) | requests | requests per package |",
                  "| --- | ---: | ---: | ---: |"]
        for key in keys:
            t = [r for r in wf_cold if r["input"] == key]
            if t:
                pk, rq = _med(t, "packages"), _med(t, "wf_requests")
                lines.append(f"| {key} | {pk:.0f} | {rq:.0f} | {rq / pk:.2f} |")
    return "\n".join(lines + _ratios(rows, keys) + _kinds(rows, keys)) + "\n"


def _ratios(rows: list[dict[str, Any]], keys: list[str]) -> list[str]:
    """wheelfit's wall time over uv's, per round (the two ran back to back), then the median."""
    out = ["", "wheelfit ÷ uv (wall and CPU time; each round's runs ran back to back; median of "
           "the rounds, min-max):", "",
           "| input | mode | tool | wall ratio | CPU ratio | peak RSS MB (max) |",
           "| --- | --- | --- | ---: | ---: | ---: |"]
    found = False
    for key in keys:
        for mode in ("cold", "warm", "offline"):
            for tool in ("wheelfit", "wheelfit-inproc"):
                pairs = []
                for rnd in sorted({r["round"] for r in rows}):
                    got = {r["tool"]: r for r in rows
                           if r["input"] == key and r["mode"] == mode and r["round"] == rnd}
                    if tool in got and "uv" in got and got["uv"]["wall"] > 0:
                        pairs.append((got[tool]["wall"] / got["uv"]["wall"],
                                      got[tool]["cpu"] / max(got["uv"]["cpu"], 1e-3),
                                      got[tool]["rss_mb"]))
                if pairs:
                    found = True
                    out.append(f"| {key} | {mode} | {tool} | {_spread([p[0] for p in pairs])} | "
                               f"{_spread([p[1] for p in pairs])} | "
                               f"{max(p[2] for p in pairs):.0f} |")
    return out if found else []


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"


def _kinds(rows: list[dict[str, Any]], keys: list[str]) -> list[str]:
    """wheelfit's requests by kind (its -v log), with uv's page count beside them."""
    cold = [r for r in rows if r["tool"].startswith("wheelfit") and r["mode"] == "cold"
            and r.get("wf_kinds")]
    if not cold:
        return []
    names = [k for k in KINDS if any(k in r["wf_kinds"] for r in cold)]
    out = ["", "wheelfit's requests by kind, cold (from its `-v` request log; 404 = answered "
           "404/410; MB = body bytes after decoding); uv: pages in its cache after the cold run:",
           "", "| input | tool | round | " + " | ".join(names) + " | total | uv pages |",
           "| --- | --- | ---: |" + " ---: |" * (len(names) + 2)]
    for key in keys:
        for r in (r for r in cold if r["input"] == key):
            k = r["wf_kinds"]
            cells = []
            for name in names:
                cell = f"{k.get(name, 0)}"
                if k.get(f"{name} 404"):
                    cell += f" ({k[name + ' 404']} x 404)"
                if k.get(f"{name} MB"):
                    cell += f", {k[name + ' MB']} MB"
                cells.append(cell)
            uv = [u.get("uv_pages") for u in rows if u["tool"] == "uv" and u["input"] == key
                  and u["mode"] == "cold" and u["round"] == r["round"]]
            total = sum(k.get(n, 0) for n in KINDS)
            out.append(f"| {key} | {r['tool']} | {r['round']} | " + " | ".join(cells) +
                       f" | {total} | {uv[0] if uv and uv[0] is not None else '-'} |")
    out += ["", "Why each kind is sent:", ""]
    out += [f"- **{name}**: {KINDS[name]}" for name in names]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", nargs="+", choices=sorted(INPUTS_BY_KEY),
                    default=[i.key for i in INPUT_LIST])
    ap.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--live", action="store_true", help=f"against {PYPI}, not the snapshot")
    ap.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per tool run")
    ap.add_argument("--modes", nargs="+", choices=("cold", "warm", "offline"),
                    default=["cold", "warm"], help="runs per tool and round, on one cache")
    args = ap.parse_args(argv)

    # an installed wheel comes with byte-code; the editable checkout has none and
    # PYTHONDONTWRITEBYTECODE may be set, so compile it once (into __pycache__, git-ignored)
    compileall.compile_dir(REPO / "src" / "wheelfit", quiet=1)
    server = None if args.live else Server(args.snapshot)
    url = PYPI if args.live else server.url  # type: ignore[union-attr]
    where = "live PyPI" if args.live else "loopback snapshot"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    raw = RESULTS / f"{stamp}-{'live' if args.live else 'loopback'}.jsonl"
    rows: list[dict[str, Any]] = []
    logs = raw.with_suffix(".logs")
    logs.mkdir()
    print(f"{where}: {url}; {args.reps} rounds; raw rows in {raw}", file=sys.stderr)
    try:
        with open(raw, "w") as sink:
            for key in args.inputs:
                inp = INPUTS_BY_KEY[key]
                for rnd in range(args.reps):
                    for row in one_round(inp, args.tools, url, server, args.timeout, rnd,
                                         args.modes, logs):
                        rows.append(row)
                        sink.write(json.dumps(row) + "\n")
                        sink.flush()
    finally:
        if server:
            server.close()
    head = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h %s"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                           capture_output=True, text=True).stdout.strip()
    text = summarise(rows, f"{where}, {dt.datetime.now().isoformat(timespec='minutes')}, "
                           f"{args.reps} rounds, wheelfit at `{head}`"
                           + (" (+ uncommitted changes in src/)" if dirty else ""))
    raw.with_suffix(".md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
