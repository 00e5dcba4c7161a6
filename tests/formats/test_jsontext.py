"""`dumps_indented` writes exactly what `json.dumps(indent=2, ensure_ascii=False)` writes."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from wheelfit.formats.jsontext import dumps_indented


class Level(enum.IntEnum):
    HIGH = 3


class Tag(str):
    pass


CYCLE: list[Any] = []
CYCLE.append(CYCLE)

CASES: dict[str, Any] = {
    "scalars": [None, True, False, 0, -7, 2**70, 1.5, -0.0, 1e300, "x"],
    "odd floats": [float("nan"), float("inf"), float("-inf")],
    "text": ["\u00e9\u4e2d\U0001f600", "quote \" back \\ nl \n tab \t nul \x00", "\u2028"],
    "empties": {"a": {}, "b": [], "c": (), "d": ""},
    "nested": {"x": [{"y": [1, [2, {"z": None}]]}, ()], "w": {"v": {"u": [[], [{}]]}}},
    "order kept": {"b": 1, "a": 2, "c": {"z": 0, "y": 1}},
    "a bare string": "only text",
    "a bare number": 42,
    "non-text keys": {1: "one", 2.5: "x", None: "n", False: "f"},
    "subclasses": {"level": Level.HIGH, "tag": Tag("t"), "list": [Level.HIGH]},
    "tuples": (1, (2, 3), {"k": (4,)}),
}


@pytest.mark.parametrize("value", CASES.values(), ids=CASES.keys())
def test_the_text_is_what_json_dumps_writes(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_container_inside_itself_is_refused_as_json_dumps_refuses_it() -> None:
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented(CYCLE)


def test_a_value_json_cannot_write_is_refused_as_json_dumps_refuses_it() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps_indented({"a": object()})
