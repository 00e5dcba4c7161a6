"""Dockerfiles for each way of building the image (pure: Report + variant name → text).

The base tag is pinned to the patch release the report was checked against; when the
official images never had that Python on that release, the FROM lines read a build argument
and the header says so and names the nearest published tag. apt and apk
packages are not version-pinned (hadolint DL3008/DL3018 are ignored with a comment saying why);
pip versions come from the requirements file (DL3013). Multi-stage variants bind-mount the
builder's wheels into the one RUN that installs them, so no wheel directory reaches a layer.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from wheelfit.compat.targets import image_gap, image_tag
from wheelfit.errors import UsageError
from wheelfit.formats.summary import plan_gaps
from wheelfit.model import Report, Target, Variant
from wheelfit.sizing.estimate import (
    ALPINE,
    ALPINE_CLEANUP,
    ALPINE_MULTISTAGE,
    RUST_PACKAGES,
    SLIM,
    SLIM_MULTISTAGE,
    VARIANTS,
    SystemPackages,
    keeps_system_packages,
    system_packages,
)

VIRTUAL = ".build-deps"
WHEELS = "/wheels"
HASHES = " --require-hashes"
HASHED_WHEELS_NOTE = ("# The builder checked every download against the lock's hashes; the wheels "
                      "it built from sdists have no hash in the lock, so they are installed as "
                      "files.")
APT_PIN_NOTE = ("# apt packages are not version-pinned (hadolint DL3008): Debian point releases "
                "replace those versions.")
APK_PIN_NOTE = ("# apk packages are not version-pinned (hadolint DL3018): each Alpine release "
                "carries one version and replaces it with fixes.")
MOUNT_NOTE = ("# The wheels are bind-mounted from the builder for this RUN only: a COPY of them "
              "would stay in its own layer even if deleted later.")
GAP_NOTE = "# Not covered by the system packages below ({name}): {gap}"
GAP_ALONE_NOTE = "# Not covered: this stage installs no system packages ({name}): {gap}"
IMAGE_ARG = "PYTHON_IMAGE"
CLEANUP_NOTE = (f"# Build packages exist only inside this RUN: added as the virtual package "
                f"{VIRTUAL} and deleted before the layer is written.")


def variant_target(report: Report, variant: str) -> Target:
    if variant not in VARIANTS:
        raise UsageError(f"unknown image variant {variant!r}",
                         hint=f"Use one of: {', '.join(VARIANTS)}.")
    family = Variant.SLIM if variant.startswith(SLIM) else Variant.ALPINE
    for target in report.targets:
        if target.variant is family:
            return target
    raise UsageError(f"the report has no {family.value} target to write a Dockerfile for",
                     hint=f"Check with --target {family.value}.")


def base_tag(target: Target) -> str:
    """The pinned official image tag, e.g. python:3.12.14-slim-trixie; `${PYTHON_IMAGE}`
    when no official image has the target's Python on its release (`image_header`)."""
    return image_tag(target) if target.nearest_published is None else f"${{{IMAGE_ARG}}}"


def image_header(target: Target) -> list[str]:
    """For a target no official image exists for: that sentence, how to give the base image,
    and the ARG the FROM lines read (nothing otherwise)."""
    gap = image_gap(target)
    if gap is None:
        return []
    distro = "Debian" if target.variant is Variant.SLIM else "Alpine"
    return [f"# {gap[0].upper()}{gap[1:]}.",
            f"# This file was planned for {distro} {target.release}: build it with "
            f"--build-arg {IMAGE_ARG}=<a CPython {target.python} image on {distro} "
            f"{target.release}>.",
            f"ARG {IMAGE_ARG}"]


def gap_pairs(report: Report, target: Target) -> list[tuple[str, str]]:
    """(package, need) for each need a build plan names no system package for on this
    target (`formats.summary.plan_gaps` of the verdicts that keep system packages)."""
    return [(pkg.name, gap) for pkg in report.packages
            if (v := pkg.verdicts.get(target.name)) is not None and keeps_system_packages(v)
            for gap in plan_gaps(v, reason_shown=False)]


def gap_comment(name: str, gap: str, *, packages_follow: bool) -> str:
    """The comment for one gap, worded by what follows it: the stage's package install
    ("below"), or no system package at all."""
    return (GAP_NOTE if packages_follow else GAP_ALONE_NOTE).format(name=name, gap=gap)


def gap_notes(report: Report, target: Target, *, packages_follow: bool) -> list[str]:
    """A comment per need a build plan names no system package for on this target, for the
    top of the stage that builds: the packages it installs do not cover that need."""
    return [gap_comment(name, gap, packages_follow=packages_follow)
            for name, gap in gap_pairs(report, target)]


def _apt(packages: Sequence[str]) -> list[str]:
    if not packages:
        return []
    return [APT_PIN_NOTE, "# hadolint ignore=DL3008",
            "RUN apt-get update \\",
            f"    && apt-get install -y --no-install-recommends {' '.join(packages)} \\",
            "    && rm -rf /var/lib/apt/lists/*"]


