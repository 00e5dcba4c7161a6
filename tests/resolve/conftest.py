"""Fixtures shared by the resolver tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from loopback import LoopbackIndex
from synthetic_index import write_index

PINNED_DATA = Path(__file__).resolve().parents[1] / "data" / "pinned"


@pytest.fixture(scope="module")
def synthetic_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackIndex]:
    """tests/data/pinned/index.yaml served on 127.0.0.1."""
    projects = yaml.safe_load((PINNED_DATA / "index.yaml").read_text())["projects"]
    root = write_index(tmp_path_factory.mktemp("pinned-index"), projects)
    with LoopbackIndex(root) as server:
        yield server
