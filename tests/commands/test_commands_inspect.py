"""`inspect` names the first final release with musllinux wheels (issue 17 item 12), on
recorded data: charset-normalizer shipped musllinux wheels in 3.0.0b1, before 3.0.0."""

from __future__ import annotations

import json
from collections.abc import Callable

from cli_inprocess import Run


def first(result: Run) -> dict[str, str | None]:
    assert result.code == 0, result.err
    found: dict[str, str | None] = json.loads(result.out)["first_musllinux"]
    return found


def test_first_musllinux_is_a_final_release(wheelfit: Callable[..., Run]) -> None:
    result = wheelfit("charset-normalizer", "--format", "json", command="inspect")
    assert first(result)["x86_64"] == "3.0.0"


def test_pre_counts_pre_releases(wheelfit: Callable[..., Run]) -> None:
    result = wheelfit("charset-normalizer", "--format", "json", "--pre", command="inspect")
    assert first(result)["x86_64"] == "3.0.0b1"
