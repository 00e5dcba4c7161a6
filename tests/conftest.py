"""Shared fixtures: the loopback replay of recorded PyPI data (see tests/loopback.py).

* ``index_server`` (session) - one `LoopbackIndex` for the whole run; ``.url`` is the index
  URL (``http://127.0.0.1:PORT/simple``), ``.requests`` the request log, ``.html_only`` /
  ``.serve_metadata`` / ``.standins`` / ``.ranges`` switches, ``.reset()``, ``.fail()``.
* ``fresh_index_server`` (function) - the same server with switches, faults and log restored
  to their defaults before and after the test: use it whenever a test flips a switch or reads
  the log.
* ``index_server_factory`` (function) - start extra servers (``projects=``, ``html_only=``…),
  e.g. a second index for --extra-index-url tests; stopped after the test.
* ``file_index`` (session) - the recorded data as a static PEP 503 tree; ``.url`` is a
  ``file:///…/simple`` URL, ``.root`` the directory.
* ``recorded_data`` (session) - read access to tests/recorded/ (pages, metadata, files).
* ``cases_dir`` - tests/cases/, the acceptance table (schema in tests/cases/README.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from index_server import IndexServer
from loopback import (
    RECORDED,
    FileIndex,
    LoopbackIndex,
    RecordedData,
    write_file_index,
)
from wheelfit.index.client import IndexClient

CASES_DIR = Path(__file__).resolve().parent / "cases"


@pytest.fixture(autouse=True)
def hermetic_pip_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No pip/uv configuration of the machine running the tests leaks into a check."""
    for key in list(os.environ):
        if key.startswith(("PIP_", "UV_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)


@pytest.fixture(scope="session")
def recorded_data() -> RecordedData:
    """The recorded PyPI data under tests/recorded/."""
    return RecordedData(RECORDED)


@pytest.fixture(scope="session")
def index_server() -> Iterator[LoopbackIndex]:
    """A replay index on 127.0.0.1 for the whole session (JSON + HTML, PEP 658, ranges)."""
    with LoopbackIndex(RECORDED) as server:
        yield server


@pytest.fixture
def fresh_index_server(index_server: LoopbackIndex) -> Iterator[LoopbackIndex]:
    """`index_server` with default switches, no faults and an empty request log."""
    index_server.restore_defaults()
    yield index_server
    index_server.restore_defaults()


@pytest.fixture
def index_server_factory() -> Iterator[Callable[..., LoopbackIndex]]:
    """Start more replay servers, e.g. ``index_server_factory(projects=["idna"])``."""
    started: list[LoopbackIndex] = []

    def start(**kwargs: Any) -> LoopbackIndex:
        server = LoopbackIndex(kwargs.pop("root", RECORDED), **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def file_index(tmp_path_factory: pytest.TempPathFactory) -> FileIndex:
    """The recorded data as a ``file://`` PEP 503 tree (HTML pages, relative hrefs)."""
    return write_file_index(tmp_path_factory.mktemp("file-index"), RECORDED)


@pytest.fixture(scope="session")
def cases_dir() -> Path:
    """tests/cases/ (one YAML acceptance case per file)."""
    return CASES_DIR


@pytest.fixture
def server() -> Iterator[IndexServer]:
    """A fresh loopback index server (tests/index_server.py) for one test."""
    srv = IndexServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def clients() -> Iterator[list[IndexClient]]:
    """IndexClients a test makes (append them), closed after it."""
    made: list[IndexClient] = []
    yield made
    for client in made:
        client.close()
