"""`wheelfit mapping export --format pep804`: the shipped tables as PEP 804 mapping JSON.

One ecosystem gives one mapping document; both (the default) give a JSON array of the two
documents, Alpine first, each of them a valid PEP 804 mapping on its own.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

EXPORT_FORMATS = ("pep804",)


def run_mapping_export(fmt: str, ecosystem: str | None, output: Path | None = None,
                       mapping_path: Path | None = None) -> str:
    """The export's text; written to `output` (atomically) when given, else returned."""
    from wheelfit.buildneeds.mapping import load_mapping
    from wheelfit.buildneeds.pep804 import check_ecosystem, export_document
    from wheelfit.buildneeds.systemlibs import bundled_system_libraries, bundled_toolchains
    from wheelfit.errors import UsageError

    if fmt.lower() not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}",
                         hint=f"Use --format {' or '.join(EXPORT_FORMATS)}.")
    ecosystems = check_ecosystem(ecosystem)
    mapping = load_mapping(mapping_path)
    documents: list[dict[str, Any]] = [
        export_document(e, bundled_system_libraries(), mapping, bundled_toolchains())
        for e in ecosystems]
    payload: Any = documents[0] if len(documents) == 1 else documents
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if output is not None:
        from wheelfit.commands.outputs import write_atomic

        write_atomic(output, text)
        return ""
    return text
