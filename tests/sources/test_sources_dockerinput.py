"""A Dockerfile as an input (sources/dockerinput.py): the target from the final FROM, the
inputs from the install lines, the inline specs, and what is listed instead of guessed.

The corpus table lays each recorded Dockerfile of tests/data/dockerfiles/ into a build
context holding the inputs its manifest lists, so what is checked is compared with the
manifest's own `inputs` and `final`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec
from wheelfit.sources.dockerinput import dockerfile_in, is_dockerfile, load_dockerfile
from wheelfit.sources.load import load_spec

CORPUS = Path(__file__).resolve().parents[1] / "data" / "dockerfiles"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
PYPROJECT = '[project]\nname = "svc"\nversion = "1"\ndependencies = ["idna"]\n'
# Entries whose inputs are all requirements files, pyproject.toml or a project folder: the
# context can be laid out with stand-ins. Locks need real content and are tested apart.
READABLE = [e for e in MANIFEST["entries"] if e["expected"]["inputs"] and all(
    i.endswith(".txt") or i in (".", "pyproject.toml", "setup.py")
    for i in e["expected"]["inputs"])]


def lay_out(tmp_path: Path, entry: dict[str, Any]) -> Path:
    """The entry's Dockerfile in a context holding a stand-in for each input."""
    dockerfile = tmp_path / "Dockerfile"
    shutil.copyfile(CORPUS / entry["dockerfile"], dockerfile)
    for name in entry["expected"]["inputs"]:
        target = tmp_path / ("pyproject.toml" if name == "." else name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(PYPROJECT if target.name == "pyproject.toml" else "idna==3.7\n")
    return dockerfile


def checked_inputs(entry: dict[str, Any]) -> set[str]:
    """The manifest's inputs as wheelfit reads them: a folder through its pyproject.toml,
    setup.py never, a `-c` file as the constraints of the others."""
    expected = entry["expected"]
    constraints = {Path(c).name for i in expected["python_installs"]
                   for c in i.get("constraints", ())}
    names = {"pyproject.toml" if n == "." else n for n in expected["inputs"]}
    return {n for n in names if Path(n).name not in constraints} - {"setup.py"}


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder / "Dockerfile"


def load(path: Path, context: Path | None = None) -> list[DependencySpec]:
    return load_dockerfile(path, load_spec, context=context)


@pytest.mark.parametrize("entry", READABLE, ids=[e["name"] for e in READABLE])
def test_corpus_inputs_are_the_files_checked(entry: dict[str, Any], tmp_path: Path) -> None:
    specs = load(lay_out(tmp_path, entry))
    files = {str(Path(s.path).relative_to(tmp_path)) for s in specs
             if not s.path.endswith("(install lines)")}
    assert files == checked_inputs(entry)


@pytest.mark.parametrize("entry", READABLE, ids=[e["name"] for e in READABLE])
def test_corpus_python_is_the_final_from(entry: dict[str, Any], tmp_path: Path) -> None:
    specs = load(lay_out(tmp_path, entry))
    expected = entry["expected"]["final"]["python"]
    if expected is not None and "." not in expected:
        expected = None  # python:3-alpine names only the major: no hint, the date decides
    assert {s.python.version if s.python else None for s in specs} == {expected}


def test_slim_bookworm_tag_gives_python_variant_and_release(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.11-slim-bookworm\n"
                            "COPY requirements.txt .\nRUN pip install -r requirements.txt\n",
                            "requirements.txt": "idna==3.7\n"})
    (spec,) = load(path)
    assert spec.dockerfile is not None
    assert (spec.python and spec.python.version, spec.dockerfile.variant,
            spec.dockerfile.release) == ("3.11", "slim", "bookworm")


def test_final_stage_sets_the_target_not_the_builder(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.9 AS build\n"
                            "COPY requirements.txt .\nRUN pip wheel -r requirements.txt -w /w\n"
                            "FROM python:3.12-alpine3.20\nCOPY --from=build /w /w\n",
                            "requirements.txt": "idna==3.7\n"})
    (spec,) = load(path)
    assert spec.python is not None and spec.python.version == "3.12"
    assert spec.dockerfile is not None and spec.dockerfile.release == "3.20"


def test_dockerfile_python_beats_requires_python(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.13-slim\nCOPY . /app\n"
                            "RUN pip install /app\n",
                            "pyproject.toml": PYPROJECT + 'requires-python = ">=3.10"\n'})
    (spec,) = load(path)
    assert spec.python is not None and spec.python.version == "3.13"


