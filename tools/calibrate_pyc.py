#!/usr/bin/env python3
"""Calibrate the bytecode term of the package layer against real `pip install --target` runs.

For each package set and each target platform, pip installs the set's full dependency closure
(binary wheels only, as the target image would get them) into an empty folder, in two steps
(download, then install exactly those wheels offline):

    FLAGS="--only-binary=:all: --python-version 3.11 --implementation cp --abi cp311 \
        --platform P1 --platform P2 ..."
    python -m pip --isolated download --dest WHEELS --index-url URL $FLAGS SPECS
    python -m pip --isolated install --target DIR --no-index --find-links WHEELS $FLAGS SPECS

pip compiles every installed `.py` file itself, as it does in a Dockerfile's `RUN pip install`
(`compileall.compile_file(path, force=True, quiet=True)` on each `.py` of the wheel's library
part, default optimisation level, into `__pycache__/*.cpython-311.pyc`). So this interpreter
must be CPython 3.11: the bytecode is the target's. The folder is then measured (apparent
bytes: `.py`, `.pyc`, everything), the exact pins pip chose are written to a requirements file,
and wheelfit is asked about the same pins:

    wheelfit check PINS.txt --python 3.11 --target slim|alpine --format json

wheelfit's package layer is the sum of its verdicts' `installed_bytes` (the wheels' central
directories) plus its bytecode line. Results go to a JSON file and a markdown table on stdout;
per distribution the JSON also keeps the compressed bytes of its `.py` files (`py_deflated`,
from the downloaded wheel's central directory), for fitting models of the bytecode size.

The machine's pip configuration (pip.conf, PIP_FIND_LINKS, extra indexes) is switched off for
every subprocess. pip's download cache is kept, so a second run re-downloads nothing.

Usage:
    python3.11 tools/calibrate_pyc.py [--sets NAME,...] [--json-out FILE] [--keep DIR]
        [--wheelfit PATH] [--index-url URL] [--cache-dir DIR]

`--sets` defaults to the calibration sets (SETS); the held-out sets (HELD_OUT) check a model
fitted on them and run only when named.

`--exact-bytecode` passes the flag to wheelfit (the `.pyc` bytes computed by compiling the
wheels' `.py` files); wheelfit's bytecode is then the sum of its verdicts' `bytecode.pyc_bytes`.
`--reuse FILE` skips pip: the installs measured in an earlier run's JSON (same pins) are
compared with a fresh wheelfit run on their pins.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_WHEELFIT = HERE.parent / ".venv" / "bin" / "wheelfit"
DEFAULT_INDEX = "https://pypi.org/simple/"
PYTHON = "3.11"
GLIBC_MAX = 41  # python:3.11-slim-trixie: glibc 2.41
PIP_TIMEOUT_S = 1800

SETS: dict[str, list[str]] = {
    "data-science": ["matplotlib", "numpy", "pandas"],
    "django-celery": ["django", "psycopg2-binary", "celery"],
    "fastapi": ["fastapi", "uvicorn", "pydantic"],
    "aws-client": ["requests", "boto3"],
    "ml-classic": ["scipy", "scikit-learn"],
    "flask-sql": ["flask", "sqlalchemy"],
    "async-redis": ["aiohttp", "redis"],
    "crypto-ssh": ["cryptography", "pyjwt", "paramiko"],
    "grpc-gcs": ["grpcio", "protobuf", "google-cloud-storage"],
    "scraping": ["lxml", "beautifulsoup4", "pillow"],
    "llm-client": ["openai", "httpx", "tiktoken"],
    "arrow": ["pyarrow", "polars"],
}

# Sets kept out of any fit: they check a model chosen on SETS (packages not in SETS).
HELD_OUT: dict[str, list[str]] = {
    "sympy": ["sympy"],
    "kubernetes": ["kubernetes"],
    "anthropic": ["anthropic"],
    "alembic": ["alembic", "mako"],
    "networkx-yaml": ["networkx", "pyyaml"],
    "stripe": ["stripe"],
}
ALL_SETS = {**SETS, **HELD_OUT}

_DROP_ENV = (
    "PIP_FIND_LINKS", "PIP_CONSTRAINT", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX",
    "PIP_ONLY_BINARY", "PIP_NO_BINARY", "PIP_PRE", "PIP_PREFER_BINARY", "PIP_REQUIREMENT",
    "PIP_NO_COMPILE", "PYTHONDONTWRITEBYTECODE", "PYTHONOPTIMIZE",
)


@dataclass(frozen=True)
class Platform:
    """One target image as pip's --platform list and wheelfit's --target name."""

    name: str
    wheelfit_target: str
    tags: tuple[str, ...]


def _platforms() -> list[Platform]:
    """The two x86_64 targets: every tag each image accepts, as pip needs them listed."""
    many = [f"manylinux_2_{minor}_x86_64" for minor in range(GLIBC_MAX, 4, -1)]
    many += ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
    musl = [f"musllinux_1_{minor}_x86_64" for minor in (2, 1, 0)]
    return [
        Platform("manylinux", "slim", (*many, "linux_x86_64")),
        Platform("musllinux", "alpine", (*musl, "linux_x86_64")),
    ]


@dataclass
class Measure:
    """Apparent bytes of one installed folder."""

    total: int = 0
    py: int = 0
    pyc: int = 0
    py_files: int = 0
    pyc_files: int = 0
    py_deflated: int = 0


@dataclass
class Row:
    """One package set on one platform: the real install and wheelfit's estimate."""

    set_name: str
    platform: str
    specs: list[str]
    ok: bool = False
    error: str = ""
    pins: list[str] = field(default_factory=list)
    per_dist: dict[str, Measure] = field(default_factory=dict)
    measure: Measure = field(default_factory=Measure)
    wf_wheels: int | None = None
    wf_bytecode: int | None = None
    wf_error: str = ""
    seconds: float = 0.0
    wf_basis: str = ""
    wf_seconds: float = 0.0

    @property
    def wf_layer(self) -> int | None:
        if self.wf_wheels is None or self.wf_bytecode is None:
            return None
        return self.wf_wheels + self.wf_bytecode


