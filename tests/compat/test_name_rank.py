"""select.name_rank: a wheel's best tag rank read from its name, as parsing would find it,
and `best_candidate`'s choice made with it equal to pip's rule applied to every file."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.tags import Tag
from packaging.version import Version

from wheelfit.compat.filenames import ParsedFile, parse_file
from wheelfit.compat.select import (
    Policy,
    applicable,
    best_candidate,
    best_tag,
    name_rank,
    verdict_for_file,
)
from wheelfit.compat.targets import default_targets, tag_priority
from wheelfit.model import DistFile, Target

SLIM, ALPINE = default_targets(python="3.12")


def _by_name(filename: str, target: Target) -> int | None:
    ranks = tag_priority(target)
    return name_rank(filename, {str(t): r for t, r in ranks.items()},
                     frozenset(t.platform for t in ranks))


def _by_parsing(filename: str, target: Target) -> int | None:
    parsed = parse_file(DistFile(filename, ""), "lib")
    assert parsed is not None
    found = best_tag(parsed, target)
    return None if found is None else found[0]


# (file name, whether it has a tag on slim, on alpine)
CASES = [
    ("lib-1.0-py3-none-any.whl", True, True),
    ("lib-1.0-py2.py3-none-any.whl", True, True),
    ("lib-1.0-PY3-NONE-ANY.whl", True, True),
    ("lib-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", True, False),
    ("lib-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", False, False),
    ("lib-1.0-cp38-abi3-manylinux_2_17_x86_64.whl", True, False),
    ("lib-1.0-cp312-cp312-musllinux_1_2_x86_64.whl", False, True),
    ("lib-1.0-cp312-cp312-manylinux_2_17_aarch64.whl", False, False),
    ("lib-1.0-cp312-cp312-linux_x86_64.whl", True, True),
    ("lib-1.0-1b-cp310.cp311.cp312-cp310.cp311.cp312-manylinux1_x86_64.whl", True, False),
    ("lib-1.0-cp312-none-musllinux_1_1_x86_64.MANYLINUX_2_5_X86_64.whl", True, True),
    ("lib-1.0-pp310-pypy310_pp73-manylinux_2_17_x86_64.whl", False, False),
    ("lib-1.0-cp312-cp312-win_amd64.whl", False, False),
]


@pytest.mark.parametrize(("name", "slim", "alpine"), CASES, ids=[c[0] for c in CASES])
def test_the_rank_from_the_name_is_the_parsed_one(name: str, slim: bool, alpine: bool) -> None:
    for target, has_tag in ((SLIM, slim), (ALPINE, alpine)):
        assert (_by_name(name, target) is not None) is has_tag
        assert _by_name(name, target) == _by_parsing(name, target)


@pytest.mark.parametrize("name", ["py3-none-any.whl", "none-any.whl", ".whl"])
def test_a_name_with_too_few_fields_has_no_rank(name: str) -> None:
    assert _by_name(name, SLIM) is None


_PART = st.sampled_from([
    "py3", "py2", "cp312", "CP312", "cp311", "cp38", "pp310", "none", "abi3", "cp312d",
    "any", "ANY", "linux_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
    "musllinux_1_2_x86_64", "MUSLLINUX_1_1_X86_64", "manylinux_2_17_aarch64", "win_amd64"])


@given(st.lists(_PART, min_size=1, max_size=3), st.lists(_PART, min_size=1, max_size=3),
       st.lists(_PART, min_size=1, max_size=3))
def test_generated_names_rank_as_parsed(interpreters: list[str], abis: list[str],
                                        platforms: list[str]) -> None:
    name = f"lib-1.0-{'.'.join(interpreters)}-{'.'.join(abis)}-{'.'.join(platforms)}.whl"
    for target in (SLIM, ALPINE):
        assert _by_name(name, target) == _by_parsing(name, target)


def _pip_choice(files: list[DistFile], target: Target, policy: Policy) -> str | None:
    """pip's rule on every file (parsed, applicable, best `_sort_key`), written out."""
    ranks = tag_priority(target)
    parsed = [p for f in files if (p := parse_file(f, "lib")) and p.version == Version("1.0")]
    usable = [p for p in parsed if applicable(p, target, policy)]
    if not usable:
        return None

    def key(p: ParsedFile) -> tuple[int, int, int, tuple[int, str] | tuple[()]]:
        found = best_tag(p, target)
        pri = (-found[0] if found else -len(ranks) - 1) if p.is_wheel else -len(ranks)
        prefer = 1 if p.is_wheel and policy.prefer_binary else 0
        return (-1 if p.file.yanked else 0, prefer, pri, p.build)

    best = max(usable, key=key)
    return str(verdict_for_file(best, target, policy))


RELEASES = [
    ["lib-1.0.tar.gz", "lib-1.0-py3-none-any.whl"],
    ["lib-1.0.tar.gz", "lib-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"],
    ["lib-1.0-cp38-abi3-manylinux_2_17_x86_64.whl",
     "lib-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", "lib-1.0-py3-none-any.whl"],
    ["lib-1.0-1-py3-none-any.whl", "lib-1.0-2-py3-none-any.whl", "lib-1.0-py3-none-any.whl"],
    ["lib-1.0-cp312-cp312-musllinux_1_2_x86_64.whl", "lib-1.0.zip", "lib-1.0.tar.gz"],
    ["lib-1.0-cp312-cp312-linux_x86_64.whl", "lib-1.0-cp312-cp312-manylinux1_x86_64.whl"],
    ["other-1.0-py3-none-any.whl", "lib-2.0-py3-none-any.whl", "lib-1.0.tar.gz"],
    ["lib-1.0-cp312-cp312-win_amd64.whl"],
]
POLICIES = [Policy(), Policy(prefer_binary=True), Policy(only_binary=True),
            Policy(no_binary=True)]


@pytest.mark.parametrize("names", RELEASES, ids=[n[0] for n in RELEASES])
@pytest.mark.parametrize("policy", POLICIES, ids=["default", "prefer", "only", "no"])
def test_the_choice_is_pips_rule_on_every_file(names: list[str], policy: Policy) -> None:
    for yanked in ((), (0,), tuple(range(len(names)))):
        files = [DistFile(n, "", yanked=i in yanked, requires_python=">=3.13" if "zip" in n
                          else None) for i, n in enumerate(names)]
        for target in (SLIM, ALPINE):
            found = best_candidate(Version("1.0"), files, "lib", target, policy)
            expected = _pip_choice(files, target, policy)
            if expected is None:
                assert found is None or found.file is None
            else:
                assert found is not None and str(found.verdict) == expected


def test_tags_are_compared_by_their_text() -> None:
    assert str(Tag("CP312", "ABI3", "Any")) == "cp312-abi3-any"
