"""The files wheelfit ships (apk mapping, size tables, report schema), in one home: data/.

A source checkout and an editable install read the repository's top-level data/ folder; a
built wheel carries that folder as wheelfit/data/ (hatch force-include, pyproject.toml).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

_PACKAGED = Path(__file__).with_name("data")
_CHECKOUT = Path(__file__).resolve().parents[2] / "data"


def data_path(name: str) -> Path:
    """The path of a shipped file: inside the installed package, else in the checkout."""
    packaged = _PACKAGED / name
    return packaged if packaged.is_file() else _CHECKOUT / name


def read_data(name: str) -> str:
    """A shipped text file's contents."""
    return data_path(name).read_text(encoding="utf-8")


def read_tsv(name: str) -> tuple[dict[str, str], ...]:
    """The rows of a shipped tab-separated table, its `#` comment lines left out."""
    text = read_data(name)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(csv.DictReader(io.StringIO(body), delimiter="\t"))
