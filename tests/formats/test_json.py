"""The JSON format and its schema: golden outputs, validation, and model ↔ schema drift."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

import jsonschema
import pytest

from formats.canned import CANNED, large, service
from formats.golden import assert_golden
from formats.schema_check import assert_valid_report
from wheelfit import model
from wheelfit.formats.json_format import render, report_dict
from wheelfit.formats.schema import ReportSchemaError, errors, schema, schema_text, validate

# Schema definition → the dataclass it describes (every field must be a property).
DEFS = {
    "Report": model.Report, "Target": model.Target, "PackageResult": model.PackageResult,
    "Verdict": model.Verdict, "BuildNeeds": model.BuildNeeds, "Alternative": model.Alternative,
    "SkippedEntry": model.SkippedEntry, "Problem": model.Problem,
    "RequestStats": model.RequestStats, "Commands": model.Commands,
    "VariantEstimate": model.VariantEstimate, "Estimate": model.Estimate,
    "Recommendation": model.Recommendation, "DockerfileInfo": model.DockerfileInfo,
}


@pytest.mark.parametrize("name", sorted(CANNED))
def test_matches_golden(name: str) -> None:
    assert_golden(f"{name}.json", render(CANNED[name]()))


@pytest.mark.parametrize("name", sorted(CANNED))
def test_every_canned_report_is_valid(name: str) -> None:
    assert_valid_report(render(CANNED[name]()))


def test_large_report_is_valid() -> None:
    assert_valid_report(render(large(1000)))


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_text_is_the_shipped_file_verbatim() -> None:
    assert json.loads(schema_text()) == schema() and schema_text().endswith("}\n")


@pytest.mark.parametrize("definition", sorted(DEFS))
def test_schema_covers_every_model_field(definition: str) -> None:
    props = set(schema()["$defs"][definition]["properties"])
    names = {f.name for f in fields(DEFS[definition])}
    assert names <= props
    extra = props - names
    assert extra == ({"complete", "summary"} if definition == "Report" else set())


def test_status_enum_is_the_model_enum() -> None:
    assert schema()["$defs"]["Status"]["enum"] == [s.value for s in model.Status]


def test_schema_version_is_pinned() -> None:
    assert schema()["$defs"]["Report"]["properties"]["schema_version"] == {
        "const": model.SCHEMA_VERSION,
        "description": "Bumped on any breaking change of this contract.",
    }


def _mutated(change: Any) -> dict[str, Any]:
    doc = report_dict(service())
    change(doc)
    return doc


@pytest.mark.parametrize(("label", "change", "path"), [
    ("bad status", lambda d: d["packages"][0]["verdicts"]["slim"].update(status="wheel"),
     "packages/0/verdicts/slim/status"),
    ("wrong version", lambda d: d.update(schema_version=2), "schema_version"),
    ("missing key", lambda d: d.pop("complete"), "(root)"),
    ("unknown key", lambda d: d["targets"][0].update(colour="red"), "targets/0"),
    ("bad range", lambda d: d["estimate"]["variants"][0].update(size_mb_range=[1]),
     "estimate/variants/0/size_mb_range"),
    ("negative count", lambda d: d["stats"].update(requests=-1), "stats/requests"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_invalid_documents_are_reported_with_their_path(label: str, change: Any,
                                                       path: str) -> None:
    found = errors(_mutated(change))
    assert found and all(f.startswith(path) for f in found), (label, found)


def test_validate_raises_with_every_error() -> None:
    doc = _mutated(lambda d: (d.pop("complete"), d["stats"].update(requests=-1)))
    with pytest.raises(ReportSchemaError) as caught:
        validate(doc)
    assert len(caught.value.errors) == 2


def test_validate_accepts_a_report_dict() -> None:
    validate(report_dict(service()))


def test_a_target_with_no_official_image_is_valid_and_names_the_nearest_tag() -> None:
    from dataclasses import replace

    from wheelfit.compat.targets import make_target

    gap = make_target(model.Variant.SLIM, "3.8", debian="trixie")
    report = replace(service(), targets=(gap, *service().targets[1:]))
    text = render(report)
    assert_valid_report(text)
    assert json.loads(text)["targets"][0]["nearest_published"] == "python:3.8.20-slim-bookworm"


def test_a_target_with_an_official_image_has_no_nearest_key() -> None:
    assert all("nearest_published" not in t for t in json.loads(render(service()))["targets"])
