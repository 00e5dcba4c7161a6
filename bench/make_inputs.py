#!/usr/bin/env python3
"""Build bench/inputs/pins-1000.txt from real pinned files (bench/inputs/sources/).

    .venv/bin/python bench/make_inputs.py            # needs PyPI (pages are cached in
                                                     # bench/snapshot/.raw/, asked once)

1. Merge the sources in order (first pin of a project wins): Airflow's constraints (with its
   97 providers) plus the Airflow release they belong to, the Colab GPU runtime's
   `pip freeze`, Superset's compiled base requirements.
   Lines that are not PyPI pins are dropped (URLs, `+local` versions, versions the index
   does not have).
2. Keep only pins whose version has a wheel that installs on python:3.12-alpine x86_64
   (musllinux_1_2 and older, or a pure wheel), so that all three tools can finish the
   alpine/musl check without compiling anything: `uv pip compile` builds an sdist to read
   its metadata when no wheel fits the target platform (minutes for numpy-like projects),
   and `pip --only-binary=:all:` gives up on the first such package.
3. Close the set: `uv pip compile` (musl target, Python 3.12, `--exclude-newer`) of the kept
   names with the kept pins as preferences (uv keeps the versions of an existing output file
   when it can). A pin that makes the set unsatisfiable is dropped and the compile repeated.
   The result, every package of the closure pinned once, is pins-1000.txt.

The report (kept pins, dropped pins and why, versions uv had to change) is written to
bench/inputs/pins-1000.report.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchlib import (
    EXCLUDE_NEWER,
    INPUTS,
    PYPI,
    PYTHON,
    RAW_CACHE,
    UV,
    installable_wheels,
    musl_env,
    tool_env,
    uv_python_args,
    wheel_metadata,
)
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

SOURCES = INPUTS / "sources"
ORDER = ("airflow-constraints.txt", "airflow-release.txt", "colab-pip-freeze-gpu.txt",
         "superset-base.txt")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)\s*$")


def read_pins(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, version) pins of a freeze/compile/constraints file, and the lines skipped."""
    pins, skipped = [], []
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _PIN.match(line)
        if not m or "+" in m.group(2):
            skipped.append(line)
            continue
        name = canonicalize_name(m.group(1))
        pins.append((name, m.group(2)))
    return pins, skipped


def merged() -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """name → (version, source file): the first pin of each project wins."""
    pins: dict[str, tuple[str, str]] = {}
    skipped: dict[str, list[str]] = {}
    for source in ORDER:
        found, skipped[source] = read_pins(SOURCES / source)
        for name, version in found:
            pins.setdefault(name, (version, source))
    return pins, skipped


def fetch_pages(names: Iterable[str]) -> dict[str, dict | None]:
    """PEP 691 pages from PyPI through the raw cache (one request per project, ever)."""
    from record_index import JSON_ACCEPT, Fetcher

    fetch = Fetcher(cache=RAW_CACHE)

    def one(name: str) -> tuple[str, dict | None]:
        body = fetch.get(f"{PYPI}/{name}/", accept=JSON_ACCEPT)
        return name, (json.loads(body) if body is not None else None)

    with ThreadPoolExecutor(max_workers=6) as pool:
        pages = dict(pool.map(one, sorted(names)))
    print(f"pages: {len(pages)} ({fetch.network} sent to {PYPI})", file=sys.stderr)
    return pages


def musl_check(page: dict | None, version: str) -> str | None:
    """None when the version has a wheel for python:3.12-alpine x86_64; else why not."""
    from record_index import file_version

    if page is None:
        return "not on PyPI"
    try:
        wanted = str(Version(version))
    except InvalidVersion:
        return "invalid version"
    files = [f for f in page["files"] if file_version(f["filename"]) == wanted]
    if not files:
        return "version not on PyPI"
    if installable_wheels(files, musl_env()):
        return None
    if any(f["filename"].endswith(".whl") for f in files):
        return "no musllinux/pure wheel for cp312 (platform wheels only)"
    return "sdist only"


