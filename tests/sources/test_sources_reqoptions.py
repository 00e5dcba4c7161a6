"""reqoptions: one option parser per process, fresh values per line (issue 15, item 3)."""

from __future__ import annotations

from wheelfit.sources.reqoptions import _build_parser, parse_options


def test_a_lines_list_options_do_not_leak_into_the_next_line() -> None:
    first = parse_options("--extra-index-url https://a.example/simple --hash=sha256:aa")
    second = parse_options("--extra-index-url https://b.example/simple")
    assert first.get_list("extra_index_urls") == ["https://a.example/simple"]
    assert second.get_list("extra_index_urls") == ["https://b.example/simple"]
    assert second.get_list("hashes") == []


def test_the_parser_is_built_once_for_many_lines() -> None:
    _build_parser.cache_clear()
    for number in range(50):
        parse_options(f"--hash=sha256:{number:02x}")
    assert _build_parser.cache_info().misses == 1


def test_a_line_without_options_sets_none() -> None:
    found = parse_options("   ")
    assert not any(found.given(dest) for dest in ("index_url", "pre", "requirements"))
    assert found.leftover == []
