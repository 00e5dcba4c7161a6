#!/usr/bin/env python3
"""Build bench/inputs/top-500.txt: the 500 most-downloaded PyPI projects, pinned at their
current versions (issue 15's scale benchmark).

    .venv/bin/python bench/make_top500.py [--ranks bench/inputs/sources/pypi-top-600.tsv]

1. Names in download-rank order from `inputs/sources/pypi-top-600.tsv` (rank, name; taken on
   2026-12-07 from a published list of the 15,000 most-downloaded projects).
2. Versions: `uv pip compile --no-deps` of the first 500 names for CPython 3.12 on x86_64
   glibc (the newest version with a file for that target; one page per project, nothing
   built). A name uv cannot pin for that target is dropped (its error names it) and the
   next rank comes in, until 500 are pinned.

Needs PyPI (about 520 page requests; uv's cache is a temporary folder).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import INPUTS, PYPI, PYTHON, UV, tool_env, uv_python_args

RANKS = INPUTS / "sources" / "pypi-top-600.tsv"
COUNT = 500
_BECAUSE = re.compile(r"Because ([A-Za-z0-9._-]+)")


def compile_names(names: list[str], cache: Path, work: Path) -> tuple[str | None, str]:
    """(uv's pinned output or None, its error text)."""
    src = work / "names.txt"
    src.write_text("\n".join(names) + "\n")
    done = subprocess.run(
        [str(UV), "pip", "compile", "--no-config", "--no-python-downloads", *uv_python_args(),
         "--no-deps", "--python-version", PYTHON, "--python-platform",
         "x86_64-unknown-linux-gnu", "--index-url", PYPI, "--cache-dir", str(cache),
         "--no-header", "--no-annotate", "--quiet", str(src)],
        env=tool_env(), capture_output=True, text=True)
    return (done.stdout if done.returncode == 0 else None), done.stderr


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ranks", type=Path, default=RANKS)
    ap.add_argument("--out", type=Path, default=INPUTS / "top-500.txt")
    args = ap.parse_args(argv)
    rows = [line.split("\t") for line in args.ranks.read_text().splitlines()[1:]]
    ranked = [(int(rank), name) for rank, name in rows]
    dropped: list[tuple[int, str]] = []
    with tempfile.TemporaryDirectory(prefix="top500-") as tmp:
        while True:
            keep = [(r, n) for r, n in ranked if (r, n) not in dropped][:COUNT]
            out, err = compile_names([n for _, n in keep], Path(tmp) / "uv", Path(tmp))
            if out is not None:
                break
            found = _BECAUSE.search(err)
            lower = {n.lower(): (r, n) for r, n in keep}
            if found is None or found.group(1).lower() not in lower:
                print(err, file=sys.stderr)
                return 1
            dropped.append(lower[found.group(1).lower()])
    source = args.ranks.relative_to(INPUTS.parent.parent)
    gone = ", ".join(f"{n} (rank {r})" for r, n in dropped) or "none"
    args.out.write_text(
        "# The 500 most-downloaded PyPI projects, pinned at their current versions.\n"
        f"# Made by bench/make_top500.py on 2026-12-07 from {source}\n"
        "# (download ranks of 2026-12-07); versions: uv pip compile --no-deps, CPython 3.12, "
        "x86_64 glibc.\n"
        f"# Dropped (no file for that target): {gone}; the next ranks come in.\n" + out)
    print(f"{args.out}: {COUNT} pins; dropped {gone}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
