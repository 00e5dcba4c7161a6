"""PEP 735 resolution: packaging's resolver when present, and the fallback."""

from __future__ import annotations

from typing import Any

import pytest

from wheelfit.sources.groups import GroupError, resolve_group, resolve_group_fallback

TABLE: dict[str, Any] = {
    "test": ["pytest>=8", "coverage"],
    "typing": ["mypy"],
    "Dev_Tools": [{"include-group": "test"}, {"include-group": "typing"}, "ipython"],
}


@pytest.mark.parametrize("resolve", [resolve_group, resolve_group_fallback])
def test_includes_expand_in_place(resolve: Any) -> None:
    assert [str(r) for r in resolve(TABLE, "dev-tools")] == [
        "pytest>=8", "coverage", "mypy", "ipython"]


@pytest.mark.parametrize("resolve", [resolve_group, resolve_group_fallback])
def test_cycle_is_an_error(resolve: Any) -> None:
    with pytest.raises(GroupError, match=r"[Cc]yclic"):
        resolve({"a": [{"include-group": "b"}], "b": [{"include-group": "a"}]}, "a")


@pytest.mark.parametrize("resolve", [resolve_group, resolve_group_fallback])
def test_unknown_include_is_an_error(resolve: Any) -> None:
    with pytest.raises(GroupError, match="not found"):
        resolve({"a": [{"include-group": "missing"}]}, "a")


@pytest.mark.parametrize("resolve", [resolve_group, resolve_group_fallback])
def test_invalid_requirement_is_an_error(resolve: Any) -> None:
    with pytest.raises(GroupError):
        resolve({"a": ["not a requirement!"]}, "a")


@pytest.mark.parametrize("resolve", [resolve_group, resolve_group_fallback])
def test_bad_item_is_an_error(resolve: Any) -> None:
    with pytest.raises(GroupError):
        resolve({"a": [{"include-group": "b", "extra": 1}], "b": []}, "a")


@pytest.mark.parametrize("resolve", [resolve_group, resolve_group_fallback])
def test_string_instead_of_list_is_an_error(resolve: Any) -> None:
    with pytest.raises(GroupError):
        resolve({"a": "pytest"}, "a")


def test_fallback_rejects_duplicate_normalised_names() -> None:
    with pytest.raises(GroupError, match="duplicate"):
        resolve_group_fallback({"Dev": [], "dev": []}, "dev")
