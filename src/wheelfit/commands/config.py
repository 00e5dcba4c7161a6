"""`[tool.wheelfit]` in pyproject.toml: the project's defaults for the command line.

Found as ruff finds its own: the nearest pyproject.toml with a `[tool.wheelfit]` table, from
the current folder up to the git root (the folder holding `.git`), or to the filesystem root
outside a repository. Every value is checked here; a bad one names the file, the key and
what is allowed (exit 3). Paths (`mapping`, `outputs`) are relative to the file's folder.
Precedence, applied by the CLI: command line > `WHEELFIT_*` environment > this > defaults.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wheelfit.errors import InputFileError, UsageError
from wheelfit.sources.reading import load_toml, read_text

_PYTHON = re.compile(r"^3\.\d{1,2}$")


@dataclass(frozen=True)
class Config:
    """The options a `[tool.wheelfit]` table sets (RunOptions field → value), and its file."""

    path: Path | None = None
    values: tuple[tuple[str, Any], ...] = ()


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a `[tool.wheelfit]` table, from `start` up to the git
    root (inclusive)."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _mentions_wheelfit(candidate):
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def _mentions_wheelfit(path: Path) -> bool:
    try:
        text = read_text(path, str(path))
    except InputFileError:
        return False
    if "wheelfit" not in text:
        return False
    tool = load_toml(text, str(path)).get("tool")
    return isinstance(tool, dict) and "wheelfit" in tool


def _fail(path: Path, key: str, allowed: str) -> InputFileError:
    return InputFileError(f"[tool.wheelfit] {key}: {allowed}", path=str(path),
                          hint="Fix the value, or remove the key to use the default.")


def _choice(*allowed: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in allowed:
            raise ValueError("one of " + ", ".join(allowed))
        return value
    return check


def _python(value: Any) -> str:
    if not isinstance(value, str) or not _PYTHON.match(value):
        raise ValueError('a version "3.X" as a string, e.g. python = "3.11"')
    return value


def _targets(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or \
            any(v not in ("slim", "alpine") for v in value):
        raise ValueError('a list of "slim" and/or "alpine", e.g. targets = ["alpine"]')
    return tuple(value)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or any(not isinstance(v, str) or not v for v in value):
        raise ValueError("a string or a list of strings")
    return tuple(value)


def _fail_on(value: Any) -> tuple[str, ...]:
    from wheelfit.commands.fail_on import parse_rules

    rules = _strings(value)
    try:
        parse_rules(rules)
    except UsageError as error:
        raise ValueError(f"{error.message.removeprefix('--fail-on ')} ({error.hint})") from None
    return rules


def _index_url(value: Any) -> str:
    from wheelfit.redact import redact_url

    if not isinstance(value, str) or "://" not in value:
        raise ValueError('a URL, e.g. index-url = "https://pypi.org/simple/"')
    if redact_url(value) != value:
        raise ValueError("a URL without credentials (user:token@): a pyproject.toml is "
                         "committed; give credentials through the environment "
                         "(PIP_INDEX_URL, WHEELFIT_INDEX_URL) or ~/.netrc instead")
    return value


def _path(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("a path (a string), relative to this file's folder")
    return value


def _format(value: Any) -> str:
    from wheelfit.formats import FORMATS

    if value not in FORMATS:
        raise ValueError("one of " + ", ".join(FORMATS))
    return str(value)


def _outputs(value: Any) -> tuple[str, ...]:
    from wheelfit.formats import FORMATS

    if not isinstance(value, dict) or any(not isinstance(v, str) or not v
                                          for v in value.values()):
        raise ValueError('a table of format = "path", e.g. outputs = { json = "report.json" }')
    unknown = [k for k in value if k not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; formats: " + ", ".join(FORMATS))
    return tuple(f"{k}={v}" for k, v in value.items())


# key → (RunOptions field, checker)
KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "python": ("python", _python),
    "arch": ("arch", _choice("x86_64", "aarch64")),
    "debian": ("debian", _choice("bullseye", "bookworm", "trixie")),
    "alpine": ("alpine", _choice("3.20", "3.21", "3.22", "3.23", "3.24")),
    "targets": ("targets", _targets),
    "fail-on": ("fail_on", _fail_on),
    "index-url": ("index_url", _index_url),
    "mapping": ("mapping_path", _path),
    "format": ("fmt", _format),
    "outputs": ("outputs", _outputs),
}


def read_config(path: Path) -> Config:
    """The checked `[tool.wheelfit]` table of `path`."""
    tool = load_toml(read_text(path, str(path)), str(path)).get("tool")
    table = tool.get("wheelfit") if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise _fail(path, "(the table)", "must be a table of settings")
    values: list[tuple[str, Any]] = []
    for key, raw in table.items():
        if key not in KEYS:
            raise InputFileError(f"[tool.wheelfit]: unknown key {key!r}", path=str(path),
                                 hint="Allowed keys: " + ", ".join(KEYS) + ".")
        field, check = KEYS[key]
        try:
            value = check(raw)
        except ValueError as error:
            from wheelfit.redact import redact_text

            raise _fail(path, key, f"expected {error}, got {redact_text(repr(raw))}") from None
        values.append((field, _relative(path.parent, field, value)))
    return Config(path, tuple(values))


def _relative(folder: Path, field: str, value: Any) -> Any:
    """Paths of the file are relative to its folder."""
    if field == "mapping_path":
        return folder / value
    if field == "outputs":
        return tuple(f"{fmt}={folder / path}" for fmt, _, path in
                     (item.partition("=") for item in value))
    return value


def load_config(start: Path) -> Config:
    """The configuration that applies in `start` (an empty one when no file sets any)."""
    path = find_pyproject(start)
    return read_config(path) if path is not None else Config()
