#!/usr/bin/env python3
"""Prove wheelfit's slim (apt) build plans by real builds in a Debian chroot (issue 13, item 8).

Not part of the installed package. Needs root, debootstrap and network access to Debian's
archive and PyPI; no Docker. The chroot side (base, overlay copies, the build-essential layer)
lives in tools/realbuild_chroot.py.

    tools/realbuild.py base [--root DIR] [--suite trixie]
    tools/realbuild.py run  [--root DIR] [--out FILE.jsonl] [--timeout S] SPEC|@FILE ...
    tools/realbuild.py table FILE.jsonl

`base` debootstraps a minbase chroot (python3, python3-venv, python3-pip; no headers, no
compiler: like python:slim) once under DIR/base. `run` takes, for each `name==version`
(optionally followed by the import names to check), wheelfit's own plan
(`wheelfit check REQ --python 3.13 --target slim --no-binary NAME --format json`), then:

1. build: a copy of the base gets exactly the plan's apt build packages plus python3-dev;
   `pip wheel --no-binary NAME --no-deps NAME==VERSION` runs in a venv (time-bound), then the
   dependencies are collected as wheels beside it;
2. import: a fresh copy gets only the plan's apt runtime packages, installs the wheels with
   `--no-index` and imports the package and every extension module in its wheel;
3. control: the same import in a copy without the runtime packages (only when the plan lists
   some), which shows whether they matter.

Each result is one JSON line (name, version, plan, build/import/control outcome, seconds, the
failure's last lines). `table` renders those lines as the Markdown table of
docs/real-builds.md. Copies are removed as soon as they are done; /proc and the shared apt
cache are bind-mounted only while a copy is in use. The built wheels stay in DIR/wheels.
The build-essential layer (DIR/layers) is made from the base on first use: delete it
whenever the base is made again.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realbuild_chroot import (  # a sibling script, found through sys.path[0]
    LAYER_PACKAGES,
    Chroot,
    make_base,
    tail,
    toolchain_layer,
)

DEFAULT_ROOT = Path("/var/tmp/wheelfit-realbuild")
PYTHON = "3.13"


@dataclass
class Plan:
    """wheelfit's slim plan for one requirement."""

    status: str
    build: list[str]
    runtime: list[str]
    env: list[tuple[str, str]]
    basis: str


@dataclass
class Result:
    """One package's real build, import and control import."""

    name: str
    version: str
    status: str = ""
    build_packages: list[str] = field(default_factory=list)
    runtime_packages: list[str] = field(default_factory=list)
    env: list[tuple[str, str]] = field(default_factory=list)
    basis: str = ""
    build_ok: bool = False
    import_ok: bool = False
    control: str = "-"
    build_seconds: float = 0.0
    modules: list[str] = field(default_factory=list)
    missing_libraries: list[str] = field(default_factory=list)
    failure: str = ""
    notes: list[str] = field(default_factory=list)
    date: str = ""

def wheelfit_plan(wheelfit: str, name: str, version: str) -> Plan:
    """wheelfit's own slim plan for name==version, built from source."""
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text(f"{name}=={version}\n")
        proc = subprocess.run([wheelfit, "check", str(req), "--python", PYTHON, "--target", "slim",
                               "--no-binary", name, "--format", "json"],
                              capture_output=True, text=True, timeout=300)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"wheelfit check {name}=={version} exited {proc.returncode}: "
                           f"{tail(proc.stderr, 5)}")
    report = json.loads(proc.stdout)
    env: list[tuple[str, str]] = []
    status, basis = "", ""
    for pkg in report["packages"]:
        verdict = pkg["verdicts"].get("slim") or {}
        build = verdict.get("build") or {}
        env += [(k, v) for k, v in build.get("env", []) if (k, v) not in env]
        if pkg["name"] == name or normal(pkg["name"]) == normal(name):
            status, basis = verdict.get("status", ""), build.get("basis", "")
    commands = report.get("commands") or {}
    return Plan(status, list(commands.get("apt_build_packages", [])),
                list(commands.get("apt_runtime_packages", [])), env, basis)


def normal(name: str) -> str:
    """PEP 503 normal form."""
    import re
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_modules(wheel: Path) -> list[str]:
    """Top-level import names and every extension module in a wheel, parents first."""
    tops: set[str] = set()
    exts: list[str] = []
    with zipfile.ZipFile(wheel) as zf:
        for item in zf.namelist():
            first = item.split("/")[0]
            if first.endswith((".dist-info", ".data")):
                continue
            if "/" in item:
                if item.endswith("/__init__.py") and item.count("/") == 1:
                    tops.add(first)
            elif item.endswith(".py"):
                tops.add(item[:-3])
            if item.endswith(".so"):
                dotted = item[: -len(".so")].replace("/", ".").split(".cpython-")[0]
                dotted = dotted.split(".abi3")[0]
                exts.append(dotted)
                if "/" not in item:
                    tops.add(dotted)
    return sorted(t for t in tops if t.isidentifier()) + sorted(set(exts) - tops)


