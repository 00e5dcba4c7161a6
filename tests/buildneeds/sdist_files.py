"""The recorded build files of real sdists (tests/data/buildneeds/sdists/<name-version>/),
handed back as `wheelfit.index.sdist` would: member name (with the sdist's top folder) ->
bytes, plus the member names of MEMBERS.txt. `setup.py.txt` is stored for `setup.py` so that
no tool lints or imports it."""

from __future__ import annotations

from pathlib import Path

SDISTS = Path(__file__).resolve().parents[1] / "data" / "buildneeds" / "sdists"
_NOT_MEMBERS = frozenset({"SOURCE", "MEMBERS.txt"})


def recorded_sdist(name: str) -> tuple[dict[str, bytes], list[str]]:
    """(files, member names) of one recorded sdist folder."""
    folder = SDISTS / name
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name in _NOT_MEMBERS:
            continue
        inner = path.relative_to(folder).as_posix()
        inner = inner.removesuffix(".txt") if inner.endswith(".py.txt") else inner
        files[f"{name}/{inner}"] = path.read_bytes()
    names = [f"{name}/{line}" for line in
             (folder / "MEMBERS.txt").read_text(encoding="utf-8").split()]
    return files, names


def recorded_names() -> list[str]:
    """Every recorded sdist folder."""
    return sorted(p.name for p in SDISTS.iterdir() if p.is_dir())
