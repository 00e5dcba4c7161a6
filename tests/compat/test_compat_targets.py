"""Target tag lists are built for the image, never for the host."""

from __future__ import annotations

import pytest
from packaging.tags import Tag

from wheelfit.compat.targets import make_target, marker_environment, platform_tags, supported_tags
from wheelfit.errors import UsageError
from wheelfit.model import Variant


def test_alpine_platforms_are_musllinux_descending_then_linux() -> None:
    target = make_target(Variant.ALPINE, "3.12", "x86_64", alpine="3.22")
    assert platform_tags(target) == [
        "musllinux_1_2_x86_64", "musllinux_1_1_x86_64", "musllinux_1_0_x86_64", "linux_x86_64",
    ]


def test_slim_platforms_include_legacy_aliases_after_their_glibc() -> None:
    plats = platform_tags(make_target(Variant.SLIM, "3.12", "x86_64", debian="bookworm"))
    assert plats[0] == "manylinux_2_36_x86_64"
    assert plats.index("manylinux2014_x86_64") == plats.index("manylinux_2_17_x86_64") + 1
    assert plats.index("manylinux1_x86_64") == plats.index("manylinux_2_5_x86_64") + 1
    assert plats[-1] == "linux_x86_64"


def test_aarch64_manylinux_starts_at_glibc_2_17() -> None:
    plats = platform_tags(make_target(Variant.SLIM, "3.12", "aarch64"))
    assert "manylinux_2_16_aarch64" not in plats
    assert "manylinux2014_aarch64" in plats


def test_tags_rank_cpython_specific_before_abi3_before_pure() -> None:
    tags = list(supported_tags(make_target(Variant.ALPINE, "3.12")))
    specific = tags.index(Tag("cp312", "cp312", "musllinux_1_2_x86_64"))
    abi3 = tags.index(Tag("cp39", "abi3", "musllinux_1_2_x86_64"))
    pure = tags.index(Tag("py3", "none", "any"))
    assert specific < abi3 < pure


def test_no_glibc_tags_on_alpine() -> None:
    tags = supported_tags(make_target(Variant.ALPINE, "3.12"))
    assert not [t for t in tags if "manylinux" in t.platform]


def test_marker_environment_is_the_targets() -> None:
    env = marker_environment(make_target(Variant.SLIM, "3.10", "aarch64"))
    assert env["python_version"] == "3.10"
    assert env["platform_machine"] == "aarch64"
    assert env["sys_platform"] == "linux"


@pytest.mark.parametrize("bad", ["2.7", "3", "three.ten", "3.12.x"])
def test_bad_python_version_is_a_usage_error(bad: str) -> None:
    with pytest.raises(UsageError):
        make_target(Variant.SLIM, bad)


def test_bullseye_accepts_manylinux_up_to_glibc_2_31() -> None:
    plats = platform_tags(make_target(Variant.SLIM, "3.11", "x86_64", debian="bullseye"))
    assert plats[0] == "manylinux_2_31_x86_64" and "manylinux_2_34_x86_64" not in plats


def test_alpine_3_18_and_3_19_have_musl_1_2() -> None:
    for release in ("3.18", "3.19"):
        plats = platform_tags(make_target(Variant.ALPINE, "3.11", "x86_64", alpine=release))
        assert plats[0] == "musllinux_1_2_x86_64"
