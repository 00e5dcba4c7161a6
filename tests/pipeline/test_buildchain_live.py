"""Opt-in (`pytest -m live`): the issue's chain and Python-age cases against the real PyPI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.live


def _verdicts(tmp_path: Path, pin: str, *args: str) -> dict[str, Any]:
    req = tmp_path / "requirements.txt"
    req.write_text(pin + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, WHEELFIT_CACHE_DIR=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-m", "wheelfit", "check", "--format", "json",
                          str(req), *args], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    name = pin.partition("==")[0]
    report = json.loads(out.stdout)
    verdicts: dict[str, Any] = next(
        p for p in report["packages"] if p["name"] == name)["verdicts"]
    return verdicts


def test_scipy_154_on_alpine_builds_numpy_1173_first(tmp_path: Path) -> None:
    alpine = _verdicts(tmp_path, "scipy==1.5.4", "--python", "3.8",
                       "--exclude-newer", "2020-12-31")["alpine"]
    numpy = next(c for c in alpine["build"]["build_requires"] if c["name"] == "numpy")
    assert (numpy["version"], numpy["verdict"]) == ("1.17.3", "source-build")
    assert {"gfortran", "openblas-dev"} <= set(alpine["build"]["apk"])
    assert alpine["build"]["basis"] != "unknown"


def test_numpy_1195_predates_python_312(tmp_path: Path) -> None:
    slim = _verdicts(tmp_path, "numpy==1.19.5", "--python", "3.12")["slim"]
    assert slim["reason"].startswith("numpy 1.19.5 predates Python 3.12")
    assert "1.26.0 is the first release with a wheel for Python 3.12" in slim["reason"]
