#!/usr/bin/env python3
"""Measure what wheelfit's build plans rest on for the most-downloaded PyPI projects
(issue 13: "at least 95% of native Alpine source builds get a basis other than `unknown`").

    .venv/bin/python tools/basis_coverage.py pins [--top 500] [--ranks PYPI_TSV]
    .venv/bin/python tools/basis_coverage.py run [--python 3.12] [--cache-dir DIR]
    .venv/bin/python tools/basis_coverage.py table [REPORT_JSON]

`pins` writes bench/inputs/top500.txt: the `--top` most-downloaded projects of a download-rank
list (a TSV with the columns name, version, month, rank_among_15000_most_downloaded, as in the
tool library's pypi.tsv), each pinned `==` to the version the list names; a project the list
gives no version for is written unpinned (the resolver takes its newest release), and says so
in a comment. The file's header records the list it came from and the list's date.

`run` runs the real CLI on that file, both targets, and writes the JSON report to
bench/inputs/top500.report.json:
    wheelfit check bench/inputs/top500.txt --python 3.12 --arch x86_64 --keep-going
        --cache-dir /var/tmp/wf-coverage --format json -o bench/inputs/top500.report.json
The first run is cold; later ones answer pages and metadata from the cache. The sdists of
the source builds are read again on every run (wheelfit keeps no copy of their build
files), and not at all with --offline, which then leaves their plans generic: so no
--offline here.

`table` reads the report and prints, per target, the native source builds counted by basis
(recipe / mapping / build-files / pep725 / unknown), pure sdists apart, the share with a
basis other than `unknown`, and a markdown table of every source build (basis, apk or apt
packages, what is unknown). Nothing here changes a verdict; it only reads the report.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RANKS = Path("/work/.library/env/packages/pypi.tsv")
PINS = ROOT / "bench" / "inputs" / "top500.txt"
REPORT = ROOT / "bench" / "inputs" / "top500.report.json"
CACHE = Path("/var/tmp/wf-coverage")
BASES = ("recipe", "mapping", "build-files", "pep725", "unknown")
csv.field_size_limit(1 << 24)


def top_projects(ranks: Path, top: int) -> list[tuple[int, str, str]]:
    """(rank, name, version or "") of the `top` best-ranked rows of the list."""
    rows: list[tuple[int, str, str]] = []
    with ranks.open(newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            rank = (row.get("rank_among_15000_most_downloaded") or "").strip()
            if rank.isdigit() and int(rank) <= top:
                rows.append((int(rank), row["name"].strip(), (row["version"] or "").strip()))
    rows.sort()
    return rows


def write_pins(ranks: Path, top: int, out: Path) -> int:
    """Write the pinned requirements file; returns the number of projects."""
    rows = top_projects(ranks, top)
    stamp = dt.datetime.fromtimestamp(ranks.stat().st_mtime, dt.timezone.utc).date()
    lines = [
        f"# The {top} most-downloaded PyPI projects at their current versions (wheelfit issue 13).",
        f"# Source: {ranks} (tool library download-rank list, file dated {stamp}),",
        "# column rank_among_15000_most_downloaded; version = the list's current version.",
        "# Made by tools/basis_coverage.py pins. Unpinned lines: the list names no version.",
    ]
    for rank, name, version in rows:
        lines.append(f"{name}=={version}  # rank {rank}" if version
                     else f"{name}  # rank {rank}, no version in the list")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    return len(rows)


def run_check(pins: Path, report: Path, python: str, arch: str, cache: Path) -> int:
    """Run the real CLI on the pins; the JSON report goes to `report`."""
    exe = Path(sys.executable).with_name("wheelfit")
    cmd = [str(exe), "check", str(pins), "--python", python, "--arch", arch, "--keep-going",
           "--cache-dir", str(cache), "--format", "json", "-o", str(report)]
    print("$", " ".join(cmd), file=sys.stderr)
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, env={**os.environ}, check=False)
    return done.returncode


def source_builds(report: dict[str, Any], target: str) -> list[dict[str, Any]]:
    """One row per package that builds from its sdist on `target`."""
    rows = []
    for package in report["packages"]:
        verdict = package["verdicts"].get(target)
        if not verdict or verdict["status"] != "source-build":
            continue
        build = verdict.get("build") or {}
        native = bool(verdict.get("native"))
        rows.append({
            "name": package["name"], "version": verdict.get("version") or package["version"],
            "native": native, "basis": (build.get("basis") or "unknown") if native else "pure",
            "apk": build.get("apk", []), "apk_runtime": build.get("apk_runtime", []),
            "apt": build.get("apt", []), "apt_runtime": build.get("apt_runtime", []),
            "unknown": build.get("unknown", []),
        })
    return rows


def summary(rows: list[dict[str, Any]]) -> tuple[Counter[str], int, float]:
    """Counts per basis of the native builds, the number of pure sdists, the known share."""
    native = [r for r in rows if r["native"]]
    counts = Counter(r["basis"] for r in native)
    known = len(native) - counts["unknown"]
    share = 100.0 * known / len(native) if native else 100.0
    return counts, len(rows) - len(native), share


def render(report: dict[str, Any]) -> str:
    """The markdown section: counts per target, then the per-package table."""
    out: list[str] = []
    for target in ("alpine", "slim"):
        rows = source_builds(report, target)
        counts, pure, share = summary(rows)
        native = sum(counts.values())
        cells = ", ".join(f"{b} {counts[b]}" for b in BASES)
        out.append(f"- **{target}**: {native} native source builds ({cells}); "
                   f"{pure} pure sdists apart; basis other than `unknown`: "
                   f"{native - counts['unknown']}/{native} = {share:.1f}%")
    out.append("")
    out.append("| target | package | basis | apk build | apk runtime | apt build | apt runtime "
               "| unknown (on the target) |")
    out.append("|---|---|---|---|---|---|---|---|")
    for target in ("alpine", "slim"):
        for r in sorted(source_builds(report, target), key=lambda r: (r["basis"], r["name"])):
            unknown = "; ".join(r["unknown"]).replace("|", "/")
            lists = " | ".join(" ".join(r[k]) for k in ("apk", "apk_runtime", "apt",
                                                          "apt_runtime"))
            out.append(f"| {target} | {r['name']} {r['version']} | {r['basis']} | {lists} | "
                       f"{unknown} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    pins = sub.add_parser("pins", help="write the pinned top-N requirements file")
    pins.add_argument("--top", type=int, default=500)
    pins.add_argument("--ranks", type=Path, default=RANKS)
    pins.add_argument("--out", type=Path, default=PINS)
    run = sub.add_parser("run", help="run wheelfit check on the pins")
    run.add_argument("--pins", type=Path, default=PINS)
    run.add_argument("--report", type=Path, default=REPORT)
    run.add_argument("--python", default="3.12")
    run.add_argument("--cache-dir", type=Path, default=CACHE)
    run.add_argument("--arch", default="x86_64", choices=("x86_64", "aarch64"))
    table = sub.add_parser("table", help="count the report's source builds per basis")
    table.add_argument("report", type=Path, nargs="?", default=REPORT)
    args = parser.parse_args(argv)
    if args.command == "pins":
        print(f"{write_pins(args.ranks, args.top, args.out)} projects -> {args.out}")
        return 0
    if args.command == "run":
        return run_check(args.pins, args.report, args.python, args.arch, args.cache_dir)
    print(render(json.loads(args.report.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
