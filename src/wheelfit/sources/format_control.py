"""`--no-binary`/`--only-binary` values applied in order, with pip's
`FormatControl.handle_mutual_excludes` rules, and the error pip-invalid options raise.

Apart from `reqoptions.py` (and its `optparse` parser) because every run layers these
settings from pip's configuration, while only requirements files need the parser.
"""

from __future__ import annotations

from collections.abc import Iterable

from packaging.utils import canonicalize_name


class OptionLineError(Exception):
    """An option pip would reject (unknown option, missing value, bad hash...)."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


def apply_format_control(
    ops: Iterable[tuple[str, str]], no_binary: set[str], only_binary: set[str]
) -> None:
    """Apply `--no-binary`/`--only-binary` values in order (pip's mutual-exclusion rules)."""
    for kind, value in ops:
        target, other = (no_binary, only_binary) if kind == "no" else (only_binary, no_binary)
        _handle_mutual_excludes(value, target, other)


def _handle_mutual_excludes(value: str, target: set[str], other: set[str]) -> None:
    if value.startswith("-"):
        raise OptionLineError("--no-binary / --only-binary option requires 1 argument")
    new = value.split(",")
    while ":all:" in new:
        other.clear()
        target.clear()
        target.add(":all:")
        del new[: new.index(":all:") + 1]
        if ":none:" not in new:
            return
    for name in new:
        if not name:
            continue
        if name == ":none:":
            target.clear()
            continue
        canonical = canonicalize_name(name)
        other.discard(canonical)
        target.add(canonical)
