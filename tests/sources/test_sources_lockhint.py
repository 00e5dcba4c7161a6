"""A lock beside a pyproject.toml is named in a note with the command that checks it."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.sources.load import load_spec

PYPROJECT = '[project]\nname = "svc"\nversion = "1"\ndependencies = ["requests>=2"]\n'


def pyproject_beside(tmp_path: Path, *locks: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT)
    for lock in locks:
        (tmp_path / lock).write_text("")
    return path


def lock_notes(path: Path) -> list[str]:
    return [n for n in load_spec(path).notes if "sits next to" in n]


@pytest.mark.parametrize("lock", ["uv.lock", "poetry.lock", "pylock.toml", "Pipfile.lock",
                                  "pylock.dev.toml"])
def test_a_readable_lock_is_named_with_its_command(tmp_path: Path, lock: str) -> None:
    path = pyproject_beside(tmp_path, lock)
    [note] = lock_notes(path)
    assert note.startswith(f"{lock} sits next to pyproject.toml")
    assert f"run `wheelfit check {tmp_path / lock}`" in note


def test_two_locks_name_the_first_and_mention_the_other(tmp_path: Path) -> None:
    [note] = lock_notes(pyproject_beside(tmp_path, "poetry.lock", "uv.lock"))
    assert note.startswith("uv.lock sits next to pyproject.toml (poetry.lock too)")


def test_pdm_lock_is_named_with_the_export_that_makes_it_checkable(tmp_path: Path) -> None:
    [note] = lock_notes(pyproject_beside(tmp_path, "pdm.lock"))
    assert f"`pdm export -o {tmp_path / 'requirements.txt'}`" in note


def test_no_lock_no_note(tmp_path: Path) -> None:
    assert lock_notes(pyproject_beside(tmp_path)) == []


def test_a_requirements_file_beside_a_lock_gets_no_note(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text("")
    path = tmp_path / "requirements.txt"
    path.write_text("requests\n")
    assert lock_notes(path) == []


def test_a_path_with_spaces_is_quoted_for_the_shell(tmp_path: Path) -> None:
    folder = tmp_path / "my service"
    folder.mkdir()
    [note] = lock_notes(pyproject_beside(folder, "uv.lock"))
    assert f"wheelfit check '{folder / 'uv.lock'}'" in note
