"""Synthetic projects as a recorded tree the loopback index serves (tests/data/pinned/
index.yaml and the fallback tests' index.yaml use this form)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

FILE_KINDS = {
    "any": "{n}-{v}-py3-none-any.whl",
    "manylinux": "{n}-{v}-cp312-cp312-manylinux_2_17_x86_64.whl",
    "win": "{n}-{v}-cp312-cp312-win_amd64.whl",
    "sdist": "{n}-{v}.tar.gz",
}


def write_index(root: Path, projects: dict[str, Any]) -> Path:
    """index.yaml's projects as a recorded tree (pages/*.json.gz, metadata/*.metadata)."""
    (root / "pages").mkdir(parents=True)
    (root / "metadata").mkdir()
    for name, versions in projects.items():
        files = []
        for version, info in versions.items():
            info = info or {}
            for kind in info.get("files", ["any"]):
                filename = FILE_KINDS[kind].format(n=name.replace("-", "_"), v=version)
                files.append({
                    "filename": filename, "url": f"https://example.invalid/{filename}",
                    "hashes": {"sha256": hashlib.sha256(filename.encode()).hexdigest()},
                    "requires-python": ">=3.8", "size": 1000,
                    "upload-time": "2024-01-01T00:00:00.000000Z",
                    "yanked": "broken" if info.get("yanked") else False,
                })
                if filename.endswith(".whl") and info.get("metadata", True):
                    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
                    lines += [f"Requires-Dist: {r}" for r in info.get("requires", [])]
                    (root / "metadata" / f"{filename}.metadata").write_text("\n".join(lines) + "\n")
        page = {"meta": {"api-version": "1.1"}, "name": name, "versions": list(versions),
                "files": files}
        (root / "pages" / f"{name}.json.gz").write_bytes(
            gzip.compress(json.dumps(page).encode(), mtime=0))
    return root
