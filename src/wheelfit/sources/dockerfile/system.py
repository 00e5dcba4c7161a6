"""apt-get / apt / apk command lines → what they install or remove.

`read_apt` and `read_apk` return an `OsAction` for one command; the caller joins the
actions of one RUN (a `purge` or `apk del` removes what the same RUN installed).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

APT_VALUES = frozenset({"-o", "--option", "-t", "--target-release", "-c", "--config-file",
                        "-a", "--host-architecture"})
APK_VALUES = frozenset({"-t", "--virtual", "-X", "--repository", "-p", "--root",
                        "--arch", "--cache-dir", "--keys-dir", "--repositories-file"})
APT_NOOP = frozenset({"update", "clean", "autoclean", "check", "source", "changelog",
                      "policy", "show", "search", "list"})
APK_NOOP = frozenset({"update", "info", "search", "list", "cache", "version", "policy",
                      "stats", "verify"})
LIST_DIRS = ("/var/lib/apt/lists", "/var/lib/apt")


@dataclass
class OsAction:
    """One package-manager command: its verb and its package words."""

    manager: str
    action: str
    packages: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    virtual: str | None = None

    def has(self, *names: str) -> bool:
        """True when any of the options was given."""
        return any(o.partition("=")[0] in names for o in self.options)


def _split(args: list[str], values: frozenset[str]) -> tuple[list[str], list[str]]:
    words, options = [], []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-") and len(arg) > 1:
            if arg in values and i + 1 < len(args):
                options.append(f"{arg}={args[i + 1]}")
                i += 2
                continue
            options.append(arg)
        else:
            words.append(arg)
        i += 1
    return words, options


def read_apt(argv: list[str]) -> OsAction | None:
    """`apt-get [opts] install|purge|remove|autoremove|download pkgs`; None if not apt."""
    if posixpath.basename(argv[0]) not in {"apt-get", "apt"}:
        return None
    words, options = _split(argv[1:], APT_VALUES)
    if not words:
        return OsAction("apt", "none", options=options)
    action = OsAction("apt", words[0], words[1:], options)
    if action.action in APT_NOOP:
        action.action = "none"
    return action


def read_apk(argv: list[str]) -> OsAction | None:
    """`apk [opts] add|del pkgs` (options anywhere); None if not apk."""
    if posixpath.basename(argv[0]) != "apk":
        return None
    words, options = _split(argv[1:], APK_VALUES)
    if not words:
        return OsAction("apk", "none", options=options)
    action = OsAction("apk", words[0], words[1:], options)
    for option in options:
        name, _, value = option.partition("=")
        if name in {"-t", "--virtual"}:
            action.virtual = value
    if action.action in APK_NOOP:
        action.action = "none"
    return action


def recommends(action: OsAction) -> bool:
    """apt installs recommended packages unless told not to."""
    if action.has("--no-install-recommends"):
        return False
    return not any("Install-Recommends=false" in o or "Install-Recommends=0" in o
                   for o in action.options)


def removes_lists(removed: list[str]) -> bool:
    """An `rm` of the apt lists (or a folder above them)."""
    for path in removed:
        clean = path.rstrip("/*").rstrip("/")
        if clean in LIST_DIRS:
            return True
    return False
