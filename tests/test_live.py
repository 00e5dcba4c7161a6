"""Opt-in checks against the real PyPI (`pytest -m live`); never part of the default run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.live


def _check(tmp_path: Path, text: str, *args: str) -> dict[str, object]:
    req = tmp_path / "requirements.txt"
    req.write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, WHEELFIT_CACHE_DIR=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-m", "wheelfit", "check", "--format", "json",
                          str(req), *args], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_numpy_1_26_4_is_a_musllinux_1_1_wheel_on_alpine(tmp_path: Path) -> None:
    report = _check(tmp_path, "numpy==1.26.4\n")
    packages = {p["name"]: p for p in report["packages"]}  # type: ignore[attr-defined]
    alpine = packages["numpy"]["verdicts"]["alpine"]
    assert alpine["file"] == "numpy-1.26.4-cp312-cp312-musllinux_1_1_x86_64.whl"


def test_psycopg2_builds_from_source_with_libpq(tmp_path: Path) -> None:
    report = _check(tmp_path, "psycopg2==2.9.10\n")
    packages = {p["name"]: p for p in report["packages"]}  # type: ignore[attr-defined]
    alpine = packages["psycopg2"]["verdicts"]["alpine"]
    assert alpine["status"] == "source-build"
    assert "libpq-dev" in alpine["build"]["apk"]
