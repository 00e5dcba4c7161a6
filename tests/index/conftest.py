"""Fixtures of the index tests: loopback HTTP servers (see `index_server.py`)."""

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


@pytest.fixture
def other_server() -> Iterator[IndexServer]:
    """A second, independent server (extra index, cross-origin redirects)."""
    srv = IndexServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
