"""Fixtures of the resolver tests: a fresh loopback index server (tests/index_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index_server import IndexServer


@pytest.fixture
def server() -> Iterator[IndexServer]:
    """A fresh loopback index server for one test."""
    srv = IndexServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