# A module that imports a Python module the wheel does not ship (PIL._imagingtk needs
# tkinter, which neither python:slim nor Debian's python3 without python3-tk has) is an
# optional part, not a plan failure; a missing shared library or symbol is a failure.
IMPORT_SCRIPT = """
import importlib, sys
ours = {name.split(".")[0] for name in sys.argv[1:]}
bad, optional = [], []
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] not in ours:
            optional.append(f"{name} needs Python module {exc.name}")
        else:
            bad.append(f"{name}: {type(exc).__name__}: {exc}")
    except Exception as exc:
        bad.append(f"{name}: {type(exc).__name__}: {exc}")
for line in optional:
    print("optional:", line)
print("\\n".join(bad) if bad else "imports ok")
sys.exit(1 if bad else 0)
"""


def build(root: Path, name: str, version: str, plan: Plan, timeout: float, log: Path,
          wheelhouse: Path, result: Result, extras: str) -> str | None:
    """Build the sdist with exactly the plan's build packages and return the wheel's file
    name; collect the wheels of its dependencies (and of the spec's `+extra` requirements)
    beside it. The built wheel is named by its path from then on, so pip never swaps in a
    manylinux wheel of the same version from PyPI."""
    layers: tuple[Path, ...] = ()
    extra = ["python3-dev", *plan.build]
    if "build-essential" in plan.build:
        layers = (toolchain_layer(root),)
        extra = [p for p in extra if p not in LAYER_PACKAGES]
    with Chroot(root, f"build-{normal(name)}", log, layers) as box:
        rc, out = box.apt_install(extra)
        if rc:
            result.failure = "apt build packages: " + tail(out)
            return None
        start = time.monotonic()
        rc, out = box.run(
            f"python3 -m venv /opt/venv && cd /tmp && /opt/venv/bin/pip wheel -q --no-cache-dir "
            f"--no-binary {name} --no-deps -w /wh {name}=={version}",
            timeout=timeout, env=dict(plan.env))
        result.build_seconds = round(time.monotonic() - start, 1)
        if rc:
            result.failure = "build: " + tail(out)
            return None
        result.build_ok = True
        wheel = next(p.name for p in (box.path / "wh").iterdir() if p.suffix == ".whl")
        rc, out = box.run(f"cd /tmp && /opt/venv/bin/pip wheel -q --no-cache-dir -w /wh "
                          f"--find-links /wh /wh/{wheel} {extras}", timeout=timeout,
                          env=dict(plan.env))
        if rc:
            result.failure = "dependency wheels: " + tail(out)
        shutil.rmtree(wheelhouse, ignore_errors=True)
        shutil.copytree(box.path / "wh", wheelhouse)
        return wheel


def try_import(root: Path, label: str, requirements: str, apt: list[str],
               wheelhouse: Path, modules: list[str], log: Path) -> tuple[bool, str, list[str]]:
    """Install apt packages and the wheels in a fresh copy, import, and list unresolved libs."""
    with Chroot(root, label, log) as box:
        rc, out = box.apt_install(apt)
        if rc:
            return False, "apt runtime packages: " + tail(out), []
        shutil.copytree(wheelhouse, box.path / "wh")
        (box.path / "tmp/imports.py").write_text(IMPORT_SCRIPT)
        rc, out = box.run(f"python3 -m venv /opt/venv && /opt/venv/bin/pip install -q "
                          f"--no-index --find-links /wh {requirements}", timeout=600)
        if rc:
            return False, "install: " + tail(out), []
        _, ldd = box.run("find /opt/venv/lib -name '*.so*' -exec ldd {} + 2>/dev/null "
                         "| grep 'not found' | sort -u || true", timeout=120)
        missing = sorted({ln.split()[0] for ln in ldd.splitlines() if "not found" in ln})
        rc, out = box.run(f"cd / && /opt/venv/bin/python /tmp/imports.py {' '.join(modules)}",
                          timeout=300)
        return rc == 0, tail(out, 8), missing


