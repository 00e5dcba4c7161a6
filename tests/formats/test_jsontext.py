"""The reports' indented JSON writer gives `json.dumps(indent=2, ensure_ascii=False)`'s text."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formats.canned import CANNED
from wheelfit.formats import json_format, jsontext
from wheelfit.formats.json_format import report_dict
from wheelfit.formats.jsontext import dumps_converted, dumps_indented


def _stdlib(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


CASES: list[Any] = [
    {}, [], "", 0, -1, 10**30, 1.5, -0.0, 1e-300, 1e300, math.inf, -math.inf, math.nan,
    True, False, None,
    {"a": {}, "b": [], "c": [{}], "d": [[]]},
    {"ü": "é\u2028\x00\"\\\n\t", "emoji": "🐍", "ctl": "\x1f\x7f"},
    [1, [2, [3, [4, {"x": [5.25, None, True]}]]]],
    ("tuple", ["in", "a", "list"]),
    {"nested": [{"k": "v", "n": 1}, {"k": "w", "n": 2.0}]},
]


@pytest.mark.parametrize("value", CASES, ids=[repr(c)[:40] for c in CASES])
def test_same_text_as_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == _stdlib(value)


@pytest.mark.parametrize("name", sorted(CANNED))
def test_canned_reports_same_text(name: str) -> None:
    body = report_dict(CANNED[name]())
    assert dumps_indented(body) == _stdlib(body)


class _Str(str):
    pass


@pytest.mark.parametrize("value", [
    {1: "int key"}, {None: 1}, {"set": {1, 2}}, [_Str("subclass")], {"b": b"bytes"},
    {"k": 1, _Str("k"): 2}, {_Str("k"): 1, "k": 2},
])
def test_what_it_does_not_write_goes_to_json_dumps(value: Any) -> None:
    try:
        expected = _stdlib(value)
    except TypeError:
        with pytest.raises(TypeError):
            dumps_indented(value)
        return
    assert dumps_indented(value) == expected


def test_deeper_than_the_bound_goes_to_json_dumps() -> None:
    value: Any = "leaf"
    for _ in range(jsontext.MAX_DEPTH + 5):
        value = {"k": [value]}
    assert dumps_indented(value) == _stdlib(value)


_leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text())
_trees = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(_trees)
def test_generated_trees_same_text(value: Any) -> None:
    assert dumps_indented(value) == _stdlib(value)


def test_keys_past_the_kept_ones_same_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys' texts are kept up to `MAX_KEYS`; later keys are written all the same."""
    monkeypatch.setattr(jsontext, "_KEYS", {})
    monkeypatch.setattr(jsontext, "MAX_KEYS", 3)
    value = {f"key {i} \u00e9\n": [{f"key {i}": i}] for i in range(10)}
    assert dumps_indented(value) == _stdlib(value)
    assert dumps_indented(value) == _stdlib(value)
    assert len(jsontext._KEYS) == 3


@pytest.mark.parametrize("name", sorted(CANNED))
def test_canned_reports_render_as_their_plain_tree(name: str) -> None:
    """`json_format.render` converts the fields as it writes: the text of `report_dict`."""
    report = CANNED[name]()
    assert json_format.render(report) == dumps_indented(report_dict(report)) + "\n"


class _Color(Enum):
    RED = "red"


class _Int(int):
    pass


@dataclass(frozen=True)
class _Leaf:
    name: str
    color: _Color
    kept: int | None = field(default=None, metadata={"omit_none": True})


@pytest.mark.parametrize("value", [
    {"a": _Leaf("x", _Color.RED), "b": [_Leaf("y", _Color.RED, 3), (1, _Color.RED)]},
    {"map": MappingProxyType({_Color.RED: _Leaf("z", _Color.RED)}), "none": None},
    [{"nested": {"deeper": [_Leaf("\u00e9\n", _Color.RED, 0)]}}],
], ids=["dataclasses", "mapping", "nested"])
def test_converted_as_written_is_the_plain_tree(value: Any) -> None:
    assert dumps_converted(value, json_format._one_level) == dumps_indented(
        json_format.plain(value))


@pytest.mark.parametrize("value", [[_Str("subclass")], {"n": _Int(3)}, {"x": object()}])
def test_what_the_converter_leaves_is_unsupported(value: Any) -> None:
    with pytest.raises(jsontext.Unsupported):
        dumps_converted(value, json_format._one_level)