def neutral_env() -> dict[str, str]:
    """This machine's environment with every pip configuration source switched off."""
    env = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def pip_install(
    specs: list[str], platform: Platform, target: Path, wheels: Path, args: argparse.Namespace
) -> str:
    """Install the closure of `specs` for `platform` into `target`; '' or pip's error tail.

    pip first downloads the wheels into `wheels` (their central directories give each
    distribution's compressed `.py` bytes), then installs exactly those, offline."""
    common = [
        "--only-binary=:all:", "--python-version", PYTHON,
        "--implementation", "cp", "--abi", "cp" + PYTHON.replace(".", ""),
    ]
    if args.cache_dir:
        common += ["--cache-dir", str(args.cache_dir)]
    cert = os.environ.get("PIP_CERT")
    if cert:
        common += ["--cert", cert]
    for tag in platform.tags:
        common += ["--platform", tag]
    pip = [sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check"]
    download = [*pip, "download", "--quiet", "--dest", str(wheels), "--index-url",
                args.index_url, *common, *specs]
    install = [*pip, "install", "--quiet", "--target", str(target), "--no-index",
               "--find-links", str(wheels), *common, *specs]
    return _run_pip(download) or _run_pip(install)


def _run_pip(cmd: list[str]) -> str:
    """Run one pip command; '' or the first line of its error."""
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=neutral_env(), timeout=PIP_TIMEOUT_S,
        check=False,
    )
    if proc.returncode == 0:
        return ""
    lines = [
        line.strip() for line in (proc.stderr + proc.stdout).splitlines()
        if line.strip() and not line.startswith("[notice]")
    ]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or [f"pip exited {proc.returncode}"])[0]


def measure(folder: Path) -> Measure:
    """Sum apparent file sizes under `folder`, split into .py and .pyc."""
    out = Measure()
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath, name)
            if path.is_symlink():
                continue
            size = path.stat().st_size
            out.total += size
            if name.endswith(".py"):
                out.py += size
                out.py_files += 1
            elif name.endswith(".pyc"):
                out.pyc += size
                out.pyc_files += 1
    return out


_META = re.compile(r"^(?P<name>.+)-(?P<version>[^-]+)\.dist-info$")


def installed_pins(folder: Path) -> list[str]:
    """`name==version` of every distribution pip put in `folder`, from its .dist-info METADATA."""
    pins = []
    for info in sorted(folder.glob("*.dist-info")):
        name = version = ""
        meta = info / "METADATA"
        for line in meta.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Name: "):
                name = line[6:].strip()
            elif line.startswith("Version: "):
                version = line[9:].strip()
            elif not line.strip():
                break
        if not name:
            match = _META.match(info.name)
            name, version = (match["name"], match["version"]) if match else (info.name, "")
        pins.append(f"{name}=={version}")
    return pins


