"""PEP 725 `[external]`: DepURL parsing and the table's sections."""

from __future__ import annotations

import pytest

from wheelfit.buildneeds.pep725 import DepUrlError, parse_depurl, read_external

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]


@pytest.mark.parametrize(("spec", "want"), [
    ("dep:generic/openssl", ("generic", "", "openssl", None)),
    ("dep:generic/openssl@>=3", ("generic", "", "openssl", ">=3")),
    ("dep:generic/libffi@>=3.4,<4", ("generic", "", "libffi", ">=3.4,<4")),
    ("dep:virtual/compiler/rust", ("virtual", "compiler", "rust", None)),
    ("dep:virtual/interface/blas", ("virtual", "interface", "blas", None)),
    ("dep:github/Reference-LAPACK/lapack", ("github", "Reference-LAPACK", "lapack", None)),
    ("pkg:generic/libpq", ("generic", "", "libpq", None)),
    ("virtual:compiler/c", ("virtual", "compiler", "c", None)),
    ("dep:generic/cmake?repository_url=https://x#sub", ("generic", "", "cmake", None)),
    ("dep:generic/lib%2Bplus@1.0", ("generic", "", "lib+plus", "1.0")),
])
def test_depurl(spec: str, want: tuple[str, str, str, str | None]) -> None:
    assert parse_depurl(spec) == want


@pytest.mark.parametrize("spec", ["openssl", "dep:openssl", "http://x/y", "dep:/x",
                                  "dep:Generic!/x", "dep:generic/" + "a" * 500])
def test_not_a_depurl(spec: str) -> None:
    with pytest.raises(DepUrlError):
        parse_depurl(spec)


TEXT = """\
[external]
build-requires = ["dep:virtual/compiler/c", "dep:generic/pkg-config"]
host-requires = ["dep:generic/openssl@>=3; sys_platform == 'linux'"]
dependencies = ["dep:generic/libpq"]

[external.optional-host-requires]
speedups = ["dep:generic/zstd"]
"""


def read(text: str = TEXT) -> tuple[list[tuple[str, str, str | None]], tuple[str, ...]]:
    deps, notes = read_external(tomllib.loads(text), text, "pyproject.toml")
    return [(d.id, d.section, d.group) for d in deps], notes


def test_every_section_and_the_optional_groups() -> None:
    found, notes = read()
    assert found == [
        ("dep:virtual/compiler/c", "build-requires", None),
        ("dep:generic/pkg-config", "build-requires", None),
        ("dep:generic/openssl", "host-requires", None),
        ("dep:generic/zstd", "host-requires", "speedups"),
        ("dep:generic/libpq", "dependencies", None),
    ]
    assert notes == ()


def test_marker_version_and_line_are_kept() -> None:
    deps, _ = read_external(tomllib.loads(TEXT), TEXT, "pyproject.toml")
    openssl = deps[2]
    assert (openssl.version, openssl.marker) == (">=3", "sys_platform == 'linux'")
    assert str(openssl.origin) == "pyproject.toml:3"


def test_a_bad_entry_is_named_and_the_rest_read() -> None:
    text = '[external]\nhost-requires = ["openssl", "dep:generic/zlib"]\n'
    found, notes = read(text)
    assert found == [("dep:generic/zlib", "host-requires", None)]
    assert notes[0].startswith("pyproject.toml:2: [external].host-requires[0]: 'openssl'")


def test_no_external_table() -> None:
    assert read("[project]\nname = 'x'\n") == ([], ())
