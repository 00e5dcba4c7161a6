#!/usr/bin/env python3
"""Check every case's expectations against pip (and uv) on the live PyPI. Not a test.

    .venv/bin/python tests/cases/verify_live.py [CASE.yaml ...]
    .venv/bin/python tests/cases/verify_live.py --replay [CASE.yaml ...]

Uses the network (https://pypi.org/simple); run it by hand when a case is added or the data
is re-recorded, and note the date in tests/cases/README.md. With ``--replay`` the same checks
run offline against the loopback replay of tests/recorded/ (tests/loopback.py): pip and uv then
show that the recorded data is enough for them to make the same choices (pip with
``--use-feature=fast-deps``, to read wheels without PEP 658 metadata by range requests). For
each case and target:

* file choice - for every expected package with a version: ``pip install --dry-run --report
  --no-deps --only-binary=:all: NAME==VERSION`` with the target's ``--platform`` list,
  ``--python-version``, ``--implementation cp`` and ``--abi``; when no wheel fits, pip's own
  ``PackageFinder`` (the code pip's resolver asks, which never builds anything) tells whether
  the best candidate is an sdist (source-build) or nothing (unavailable);
* versions and the package set - when every verdict is a wheel: ``uv pip compile`` for the
  target (uv evaluates markers for the target Python; pip evaluates them for the Python it runs
  on), cross-checked with a full ``pip install --dry-run`` when no marker depends on the Python
  version; otherwise (projects without dependencies) pip's finder for each requirement line;
* ``resolution: impossible`` - the full pip dry-run must fail with ResolutionImpossible naming
  every ``conflict`` project, and ``uv pip compile`` must fail too.

pip and uv run isolated from this machine's configuration (PIP_CONFIG_FILE=/dev/null, no
PIP_FIND_LINKS, ``--isolated``; ``uv --no-config --no-python-downloads``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
INDEX = "https://pypi.org/simple"
PIP_EXTRA: list[str] = []  # --replay: read metadata-less wheels by range requests
GLIBC = (2, 41)  # python:*-slim-trixie
MUSL = (1, 2)  # python:*-alpine (musl 1.2.x)
PATCH = {"3.8": "3.8.20", "3.10": "3.10.21", "3.12": "3.12.14", "3.13": "3.13.15"}
WHEEL_STATUSES = {"binary-wheel", "pure-wheel"}


@dataclass(frozen=True)
class Target:
    """One image: variant (slim/alpine), CPython minor, arch."""

    variant: str
    python: str
    arch: str

    def platforms(self) -> list[str]:
        """Platform tags, best first (the same list wheelfit.compat.targets builds)."""
        out: list[str] = []
        if self.variant == "alpine":
            out += [f"musllinux_{MUSL[0]}_{m}_{self.arch}" for m in range(MUSL[1], -1, -1)]
        else:
            floor = 5 if self.arch == "x86_64" else 17
            alias = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
            for m in range(GLIBC[1], floor - 1, -1):
                out.append(f"manylinux_{GLIBC[0]}_{m}_{self.arch}")
                if m in alias:
                    out.append(f"{alias[m]}_{self.arch}")
        return [*out, f"linux_{self.arch}"]

    def uv_platform(self) -> str:
        """uv's --python-platform for this target."""
        if self.variant == "alpine":
            return f"{self.arch}-unknown-linux-musl"
        return f"{self.arch}-manylinux_2_40"

    def markers(self) -> dict[str, str]:
        """PEP 508 environment inside the image."""
        full = PATCH.get(self.python, self.python + ".0")
        return {
            "implementation_name": "cpython",
            "implementation_version": full,
            "os_name": "posix",
            "platform_machine": self.arch,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Linux",
            "platform_version": "",
            "python_full_version": full,
            "python_version": self.python,
            "sys_platform": "linux",
            "extra": "",
        }


def clean_env() -> dict[str, str]:
    """The environment without this machine's pip/uv configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def pip_args(target: Target, options: dict[str, Any]) -> list[str]:
    """pip options describing the target and the case's selection options."""
    args = [
        "--index-url",
        INDEX,
        "--python-version",
        target.python,
        "--implementation",
        "cp",
        "--abi",
        "cp" + target.python.replace(".", ""),
    ]
    for platform in target.platforms():
        args += ["--platform", platform]
    if options.get("exclude_newer"):
        args += ["--uploaded-prior-to", options["exclude_newer"]]
    if options.get("pre"):
        args.append("--pre")
    return args


