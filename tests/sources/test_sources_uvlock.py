"""uv.lock: selection from the project root, markers from edges, sources, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec
from wheelfit.sources import load_spec
from wheelfit.sources.lock_uv import parse_uv_lock

UV = "locks/uv/uv.lock"
MARKERS = "locks/uv_markers/uv.lock"


def load(path: str, **kwargs: object) -> DependencySpec:
    return load_spec(Path(path), environ={}, **kwargs)  # type: ignore[arg-type]


def locked(spec: DependencySpec) -> dict[str, str]:
    assert spec.locked is not None
    return {f"{p.name} {p.version}": str(p.marker) if p.marker else "" for p in spec.locked}


def test_default_selection(data: Path) -> None:
    assert set(locked(load(UV))) == {
        "certifi 2024.8.30", "charset-normalizer 3.4.0", "colorama 0.4.6", "idna 3.10",
        "numpy 1.26.4", "numpy 2.1.3", "pysocks 1.7.1", "requests 2.32.3", "urllib3 2.2.3",
        "internal-lib 3.2.0"}


def test_format_is_uv_lock(data: Path) -> None:
    assert load(UV).format == "uv-lock"


def test_edge_markers_become_package_markers(data: Path) -> None:
    found = locked(load(UV))
    assert found["colorama 0.4.6"] == 'sys_platform == "win32"'
    assert found["numpy 1.26.4"] == 'python_full_version < "3.12"'
    assert found["numpy 2.1.3"] == 'python_full_version >= "3.12"'


def test_extra_on_an_edge_pulls_optional_dependencies(data: Path) -> None:
    assert "pysocks 1.7.1" in locked(load(UV))


def test_origins_are_package_header_lines(data: Path) -> None:
    spec = load(UV)
    assert spec.locked is not None
    assert spec.locked[0].origin == "locks/uv/uv.lock:9"


def test_files_are_basenames_of_wheels_and_sdist(data: Path) -> None:
    spec = load(UV)
    assert spec.locked is not None
    certifi = next(p for p in spec.locked if p.name == "certifi")
    assert certifi.files == ("certifi-2024.8.30-py3-none-any.whl", "certifi-2024.8.30.tar.gz")


def test_project_itself_is_skipped_with_a_reason(data: Path) -> None:
    assert ("shop 0.1.0", "the project itself") in {(s.text, s.reason) for s in load(UV).skipped}


def test_git_source_is_skipped(data: Path) -> None:
    reasons = {s.text: s.reason for s in load(UV).skipped}
    assert reasons["sdk 1.0.0"].startswith("VCS checkout (git): https://github.com/acme/sdk")


def test_other_index_is_kept_with_its_url(data: Path) -> None:
    spec = load(UV)
    assert spec.locked is not None
    (internal,) = [p for p in spec.locked if p.name == "internal-lib"]
    assert internal.index_url is not None
    assert internal.index_url.endswith("@pypi.corp.example/simple")
    assert not any(s.text.startswith("internal-lib") for s in spec.skipped)


def test_unselected_packages_are_noted(data: Path) -> None:
    assert any("6 package(s)" in note for note in load(UV).notes)


def test_dev_adds_the_dev_group(data: Path) -> None:
    found = locked(load(UV, dev=True))
    assert {"pytest 8.3.3", "iniconfig 2.0.0", "pluggy 1.5.0", "packaging 24.1"} <= set(found)
    assert "ruff 0.6.9" not in found


def test_group_selects_by_name(data: Path) -> None:
    assert "ruff 0.6.9" in locked(load(UV, groups=("lint",)))


def test_extra_selects_optional_dependencies(data: Path) -> None:
    assert "pillow 10.4.0" in locked(load(UV, extras=("images",)))


def test_all_extras(data: Path) -> None:
    assert "pillow 10.4.0" in locked(load(UV, all_extras=True))


def test_unknown_extra_lists_the_known_ones(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(UV, extras=("gpu",))
    assert caught.value.hint == "Known extras: images."


def test_unknown_group_lists_the_known_ones(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(UV, groups=("docs",))
    assert caught.value.hint == "Known groups: dev, lint."


def test_requires_python_hint(data: Path) -> None:
    hint = load(UV).python
    assert hint is not None and hint.version == "3.11"


def test_markers_and_along_conditional_parents(data: Path) -> None:
    assert locked(load(MARKERS))["beta 1.0"] == (
        'platform_machine == "x86_64" and sys_platform == "linux"')


def test_markers_or_across_parents(data: Path) -> None:
    assert locked(load(MARKERS))["delta 1.0"] == (
        'sys_platform == "linux" or sys_platform == "win32"')


def test_unconditional_path_wins(data: Path) -> None:
    assert locked(load(MARKERS))["gamma 1.0"] == ""


def test_conflict_marker_decided_by_the_selected_extra(data: Path) -> None:
    assert locked(load(MARKERS, extras=("gpu",)))["torch 2.5.1"] == ""


def test_conflicting_extra_not_selected_leaves_package_out(data: Path) -> None:
    assert "torch 2.5.1" not in locked(load(MARKERS))


def test_forked_package_from_another_index_is_judged_on_it(data: Path) -> None:
    spec = load(MARKERS, extras=("cpu",))
    assert spec.locked is not None
    torch = {p.version: p.index_url for p in spec.locked if p.name == "torch"}
    assert torch["2.5.1"] == "https://download.pytorch.org/whl/cpu"


def test_index_name_comes_from_the_pyproject_beside_the_lock(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\n'
        '[[tool.uv.index]]\nname = "pytorch-cpu"\nurl = "https://download.pytorch.org/whl/cpu/"\n')
    (tmp_path / "uv.lock").write_text(
        'version = 1\n[[package]]\nname = "torch"\nversion = "2.5.1"\n'
        'source = { registry = "https://download.pytorch.org/whl/cpu" }\n'
        '[[package]]\nname = "six"\nversion = "1.16.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n')
    spec = load_spec(tmp_path / "uv.lock")
    assert spec.locked is not None
    assert {p.name: p.index_name for p in spec.locked} == {"torch": "pytorch-cpu", "six": None}


def test_virtual_root_is_the_project(data: Path) -> None:
    assert any(s.reason == "the project itself" for s in load(MARKERS).skipped)


def test_lock_without_project_takes_every_package() -> None:
    text = ('version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
            'source = { registry = "https://pypi.org/simple" }\n')
    spec = parse_uv_lock(text, "uv.lock")
    assert spec.locked is not None and [p.name for p in spec.locked] == ["six"]


def test_single_private_registry_becomes_the_index() -> None:
    text = ('version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
            'source = { registry = "https://nexus.example/repository/pypi/simple" }\n')
    spec = parse_uv_lock(text, "uv.lock")
    assert spec.options.index_url == "https://nexus.example/repository/pypi/simple"
    assert spec.locked is not None and len(spec.locked) == 1


def test_workspace_members_are_roots() -> None:
    text = ('version = 1\n[manifest]\nmembers = ["app", "lib"]\n'
            '[[package]]\nname = "app"\nversion = "1"\nsource = { editable = "packages/app" }\n'
            'dependencies = [{ name = "lib" }]\n'
            '[[package]]\nname = "lib"\nversion = "1"\nsource = { editable = "packages/lib" }\n'
            'dependencies = [{ name = "six" }]\n'
            '[[package]]\nname = "six"\nversion = "1.16.0"\n'
            'source = { registry = "https://pypi.org/simple" }\n')
    spec = parse_uv_lock(text, "uv.lock")
    assert spec.locked is not None and [p.name for p in spec.locked] == ["six"]


def test_dependency_missing_from_the_lock_is_a_problem() -> None:
    text = ('version = 1\n[[package]]\nname = "app"\nversion = "1"\nsource = { virtual = "." }\n'
            'dependencies = [{ name = "ghost" }]\n')
    with pytest.raises(InputFileError, match="not in the lock"):
        parse_uv_lock(text, "uv.lock")


def test_unsupported_version() -> None:
    with pytest.raises(InputFileError, match="not supported"):
        parse_uv_lock("version = 2\n", "uv.lock")


def test_package_not_an_array() -> None:
    with pytest.raises(InputFileError, match="array of tables"):
        parse_uv_lock('version = 1\npackage = "x"\n', "uv.lock")


def test_malformed_entry_raises_with_its_line(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load("locks/malformed/uv.lock")
    assert caught.value.line == 9


def test_malformed_entries_with_keep_going(data: Path) -> None:
    spec = load("locks/malformed/uv.lock", keep_going=True)
    assert [p.split(": ")[0] for p in spec.problems] == [
        "locks/malformed/uv.lock:9", "locks/malformed/uv.lock:13"]
    assert spec.locked is not None and [p.name for p in spec.locked] == ["good"]


def test_empty_lock_gives_no_packages() -> None:
    spec = parse_uv_lock("version = 1\n", "uv.lock")
    assert spec.locked == () and spec.problems == ()
