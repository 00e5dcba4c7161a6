"""Shared fixtures for the sources tests: the data folder, run from inside it."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "sources"


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from tests/data/sources so origins are short relative paths."""
    monkeypatch.chdir(DATA)
    return DATA
