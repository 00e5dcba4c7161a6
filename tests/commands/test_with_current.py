"""`check` attaches today's image to the reports of a Dockerfile: once per Dockerfile."""

from __future__ import annotations

from pathlib import Path

from wheelfit.commands.check import with_current
from wheelfit.compat.targets import make_target
from wheelfit.model import (
    DependencySpec,
    DockerfileInfo,
    Estimate,
    PackageResult,
    Report,
    Status,
    Variant,
    Verdict,
)

TARGETS = (make_target(Variant.SLIM, "3.12", "x86_64", debian="trixie"),
           make_target(Variant.ALPINE, "3.12", "x86_64", alpine="3.24"))

DOCKERFILE = """FROM python:3.12-slim-trixie
RUN pip install --no-cache-dir -r a.txt -r b.txt flask
"""


def _spec(tmp_path: Path, name: str) -> DependencySpec:
    info = DockerfileInfo(path=str(tmp_path / "Dockerfile"), context=str(tmp_path),
                          final_stage="0", base="python:3.12-slim-trixie", base_line=1,
                          python="3.12", variant="slim", release="trixie", target="slim")
    return DependencySpec(path=name, format="requirements", dockerfile=info)


def _report(name: str, pkg: str) -> Report:
    one = Verdict(Status.PURE_WHEEL, "1.0", installed_bytes=1_000_000)
    result = PackageResult(pkg, "1.0", ("-r",), {"slim": one, "alpine": one}, direct=True)
    return Report(input=name, input_format="requirements", targets=TARGETS,
                  python_source="default", packages=(result,), estimate=Estimate(()))


def test_one_dockerfile_with_two_inputs_is_one_image(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    reports = [_report("a.txt", "django"), _report("b.txt", "flask")]
    done = with_current(reports, [_spec(tmp_path, "a.txt"), _spec(tmp_path, "b.txt")])
    first, second = done[0].current, done[1].current
    assert second is None and first is not None
    assert first.inputs == ("a.txt", "b.txt")
    assert "2 Python package(s) of a.txt, b.txt" in "\n".join(first.layers[1].basis)


def test_a_spec_without_a_dockerfile_is_left_alone(tmp_path: Path) -> None:
    plain = DependencySpec(path="a.txt", format="requirements")
    done = with_current([_report("a.txt", "django")], [plain])
    assert done[0].current is None
