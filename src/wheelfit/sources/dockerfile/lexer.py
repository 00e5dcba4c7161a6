"""Dockerfile text → instructions: directives, continuations, comments, heredocs, flags.

Pure and linear in the input. The rules follow BuildKit's reader: parser directives only at
the very top (`# escape=` changes the continuation character), comment and blank lines
inside a continued instruction are dropped, `<<EOF` / `<<-EOF` / `<<"EOF"` heredocs of RUN,
COPY and ADD take the lines after the instruction (several per line, in order), and a JSON
array is the exec form. Each bound has its own error naming the file and line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from wheelfit.errors import InputFileError

MAX_TEXT_CHARS = 4_000_000
MAX_LINE_CHARS = 65_536
MAX_INSTRUCTION_CHARS = 1_000_000
MAX_INSTRUCTIONS = 10_000
MAX_HEREDOC_CHARS = 1_000_000

_DIRECTIVE = re.compile(r"#\s*(syntax|escape|check)\s*=\s*(\S*)\s*$", re.IGNORECASE)
KEYWORDS = frozenset({
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
    "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
})
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_FLAG_KEYWORDS = frozenset({"FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"})
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


@dataclass(frozen=True, slots=True)
class Heredoc:
    """One heredoc: its delimiter, whether `<<-` strips tabs, whether it was quoted."""

    name: str
    body: str
    line: int
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Instruction:
    """One logical instruction. `args` is the text after the flags; `exec_form` is set for
    a JSON array."""

    keyword: str
    line: int
    args: str
    flags: tuple[tuple[str, str | None], ...] = ()
    exec_form: tuple[str, ...] | None = None
    heredocs: tuple[Heredoc, ...] = ()
    original: str = ""

    def flag(self, name: str) -> str | None:
        """The last value of `--name` (`""` for a bare flag), or None."""
        found = None
        for key, value in self.flags:
            if key == name:
                found = "" if value is None else value
        return found


@dataclass(frozen=True, slots=True)
class Lexed:
    """The instructions of a file and its parser directives (lower-case keys)."""

    instructions: tuple[Instruction, ...]
    directives: tuple[tuple[str, str], ...]
    escape: str


def _fail(path: str, line: int, message: str, hint: str | None = None) -> InputFileError:
    return InputFileError(message, path=path, line=line, hint=hint)


def _directives(lines: list[str], path: str) -> tuple[list[tuple[str, str]], int]:
    found: list[tuple[str, str]] = []
    for number, line in enumerate(lines):
        match = _DIRECTIVE.match(line.strip())
        if not match:
            return found, number
        key = match.group(1).lower()
        if key in {k for k, _ in found}:
            raise _fail(path, number + 1, f"parser directive {key!r} given twice")
        found.append((key, match.group(2)))
    return found, len(lines)


def _continues(line: str, escape: str) -> bool:
    return line.rstrip(" \t").endswith(escape)


def _heredoc_markers(text: str) -> list[tuple[str, bool, bool]]:
    """(name, strip_tabs, quoted) of every `<<NAME` outside quotes, in order."""
    if "<<" not in text:
        return []
    found = []
    quote = ""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                i += 1
        elif char in "'\"":
            quote = char
        elif char == "\\":
            i += 1
        elif text.startswith("<<<", i):
            i += 3
            continue
        elif text.startswith("<<", i):
            j = i + 2
            strip = j < n and text[j] == "-"
            j += strip
            delim = text[j] if j < n and text[j] in "'\"" else ""
            j += bool(delim)
            start = j
            while j < n and text[j] in _NAME_CHARS:
                j += 1
            name = text[start:j]
            if name and (not delim or (j < n and text[j] == delim)):
                found.append((name, strip, bool(delim)))
                i = j + bool(delim)
                continue
        i += 1
    return found


def _read_heredocs(lines: list[str], start: int, markers: list[tuple[str, bool, bool]],
                   path: str, line: int) -> tuple[tuple[Heredoc, ...], int]:
    docs = []
    at = start
    for name, strip, quoted in markers:
        body: list[str] = []
        size = 0
        first = at + 1
        while True:
            if at >= len(lines):
                raise _fail(path, line, f"heredoc <<{name} is not terminated",
                            f"end it with a line holding only {name}")
            raw = lines[at]
            at += 1
            text = raw.lstrip("\t") if strip else raw
            if text == name:
                break
            size += len(text) + 1
            if size > MAX_HEREDOC_CHARS:
                raise _fail(path, line, f"heredoc <<{name} is longer than "
                            f"{MAX_HEREDOC_CHARS:,} characters")
            body.append(text)
        docs.append(Heredoc(name, "\n".join(body) + ("\n" if body else ""), first, quoted))
    return tuple(docs), at


_FLAG = re.compile(r"--([^\s=]*)(=\S*)?[ \t]*")


def _split_flags(rest: str) -> tuple[tuple[tuple[str, str | None], ...], str]:
    flags = []
    at = 0
    while rest.startswith("--", at):
        match = _FLAG.match(rest, at)
        if match is None:
            break
        value = match.group(2)
        flags.append((match.group(1).lower(), value[1:] if value is not None else None))
        at = match.end()
    return tuple(flags), rest[at:]


def _exec_form(args: str) -> tuple[str, ...] | None:
    if not args.startswith("["):
        return None
    try:
        value = json.loads(args)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _instruction(text: str, line: int, heredocs: tuple[Heredoc, ...]) -> Instruction:
    stripped = text.strip(" \t")
    keyword, _, rest = stripped.replace("\t", " ", 1).partition(" ")
    keyword = keyword.upper()
    rest = rest.strip(" \t")
    flags: tuple[tuple[str, str | None], ...] = ()
    if keyword in _FLAG_KEYWORDS:
        flags, rest = _split_flags(rest)
    exec_form = _exec_form(rest) if not heredocs else None
    return Instruction(keyword, line, rest, flags, exec_form, heredocs, stripped)


def _check_size(text: str, path: str) -> list[str]:
    if len(text) > MAX_TEXT_CHARS:
        raise _fail(path, 1, f"the file is longer than {MAX_TEXT_CHARS:,} characters",
                    "is this really a Dockerfile?")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_CHARS:
            raise _fail(path, number, f"line longer than {MAX_LINE_CHARS:,} characters")
    return lines


def lex(text: str, path: str = "Dockerfile") -> Lexed:
    """Split Dockerfile text into instructions; InputFileError for what breaks a bound."""
    lines = _check_size(text.lstrip("\ufeff"), path)
    directives, at = _directives(lines, path)
    escape = dict(directives).get("escape", "\\")
    if escape not in {"\\", "`"}:
        raise _fail(path, 1, f"escape directive must be \\ or `, not {escape!r}")
    out: list[Instruction] = []
    while at < len(lines):
        line = lines[at]
        if not line.strip() or line.lstrip().startswith("#"):
            at += 1
            continue
        first = at + 1
        parts, size = [], 0
        while True:
            current = lines[at]
            at += 1
            more = _continues(current, escape)
            piece = current.rstrip(" \t")[:-1] if more else current
            size += len(piece)
            if size > MAX_INSTRUCTION_CHARS:
                raise _fail(path, first, "instruction longer than "
                            f"{MAX_INSTRUCTION_CHARS:,} characters")
            parts.append(piece)
            while more and at < len(lines) and (not lines[at].strip()
                                                or lines[at].lstrip().startswith("#")):
                at += 1
            if not more or at >= len(lines):
                break
        logical = "".join(parts)
        if not logical.strip():
            continue
        keyword = logical.strip().split(None, 1)[0].upper()
        if keyword not in KEYWORDS:
            raise _fail(path, first, f"unknown instruction {keyword[:40]!r}",
                        "is this a Dockerfile? instructions are FROM, RUN, COPY, ...")
        markers = _heredoc_markers(logical) if keyword in _HEREDOC_KEYWORDS else []
        heredocs, at = _read_heredocs(lines, at, markers, path, first) if markers else ((), at)
        out.append(_instruction(logical, first, heredocs))
        if len(out) > MAX_INSTRUCTIONS:
            raise _fail(path, first, f"more than {MAX_INSTRUCTIONS:,} instructions")
    return Lexed(tuple(out), tuple(directives), escape)
