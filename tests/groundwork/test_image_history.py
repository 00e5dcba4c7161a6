"""data/python-image-history.tsv is well formed, and tools/python_image_history.py parses the
repo-info format it documents (on a small text written here, not on repo-info content)."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
TSV = REPO / "data" / "python-image-history.tsv"
COLUMNS = ["tag", "python_version", "variant", "distro", "distro_basis", "arch",
           "compressed_bytes", "uncompressed_bytes", "valid_from", "image_date", "source"]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "python_image_history", REPO / "tools" / "python_image_history.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rows() -> list[dict[str, str]]:
    lines = [line for line in TSV.read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_history_has_the_documented_columns_and_a_source_per_row() -> None:
    rows = _rows()
    assert rows and list(rows[0]) == COLUMNS
    for row in rows:
        assert row["source"] and row["valid_from"][:4].isdigit()
        assert row["compressed_bytes"].isdigit() or row["uncompressed_bytes"].isdigit()
        assert row["variant"] in {"slim", "alpine", "full"}
        assert row["arch"] in {"amd64", "arm64"}


def test_history_reaches_back_to_2019_and_covers_three_variants() -> None:
    rows = _rows()
    assert min(row["valid_from"] for row in rows) < "2020"
    assert {row["variant"] for row in rows} == {"slim", "alpine", "full"}


SAMPLE = """## `python:3.11-slim`

### `python:3.11-slim` - linux; amd64

-\tTotal Size: **45.5 MB (45520747 bytes)**

```dockerfile
# Wed, 05 Aug 2026 01:05:13 GMT
ENV PYTHON_VERSION=3.11.15
```
-\tLayers:
\t\tLast Modified: Wed, 05 Aug 2026 01:12:37 GMT

### `python:3.11-slim` - linux; arm variant v7

-\tTotal Size: **41.3 MB (41276087 bytes)**

### `python:3.11-slim` - linux; arm64 variant v8

-\tTotal Size: **44.0 MB (44000000 bytes)**
ENV PYTHON_VERSION=3.11.15
"""


def test_parse_remote_reads_amd64_and_arm64_only() -> None:
    platforms = _tool().parse_remote(SAMPLE)
    assert [(p.arch, p.compressed_bytes) for p in platforms] == [
        ("amd64", 45520747), ("arm64", 44000000)
    ]
    assert platforms[0].python_version == "3.11.15"
    assert platforms[0].image_date == "2026-08-05"


def test_classify_tags() -> None:
    classify = _tool().classify
    assert classify("3.11-slim-bookworm") == ("slim", "bookworm")
    assert classify("3.9") == ("full", "")
    assert classify("3.8-alpine3.12") == ("alpine", "alpine3.12")
    assert classify("3.10-windowsservercore") is None
