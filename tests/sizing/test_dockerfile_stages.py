"""Generated Dockerfiles, checked stage by stage."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from estimate_factory import package, report, targets, verdict

from wheelfit.errors import UsageError
from wheelfit.formats.dockerfile import dockerfile
from wheelfit.model import Report
from wheelfit.sizing.estimate import VARIANTS

APT_BUILD = {"build-essential", "libpq-dev"}
APK_BUILD = {"build-base", "libpq-dev", "cargo"}


@dataclass
class Stage:
    base: str
    name: str | None
    runs: list[str]
    lines: list[str]


def stages(text: str) -> list[Stage]:
    """Split a Dockerfile into stages; RUN continuation lines are joined into one command."""
    result: list[Stage] = []
    logical: list[str] = []
    for raw in text.splitlines():
        if logical and logical[-1].endswith("\\"):
            logical[-1] = logical[-1][:-1].rstrip() + " " + raw.strip()
        else:
            logical.append(raw)
    for line in logical:
        if line.startswith("FROM "):
            parts = line.split()
            result.append(Stage(parts[1], parts[3] if len(parts) > 3 else None, [], []))
        elif result and line and not line.startswith("#"):
            result[-1].lines.append(line)
            if line.startswith("RUN "):
                result[-1].runs.append(line)
    return result


def packages_installed(run: str) -> set[str]:
    """Package names after `apk add [flags]` or `apt-get install [flags]` in one RUN."""
    names: set[str] = set()
    for command in run.split("&&"):
        words = command.split()
        if "add" in words and "apk" in words:
            rest = words[words.index("add") + 1:]
        elif "install" in words and "apt-get" in words:
            rest = words[words.index("install") + 1:]
        else:
            continue
        skip_next = False
        for word in rest:
            if skip_next:
                skip_next = False
            elif word == "--virtual":
                skip_next = True
            elif not word.startswith("-"):
                names.add(word)
    return names


def _report() -> Report:
    return report([
        package("psycopg2", verdict("source-build", apt=["libpq-dev"], apt_runtime=["libpq5"]),
                verdict("source-build", apk=["libpq-dev"], apk_runtime=["libpq"])),
        package("cryptography", verdict("binary-wheel", installed_mb=7.0),
                verdict("source-build", apk=["cargo"],
                        env={"CARGO_NET_GIT_FETCH_WITH_CLI": "true"})),
        package("requests", verdict("pure-wheel"), verdict("pure-wheel")),
    ])


def test_slim_single_stage() -> None:
    (stage,) = stages(dockerfile(_report(), "slim"))
    assert stage.base == "python:3.12.14-slim-trixie"
    (apt, pip) = stage.runs
    assert packages_installed(apt) == APT_BUILD | {"libpq5"}
    assert "--no-install-recommends" in apt and apt.endswith("rm -rf /var/lib/apt/lists/*")
    assert pip == "RUN pip install --no-cache-dir -r requirements.txt"


def test_slim_multistage_final_stage_has_runtime_libraries_only() -> None:
    builder, final = stages(dockerfile(_report(), "slim-multistage"))
    assert builder.name == "builder" and builder.base == final.base
    assert packages_installed(builder.runs[0]) >= APT_BUILD
    assert "pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt" in builder.runs[-1]
    assert packages_installed(final.runs[0]) == {"libpq5"}
    install = final.runs[-1]
    assert install.startswith("RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels")
    assert "--no-index --find-links /wheels" in install
    assert not any(line.startswith(("COPY --from", "ADD")) for line in final.lines)


def test_alpine_single_stage_keeps_build_packages() -> None:
    (stage,) = stages(dockerfile(_report(), "alpine"))
    assert stage.base == "python:3.12.14-alpine3.24"
    assert packages_installed(stage.runs[0]) == APK_BUILD | {"libpq"}
    assert stage.runs[0].startswith("RUN apk add --no-cache ")
    assert stage.runs[-1].startswith("RUN CARGO_NET_GIT_FETCH_WITH_CLI=true pip install")


def test_alpine_cleanup_deletes_build_deps_in_the_same_run_as_the_install() -> None:
    (stage,) = stages(dockerfile(_report(), "alpine-cleanup"))
    runtime, build = stage.runs
    assert packages_installed(runtime) == {"libpq"} and "--virtual" not in runtime
    assert "apk add --no-cache --virtual .build-deps" in build
    assert packages_installed(build) == APK_BUILD
    steps = [s.strip() for s in build.removeprefix("RUN ").split("&&")]
    assert steps[1].endswith("pip install --no-cache-dir -r requirements.txt")
    assert steps[2] == "apk del .build-deps" and steps[3] == "rm -rf /root/.cargo"


def test_alpine_multistage_final_stage_has_no_build_packages() -> None:
    builder, final = stages(dockerfile(_report(), "alpine-multistage"))
    assert packages_installed(builder.runs[0]) == APK_BUILD | {"libpq"}
    assert packages_installed(final.runs[0]) == {"libpq"}
    assert not packages_installed(" ".join(final.runs)) & APK_BUILD
    assert "/wheels" not in " ".join(line for line in final.lines if not line.startswith("RUN"))


def test_no_source_builds_means_no_system_packages_and_no_build_deps() -> None:
    r = report([package("requests", verdict("pure-wheel"), verdict("pure-wheel"))])
    for variant in VARIANTS:
        text = dockerfile(r, variant)
        assert "apk add" not in text and "apt-get" not in text and ".build-deps" not in text


QT6_GAP = ("Qt 6: Debian bullseye has no package for it (Debian bookworm has): build on a "
           "python:*-slim-bookworm image or newer (--debian bookworm), or use a version of "
           "pyqt6 with a wheel for this image")
QT6_COMMENT = f"# Not covered by the system packages below (pyqt6): {QT6_GAP}"


def _with_gap(gap: str = QT6_GAP) -> Report:
    """`_report()` plus pyqt6, built on slim with a need the plan has no package for."""
    slim = verdict("source-build", apt=["libx11-dev"])
    assert slim.build is not None
    slim = replace(slim, build=replace(slim.build, unknown=(gap,)))
    base = _report()
    qt = package("pyqt6", slim, verdict("source-build", apk=["qt6-qtbase-dev"]))
    return replace(base, packages=(*base.packages, qt))


def test_a_need_the_release_does_not_package_is_a_comment_above_the_apt_install() -> None:
    lines = dockerfile(_with_gap(), "slim").splitlines()
    at = lines.index(QT6_COMMENT)
    assert lines[at + 1:at + 4] == ["# apt packages are not version-pinned (hadolint DL3008): "
                                    "Debian point releases replace those versions.",
                                    "# hadolint ignore=DL3008", "RUN apt-get update \\"]


def test_the_gap_is_said_in_the_builder_stage_only() -> None:
    text = dockerfile(_with_gap(), "slim-multistage")
    assert text.count(QT6_COMMENT) == 1
    assert text.index(QT6_COMMENT) < text.index("pip wheel")


def test_a_gap_on_slim_is_not_said_on_alpine() -> None:
    for variant in ("alpine", "alpine-cleanup", "alpine-multistage"):
        assert "Not covered" not in dockerfile(_with_gap(), variant)


def test_a_gap_with_a_line_break_stays_one_comment_line() -> None:
    text = dockerfile(_with_gap("Qt 6: none\nRUN rm -rf /"), "slim")
    assert "# Not covered by the system packages below (pyqt6): Qt 6: none RUN rm -rf /" \
        in text.splitlines()


ZBAR_GAP = "zbar: Debian trixie has no package for it"


def _gap_alone() -> Report:
    """A pure wheel that loads a library the release does not package: a gap, and no
    system package to install for it."""
    slim = verdict("pure-wheel", apt_runtime=["libzbar0"])
    assert slim.build is not None
    slim = replace(slim, build=replace(slim.build, apt_runtime=(), unknown=(ZBAR_GAP,)))
    return report([package("pyzbar", slim, verdict("pure-wheel"))])


@pytest.mark.parametrize("variant", ["slim", "slim-multistage"])
def test_a_gap_with_no_package_line_after_it_does_not_say_below(variant: str) -> None:
    text = dockerfile(_gap_alone(), variant)
    assert "apt-get" not in text
    assert ("# Not covered: this stage installs no system packages (pyzbar): "
            f"{ZBAR_GAP}") in text.splitlines()
    assert "below" not in text


def test_a_gap_followed_by_packages_still_says_below() -> None:
    assert QT6_COMMENT in dockerfile(_with_gap(), "slim-multistage").splitlines()


@pytest.mark.parametrize("variant", VARIANTS)
def test_hadolint_rules_are_followed_or_documented(variant: str) -> None:
    text = dockerfile(_report(), variant)
    for stage in stages(text):
        for run in stage.runs:
            if "apk add" in run:
                assert "--no-cache" in run  # DL3019
            if "apt-get install" in run:
                assert "rm -rf /var/lib/apt/lists/*" in run  # DL3009
            if "pip install" in run or "pip wheel" in run:
                assert "--no-cache-dir" in run  # DL3042
    if "apk add" in text:
        assert "hadolint ignore=DL3018" in text and "not version-pinned" in text
    if "apt-get install" in text:
        assert "hadolint ignore=DL3008" in text and "not version-pinned" in text
    assert text.startswith("# syntax=docker/dockerfile:1\n")


def test_requirements_path_and_historical_python() -> None:
    r = report([], targets(python="3.9", debian="bookworm", alpine="3.20"))
    text = dockerfile(r, "alpine-multistage", requirements_path="deps/prod.txt")
    # 3.9.22 is the last python:3.9 docker-library published on alpine3.20
    assert "FROM python:3.9.22-alpine3.20 AS builder" in text
    assert "COPY deps/prod.txt deps/prod.txt" in text and "-r deps/prod.txt" in text


def test_unknown_variant_and_missing_target_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        dockerfile(_report(), "distroless")
    only_slim = Report(input="r.txt", input_format="requirements", targets=targets()[:1],
                       python_source="default", packages=())
    with pytest.raises(UsageError):
        dockerfile(only_slim, "alpine")


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint not installed")
@pytest.mark.parametrize("variant", VARIANTS)
def test_hadolint_is_clean(variant: str, tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile(_report(), variant))
    result = subprocess.run(["hadolint", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
