"""The bytecode term of an estimate when `.pyc` bytes were computed (`--exact-bytecode`).

Packages with a computed `Bytecode` count its bytes; the others keep the calibrated ratio
(`pycratio.pyc_span`, passed in). Bytes compiled by a CPython of another minor version than
the target's (no such interpreter was found) carry a range of `CROSS_MINOR` either way, the
largest difference measured between CPython 3.11, 3.12 and 3.13 bytecode of the same wheels
(docs/estimate.md, "Exact bytecode").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from wheelfit.model import Bytecode
from wheelfit.sizing.sizes import MB, Span

# Largest |other minor / target minor - 1| of a calibration set's .pyc bytes (3.11, 3.12, 3.13).
CROSS_MINOR = 0.15
PREFIX = "bytecode: pip compiles .py files at install, +"

RatioTerm = Callable[[Iterable[tuple[int | None, Span | None, str]]], tuple[Span, str]]


class Sized(Protocol):
    """What the term needs of a package (`estimate.PackageSize`)."""

    @property
    def py_bytes(self) -> int | None: ...
    @property
    def size(self) -> Span | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def bytecode(self) -> Bytecode | None: ...


def bytecode_term(packages: Iterable[Sized], ratio: RatioTerm) -> tuple[Span, str]:
    """The `.pyc` bytes of the packages and the basis line saying how each was had."""
    rows = list(packages)
    exact = [p.bytecode for p in rows if p.bytecode is not None]
    rest = [(p.py_bytes, p.size, p.kind) for p in rows if p.bytecode is None]
    if not exact:
        return ratio(rest)
    pyc = float(sum(b.pyc_bytes for b in exact))
    margin = CROSS_MINOR * sum(b.pyc_bytes for b in exact if not b.exact)
    span = Span(pyc, pyc - margin, pyc + margin)
    text = (f"exact: compiled {sum(b.files for b in exact)} .py files of {len(exact)} "
            f"package(s) with CPython {', '.join(sorted({b.python for b in exact}))}")
    failed = sum(b.failed for b in exact)
    if failed:
        text += f"; {failed} did not compile (pip writes no .pyc for them: 0 bytes)"
    if margin:
        text += (f"; not the target's minor version (none found on PATH): the host's "
                 f"bytecode stands in, ±{CROSS_MINOR:.0%} (measured across 3.11-3.13, "
                 "docs/estimate.md)")
    if rest:
        part, line = ratio(rest)
        span = span + part
        text += (f"; the other {len(rest)} package(s): +{part.point / MB:.1f} MB by the "
                 f"ratio ({line.partition(' (')[2].removesuffix(')')})")
    return span, f"{PREFIX}{span.point / MB:.1f} MB ({text})"