def per_distribution(folder: Path) -> dict[str, Measure]:
    """Bytes per distribution, from the files each .dist-info/RECORD lists (pip adds its .pyc)."""
    out: dict[str, Measure] = {}
    for record in sorted(folder.glob("*.dist-info/RECORD")):
        m = Measure()
        with record.open(newline="", encoding="utf-8") as handle:
            for entry in csv.reader(handle):
                if not entry:
                    continue
                path = (folder / entry[0]).resolve()
                if not path.is_file() or folder.resolve() not in path.parents:
                    continue
                size = path.stat().st_size
                m.total += size
                if path.suffix == ".py":
                    m.py += size
                    m.py_files += 1
                elif path.suffix == ".pyc":
                    m.pyc += size
                    m.pyc_files += 1
        out[record.parent.name.removesuffix(".dist-info")] = m
    return out


def deflated_py(wheels: Path) -> dict[str, int]:
    """Compressed bytes of the `.py` files pip compiles, per wheel, keyed like the installed
    `.dist-info` folder (`name-version`), read from each wheel's central directory."""
    out: dict[str, int] = {}
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            infos = archive.infolist()
        key = next((i.filename.split("/", 1)[0] for i in infos
                    if i.filename.split("/", 1)[0].endswith(".dist-info")), wheel.name)
        out[key.removesuffix(".dist-info")] = sum(
            i.compress_size for i in infos if compiled_by_pip(i.filename)
        )
    return out


def compiled_by_pip(member: str) -> bool:
    """A `.py` member of the wheel's library part (what pip byte-compiles)."""
    if not member.endswith(".py"):
        return False
    top, _, rest = member.partition("/")
    if top.endswith(".data"):
        return rest.startswith(("purelib/", "platlib/"))
    return not top.endswith(".dist-info")


_BYTECODE = re.compile(r"^bytecode:.*\+(?P<mb>[0-9.]+) MB")


