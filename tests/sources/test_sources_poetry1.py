"""poetry.lock written by Poetry 1.x (lock-version 2.0, no per-package groups or markers).

Group membership comes from the pyproject.toml next to the lock, and each package's marker
from the markers on the dependency edges that reach it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.markers import Marker

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec
from wheelfit.sources import load_spec
from wheelfit.sources.lock_poetry import parse_poetry_lock

LOCK = "poetry1/project/poetry.lock"
LOCK_ONLY = "poetry1/lock_only/poetry.lock"
MAIN = {
    "annotated-types", "celery", "click", "colorama", "email-validator", "flask", "idna",
    "kombu", "markupsafe", "pydantic", "uvloop", "werkzeug",
}
LINUX = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
         "python_version": "3.12", "python_full_version": "3.12.4",
         "platform_machine": "x86_64", "implementation_name": "cpython",
         "platform_python_implementation": "CPython"}
WINDOWS = {**LINUX, "sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"}


def load(path: str, **kwargs: object) -> DependencySpec:
    return load_spec(Path(path), environ={}, **kwargs)  # type: ignore[arg-type]


def markers(spec: DependencySpec) -> dict[str, Marker | None]:
    assert spec.locked is not None
    return {p.name: p.marker for p in spec.locked}


def applies(marker: Marker | None, env: dict[str, str]) -> bool:
    return marker is None or marker.evaluate(dict(env))


def test_main_group_by_default(data: Path) -> None:
    assert set(markers(load(LOCK))) == MAIN


def test_dev_adds_the_dev_group_and_its_dependencies(data: Path) -> None:
    added = set(markers(load(LOCK, dev=True))) - MAIN
    assert added == {"black", "iniconfig", "mypy-extensions", "packaging", "pathspec",
                     "platformdirs", "pluggy", "pytest"}


def test_named_group_from_the_pyproject(data: Path) -> None:
    added = set(markers(load(LOCK, groups=("prod",)))) - MAIN
    assert added == {"gunicorn", "packaging", "redis", "rq"}


def test_main_group_may_be_named(data: Path) -> None:
    assert set(markers(load(LOCK, groups=("main",)))) == MAIN


def test_windows_only_edge_is_not_required_on_linux(data: Path) -> None:
    colorama = markers(load(LOCK))["colorama"]
    assert not applies(colorama, LINUX) and applies(colorama, WINDOWS)


def test_windows_only_edge_marker_text(data: Path) -> None:
    assert str(markers(load(LOCK))["colorama"]) == 'platform_system == "Windows"'


def test_edges_from_two_groups_are_or_ed(data: Path) -> None:
    assert str(markers(load(LOCK, dev=True))["colorama"]) == (
        'platform_system == "Windows" or sys_platform == "win32"')


def test_unconditional_packages_have_no_marker(data: Path) -> None:
    assert markers(load(LOCK))["click"] is None


def test_root_marker_comes_from_the_pyproject(data: Path) -> None:
    uvloop = markers(load(LOCK))["uvloop"]
    assert applies(uvloop, LINUX) and not applies(uvloop, WINDOWS)


def test_extras_on_an_edge_activate_optional_dependencies(data: Path) -> None:
    assert "email-validator" in markers(load(LOCK))


def test_optional_dependency_is_not_followed_without_its_extra(data: Path) -> None:
    assert "redis" not in markers(load(LOCK))


def test_project_extra_adds_its_optional_package(data: Path) -> None:
    assert "reportlab" in markers(load(LOCK, extras=("pdf",)))


def test_project_extra_is_left_out_by_default(data: Path) -> None:
    assert "reportlab" not in markers(load(LOCK))


def test_note_for_packages_of_unselected_groups(data: Path) -> None:
    assert f"{LOCK}: 12 package(s) are only needed by groups or extras that were not selected" in (
        load(LOCK).notes)


def test_dependency_missing_from_the_lock_is_not_a_problem(data: Path) -> None:
    assert load(LOCK, dev=True).problems == ()


def test_unknown_group_lists_the_pyproject_groups(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(LOCK, groups=("lint",))
    assert caught.value.hint == "Known groups: dev, main, prod."


def test_unknown_group_error_names_the_lock(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(LOCK, groups=("lint",))
    assert caught.value.path == LOCK


def test_files_and_origins_are_kept(data: Path) -> None:
    spec = load(LOCK)
    assert spec.locked is not None
    first = spec.locked[0]
    assert (first.name, first.origin, first.files) == (
        "annotated-types", f"{LOCK}:3",
        ("annotated_types-0.7.0-py3-none-any.whl", "annotated_types-0.7.0.tar.gz"))


def test_without_pyproject_every_package_is_main(data: Path) -> None:
    names = set(markers(load(LOCK_ONLY)))
    assert names == set(markers(load(LOCK, dev=True, groups=("prod",))))


def test_without_pyproject_a_note_says_groups_are_unknown(data: Path) -> None:
    (note,) = [n for n in load(LOCK_ONLY).notes if "pyproject.toml" in n]
    assert note.startswith(f"{LOCK_ONLY}: Poetry 1.x lock without its pyproject.toml")
    assert "group membership could not be determined" in note


def test_without_pyproject_edge_markers_still_apply(data: Path) -> None:
    colorama = markers(load(LOCK_ONLY))["colorama"]
    assert not applies(colorama, LINUX) and applies(colorama, WINDOWS)


def test_without_pyproject_optional_packages_need_their_extra(data: Path) -> None:
    assert "reportlab" not in markers(load(LOCK_ONLY))


def test_without_pyproject_a_named_group_is_an_error(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(LOCK_ONLY, groups=("prod",))
    assert "pyproject.toml" in (caught.value.hint or "")


def test_parse_without_base_dir_uses_the_fallback() -> None:
    text = (Path(__file__).parent.parent / "data" / "sources" / LOCK).read_text()
    spec = parse_poetry_lock(text, "poetry.lock")
    assert any("without its pyproject.toml" in n for n in spec.notes)


def test_cycle_without_an_entry_point_is_kept(tmp_path: Path) -> None:
    lock = tmp_path / "poetry.lock"
    lock.write_text(
        '[[package]]\nname = "a"\nversion = "1"\noptional = false\nfiles = []\n'
        '[package.dependencies]\nb = "*"\n\n'
        '[[package]]\nname = "b"\nversion = "1"\noptional = false\nfiles = []\n'
        '[package.dependencies]\na = "*"\n\n[metadata]\nlock-version = "2.0"\n')
    assert set(markers(load(str(lock)))) == {"a", "b"}


def test_two_locked_versions_follow_their_constraints(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = ">=3.8"\n'
        'numpy = [{version = "<1.25", python = "<3.9"}, {version = ">=1.26", python = ">=3.9"}]\n')
    (tmp_path / "poetry.lock").write_text(
        '[[package]]\nname = "numpy"\nversion = "1.24.4"\noptional = false\nfiles = []\n\n'
        '[[package]]\nname = "numpy"\nversion = "1.26.4"\noptional = false\nfiles = []\n\n'
        '[metadata]\nlock-version = "2.0"\n')
    spec = load(str(tmp_path / "poetry.lock"))
    assert spec.locked is not None
    by_version = {p.version: p.marker for p in spec.locked}
    assert applies(by_version["1.26.4"], LINUX) and not applies(by_version["1.24.4"], LINUX)


def test_extra_marker_on_an_edge_is_decided_by_the_activated_extra(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\n'
        'coverage = {version = "^7", extras = ["toml"]}\n')
    (tmp_path / "poetry.lock").write_text(
        '[[package]]\nname = "coverage"\nversion = "7.5.0"\noptional = false\nfiles = []\n'
        '[package.dependencies]\ntomli = {version = "*", optional = true, markers = '
        '"python_full_version <= \\"3.11.0a6\\" and extra == \\"toml\\""}\n'
        '[package.extras]\ntoml = ["tomli"]\n\n'
        '[[package]]\nname = "tomli"\nversion = "2.0.1"\noptional = false\nfiles = []\n\n'
        '[metadata]\nlock-version = "2.0"\n')
    tomli = markers(load(str(tmp_path / "poetry.lock")))["tomli"]
    assert str(tomli) == 'python_full_version <= "3.11.0a6"'


def test_category_lock_takes_markers_from_its_edges(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text(
        '[[package]]\nname = "click"\nversion = "8.1.3"\ncategory = "main"\noptional = false\n'
        '[package.dependencies]\ncolorama = {version = "*", markers = "platform_system == '
        '\\"Windows\\""}\n\n'
        '[[package]]\nname = "colorama"\nversion = "0.4.6"\ncategory = "main"\noptional = false\n\n'
        '[metadata]\nlock-version = "1.1"\n')
    colorama = markers(load(str(tmp_path / "poetry.lock")))["colorama"]
    assert not applies(colorama, LINUX) and applies(colorama, WINDOWS)
