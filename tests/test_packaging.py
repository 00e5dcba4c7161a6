"""The built wheel carries its data: the apk mapping, size tables and report schema load
from a non-editable install (a wheel unpacked into a fresh folder, not the source tree)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ("apk-mapping.yaml", "apk-mapping.json", "base-images.tsv", "system-packages.tsv",
        "system-packages-arm64.tsv", "build-times.tsv", "report.schema.json")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PIP_CONFIG_FILE": os.devnull},
    )
    return next(out.glob("wheelfit-*.whl"))


@pytest.mark.parametrize("name", DATA)
def test_wheel_contains_data_file(wheel: Path, name: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert f"wheelfit/data/{name}" in archive.namelist()


def test_installed_wheel_loads_its_own_mapping(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    site = str(target)
    code = (
        "import wheelfit.buildneeds.mapping as m, wheelfit.sizing.sizes as s;"
        "from wheelfit.formats.schema import schema_text;"
        f"assert m.__file__.startswith({site!r}), m.__file__;"
        "mp = m.load_mapping();"
        "assert mp.project('psycopg2') is not None;"
        "assert s.base_images();"
        "assert 'schema_version' in schema_text();"
        "print(len(mp.projects))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONPATH": site})
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 100
