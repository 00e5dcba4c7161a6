"""Property tests: arbitrary input to the index parsers gives a value or IndexResponseError.

Each property runs with a small number of examples by default and with 10,000 under
`pytest -m slow`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index_builders import BytesSource, metadata, sdist_tar, to_zip64, wheel
from wheelfit.errors import IndexResponseError
from wheelfit.index.base import CoreMetadata
from wheelfit.index.limits import Limits
from wheelfit.index.parse.metadata import parse_core_metadata, sdist_metadata_is_static
from wheelfit.index.parse.pages import parse_html_page, parse_json_page, parse_page
from wheelfit.index.parse.rangezip import entries_from_tail
from wheelfit.index.rangefetch import read_wheel_metadata
from wheelfit.index.sdist import tar_members
from wheelfit.model import DistFile

PROFILES = [
    pytest.param(60, id="quick"),
    pytest.param(10_000, id="10k", marks=pytest.mark.slow),
]
PAGE = "https://index.example/simple/foo/"


def _check(strategy: st.SearchStrategy[Any], examples: int, prop: Callable[[Any], None]) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def run(value: Any) -> None:
        prop(value)

    run()


def _files_or_error(parse: Callable[[], tuple[DistFile, ...]]) -> None:
    try:
        files = parse()
    except IndexResponseError:
        return
    assert isinstance(files, tuple) and all(isinstance(f, DistFile) for f in files)


# --- strategies ---------------------------------------------------------------------------------

_json_leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
_json_any = st.recursive(
    _json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
_filenames = st.sampled_from(
    ["foo-1.0-py3-none-any.whl", "foo-1.0.tar.gz", "foo-1.0.zip", "Foo-2.tar.bz2", "bar-1.0.tar.gz"]
) | st.text(max_size=40)
_file_entry = st.fixed_dictionaries(
    {"filename": _filenames, "url": st.text(max_size=40) | _filenames},
    optional={
        "hashes": st.dictionaries(st.text(max_size=8), st.text(max_size=70), max_size=3)
        | _json_any,
        "requires-python": st.text(max_size=20) | _json_any,
        "yanked": st.booleans() | st.text(max_size=10) | _json_any,
        "size": st.integers() | _json_any,
        "upload-time": st.text(max_size=30) | _json_any,
        "core-metadata": st.booleans()
        | st.dictionaries(st.text(max_size=8), st.text(max_size=70))
        | _json_any,
        "dist-info-metadata": _json_any,
    },
)
_json_pages = st.fixed_dictionaries(
    {"files": st.lists(_file_entry, max_size=5) | _json_any},
    optional={
        "meta": st.fixed_dictionaries({"api-version": st.text(max_size=6) | _json_any}) | _json_any
    },
).map(lambda page: json.dumps(page).encode())

_attr_value = st.text(max_size=30)
_anchor = st.builds(
    lambda href, attrs: f'<a href="{href}" {attrs}>{href}</a>',
    st.text(max_size=40) | _filenames,
    st.lists(
        st.builds(
            lambda name, value: f'{name}="{value}"',
            st.sampled_from(
                [
                    "data-requires-python",
                    "data-yanked",
                    "data-core-metadata",
                    "data-dist-info-metadata",
                    "x",
                ]
            ),
            _attr_value,
        ),
        max_size=3,
    ).map(" ".join),
)
_html_pages = st.builds(
    lambda title, anchors, noise: (
        f"<html><title>{title}</title>{noise}{''.join(anchors)}</html>".encode()
    ),
    st.text(max_size=20),
    st.lists(_anchor, max_size=5),
    st.text(max_size=30),
)

_header_names = st.sampled_from(
    [
        "Metadata-Version",
        "Name",
        "Version",
        "Requires-Dist",
        "Requires-Python",
        "Provides-Extra",
        "Dynamic",
    ]
) | st.text(max_size=12)
_metadata_texts = st.lists(
    st.builds(lambda k, v: f"{k}: {v}", _header_names, st.text(max_size=30)), max_size=8
).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))

_WHEELS = [wheel("foo", "1.0", metadata("foo", "1.0", requires=["bar"]))]
_WHEELS.append(to_zip64(_WHEELS[0]))
_mutated_wheels = st.builds(
    lambda base, edits, cut: _mutate(_WHEELS[base], edits, cut),
    st.integers(0, len(_WHEELS) - 1),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6),
    st.integers(0, 40),
)


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int) -> bytes:
    buffer = bytearray(data)
    for position, value in edits:
        buffer[position % len(buffer)] = value
    return bytes(buffer[cut:])


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("examples", PROFILES)
def test_json_parser_on_arbitrary_bytes(examples: int) -> None:
    _check(
        st.binary(max_size=300),
        examples,
        lambda b: _files_or_error(lambda: parse_json_page(b, PAGE, "foo")),
    )


@pytest.mark.parametrize("examples", PROFILES)
def test_json_parser_on_page_shaped_json(examples: int) -> None:
    _check(
        _json_pages, examples, lambda b: _files_or_error(lambda: parse_json_page(b, PAGE, "foo"))
    )


@pytest.mark.parametrize("examples", PROFILES)
def test_html_parser_on_arbitrary_text(examples: int) -> None:
    strategy = st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")) | st.binary(
        max_size=300
    )
    _check(strategy, examples, lambda b: _files_or_error(lambda: parse_html_page(b, PAGE, "foo")))


@pytest.mark.parametrize("examples", PROFILES)
def test_html_parser_on_page_shaped_markup(examples: int) -> None:
    _check(
        _html_pages, examples, lambda b: _files_or_error(lambda: parse_html_page(b, PAGE, "foo"))
    )


@pytest.mark.parametrize("examples", PROFILES)
def test_page_dispatch_on_arbitrary_content_types(examples: int) -> None:
    strategy = st.tuples(st.binary(max_size=100), st.text(max_size=60))
    _check(
        strategy, examples, lambda v: _files_or_error(lambda: parse_page(v[0], v[1], PAGE, "foo"))
    )


# --- metadata -----------------------------------------------------------------------------------


def _metadata_or_error(data: bytes) -> None:
    try:
        parsed = parse_core_metadata(data)
    except IndexResponseError:
        return
    assert isinstance(parsed, CoreMetadata)
    assert isinstance(sdist_metadata_is_static(parsed), bool)


@pytest.mark.parametrize("examples", PROFILES)
def test_metadata_parser_on_arbitrary_bytes(examples: int) -> None:
    _check(st.binary(max_size=400), examples, _metadata_or_error)


@pytest.mark.parametrize("examples", PROFILES)
def test_metadata_parser_on_header_shaped_text(examples: int) -> None:
    _check(_metadata_texts, examples, _metadata_or_error)


# --- zip directories ----------------------------------------------------------------------------


def _entries_or_error(data: bytes) -> None:
    try:
        entries = entries_from_tail(data)
    except IndexResponseError:
        return
    assert isinstance(entries, tuple)


def _metadata_read_or_error(data: bytes) -> None:
    try:
        read_wheel_metadata(BytesSource(data), "foo", Limits(tail_bytes=256))
    except IndexResponseError:
        return


@pytest.mark.parametrize("examples", PROFILES)
def test_directory_parser_on_arbitrary_bytes(examples: int) -> None:
    _check(st.binary(max_size=400), examples, _entries_or_error)


@pytest.mark.parametrize("examples", PROFILES)
def test_directory_parser_on_mutated_wheels(examples: int) -> None:
    _check(_mutated_wheels, examples, _entries_or_error)


@pytest.mark.parametrize("examples", PROFILES)
def test_metadata_range_read_on_mutated_wheels(examples: int) -> None:
    _check(_mutated_wheels, examples, _metadata_read_or_error)


# --- sdist tarballs -----------------------------------------------------------------------------

_TARBALLS = [
    sdist_tar("foo-1.0", {"PKG-INFO": metadata("foo", "1.0"), "setup.py": b"x"}, mode=mode)
    for mode in ("w:gz", "w")
]
_mutated_tarballs = st.builds(
    lambda base, edits, cut: _mutate(_TARBALLS[base], edits, 0)[: len(_TARBALLS[base]) - cut],
    st.integers(0, len(_TARBALLS) - 1),
    st.lists(st.tuples(st.integers(0, 20_000), st.integers(0, 255)), max_size=6),
    st.integers(0, 600),
)


def _members_or_error(data: bytes) -> None:
    try:
        found = tar_members(
            [data[i : i + 97] for i in range(0, len(data), 97)],
            lambda path: True,
            max_member_bytes=10_000,
            limits=Limits(),
            url="https://files.example/foo-1.0.tar.gz",
        )
    except IndexResponseError:
        return
    assert isinstance(found, dict)


@pytest.mark.parametrize("examples", PROFILES)
def test_tar_reader_on_arbitrary_bytes(examples: int) -> None:
    _check(st.binary(max_size=2000), examples, _members_or_error)


@pytest.mark.parametrize("examples", PROFILES)
def test_tar_reader_on_mutated_tarballs(examples: int) -> None:
    _check(_mutated_tarballs, examples, _members_or_error)
