"""Fixtures of the index tests: loopback HTTP servers (see `index_server.py`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index_server import IndexServer


@pytest.fixture
def other_server() -> Iterator[IndexServer]:
    """A second, independent server (extra index, cross-origin redirects)."""
    srv = IndexServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
