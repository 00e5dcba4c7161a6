"""Requires-Dist lines only an extra brings in are left unparsed for a candidate without
extras (`extra_only`), and that never changes which requirements apply."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from wheelfit.compat.targets import default_targets, marker_environment
from wheelfit.index.parse.metadata import parse_core_metadata
from wheelfit.resolve.requirements import Req, extra_only

RECORDED = Path(__file__).resolve().parent.parent / "recorded" / "metadata"
ENVIRONMENTS = [marker_environment(t) for t in default_targets(python="3.12")]


def _applies_without_extras(line: str) -> bool:
    """What the catalog decides when it parses the line: valid, and its marker true."""
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return False
    marker = requirement.marker
    return marker is None or any(marker.evaluate({**env, "extra": ""}) for env in ENVIRONMENTS)


@pytest.mark.parametrize("line", [
    'pytest>=7 ; extra == "test"',
    "pytest; extra=='test'",
    'sphinx[docs]<8,>=6 ;\textra == "docs"  ',
    'foo @ https://example.org/foo.whl ; extra == "url"',
    'not a valid requirement ; extra == "x"',
    'pytest ; extra == "_"',
])
def test_lines_only_an_extra_brings_in(line: str) -> None:
    assert extra_only(line)
    assert not _applies_without_extras(line)


@pytest.mark.parametrize("line", [
    "requests>=2",
    'tomli ; python_version < "3.11"',
    'pytest ; extra == "test" or python_version >= "3"',
    'pytest ; "test" == extra',
    'pytest ; extra != "test"',
    'pytest ; extra == ""',
    'pytest ; extra == "test" and python_version >= "3"',
    'extra-package>=1',
    'pytest ; (extra == "test")',
])
def test_lines_left_to_the_parser(line: str) -> None:
    assert not extra_only(line)


def _recorded_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted(RECORDED.rglob("*")):
        if path.is_file():
            lines += parse_core_metadata(path.read_bytes()).requires_dist
    return lines


def test_recorded_lines_taken_never_apply() -> None:
    lines = _recorded_lines()
    taken = [line for line in lines if extra_only(line)]
    assert taken, "the recorded metadata has extra-only lines"
    assert [line for line in taken if _applies_without_extras(line)] == []


_names = st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,8}", fullmatch=True)
_spaces = st.sampled_from(["", " ", "  ", "\t"])


@settings(max_examples=300, deadline=None)
@given(_names, _names, _spaces, _spaces, _spaces, st.sampled_from(['"', "'"]),
       st.sampled_from(["", ">=1", "==2.0", "[a,b]<3"]))
def test_generated_extra_lines_never_apply(name: str, extra: str, s1: str, s2: str, s3: str,
                                           quote: str, spec: str) -> None:
    line = f"{name}{spec}{s1};{s2}extra{s3}=={s1}{quote}{extra}{quote}{s2}"
    assert extra_only(line)
    assert not _applies_without_extras(line)


def test_with_origin_copies_every_field() -> None:
    req = Req("foo", frozenset({"x"}), SpecifierSet(">=1"), "input", "foo[x]>=1")
    moved = req.with_origin("bar 1.0")
    assert [f.name for f in fields(Req)] == ["name", "extras", "specifier", "origin", "text"]
    assert (moved.name, moved.extras, moved.specifier, moved.text) == (
        req.name, req.extras, req.specifier, req.text)
    assert moved.origin == "bar 1.0"
