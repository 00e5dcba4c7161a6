"""wheelfit's own errors: one base class carrying the process exit code.

Exit codes (documented in the README and in `wheelfit --help`):
0 done · 1 findings under a --fail-on policy · 2 usage · 3 input error (also a package not
on the index, without --fail-on) ·
4 resolution impossible · 5 index unreachable · 6 report incomplete (some packages unknown).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; the CLI maps every error onto one of these."""

    OK = 0
    POLICY = 1
    USAGE = 2
    INPUT = 3
    RESOLUTION = 4
    INDEX = 5
    INCOMPLETE = 6


class WheelfitError(Exception):
    """Base of every error wheelfit reports to a user: a sentence and an exit code."""

    exit_code: ExitCode = ExitCode.INPUT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(WheelfitError):
    """The command line asks for something that cannot be done."""

    exit_code = ExitCode.USAGE


def shorten(text: str, limit: int = 120) -> str:
    """`text`, or its start and end around `…` when longer than `limit` characters (a file
    name of thousands of characters stays readable in a message)."""
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return f"{text[:keep]}…{text[len(text) - keep:]}"


class InputFileError(WheelfitError):
    """A dependency file cannot be read or parsed; names the file (shortened) and line."""

    exit_code = ExitCode.INPUT

    def __init__(
        self, message: str, *, path: str | None = None, line: int | None = None,
        hint: str | None = None,
    ) -> None:
        shown = None if path is None else shorten(path)
        where = shown if line is None else f"{shown}:{line}"
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.path = path
        self.line = line


class ResolutionImpossible(WheelfitError):
    """No set of versions satisfies the requirements for a target."""

    exit_code = ExitCode.RESOLUTION


class IndexFault(WheelfitError):
    """The package index could not be reached or answered with garbage."""

    exit_code = ExitCode.INDEX

    def __init__(self, message: str, *, url: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.url = url


class IndexUnreachable(IndexFault):
    """No answer at all from an index (DNS, refused connection, timeouts after retries)."""


class IndexResponseError(IndexFault):
    """The index answered, but not with something usable (HTTP error, bad body, hash mismatch)."""


class OfflineMiss(IndexFault):
    """--offline was given and the cache does not hold what is needed."""


class MappingError(WheelfitError):
    """The apk/apt mapping file is invalid; names the key."""

    exit_code = ExitCode.INPUT
