"""Shared helpers of the formats: the headline, attention order, musl gaps, text cleaning."""

from __future__ import annotations

import pytest

from formats.canned import CANNED, service
from wheelfit.formats.summary import (
    attention,
    clean_text,
    headline,
    musl_gap,
    scrubbed,
    short_list,
)
from wheelfit.model import PackageResult, Status, Verdict


@pytest.mark.parametrize(("name", "expected"), [
    ("service", "slim: 1 package cannot be installed, 2 source builds; alpine: 2 packages "
                "cannot be installed, 2 source builds."),
    ("clean", "slim: every package installs from a wheel; alpine: every package installs "
              "from a wheel."),
    ("conflict", "slim: 1 unknown; alpine: resolution impossible."),
    ("slim_only", "slim: 1 with only a plain linux_ wheel."),
    ("empty", "the input lists no packages to check."),
])
def test_headline(name: str, expected: str) -> None:
    assert headline(CANNED[name]()) == expected


def test_attention_puts_uninstallable_before_source_builds() -> None:
    assert [p.name for p in attention(service())] == [
        "internal-auth-client", "playwright", "psycopg2", "uwsgi"]


@pytest.mark.parametrize(("name", "gap"), [("playwright", True), ("psycopg2", False),
                                           ("numpy", False), ("internal-auth-client", False)])
def test_musl_gap(name: str, gap: bool) -> None:
    report = service()
    pkg = next(p for p in report.packages if p.name == name)
    assert musl_gap(report, pkg) is gap


@pytest.mark.parametrize(("text", "expected"), [
    ("a\nb\tc", "a b c"),
    ("\x1b[31mred", "\\x1b[31mred"),
    ("cr\rlf", "cr\\x0dlf"),
    ("rlo\u202eevil", "rlo\\u202eevil"),
    ("café ✅", "café ✅"),
])
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_scrubbed_cleans_nested_strings_and_keeps_enums() -> None:
    verdict = Verdict(Status.UNAVAILABLE, reason="x\x1by", available_platforms=("p\x07",))
    pkg = scrubbed(PackageResult("n\x1b", "1", ("r\n",), {"slim": verdict}))
    assert pkg.name == "n\\x1b" and pkg.requested_by == ("r ",)
    assert pkg.verdicts["slim"].reason == "x\\x1by"
    assert pkg.verdicts["slim"].available_platforms == ("p\\x07",)
    assert pkg.verdicts["slim"].status is Status.UNAVAILABLE



def test_scrubbed_returns_a_clean_report_as_it_is() -> None:
    verdict = Verdict(Status.PURE_WHEEL, reason="fine")
    pkg = PackageResult("name", "1", ("req",), {"slim": verdict})
    assert scrubbed(pkg) is pkg


def test_scrubbed_copies_only_the_parts_it_cleans() -> None:
    clean = Verdict(Status.PURE_WHEEL, reason="fine")
    pkg = scrubbed(PackageResult("n\x1b", "1", ("r",), {"slim": clean}))
    assert pkg.name == "n\\x1b"
    assert pkg.verdicts["slim"] is clean

@pytest.mark.parametrize(("names", "limit", "expected"), [
    (["a", "b"], 5, "a, b"),
    (["a", "b", "c"], 2, "a, b and 1 more"),
    ([], 3, ""),
])
def test_short_list(names: list[str], limit: int, expected: str) -> None:
    assert short_list(names, limit) == expected


# Every character below 0xa0, the bidi controls, and some that are left alone.
_CHARS = [chr(c) for c in range(0xA0)] + ["\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
                                          "\u2069", "\u2028", "\u00e9", "\u4e2d"]


@pytest.mark.parametrize("char", _CHARS, ids=[f"U+{ord(c):04X}" for c in _CHARS])
def test_scrubbing_a_text_cleans_it_as_clean_text_does(char: str) -> None:
    text = f"a{char}b"
    assert scrubbed(text) == clean_text(text)
