"""The bytecode term of the package layer: the calibrated ratio times the wheels' .py bytes."""

from __future__ import annotations

from wheelfit.sizing.pycratio import PY_SHARE, PYC_MINOR_FACTOR, PYC_PER_PY, pyc_span
from wheelfit.sizing.sizes import MB, Span


def test_listed_py_bytes_use_the_calibrated_ratio() -> None:
    span, line = pyc_span([(10 * MB, Span(50 * MB, 50 * MB, 50 * MB), "binary")])
    assert span.point == 10 * MB * PYC_PER_PY[0]
    assert span.lo == 10 * MB * PYC_PER_PY[1] and span.hi == 10 * MB * PYC_PER_PY[2]
    assert "wheels' file lists: 10.0 MB in 1 package(s)" in line


def test_a_package_without_a_file_list_is_guessed_from_its_size() -> None:
    span, line = pyc_span([(None, Span(10 * MB, 10 * MB, 10 * MB), "pure")])
    assert round(span.point) == round(10 * MB * PY_SHARE["pure"] * PYC_PER_PY[0])
    assert "1 package(s) without a file list" in line


def test_the_line_keeps_the_form_the_calibration_script_reads() -> None:
    _, line = pyc_span([(2 * MB, None, "pure")])
    assert line.startswith("bytecode: pip compiles .py files at install, +2.6 MB (")


def test_nothing_to_compile_adds_nothing() -> None:
    span, _ = pyc_span([(None, None, "binary")])
    assert span == Span(0.0, 0.0, 0.0)


def test_a_312_target_takes_the_measured_smaller_bytecode_of_its_minor() -> None:
    span, line = pyc_span([(10 * MB, None, "pure")], python="3.12")
    assert span.point == 10 * MB * round(PYC_PER_PY[0] * PYC_MINOR_FACTOR["3.12"], 2)
    assert "CPython 3.12" in line


def test_an_unmeasured_minor_keeps_the_311_ratio_and_says_so() -> None:
    span, line = pyc_span([(10 * MB, None, "pure")], python="3.10")
    assert span.point == 10 * MB * PYC_PER_PY[0]
    assert "calibrated on real CPython 3.11 installs" in line
