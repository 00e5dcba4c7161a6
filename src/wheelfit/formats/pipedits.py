"""Small in-place edits of a pip command inside an instruction's original text (pure).

Each edit inserts words right after `pip install` / `pip wheel` and leaves every other byte
of the instruction as written: its line breaks, indentation, comments and other commands.
"""

from __future__ import annotations

import re

_PIP = re.compile(
    r"(?<![\w./-])((?:\S*/)?pip(?:3(?:\.\d+)?)?|(?:\S*/)?python(?:3(?:\.\d+)?)?[ \t]+-m[ \t]+pip)"
    r"([ \t]+)(install|wheel)(?![\w-])")
_END = re.compile(r"&&|\|\||;|\|")
_RUN = re.compile(r"^([ \t]*RUN[ \t]+)", re.IGNORECASE)


def _command_after(text: str, start: int) -> str:
    """The rest of one shell command from `start`: up to `&&`, `||`, `;`, `|` or the end."""
    end = _END.search(text, start)
    return text[start:end.start() if end else len(text)]


def add_pip_option(text: str, option: str, *, unless: str | None = None,
                   commands: tuple[str, ...] = ("install", "wheel")) -> tuple[str, int]:
    """`text` with `option` after every pip command among `commands` (not `uv pip`) none of
    whose own words starts with `unless`; and how many were changed."""
    out: list[str] = []
    at = changed = 0
    for match in _PIP.finditer(text):
        before = text[max(0, match.start() - 3):match.start()]
        rest = _command_after(text, match.end())
        if (before == "uv " or match.group(3) not in commands
                or (unless is not None and any(w.startswith(unless) for w in rest.split()))):
            continue
        out.append(text[at:match.end()])
        out.append(f" {option}")
        at = match.end()
        changed += 1
    out.append(text[at:])
    return "".join(out), changed


def add_run_flag(text: str, flag: str) -> str:
    """`RUN <flag> …`: a BuildKit flag right after the keyword of a RUN's first line."""
    return _RUN.sub(lambda m: f"{m.group(1)}{flag} ", text, count=1)
