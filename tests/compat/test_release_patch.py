"""A target on a release whose images stopped carries that release's last patch, and its
image tag names it (tests/data/compat/release_patches.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.compat.targets import image_tag, make_target
from wheelfit.model import Variant

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "compat" / "release_patches.yaml")
    .read_text(encoding="utf-8"))["cases"]


def _target(case: dict[str, Any]) -> Any:
    variant = Variant(case["variant"])
    release = {"debian": case["release"]} if variant is Variant.SLIM else {
        "alpine": case["release"]}
    return make_target(variant, case["python"], **release)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['python']}-{c['release']}")
def test_target_full_version(case: dict[str, Any]) -> None:
    assert _target(case).python_full == str(case["full"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['python']}-{c['release']}")
def test_image_tag(case: dict[str, Any]) -> None:
    assert image_tag(_target(case)) == case["tag"]

