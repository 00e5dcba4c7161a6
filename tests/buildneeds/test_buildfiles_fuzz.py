"""Hypothesis: the build-file readers never raise on any text, and their cost stays linear
(bounded) on inputs built to make a naive parser backtrack or nest."""

from __future__ import annotations

import contextlib
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wheelfit.buildneeds.buildfiles import read_build_files
from wheelfit.buildneeds.buildmembers import MAX_FILE_BYTES, MAX_TOTAL_BYTES
from wheelfit.buildneeds.buildscan import scan_autoconf, scan_cmake, scan_meson
from wheelfit.buildneeds.calls import MAX_ARG_TOKENS, find_calls
from wheelfit.buildneeds.pep725 import DepUrlError, parse_depurl
from wheelfit.buildneeds.setupscan import scan_setup_cfg, scan_setup_py

PIECES = ["dependency(", "find_package(", "project(", "pkg-config ", "'''", "required:",
          "if ", "endif\n", "libraries=["]
ALPHABET = st.sampled_from([*"()[]{}'\"#,:=\n\\ abcdefg.-_0123456789", *PIECES])
TEXTS = st.lists(ALPHABET, max_size=400).map("".join)
NAMES = ["meson.build", "CMakeLists.txt", "setup.py", "setup.cfg", "configure.ac",
         "pyproject.toml", "Cargo.toml"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_scanners_never_raise(text: str) -> None:
    for scan in (scan_meson, scan_cmake, scan_autoconf, scan_setup_py, scan_setup_cfg):
        scan(text, "f")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(NAMES), TEXTS, max_size=len(NAMES)))
def test_the_reader_never_raises(files: dict[str, str]) -> None:
    facts = read_build_files({f"p-1/{k}": v.encode() for k, v in files.items()})
    assert facts.native in (True, False, None)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_depurl_parsing_raises_only_its_own_error(spec: str) -> None:
    with contextlib.suppress(DepUrlError):
        parse_depurl(spec)


def timed(text: str) -> float:
    start = time.perf_counter()
    for scan in (scan_meson, scan_cmake, scan_autoconf, scan_setup_py):
        scan(text, "f")
    return time.perf_counter() - start


def test_pathological_inputs_cost_linear_time() -> None:
    size = MAX_FILE_BYTES
    worst = {
        "unclosed quotes": "'" * size,
        "deep nesting": "dependency(" * (size // 11),
        "long call": "dependency(" + "'x', " * (size // 6),
        "many if": "if x\n" * (size // 5),
        "unclosed triple quotes": "'''\n" * (size // 4),
    }
    small = {name: text[: len(text) // 16] for name, text in worst.items()}
    for name, text in worst.items():
        # 16x the input may cost at most ~16x (+ generous slack for a loaded 2-core box).
        assert timed(text) < 20 * timed(small[name]) + 5.0, name


def test_arguments_kept_per_call_are_capped() -> None:
    calls = find_calls("dependency(" + "'x', " * 10_000 + ")", frozenset({"dependency"}))
    assert len(calls[0].args) <= MAX_ARG_TOKENS


def test_a_file_over_the_cap_is_read_in_part_and_said_so() -> None:
    big = b"project('p', 'c')\n" + b"#" * (MAX_FILE_BYTES + 10)
    facts = read_build_files({"p-1/meson.build": big})
    assert facts.language_names() == {"c"}
    assert facts.notes == (f"meson.build: only the first {MAX_FILE_BYTES} bytes were read",)


def test_build_files_over_the_total_cap_are_not_read_and_said_so() -> None:
    chunk = b"#" * MAX_FILE_BYTES
    count = MAX_TOTAL_BYTES // MAX_FILE_BYTES + 3
    files = {f"p-1/d{i:02}/meson.build": chunk for i in range(count)}
    facts = read_build_files(files)
    assert len(facts.files_read) == MAX_TOTAL_BYTES // MAX_FILE_BYTES
    assert any("exceed" in note for note in facts.notes)
