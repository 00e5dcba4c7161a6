"""htmlscan.py: the same tokens as `html.parser` on real and well-formed pages, linear time
and hard caps on hostile ones (issue 18)."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest

from hostile_bytes import UNTERMINATED_PAGE
from loopback import RecordedData, render_html
from wheelfit.errors import IndexResponseError
from wheelfit.index.limits import Limits
from wheelfit.index.parse.htmlscan import MarkupLimit, Token, scan
from wheelfit.index.parse.pages import parse_html_page

PAGE = "https://pypi.example/simple/foo-bar/"
HUGE = 10**9


class _Reference(HTMLParser):
    """The tokens `html.parser` gives, in `scan`'s shape."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag, []))

    def handle_data(self, data: str) -> None:
        self.tokens.append(("data", data, []))


def _joined(tokens: list[Token]) -> list[Token]:
    """Adjacent text joined, empty text dropped (the two split text differently)."""
    out: list[Token] = []
    for kind, value, attrs in tokens:
        if kind == "data" and out and out[-1][0] == "data":
            out[-1] = ("data", out[-1][1] + value, [])
        elif kind != "data" or value:
            out.append((kind, value, list(attrs)))
    return out


def _reference(text: str) -> list[Token]:
    parser = _Reference()
    parser.feed(text)
    parser.close()
    return _joined(parser.tokens)


def _scanned(text: str) -> list[Token]:
    return _joined(list(scan(text, max_tags=HUGE, max_attributes=HUGE)))


def test_recorded_pages_scan_as_html_parser_reads_them() -> None:
    data = RecordedData()
    names = sorted(data.manifest["projects"])
    assert names
    for name in names:
        page = data.page(name)
        assert page is not None
        text = render_html(name, page["files"]).decode()
        assert _scanned(text) == _reference(text), name


WELL_FORMED = [
    '<a href="x">x</a>',
    "<a href='y' data-yanked>y</a>",
    "<a href=z>",
    '<A HREF="U" Data-Requires-Python="&gt;=3.8">',
    '<a  href = "q"   data-requires-python=">=3.8" >',
    "<a\thref\n=\n'x'>",
    '<a href="x"y=1>',
    "<a x==1 y = '2'/>",
    '<a href="a>b">',
    "<p / class=x>",
    "<title>Links for foo &amp; bar</title>",
    "<!DOCTYPE html><!-- a <a href=no> comment --><?pi x?>",
    "<script>if (a<b) { '<a href=no>' }</script><style>p{}</style >",
    "< notatag a > b &lt;",
    "</ A ><br/>",
    '<meta name="pypi:repository-version" content="1.0"><base href="http://h/">',
]


@pytest.mark.parametrize("text", WELL_FORMED)
def test_well_formed_markup_scans_as_html_parser_reads_it(text: str) -> None:
    assert _scanned(text) == _reference(text)


def test_scan_stops_at_a_construct_that_never_ends() -> None:
    assert _scanned('<a href="x">x</a><a href="never') == _reference('<a href="x">x</a>')
    assert _scanned("<a href=x><!-- open") == [("start", "a", [("href", "x")])]


@pytest.mark.parametrize("page", [
    UNTERMINATED_PAGE.decode(),
    '<a href="' * 200_000,
    "<!--" + "<a href=x>" * 100_000,
    "<a " + "x " * 200_000,
])
def test_unterminated_pages_scan_in_linear_time(page: str) -> None:
    start = time.process_time()
    list(scan(page, max_tags=HUGE, max_attributes=HUGE))
    assert time.process_time() - start < 20  # html.parser: hours for the first page


def test_tag_cap() -> None:
    with pytest.raises(MarkupLimit, match="more than 10 tags"):
        list(scan("<br>" * 11, max_tags=10, max_attributes=5))


def test_attribute_cap() -> None:
    with pytest.raises(MarkupLimit, match="a tag with more than 5 attributes"):
        list(scan("<a a b c d e f>", max_tags=10, max_attributes=5))


def test_hostile_page_is_a_response_error_naming_page_and_cap() -> None:
    start = time.process_time()
    with pytest.raises(IndexResponseError) as caught:
        parse_html_page(UNTERMINATED_PAGE, PAGE, "foo-bar")
    assert time.process_time() - start < 20
    assert caught.value.message.startswith(PAGE)
    assert "a tag with more than 100 attributes" in caught.value.message


def test_page_with_too_many_tags_is_a_response_error() -> None:
    body = b"<title>Links for foo-bar</title>" + b"<br>" * 20
    with pytest.raises(IndexResponseError, match="more than 10 tags"):
        parse_html_page(body, PAGE, "foo-bar", limits=Limits(page_tags=10))
