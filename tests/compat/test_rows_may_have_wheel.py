"""select.rows_may_have_wheel: the pre-check of a release's stored rows before they are
parsed. It may say True where `may_have_wheel` says False (the names are parsed then), never
the other way round."""

from __future__ import annotations

import json

import pytest

from wheelfit.compat.select import may_have_wheel, rows_may_have_wheel
from wheelfit.compat.targets import default_targets

SLIM, ALPINE = default_targets(python="3.12")
TARGETS = {"slim": SLIM, "alpine": ALPINE}

# names, target, what the rows pre-check answers
CASES = [
    (["lib-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"], "alpine", False),
    (["lib-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", "lib-1.0.tar.gz"], "alpine", False),
    (["lib-1.0-cp312-cp312-win_amd64.whl", "lib-1.0-cp312-cp312-macosx_11_0_arm64.whl"],
     "slim", False),
    (["lib-1.0.tar.gz"], "slim", False),
    (["lib-1.0-cp312-cp312-musllinux_1_2_x86_64.whl"], "alpine", True),
    (["lib-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"], "slim", True),
    (["lib-1.0-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"], "slim", True),
    (["lib-1.0-cp312-cp312-MUSLLINUX_1_2_X86_64.whl"], "alpine", True),
    (["lib-1.0-py3-none-any.whl"], "alpine", True),
    (["any.whl"], "alpine", True),
    (["lib-1.0-cp312-cp312-manylinux_2_17_aarch64.whl"], "slim", False),
    # a platform's text inside another word: found by the substring search, not a platform
    (["lib-1.0-cp312-cp312-xany.whl", "lib-1.0-cp312-cp312-ymusllinux_1_2_x86_64.whl"],
     "alpine", False),
    # escapes or non-ASCII: the names are always parsed
    (["lib-1.0-cp312-cp312-win_amd64.whl", "l\u00efb-1.0.tar.gz"], "slim", True),
    (['lib"1.0-cp312-cp312-win_amd64.whl'], "slim", True),
]


def rows(names: list[str], *, ascii_only: bool = True) -> bytes:
    """A release's rows as the memo stores them: the name first, then its URL."""
    return json.dumps([[n, f"https://files.example/{n}"] for n in names],
                      ensure_ascii=ascii_only).encode("utf-8")


@pytest.mark.parametrize(("names", "target", "expected"), CASES,
                         ids=[f"{c[1]}-{c[0][-1]}" for c in CASES])
def test_rows_pre_check(names: list[str], target: str, expected: bool) -> None:
    assert rows_may_have_wheel(rows(names), TARGETS[target]) is expected


@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize(("names", "target", "expected"), CASES,
                         ids=[f"{c[1]}-{c[0][-1]}" for c in CASES])
def test_rows_pre_check_never_rules_out_a_release_the_names_keep(
        names: list[str], target: str, expected: bool, ascii_only: bool) -> None:
    for each in TARGETS.values():
        assert rows_may_have_wheel(rows(names, ascii_only=ascii_only), each) \
            or not may_have_wheel(names, each)


def test_a_platform_only_in_a_url_is_parsed_not_ruled_out() -> None:
    raw = json.dumps([["lib-1.0.tar.gz", "https://h/lib-musllinux_1_2_x86_64.tar.gz"]])
    assert rows_may_have_wheel(raw.encode(), ALPINE)
    assert not may_have_wheel(["lib-1.0.tar.gz"], ALPINE)


def test_a_kelvin_sign_that_lower_cases_to_ascii_is_parsed() -> None:
    name = "lib-1.0-cp312-cp312-linux_x86_64.musllinux_1_2_\u212a.whl"
    assert rows_may_have_wheel(rows([name], ascii_only=False), ALPINE)