def apk_lines(packages: Sequence[str]) -> list[str]:
    """`apk add` of these packages (nothing when there are none)."""
    if not packages:
        return []
    return [APK_PIN_NOTE, "# hadolint ignore=DL3018",
            f"RUN apk add --no-cache {' '.join(packages)}"]


def env_prefix(system: SystemPackages) -> str:
    """`KEY=value ` assignments the source builds need, for the front of a command."""
    return "".join(f"{key}={shlex.quote(value)} " for key, value in system.env)


def _copy(requirements: str) -> str:
    return f"COPY {requirements} {requirements}"


def _install(requirements: str, env: str = "", hashes: bool = False) -> str:
    return f"RUN {env}pip install --no-cache-dir{HASHES if hashes else ''} -r {requirements}"


def system_install(target: Target, packages: Sequence[str]) -> list[str]:
    """apt or apk lines that install these packages on the target's image."""
    return _apt(packages) if target.variant is Variant.SLIM else apk_lines(packages)


def _single(target: Target, system: SystemPackages, requirements: str, hashes: bool,
            report: Report) -> list[str]:
    packages = sorted(set(system.build) | set(system.runtime))
    gaps = gap_notes(report, target, packages_follow=bool(packages))
    return [f"FROM {base_tag(target)}", *gaps, *system_install(target, packages), "WORKDIR /app",
            _copy(requirements), _install(requirements, env_prefix(system), hashes)]


def cleanup_run(system: SystemPackages, command: str, mounts: Sequence[str] = ()) -> list[str]:
    """One RUN that adds the build-only apk packages as a virtual package, runs `command`
    and deletes them again (and Rust's download cache when Rust was among them)."""
    build = system.build_only
    tail = " \\\n    && rm -rf /root/.cargo" if set(build) & RUST_PACKAGES else ""
    head = "".join(f"{m} \\\n    " for m in mounts)
    return [CLEANUP_NOTE, APK_PIN_NOTE, "# hadolint ignore=DL3018",
            f"RUN {head}apk add --no-cache --virtual {VIRTUAL} {' '.join(build)} \\",
            f"    && {env_prefix(system)}{command} \\",
            f"    && apk del {VIRTUAL}{tail}"]


def _cleanup(target: Target, system: SystemPackages, requirements: str, hashes: bool,
             report: Report) -> list[str]:
    follow = bool(system.runtime or system.build_only)
    gaps = gap_notes(report, target, packages_follow=follow)
    lines = [f"FROM {base_tag(target)}", *gaps, *apk_lines(system.runtime), "WORKDIR /app",
             _copy(requirements)]
    if not system.build_only:
        return [*lines, _install(requirements, env_prefix(system), hashes)]
    flags = HASHES if hashes else ""
    return [*lines, *cleanup_run(
        system, f"pip install --no-cache-dir{flags} -r {requirements}")]


def _multistage(target: Target, system: SystemPackages, requirements: str, hashes: bool,
                report: Report) -> list[str]:
    builder = sorted(set(system.build) | set(system.runtime))
    gaps = gap_notes(report, target, packages_follow=bool(builder))
    flags = HASHES if hashes else ""
    install = (f"    pip install --no-cache-dir --no-index --no-deps {WHEELS}/*.whl" if hashes
               else f"    pip install --no-cache-dir --no-index --find-links {WHEELS} "
                    f"-r {requirements}")
    return [
        f"FROM {base_tag(target)} AS builder", *gaps, *system_install(target, builder),
        "WORKDIR /src",
        _copy(requirements),
        f"RUN {env_prefix(system)}pip wheel --no-cache-dir{flags} --wheel-dir {WHEELS} "
        f"-r {requirements}",
        "",
        f"FROM {base_tag(target)}", *system_install(target, system.runtime), "WORKDIR /app",
        _copy(requirements), MOUNT_NOTE, *([HASHED_WHEELS_NOTE] if hashes else []),
        f"RUN --mount=type=bind,from=builder,source={WHEELS},target={WHEELS} \\",
        install,
    ]


def dockerfile(report: Report, variant: str, *, requirements_path: str = "requirements.txt",
               require_hashes: bool = False) -> str:
    """A Dockerfile for one variant (`slim`, `slim-multistage`, `alpine`, `alpine-cleanup`,
    `alpine-multistage`), with the system packages the report's source builds need; with
    `require_hashes`, pip checks every download against the file's hashes."""
    target = variant_target(report, variant)
    system = system_packages(report, target)
    requirements = shlex.quote(requirements_path)
    if variant in (SLIM, ALPINE):
        body = _single(target, system, requirements, require_hashes, report)
    elif variant == ALPINE_CLEANUP:
        body = _cleanup(target, system, requirements, require_hashes, report)
    else:
        assert variant in (SLIM_MULTISTAGE, ALPINE_MULTISTAGE)
        body = _multistage(target, system, requirements, require_hashes, report)
    return join(report, variant, body)


def join(report: Report, variant: str, body: Sequence[str]) -> str:
    """The Dockerfile's text: the syntax line, what generated it, that no official image
    exists when none does (`image_header`), then the body."""
    header = ["# syntax=docker/dockerfile:1",
              f"# Generated by wheelfit for {report.input}: the {variant} variant.",
              *image_header(variant_target(report, variant))]
    return "\n".join([*header, *body]) + "\n"
