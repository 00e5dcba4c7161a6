"""`wheelfit dockerfile` on each lock kind: the lock's own tool, never a hash-less export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_runner import run_cli
from loopback import LoopbackIndex

PINS = {"requests": "2.32.3", "certifi": "2024.6.2", "idna": "3.7", "urllib3": "2.2.1",
        "charset-normalizer": "3.3.2"}


def _uv_lock(url: str) -> str:
    return "version = 1\n" + "\n".join(
        f'[[package]]\nname = "{n}"\nversion = "{v}"\nsource = {{ registry = "{url}" }}\n'
        for n, v in PINS.items())


def _pipfile_lock(url: str) -> str:
    return json.dumps({"_meta": {"sources": [{"name": "main", "url": url, "verify_ssl": False}],
                                 "requires": {"python_version": "3.12"}},
                       "default": {n: {"version": f"=={v}"} for n, v in PINS.items()},
                       "develop": {}})


@pytest.mark.parametrize(("name", "writer", "install"), [
    ("uv.lock", _uv_lock, "uv sync --frozen --no-dev"),
    ("Pipfile.lock", _pipfile_lock, "pipenv install --deploy"),
])
def test_dockerfile_of_a_lock_uses_its_own_tool(
        tmp_path: Path, fresh_index_server: LoopbackIndex, name: str,
        writer: Callable[[str], str], install: str) -> None:
    (tmp_path / name).write_text(writer(fresh_index_server.url))
    result = run_cli("dockerfile", "--python", "3.12", "--variant", "slim", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert install in result.stdout
    assert "--no-hashes" not in result.stdout and "export" not in result.stdout
    assert "pip install" not in result.stdout.replace("pip install --no-cache-dir pipenv==", "")
