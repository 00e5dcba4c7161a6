"""sizing/exactterm.py: the bytecode term with computed sizes, and its basis line."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from wheelfit.model import Bytecode
from wheelfit.sizing.exactterm import bytecode_term
from wheelfit.sizing.pycratio import (
    CROSS_MINOR_BAND,
    PYC_MINOR_FACTOR,
    PYC_PER_PY,
    UNMEASURED_BAND,
    pyc_span,
)
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
    assert bytecode_term(packages, pyc_span, "3.12") == pyc_span([(MB, packages[0].size,
                                                                   "pure")])


def test_computed_sizes_are_the_point_and_the_range() -> None:
    span, line = bytecode_term([Pkg(MB, None, "pure", EXACT)], pyc_span, "3.12")
    assert (span.point, span.lo, span.hi) == (3e6, 3e6, 3e6)
    assert line == ("bytecode: pip compiles .py files at install, +3.0 MB (exact: compiled "
                    "120 .py files of 1 package(s) with CPython 3.12.1)")


def test_the_hosts_bytecode_is_scaled_by_the_measured_factor_to_the_target() -> None:
    span, _ = bytecode_term([Pkg(MB, None, "pure", HOSTED)], pyc_span, "3.12")
    assert span.point == pytest.approx(2e6 * PYC_MINOR_FACTOR["3.12"])


def test_the_scaled_bytecode_carries_the_measured_band() -> None:
    span, _ = bytecode_term([Pkg(MB, None, "pure", HOSTED)], pyc_span, "3.13")
    point = 2e6 * PYC_MINOR_FACTOR["3.13"]
    assert (span.lo, span.hi) == pytest.approx((point * (1 - CROSS_MINOR_BAND),
                                                point * (1 + CROSS_MINOR_BAND)))


def test_the_line_says_what_the_scaled_bytecode_rests_on() -> None:
    _, line = bytecode_term([Pkg(MB, None, "pure", HOSTED)], pyc_span, "3.12")
    assert ("compiled by CPython 3.11.7 (host; no CPython 3.12 found on PATH), scaled by "
            "0.905 to 3.12 (measured on 12 package sets, 109 wheels: ±5%, their largest "
            "error)") in line


def test_files_that_did_not_compile_are_said() -> None:
    _, line = bytecode_term([Pkg(MB, None, "pure", HOSTED)], pyc_span, "3.12")
    assert "2 did not compile" in line


def test_a_newer_host_scales_down_to_an_older_target() -> None:
    newer = Bytecode(2_000_000, 80, 0, "3.13.0", False)
    span, _ = bytecode_term([Pkg(MB, None, "pure", newer)], pyc_span, "3.11")
    assert span.point == pytest.approx(2e6 / PYC_MINOR_FACTOR["3.13"])


def test_a_target_without_a_measured_factor_is_not_scaled_and_keeps_the_wide_band() -> None:
    span, line = bytecode_term([Pkg(MB, None, "pure", HOSTED)], pyc_span, "3.10")
    assert (span.point, span.lo, span.hi) == pytest.approx(
        (2e6, 2e6 * (1 - UNMEASURED_BAND), 2e6 * (1 + UNMEASURED_BAND)))
    assert "not scaled: no factor measured for 3.10" in line


def test_a_target_whose_factor_is_assumed_is_scaled_but_keeps_the_wide_band() -> None:
    span, line = bytecode_term([Pkg(MB, None, "pure", HOSTED)], pyc_span, "3.14")
    point = 2e6 * PYC_MINOR_FACTOR["3.14"]
    assert (span.point, span.hi) == pytest.approx((point, point * (1 + UNMEASURED_BAND)))
    assert "3.14 not measured: taken as 3.13" in line


def test_packages_without_a_computed_size_keep_the_ratio() -> None:
    span, line = bytecode_term([Pkg(MB, None, "pure", EXACT), Pkg(MB, None, "pure")],
                               pyc_span, "3.12")
    assert span.point == pytest.approx(3e6 + PYC_PER_PY[0] * MB)
    assert "the other 1 package(s): +1.3 MB by the ratio (1.31 .pyc bytes" in line
