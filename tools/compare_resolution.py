#!/usr/bin/env python3
"""Count the pins wheelfit and uv agree on, per target.

uv's pins come from `uv pip compile` output files, one per target:

    uv --no-config pip compile pyproject.toml --python-version 3.12 \\
        --python-platform x86_64-unknown-linux-gnu -o uv-slim.txt      # and ...-musl
    wheelfit check pyproject.toml --format json -o report.json
    python tools/compare_resolution.py report.json --uv slim=uv-slim.txt --uv alpine=uv-alpine.txt

For each target: pins equal, pins differing (name in both, other version), missing from
wheelfit (only uv has it), extra in wheelfit (only wheelfit has it), and equal as a share of
the union of both. `--json` prints the same as JSON. Exit code 0 when every target reaches
`--min-equal` (a percentage, default 0), 1 otherwise, 2 on unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name


def uv_pins(text: str) -> dict[str, str]:
    """{name: version} of a `uv pip compile` (or pip-compile) output."""
    pins: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip().rstrip("\\").strip()
        if not line or line.startswith("-"):
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        exact = [s.version for s in req.specifier if s.operator in ("==", "===")]
        if exact:
            pins[canonicalize_name(req.name)] = exact[0]
    return pins


def wheelfit_pins(report: dict[str, Any], target: str) -> dict[str, str]:
    """{name: version} of one target in a wheelfit JSON report (verdicts with a version)."""
    pins: dict[str, str] = {}
    for package in report.get("packages", []):
        verdict = (package.get("verdicts") or {}).get(target) or {}
        if verdict.get("version"):
            pins[canonicalize_name(package["name"])] = str(verdict["version"])
    return pins


def compare(wheelfit: dict[str, str], uv: dict[str, str]) -> dict[str, Any]:
    """Equal / differing / missing / extra pins, and equal as a percentage of the union."""
    union = set(wheelfit) | set(uv)
    equal = sorted(n for n in union if wheelfit.get(n) == uv.get(n))
    differ = {n: {"wheelfit": wheelfit[n], "uv": uv[n]}
              for n in sorted(union) if n in wheelfit and n in uv and wheelfit[n] != uv[n]}
    return {
        "equal": len(equal),
        "differing": differ,
        "missing": {n: uv[n] for n in sorted(union) if n not in wheelfit},
        "extra": {n: wheelfit[n] for n in sorted(union) if n not in uv},
        "union": len(union),
        "equal_percent": round(100.0 * len(equal) / len(union), 1) if union else 100.0,
    }


def render(target: str, result: dict[str, Any]) -> str:
    """A few readable lines for one target."""
    lines = [f"{target}: {result['equal']}/{result['union']} pins equal "
             f"({result['equal_percent']}%), {len(result['differing'])} differing, "
             f"{len(result['missing'])} missing from wheelfit, "
             f"{len(result['extra'])} only in wheelfit"]
    lines += [f"  differs  {n}: wheelfit {v['wheelfit']}, uv {v['uv']}"
              for n, v in result["differing"].items()]
    lines += [f"  missing  {n} {v}" for n, v in result["missing"].items()]
    lines += [f"  extra    {n} {v}" for n, v in result["extra"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="wheelfit check --format json output")
    parser.add_argument("--uv", action="append", default=[], metavar="TARGET=FILE",
                        required=True, help="uv pip compile output for a target (repeatable)")
    parser.add_argument("--min-equal", type=float, default=0.0, metavar="PERCENT")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        report = json.loads(args.report.read_text())
        pairs = [item.split("=", 1) for item in args.uv]
        uv = {target: uv_pins(Path(path).read_text()) for target, path in pairs}
    except (OSError, ValueError) as exc:
        print(f"compare_resolution: {exc}", file=sys.stderr)
        return 2
    results = {t: compare(wheelfit_pins(report, t), pins) for t, pins in uv.items()}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("\n".join(render(t, r) for t, r in results.items()))
    return 0 if all(r["equal_percent"] >= args.min_equal for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
