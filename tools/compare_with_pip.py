#!/usr/bin/env python3
"""Cross-check wheelfit's per-target file choice against pip itself.

For every package and target of a `wheelfit check --format json` report whose verdict has a
version, ask pip which file it would install for exactly `NAME==VERSION` on that target:

    pip --isolated install --dry-run --report R.json --no-deps --ignore-installed \
        --only-binary=:all: --platform P1 --platform P2 ... --python-version X.Y.Z \
        --implementation cp --abi cpXY --target DIR --index-url URL NAME==VERSION

The platform list is `wheelfit.compat.targets.platform_tags(target)`: every tag the target image
accepts, most specific first, ending with `linux_<arch>`. pip uses exactly the platforms it is
given (it only widens the legacy `manylinux2014`/`manylinux2010` aliases), so a single
`--platform musllinux_1_2_x86_64` would reject `musllinux_1_1` wheels and a single
`--platform manylinux_2_41_x86_64` would reject `manylinux_2_17` wheels.

When the binary-only dry-run finds nothing, pip's own `PackageFinder` (the code the resolver
uses to pick a file, built from the same command line minus `--only-binary`) is asked for the
best file of that version, which tells "source-build" (an sdist is chosen) from "unavailable"
without building the sdist's metadata (`--sdist-check finder`, the default). `--sdist-check
dry-run` runs a real second dry-run with `--no-binary NAME` instead (it builds the sdist's
metadata: slow, and fails for sdists whose setup.py needs system tools — the log still names
the file pip picked); `--sdist-check json` reads PyPI's JSON API for the version.

The configuration of this machine (pip.conf files, PIP_FIND_LINKS, PIP_CONSTRAINT, uv config)
is neutralised for every subprocess: PIP_CONFIG_FILE=/dev/null, the PIP_*/UV_* index and link
variables removed, UV_NO_CONFIG=1, and `--isolated` for pip.

Usage:
    .venv/bin/python tools/compare_with_pip.py requirements.txt [--exclude-newer DATE]
        [--jobs 8] [--json-out FILE] [--wheelfit-json FILE] [-- extra wheelfit options]
Exit code: 0 when every compared pin agrees, 1 when some differ, 2 on a usage/run error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from wheelfit.compat.targets import make_target, platform_tags
from wheelfit.model import Variant

HERE = Path(__file__).resolve().parent
VENV_BIN = HERE.parent / ".venv" / "bin"
DEFAULT_INDEX = "https://pypi.org/simple/"
_DROP_ENV = (
    "PIP_FIND_LINKS", "PIP_CONSTRAINT", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX",
    "PIP_ONLY_BINARY", "PIP_NO_BINARY", "PIP_PRE", "PIP_PREFER_BINARY", "PIP_REQUIREMENT",
    "UV_INDEX", "UV_INDEX_URL", "UV_DEFAULT_INDEX", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS",
    "UV_CONSTRAINT", "UV_OVERRIDE", "UV_EXCLUDE_NEWER", "UV_PRERELEASE", "UV_PYTHON",
)


def neutral_env() -> dict[str, str]:
    """This machine's environment with every pip/uv configuration source switched off."""
    env = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["UV_NO_CONFIG"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def to_rfc3339(value: str) -> str:
    """`YYYY-MM-DD` → midnight UTC that day (wheelfit's reading of a bare date)."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value}T00:00:00Z"
    return value


# --- wheelfit ------------------------------------------------------------------------------


def run_wheelfit(wheelfit: str, inputs: list[str], extra: list[str]) -> dict:
    """`wheelfit check --format json` → the parsed report (exit codes 0 and 1 are fine)."""
    cmd = [wheelfit, "check", "--format", "json", *extra, *inputs]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=neutral_env(), check=False)
    if proc.returncode not in (0, 1, 6):
        sys.exit(f"wheelfit failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return json.loads(proc.stdout)


def target_of(info: dict):
    """Rebuild wheelfit's Target from the report's description of it."""
    variant = Variant(info["variant"])
    kwargs = {"debian": info["release"]} if variant is Variant.SLIM else {"alpine": info["release"]}
    target = make_target(variant, python=info["python_full"], arch=info["arch"], **kwargs)
    assert target.libc_version == info["libc_version"], (target, info)
    return target


# --- pip -----------------------------------------------------------------------------------


@dataclass
class PipVerdict:
    """What pip would install for one pin on one target."""

    status: str  # binary-wheel | pure-wheel | source-build | unavailable | error
    file: str | None = None
    how: str = ""  # which pip run decided it
    detail: str = ""


@dataclass
class Row:
    """One comparison: wheelfit's verdict and pip's for a package on a target."""

    name: str
    version: str
    target: str
    wf_status: str
    wf_file: str | None
    pip: PipVerdict = field(default_factory=lambda: PipVerdict("error"))

    @property
    def equal(self) -> bool:
        return self.wf_status == self.pip.status and self.wf_file == self.pip.file


def wheel_status(filename: str) -> str:
    """pure-wheel when every tag of the file is platform `any`, else binary-wheel."""
    _, _, _, tags = parse_wheel_filename(filename)
    return "pure-wheel" if all(t.platform == "any" for t in tags) else "binary-wheel"


def pip_base_args(target, python_version: str, index_url: str, cutoff: str | None) -> list[str]:
    """The dist-restriction options that describe the target image to pip."""
    minor = target.python.replace(".", "")
    args = ["--isolated", "install", "--dry-run", "--no-deps", "--ignore-installed",
            "--index-url", index_url]
    for platform in platform_tags(target):
        args += ["--platform", platform]
    args += ["--python-version", python_version, "--implementation", "cp", "--abi", f"cp{minor}"]
    if cutoff:
        args += ["--uploaded-prior-to", cutoff]
    return args


_NOT_FOUND = ("No matching distribution found", "Could not find a version that satisfies")


def pip_dry_run(pip: str, base: list[str], pin: str) -> tuple[str | None, str]:
    """Binary-only dry-run: (chosen file name or None when nothing matched, stderr)."""
    with tempfile.TemporaryDirectory(prefix="wf-pip-") as tmp:
        report = Path(tmp) / "report.json"
        cmd = [pip, *base, "--only-binary=:all:", "--target", str(Path(tmp) / "t"),
               "--report", str(report), "--quiet", pin]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=neutral_env(),
                              check=False, timeout=600)
        if proc.returncode == 0:
            data = json.loads(report.read_text())
            url = data["install"][0]["download_info"]["url"]
            return urllib.parse.unquote(url.rsplit("/", 1)[-1].split("#")[0]), proc.stderr
        if any(text in proc.stderr for text in _NOT_FOUND):
            return None, proc.stderr
        raise RuntimeError(f"pip failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")


def pip_finder(python: str, base: list[str], pin: str) -> dict:
    """pip's PackageFinder for the same command line without --only-binary (no build)."""
    args = [a for a in base if a != "install"]
    cmd = [python, str(Path(__file__).resolve()), "--_pip-finder", json.dumps([*args, pin])]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=neutral_env(), check=False,
                          timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"pip finder failed: {proc.stderr.strip()[-800:]}")
    return json.loads(proc.stdout)


