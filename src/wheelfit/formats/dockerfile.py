"""Dockerfiles for each way of building the image (pure: Report + variant name → text).

The base tag is pinned to the patch release the report was checked against. apt and apk
packages are not version-pinned (hadolint DL3008/DL3018 are ignored with a comment saying why);
pip versions come from the requirements file (DL3013). Multi-stage variants bind-mount the
builder's wheels into the one RUN that installs them, so no wheel directory reaches a layer.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from wheelfit.compat.targets import image_tag
from wheelfit.errors import UsageError
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
    system_packages,
)

VIRTUAL = ".build-deps"
WHEELS = "/wheels"
APT_PIN_NOTE = ("# apt packages are not version-pinned (hadolint DL3008): Debian point releases "
                "replace those versions.")
APK_PIN_NOTE = ("# apk packages are not version-pinned (hadolint DL3018): each Alpine release "
                "carries one version and replaces it with fixes.")
MOUNT_NOTE = ("# The wheels are bind-mounted from the builder for this RUN only: a COPY of them "
              "would stay in its own layer even if deleted later.")
CLEANUP_NOTE = (f"# Build packages exist only inside this RUN: added as the virtual package "
                f"{VIRTUAL} and deleted before the layer is written.")


def _target(report: Report, variant: str) -> Target:
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
    """The pinned official image tag, e.g. python:3.12.14-slim-trixie."""
    return image_tag(target)


def _apt(packages: Sequence[str]) -> list[str]:
    if not packages:
        return []
    return [APT_PIN_NOTE, "# hadolint ignore=DL3008",
            "RUN apt-get update \\",
            f"    && apt-get install -y --no-install-recommends {' '.join(packages)} \\",
            "    && rm -rf /var/lib/apt/lists/*"]


def _apk(packages: Sequence[str]) -> list[str]:
    if not packages:
        return []
    return [APK_PIN_NOTE, "# hadolint ignore=DL3018",
            f"RUN apk add --no-cache {' '.join(packages)}"]


def _env(system: SystemPackages) -> str:
    return "".join(f"{key}={shlex.quote(value)} " for key, value in system.env)


def _copy(requirements: str) -> str:
    return f"COPY {requirements} {requirements}"


def _install(requirements: str, env: str = "") -> str:
    return f"RUN {env}pip install --no-cache-dir -r {requirements}"


def _system_install(target: Target, packages: Sequence[str]) -> list[str]:
    return _apt(packages) if target.variant is Variant.SLIM else _apk(packages)


def _single(target: Target, system: SystemPackages, requirements: str) -> list[str]:
    packages = sorted(set(system.build) | set(system.runtime))
    return [f"FROM {base_tag(target)}", *_system_install(target, packages), "WORKDIR /app",
            _copy(requirements), _install(requirements, _env(system))]


def _cleanup(target: Target, system: SystemPackages, requirements: str) -> list[str]:
    lines = [f"FROM {base_tag(target)}", *_apk(system.runtime), "WORKDIR /app", _copy(requirements)]
    build = system.build_only
    if not build:
        return [*lines, _install(requirements, _env(system))]
    tail = " \\\n    && rm -rf /root/.cargo" if set(build) & RUST_PACKAGES else ""
    return [*lines, CLEANUP_NOTE, APK_PIN_NOTE, "# hadolint ignore=DL3018",
            f"RUN apk add --no-cache --virtual {VIRTUAL} {' '.join(build)} \\",
            f"    && {_env(system)}pip install --no-cache-dir -r {requirements} \\",
            f"    && apk del {VIRTUAL}{tail}"]


def _multistage(target: Target, system: SystemPackages, requirements: str) -> list[str]:
    builder = sorted(set(system.build) | set(system.runtime))
    return [
        f"FROM {base_tag(target)} AS builder", *_system_install(target, builder), "WORKDIR /src",
        _copy(requirements),
        f"RUN {_env(system)}pip wheel --no-cache-dir --wheel-dir {WHEELS} -r {requirements}",
        "",
        f"FROM {base_tag(target)}", *_system_install(target, system.runtime), "WORKDIR /app",
        _copy(requirements), MOUNT_NOTE,
        f"RUN --mount=type=bind,from=builder,source={WHEELS},target={WHEELS} \\",
        f"    pip install --no-cache-dir --no-index --find-links {WHEELS} -r {requirements}",
    ]


def dockerfile(report: Report, variant: str, *, requirements_path: str = "requirements.txt") -> str:
    """A Dockerfile for one variant (`slim`, `slim-multistage`, `alpine`, `alpine-cleanup`,
    `alpine-multistage`), with the system packages the report's source builds need."""
    target = _target(report, variant)
    system = system_packages(report, target)
    requirements = shlex.quote(requirements_path)
    if variant in (SLIM, ALPINE):
        body = _single(target, system, requirements)
    elif variant == ALPINE_CLEANUP:
        body = _cleanup(target, system, requirements)
    else:
        assert variant in (SLIM_MULTISTAGE, ALPINE_MULTISTAGE)
        body = _multistage(target, system, requirements)
    header = ["# syntax=docker/dockerfile:1",
              f"# Generated by wheelfit for {report.input}: the {variant} variant."]
    return "\n".join([*header, *body]) + "\n"
