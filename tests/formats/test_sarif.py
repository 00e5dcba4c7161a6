"""The SARIF renderer: golden logs, the SARIF 2.1.0 schema, one result per blocking package
at its line, levels, rules and fingerprints."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from formats.canned import CANNED, clean, conflict, hostile, pair, sdist, service, wheel
from formats.golden import assert_golden
from wheelfit.formats import fleet_renderer, renderer
from wheelfit.formats import render as renderer_render
from wheelfit.formats.sarif import render, render_fleet
from wheelfit.model import PackageResult, Report, Status, Verdict

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif"
                     / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
LINES = {"django": "requirements.txt:2", "numpy": "requirements.txt:3",
         "playwright": "requirements.txt:4", "internal-auth-client": "requirements.txt:5",
         "psycopg2": "requirements.txt:6", "uwsgi": "requirements.txt"}


def located() -> Report:
    """`service()` with the lines its requirements sit on (uwsgi's is not known), and
    sqlparse, a dependency of django, building from source on alpine."""
    base = service()
    packages: list[PackageResult] = []
    for pkg in base.packages:
        if pkg.name in LINES:
            pkg = replace(pkg, requested_by=(LINES[pkg.name],))
        elif pkg.name == "sqlparse":
            pkg = pair("sqlparse", "0.5.3", pkg.verdicts["slim"], sdist("sqlparse", "0.5.3"),
                       direct=False, by=("django 5.1.4",))
        packages.append(pkg)
    return replace(base, packages=tuple(packages))


def results(text: str) -> dict[str, dict[str, Any]]:
    """Package name → its result."""
    doc = json.loads(text)
    return {r["properties"]["package"]: r for r in doc["runs"][0]["results"]}


def line(result: dict[str, Any]) -> int:
    return int(result["locations"][0]["physicalLocation"]["region"]["startLine"])


def test_service_matches_golden() -> None:
    assert_golden("service.sarif", render(service()))


def test_located_matches_golden() -> None:
    assert_golden("located.sarif", render(located()))


def test_fleet_matches_golden() -> None:
    assert_golden("fleet.sarif", render_fleet([service(), clean(), conflict()]))


def test_sarif_format_is_registered_with_its_fleet_log() -> None:
    assert renderer("sarif") is render
    assert fleet_renderer("sarif") is render_fleet


@pytest.mark.parametrize("name", [*sorted(CANNED), "located", "fleet"])
def test_valid_against_the_sarif_2_1_0_schema(name: str) -> None:
    text = (render(located()) if name == "located" else
            render_fleet([service(), hostile()]) if name == "fleet" else render(CANNED[name]()))
    jsonschema.Draft4Validator(SCHEMA).validate(json.loads(text))


def test_one_result_per_blocking_package() -> None:
    assert sorted(results(render(service()))) == [
        "internal-auth-client", "playwright", "psycopg2", "uwsgi"]


def test_a_requirement_is_located_at_its_line() -> None:
    found = results(render(located()))
    assert line(found["psycopg2"]) == 6 and line(found["internal-auth-client"]) == 5


def test_a_dependency_is_located_at_the_requirement_that_pulls_it_in() -> None:
    sqlparse = results(render(located()))["sqlparse"]
    assert line(sqlparse) == 2
    assert "It is a dependency of django." in sqlparse["message"]["text"]


def test_an_unknown_line_points_at_line_1_and_says_so() -> None:
    uwsgi = results(render(located()))["uwsgi"]
    assert line(uwsgi) == 1
    assert "The line in requirements.txt is not known" in uwsgi["message"]["text"]


def test_blocking_the_recommended_image_is_an_error() -> None:
    assert results(render(service()))["psycopg2"]["level"] == "error"


def test_blocking_another_image_only_is_a_warning() -> None:
    playwright = results(render(service()))["playwright"]
    assert playwright["level"] == "warning"
    assert "The recommended image (slim) is not affected." in playwright["message"]["text"]


def test_without_recommendation_blocking_every_target_is_an_error() -> None:
    report = replace(service(), recommendation=None)
    found = results(render(report))
    assert found["uwsgi"]["level"] == "error" and found["playwright"]["level"] == "warning"


def test_the_rule_follows_the_recommended_image() -> None:
    builds = sdist("mixed", "1.0")
    gone = Verdict(Status.UNAVAILABLE, "1.0", reason="no musllinux wheel and no sdist")
    report = replace(service(), packages=(pair("mixed", "1.0", builds, gone),))
    assert results(render(report))["mixed"]["ruleId"] == "wheelfit/source-build"


def test_without_recommendation_the_worst_rule_wins() -> None:
    builds = sdist("mixed", "1.0")
    gone = Verdict(Status.UNAVAILABLE, "1.0", reason="no musllinux wheel and no sdist")
    report = replace(service(), packages=(pair("mixed", "1.0", builds, gone),),
                     recommendation=None)
    assert results(render(report))["mixed"]["ruleId"] == "wheelfit/unavailable"


def test_unknown_verdicts_are_not_results() -> None:
    assert "pyyaml" not in results(render(conflict()))


def test_each_result_names_a_defined_rule() -> None:
    doc = json.loads(render(located()))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for result in doc["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_rules_have_descriptions_and_help() -> None:
    rules = json.loads(render(clean()))["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        "wheelfit/not-found", "wheelfit/unavailable", "wheelfit/source-build"]
    assert all(r["shortDescription"]["text"] and r["fullDescription"]["text"]
               and r["help"]["text"] for r in rules)


def test_fingerprints_survive_a_new_version_and_a_moved_line() -> None:
    before = results(render(located()))["psycopg2"]["partialFingerprints"]
    moved = replace(located(), packages=tuple(
        replace(p, version="2.9.11", requested_by=("requirements.txt:40",))
        if p.name == "psycopg2" else p for p in located().packages))
    assert results(render(moved))["psycopg2"]["partialFingerprints"] == before


def test_fingerprints_differ_between_packages() -> None:
    found = results(render(service()))
    prints = {json.dumps(r["partialFingerprints"]) for r in found.values()}
    assert len(prints) == len(found)


def test_a_file_name_becomes_a_uri_reference() -> None:
    report = hostile()
    report = replace(report, packages=tuple(replace(p, requested_by=("req|s `x`.txt:3",))
                                            for p in report.packages))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in results(render(report)).values()}
    assert uris == {"req%7Cs%20%60x%60.txt"}


def test_a_wheel_on_every_target_gives_no_result() -> None:
    ok = wheel("1.0", "ok-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
               "cp312-cp312-manylinux_2_17_x86_64")
    report = replace(service(), packages=(pair("ok", "1.0", ok, ok),))
    assert results(render(report)) == {}


def test_credentials_are_redacted_through_the_registry() -> None:
    gone = Verdict(Status.NOT_FOUND, "1.0",
                   reason="no project named x on https://ci-user:tok3n-XYZ@pypi.internal/simple/")
    report = replace(service(), packages=(pair("x", "1.0", gone, gone),))
    log = renderer_render(report, "sarif")
    assert "tok3n-XYZ" not in log and "***@pypi.internal" in log
