"""`BuildFileFacts` as bytes and back, for the cache of build-file scan results.

A scan of an sdist's build files (`buildfiles.read_build_files`) is a pure function of the
sdist's bytes and of the scanner's code, so its result is kept by the sdist's sha256 under
`scanner_version()`: the explicit `SCANNER_VERSION` plus a digest of the scanner modules'
source, so a changed scanner reads every earlier entry as a miss even if nobody bumped the
number. The payload is one line of JSON; `decode_facts` checks every field's type and
answers None for anything that is not exactly what `encode_facts` writes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from wheelfit.buildneeds.buildfile_types import (
    BuildFileFacts,
    ExternalDep,
    Language,
    LlvmNeed,
    Origin,
    RustVersion,
    SystemDep,
)

# Bump when what a scan yields changes in a way the source digest would not show.
SCANNER_VERSION = 1
_SCANNER_MODULES = ("buildfiles", "buildfile_types", "buildmembers", "buildscan", "calls",
                    "native", "pep725", "platformguard", "setupscan", "factscodec")


@cache
def scanner_version() -> str:
    """`SCANNER_VERSION` and the first 16 hex digits of the scanner modules' source digest
    (the number alone when a source file cannot be read, e.g. in a zip import)."""
    digest = hashlib.sha256()
    here = Path(__file__).parent  # the scanner's modules sit beside this one; not imported
    try:
        for name in _SCANNER_MODULES:
            digest.update((here / f"{name}.py").read_bytes())
    except OSError:
        return str(SCANNER_VERSION)
    return f"{SCANNER_VERSION}.{digest.hexdigest()[:16]}"


def encode_facts(facts: BuildFileFacts) -> bytes:
    """The cached form of `facts`."""
    return json.dumps(_plain(facts), separators=(",", ":")).encode()


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return [_plain(getattr(value, name)) for name in value.__dataclass_fields__]
    return value


class _Damaged(ValueError):
    """The payload is not what `encode_facts` writes."""


def decode_facts(payload: bytes) -> BuildFileFacts | None:
    """The facts in a cached payload; None when it is damaged or of another shape."""
    try:
        row = json.loads(payload)
        facts = _FACTS(row)
    except (ValueError, RecursionError):
        return None
    return facts if encode_facts(facts) == payload else None


_Reader = Callable[[Any], Any]


def _typed(kind: type, optional: bool = False) -> _Reader:
    def read(value: Any) -> Any:
        if (value is None and optional) or type(value) is kind:
            return value
        raise _Damaged(f"expected {kind.__name__}")
    return read


def _many(item: _Reader) -> _Reader:
    def read(value: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise _Damaged("expected a list")
        return tuple(item(v) for v in value)
    return read


def _record(cls: type, *fields: _Reader, optional: bool = False) -> _Reader:
    def read(value: Any) -> Any:
        if value is None and optional:
            return None
        if type(value) is not list or len(value) != len(fields):
            raise _Damaged(f"expected a {cls.__name__}")
        return cls(*(field(v) for field, v in zip(fields, value, strict=True)))
    return read


_STR, _INT, _BOOL = _typed(str), _typed(int), _typed(bool)
_STR_OR_NONE, _INT_OR_NONE, _BOOL_OR_NONE = (
    _typed(str, True), _typed(int, True), _typed(bool, True))
_STRS = _many(_STR)
_ORIGIN = _record(Origin, _STR, _INT)
_FACTS = _record(
    BuildFileFacts,
    _STR_OR_NONE,                                                        # backend
    _STRS,                                                               # requires
    _many(_record(Language, _STR, _ORIGIN)),                             # languages
    _many(_record(SystemDep, _STR, _STR, _ORIGIN, _BOOL, _STR_OR_NONE,
                  _STR_OR_NONE)),                                        # system_deps
    _many(_record(LlvmNeed, _INT_OR_NONE, _ORIGIN, _STR)),               # llvm
    _record(RustVersion, _STR, _ORIGIN, optional=True),                  # rust_version
    _many(_record(ExternalDep, _STR, _STR, _STR, _STR, _STR, _ORIGIN, _STR_OR_NONE,
                  _STR_OR_NONE, _STR_OR_NONE)),                          # external
    _BOOL_OR_NONE,                                                       # native
    _STRS, _STRS, _STRS,                                      # evidence, files_read, notes
)
