"""The Linux view of a setup.py: `if` blocks whose condition holds only off Linux (macOS,
Windows) are blanked, so what they name (watchdog's `_watchdog_fsevents` extension under
`if is_macos`) is not planned for a Linux image. Read as text, never run.

A condition counts as off Linux when each of its `or` branches names a macOS or Windows
platform string or is an environment opt-in (`os.getenv(...)`), none names a Linux one, and
none negates the test (`!=`, `not in`, `not sys.platform...`). A bare name is followed one
level to its assignment (`is_macos = sys.platform == "darwin" and ...`). Only single-line
`if` / `elif` headers are read; line numbers are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINES = 20_000
_HEADER = re.compile(r"^(?P<indent>[ \t]*)(?:if|elif)\s+(?P<cond>.+?):\s*(?:#.*)?$")
_ASSIGN = re.compile(r"^[ \t]*(?P<name>[A-Za-z_]\w*)[ \t]*=(?!=)[ \t]*(?P<value>.+)$")
_NAME = re.compile(r"\b[A-Za-z_]\w*\b")
_OR = re.compile(r"\bor\b")
_ENV = re.compile(r"\bos\.(?:getenv|environ)\b")
_ELSEWHERE = r"(?:darwin|win32|win64|win|windows|nt|cygwin|msys|macos|ios)"
_OFF = re.compile(rf"""["']{_ELSEWHERE}["']""", re.IGNORECASE)
_LINUX = re.compile(r"""["'](?:linux|posix)\w*["']""", re.IGNORECASE)
_NEGATED = re.compile(
    rf"""(?:!=|\bnot\s+in\b)\s*[(\[]?\s*["']{_ELSEWHERE}["']"""
    r"|\bnot\s+(?:sys\.platform|os\.name|platform\.)|^\s*not\b", re.IGNORECASE)


@dataclass(frozen=True)
class LinuxView:
    """The text with off-Linux blocks blanked, those blocks' text, and their headers."""

    text: str
    removed: str
    guards: tuple[tuple[int, str], ...]


def linux_view(text: str) -> LinuxView:
    """`text` as a Linux build sees it (see the module docstring)."""
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        return LinuxView(text, "", ())
    assigned = _assignments(lines)
    removed: list[str] = []
    guards: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        m = _HEADER.match(lines[i])
        if m is None or not _off_linux(m["cond"], assigned):
            i += 1
            continue
        end = _block_end(lines, i, len(m["indent"].expandtabs()))
        guards.append((i + 1, lines[i].strip()))
        removed += lines[i:end]
        lines[i:end] = [""] * (end - i)
        i = end
    return LinuxView("\n".join(lines), "\n".join(removed), tuple(guards))


def _assignments(lines: list[str]) -> dict[str, str]:
    """Each simple name's first top-level assignment."""
    out: dict[str, str] = {}
    for line in lines:
        m = _ASSIGN.match(line)
        if m is not None and not line[:1].isspace():
            out.setdefault(m["name"], m["value"])
    return out


def _off_linux(cond: str, assigned: dict[str, str]) -> bool:
    """Each `or` branch is an off-Linux platform test or an environment opt-in."""
    branches = [_expand(b, assigned) for b in _OR.split(cond)]
    if any(_LINUX.search(b) or _NEGATED.search(b) for b in branches):
        return False
    return any(_OFF.search(b) for b in branches) and all(
        _OFF.search(b) or _ENV.search(b) for b in branches)


def _expand(text: str, assigned: dict[str, str]) -> str:
    return " ".join([text, *(assigned[n] for n in _NAME.findall(text) if n in assigned)])


def _block_end(lines: list[str], header: int, indent: int) -> int:
    """The index after the header's body: the first later non-blank line indented no
    deeper than the header."""
    end = header + 1
    for j in range(header + 1, len(lines)):
        stripped = lines[j].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(lines[j]) - len(lines[j].lstrip()) <= indent:
            return j
        end = j + 1
    return end
