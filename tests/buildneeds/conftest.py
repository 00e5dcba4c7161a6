"""Shared fixtures for the builddeps / mapping tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.buildneeds.mapping import ApkMapping, bundled_mapping

DATA = Path(__file__).resolve().parents[1] / "data" / "builddeps"
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def mapping() -> ApkMapping:
    """The bundled mapping, as wheelfit loads it."""
    return bundled_mapping()
