"""`BuildFileFacts` through the cache's bytes: exact round trip, anything else a miss."""

from __future__ import annotations

import pytest

from wheelfit.buildneeds import factscodec
from wheelfit.buildneeds.buildfile_types import (
    BuildFileFacts,
    ExternalDep,
    Language,
    LlvmNeed,
    Origin,
    RustVersion,
    SystemDep,
)
from wheelfit.buildneeds.factscodec import decode_facts, encode_facts, scanner_version

RICH = BuildFileFacts(
    backend="mesonpy", requires=("meson-python", "numpy"),
    languages=(Language("c", Origin("meson.build", 3)), Language("fortran", Origin("a.f90"))),
    system_deps=(SystemDep("openblas", "pkg-config", Origin("meson.build", 9), True,
                           "use-blas", ">=0.3"),),
    llvm=(LlvmNeed(None, Origin("setup.py", 4), "llvm-config"),),
    rust_version=RustVersion("1.70", Origin("Cargo.toml", 5)),
    external=(ExternalDep("dep:generic/openssl", "generic", "", "openssl", "host-requires",
                          Origin("pyproject.toml", 12), ">=3", "os_name == 'posix'", "tls"),),
    native=True, evidence=("meson.build: compiles C \u00e9",), files_read=("meson.build",),
    notes=("setup.py: only the first 1048576 bytes were read",))


@pytest.mark.parametrize("facts", [RICH, BuildFileFacts()], ids=["rich", "empty"])
def test_facts_come_back_equal(facts: BuildFileFacts) -> None:
    assert decode_facts(encode_facts(facts)) == facts


@pytest.mark.parametrize("payload", [
    b"", b"not json", b"[]", b"{}",
    encode_facts(RICH).replace(b'"mesonpy"', b"3"),          # a field of the wrong type
    encode_facts(RICH).replace(b"true", b"1"),               # 1 is not True
    encode_facts(RICH)[:-1] + b',"extra"]',                  # one field too many
    encode_facts(RICH).replace(b'"1.70",', b""),             # one field too few
    b"[" * 100_000,                                          # deeper than Python recurses
], ids=["empty", "garbage", "empty-list", "object", "type", "bool", "extra", "short", "deep"])
def test_anything_else_reads_as_a_miss(payload: bytes) -> None:
    assert decode_facts(payload) is None


def test_the_scanner_version_follows_the_number(monkeypatch: pytest.MonkeyPatch) -> None:
    before = scanner_version()
    monkeypatch.setattr(factscodec, "SCANNER_VERSION", factscodec.SCANNER_VERSION + 1)
    scanner_version.cache_clear()
    try:
        assert scanner_version() != before
    finally:
        scanner_version.cache_clear()


def test_the_scanner_version_carries_a_digest_of_the_scanner_source() -> None:
    number, _, digest = scanner_version().partition(".")
    assert number == str(factscodec.SCANNER_VERSION) and len(digest) == 16
