"""A RUN's shell text as `&&`-joined commands: split, classify, and written back (pure).

Only the plain form `a && b && c` is split; any other shell control outside quotes (`;`,
`|`, `||`, a single `&`, a subshell, a newline of a heredoc, `if`/`for`/`while`/`case`)
makes `split_commands` return None, and the caller leaves that RUN as written.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Sequence

SYSTEM_TOOLS = frozenset({"apt-get", "apt", "apk", "aptitude"})
SYSTEM_DIRS = ("/var/lib/apt", "/var/cache/apt", "/var/cache/apk", "/var/apt")
_COMPOUND = frozenset({"if", "for", "while", "until", "case", "{", "(", "!"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
VIRTUAL = ".build-deps"
APT_LISTS = "rm -rf /var/lib/apt/lists/*"


def _scan(text: str) -> list[str] | None:
    """Cut at top-level `&&`, collapsing whitespace outside quotes; None on other control."""
    parts: list[str] = []
    current: list[str] = []
    quote, depth, i = "", 0, 0
    while i < len(text):
        char = text[i]
        if quote:
            current.append(char)
            quote = "" if char == quote else quote
        elif depth:
            current.append(char)
            depth += (char == "(") - (char == ")")
        elif text.startswith("$(", i):
            current.append("$(")
            depth, i = 1, i + 2
            continue
        elif text.startswith("&&", i):
            parts.append("".join(current))
            current, i = [], i + 2
            continue
        elif char in ";|&()\n`":
            return None
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        elif char in " \t":
            if current and current[-1] != " ":
                current.append(" ")
        else:
            current.append(char)
        i += 1
    if quote or depth:
        return None
    parts.append("".join(current))
    return [p.strip() for p in parts]


def split_commands(text: str) -> list[str] | None:
    """The `&&`-joined commands of a RUN's shell text, or None when it is not that plain."""
    parts = _scan(text)
    if parts is None or any(not p or p.split(" ", 1)[0] in _COMPOUND for p in parts):
        return None
    return parts


def _words(command: str) -> list[str]:
    try:
        words = shlex.split(command)
    except ValueError:
        return []
    while words and _ASSIGNMENT.match(words[0]):
        words = words[1:]
    return words


def is_system(command: str) -> bool:
    """An apt/apk command, or the removal of their lists and caches."""
    words = _words(command)
    if not words:
        return False
    if posixpath.basename(words[0]) in SYSTEM_TOOLS:
        return True
    paths = [w for w in words[1:] if not w.startswith("-")]
    return words[0] == "rm" and bool(paths) and all(p.startswith(SYSTEM_DIRS) for p in paths)


def apt_commands(packages: Sequence[str]) -> list[str]:
    """Install with apt and drop its lists, all in one layer."""
    if not packages:
        return []
    return ["apt-get update",
            f"apt-get install -y --no-install-recommends {' '.join(packages)}", APT_LISTS]


def apk_commands(packages: Sequence[str]) -> list[str]:
    """Install with apk, keeping no index in the layer."""
    return [f"apk add --no-cache {' '.join(packages)}"] if packages else []


def virtual_commands(packages: Sequence[str]) -> tuple[list[str], list[str]]:
    """(before, after) a build: add the packages as a virtual package, then delete it."""
    if not packages:
        return [], []
    return ([f"apk add --no-cache --virtual {VIRTUAL} {' '.join(packages)}"],
            [f"apk del {VIRTUAL}"])


def run_lines(commands: Sequence[str], flags: str = "") -> list[str]:
    """`RUN a \\` / `    && b` lines; `flags` (e.g. `--mount=... `) follow the keyword."""
    lines = []
    for number, command in enumerate(commands):
        lead = f"RUN {flags}" if number == 0 else "    && "
        tail = " \\" if number < len(commands) - 1 else ""
        lines.append(f"{lead}{command}{tail}")
    return lines