def pip_dry_run(
    target: Target, options: dict[str, Any], reqs: list[str], no_deps: bool
) -> tuple[int, str, list[dict[str, Any]]]:
    """`pip install --dry-run --only-binary=:all:` → (exit code, output, report items)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [
            str(VENV_BIN / "pip"),
            "--isolated",
            "install",
            "--dry-run",
            "--quiet",
            "--ignore-installed",
            "--report",
            str(report),
            "--target",
            f"{tmp}/t",
            "--only-binary=:all:",
            *PIP_EXTRA,
            *pip_args(target, options),
        ]
        if no_deps:
            cmd.append("--no-deps")
        proc = subprocess.run([*cmd, *reqs], capture_output=True, text=True, env=clean_env())
        items = json.loads(report.read_text())["install"] if report.exists() else []
        return proc.returncode, proc.stdout + proc.stderr, items


def finder_best(target: Target, options: dict[str, Any], requirement: str) -> str | None:
    """pip's PackageFinder: filename of the best candidate (wheel or sdist), or None."""
    code = r"""
import json, os, sys
from pip._internal.commands import create_command
from pip._internal.cli.cmdoptions import make_target_python
from pip._vendor.packaging.requirements import Requirement
args, req = json.loads(sys.argv[1]), sys.argv[2]
cmd = create_command("install", isolated=True)
options, _ = cmd.parse_args(["--isolated", "--no-deps", *args, req])
with cmd.main_context():
    session = cmd.get_default_session(options)
    finder = cmd._build_package_finder(options=options, session=session,
        target_python=make_target_python(options), ignore_requires_python=False)
    r = Requirement(req)
    best = finder.find_best_candidate(r.name, r.specifier).best_candidate
    print(json.dumps(best.link.filename if best else None))
"""
    args = pip_args(target, options)
    for name in options.get("only_binary", []):
        args += ["--only-binary", name]
    for name in options.get("no_binary", []):
        args += ["--no-binary", name]
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(args), requirement],
        capture_output=True,
        text=True,
        env=clean_env(),
        check=True,
    )
    best: str | None = json.loads(proc.stdout.strip().splitlines()[-1])
    return best


def uv_compile(target: Target, options: dict[str, Any], text: str) -> tuple[int, str]:
    """`uv pip compile` for the target → (exit code, output)."""
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.in"
        req.write_text(text)
        cmd = [
            str(VENV_BIN / "uv"),
            "pip",
            "compile",
            "--no-config",
            "--no-python-downloads",
            "--index-url",
            INDEX,
            "--python-version",
            target.python,
            "--python-platform",
            target.uv_platform(),
            "--no-header",
            "--no-annotate",
            "--quiet",
            "--only-binary",
            ":all:",
            str(req),
        ]
        if options.get("exclude_newer"):
            cmd += ["--exclude-newer", options["exclude_newer"]]
        if options.get("pre"):
            cmd += ["--prerelease", "allow"]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=clean_env())
        return proc.returncode, proc.stdout + proc.stderr


def project_exists(name: str) -> bool:
    """Whether the live index has a page for the project."""
    try:
        with urllib.request.urlopen(f"{INDEX}/{name}/", timeout=60):
            return True
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return False
        raise


def status_of(filename: str | None) -> str:
    """The verdict a chosen file means."""
    if filename is None:
        return "unavailable"
    if filename.endswith(".whl"):
        return "pure-wheel" if filename[:-4].endswith("-any") else "binary-wheel"
    return "source-build"


