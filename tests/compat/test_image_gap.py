"""A target whose Python and release never had an official image names the nearest published
tag (tests/data/compat/image_gaps.yaml), and the tables agree with data/base-images.tsv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.compat.targets import (
    ALPINE_MUSL,
    DEBIAN_GLIBC,
    TRACKED_MINORS,
    image_gap,
    make_target,
    published,
)
from wheelfit.model import Target, Variant
from wheelfit.sizing.sizes import base_images

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "compat" / "image_gaps.yaml")
    .read_text(encoding="utf-8"))["cases"]


def _target(variant: str, python: str, release: str) -> Target:
    chosen = Variant(variant)
    where = {"debian": release} if chosen is Variant.SLIM else {"alpine": release}
    return make_target(chosen, python, **where)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['python']}-{c['release']}")
def test_nearest_published(case: dict[str, Any]) -> None:
    target = _target(case["variant"], case["python"], case["release"])
    assert target.nearest_published == case["nearest"]


def test_the_sentence_names_the_pair_the_nearest_tag_and_the_flag() -> None:
    sentence = image_gap(_target("slim", "3.8", "trixie"))
    assert sentence is not None
    assert "python 3.8" in sentence and "Debian trixie" in sentence
    assert "python:3.8.20-slim-bookworm" in sentence and "--debian bookworm" in sentence
    assert "python:3.8-slim-trixie" not in sentence and "3.8.20-slim-trixie" not in sentence


def test_the_sentence_says_which_side_ended_first() -> None:
    older = image_gap(_target("slim", "3.8", "trixie")) or ""
    newer = image_gap(_target("alpine", "3.14", "3.18")) or ""
    assert "python 3.8's images ended before Debian trixie's began" in older
    assert "Alpine 3.18's python images ended before python 3.14's began" in newer
    assert "--alpine 3.21" in newer


def test_a_hand_made_target_with_a_nearest_tag_still_gets_a_sentence() -> None:
    from dataclasses import replace

    odd = replace(_target("slim", "3.12", "trixie"), nearest_published="python:3.12.14-x")
    assert image_gap(odd) == ("no official python 3.12 image exists for Debian trixie; the "
                              "nearest published one is python:3.12.14-x")


def test_a_published_pair_has_no_sentence() -> None:
    assert image_gap(_target("slim", "3.12", "trixie")) is None


def test_every_tracked_minor_has_a_published_release_in_each_family() -> None:
    """So an unpublished pair always has a nearest tag to name."""
    for minor in TRACKED_MINORS:
        assert any(published(minor, r) for r in DEBIAN_GLIBC), minor
        assert any(published(minor, r) for r in ALPINE_MUSL), minor


def test_the_base_image_table_has_rows_for_exactly_the_published_pairs() -> None:
    rows = {(r.python, r.release) for r in base_images().values()
            if r.variant in ("slim", "alpine") and r.python in TRACKED_MINORS}
    pairs = {(m, r) for m in TRACKED_MINORS for r in (*DEBIAN_GLIBC, *ALPINE_MUSL)
             if published(m, r)}
    assert rows == pairs
