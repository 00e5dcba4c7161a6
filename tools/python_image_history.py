#!/usr/bin/env python3
"""Derive the size history of the official `python` images from a docker-library/repo-info checkout.

repo-info commits one Markdown file per tag: `repos/python/remote/<tag>.md` lists, for every
platform of the tag, the compressed size (`Total Size: **45.5 MB (45520747 bytes)**`), the
image's Dockerfile history (with `ENV PYTHON_VERSION=...`) and its layers (`Last Modified`);
`repos/python/local/<tag>.md`, where present, gives the amd64 on-disk size (`Virtual Size`).
Every commit that changed a tag's file is a moment the tag changed. This script walks
`git log` of those files and writes one TSV row per tag, architecture and change of size or
Python version, with the commit date as `valid_from`:

    python3 tools/python_image_history.py /path/to/repo-info [--since 2019-01-01]
        [--minor 3.6 --minor 3.7 ...] [--arch amd64 --arch arm64] > python-image-history.tsv

It reads only the checkout given; nothing of repo-info is embedded here. `parse_remote` and
`parse_local` work on one file's text and can be used on copies read elsewhere.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

MINORS = ("3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
ARCH_NAMES = {"amd64": "amd64", "arm64 variant v8": "arm64"}
COLUMNS = (
    "tag", "python_version", "variant", "distro", "arch", "compressed_bytes",
    "uncompressed_bytes", "valid_from", "image_date", "source",
)
GIT_TIMEOUT_S = 120

_SECTION = re.compile(r"^### `(?P<ref>[^`]+)` - linux; (?P<arch>[^\n]+)$", re.M)
_TOTAL = re.compile(r"Total Size: \*\*[^(]*\((?P<bytes>\d+) bytes\)\*\*")
_PY = re.compile(r"ENV PYTHON_VERSION[= ](?P<v>\d+\.\d+\.\d+\w*)")
_DATE = re.compile(r"^# (?P<d>\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT)$", re.M)
_MODIFIED = re.compile(r"Last Modified: (?P<d>\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT)")
_VIRTUAL = re.compile(r"Virtual Size: ~?\s*(?P<n>[\d.]+)\s*(?P<u>[KMG]b)", re.I)
_TAG = re.compile(
    r"^(?P<minor>3(?:\.\d+)?)?(?:\.\d+)?(?:-?(?P<slim>slim))?"
    r"(?:-?(?P<distro>stretch|buster|bullseye|bookworm|trixie|alpine(?:\d+\.\d+)?))?$"
)


@dataclass(frozen=True)
class Platform:
    """One architecture's facts in one version of a tag's remote file."""

    arch: str
    compressed_bytes: int
    python_version: str
    image_date: str


def _iso(date: str) -> str:
    return parsedate_to_datetime(date).strftime("%Y-%m-%d")


def classify(tag: str) -> tuple[str, str] | None:
    """`3.11-slim-bookworm` → ('slim', 'bookworm'); `3.9`, `latest` → ('full', ''); None for
    tags we do not track (windows, rc, ...). Floating tags (`slim`, `3-alpine`) are tracked."""
    if tag == "latest":
        return ("full", "")
    match = _TAG.match(tag)
    if not match or not tag or tag.startswith("-"):
        return None
    distro = match["distro"] or ""
    if distro.startswith("alpine"):
        return ("alpine", distro) if not match["slim"] else None
    return ("slim" if match["slim"] else "full", distro)


def parse_remote(text: str) -> list[Platform]:
    """Every linux platform section of a remote/<tag>.md text that we track (amd64, arm64)."""
    sections = list(_SECTION.finditer(text))
    out = []
    for index, section in enumerate(sections):
        arch = ARCH_NAMES.get(section["arch"].strip())
        if arch is None:
            continue
        end = sections[index + 1].start() if index + 1 < len(sections) else len(text)
        body = text[section.end():end]
        total = _TOTAL.search(body)
        if total is None:
            continue
        version = _PY.search(body)
        dates = [_iso(d) for d in _MODIFIED.findall(body)] or [_iso(d) for d in _DATE.findall(body)]
        out.append(Platform(
            arch=arch,
            compressed_bytes=int(total["bytes"]),
            python_version=version["v"] if version else "",
            image_date=max(dates) if dates else "",
        ))
    return out


def parse_local(text: str) -> int | None:
    """The on-disk size in bytes from a local/<tag>.md text (`Virtual Size: ~ 119.42 Mb`)."""
    match = _VIRTUAL.search(text)
    if match is None:
        return None
    scale = {"kb": 1e3, "mb": 1e6, "gb": 1e9}[match["u"].lower()]
    return round(float(match["n"]) * scale)


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args[:2])} failed in {repo}: {proc.stderr.strip()}")
    return proc.stdout


def history(repo: Path, path: str, since: str) -> Iterator[tuple[str, str]]:
    """(commit, commit date) of every change to `path`, oldest first."""
    out = _git(repo, "log", "--reverse", f"--since={since}", "--format=%H %cI", "--", path)
    for line in out.splitlines():
        commit, date = line.split(" ", 1)
        yield commit, date[:10]


def rows_for_tag(repo: Path, tag: str, since: str, arches: set[str]) -> Iterator[list[str]]:
    """One row per change of (compressed size, Python version) of `tag` on each arch."""
    kind = classify(tag)
    if kind is None:
        return
    variant, distro = kind
    path = f"repos/python/remote/{tag}.md"
    last: dict[str, tuple[int, str]] = {}
    for commit, date in history(repo, path, since):
        text = _git(repo, "show", f"{commit}:{path}")
        for platform in parse_remote(text):
            if platform.arch not in arches:
                continue
            key = (platform.compressed_bytes, platform.python_version)
            if last.get(platform.arch) == key:
                continue
            last[platform.arch] = key
            yield [
                f"python:{tag}", platform.python_version, variant, distro, platform.arch,
                str(platform.compressed_bytes), "", date, platform.image_date,
                f"{path}@{commit[:12]}",
            ]


def tags(repo: Path, minors: list[str]) -> list[str]:
    """Every tag of the wanted minors that ever had a remote file, and the floating tags
    (`latest`, `slim`, `alpine`, `3-slim`, ...) that say which minor was current."""
    out = _git(repo, "log", "--format=", "--name-only", "--", "repos/python/remote/")
    names = {Path(line).stem for line in out.splitlines() if line.endswith(".md")}
    kept = []
    for name in names:
        match = _TAG.match(name)
        if classify(name) is None or match is None:
            continue
        minor = match["minor"]
        if minor is None or minor == "3" or minor in minors:
            kept.append(name)
    return sorted(kept)


def main(argv: list[str] | None = None) -> int:
    """Write the history TSV of the python images found in a repo-info checkout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo_info", type=Path, help="a git checkout of docker-library/repo-info")
    parser.add_argument("--since", default="2019-01-01")
    parser.add_argument("--minor", action="append", help="Python X.Y (repeatable)")
    parser.add_argument("--arch", action="append", choices=sorted(set(ARCH_NAMES.values())))
    args = parser.parse_args(argv)
    if not (args.repo_info / "repos" / "python" / "remote").is_dir():
        print(f"error: {args.repo_info} is not a repo-info checkout (no repos/python/remote)",
              file=sys.stderr)
        return 2
    arches = set(args.arch or ARCH_NAMES.values())
    print("\t".join(COLUMNS))
    for tag in tags(args.repo_info, args.minor or list(MINORS)):
        for row in rows_for_tag(args.repo_info, tag, args.since, arches):
            print("\t".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
