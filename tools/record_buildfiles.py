#!/usr/bin/env python3
"""Record the build files of real sdists for tests/buildneeds (only the small text files
the reader wants: pyproject.toml, Cargo.toml, meson.build, CMakeLists.txt, setup.py, ...).

    .venv/bin/python tools/record_buildfiles.py tantivy==0.26.0 docopt==0.6.2 ...

For each `name==version` (or `name` for the newest release) it asks PyPI's JSON API for the
sdist, downloads it once, checks its sha256 and writes, under
tests/data/buildneeds/sdists/<name>-<version>/:

* the members `wheelfit.buildneeds.buildmembers.is_build_file` selects, at their path inside
  the sdist; Python files get a `.txt` suffix (`setup.py.txt`) so that no tool lints or
  imports them;
* `MEMBERS.txt`: up to 20 source-file names per language (`source_language`), the evidence
  for languages the build files do not name;
* `SOURCE`: the file's PyPI URL and sha256.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from wheelfit.buildneeds.buildmembers import (
    MAX_FILE_BYTES,
    inner_path,
    is_build_file,
    source_language,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "buildneeds" / "sdists"
PER_LANGUAGE = 20
FILES = "https://files.pythonhosted.org/packages"


def sdist_of(spec: str) -> dict[str, str]:
    name, _, version = spec.partition("==")
    url = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(url, timeout=60) as response:
        doc = json.load(response)
    version = version or doc["info"]["version"]
    files = [u for u in doc["releases"].get(version, []) if u["packagetype"] == "sdist"]
    if not files:
        raise SystemExit(f"{spec}: no sdist on PyPI")
    fetch = urllib.parse.urljoin(url, files[0]["url"])
    tail = re.search(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{60}/[^/]+$", fetch)
    public = f"{FILES}/{tail.group()}" if tail else fetch
    return {"name": doc["info"]["name"], "version": version, "fetch": fetch,
            "url": public, "sha256": files[0]["digests"]["sha256"]}


def members(data: bytes, url: str) -> list[tuple[str, bytes | None]]:
    """(member name, bytes of a build file or None) for every regular file."""
    out: list[tuple[str, bytes | None]] = []
    if url.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                keep = is_build_file(info.filename) and info.file_size <= MAX_FILE_BYTES
                out.append((info.filename, archive.read(info) if keep else None))
        return out
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive:
            if not member.isreg():
                continue
            keep = is_build_file(member.name) and member.size <= MAX_FILE_BYTES
            handle = archive.extractfile(member) if keep else None
            out.append((member.name, handle.read() if handle else None))
    return out


def record(spec: str) -> Path:
    found = sdist_of(spec)
    with urllib.request.urlopen(found["fetch"], timeout=120) as response:
        data = response.read()
    if hashlib.sha256(data).hexdigest() != found["sha256"]:
        raise SystemExit(f"{spec}: sha256 mismatch for {found['url']}")
    target = OUT / f"{found['name'].lower()}-{found['version']}"
    target.mkdir(parents=True, exist_ok=True)
    listed: dict[str, list[str]] = {}
    for name, content in members(data, found["url"]):
        language = source_language(name)
        if language is not None and len(listed.setdefault(language, [])) < PER_LANGUAGE:
            listed[language].append(inner_path(name))
        if content is None:
            continue
        inner = inner_path(name)
        path = target / (inner + ".txt" if inner.endswith(".py") else inner)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    names = sorted(n for group in listed.values() for n in group)
    (target / "MEMBERS.txt").write_text("".join(f"{n}\n" for n in names), encoding="utf-8")
    (target / "SOURCE").write_text(f"{found['url']} sha256={found['sha256']}\n",
                                   encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    for spec in argv:
        print(record(spec).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
