"""A lock file beside a pyproject.toml: say so, and name the command that checks it.

A pyproject's ranges are resolved afresh; the lock holds the versions the project really
installs, and checking it is exact and needs no search.
"""

from __future__ import annotations

import shlex
from pathlib import Path

__all__ = ["LOCK_NAMES", "lock_note"]

# Locks wheelfit reads, in the order a note names them (`pdm.lock` is handled below).
LOCK_NAMES = ("uv.lock", "poetry.lock", "pylock.toml", "Pipfile.lock")


def lock_note(path: Path, display: str) -> str | None:
    """The note for the locks next to `path` (a pyproject.toml), or None when there is none."""
    folder = path.parent
    shown = Path(display).parent
    try:
        present = {p.name for p in folder.iterdir() if p.is_file()}
    except OSError:
        return None
    readable = [n for n in LOCK_NAMES if n in present]
    readable += sorted(n for n in present if n.startswith("pylock.") and n.endswith(".toml")
                       and n not in readable)
    if readable:
        lock = readable[0]
        command = f"wheelfit check {shlex.quote(str(shown / lock))}"
        others = f" ({', '.join(readable[1:])} too)" if len(readable) > 1 else ""
        return (f"{lock} sits next to {Path(display).name}{others}: this check resolved the "
                f"pyproject's ranges afresh; to check the versions the lock pins instead, "
                f"run `{command}`")
    if "pdm.lock" in present:
        export = shlex.quote(str(shown / "requirements.txt"))
        return (f"pdm.lock sits next to {Path(display).name}: this check resolved the "
                "pyproject's ranges afresh; wheelfit does not read pdm.lock, so to check its "
                f"pins run `pdm export -o {export}`, then `wheelfit check {export}`")
    return None
