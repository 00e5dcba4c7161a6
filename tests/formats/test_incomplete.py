"""`complete` is false whenever any package's dependencies are unknown, and every format
says how many and why; exit code 6 stays for index failures (issue 18)."""

from __future__ import annotations

import json
from dataclasses import replace

from formats.canned import clean, conflict, sdist
from formats.schema_check import assert_valid_report
from wheelfit.commands.check import exit_code
from wheelfit.formats import render
from wheelfit.formats.summary import incompleteness
from wheelfit.model import PackageResult, Report

SENTENCE = "dependencies of 1 package are unknown (sdist-only, no static metadata: pyserial)"


def with_sdist_only() -> Report:
    """`clean` plus one sdist-only package whose dependencies could not be read."""
    base = clean()
    verdict = sdist("pyserial", "3.5", native=False)
    pkg = PackageResult("pyserial", "3.5", ("requirements.txt:2",),
                        {"slim": verdict, "alpine": verdict}, direct=True,
                        dependencies_unknown=True)
    return replace(base, packages=(*base.packages, pkg))


def test_unknown_dependencies_make_the_report_incomplete() -> None:
    assert not with_sdist_only().complete


def test_unknown_dependencies_alone_are_not_an_index_failure() -> None:
    assert with_sdist_only().index_complete and exit_code(with_sdist_only()) == 0


def test_a_report_without_unknowns_is_complete() -> None:
    assert clean().complete


def test_the_reason_names_how_many_and_why() -> None:
    assert incompleteness(with_sdist_only()) == [SENTENCE]


def test_an_unknown_verdict_is_not_counted_twice() -> None:
    assert incompleteness(conflict()) == ["1 package unknown (the index failed: pyyaml)"]


def test_text_summary_says_it() -> None:
    assert f"Incomplete: {SENTENCE}." in render(with_sdist_only(), "text")


def test_markdown_says_it() -> None:
    assert f"- **incomplete**: {SENTENCE}" in render(with_sdist_only(), "markdown")


def test_json_says_it_and_follows_the_schema() -> None:
    text = render(with_sdist_only(), "json")
    assert_valid_report(text)
    body = json.loads(text)
    assert body["complete"] is False
    assert body["summary"]["dependencies_unknown"] == 1
    assert body["summary"]["incomplete"] == [SENTENCE]