def wheelfit_layer(wheelfit: str, pins_file: Path, target: str,
                   exact: bool = False) -> tuple[int, int, str]:
    """(Σ installed_bytes of the target's verdicts, bytecode bytes, its basis line) from
    `wheelfit check`; with `exact`, the bytecode is Σ of the verdicts' computed bytes."""
    cmd = [
        wheelfit, "check", str(pins_file), "--python", PYTHON, "--target", target,
        "--format", "json", *(["--exact-bytecode"] if exact else []),
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=neutral_env(), timeout=600, check=False
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"wheelfit exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
    report = json.loads(proc.stdout)
    wheels = computed = 0
    for package in report["packages"]:
        verdict = package["verdicts"].get(target) or {}
        if verdict.get("installed_bytes") is None:
            raise RuntimeError(f"{package['name']}: no installed_bytes on {target}")
        wheels += int(verdict["installed_bytes"])
        if exact and verdict.get("bytecode") is None:
            raise RuntimeError(f"{package['name']}: no computed bytecode on {target}")
        computed += int((verdict.get("bytecode") or {}).get("pyc_bytes", 0))
    variant = next(v for v in report["estimate"]["variants"] if v["name"] == target)
    for line in variant["basis"]:
        match = _BYTECODE.match(line)
        if match:
            return wheels, computed if exact else round(float(match["mb"]) * 1e6), line
    return wheels, 0, ""


def run_one(
    set_name: str, platform: Platform, args: argparse.Namespace, work: Path
) -> Row:
    """Install, measure and ask wheelfit for one set on one platform."""
    row = Row(set_name, platform.name, ALL_SETS[set_name])
    folder = work / f"{set_name}-{platform.name}"
    wheels = work / f"{set_name}-{platform.name}-wheels"
    for stale in (folder, wheels):
        shutil.rmtree(stale, ignore_errors=True)
    started = time.monotonic()
    row.error = pip_install(row.specs, platform, folder, wheels, args)
    row.seconds = round(time.monotonic() - started, 1)
    if row.error:
        return row
    row.ok = True
    row.measure = measure(folder)
    row.pins = installed_pins(folder)
    row.per_dist = per_distribution(folder)
    for key, deflated in deflated_py(wheels).items():
        if key in row.per_dist:
            row.per_dist[key].py_deflated = deflated
            row.measure.py_deflated += deflated
    ask_wheelfit(row, platform, args, work)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(wheels, ignore_errors=True)
    return row


def ask_wheelfit(row: Row, platform: Platform, args: argparse.Namespace, work: Path) -> None:
    """wheelfit's package layer for the row's pins, into the row."""
    pins_file = work / f"{row.set_name}-{platform.name}.txt"
    pins_file.write_text("\n".join(row.pins) + "\n", encoding="utf-8")
    started = time.monotonic()
    try:
        row.wf_wheels, row.wf_bytecode, row.wf_basis = wheelfit_layer(
            args.wheelfit, pins_file, platform.wheelfit_target, args.exact_bytecode
        )
    except (RuntimeError, ValueError, KeyError, StopIteration) as exc:
        row.wf_error = str(exc)
    row.wf_seconds = round(time.monotonic() - started, 1)


def reused(set_name: str, platform: Platform, args: argparse.Namespace, work: Path) -> Row:
    """A row of an earlier run's JSON (its real install), with wheelfit asked again."""
    rows = json.loads(args.reuse.read_text(encoding="utf-8"))["rows"]
    old = next(r for r in rows if r["set_name"] == set_name and r["platform"] == platform.name)
    row = Row(set_name, platform.name, old["specs"], old["ok"], old["error"], old["pins"],
              {k: Measure(**v) for k, v in old["per_dist"].items()}, Measure(**old["measure"]),
              seconds=old["seconds"])
    if row.ok:
        ask_wheelfit(row, platform, args, work)
    return row


def _mb(value: int | None) -> str:
    return "—" if value is None else f"{value / 1e6:.1f}"


def table(rows: list[Row]) -> str:
    """Markdown table of the rows plus per-platform and overall totals."""
    head = (
        "| set | platform | dists | installed MB | .py MB | .pyc MB | pyc/py | "
        "wheelfit wheels MB | wheelfit .pyc MB | wheelfit layer MB | layer error |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )
    lines = []
    for r in rows:
        if not r.ok:
            lines.append(f"| {r.set_name} | {r.platform} | — | install failed: {r.error} |")
            continue
        m = r.measure
        ratio = f"{m.pyc / m.py:.2f}" if m.py else "—"
        layer = r.wf_layer
        err = f"{(layer - m.total) / m.total * 100:+.1f}%" if layer is not None else r.wf_error
        lines.append(
            f"| {r.set_name} | {r.platform} | {len(r.pins)} | {_mb(m.total)} | {_mb(m.py)} | "
            f"{_mb(m.pyc)} | {ratio} | {_mb(r.wf_wheels)} | {_mb(r.wf_bytecode)} | "
            f"{_mb(layer)} | {err} |"
        )
    for label in ("manylinux", "musllinux", "all"):
        chosen = [r for r in rows if r.ok and label in ("all", r.platform)]
        if not chosen:
            continue
        py = sum(r.measure.py for r in chosen)
        pyc = sum(r.measure.pyc for r in chosen)
        total = sum(r.measure.total for r in chosen)
        lines.append(
            f"| **total {label}** | | {sum(len(r.pins) for r in chosen)} | {_mb(total)} | "
            f"{_mb(py)} | {_mb(pyc)} | {pyc / py:.2f} | | | | |"
        )
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the calibration; print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--json-out", type=Path, help="write every row as JSON here")
    parser.add_argument("--keep", type=Path, help="keep the install folders under this folder")
    parser.add_argument("--wheelfit", default=str(DEFAULT_WHEELFIT))
    parser.add_argument("--index-url", default=DEFAULT_INDEX)
    parser.add_argument("--cache-dir", type=Path, help="pip's cache folder (private runs)")
    parser.add_argument("--exact-bytecode", action="store_true",
                        help="run wheelfit with --exact-bytecode")
    parser.add_argument("--reuse", type=Path, metavar="JSON",
                        help="take the installs from this earlier --json-out file (no pip)")
    args = parser.parse_args(argv)
    if f"{sys.version_info[0]}.{sys.version_info[1]}" != PYTHON:
        print(f"error: run this with CPython {PYTHON} (pip compiles with the running "
              f"interpreter), not {sys.version.split()[0]}", file=sys.stderr)
        return 2
    names = [n.strip() for n in args.sets.split(",") if n.strip()]
    unknown = [n for n in names if n not in ALL_SETS]
    if unknown:
        print(f"error: unknown set(s) {unknown}; known: {list(ALL_SETS)}", file=sys.stderr)
        return 2
    pip_version = subprocess.run(
        [sys.executable, "-m", "pip", "--version"], capture_output=True, text=True, check=False
    ).stdout.split()[1]
    with tempfile.TemporaryDirectory(prefix="calibrate-pyc-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows = []
        for name in names:
            for platform in _platforms():
                row = (reused if args.reuse else run_one)(name, platform, args, work)
                print(f"# {name} {platform.name}: ok={row.ok} {row.seconds}s wheelfit "
                      f"{row.wf_seconds}s {row.error}{row.wf_error}",
                      file=sys.stderr, flush=True)
                rows.append(row)
    if args.json_out:
        payload = {
            "date": time.strftime("%Y-%m-%d", time.gmtime()),
            "python": sys.version.split()[0],
            "pip": pip_version,
            "exact_bytecode": args.exact_bytecode,
            "reused": str(args.reuse) if args.reuse else None,
            "rows": [asdict(r) | {"wf_layer": r.wf_layer} for r in rows],
        }
        args.json_out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"CPython {sys.version.split()[0]}, pip {pip_version}")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
