"""The bytecode term of an estimate when `.pyc` bytes were computed (`--exact-bytecode`).

Packages with a computed `Bytecode` count its bytes; the others keep the calibrated ratio
(`pycratio.pyc_span`, passed in). Bytes compiled by the host's CPython because no interpreter
of the target's minor version was found are scaled by the measured factor between the two
minors and carry the band that factor was measured with (`pycratio.minor_scale`;
docs/estimate.md, "Exact bytecode").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from wheelfit.model import Bytecode
from wheelfit.sizing.pycratio import minor_scale
from wheelfit.sizing.sizes import MB, ZERO, Span

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


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def stand_in(hosted: Iterable[Bytecode], target: str) -> tuple[Span, list[str]]:
    """Bytecode compiled by another minor than `target`'s, scaled to the target, and a
    phrase per compiling CPython saying by what."""
    by_python: dict[str, int] = {}
    for b in hosted:
        by_python[b.python] = by_python.get(b.python, 0) + b.pyc_bytes
    span, phrases = ZERO, []
    for python, pyc in sorted(by_python.items()):
        scale = minor_scale(_minor(python), target)
        point = pyc * scale.factor
        span = span + Span(point, point * (1 - scale.band), point * (1 + scale.band))
        phrases.append(f"compiled by CPython {python} (host; no CPython {target} found on "
                       f"PATH), {scale.basis}")
    return span, phrases


def bytecode_term(packages: Iterable[Sized], ratio: RatioTerm,
                  target: str | None) -> tuple[Span, str]:
    """The `.pyc` bytes of the packages on a target of CPython minor `target` (X.Y), and the
    basis line saying how each was had."""
    rows = list(packages)
    exact = [p.bytecode for p in rows if p.bytecode is not None]
    rest = [(p.py_bytes, p.size, p.kind) for p in rows if p.bytecode is None]
    if not exact:
        return ratio(rest)
    own = float(sum(b.pyc_bytes for b in exact if b.exact))
    hosted, phrases = stand_in((b for b in exact if not b.exact), target or "unknown")
    span = Span(own, own, own) + hosted
    text = (f"exact: compiled {sum(b.files for b in exact)} .py files of {len(exact)} "
            f"package(s) with CPython {', '.join(sorted({b.python for b in exact}))}")
    failed = sum(b.failed for b in exact)
    if failed:
        text += f"; {failed} did not compile (pip writes no .pyc for them: 0 bytes)"
    text += "".join(f"; {phrase}" for phrase in phrases)
    if rest:
        part, line = ratio(rest)
        span = span + part
        text += (f"; the other {len(rest)} package(s): +{part.point / MB:.1f} MB by the "
                 f"ratio ({line.partition(' (')[2].removesuffix(')')})")
    return span, f"{PREFIX}{span.point / MB:.1f} MB ({text})"