def check_case(path: Path) -> list[str]:
    """Every difference between a case file and what pip/uv choose now."""
    case = yaml.safe_load(path.read_text())
    options = case.get("options") or {}
    requirements = [
        Requirement(line.split("#")[0].strip())
        for line in case["input"].splitlines()
        if line.split("#")[0].strip()
    ]
    problems: list[str] = []
    for variant in options.get("targets", ["slim", "alpine"]):
        target = Target(variant, str(options.get("python", "3.12")), options.get("arch", "x86_64"))
        where = f"{path.name} [{variant}]"
        if case.get("resolution") == "impossible":
            rc, out, _ = pip_dry_run(target, options, [str(r) for r in requirements], False)
            if rc == 0 or "ResolutionImpossible" not in out:
                problems.append(f"{where}: pip resolved it")
            problems += [
                f"{where}: pip's conflict does not name {n}"
                for n in case["conflict"]
                if n not in out.lower()
            ]
            if uv_compile(target, options, case["input"])[0] == 0:
                problems.append(f"{where}: uv resolved it")
            continue
        expected = {canonicalize_name(k): v[variant] for k, v in case["expected"].items()}
        # 1. the file pip picks for each expected package
        for name, exp in expected.items():
            status = exp["status"]
            if status == "not-found":
                if project_exists(name):
                    problems.append(f"{where}: {name} exists")
                continue
            if status == "not-required":
                req = next(r for r in requirements if canonicalize_name(r.name) == name)
                if req.marker is None or req.marker.evaluate(target.markers()):
                    problems.append(f"{where}: {name}'s marker is true")
                continue
            if status == "unavailable":
                req = next(r for r in requirements if canonicalize_name(r.name) == name)
                got = finder_best(target, options, str(req).split(";")[0])
                if got is not None:
                    problems.append(f"{where}: {name}: pip finds {got}")
                continue
            spec = f"{name}=={exp['version']}"
            if status in WHEEL_STATUSES and name not in options.get("no_binary", []):
                rc, out, items = pip_dry_run(target, options, [spec], True)
                got = items[0]["download_info"]["url"].rsplit("/", 1)[1] if rc == 0 else None
                yanked = bool(items and items[0].get("is_yanked"))
                if bool(exp.get("yanked")) != yanked:
                    problems.append(f"{where}: {name}: yanked is {yanked}")
            else:
                got = finder_best(target, options, spec)
            if got != exp.get("file") or status_of(got) != status:
                problems.append(
                    f"{where}: {name}: pip picks {got} ({status_of(got)}), "
                    f"expected {exp.get('file')} ({status})"
                )
        # 2. versions and the package set
        wanted = {n: e["version"] for n, e in expected.items() if e["status"] in WHEEL_STATUSES}
        if all(e["status"] in WHEEL_STATUSES | {"not-required"} for e in expected.values()):
            rc, out = uv_compile(target, options, case["input"])
            pins = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)$", out, re.M)
            resolved = {canonicalize_name(k): v for k, v in pins}
            if rc != 0 or resolved != wanted:
                problems.append(
                    f"{where}: uv resolves {resolved or out.strip()}, expected {wanted}"
                )
            python_markers = any(r.marker and "python" in str(r.marker) for r in requirements)
            if not python_markers:
                rc, out, items = pip_dry_run(target, options, [str(r) for r in requirements], False)
                got_files = {
                    canonicalize_name(i["metadata"]["name"]): i["download_info"]["url"].rsplit(
                        "/", 1
                    )[1]
                    for i in items
                }
                want_files = {n: e["file"] for n, e in expected.items() if n in wanted}
                if got_files != want_files:
                    problems.append(f"{where}: pip resolves {got_files or out.strip()}")
        else:  # projects without dependencies: the version pip picks for each line
            for req in requirements:
                exp = expected[canonicalize_name(req.name)]
                if exp["status"] in WHEEL_STATUSES | {"source-build"}:
                    got = finder_best(target, options, str(req))
                    if got != exp["file"]:
                        problems.append(f"{where}: for {req} pip picks {got}")
    return problems


def _loopback_module() -> Any:
    """tests/loopback.py, loaded by path (this script runs outside pytest)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("loopback", HERE.parent / "loopback.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["loopback"] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    """Check the given case files (default: all) and print the differences."""
    global INDEX
    replay = "--replay" in argv
    argv = [a for a in argv if a != "--replay"]
    if replay:
        server = _loopback_module().LoopbackIndex().start()
        INDEX = server.url
        PIP_EXTRA.append("--use-feature=fast-deps")
    paths = [Path(a) for a in argv] or sorted(HERE.glob("*.yaml"))
    failed = 0
    for path in paths:
        problems = check_case(path)
        failed += bool(problems)
        print(f"{'ok  ' if not problems else 'DIFF'} {path.name}")
        for problem in problems:
            print(f"     {problem}")
    print(f"{len(paths) - failed} ok, {failed} differ")
    if replay:
        print(f"replay: unrecorded {server.unrecorded}, stand-ins {server.standins_served}")
        server.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
