"""The examples/fleet fixture: discovery picks one file per service (a Dockerfile first) and
each one loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.model import DependencySpec
from wheelfit.sources import load_spec
from wheelfit.sources.discover import discover
from wheelfit.sources.dockerinput import is_dockerfile, load_dockerfile

FLEET = Path(__file__).resolve().parents[2] / "examples" / "fleet"


def load(path: Path) -> DependencySpec:
    """The service's one spec: its dependency file, or the one input its Dockerfile names."""
    if is_dockerfile(path):
        (spec,) = load_dockerfile(path, lambda p: load_spec(p, environ={}))
        return spec
    return load_spec(path, environ={})


def test_one_file_per_service() -> None:
    found = [str(path.relative_to(FLEET)) for path, _ in discover(FLEET)]
    assert found == ["api/Dockerfile", "billing/poetry.lock", "gateway/uv.lock",
                     "ml/requirements.txt", "worker/pyproject.toml"]


def test_locks_chosen_over_pyproject_with_notes() -> None:
    notes = [note for _, note in discover(FLEET) if note]
    assert [note.rsplit(": ", 1)[1] for note in notes] == [
        "chosen over requirements.txt", "chosen over pyproject.toml", "chosen over pyproject.toml"]


@pytest.mark.parametrize("path", [p for p, _ in discover(FLEET)], ids=lambda p: p.parent.name)
def test_every_service_loads_cleanly(path: Path) -> None:
    spec = load(path)
    assert spec.problems == () and (spec.requirements or spec.locked)


@pytest.mark.parametrize("path", [p for p, _ in discover(FLEET)], ids=lambda p: p.parent.name)
def test_every_service_has_3_to_15_packages(path: Path) -> None:
    spec = load(path)
    count = len(spec.locked) if spec.locked is not None else len(spec.requirements)
    assert 3 <= count <= 15


@pytest.mark.parametrize(("service", "version"), [("api", "3.11"), ("ml", "3.11"),
                                                  ("worker", "3.12"), ("billing", "3.11"),
                                                  ("gateway", "3.12")])
def test_python_hints(service: str, version: str) -> None:
    path = next(p for p, _ in discover(FLEET) if p.parent.name == service)
    hint = load(path).python
    assert hint is not None and hint.version == version


def test_billing_lock_marks_colorama_windows_only() -> None:
    spec = load_spec(FLEET / "billing" / "poetry.lock", environ={})
    assert spec.locked is not None
    colorama = next(p for p in spec.locked if p.name == "colorama")
    assert str(colorama.marker) == 'platform_system == "Windows"'


def test_gateway_project_is_skipped_as_itself() -> None:
    spec = load_spec(FLEET / "gateway" / "uv.lock", environ={})
    assert [(s.text, s.reason) for s in spec.skipped] == [("gateway 0.1.0", "the project itself")]