MARKER_ENV = {
    "implementation_name": "cpython", "implementation_version": "3.12.12", "os_name": "posix",
    "platform_machine": "x86_64", "platform_python_implementation": "CPython",
    "platform_release": "", "platform_system": "Linux", "platform_version": "",
    "python_full_version": "3.12.12", "python_version": "3.12", "sys_platform": "linux",
    "extra": "",
}


def never_on_alpine(pages: dict[str, dict | None]) -> set[str]:
    """Projects with no wheel for python:3.12-alpine x86_64 in any version."""
    return {name for name, page in pages.items()
            if page is None or not installable_wheels(page["files"], musl_env())}


def requirements_of(name: str, version: str, page: dict) -> list[str]:
    """Names this pin requires on python:3.12-alpine x86_64 (no extras), from the PEP 658
    metadata of the wheel the alpine target installs (the same file the tools read)."""
    import email.parser

    from packaging.requirements import InvalidRequirement, Requirement
    from record_index import Fetcher, file_version

    files = [f for f in page["files"] if file_version(f["filename"]) == version]
    best = installable_wheels(files, musl_env())[0]
    entry = next(f for f in files if f["filename"] == best)
    try:
        data, _ = wheel_metadata(Fetcher(cache=RAW_CACHE), entry, name, version)
    except SystemExit as exc:  # an odd wheel: leave the pin to uv
        print(f"  {best}: {exc}", file=sys.stderr)
        return []
    if data is None:
        return []
    msg = email.parser.BytesParser().parsebytes(data, headersonly=True)
    out = []
    for line in msg.get_all("Requires-Dist") or []:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if req.marker is None or req.marker.evaluate(MARKER_ENV):
            out.append(canonicalize_name(req.name))
    return out


def prune_dependents(kept: dict[str, str], pages: dict[str, dict | None]) -> dict[str, str]:
    """Pins (to drop) that need, directly or through other pins, a project that has no
    alpine wheel in any version; name → the project in the way. Saves uv a compile per pin."""
    with ThreadPoolExecutor(max_workers=6) as pool:
        deps = dict(zip(kept, pool.map(lambda n: requirements_of(n, kept[n], pages[n]), kept),
                        strict=True))
    extra = {d for ds in deps.values() for d in ds} - set(pages)
    pages.update(fetch_pages(extra))
    bad = never_on_alpine(pages)
    why: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, ds in deps.items():
            if name in why:
                continue
            blocker = next((d for d in ds if d in bad or d in why), None)
            if blocker is not None:
                why[name] = blocker if blocker in bad else f"{blocker} (dropped)"
                changed = True
    return why


def compile_closure(pins: dict[str, str], uv_cache: Path, index_url: str) -> tuple[
        dict[str, str], dict[str, str]]:
    """`uv pip compile` the names with the pins as preferences; drop pins that make it fail.
    Returns (closure pins, dropped name → uv's reason)."""
    dropped: dict[str, str] = {}
    work = Path(tempfile.mkdtemp(prefix="make-inputs-"))
    while True:
        names = sorted(n for n in pins if n not in dropped)
        (work / "in.txt").write_text("".join(f"{n}\n" for n in names))
        out = work / "out.txt"
        out.write_text("".join(f"{n}=={pins[n]}\n" for n in names))  # preferences
        cmd = [str(UV), "pip", "compile", "--no-config", "--no-python-downloads",
               *uv_python_args(), "--python-version", PYTHON,
               "--python-platform", "x86_64-unknown-linux-musl",
               "--exclude-newer", EXCLUDE_NEWER, "--index-url", index_url,
               "--cache-dir", str(uv_cache), "--no-header", "--no-annotate",
               "--only-binary", ":all:", str(work / "in.txt"), "-o", str(out)]
        done = subprocess.run(cmd, env=tool_env(), capture_output=True, text=True)
        if done.returncode == 0:
            closure = {}
            for line in out.read_text().splitlines():
                m = _PIN.match(line.split(";")[0].strip())
                if m:
                    closure[canonicalize_name(m.group(1))] = m.group(2)
            return closure, dropped
        culprit = _culprit(done.stderr, names)
        if culprit is None:
            raise SystemExit(f"uv pip compile failed and no pin to drop:\n{done.stderr}")
        reason = " ".join(line for line in done.stderr.splitlines()
                          if not line.startswith("warning:"))
        reason = " ".join(reason.split())[:300]
        print(f"  drop {culprit}: {reason[:160]}", file=sys.stderr)
        dropped[culprit] = reason


