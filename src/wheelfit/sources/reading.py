"""Reading input files: bytes → text, TOML/JSON → data, and problem collection.

Every failure here is an `InputFileError` naming the file (and the line when known) with a
next step, so a bad input never surfaces as a traceback.
"""

from __future__ import annotations

import codecs
import json
import re
import stat
import sys
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


def read_text(path: Path, display: str) -> str:
    """Read a dependency file as text; missing, directory, huge or binary files raise."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputFileError(
            "no such file", path=display, hint=f"Check the path. {_FILE_KINDS_HINT}"
        ) from None
    except OSError as exc:
        raise InputFileError(f"cannot read it: {exc.strerror or exc}", path=display) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(
            "is a directory, not a dependency file",
            path=display,
            hint="Give one file inside it, or run `wheelfit check --recursive DIR` to check "
            "every service below a folder.",
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(
            "is not a regular file", path=display, hint=f"Give a file. {_FILE_KINDS_HINT}"
        )
    if info.st_size > MAX_BYTES:
        raise InputFileError(
            f"is {info.st_size // (1024 * 1024)} MB: too large for a dependency file",
            path=display,
            hint="Check that this is the file you meant.",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read it: {exc.strerror or exc}", path=display) from None
    return decode(data, display)


def decode(data: bytes, display: str) -> str:
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
            "is not UTF-8 text: it looks like a binary file, not a dependency file",
            path=display,
            line=line,
            hint="Give the text file itself; if it is text, save it as UTF-8.",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputFileError(
            "contains NUL bytes: it looks like a binary file, not a dependency file",
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