def _pip_finder_main(argv: list[str]) -> None:
    """Helper mode: print pip's best candidate for `NAME==VERSION` as JSON."""
    from pip._internal.cli.cmdoptions import make_target_python
    from pip._internal.commands import create_command
    from pip._vendor.packaging.specifiers import SpecifierSet  # pip's own Version objects

    command = create_command("install", isolated=True)
    options, args = command.parse_args(argv)
    session = command._build_session(options)
    finder = command._build_package_finder(
        options=options, session=session, target_python=make_target_python(options),
        ignore_requires_python=options.ignore_requires_python,
    )
    name, version = args[0].split("==", 1)
    result = finder.find_best_candidate(name, SpecifierSet(f"=={version}"))
    best = result.best_candidate
    print(json.dumps({
        "best": best.link.filename if best else None,
        "applicable": [c.link.filename for c in result.applicable_candidates],
    }))


_PICKED = re.compile(r"(?:Downloading|Using cached|File was already downloaded)\s+(\S+)")


def pip_no_binary_dry_run(pip: str, base: list[str], name: str, pin: str) -> str | None:
    """Second dry-run with --no-binary NAME; the sdist pip picked (from the report, or from
    the log when building its metadata fails), or None when no sdist matched."""
    with tempfile.TemporaryDirectory(prefix="wf-pip-") as tmp:
        report = Path(tmp) / "report.json"
        cmd = [pip, *base, "--no-binary", name, "--target", str(Path(tmp) / "t"),
               "--report", str(report), "-v", pin]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=neutral_env(),
                              check=False, timeout=900)
        if proc.returncode == 0:
            url = json.loads(report.read_text())["install"][0]["download_info"]["url"]
            return urllib.parse.unquote(url.rsplit("/", 1)[-1].split("#")[0])
        for match in _PICKED.finditer(proc.stdout + proc.stderr):
            candidate = urllib.parse.unquote(match.group(1).rsplit("/", 1)[-1])
            if not candidate.endswith(".whl"):
                return candidate
        if any(text in proc.stderr for text in _NOT_FOUND):
            return None
        raise RuntimeError(f"pip --no-binary failed ({proc.returncode}): "
                           f"{proc.stderr.strip()[-800:]}")


