"""requirements.intersection: `SpecifierSet() & a & b …` without the copy for one set;
requirements.SpecifierFacts: a specifier's pin rule, text and pre-release setting, kept."""

from __future__ import annotations

from functools import reduce

import pytest
from packaging.specifiers import SpecifierSet

from wheelfit.resolve.requirements import SpecifierFacts, intersection, is_pinned

CASES = [
    [],
    [">=1.0"],
    ["==2.0"],
    [">=1.0", "<3,!=2.0"],
    ["==1.0", "==1.0.0"],
    [">=1.0", ">=1.0", "<2"],
    ["", ">=1"],
]
VERSIONS = ["0.9", "1.0", "1.0.0", "2.0", "2.1rc1", "2.5", "3.0"]


@pytest.mark.parametrize("texts", CASES, ids=[",".join(c) or "none" for c in CASES])
@pytest.mark.parametrize("pre", [None, True, False], ids=["pre-unset", "pre", "no-pre"])
def test_the_same_as_folding_from_an_empty_set(texts: list[str], pre: bool | None) -> None:
    sets = [SpecifierSet(t, prereleases=pre if i == 0 else None)
            for i, t in enumerate(texts)]
    expected = reduce(lambda a, b: a & b, sets, SpecifierSet())
    found = intersection(iter(sets))
    assert str(found) == str(expected)
    assert found.prereleases == expected.prereleases
    assert sorted(map(str, found)) == sorted(map(str, expected))
    for version in VERSIONS:
        for allowed in (None, True, False):
            assert (found.contains(version, prereleases=allowed)
                    == expected.contains(version, prereleases=allowed))


def test_one_set_is_returned_as_it_is() -> None:
    only = SpecifierSet("==1.0")
    assert intersection([only]) is only


@pytest.mark.parametrize("text", ["", "==1.0", ">=1,<2", "===1.0", "==1.*", "==2.0rc1",
                                  "!=1.0,==1.0.0"])
@pytest.mark.parametrize("pre", [None, True, False], ids=["pre-unset", "pre", "no-pre"])
def test_specifier_facts_are_worked_out_as_asked(text: str, pre: bool | None) -> None:
    facts = SpecifierFacts()
    spec = SpecifierSet(text, prereleases=pre)
    expected = (is_pinned(spec), str(spec), spec.prereleases)
    assert facts(spec) == expected
    assert facts(spec) == expected  # and again, kept
    other = SpecifierSet(">=9")
    assert facts(other) == (False, ">=9", None)


def test_specifier_facts_are_bounded() -> None:
    facts = SpecifierFacts(limit=2)
    specs = [SpecifierSet(f"=={i}") for i in range(5)]
    for spec in specs:
        assert facts(spec) == (True, str(spec), spec.prereleases)
    assert len(facts._found) <= 2
