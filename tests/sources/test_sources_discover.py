"""discover(): one dependency file per service below a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.errors import InputFileError
from wheelfit.sources.discover import discover


def touch(root: Path, *paths: str, text: str = "") -> None:
    for rel in paths:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


PROJECT = '[project]\nname = "x"\nversion = "1"\n'


def rel(root: Path, found: list[tuple[Path, str]]) -> list[str]:
    return [str(path.relative_to(root)) for path, _ in found]


def test_one_file_per_service_sorted(tmp_path: Path) -> None:
    touch(tmp_path, "web/requirements.txt", "api/requirements.txt")
    assert rel(tmp_path, discover(tmp_path)) == ["api/requirements.txt", "web/requirements.txt"]


def test_lock_chosen_over_pyproject_with_a_note(tmp_path: Path) -> None:
    touch(tmp_path, "billing/poetry.lock")
    touch(tmp_path, "billing/pyproject.toml", text=PROJECT)
    ((path, note),) = discover(tmp_path)
    assert path.name == "poetry.lock"
    assert note == f"{path}: chosen over pyproject.toml"


@pytest.mark.parametrize(("files", "chosen"), [
    (["uv.lock", "poetry.lock", "requirements.txt"], "uv.lock"),
    (["poetry.lock", "pylock.toml"], "poetry.lock"),
    (["pylock.toml", "Pipfile.lock"], "pylock.toml"),
    (["Pipfile.lock", "requirements.txt"], "Pipfile.lock"),
    (["requirements.txt", "requirements.in"], "requirements.txt"),
    (["requirements.in", "requirements-dev.txt"], "requirements.in"),
    (["requirements-prod.txt", "requirements-dev.txt"], "requirements-prod.txt"),
])
def test_priority(tmp_path: Path, files: list[str], chosen: str) -> None:
    touch(tmp_path, *(f"svc/{f}" for f in files))
    assert discover(tmp_path)[0][0].name == chosen


def test_pyproject_beats_requirements(tmp_path: Path) -> None:
    touch(tmp_path, "svc/requirements.txt")
    touch(tmp_path, "svc/pyproject.toml", text=PROJECT)
    assert discover(tmp_path)[0][0].name == "pyproject.toml"


def test_tool_config_pyproject_is_not_a_service(tmp_path: Path) -> None:
    touch(tmp_path, "pyproject.toml", text="[tool.ruff]\nline-length = 100\n")
    touch(tmp_path, "svc/requirements.txt")
    assert rel(tmp_path, discover(tmp_path)) == ["svc/requirements.txt"]


def test_broken_pyproject_is_kept_so_the_check_reports_it(tmp_path: Path) -> None:
    touch(tmp_path, "svc/pyproject.toml", text="[project\n")
    assert rel(tmp_path, discover(tmp_path)) == ["svc/pyproject.toml"]


@pytest.mark.parametrize("folder", [".venv", "venv", "node_modules", ".git", ".tox",
                                    "__pycache__", "lib/site-packages"])
def test_skipped_folders(tmp_path: Path, folder: str) -> None:
    touch(tmp_path, f"{folder}/requirements.txt", "app/requirements.txt")
    assert rel(tmp_path, discover(tmp_path)) == ["app/requirements.txt"]


def test_folder_with_pyvenv_cfg_is_skipped(tmp_path: Path) -> None:
    touch(tmp_path, "env3/pyvenv.cfg", "env3/requirements.txt", "app/requirements.txt")
    assert rel(tmp_path, discover(tmp_path)) == ["app/requirements.txt"]


def test_dev_only_requirements_are_not_a_service(tmp_path: Path) -> None:
    touch(tmp_path, "svc/requirements-dev.txt", "svc/requirements-test.txt")
    assert discover(tmp_path) == []


def test_no_note_when_only_one_file(tmp_path: Path) -> None:
    touch(tmp_path, "svc/uv.lock")
    assert discover(tmp_path)[0][1] == ""


def test_root_that_is_not_a_directory(tmp_path: Path) -> None:
    touch(tmp_path, "file.txt")
    with pytest.raises(InputFileError, match="not a directory"):
        discover(tmp_path / "file.txt")


def test_empty_tree(tmp_path: Path) -> None:
    assert discover(tmp_path) == []


# requirements/ folders (issue 17 item 11)


def test_requirements_folder_is_found_as_its_parents_service(tmp_path: Path) -> None:
    touch(tmp_path, "web/requirements/base.txt", "web/manage.py")
    assert rel(tmp_path, discover(tmp_path)) == ["web/requirements/base.txt"]


@pytest.mark.parametrize(("files", "chosen"), [
    (["base.txt", "production.txt", "dev.txt"], "requirements/production.txt"),
    (["base.txt", "prod.txt", "test.txt"], "requirements/prod.txt"),
    (["base.txt", "local.txt"], "requirements/base.txt"),
    (["dev.txt", "web.txt"], "requirements/web.txt"),
])
def test_requirements_folder_priority(tmp_path: Path, files: list[str], chosen: str) -> None:
    touch(tmp_path, *(f"svc/requirements/{f}" for f in files))
    ((path, _),) = discover(tmp_path)
    assert path == tmp_path / "svc" / chosen


def test_top_level_requirements_txt_beats_the_folder(tmp_path: Path) -> None:
    touch(tmp_path, "svc/requirements.txt", "svc/requirements/prod.txt")
    ((path, note),) = discover(tmp_path)
    assert path.name == "requirements.txt"
    assert note == f"{path}: chosen over requirements/prod.txt"


def test_requirements_folder_of_only_dev_files_is_no_service(tmp_path: Path) -> None:
    touch(tmp_path, "svc/requirements/dev.txt", "svc/requirements/test.txt")
    assert discover(tmp_path) == []


def test_a_tree_of_services_with_and_without_folders(tmp_path: Path) -> None:
    touch(tmp_path, "api/uv.lock", "api/requirements/prod.txt",
          "web/requirements/base.txt", "web/requirements/production.txt",
          "worker/requirements.txt")
    assert rel(tmp_path, discover(tmp_path)) == [
        "api/uv.lock", "web/requirements/production.txt", "worker/requirements.txt"]
