"""Exit policy (issue 17 item 4): a package the index does not have is an input error
(exit 3) unless --fail-on rules are given; unknown packages never get a recommendation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_inprocess import Run
from wheelfit.errors import ExitCode

MISSPELLED = "wheelfit-no-such-project==1.0\nidna==3.7\n"


@pytest.fixture
def misspelled(work: Path) -> Path:
    path = work / "requirements.txt"
    path.write_text(MISSPELLED, encoding="utf-8")
    return path


def test_a_package_not_on_the_index_exits_3(wheelfit: Callable[..., Run],
                                            misspelled: Path) -> None:
    result = wheelfit(str(misspelled))
    assert result.code == ExitCode.INPUT
    assert "wheelfit: error:" in result.err
    assert "wheelfit-no-such-project" in result.err and "spelling" in result.err


def test_with_fail_on_rules_the_rules_decide(wheelfit: Callable[..., Run],
                                             misspelled: Path) -> None:
    result = wheelfit(str(misspelled), "--fail-on", "alpine:source-build")
    assert result.code == ExitCode.OK
    assert "wheelfit: warning:" in result.err and "wheelfit-no-such-project" in result.err


def test_a_fail_on_not_found_rule_exits_1(wheelfit: Callable[..., Run],
                                          misspelled: Path) -> None:
    assert wheelfit(str(misspelled), "--fail-on", "any:not-found").code == ExitCode.POLICY


@pytest.fixture
def offline_empty(wheelfit: Callable[..., Run], work: Path) -> Callable[[str], Run]:
    path = work / "requirements.txt"
    path.write_text("idna==3.7\ncertifi==2024.2.2\n", encoding="utf-8")
    return lambda fmt: wheelfit(str(path), "--offline", "--format", fmt)


def test_offline_with_an_empty_cache_recommends_nothing_in_text(
        offline_empty: Callable[[str], Run]) -> None:
    result = offline_empty("text")
    assert "No recommendation: 2 packages could not be judged" in result.out
    assert "Recommendation:" not in result.out
    assert result.code == ExitCode.INCOMPLETE


def test_offline_with_an_empty_cache_recommends_nothing_in_markdown(
        offline_empty: Callable[[str], Run]) -> None:
    out = offline_empty("markdown").out
    assert "**No recommendation**: 2 packages could not be judged" in out
    assert "recommends" not in out


def test_offline_with_an_empty_cache_recommends_nothing_in_json(
        offline_empty: Callable[[str], Run]) -> None:
    doc = json.loads(offline_empty("json").out)
    assert doc["recommendation"] is None
    assert doc["summary"]["no_recommendation"].startswith(
        "no recommendation: 2 packages could not be judged")


def test_a_complete_report_still_recommends(wheelfit: Callable[..., Run], work: Path) -> None:
    path = work / "requirements.txt"
    path.write_text("idna==3.7\n", encoding="utf-8")
    doc = json.loads(wheelfit(str(path), "--format", "json").out)
    assert doc["recommendation"]["variant"] and "no_recommendation" not in doc["summary"]


def test_offline_on_an_older_wheelfits_cache_says_why_its_pages_are_missing(
        offline_empty: Callable[[str], Run], work: Path) -> None:
    (work.parent / "cache" / "parsed" / "ab").mkdir(parents=True)  # page format 2 wrote it
    err = offline_empty("text").err
    assert "entries of an older wheelfit" in err
    assert "run once without --offline" in err


def test_offline_on_an_empty_cache_does_not_blame_an_older_wheelfit(
        offline_empty: Callable[[str], Run]) -> None:
    assert "older wheelfit" not in offline_empty("text").err
