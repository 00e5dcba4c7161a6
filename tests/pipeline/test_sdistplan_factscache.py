"""The result of an sdist's build-file scan, kept by the sdist's sha256 and scanner version."""

from __future__ import annotations

from pathlib import Path

import pytest

from index_builders import publish, sdist_tar
from index_server import IndexServer
from wheelfit.buildneeds import factscodec
from wheelfit.buildneeds.buildfile_types import BuildFileFacts
from wheelfit.buildneeds.factscodec import decode_facts, encode_facts, scanner_version
from wheelfit.index.cache import Store, immutable_key
from wheelfit.index.client import IndexClient
from wheelfit.model import DistFile
from wheelfit.pipeline.sdistplan import FACTS, SdistReads

SDIST = "foo-1.0.tar.gz"
MEMBERS = {"PKG-INFO": b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n",
           "pyproject.toml": b"[build-system]\nrequires = ['setuptools', 'cython']\n",
           "setup.py": b"raise SystemExit('never run')\n", "src/foo/a.c": b"int a;"}
# What a stored entry says when the scan did not run: only the cache can answer this.
PLANTED = BuildFileFacts(backend="planted.backend", native=False, notes=("planted",))


def _client(made: list[IndexClient], index: str, cache: Path) -> IndexClient:
    client = IndexClient([index], cache_dir=cache, backoff=0.0, retries=1)
    made.append(client)
    return client


def _sdist(client: IndexClient) -> DistFile:
    page = client.project("foo")
    assert page is not None
    return next(f for f in page.files if f.filename == SDIST)


def _key(sdist: DistFile, version: str | None = None) -> str:
    kind = f"{FACTS}-{version or scanner_version()}"
    return immutable_key(f"derived-{kind}", sdist.url, sdist.hash("sha256"))


def _facts(client: IndexClient) -> BuildFileFacts | None:
    return SdistReads(client).read(_sdist(client)).facts


def _index(server: IndexServer) -> str:
    return publish(server, "foo", {SDIST: sdist_tar("foo-1.0", MEMBERS)})


def test_a_first_scan_is_kept_under_the_sdists_sha256(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    client = _client(clients, _index(server), tmp_path / "c")
    facts = _facts(client)
    stored = Store(tmp_path / "c", "immutable").get(_key(_sdist(client)))
    assert facts is not None and facts.requires == ("setuptools", "cython")
    assert stored is not None and decode_facts(stored) == facts


def test_a_later_run_takes_the_scan_from_the_cache(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = _index(server)
    cold = _client(clients, index, tmp_path / "c")
    _facts(cold)
    Store(tmp_path / "c", "immutable").put(_key(_sdist(cold)), encode_facts(PLANTED))
    assert _facts(_client(clients, index, tmp_path / "c")) == PLANTED


def test_another_scanner_version_scans_again(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = _index(server)
    cold = _client(clients, index, tmp_path / "c")
    scanned = _facts(cold)
    Store(tmp_path / "c", "immutable").put(_key(_sdist(cold)), encode_facts(PLANTED))
    # sdistplan imports the codec where it reads a scan: patch the codec's own name
    monkeypatch.setattr(factscodec, "scanner_version", lambda: "2.changed")
    assert _facts(_client(clients, index, tmp_path / "c")) == scanned != PLANTED


def test_a_corrupt_entry_is_ignored_and_rewritten(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    index = _index(server)
    cold = _client(clients, index, tmp_path / "c")
    scanned = _facts(cold)
    store = Store(tmp_path / "c", "immutable")
    store.put(_key(_sdist(cold)), encode_facts(PLANTED).replace(b'"planted"', b'7'))
    assert _facts(_client(clients, index, tmp_path / "c")) == scanned
    assert store.get(_key(_sdist(cold))) == encode_facts(scanned)  # type: ignore[arg-type]


def test_no_cache_keeps_nothing(
    clients: list[IndexClient], server: IndexServer, tmp_path: Path
) -> None:
    client = IndexClient([_index(server)], no_cache=True, backoff=0.0, retries=1)
    clients.append(client)
    assert _facts(client) is not None
    assert not (tmp_path / "c").exists()
