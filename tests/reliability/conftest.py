"""Fixtures of the end-to-end reliability tests (issue 8): loopback servers, a hermetic
environment, and a recorder for the client's retry sleeps.

The loopback server and builders are the index tests' own (tests/index_server.py and
tests/index_builders.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_support import StreamingIndexServer

from wheelfit.index.http import Transport


@pytest.fixture
def server() -> Iterator[StreamingIndexServer]:
    """A fresh loopback index (127.0.0.1, random port) for one test."""
    srv = StreamingIndexServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def other_server() -> Iterator[StreamingIndexServer]:
    """A second, independent loopback index (e.g. the primary of an --extra-index-url test)."""
    srv = StreamingIndexServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """The cache folder of this test (also exported as WHEELFIT_CACHE_DIR)."""
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def hermetic(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache_dir: Path
) -> Path:
    """No pip/uv settings, no proxies, no pip config, a private cache; cwd = a work folder."""
    import os

    for name in list(os.environ):
        if name.startswith(("PIP_", "UV_")) or "proxy" in name.lower() or name == "NETRC":
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("WHEELFIT_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    monkeypatch.setenv("NO_COLOR", "1")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every delay the HTTP transport asks for between retries (nothing really sleeps)."""
    recorded: list[float] = []
    original = Transport.__init__

    def init(self: Transport, **kwargs: object) -> None:
        kwargs["sleep"] = recorded.append
        original(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Transport, "__init__", init)
    return recorded
