"""Pipfile.lock: default/develop/custom categories, markers, indexes, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec
from wheelfit.sources import load_spec
from wheelfit.sources.lock_pipfile import parse_pipfile_lock

LOCK = "locks/pipfile/Pipfile.lock"


def load(path: str, **kwargs: object) -> DependencySpec:
    return load_spec(Path(path), **kwargs)  # type: ignore[arg-type]


def locked(spec: DependencySpec) -> dict[str, str]:
    assert spec.locked is not None
    return {f"{p.name} {p.version}": str(p.marker) if p.marker else "" for p in spec.locked}


def test_default_section(data: Path) -> None:
    assert set(locked(load(LOCK, environ={}))) == {"certifi 2024.8.30", "pywin32 306",
                                                   "requests 2.32.3", "private-lib 0.9.1"}


def test_format_is_pipfile_lock(data: Path) -> None:
    assert load(LOCK, environ={}).format == "pipfile-lock"


def test_markers_are_kept(data: Path) -> None:
    assert locked(load(LOCK, environ={}))["pywin32 306"] == 'sys_platform == "win32"'


def test_extra_only_marker_is_left_out(data: Path) -> None:
    assert not any(k.startswith("socks-only") for k in locked(load(LOCK, environ={})))


def test_dev_adds_develop_without_duplicates(data: Path) -> None:
    found = locked(load(LOCK, environ={}, dev=True))
    assert "pytest 8.3.3" in found and len(found) == 5


def test_custom_category_as_a_group(data: Path) -> None:
    assert "mkdocs 1.6.1" in locked(load(LOCK, environ={}, groups=("docs",)))


def test_unknown_group(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(LOCK, environ={}, groups=("lint",))
    assert caught.value.hint == "Known groups: develop, docs."


def test_origins_are_entry_lines(data: Path) -> None:
    spec = load(LOCK, environ={})
    assert spec.locked is not None and spec.locked[0].origin == "locks/pipfile/Pipfile.lock:24"


def test_no_file_names_in_pipfile_lock(data: Path) -> None:
    spec = load(LOCK, environ={})
    assert spec.locked is not None and all(p.files == () for p in spec.locked)


def test_non_index_sources_are_skipped(data: Path) -> None:
    reasons = {s.text: s.reason for s in load(LOCK, environ={}).skipped}
    assert reasons["gitpkg"] == "VCS checkout (git): https://***@github.com/acme/gitpkg.git"
    assert reasons["mypkg"] == "editable install: ."


def test_other_index_is_kept_with_its_expanded_url_and_source_name(data: Path) -> None:
    spec = load(LOCK, environ={"PRIVATE_USER": "bob", "PRIVATE_PASSWORD": "hunter2"})
    assert spec.locked is not None
    (private,) = [p for p in spec.locked if p.name == "private-lib"]
    assert private.index_url == "https://bob:hunter2@pypi.corp.example/simple"
    assert private.index_name == "private"


def test_packages_of_the_primary_index_have_no_index_of_their_own(data: Path) -> None:
    spec = load(LOCK, environ={})
    assert spec.locked is not None
    assert {p.name for p in spec.locked if p.index_url is None} == {
        "certifi", "pywin32", "requests"}


def test_python_version_hint(data: Path) -> None:
    hint = load(LOCK, environ={}).python
    assert hint is not None and hint.source == 'python_version "3.11" in locks/pipfile/Pipfile.lock'


def test_not_a_pipfile_lock() -> None:
    with pytest.raises(InputFileError, match=r"not a Pipfile\.lock"):
        parse_pipfile_lock("[1, 2]", "Pipfile.lock")


def test_json_error_has_line() -> None:
    with pytest.raises(InputFileError) as caught:
        parse_pipfile_lock('{\n  "default": {\n    "x": \n}', "Pipfile.lock")
    assert caught.value.line == 4


def test_malformed_entries_raise(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load("locks/malformed/Pipfile.lock", environ={})
    assert caught.value.line == 5


def test_malformed_entries_with_keep_going(data: Path) -> None:
    spec = load("locks/malformed/Pipfile.lock", environ={}, keep_going=True)
    assert len(spec.problems) == 2
    assert spec.locked is not None and [p.name for p in spec.locked] == ["good"]


def test_primary_private_source_becomes_the_index() -> None:
    text = ('{"_meta": {"sources": [{"name": "corp", "url": "https://nexus.example/simple"}]},'
            ' "default": {"six": {"version": "==1.16.0", "index": "corp"}}}')
    spec = parse_pipfile_lock(text, "Pipfile.lock")
    assert spec.options.index_url == "https://nexus.example/simple" and spec.skipped == ()


# --- PEP 751 selection markers written by a current pipenv (issue 18) -----------------------

REAL = "locks/pipenv-real/Pipfile.lock"  # pypa/pipenv's own lock, see SOURCE.md next to it


def test_real_lock_with_dev_reads_every_package(data: Path) -> None:
    assert len(locked(load(REAL, environ={}, dev=True))) == 101


def test_real_lock_without_dev_reads_the_default_section(data: Path) -> None:
    assert len(locked(load(REAL, environ={}))) == 10


def test_dev_group_atom_is_decided_and_the_rest_kept(data: Path) -> None:
    assert locked(load(REAL, environ={}, dev=True))["waitress 3.0.2"] == 'sys_platform == "win32"'


def test_dev_group_only_marker_means_always(data: Path) -> None:
    assert locked(load(REAL, environ={}, dev=True))["bottle 0.13.4"] == ""


def lock_with_marker(marker: str, category: str = "develop") -> str:
    """A pretty-printed lock (pkg at line 5) with one entry carrying the marker."""
    entry = {"version": "==1.0", "markers": marker}
    return json.dumps({"_meta": {}, "default": {}, category: {"pkg": entry}}, indent=4)


def test_custom_category_group_marker_follows_the_selection() -> None:
    spec = parse_pipfile_lock(lock_with_marker("'docs' in dependency_groups", "docs"),
                              "Pipfile.lock", groups=("docs",))
    assert locked(spec) == {"pkg 1.0": ""}


def test_unselected_group_marker_leaves_the_entry_out() -> None:
    spec = parse_pipfile_lock(lock_with_marker("'docs' in dependency_groups"), "Pipfile.lock",
                              dev=True)
    assert locked(spec) == {}


def test_extras_marker_is_false_without_extras() -> None:
    spec = parse_pipfile_lock(lock_with_marker("'cli' in extras"), "Pipfile.lock", dev=True)
    assert locked(spec) == {}


def test_undecidable_selection_marker_is_an_input_error_naming_the_entry() -> None:
    with pytest.raises(InputFileError) as caught:
        parse_pipfile_lock(lock_with_marker("dependency_groups == 'dev'"), "Pipfile.lock",
                           dev=True)
    assert "entry 'pkg'" in str(caught.value) and "Pipfile.lock:5" in str(caught.value)
