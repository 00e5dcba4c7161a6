"""Reading input files: bytes → text, TOML/JSON → data, and problem collection.

Every failure here is an `InputFileError` naming the file (and the line when known) with a
next step, so a bad input never surfaces as a traceback.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wheelfit.errors import InputFileError

MAX_BYTES = 20 * 1024 * 1024

# UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TOML_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")
_FILE_KINDS_HINT = (
    "wheelfit reads requirements*.txt, *.in, pyproject.toml, uv.lock, poetry.lock, "
    "Pipfile.lock and pylock.toml files."
)
_NOT_REGULAR = (
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True)
class FileKind:
    """What a local file is to wheelfit: its name in messages, its size cap, what to give."""

    noun: str
    limit: int
    hint: str


DEPENDENCY_FILE = FileKind("a dependency file", MAX_BYTES, _FILE_KINDS_HINT)


class UnreadableFile(Exception):
    """A local file that is not read: why (a sentence without the file name) and a hint."""

    def __init__(self, reason: str, hint: str | None = None, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
        self.missing = missing


def read_text(path: Path, display: str, kind: FileKind = DEPENDENCY_FILE) -> str:
    """Read a local file as text; missing, directory, device, huge or binary files raise
    `InputFileError` naming `display` (see `read_bounded`)."""
    try:
        data = read_bounded(path, kind)
    except UnreadableFile as exc:
        raise InputFileError(exc.reason, path=display, hint=exc.hint) from None
    return decode(data, display, kind.noun)


def read_bounded(path: Path, kind: FileKind = DEPENDENCY_FILE) -> bytes:
    """A regular file's bytes, at most `kind.limit` of them; anything else raises
    `UnreadableFile`. Devices, FIFOs and sockets are refused before they are opened (so a
    FIFO cannot block the run), and the read stops one byte past the cap whatever the file
    claims its size is (a file that grows, or one of /proc's)."""
    try:
        _check_kind(os.stat(path), kind)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_problem(exc, kind) from None
    try:
        _check_kind(os.fstat(fd), kind)  # the path may have been swapped since the stat
        chunks, size = [], 0
        while size <= kind.limit:
            chunk = os.read(fd, min(1 << 20, kind.limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _os_problem(exc, kind) from None
    finally:
        os.close(fd)
    if size > kind.limit:
        raise _too_large(None, kind)
    return b"".join(chunks)


def _check_kind(info: os.stat_result, kind: FileKind) -> None:
    if stat.S_ISDIR(info.st_mode):
        hint = ("Give one file inside it, or run `wheelfit check --recursive DIR` to check "
                "every service below a folder." if kind is DEPENDENCY_FILE else
                "Give the file inside it.")
        raise UnreadableFile(f"is a directory, not {kind.noun}", hint)
    if not stat.S_ISREG(info.st_mode):
        what = next((name for test, name in _NOT_REGULAR if test(info.st_mode)), "a special file")
        raise UnreadableFile(
            f"is {what}, not a regular file",
            f"wheelfit reads only regular files: save the content to a file and give that. "
            f"{kind.hint}",
        )
    if info.st_size > kind.limit:
        raise _too_large(info.st_size, kind)


def _too_large(size: int | None, kind: FileKind) -> UnreadableFile:
    what = f"is {_size(size)}" if size is not None else "is larger than that"
    return UnreadableFile(
        f"{what}: the limit for {kind.noun} is {_size(kind.limit)}",
        "Check that this is the file you meant.",
    )


def _os_problem(exc: OSError, kind: FileKind) -> UnreadableFile:
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return UnreadableFile("no such file", f"Check the path. {kind.hint}", missing=True)
    reason = exc.strerror or type(exc).__name__
    return UnreadableFile(f"cannot read it: {reason}", f"Check the path. {kind.hint}")


def _size(size: int) -> str:
    """A byte count for a message: `20 MiB`, `1.5 MiB`, `512 KiB`, `10 bytes`."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f}".removesuffix(".0") + " MiB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.1f}".removesuffix(".0") + " KiB"
    return f"{size} bytes"


def decode(data: bytes, display: str, noun: str = DEPENDENCY_FILE.noun) -> str:
    """Decode UTF-8 (or BOM-marked UTF-16/32) text; undecodable bytes or NULs raise."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(
            f"is not UTF-8 text: it looks like a binary file, not {noun}",
            path=display,
            line=line,
            hint="Give the text file itself; if it is text, save it as UTF-8.",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputFileError(
            f"contains NUL bytes: it looks like a binary file, not {noun}",
            path=display,
            line=line,
            hint="Give the text file itself; if it is text, save it as UTF-8.",
        )
    return text


def load_toml(text: str, display: str) -> dict[str, Any]:
    """Parse TOML; a syntax error raises with the line the parser stopped at."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = getattr(exc, "lineno", None)
        found = _TOML_LINE.search(message)
        if found:
            line = line or int(found.group(1))
            message = message[: found.start()]
        raise InputFileError(
            f"invalid TOML: {message}",
            path=display,
            line=line,
            hint="Fix the TOML syntax at that line (https://toml.io).",
        ) from None
    except RecursionError:
        raise InputFileError("invalid TOML: nested too deeply", path=display) from None


def load_json(text: str, display: str) -> Any:
    """Parse JSON; a syntax error raises with its line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"invalid JSON: {exc.msg}",
            path=display,
            line=exc.lineno,
            hint="Fix the JSON syntax at that line, or regenerate the file.",
        ) from None
    except RecursionError:
        raise InputFileError("invalid JSON: nested too deeply", path=display) from None


class Problems:
    """Collects input problems when `keep_going`, else raises the first as `InputFileError`."""

    def __init__(self, keep_going: bool) -> None:
        self.keep_going = keep_going
        self.items: list[str] = []

    def report(
        self, message: str, *, path: str, line: int | None = None, hint: str | None = None
    ) -> None:
        """Record (keep_going) or raise one problem at `path:line`."""
        self.add(InputFileError(message, path=path, line=line, hint=hint))

    def add(self, error: InputFileError) -> None:
        """Record (keep_going) or raise an already built error."""
        if not self.keep_going:
            raise error
        self.items.append(error.message)


def origin(display: str, line: int | None) -> str:
    """`file:line`, or just `file` when the line is unknown."""
    return display if line is None else f"{display}:{line}"
