"""The estimate's basis line for a base image wheelfit has no size of: it names the Python
minors the table does have on that release, and what to check, when the pair may never
have been published; a pair the tables know was never published is said to be so."""

from __future__ import annotations

from wheelfit.compat.targets import Variant, make_target
from wheelfit.sizing.estimate import unknown_base_line
from wheelfit.sizing.sizes import minors_with_rows


def test_the_table_lists_bullseye_minors_oldest_first() -> None:
    minors = minors_with_rows("slim", "bullseye")
    assert minors[0] == "3.8" and "3.14" not in minors
    assert list(minors) == sorted(minors, key=lambda m: tuple(int(p) for p in m.split(".")))


def test_a_minor_the_tables_do_not_track_names_the_known_ones() -> None:
    target = make_target(Variant.SLIM, "3.7", debian="trixie")
    line = unknown_base_line(target)
    last = minors_with_rows("slim", "trixie")[-1]
    assert f"slim trixie images for Python 3.9-{last} only" in line
    assert "check that python:3.7-slim-trixie exists" in line


def test_a_pair_never_published_says_so_and_names_the_nearest_tag() -> None:
    line = unknown_base_line(make_target(Variant.SLIM, "3.14", debian="bullseye"))
    assert "no official python 3.14 image exists for Debian bullseye" in line
    assert "the nearest published one is python:3.14.7-slim-bookworm" in line
    assert "check that" not in line
