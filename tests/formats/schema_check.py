"""A reusable check that a JSON report matches `data/report.schema.json`.

From any test: `from formats.schema_check import assert_valid_report` then
`assert_valid_report(result.output)` on the text `wheelfit check --format json` printed.
"""

from __future__ import annotations

import json
from typing import Any

from wheelfit.formats.schema import errors


def assert_valid_report(json_text: str) -> dict[str, Any]:
    """Parse `json_text`, assert it is a valid report, and return the parsed document."""
    document = json.loads(json_text)
    assert isinstance(document, dict), "a report is a JSON object"
    problems = errors(document)
    assert not problems, "the report does not match its schema:\n" + "\n".join(problems)
    return document
