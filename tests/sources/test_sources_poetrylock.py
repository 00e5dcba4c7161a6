"""poetry.lock: groups, markers, extras, sources, legacy 1.x format, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec
from wheelfit.sources import load_spec
from wheelfit.sources.lock_poetry import parse_poetry_lock

LOCK = "locks/poetry2/poetry.lock"


def load(path: str, **kwargs: object) -> DependencySpec:
    return load_spec(Path(path), environ={}, **kwargs)  # type: ignore[arg-type]


def locked(spec: DependencySpec) -> dict[str, str]:
    assert spec.locked is not None
    return {p.name: str(p.marker) if p.marker else "" for p in spec.locked}


def test_main_group_only_by_default(data: Path) -> None:
    assert set(locked(load(LOCK))) == {"celery", "colorama", "kombu", "psycopg2", "uvloop",
                                       "private-lib"}


def test_format_is_poetry_lock(data: Path) -> None:
    assert load(LOCK).format == "poetry-lock"


def test_string_marker(data: Path) -> None:
    assert locked(load(LOCK))["uvloop"] == 'sys_platform != "win32"'


def test_per_group_marker_of_the_selected_group(data: Path) -> None:
    assert locked(load(LOCK))["colorama"] == 'platform_system == "Windows"'


def test_per_group_markers_or_when_both_groups_selected(data: Path) -> None:
    assert locked(load(LOCK, dev=True))["colorama"] == (
        'platform_system == "Windows" or sys_platform == "win32"')


def test_dev_adds_the_dev_group(data: Path) -> None:
    assert "pytest" in locked(load(LOCK, dev=True))


def test_named_group(data: Path) -> None:
    assert "mkdocs" in locked(load(LOCK, groups=("docs",)))


def test_optional_package_needs_its_extra(data: Path) -> None:
    assert "reportlab" in locked(load(LOCK, extras=("pdf",)))


def test_all_extras(data: Path) -> None:
    assert "reportlab" in locked(load(LOCK, all_extras=True))


def test_files_are_listed(data: Path) -> None:
    spec = load(LOCK)
    assert spec.locked is not None
    uvloop = next(p for p in spec.locked if p.name == "uvloop")
    assert uvloop.files[-1] == "uvloop-0.19.0.tar.gz" and len(uvloop.files) == 3


def test_origins_are_header_lines(data: Path) -> None:
    spec = load(LOCK)
    assert spec.locked is not None and spec.locked[0].origin == "locks/poetry2/poetry.lock:3"


def test_sources_outside_the_index_are_skipped(data: Path) -> None:
    reasons = {s.text: s.reason for s in load(LOCK).skipped}
    assert reasons == {
        "internal-sdk 2.1.0": "VCS checkout (git): https://***@git.example/acme/sdk.git",
        "shared 0.1.0": "local directory source: ../shared",
    }


def test_package_of_a_legacy_source_is_judged_on_its_index(data: Path) -> None:
    spec = load(LOCK)
    assert spec.locked is not None
    (private,) = [p for p in spec.locked if p.name == "private-lib"]
    assert (private.index_url, private.index_name) == (
        "https://pypi.corp.example/simple", "corp")


def test_python_versions_give_the_hint(data: Path) -> None:
    hint = load(LOCK).python
    assert hint is not None
    assert (hint.version, hint.source) == ("3.11",
                                          'python-versions "^3.11" in locks/poetry2/poetry.lock')


def test_unknown_group(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(LOCK, groups=("lint",))
    assert caught.value.hint == "Known groups: dev, docs, main."


def test_unknown_extra(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(LOCK, extras=("csv",))
    assert caught.value.hint == "Known extras: pdf."


def test_legacy_lock_categories(data: Path) -> None:
    assert set(locked(load("locks/poetry1/poetry.lock"))) == {"flask", "click"}


def test_legacy_lock_dev_category(data: Path) -> None:
    assert "pytest" in locked(load("locks/poetry1/poetry.lock", dev=True))


def test_legacy_lock_files_from_metadata(data: Path) -> None:
    spec = load("locks/poetry1/poetry.lock")
    assert spec.locked is not None
    assert spec.locked[0].files == ("Flask-2.2.5-py3-none-any.whl", "Flask-2.2.5.tar.gz")


def test_all_packages_from_one_private_source_make_it_the_index() -> None:
    text = ('[[package]]\nname = "six"\nversion = "1.16.0"\ngroups = ["main"]\nfiles = []\n'
            '[package.source]\ntype = "legacy"\nurl = "https://nexus.example/simple"\n'
            'reference = "nexus"\n')
    spec = parse_poetry_lock(text, "poetry.lock")
    assert spec.options.index_url == "https://nexus.example/simple" and spec.skipped == ()


def test_malformed_entry_raises_with_line(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load("locks/malformed/poetry.lock")
    assert caught.value.line == 7


def test_malformed_entries_with_keep_going(data: Path) -> None:
    spec = load("locks/malformed/poetry.lock", keep_going=True)
    assert len(spec.problems) == 2 and "invalid marker" in spec.problems[1]


def test_toml_error_has_line() -> None:
    with pytest.raises(InputFileError) as caught:
        parse_poetry_lock('[[package]]\nname = "x"\nversion = \n', "poetry.lock")
    assert caught.value.line == 3


def test_empty_lock() -> None:
    assert parse_poetry_lock("", "poetry.lock").locked == ()