def _culprit(stderr: str, names: list[str]) -> str | None:
    """The requirement of ours that uv's error message names first."""
    text = stderr.replace("\n", " ")
    hits = []
    for name in names:
        for m in re.finditer(rf"(?<![\w.-]){re.escape(name)}(?:==|\[| |\)|,|$)", text,
                             re.IGNORECASE):
            hits.append((m.start(), name))
            break
    # uv names the requirement it cannot satisfy after "you require" / "Because"
    for marker in ("you require ", "Because "):
        i = text.find(marker)
        if i >= 0:
            after = [(pos, n) for pos, n in hits if pos >= i]
            if after:
                return min(after)[1]
    return min(hits)[1] if hits else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index-url", default=PYPI)
    ap.add_argument("--uv-cache", type=Path, default=RAW_CACHE.parent / ".make-inputs-uv-cache")
    ap.add_argument("--out", type=Path, default=INPUTS / "pins-1000.txt")
    args = ap.parse_args(argv)

    pins, skipped = merged()
    pages = fetch_pages(pins)
    kept: dict[str, str] = {}
    refused: dict[str, str] = {}
    for name, (version, _source) in pins.items():
        why = musl_check(pages[name], version)
        if why is None:
            kept[name] = str(Version(version))
        else:
            refused[name] = why
    print(f"merged {len(pins)} pins; {len(kept)} with an alpine wheel, {len(refused)} not",
          file=sys.stderr)
    with_wheel = len(kept)
    needs = prune_dependents(kept, pages)
    for name, blocker in needs.items():
        refused[name] = f"needs {blocker}, which has no alpine wheel in any version"
        del kept[name]
    print(f"{len(needs)} more need a project without alpine wheels; {len(kept)} left",
          file=sys.stderr)
    closure, dropped = compile_closure(kept, args.uv_cache, args.index_url)
    changed = {n: (kept[n], v) for n, v in closure.items() if n in kept and
               Version(kept[n]) != Version(v)}
    added = sorted(set(closure) - set(kept))

    header = [
        "# ~1,000 pins: a fully pinned closure assembled from real pinned files; made by",
        "# bench/make_inputs.py (see bench/inputs/pins-1000.report.md for what was kept,",
        f"# dropped and changed). Python {PYTHON}; every pin has a wheel for python:3.12-alpine.",
    ]
    args.out.write_text("\n".join(header) + "\n" +
                        "".join(f"{n}=={v}\n" for n, v in sorted(closure.items())))
    report = [
        "# pins-1000.txt: how it was made", "",
        f"Sources, in order (first pin of a project wins): {', '.join(ORDER)}.", "",
        f"* merged pins: {len(pins)} distinct projects",
        f"* with a python:3.12-alpine wheel for the pinned version: {with_wheel}",
        f"* of those, needing a project that has no alpine wheel in any version: {len(needs)}",
        f"* kept for the closure: {len(kept)}",
        f"* dropped by uv (unsatisfiable together): {len(dropped)}",
        f"* closure written: {len(closure)} pins ({len(added)} added by uv as dependencies, "
        f"{len(changed)} with a different version than the source pin)", "",
        "## Pins without an alpine wheel (not used)", "",
        *(f"- {n}=={pins[n][0]} ({pins[n][1]}): {why}" for n, why in sorted(refused.items())),
        "", "## Dropped as unsatisfiable together", "",
        *(f"- {n}=={kept[n]}: {why}" for n, why in sorted(dropped.items())),
        "", "## Versions uv changed to close the set", "",
        *(f"- {n}: {a} → {b}" for n, (a, b) in sorted(changed.items())),
        "", "## Added as dependencies", "",
        *(f"- {n}=={closure[n]}" for n in added),
        "", "## Source lines that are not PyPI pins", "",
        *(f"- {s}: `{line}`" for s, lines in skipped.items() for line in lines),
    ]
    args.out.with_suffix(".report.md").write_text("\n".join(report) + "\n")
    print(f"{args.out}: {len(closure)} pins", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