def prove(root: Path, wheelfit: str, spec: str, timeout: float, logdir: Path) -> Result:
    """Plan, build, import and control-import one `name==version [+req ...] [module ...]`
    spec (`+req`: a requirement installed beside it, e.g. psycopg for psycopg-c)."""
    words = spec.split()
    name, version = words[0].split("==")
    extras = " ".join(w[1:] for w in words[1:] if w.startswith("+"))
    modules = [w for w in words[1:] if not w.startswith("+")]
    result = Result(name, version, date=time.strftime("%Y-%m-%d"))
    log = logdir / f"{normal(name)}.log"
    log.unlink(missing_ok=True)
    plan = wheelfit_plan(wheelfit, name, version)
    result.status, result.basis, result.env = plan.status, plan.basis, plan.env
    result.build_packages, result.runtime_packages = plan.build, plan.runtime
    wheelhouse = root / "wheels" / normal(name)
    wheel = build(root, name, version, plan, timeout, log, wheelhouse, result, extras)
    if wheel is None:
        return result
    requirements = f"/wh/{wheel} {extras}".strip()
    result.modules = modules or wheel_modules(wheelhouse / wheel)
    ok, out, missing = try_import(root, f"run-{normal(name)}", requirements, plan.runtime,
                                  wheelhouse, result.modules, log)
    result.import_ok, result.missing_libraries = ok, missing
    result.notes = [ln.removeprefix("optional: ") for ln in out.splitlines()
                    if ln.startswith("optional: ")]
    if not ok:
        result.failure = "import: " + out
    if plan.runtime:
        ok, out, missing = try_import(root, f"control-{normal(name)}", requirements, [],
                                      wheelhouse, result.modules, log)
        reason = " ".join(missing) if missing else out.splitlines()[-1][:120]
        result.control = "imports" if ok else f"fails: {reason}"
    return result


def read_specs(args: list[str]) -> list[str]:
    """Specs from the command line; @FILE reads one per line (# comments)."""
    specs: list[str] = []
    for arg in args:
        if arg.startswith("@"):
            for line in Path(arg[1:]).read_text().splitlines():
                line = line.split("#")[0].strip()
                if line:
                    specs.append(line)
        else:
            specs.append(arg)
    return specs


NOTE_PATTERNS = ("fatal error:", "cannot find -l", "not found", "Unable to", "Error:",
                 "error:", "Error")


def outcome_note(row: dict[str, object]) -> str:
    """One short line: why it failed (the most telling log line), or what stayed optional."""
    failure = str(row.get("failure") or "")
    if failure:
        lines = [ln.strip() for ln in failure.splitlines() if ln.strip()]
        for pattern in NOTE_PATTERNS:
            hits = [ln for ln in lines if pattern in ln and "Failed to build" not in ln
                    and "metadata-generation-failed" not in ln]
            if hits:
                return hits[-1][:160].replace("|", "/")
        return lines[-1][:160].replace("|", "/") if lines else ""
    notes = row.get("notes") or []
    return "; ".join(str(n) for n in notes)[:160] if isinstance(notes, list) else ""


def table(path: Path) -> str:
    """The results as a Markdown table plus totals."""
    rows = [json.loads(ln) for ln in path.read_text().splitlines() if ln.strip()]
    out = ["| package | version | apt build (plan) | apt runtime (plan) | build | import "
           "| control (no runtime pkgs) | build s | note |", "|" + "---|" * 9]
    for r in rows:
        out.append(f"| {r['name']} | {r['version']} | "
                   f"{' '.join(r['build_packages'])} | {' '.join(r['runtime_packages']) or '-'} | "
                   f"{'ok' if r['build_ok'] else 'FAIL'} | "
                   f"{'ok' if r['import_ok'] else ('FAIL' if r['build_ok'] else '-')} | "
                   f"{r['control'].replace('|', '/')} | {r['build_seconds']} | "
                   f"{outcome_note(r) or '-'} |")
    good = sum(1 for r in rows if r["build_ok"] and r["import_ok"])
    out.append("")
    out.append(f"Built and imported with exactly the plan: {good} of {len(rows)} "
               f"({100 * good / max(len(rows), 1):.1f}%).")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    sub = parser.add_subparsers(dest="cmd", required=True)
    base = sub.add_parser("base")
    base.add_argument("--suite", default="trixie")
    base.add_argument("--mirror", default="http://deb.debian.org/debian")
    run = sub.add_parser("run")
    run.add_argument("--out", type=Path, default=Path("realbuild-results.jsonl"))
    run.add_argument("--timeout", type=float, default=900)
    run.add_argument("--wheelfit", default=shutil.which("wheelfit")
                     or str(Path(sys.executable).with_name("wheelfit")))
    run.add_argument("specs", nargs="+")
    tab = sub.add_parser("table")
    tab.add_argument("results", type=Path)
    args = parser.parse_args(argv)
    if args.cmd == "base":
        make_base(args.root, args.suite, args.mirror)
    elif args.cmd == "table":
        print(table(args.results))
    else:
        if not (args.root / "base").is_dir():
            parser.error(f"no base chroot at {args.root}/base: run `realbuild.py base` first")
        logdir = args.root / "logs"
        logdir.mkdir(parents=True, exist_ok=True)
        for spec in read_specs(args.specs):
            result = prove(args.root, args.wheelfit, spec, args.timeout, logdir)
            with args.out.open("a") as fh:
                fh.write(json.dumps(asdict(result)) + "\n")
            print(f"{result.name}=={result.version}: build {'ok' if result.build_ok else 'FAIL'}"
                  f", import {'ok' if result.import_ok else 'FAIL'}, control {result.control}"
                  f", {result.build_seconds} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
