"""`--fail-on` rules: parsing (table-driven) and evaluation against canned reports."""

from __future__ import annotations

from dataclasses import replace

import pytest

from formats.canned import both, clean, conflict, service, slim_only
from wheelfit.commands.fail_on import (
    CONDITIONS,
    Rule,
    check_targets,
    evaluate,
    parse_rule,
    parse_rules,
    rules_help,
)
from wheelfit.errors import ExitCode, UsageError
from wheelfit.model import Status, Verdict


@pytest.mark.parametrize(("text", "expected"), [
    ("alpine:source-build", Rule("alpine", "source-build")),
    ("slim:unavailable", Rule("slim", "unavailable")),
    ("any:not-found", Rule("any", "not-found")),
    ("native-build", Rule("any", "native-build")),
    ("  Alpine:Source-Build ", Rule("alpine", "source-build")),
    ("any:versions-differ", Rule("any", "versions-differ")),
])
def test_parse_rule(text: str, expected: Rule) -> None:
    assert parse_rule(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("debian:source-build", "unknown target 'debian'"),
    ("alpine:compiles", "unknown condition 'compiles'"),
    ("alpine:", "unknown condition ''"),
    ("alpine:source-build:x", "unknown condition 'source-build:x'"),
])
def test_bad_rule_is_a_usage_error_with_a_hint(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_rule(text)
    assert message in caught.value.message
    assert caught.value.exit_code is ExitCode.USAGE
    assert caught.value.hint is not None
    assert all(name in caught.value.hint for name in CONDITIONS)


def test_parse_rules_splits_commas_and_drops_duplicates() -> None:
    assert parse_rules(["alpine:source-build,slim:unavailable", "alpine:source-build"]) == (
        Rule("alpine", "source-build"), Rule("slim", "unavailable"))


@pytest.mark.parametrize("value", ["", " , "])
def test_empty_rule_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError):
        parse_rules([value])


def test_rules_help_lists_every_condition() -> None:
    text = rules_help()
    assert all(f"  {name}: " in text for name in CONDITIONS)


@pytest.mark.parametrize(("rule", "expected"), [
    ("alpine:source-build", ["alpine: 2 packages need a source build (psycopg2, uwsgi)"]),
    ("slim:source-build", ["slim: 2 packages need a source build (psycopg2, uwsgi)"]),
    ("any:source-build", ["slim: 2 packages need a source build (psycopg2, uwsgi)",
                          "alpine: 2 packages need a source build (psycopg2, uwsgi)"]),
    ("alpine:native-build",
     ["alpine: 2 packages need a source build of native code (psycopg2, uwsgi)"]),
    ("alpine:unavailable", ["alpine: 1 package is unavailable (playwright)"]),
    ("slim:unavailable", []),
    ("any:not-found", ["slim: 1 package is not on the index (internal-auth-client)",
                       "alpine: 1 package is not on the index (internal-auth-client)"]),
    ("any:unknown", []),
    ("slim:untrusted", []),
    ("alpine:not-wheel", ["alpine: 4 packages do not install from a wheel "
                          "(internal-auth-client, playwright, psycopg2, uwsgi)"]),
    ("alpine:versions-differ",
     ["alpine: 1 package resolves to a different version than on another target (orjson)"]),
])
def test_evaluate_service(rule: str, expected: list[str]) -> None:
    assert evaluate(service(), parse_rules([rule])) == expected


def test_native_build_skips_pure_python_source_builds() -> None:
    pure_sdist = Verdict(Status.SOURCE_BUILD, "1.0", "docopt-1.0.tar.gz", native=False)
    report = replace(clean(), packages=(both("docopt", "1.0", pure_sdist),))
    assert evaluate(report, parse_rules(["native-build"])) == []
    assert evaluate(report, parse_rules(["alpine:source-build"])) == [
        "alpine: 1 package needs a source build (docopt)"]


def test_native_build_counts_unknown_native() -> None:
    unknown = Verdict(Status.SOURCE_BUILD, "1.0", "mystery-1.0.tar.gz", native=None)
    report = replace(clean(), packages=(both("mystery", "1.0", unknown),))
    assert evaluate(report, parse_rules(["alpine:native-build"])) == [
        "alpine: 1 package needs a source build of native code (mystery)"]


def test_unknown_and_not_required() -> None:
    assert evaluate(conflict(), parse_rules(["any:unknown"])) == [
        "slim: 1 package could not be checked (pyyaml)"]


def test_untrusted_linux_wheel() -> None:
    assert evaluate(slim_only(), parse_rules(["untrusted"])) == [
        "slim: 1 package only has a plain linux_ wheel (fastlib)"]


def test_clean_report_passes_every_condition() -> None:
    rules = parse_rules([f"any:{name}" for name in CONDITIONS])
    assert evaluate(clean(), rules) == []


def test_overlapping_rules_give_each_reason_once() -> None:
    rules = parse_rules(["alpine:unavailable", "any:unavailable"])
    assert evaluate(service(), rules) == ["alpine: 1 package is unavailable (playwright)"]


def test_long_lists_are_shortened() -> None:
    sdist = Verdict(Status.SOURCE_BUILD, "1", "p.tar.gz", native=True)
    report = replace(clean(), packages=tuple(both(f"p{i:02d}", "1", sdist) for i in range(12)))
    assert evaluate(report, parse_rules(["alpine:source-build"])) == [
        "alpine: 12 packages need a source build "
        "(p00, p01, p02, p03, p04, p05, p06, p07, p08, p09 and 2 more)"]


def test_rule_for_a_target_not_checked_is_refused() -> None:
    with pytest.raises(UsageError) as caught:
        check_targets(parse_rules(["alpine:source-build"]), ["slim"])
    assert caught.value.hint == "Add --target alpine, or use any:source-build."


def test_any_rule_fits_every_target_set() -> None:
    check_targets(parse_rules(["any:source-build", "slim:unavailable"]), ["slim"])