def test_unversioned_tag_leaves_the_python_open(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:slim\nRUN pip install flask\n"})
    (spec,) = load(path)
    assert spec.python is None and spec.dockerfile is not None
    assert "names no Python version" in spec.dockerfile.target


def test_inline_specs_are_one_requirements_input(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12-slim\n"
                            "RUN pip install --upgrade pip setuptools\n"
                            "RUN pip install --no-cache-dir 'flask==3.0.3' gunicorn ./vendor\n"})
    (spec,) = load(path)
    assert [(str(e.requirement), e.origin) for e in spec.requirements] == [
        ("flask==3.0.3", f"{path}:3"), ("gunicorn", f"{path}:3")]


def test_a_named_input_missing_from_the_context_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12\nCOPY requirements.txt .\n"
                            "RUN pip install -r requirements.txt\n"})
    with pytest.raises(InputFileError, match="not in the build context") as caught:
        load(path)
    assert "--context" in (caught.value.hint or "")


def test_context_option_is_where_inputs_are_read(tmp_path: Path) -> None:
    path = write(tmp_path / "docker", {"Dockerfile": "FROM python:3.12\n"
                                       "COPY app/requirements.txt .\n"
                                       "RUN pip install -r requirements.txt\n"})
    write(tmp_path, {"app/requirements.txt": "idna==3.7\n"})
    (spec,) = load(path, context=tmp_path)
    assert spec.path == str(tmp_path / "app" / "requirements.txt")


def test_nothing_readable_is_an_error_naming_why(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12\nCOPY setup.py .\n"
                            "RUN pip install .\n", "setup.py": ""})
    with pytest.raises(InputFileError, match="no dependency input"):
        load(path)


def test_setup_py_is_listed_as_not_read(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12\nCOPY setup.py .\n"
                            "RUN pip install . flask\n", "setup.py": ""})
    (spec,) = load(path)
    assert spec.dockerfile is not None
    assert [n.split(":")[0] for n in spec.dockerfile.not_read] == ["setup.py"]


def test_not_modelled_items_name_instruction_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12\n"
                            "RUN pip install flask && python setup_assets.py\n"})
    (spec,) = load(path)
    assert spec.dockerfile is not None
    assert spec.dockerfile.not_modelled == ("not modelled: python setup_assets.py (line 2)",)


def test_pyproject_is_checked_through_its_lock(tmp_path: Path) -> None:
    project = Path(__file__).resolve().parents[1] / "data" / "sources" / "locks" / "uv"
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12-slim\n"
                            "COPY pyproject.toml uv.lock ./\nRUN uv sync --frozen\n",
                            "pyproject.toml": PYPROJECT,
                            "uv.lock": (project / "uv.lock").read_text()})
    specs = load(path)
    assert [Path(s.path).name for s in specs] == ["uv.lock"]


@pytest.mark.parametrize(("name", "expected"), [
    ("Dockerfile", True), ("Containerfile", True), ("api.Dockerfile", True),
    ("Dockerfile.prod", True), ("requirements.txt", False), ("dockerfile.md", False),
])
def test_dockerfile_names(name: str, expected: bool) -> None:
    assert is_dockerfile(Path(name)) is expected


def test_folder_dockerfile_is_found(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12\n"})
    assert dockerfile_in(tmp_path) == path


def test_constraints_file_pins_the_inputs_instead_of_being_one(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12\nCOPY req.txt c.txt ./\n"
                            "RUN pip install -r req.txt -c c.txt flask\n",
                            "req.txt": "requests\n", "c.txt": "idna==3.7\n"})
    specs = load(path)
    assert [(Path(s.path).name, [str(c.requirement) for c in s.constraints]) for s in specs] == [
        ("req.txt", ["idna==3.7"]), ("Dockerfile (install lines)", ["idna==3.7"])]


def test_parser_tells_constraint_inputs_apart() -> None:
    from wheelfit.sources.dockerfile import parse_dockerfile

    model = parse_dockerfile("FROM python:3.12\nCOPY req.txt c.txt ./\n"
                             "RUN pip install -r req.txt -c c.txt\n", "Dockerfile")
    assert (model.inputs, model.constraint_inputs) == (("req.txt", "c.txt"), ("c.txt",))


def test_nothing_readable_hint_names_the_install_it_could_not_read(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12\nRUN rm -rf /tmp/x\n"
                            "RUN pip install https://example.org/${VERSION}.zip\n"})
    with pytest.raises(InputFileError) as caught:
        load(path)
    assert "(line 3)" in (caught.value.hint or "") and "rm -rf" not in (caught.value.hint or "")


def test_selection_flags_of_install_lines_are_listed_not_applied(tmp_path: Path) -> None:
    path = write(tmp_path, {"Dockerfile": "FROM python:3.12\n"
                            "RUN pip install --no-cache-dir --only-binary=:all: flask\n"})
    (spec,) = load(path)
    assert spec.dockerfile is not None and spec.dockerfile.not_modelled == (
        "not modelled: pip install --only-binary=:all: (line 2; pass it to wheelfit check)",)
