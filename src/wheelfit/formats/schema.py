"""The JSON Schema (draft 2020-12) of the JSON report, and validation against it.

The schema ships as `data/report.schema.json`; `wheelfit schema` prints it.
Validation needs `jsonschema` (a test dependency, not a runtime one): `validate` imports it
lazily and says how to install it when it is missing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import import_module
from typing import Any

from wheelfit.errors import UsageError
from wheelfit.shipped import read_data

SCHEMA_RESOURCE = "report.schema.json"


class ReportSchemaError(ValueError):
    """A document does not match the report schema; `errors` lists every violation."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("the report does not match its schema:\n  " + "\n  ".join(errors))
        self.errors = errors


def schema_text() -> str:
    """The schema exactly as shipped (for `wheelfit schema`)."""
    return read_data(SCHEMA_RESOURCE)


def schema() -> dict[str, Any]:
    """The schema as a dictionary."""
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


def _validator() -> Any:
    try:
        jsonschema = import_module("jsonschema")
    except ImportError:
        raise UsageError("validating a report needs the jsonschema package",
                         hint="Install it with `pip install jsonschema`.") from None
    return jsonschema.Draft202012Validator(schema())


def _leaves(error: Any) -> list[Any]:
    """For `oneOf` (nullable parts), the errors of the branch that got furthest, not the
    `oneOf` itself: so a bad field is named by its own path."""
    if not error.context:
        return [error]
    branches = [e for e in error.context if not (e.validator == "type"
                                                  and e.validator_value == "null")]
    deepest = max(len(e.absolute_path) for e in branches or error.context)
    return [leaf for e in branches or error.context if len(e.absolute_path) == deepest
            for leaf in _leaves(e)]


def errors(document: Mapping[str, Any]) -> list[str]:
    """Every violation as `path: message`, in a stable order; empty when the document is valid."""
    messages = set()
    for error in _validator().iter_errors(document):
        for leaf in _leaves(error):
            path = "/".join(str(p) for p in leaf.absolute_path) or "(root)"
            messages.add(f"{path}: {leaf.message}")
    return sorted(messages)


def validate(document: Mapping[str, Any]) -> None:
    """Raise `ReportSchemaError` unless the document (e.g. `report_dict(report)`) is valid."""
    problems = errors(document)
    if problems:
        raise ReportSchemaError(problems)