def pypi_json_sdist(name: str, version: str, cutoff: str | None) -> str | None:
    """The version's sdist on PyPI's JSON API (not yanked-aware, no Requires-Python check).

    Reads the project's JSON (`/pypi/NAME/json`, `releases[VERSION]`): the per-version URL
    answers 404 behind this machine's proxy."""
    url = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = json.load(response)
    releases = {canonical_version(v): files for v, files in data.get("releases", {}).items()}
    for item in releases.get(canonical_version(version), []):
        if item.get("packagetype") == "sdist":
            uploaded = item.get("upload_time_iso_8601", "").replace(".000000Z", "Z")
            if cutoff and uploaded >= cutoff:
                continue
            return item["filename"]
    return None


def canonical_version(text: str) -> str:
    try:
        return str(Version(text))
    except InvalidVersion:
        return text


def ask_pip(row: Row, target, opts: argparse.Namespace) -> PipVerdict:
    """pip's verdict for one row."""
    base = pip_base_args(target, opts.pip_python_version or target.python_full,
                         opts.index_url, opts.cutoff)
    pin = f"{row.name}=={row.version}"
    try:
        chosen, _ = pip_dry_run(opts.pip, base, pin)
        if chosen:
            return PipVerdict(wheel_status(chosen), chosen, "dry-run --only-binary=:all:")
        if opts.sdist_check == "finder":
            found = pip_finder(opts.python, base, pin)
            best = found["best"]
            if best and not best.endswith(".whl"):
                return PipVerdict("source-build", best, "pip PackageFinder (sdists allowed)")
            if best:
                return PipVerdict("error", best, "pip PackageFinder",
                                  "finder picked a wheel the binary-only dry-run refused")
            return PipVerdict("unavailable", None, "pip PackageFinder (sdists allowed)")
        if opts.sdist_check == "dry-run":
            sdist = pip_no_binary_dry_run(opts.pip, base, row.name, pin)
            how = "dry-run --no-binary NAME"
        else:
            sdist = pypi_json_sdist(row.name, row.version, opts.cutoff)
            how = "PyPI JSON"
        return PipVerdict("source-build", sdist, how) if sdist else PipVerdict(
            "unavailable", None, how)
    except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as exc:
        return PipVerdict("error", None, "pip", str(exc)[-400:])


# --- report --------------------------------------------------------------------------------


def collect_rows(report: dict) -> tuple[list[Row], Counter]:
    """A row per (package, target) with a version; the others counted by status."""
    rows: list[Row] = []
    skipped: Counter = Counter()
    for package in report["packages"]:
        for target_name, verdict in package["verdicts"].items():
            if not verdict.get("version"):
                skipped[(target_name, verdict["status"])] += 1
                continue
            rows.append(Row(canonicalize_name(package["name"]), verdict["version"], target_name,
                            verdict["status"], verdict.get("file")))
    return rows, skipped


