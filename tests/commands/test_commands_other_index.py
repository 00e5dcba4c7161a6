"""Packages a lock takes from another index are judged on that index (issue 17, item 10).

Two loopback indexes: `main` serves the project's packages, `other` serves only the one the
lock pins to it (charset-normalizer plays paperless-ngx's torch from the PyTorch index).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli_runner import run_cli
from loopback import LoopbackIndex

MAIN = ["requests", "certifi", "idna", "urllib3"]
PINS = {"requests": "2.32.3", "certifi": "2024.6.2", "idna": "3.7", "urllib3": "2.2.1",
        "charset-normalizer": "3.3.2"}
ROUTED = "charset-normalizer"

Factory = Callable[..., LoopbackIndex]


def _lock(main: str, other: str) -> str:
    parts = ["version = 1\nrequires-python = \">=3.12\"\n"]
    for name, version in PINS.items():
        registry = other if name == ROUTED else main
        parts.append(f'[[package]]\nname = "{name}"\nversion = "{version}"\n'
                     f'source = {{ registry = "{registry}" }}\n')
    return "\n".join(parts)


def _project(tmp_path: Path, main: LoopbackIndex, other_url: str,
             name: str = "extra-index") -> Path:
    (tmp_path / "uv.lock").write_text(_lock(main.url, other_url))
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "app"\nversion = "1"\n[[tool.uv.index]]\nname = "{name}"\n'
        f'url = "{other_url}"\n')
    return tmp_path / "uv.lock"


def _check(tmp_path: Path, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    result = run_cli("check", "--format", "json", "--python", "3.12", "--retries", "0",
                     "--timeout", "5", "uv.lock", cwd=tmp_path, env=env)
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)


def _verdicts(report: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    (package,) = [p for p in report["packages"] if p["name"] == name]
    verdicts: dict[str, dict[str, Any]] = package["verdicts"]
    return verdicts


@pytest.fixture
def indexes(index_server_factory: Factory) -> tuple[LoopbackIndex, LoopbackIndex]:
    return index_server_factory(projects=MAIN), index_server_factory(projects=[ROUTED])


def test_routed_package_is_judged_on_its_own_index(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex]) -> None:
    main, other = indexes
    _project(tmp_path, main, other.url)
    code, report = _check(tmp_path)
    assert code == 0
    verdicts = _verdicts(report, ROUTED)
    assert verdicts["slim"]["status"] == "binary-wheel"
    assert "musllinux" in verdicts["alpine"]["tag"]


def test_routed_package_is_asked_of_its_index_only(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex]) -> None:
    main, other = indexes
    _project(tmp_path, main, other.url)
    _check(tmp_path)
    assert main.count(prefix=f"/simple/{ROUTED}") == 0
    assert other.count(prefix=f"/simple/{ROUTED}/") >= 1
    assert other.count(prefix="/simple/requests") == 0


def test_routed_package_files_are_read_through_its_index(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex]) -> None:
    main, other = indexes
    _project(tmp_path, main, other.url)
    _, report = _check(tmp_path)
    assert other.count(prefix="/files/charset_normalizer-3.3.2") >= 1
    assert main.count(prefix="/files/charset_normalizer") == 0
    assert _verdicts(report, ROUTED)["slim"]["installed_bytes"]


def test_report_names_both_indexes(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex]) -> None:
    main, other = indexes
    _project(tmp_path, main, other.url)
    _, report = _check(tmp_path)
    assert report["index_urls"] == [main.url, other.url]


def test_credentials_of_a_named_index_come_from_uv_variables(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex]) -> None:
    main, other = indexes
    _project(tmp_path, main, other.url)
    env = {"UV_INDEX_EXTRA_INDEX_USERNAME": "bob", "UV_INDEX_EXTRA_INDEX_PASSWORD": "hunter2"}
    result = run_cli("check", "--format", "json", "--python", "3.12", "uv.lock",
                     cwd=tmp_path, env=env)
    token = base64.b64encode(b"bob:hunter2").decode()
    pages = [r for r in other.requests if r.path.startswith(f"/simple/{ROUTED}")]
    assert pages and all(r.headers.get("Authorization") == f"Basic {token}" for r in pages)
    assert "hunter2" not in result.stdout + result.stderr


def test_unreachable_index_makes_its_package_unknown(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex]) -> None:
    main, other = indexes
    url = other.url
    other.stop()
    _project(tmp_path, main, url)
    code, report = _check(tmp_path)
    assert code == 6
    assert {v["status"] for v in _verdicts(report, ROUTED).values()} == {"unknown"}
    assert _verdicts(report, "requests")["slim"]["status"] == "pure-wheel"


def test_unreachable_index_is_named_in_the_size_basis(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex]) -> None:
    main, other = indexes
    url = other.url
    other.stop()
    _project(tmp_path, main, url)
    _, report = _check(tmp_path)
    for variant in report["estimate"]["variants"]:
        (line,) = [b for b in variant["basis"] if b.startswith(f"size leaves out {ROUTED}")]
        assert f"its index {url} was not reachable" in line


def test_unreachable_index_is_unknown_in_the_text_summary(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex]) -> None:
    main, other = indexes
    url = other.url
    other.stop()
    _project(tmp_path, main, url)
    result = run_cli("check", "--python", "3.12", "--retries", "0", "uv.lock", cwd=tmp_path)
    assert "unknown" in result.stdout and ROUTED in result.stdout
    assert ROUTED in result.stderr and "incomplete" in result.stderr


def test_notes_say_which_packages_come_from_which_index(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex]) -> None:
    main, other = indexes
    _project(tmp_path, main, other.url)
    _, report = _check(tmp_path)
    notes = [p["message"] for p in report["problems"] if p["kind"] == "note"]
    expected = f"uv.lock: the other packages come from {main.url}; wheelfit looks them up there"
    assert expected in notes
    assert any(n.startswith(f"uv.lock: {ROUTED} from {other.url} ") for n in notes)


def _poetry_lock(main: str, other: str) -> str:
    parts = []
    for name, version in PINS.items():
        url, ref = (other, "other") if name == ROUTED else (main, "main")
        parts.append(f'[[package]]\nname = "{name}"\nversion = "{version}"\ndescription = ""\n'
                     f'optional = false\npython-versions = ">=3.8"\ngroups = ["main"]\n'
                     f'files = []\n\n[package.source]\ntype = "legacy"\nurl = "{url}"\n'
                     f'reference = "{ref}"\n')
    parts.append('[metadata]\nlock-version = "2.1"\npython-versions = "^3.12"\n'
                 'content-hash = "0"\n')
    return "\n".join(parts)


def _pipfile_lock(main: str, other: str) -> str:
    default = {name: {"version": f"=={version}", **({"index": "other"} if name == ROUTED
                                                     else {})}
               for name, version in PINS.items()}
    return json.dumps({"_meta": {"sources": [{"name": "main", "url": main, "verify_ssl": False},
                                             {"name": "other", "url": other,
                                              "verify_ssl": False}],
                                 "requires": {"python_version": "3.12"}},
                       "default": default, "develop": {}})


@pytest.mark.parametrize(("name", "writer"), [("poetry.lock", _poetry_lock),
                                              ("Pipfile.lock", _pipfile_lock)])
def test_poetry_and_pipenv_sources_are_judged_on_their_own_index(
        tmp_path: Path, indexes: tuple[LoopbackIndex, LoopbackIndex], name: str,
        writer: Callable[[str, str], str]) -> None:
    main, other = indexes
    (tmp_path / name).write_text(writer(main.url, other.url))
    result = run_cli("check", "--format", "json", "--python", "3.12", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    verdicts = _verdicts(json.loads(result.stdout), ROUTED)
    assert verdicts["slim"]["status"] == "binary-wheel"
    assert main.count(prefix=f"/simple/{ROUTED}") == 0
