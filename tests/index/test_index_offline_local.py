"""`--offline` means no network, not "no files": an index on disk (`file://`, e.g. pip.conf's
extra-index-url pointing at a local mirror) is read offline, as uv's --offline reads local
files. A remote index that the cache does not hold still fails offline (exit 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_inprocess import run_main
from loopback import FileIndex, LoopbackIndex

PINS = "idna==3.7\ntomli==2.2.1\n"


def _check(index_url: str, tmp_path: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    """An offline check of PINS with an empty cache: exit code, JSON report, stderr."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(PINS)
    out = tmp_path / "report.json"
    done = run_main(["check", "--offline", "--cache-dir", str(tmp_path / "cache"),
                     "--index-url", index_url, "--format", "json", "-o", str(out), "-q",
                     *extra, str(requirements)])
    report = json.loads(out.read_text()) if out.exists() else {}
    return done.code, report, done.err


def test_offline_reads_a_file_index_with_an_empty_cache(file_index: FileIndex,
                                                          tmp_path: Path) -> None:
    code, report, err = _check(file_index.url, tmp_path)
    assert code == 0, err
    packages = report["packages"]
    assert isinstance(packages, list)
    assert {p["name"]: p["verdicts"]["slim"]["status"] for p in packages} == {
        "idna": "pure-wheel", "tomli": "pure-wheel"}


def test_offline_still_misses_a_remote_index_the_cache_lacks(index_server: LoopbackIndex,
                                                              tmp_path: Path) -> None:
    code, _, err = _check(index_server.url, tmp_path)
    assert code == 6
    assert "not in the cache" in err


@pytest.mark.parametrize("url", ["file:///srv/simple", "FILE:///srv/simple"])
def test_file_urls_are_local(url: str) -> None:
    from wheelfit.index.urls import is_local

    assert is_local(url)


@pytest.mark.parametrize("url", ["https://pypi.org/simple", "http://127.0.0.1:8000/simple",
                                 "https://user:file@host/simple"])
def test_network_urls_are_not_local(url: str) -> None:
    from wheelfit.index.urls import is_local

    assert not is_local(url)
