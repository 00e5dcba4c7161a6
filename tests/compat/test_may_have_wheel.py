"""select.may_have_wheel: the name-only pre-check before judging a release's files."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from wheelfit.compat.select import Policy, best_candidate, may_have_wheel, wheel_needles
from wheelfit.compat.targets import default_targets
from wheelfit.model import DistFile

SLIM, ALPINE = default_targets(python="3.12")

CASES = [
    (["lib-1.0-cp312-cp312-win_amd64.whl"], False),
    (["lib-1.0-cp312-cp312-macosx_11_0_arm64.whl", "lib-1.0.tar.gz"], False),
    (["lib-1.0-py3-none-any.whl"], True),
    (["lib-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"], True),
    (["lib-1.0-cp312-cp312-MANYLINUX_2_17_X86_64.whl"], True),
    (["lib-1.0-cp312-cp312-manylinux_2_17_aarch64.whl"], False),
]


@pytest.mark.parametrize(("names", "expected"), CASES, ids=[c[0][0] for c in CASES])
def test_may_have_wheel_on_slim(names: list[str], expected: bool) -> None:
    assert may_have_wheel(names, SLIM) is expected


@pytest.mark.parametrize("names", [c[0] for c in CASES], ids=[c[0][0] for c in CASES])
def test_the_pre_check_agrees_with_the_choice(names: list[str]) -> None:
    files = [DistFile(n, "") for n in names]
    for target in (SLIM, ALPINE):
        found = best_candidate(Version("1.0"), files, "lib", target, Policy())
        assert found is not None
        chosen_wheel = found.file is not None and found.file.is_wheel
        assert may_have_wheel(names, target) or not chosen_wheel


_COMPONENTS = st.sampled_from([
    "any", "ANY", "linux_x86_64", "Linux_X86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
    "MANYLINUX1_X86_64", "musllinux_1_2_x86_64", "MUSLLINUX_1_1_X86_64", "musllinux_1_2_aarch64",
    "win_amd64", "macosx_11_0_arm64", "many", "linux", "x86_64", "\u0130", "\u212a", "\xe9"])


@given(st.lists(_COMPONENTS, min_size=1, max_size=4), st.sampled_from(["-", "-py3-none-"]))
def test_every_name_the_pre_check_takes_holds_a_needle(parts: list[str], middle: str) -> None:
    """`wheel_needles`: text without any of them (lower-cased) holds no name that
    `may_have_wheel` takes, so the alternatives scan can skip it unparsed."""
    name = f"lib-1.0{middle}{'.'.join(parts)}.whl"
    lowered = json.dumps([name], ensure_ascii=False).encode("utf-8").lower()
    for target in (SLIM, ALPINE):
        if may_have_wheel([name], target):
            assert any(needle in lowered for needle in wheel_needles(target))


def test_the_needles_of_the_default_images() -> None:
    assert wheel_needles(SLIM) == (b"any.", b"linux_x86_64.", b"manylinux")
    assert wheel_needles(ALPINE) == (b"any.", b"linux_x86_64.", b"musllinux")
