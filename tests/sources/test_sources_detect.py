"""Format detection by name, forcing a format, and the file errors of load_spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.errors import InputFileError, UsageError
from wheelfit.sources import FORMATS, detect_format, load_spec


@pytest.mark.parametrize(("name", "kind"), [
    ("requirements.txt", "requirements"), ("requirements-dev.txt", "requirements"),
    ("requirements.in", "requirements"), ("prod.txt", "requirements"),
    ("pyproject.toml", "pyproject"), ("uv.lock", "uv-lock"), ("poetry.lock", "poetry-lock"),
    ("Pipfile.lock", "pipfile-lock"), ("pylock.toml", "pylock"), ("pylock.web.toml", "pylock"),
])
def test_detect_by_name(name: str, kind: str) -> None:
    assert detect_format(Path("svc") / name) == kind


@pytest.mark.parametrize("name", ["Pipfile", "setup.py", "deps.yaml", "pylock.a.b.toml"])
def test_unknown_names_raise_with_a_hint(name: str) -> None:
    with pytest.raises(InputFileError) as caught:
        detect_format(Path(name))
    assert caught.value.hint


def test_pipfile_hint_says_lock_it() -> None:
    with pytest.raises(InputFileError) as caught:
        detect_format(Path("Pipfile"))
    assert "pipenv lock" in (caught.value.hint or "")


def test_input_format_forces_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "deps.cfg"
    path.write_text("flask==3.0.3\n", encoding="utf-8")
    spec = load_spec(path, input_format="requirements", environ={})
    assert [e.requirement.name for e in spec.requirements] == ["flask"]


def test_input_format_forces_a_lock_reader(tmp_path: Path) -> None:
    path = tmp_path / "locked.toml"
    path.write_text('version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
                    'source = { registry = "https://pypi.org/simple" }\n', encoding="utf-8")
    assert load_spec(path, input_format="uv-lock", environ={}).format == "uv-lock"


def test_unknown_input_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load_spec(tmp_path / "x.txt", input_format="conda")


def test_formats_constant() -> None:
    assert FORMATS == ("requirements", "pyproject", "uv-lock", "poetry-lock", "pipfile-lock",
                       "pylock")


def test_missing_file_error_names_it(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_spec(tmp_path / "uv.lock")
    assert caught.value.path == str(tmp_path / "uv.lock") and "no such file" in str(caught.value)


def test_directory_error_suggests_recursive(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_spec(tmp_path)
    assert "--recursive" in (caught.value.hint or "")


@pytest.mark.parametrize("name", ["uv.lock", "poetry.lock", "Pipfile.lock", "pylock.toml",
                                  "pyproject.toml", "requirements.txt"])
def test_binary_junk_is_an_input_error_for_every_format(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(bytes(range(256)))
    with pytest.raises(InputFileError, match="binary"):
        load_spec(path, environ={})


def test_exit_code_of_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_spec(tmp_path / "requirements.txt")
    assert int(caught.value.exit_code) == 3


def test_extras_on_a_requirements_file_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("flask\n", encoding="utf-8")
    spec = load_spec(path, extras=("x",), dev=True, environ={})
    assert spec.notes[-1].endswith("extras and groups do not apply to requirements files; ignored")


def test_unknown_file_hint_names_the_input_format_flag(tmp_path: Path) -> None:
    from wheelfit.errors import InputFileError
    from wheelfit.sources.load import detect_format

    with pytest.raises(InputFileError) as caught:
        detect_format(tmp_path / "deps.cfg")
    assert "--input-format" in (caught.value.hint or "")
    assert "--format " not in (caught.value.hint or "")
