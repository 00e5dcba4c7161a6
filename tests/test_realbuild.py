"""tools/realbuild.py and tools/alpine_crosscheck.py: their pure helpers in the default run,
and one real build of a small package when opted in (`pytest -m realbuild`, as root with
debootstrap and network access to Debian's archive and PyPI)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


realbuild = _tool("realbuild")
crosscheck = _tool("alpine_crosscheck")


def _wheel(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name in names:
            zf.writestr(name, "")
    return path


def test_wheel_modules_lists_packages_then_extension_modules(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "demo-1.0-cp313-cp313-linux_x86_64.whl", [
        "gi/__init__.py", "gi/_gi.cpython-313-x86_64-linux-gnu.so",
        "netifaces.cpython-313-x86_64-linux-gnu.so", "demo-1.0.dist-info/RECORD",
        "demo-1.0.data/scripts/tool.py", "speedups.abi3.so"])
    assert realbuild.wheel_modules(wheel) == ["gi", "netifaces", "speedups", "gi._gi"]


def test_table_counts_only_packages_that_built_and_imported(tmp_path: Path) -> None:
    rows = [realbuild.Result("a", "1", build_packages=["build-essential"], build_ok=True,
                             import_ok=True),
            realbuild.Result("b", "2", build_packages=["build-essential"], build_ok=True),
            realbuild.Result("c", "3", build_packages=["build-essential"])]
    results = tmp_path / "results.jsonl"
    results.write_text("".join(json.dumps(realbuild.asdict(r)) + "\n" for r in rows))
    assert realbuild.table(results).endswith("1 of 3 (33.3%).")


def test_runtime_groups_reads_alpine_origin_cells() -> None:
    cell = "cairo-dev=main/cairo(cairo,cairo-gobject) libffi-dev=main/libffi(libffi)"
    assert crosscheck.runtime_groups(cell) == [("cairo-dev", {"cairo", "cairo-gobject"}),
                                              ("libffi-dev", {"libffi"})]


def test_alpine_build_drivers_are_not_compared() -> None:
    pip = {"setuptools", "cython"}
    assert [d for d in ["py3-setuptools", "python3-dev", "cython", "meson", "cairo-dev",
                        "linux-headers"] if not crosscheck.pip_provided(d, pip)] == [
        "cairo-dev", "linux-headers"]


@pytest.mark.realbuild
def test_netifaces_builds_and_imports_with_exactly_the_plan(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("debootstrap") is None:
        pytest.fail("the realbuild check needs root and debootstrap (apt-get install debootstrap)")
    root = Path(os.environ.get("WHEELFIT_REALBUILD_ROOT", str(realbuild.DEFAULT_ROOT)))
    tool = [sys.executable, str(TOOLS / "realbuild.py"), "--root", str(root)]
    subprocess.run([*tool, "base"], check=True, timeout=3600)
    out = tmp_path / "results.jsonl"
    subprocess.run([*tool, "run", "--out", str(out), "--timeout", "900",
                    "--wheelfit", str(Path(sys.executable).with_name("wheelfit")),
                    "netifaces==0.11.0"], check=True, timeout=3600)
    result = json.loads(out.read_text())
    assert result["build_packages"] and "build-essential" in result["build_packages"]
    assert (result["build_ok"], result["import_ok"], result["modules"]) == (
        True, True, ["netifaces"]), result["failure"]
