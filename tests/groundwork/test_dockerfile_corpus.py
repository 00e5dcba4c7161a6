"""The Dockerfile corpus (tests/data/dockerfiles) is consistent with its manifest.

These check the recorded data itself, so that a parser test can rely on it: every entry has
its file and a full source, stage references resolve, and the stage list matches the file's
FROM lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1] / "data" / "dockerfiles"
ENTRIES: list[dict[str, Any]] = yaml.safe_load((ROOT / "manifest.yaml").read_text())["entries"]
REQUIRED = ("stages", "final", "python_installs", "system_packages", "copy_from", "inputs",
            "not_modelled")


def _ids(entry: dict[str, Any]) -> str:
    return str(entry["name"])


def test_corpus_has_at_least_25_entries_with_unique_names() -> None:
    names = [entry["name"] for entry in ENTRIES]
    assert len(names) >= 25
    assert len(set(names)) == len(names)


def test_every_folder_is_in_the_manifest() -> None:
    folders = {path.name for path in ROOT.iterdir() if path.is_dir()}
    assert folders == {entry["dockerfile"].split("/")[0] for entry in ENTRIES}


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
def test_entry_names_its_source_and_file(entry: dict[str, Any]) -> None:
    source = entry["source"]
    assert (ROOT / entry["dockerfile"]).is_file()
    assert source["repo"].count("/") == 1 and source["path"]
    assert len(source["commit"]) == 40 and int(source["commit"], 16) >= 0
    assert set(REQUIRED) <= set(entry["expected"])


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
def test_stage_list_matches_the_from_lines(entry: dict[str, Any]) -> None:
    text = (ROOT / entry["dockerfile"]).read_text(encoding="utf-8")
    froms = [line for line in text.splitlines() if line.lstrip().upper().startswith("FROM ")]
    assert len(froms) == len(entry["expected"]["stages"])


@pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
def test_stage_references_resolve(entry: dict[str, Any]) -> None:
    expected = entry["expected"]
    stages = expected["stages"]
    for key in ("python_installs", "system_packages", "copy_from", "mounts"):
        for item in expected.get(key, []):
            ref = item["stage"]
            assert ref in stages or (isinstance(ref, int) and 0 <= ref < len(stages)), (key, ref)
