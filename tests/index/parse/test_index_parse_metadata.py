"""metadata.py: core metadata parsing and the PEP 643 'static sdist metadata' rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index_builders import metadata
from wheelfit.errors import IndexResponseError
from wheelfit.index.base import CoreMetadata
from wheelfit.index.parse.metadata import (
    parse_core_metadata,
    plain_headers,
    sdist_metadata_is_static,
)


def test_fields_wheelfit_uses_are_read() -> None:
    data = metadata(
        "Foo",
        "1.2",
        requires=['bar>=1; extra == "x"', "baz"],
        metadata_version="2.3",
        dynamic=["License"],
        requires_python=">=3.9",
        extras=["x"],
    )
    assert parse_core_metadata(data) == CoreMetadata(
        name="Foo",
        version="1.2",
        metadata_version="2.3",
        requires_dist=('bar>=1; extra == "x"', "baz"),
        requires_python=">=3.9",
        provides_extra=("x",),
        dynamic=("License",),
    )


def test_folded_header_lines_are_joined() -> None:
    data = (
        b"Metadata-Version: 2.1\nName: foo\nVersion: 1\n"
        b"Requires-Dist: bar;\n  python_version < '3.11'\n"
    )
    assert parse_core_metadata(data).requires_dist == ("bar; python_version < '3.11'",)


def test_headers_in_the_description_body_are_ignored() -> None:
    data = b"Metadata-Version: 2.1\nName: foo\nVersion: 1\n\nRequires-Dist: not-a-header\n"
    assert parse_core_metadata(data).requires_dist == ()


def test_crlf_line_endings_are_accepted() -> None:
    data = b"Metadata-Version: 2.1\r\nName: foo\r\nVersion: 1\r\nRequires-Dist: bar\r\n"
    assert parse_core_metadata(data).requires_dist == ("bar",)


def test_latin1_pkg_info_is_read() -> None:
    data = "Metadata-Version: 1.1\nName: foo\nVersion: 1\nAuthor: Jos\xe9\n".encode("latin-1")
    assert parse_core_metadata(data).name == "foo"


@pytest.mark.parametrize(
    "data",
    [
        b"Name: foo\nVersion: 1\n",
        b"Metadata-Version: 2.1\nVersion: 1\n",
        b"<!DOCTYPE html><html><body>Not Found</body></html>",
        b"",
    ],
    ids=["no-metadata-version", "no-name", "html", "empty"],
)
def test_a_file_that_is_not_metadata_is_a_response_error(data: bytes) -> None:
    with pytest.raises(IndexResponseError, match="not a core metadata file"):
        parse_core_metadata(data)


def test_binary_data_is_a_response_error() -> None:
    with pytest.raises(IndexResponseError, match="NUL"):
        parse_core_metadata(b"Metadata-Version: 2.1\x00\x01\x02")


def test_unreadable_metadata_version_is_a_response_error() -> None:
    with pytest.raises(IndexResponseError, match="Metadata-Version"):
        parse_core_metadata(b"Metadata-Version: two\nName: foo\nVersion: 1\n")


def test_error_names_the_source_without_credentials() -> None:
    with pytest.raises(IndexResponseError) as info:
        parse_core_metadata(b"junk", source="https://u:s3cret@host/f.whl.metadata")
    assert "host/f.whl.metadata" in str(info.value)
    assert "s3cret" not in str(info.value)


@pytest.mark.parametrize(
    ("version", "dynamic", "static"),
    [
        ("2.2", (), True),
        ("2.4", ("License", "Description"), True),
        ("2.1", (), False),
        ("1.0", (), False),
        ("2.2", ("Requires-Dist",), False),
        ("2.3", ("requires-dist",), False),
    ],
)
def test_sdist_metadata_is_static(version: str, dynamic: tuple[str, ...], static: bool) -> None:
    md = parse_core_metadata(metadata("foo", "1", metadata_version=version, dynamic=dynamic))
    assert sdist_metadata_is_static(md) is static


# --- the header block read without `email` -------------------------------------------------


def _by_email(head: str) -> dict[str, list[str]]:
    from email.parser import HeaderParser
    from email.policy import compat32

    message = HeaderParser(policy=compat32).parsestr(head, headersonly=True)
    return {name.lower(): list(message.get_all(name) or []) for name in message}


@pytest.mark.parametrize("head", [
    "Metadata-Version: 2.1\nName: foo\nVersion: 1",
    "Name: foo\nVersion: 1\n",
    "Name:foo\nVersion:\t 1 \nRequires-Dist: a\nrequires-dist: b ;\n  extra == 'x'\n\tmore",
    "Name:\n  continued\nVersion: 1",
    "Name: Jos\xe9\nSummary: caf\xe9 \u00e9t\u00e9\nVersion: 1",
    "X-Odd!#$%&'*+-.^_`|~Name: v\nVersion: 1",
    "Description: a\n \n |b\nName: foo",
])
def test_a_plain_header_block_reads_as_email_reads_it(head: str) -> None:
    plain = plain_headers(head)
    assert plain is not None
    assert dict(plain) == _by_email(head)


@pytest.mark.parametrize("head", [
    "",
    " Name: foo\nVersion: 1",  # the first line continues nothing
    "Name: foo\r\nVersion: 1",
    "Name: foo\rVersion: 1",
    "Name: foo\x0cVersion: 1",
    "Name: foo\u2028Version: 1",
    "From someone\nName: foo",
    "Name: foo\nnot a header\nVersion: 1",
    ": empty name\nName: foo",
    "Na me: foo",
    "N\xe4me: foo",
])
def test_anything_unusual_goes_to_email(head: str) -> None:
    assert plain_headers(head) is None


def test_an_unusual_block_is_still_read_by_email() -> None:
    data = b"Metadata-Version: 2.1\nName: foo\nVersion: 1\nnot a header\nRequires-Dist: x\n"
    assert parse_core_metadata(data).requires_dist == ()


_HEADER_TEXT = st.lists(st.sampled_from(
    ["Name", "Requires-Dist", ":", " ", "\t", "\n", "a", ";", "=", "\xe9", "From ", "\r",
     "\x0c", "!"]), max_size=30).map("".join)


@given(_HEADER_TEXT)
def test_whatever_the_plain_reader_takes_it_reads_as_email_does(head: str) -> None:
    plain = plain_headers(head)
    if plain is not None:
        assert dict(plain) == _by_email(head)