def print_table(rows: list[Row], show_all: bool) -> None:
    shown = rows if show_all else [r for r in rows if not r.equal]
    if not shown:
        return
    width = max(len(f"{r.name}=={r.version}") for r in shown)
    print(f"{'pin':<{width}}  target  {'':4}  wheelfit / pip")
    for r in shown:
        mark = "same" if r.equal else "DIFF"
        print(f"{r.name + '==' + r.version:<{width}}  {r.target:<6}  {mark}  "
              f"wf:  {r.wf_status:<13} {r.wf_file}")
        if not r.equal or show_all:
            extra = f"  [{r.pip.detail}]" if r.pip.detail else ""
            print(f"{'':<{width}}  {'':<6}  {'':4}  pip: {r.pip.status:<13} {r.pip.file}"
                  f"  ({r.pip.how}){extra}")


def summarize(rows: list[Row], skipped: Counter, targets: list[str]) -> dict:
    summary: dict = {}
    for target in targets:
        mine = [r for r in rows if r.target == target]
        summary[target] = {
            "compared": len(mine),
            "equal": sum(r.equal for r in mine),
            "different": sum(not r.equal for r in mine),
            "pip_errors": sum(r.pip.status == "error" for r in mine),
            "by_status": dict(Counter(r.wf_status for r in mine)),
            "not_compared": {s: n for (t, s), n in skipped.items() if t == target},
        }
    return summary


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_pip-finder"]:
        _pip_finder_main(json.loads(argv[1]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="*", help="dependency file(s) given to wheelfit")
    parser.add_argument("--wheelfit-json", help="use this saved wheelfit JSON report instead "
                        "of running wheelfit")
    parser.add_argument("--exclude-newer", help="passed to wheelfit as --exclude-newer and to "
                        "pip as --uploaded-prior-to (a bare date means 00:00 UTC)")
    parser.add_argument("--index-url", default=DEFAULT_INDEX)
    parser.add_argument("--pip-python-version", help="pip's --python-version [default: the "
                        "target's full version from the report, e.g. 3.12.14]")
    parser.add_argument("--sdist-check", choices=["finder", "dry-run", "json"], default="finder")
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--pip", default=str(VENV_BIN / "pip"))
    parser.add_argument("--python", default=str(VENV_BIN / "python"),
                        help="interpreter whose pip runs the PackageFinder helper")
    parser.add_argument("--wheelfit", default=str(VENV_BIN / "wheelfit"))
    parser.add_argument("--json-out", help="write the rows and the counts here")
    parser.add_argument("--all", action="store_true", help="print equal rows too")
    extra: list[str] = []
    if "--" in argv:  # everything after `--` goes to `wheelfit check`
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    opts = parser.parse_args(argv)
    opts.cutoff = to_rfc3339(opts.exclude_newer) if opts.exclude_newer else None

    if opts.wheelfit_json:
        report = json.loads(Path(opts.wheelfit_json).read_text())
    elif opts.inputs:
        if opts.exclude_newer:
            extra = ["--exclude-newer", opts.exclude_newer, *extra]
        report = run_wheelfit(opts.wheelfit, opts.inputs, extra)
    else:
        parser.error("give a dependency file or --wheelfit-json")
    targets = {t["name"]: target_of(t) for t in report["targets"]}
    rows, skipped = collect_rows(report)

    with ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        verdicts = pool.map(lambda r: ask_pip(r, targets[r.target], opts), rows)
        for row, verdict in zip(rows, verdicts, strict=True):
            row.pip = verdict

    rows.sort(key=lambda r: (r.name, list(targets).index(r.target)))
    print(f"input: {report['input']}  targets: "
          + ", ".join(f"{n} ({t.image}, {t.libc.value} {t.libc_version}, "
                      f"Python {t.python_full})" for n, t in targets.items())
          + (f"  cutoff: {opts.cutoff}" if opts.cutoff else ""))
    print_table(rows, opts.all)
    summary = summarize(rows, skipped, list(targets))
    for name, counts in summary.items():
        print(f"{name}: compared {counts['compared']}, equal {counts['equal']}, "
              f"different {counts['different']} (pip errors {counts['pip_errors']}); "
              f"wheelfit statuses {counts['by_status']}; not compared {counts['not_compared']}")
    if opts.json_out:
        Path(opts.json_out).write_text(json.dumps({
            "input": report["input"], "cutoff": opts.cutoff, "summary": summary,
            "rows": [{**asdict(r), "equal": r.equal} for r in rows],
        }, indent=1))
    return 0 if all(r.equal for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
