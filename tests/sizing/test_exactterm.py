"""sizing/exactterm.py: the bytecode term with computed sizes, and its basis line."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from wheelfit.model import Bytecode
from wheelfit.sizing.exactterm import CROSS_MINOR, bytecode_term
from wheelfit.sizing.pycratio import PYC_PER_PY, pyc_span
from wheelfit.sizing.sizes import MB, Span

EXACT = Bytecode(3_000_000, 120, 0, "3.12.1", True)
HOSTED = Bytecode(2_000_000, 80, 2, "3.11.7", False)


@dataclass(frozen=True)
class Pkg:
    py_bytes: int | None
    size: Span | None
    kind: str
    bytecode: Bytecode | None = None


def test_without_computed_sizes_the_term_is_the_ratios() -> None:
    packages = [Pkg(MB, Span(5 * MB, 5 * MB, 5 * MB), "pure")]
    assert bytecode_term(packages, pyc_span) == pyc_span([(MB, packages[0].size, "pure")])


def test_computed_sizes_are_the_point_and_the_range() -> None:
    span, line = bytecode_term([Pkg(MB, None, "pure", EXACT)], pyc_span)
    assert (span.point, span.lo, span.hi) == (3e6, 3e6, 3e6)
    assert line == ("bytecode: pip compiles .py files at install, +3.0 MB (exact: compiled "
                    "120 .py files of 1 package(s) with CPython 3.12.1)")


def test_another_minors_bytecode_carries_the_measured_range_and_says_so() -> None:
    span, line = bytecode_term([Pkg(MB, None, "pure", HOSTED)], pyc_span)
    assert (span.lo, span.hi) == pytest.approx((2e6 * (1 - CROSS_MINOR),
                                                2e6 * (1 + CROSS_MINOR)))
    assert "not the target's minor version" in line and "3.11.7" in line
    assert "2 did not compile" in line


def test_packages_without_a_computed_size_keep_the_ratio() -> None:
    span, line = bytecode_term([Pkg(MB, None, "pure", EXACT), Pkg(MB, None, "pure")], pyc_span)
    assert span.point == pytest.approx(3e6 + PYC_PER_PY[0] * MB)
    assert "the other 1 package(s): +1.3 MB by the ratio (1.31 .pyc bytes" in line
