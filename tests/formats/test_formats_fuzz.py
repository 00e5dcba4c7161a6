"""Any text in a report (names, reasons, paths, origins) keeps the HTML page's structure and
the SARIF log valid: hypothesis writes the text, the parsers and the schema judge."""

from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from formats.canned import pair, sdist, service
from wheelfit.formats import render
from wheelfit.model import Report, Status, Verdict

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif"
                     / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
TEXT = st.text(min_size=1, max_size=40)


class Elements(HTMLParser):
    """The element names the page opens."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.opened.append(tag)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    name, reason, path = draw(TEXT), draw(TEXT), draw(TEXT)
    line = draw(st.one_of(st.none(), st.integers(1, 10_000)))
    gone = Verdict(Status.UNAVAILABLE, "1.0", reason=reason)
    pkg = pair(name, "1.0", sdist(name, "1.0"), gone,
               by=(path if line is None else f"{path}:{line}",))
    return replace(service(), input=path, packages=(pkg,))


def opened(html: str) -> list[str]:
    parser = Elements()
    parser.feed(html)
    return parser.opened


@settings(max_examples=60, deadline=None)
@given(reports())
def test_any_text_keeps_the_page_structure(report: Report) -> None:
    assert opened(render(report, "html")) == opened(_reference(report))


def _reference(report: Report) -> str:
    """The same report with plain text everywhere: the structure every page must have."""
    plain = replace(report, input="x", packages=tuple(
        replace(p, name="p", requested_by=("r",), verdicts={
            k: replace(v, reason="r" if v.reason else None) for k, v in p.verdicts.items()})
        for p in report.packages))
    return render(plain, "html")


@settings(max_examples=60, deadline=None)
@given(reports())
def test_any_text_keeps_the_sarif_log_valid(report: Report) -> None:
    log = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert len(log["runs"][0]["results"]) == 1
