"""`[build-system] requires` as pip reads it from an sdist (issue 13, item 3)."""

from __future__ import annotations

from buildneeds.sdist_files import recorded_sdist
from wheelfit.buildneeds.buildrequires import build_requires


def _read(pyproject: str | None) -> list[str]:
    members = {"p-1.0/setup.py": b"setup()\n"}
    if pyproject is not None:
        members["p-1.0/pyproject.toml"] = pyproject.encode()
    return [str(r) for r in build_requires(members).requirements]


def test_scipy_154_lists_numpy_with_markers() -> None:
    files, _ = recorded_sdist("scipy-1.5.4")
    found = build_requires(files)
    assert 'numpy==1.17.3; python_version >= "3.8" and platform_system != "AIX"' in [
        str(r) for r in found.requirements]


def test_no_pyproject_means_pips_defaults() -> None:
    assert _read(None) == ["setuptools>=40.8.0", "wheel"]


def test_no_build_system_table_means_pips_defaults() -> None:
    assert _read("[project]\nname = 'p'\n") == ["setuptools>=40.8.0", "wheel"]


def test_the_source_says_where_the_defaults_come_from() -> None:
    assert build_requires({"p-1.0/setup.py": b""}).source == "default (no pyproject.toml)"


def test_a_build_system_without_requires_is_a_problem() -> None:
    found = build_requires({"p-1.0/pyproject.toml": b"[build-system]\nbuild-backend = 'x'\n"})
    assert found.requirements == () and "no `requires` list" in (found.problem or "")


def test_an_invalid_requirement_is_a_problem() -> None:
    found = build_requires({"p-1.0/pyproject.toml": b"[build-system]\nrequires = ['a b c']\n"})
    assert "not a valid requirement" in (found.problem or "")


def test_invalid_toml_is_a_problem() -> None:
    found = build_requires({"p-1.0/pyproject.toml": b"[build-system\n"})
    assert "not valid TOML" in (found.problem or "")


def test_a_nested_pyproject_is_not_the_sdists() -> None:
    members = {"p-1.0/sub/pyproject.toml": b"[build-system]\nrequires = ['maturin']\n"}
    assert build_requires(members).source == "default (no pyproject.toml)"


def test_requirements_are_capped() -> None:
    many = ", ".join(f"'p{i}'" for i in range(80))
    found = build_requires({"p-1.0/pyproject.toml":
                            f"[build-system]\nrequires = [{many}]\n".encode()})
    assert len(found.requirements) == 50
