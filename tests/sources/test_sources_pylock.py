"""pylock.toml (PEP 751): group/extra markers, direct sources, validation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec
from wheelfit.sources import detect_format, load_spec
from wheelfit.sources.lock_pylock import parse_pylock

LOCK = "locks/pylock/pylock.toml"
HAS_PYLOCK = importlib.util.find_spec("packaging.pylock") is not None


def load(path: str, **kwargs: object) -> DependencySpec:
    return load_spec(Path(path), environ={}, **kwargs)  # type: ignore[arg-type]


def locked(spec: DependencySpec) -> dict[str, str]:
    assert spec.locked is not None
    return {p.name: str(p.marker) if p.marker else "" for p in spec.locked}


def test_default_groups_only(data: Path) -> None:
    assert locked(load(LOCK)) == {"requests": "", "tomli": 'python_version < "3.11"',
                                  "private-lib": ""}


def test_format_is_pylock(data: Path) -> None:
    assert load(LOCK).format == "pylock"


def test_dev_adds_the_dev_group(data: Path) -> None:
    found = locked(load(LOCK, dev=True))
    assert found["pytest"] == "" and found["colorama"] == 'sys_platform == "win32"'


def test_duplicate_alternatives_collapse(data: Path) -> None:
    assert locked(load(LOCK, dev=True))["tomli"] == 'python_version < "3.11"'


def test_extra_selects_packages(data: Path) -> None:
    assert "pillow" in locked(load(LOCK, extras=("images",)))


def test_unknown_extra(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(LOCK, extras=("pdf",))
    assert caught.value.hint == "Known extras: images."


def test_unknown_group(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load(LOCK, groups=("docs",))
    assert caught.value.hint == "Known groups: default, dev."


def test_files_use_wheel_names(data: Path) -> None:
    spec = load(LOCK)
    assert spec.locked is not None
    assert spec.locked[0].files == ("requests-2.32.3-py3-none-any.whl", "requests-2.32.3.tar.gz")


def test_direct_sources_are_skipped(data: Path) -> None:
    reasons = {s.text: s.reason for s in load(LOCK).skipped}
    assert reasons["acme-sdk 2.1.0"] == "VCS checkout (git): https://github.com/acme/sdk.git"
    assert reasons["shop"] == "editable local directory: ."
    assert "private-lib 0.9.1" not in reasons


def test_package_of_another_index_is_judged_on_it(data: Path) -> None:
    spec = load(LOCK)
    assert spec.locked is not None
    (private,) = [p for p in spec.locked if p.name == "private-lib"]
    assert private.index_url == "https://pypi.corp.example/simple"


def test_origins_are_header_lines(data: Path) -> None:
    spec = load(LOCK)
    assert spec.locked is not None and spec.locked[0].origin == "locks/pylock/pylock.toml:13"


def test_requires_python_hint(data: Path) -> None:
    hint = load(LOCK).python
    assert hint is not None and hint.version == "3.10"


def test_named_pylock_file_is_detected() -> None:
    assert detect_format(Path("pylock.prod.toml")) == "pylock"


def test_version_taken_from_the_wheel_name_when_missing() -> None:
    text = ('lock-version = "1.0"\ncreated-by = "x"\n[[packages]]\nname = "six"\n'
            'wheels = [{url = "https://f.example/six-1.16.0-py2.py3-none-any.whl", '
            'hashes = {sha256 = "' + "0" * 64 + '"}}]\n')
    spec = parse_pylock(text, "pylock.toml")
    assert spec.locked is not None and spec.locked[0].version == "1.16.0"


def test_unsupported_lock_version() -> None:
    with pytest.raises(InputFileError, match="not supported"):
        parse_pylock('lock-version = "2.0"\ncreated-by = "x"\npackages = []\n', "pylock.toml")


def test_missing_packages_array() -> None:
    with pytest.raises(InputFileError, match="no \\[\\[packages\\]\\]"):
        parse_pylock('lock-version = "1.0"\ncreated-by = "x"\n', "pylock.toml")


@pytest.mark.skipif(not HAS_PYLOCK, reason="needs packaging.pylock")
def test_spec_validation_reports_the_entry(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load("locks/malformed/pylock.toml")
    assert caught.value.line == 9 and "not normalized" in caught.value.message


@pytest.mark.skipif(not HAS_PYLOCK, reason="needs packaging.pylock")
def test_spec_validation_with_keep_going(data: Path) -> None:
    spec = load("locks/malformed/pylock.toml", keep_going=True)
    assert len(spec.problems) == 2
    assert spec.locked is not None and [p.name for p in spec.locked] == ["good"]


@pytest.mark.skipif(not HAS_PYLOCK, reason="needs packaging.pylock")
def test_top_level_validation() -> None:
    with pytest.raises(InputFileError, match="invalid pylock"):
        parse_pylock('lock-version = "1.0"\npackages = []\n', "pylock.toml")
