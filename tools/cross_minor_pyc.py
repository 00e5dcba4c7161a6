#!/usr/bin/env python3
"""Check the host stand-in of `--exact-bytecode`: the host's bytecode scaled to another minor.

When no interpreter of the target's CPython minor is found, wheelfit compiles a wheel's `.py`
files with the host's and scales the bytes by `pycratio.PYC_MINOR_FACTOR` (host minor →
target minor). This script measures how far that lands from the target minor's own bytecode,
two ways, and writes both to one JSON file (tests/data/estimate/pyc-cross-minor.json):

* `--reports DIR`: pairs of `wheelfit check SET.txt --python X.Y --target slim
  --exact-bytecode --format json` reports, `SET-X.Y-host.json` (only the host on PATH) and
  `SET-X.Y-exact.json` (an interpreter of X.Y on PATH): per set and per wheel, the host's
  and the target's `.pyc` bytes of the same wheel files.
* `--wheels SPEC ...`: each `name==version` downloaded for every target minor (pip download,
  manylinux x86_64, the target's ABI, no dependencies), its `.py` members (those pip
  compiles) compiled with every interpreter given by `--python X.Y=PATH`, as wheelfit's
  helper does (`sizing/bytecode.compile_wheel`, named by their path in the image).

Usage:
    .venv/bin/python tools/cross_minor_pyc.py --host 3.11 \
        --python 3.11=PY311 --python 3.12=PY312 --python 3.13=PY313 \
        [--reports DIR] [--wheels sympy==1.14.0 ...] --dest WHEELS --json-out FILE

pip runs `--isolated` (the machine's pip configuration and PIP_FIND_LINKS are ignored).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name, parse_wheel_filename

from wheelfit.index.wheelsummary import compiled_by_pip
from wheelfit.sizing.bytecode import Interpreter, compile_wheel, probe
from wheelfit.sizing.pycratio import minor_scale

PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")


def report_pyc(path: Path) -> dict[str, int]:
    """`name version` → the slim verdict's computed `.pyc` bytes in a wheelfit JSON report."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for pkg in data["packages"]:
        bytecode = (pkg["verdicts"].get("slim") or {}).get("bytecode")
        if bytecode:
            out[f"{pkg['name']} {pkg['version']}"] = int(bytecode["pyc_bytes"])
    return out


def from_reports(folder: Path, targets: list[str]) -> list[dict[str, Any]]:
    """Per set and target: the host's and the target's bytes of each wheel."""
    rows = []
    for exact in sorted(folder.glob("*-exact.json")):
        name, _, rest = exact.name.rpartition("-3.")
        target = "3." + rest.removesuffix("-exact.json")
        if target not in targets:
            continue
        host = report_pyc(exact.with_name(f"{name}-{target}-host.json"))
        own = report_pyc(exact)
        wheels = {k: [host[k], own[k]] for k in sorted(own) if k in host}
        rows.append({"set": name, "target": target, "wheels": wheels})
    return rows


def download(spec: str, target: str, dest: Path) -> Path:
    """The manylinux x86_64 wheel of `spec` for CPython `target` (pip download, no deps)."""
    folder = dest / target
    abi = "cp" + target.replace(".", "")
    command = [sys.executable, "-m", "pip", "--isolated", "download", "--no-deps",
               "--only-binary=:all:", "--python-version", target, "--implementation", "cp",
               "--abi", abi, "--dest", str(folder), "--quiet", spec]
    for platform in PLATFORMS:
        command += ["--platform", platform]
    subprocess.run(command, check=True)
    name, _, version = spec.partition("==")
    for wheel in sorted(folder.glob("*.whl")):
        wname, wversion, _, _ = parse_wheel_filename(wheel.name)
        if wname == canonicalize_name(name) and str(wversion) == version:
            return wheel
    raise SystemExit(f"{spec}: pip downloaded no wheel for {target} into {folder}")


def sources(wheel: Path) -> list[tuple[str, bytes]]:
    """The wheel's `.py` members pip compiles, with their bytes."""
    with zipfile.ZipFile(wheel) as archive:
        return [(m, archive.read(m)) for m in archive.namelist() if compiled_by_pip(m)]


def from_wheels(specs: list[str], host: str, pythons: dict[str, str], dest: Path,
                targets: list[str]) -> list[dict[str, Any]]:
    """Per wheel and target: the host's and the target's `.pyc` bytes of the target's wheel."""
    versions = {minor: probe(path) or "" for minor, path in pythons.items()}
    rows = []
    for spec in specs:
        for target in targets:
            wheel = download(spec, target, dest)
            members = sources(wheel)
            sizes = {minor: compile_wheel(members, Interpreter(pythons[minor], versions[minor],
                                                               target)).pyc_bytes
                     for minor in (host, target)}
            rows.append({"wheel": wheel.name, "target": target, "host": sizes[host],
                         "own": sizes[target], "files": len(members)})
            print(f"{wheel.name} for {target}: host {sizes[host]}, own {sizes[target]}",
                  file=sys.stderr)
    return rows


def error(host_bytes: int, own: int, host: str, target: str) -> float:
    """(host bytes * the factor) / the target's own bytes - 1."""
    return host_bytes * minor_scale(host, target).factor / own - 1


def table(data: dict[str, Any]) -> str:
    """Markdown rows: per set and per wheel, the scaled host bytes against the target's."""
    host = data["host"]
    lines = ["| set or wheel | target | host MB | own MB | scaled host error |",
             "| --- | --- | ---: | ---: | ---: |"]
    for row in data["sets"]:
        h = sum(v[0] for v in row["wheels"].values())
        o = sum(v[1] for v in row["wheels"].values())
        lines.append(f"| {row['set']} | {row['target']} | {h / 1e6:.2f} | {o / 1e6:.2f} | "
                     f"{error(h, o, host, row['target']):+.1%} |")
    for row in data["wheels"]:
        lines.append(f"| {row['wheel']} | {row['target']} | {row['host'] / 1e6:.2f} | "
                     f"{row['own'] / 1e6:.2f} | "
                     f"{error(row['host'], row['own'], host, row['target']):+.1%} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", required=True, help="the stand-in's minor, e.g. 3.11")
    parser.add_argument("--python", action="append", default=[], metavar="X.Y=PATH")
    parser.add_argument("--targets", default="3.12,3.13")
    parser.add_argument("--reports", type=Path)
    parser.add_argument("--wheels", nargs="*", default=[])
    parser.add_argument("--dest", type=Path, default=Path("/var/tmp/cross-minor-wheels"))
    parser.add_argument("--json-out", type=Path, required=True)
    args = parser.parse_args()
    pythons = dict(item.split("=", 1) for item in args.python)
    targets = args.targets.split(",")
    data = {"date": date.today().isoformat(), "host": args.host, "targets": targets,
            "pythons": {m: probe(p) for m, p in pythons.items()},
            "sets": from_reports(args.reports, targets) if args.reports else [],
            "wheels": from_wheels(args.wheels, args.host, pythons, args.dest, targets)}
    args.json_out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(table(data))


if __name__ == "__main__":
    main()
