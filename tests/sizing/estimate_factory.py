"""Builders of small synthetic reports for the estimate, recommend and dockerfile tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from wheelfit.compat.targets import make_target
from wheelfit.model import BuildNeeds, PackageResult, Report, Status, Target, Variant, Verdict

CASES = Path(__file__).parent.parent / "data" / "estimate"
MB = 1_000_000


def targets(python: str = "3.12", arch: str = "x86_64", debian: str = "trixie",
            alpine: str = "3.24") -> tuple[Target, Target]:
    """A slim and an alpine target."""
    return (make_target(Variant.SLIM, python, arch, debian=debian),
            make_target(Variant.ALPINE, python, arch, alpine=alpine))


def verdict(status: str | Status, *, installed_mb: float | None = None, version: str = "1.0",
            native: bool | None = None, apk: Iterable[str] = (), apk_runtime: Iterable[str] = (),
            apt: Iterable[str] = (), apt_runtime: Iterable[str] = (),
            env: Mapping[str, str] | None = None) -> Verdict:
    """One verdict; build needs only when some package list is given."""
    status = Status(status)
    needs = None
    if apk or apk_runtime or apt or apt_runtime or env:
        needs = BuildNeeds(apk=tuple(apk), apk_runtime=tuple(apk_runtime), apt=tuple(apt),
                           apt_runtime=tuple(apt_runtime), env=tuple((env or {}).items()))
    if native is None:
        native = status is not Status.PURE_WHEEL
    installed = int(installed_mb * MB) if installed_mb is not None else None
    return Verdict(status, version=version, native=native, build=needs, installed_bytes=installed)


def package(name: str, slim: Verdict, alpine: Verdict) -> PackageResult:
    """A package with one verdict per default target."""
    return PackageResult(name=name, version=slim.version or alpine.version, requested_by=("-r",),
                         verdicts={"slim": slim, "alpine": alpine}, direct=True)


def report(packages: Iterable[PackageResult], pair: tuple[Target, ...] | None = None) -> Report:
    """A report over the slim and alpine targets."""
    return Report(input="requirements.txt", input_format="requirements",
                  targets=targets() if pair is None else pair, python_source="default",
                  packages=tuple(packages))


def case_report(case: Mapping[str, Any]) -> Report:
    """A report from one YAML case of tests/data/estimate/cases.yaml."""
    pair = targets(**case.get("targets", {}))
    packages = [
        package(p["name"], verdict(**p["slim"]), verdict(**p["alpine"]))
        for p in case["packages"]
    ]
    return report(packages, pair)


def load_cases(name: str) -> list[dict[str, Any]]:
    """The cases of one YAML file under tests/data/estimate/."""
    with open(CASES / name, encoding="utf-8") as handle:
        data: list[dict[str, Any]] = yaml.safe_load(handle)
    return data
