"""Installer command lines → `PythonInstall`: pip, pip wheel, uv pip, uv sync, poetry, pipenv.

Options are read per tool (which take a value, which are noise for the size model); the
requirement and constraint files, inline specs, wheel directory and flags are kept as
written. The cache outcome is decided by the caller, which sees the whole RUN.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from wheelfit.sources.dockerfile.model import Tool

PIP_GLOBAL_VALUES = frozenset({
    "--cache-dir", "--log", "--proxy", "--retries", "--timeout", "--default-timeout",
    "--exists-action", "--trusted-host", "--cert", "--client-cert", "--python",
    "--keyring-provider", "--use-feature", "--use-deprecated", "--log-file",
})
PIP_VALUES = PIP_GLOBAL_VALUES | frozenset({
    "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-binary",
    "--only-binary", "--prefix", "-t", "--target", "--root", "--platform", "--python-version",
    "--implementation", "--abi", "--progress-bar", "--upgrade-strategy", "--src",
    "--global-option", "-C", "--config-settings", "--report", "--group", "-b", "--build",
    "--build-constraint", "--uploaded-prior-to", "--root-user-action",
})
PIP_NOISE = frozenset({
    "--default-timeout", "--timeout", "--disable-pip-version-check", "-q", "-qq", "-qqq",
    "-v", "-vv", "--quiet", "--verbose", "--progress-bar", "--retries", "--no-color",
    "--root-user-action", "--no-warn-script-location", "--no-input",
})
UV_VALUES = frozenset({
    "-i", "--index-url", "--extra-index-url", "--index", "--default-index", "-f",
    "--find-links", "--prefix", "--target", "-p", "--python", "--group", "--extra",
    "--override", "--no-binary", "--only-binary", "--index-strategy", "--python-version",
    "--python-platform", "--cache-dir", "--exclude-newer", "--config-file", "--link-mode",
    "--only-group", "--no-group", "--package", "--directory", "--project", "--compile",
    "--resolution", "--prerelease", "--keyring-provider", "--torch-backend",
    "--no-build-package", "--no-binary-package",
})
POETRY_VALUES = frozenset({"--only", "--without", "--with", "-E", "--extras", "-C",
                           "--directory", "--project", "-P"})
PIPENV_VALUES = frozenset({"--python", "--pypi-mirror", "-i", "--index", "--categories",
                           "--extra-pip-args"})
_REQUIREMENT = ("-r", "--requirement")
_CONSTRAINT = ("-c", "--constraint")
_EDITABLE = ("-e", "--editable")
_WHEEL_DIR = ("-w", "--wheel-dir")
PYTHON_NAMES = ("python", "python3", "python2")


@dataclass
class ParsedInstall:
    """An installer command read apart, before the RUN-level facts are added."""

    tool: Tool
    specs: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    wheel_dir: str | None = None
    no_cache: bool = False


def is_python(word: str) -> bool:
    """`python`, `python3`, `python3.12`, `/venv/bin/python` …"""
    base = posixpath.basename(word)
    return base.startswith(PYTHON_NAMES) and base.rstrip("0123456789.") in PYTHON_NAMES


def is_pip(word: str) -> bool:
    """`pip`, `pip3`, `pip3.12`, `/venv/bin/pip` …"""
    base = posixpath.basename(word)
    return base.startswith("pip") and base.rstrip("0123456789.") == "pip"


def _no_cache(option: str, tool: Tool) -> bool:
    name = option.partition("=")[0]
    if tool in {Tool.PIP, Tool.PIP_WHEEL, Tool.PIPENV}:
        return len(name) >= len("--no-ca") and "--no-cache-dir".startswith(name)
    return name in {"--no-cache", "-n", "--no-cache-dir"}


def _take(args: list[str], i: int, names: tuple[str, ...]) -> tuple[str, int] | None:
    """The value of an option in `names` at args[i] (`-r x`, `-rx`, `--requirement=x`)."""
    word = args[i]
    for name in names:
        if word == name:
            return (args[i + 1], i + 2) if i + 1 < len(args) else ("", i + 1)
        if name.startswith("--") and word.startswith(name + "="):
            return word[len(name) + 1:], i + 1
        if not name.startswith("--") and word.startswith(name) and len(word) > len(name):
            return word[len(name):], i + 1
    return None


def _read_options(parsed: ParsedInstall, args: list[str], values: frozenset[str],
                  noise: frozenset[str]) -> None:
    i = 0
    while i < len(args):
        word = args[i]
        for names, target in ((_REQUIREMENT, parsed.requirements),
                              (_CONSTRAINT, parsed.constraints)):
            found = _take(args, i, names) if parsed.tool is not Tool.POETRY else None
            if found:
                target.append(found[0])
                i = found[1]
                break
        else:
            i = _read_option(parsed, args, i, values, noise) if word.startswith("-") else i + 1
            if not word.startswith("-"):
                parsed.specs.append(word)


def _read_option(parsed: ParsedInstall, args: list[str], i: int, values: frozenset[str],
                 noise: frozenset[str]) -> int:
    word = args[i]
    name = word.partition("=")[0]
    if parsed.tool is Tool.PIP_WHEEL and (found := _take(args, i, _WHEEL_DIR)):
        parsed.wheel_dir = found[0]
        return found[1]
    if parsed.tool in {Tool.PIP, Tool.UV_PIP} and word in _EDITABLE:
        parsed.flags.append(word)
        return i + 1
    parsed.no_cache |= _no_cache(word, parsed.tool)
    takes_value = name in values and "=" not in word and i + 1 < len(args)
    if name not in noise:
        parsed.flags.append(f"{word} {args[i + 1]}" if takes_value else word)
    return i + (2 if takes_value else 1)


def _pip(args: list[str]) -> ParsedInstall | None:
    """`pip [global options] install|wheel …`; None for another pip subcommand."""
    no_cache = False
    i = 0
    while i < len(args) and args[i].startswith("-"):
        no_cache |= _no_cache(args[i], Tool.PIP)
        i += 2 if args[i] in PIP_GLOBAL_VALUES else 1
    if i >= len(args) or args[i] not in {"install", "wheel"}:
        return None
    parsed = ParsedInstall(Tool.PIP if args[i] == "install" else Tool.PIP_WHEEL)
    _read_options(parsed, args[i + 1:], PIP_VALUES, PIP_NOISE)
    parsed.no_cache |= no_cache
    return parsed


def _python_m(argv: list[str]) -> list[str] | None:
    """The arguments after `python [-opts] -m pip`, or None."""
    i = 1
    while i < len(argv) and argv[i].startswith("-") and argv[i] not in {"-m", "-c"}:
        i += 1
    if i + 1 < len(argv) and argv[i] == "-m" and argv[i + 1] == "pip":
        return argv[i + 2:]
    return None


def parse_install(argv: list[str]) -> ParsedInstall | None:
    """The installer command `argv` runs, or None when it is not one."""
    if not argv:
        return None
    head = argv[0]
    if is_pip(head):
        return _pip(argv[1:])
    if is_python(head):
        rest = _python_m(argv)
        return None if rest is None else _pip(rest)
    base = posixpath.basename(head)
    if base == "uv" and argv[1:3] == ["pip", "install"]:
        parsed = ParsedInstall(Tool.UV_PIP)
        _read_options(parsed, argv[3:], UV_VALUES, frozenset({"-q", "-v", "--quiet"}))
        return parsed
    if base == "uv" and argv[1:3] == ["pip", "sync"]:
        parsed = ParsedInstall(Tool.UV_PIP)
        _read_options(parsed, argv[3:], UV_VALUES, frozenset({"-q", "-v", "--quiet"}))
        parsed.requirements += parsed.specs
        parsed.specs = []
        parsed.flags.insert(0, "sync")
        return parsed
    if base == "uv" and argv[1:2] == ["sync"]:
        parsed = ParsedInstall(Tool.UV_SYNC)
        _read_options(parsed, argv[2:], UV_VALUES, frozenset({"-q", "-v", "--quiet"}))
        return parsed
    if base == "poetry" and argv[1:2] == ["install"]:
        parsed = ParsedInstall(Tool.POETRY)
        _read_options(parsed, argv[2:], POETRY_VALUES, frozenset({"-q", "-v", "--quiet"}))
        return parsed
    if base == "pipenv" and argv[1:2] == ["install"]:
        parsed = ParsedInstall(Tool.PIPENV)
        _read_options(parsed, argv[2:], PIPENV_VALUES, frozenset({"-q", "-v", "--quiet"}))
        return parsed
    return None


def cache_dirs(tool: Tool, env: dict[str, str]) -> tuple[str, ...]:
    """Where `tool` keeps its download cache in the image."""
    home = env.get("HOME", "/root")
    pip = env.get("PIP_CACHE_DIR", f"{home}/.cache/pip")
    if tool in {Tool.UV_PIP, Tool.UV_SYNC}:
        return (env.get("UV_CACHE_DIR", f"{home}/.cache/uv"),)
    if tool is Tool.POETRY:
        return (env.get("POETRY_CACHE_DIR", f"{home}/.cache/pypoetry"),)
    if tool is Tool.PIPENV:
        return (f"{home}/.cache/pipenv", pip)
    return (pip,)


def env_no_cache(tool: Tool, env: dict[str, str]) -> bool:
    """The environment turns the tool's cache off (PIP_NO_CACHE_DIR set to any value)."""
    if tool in {Tool.UV_PIP, Tool.UV_SYNC}:
        return env.get("UV_NO_CACHE", "") not in {"", "0", "false"}
    return "PIP_NO_CACHE_DIR" in env and tool is not Tool.POETRY
