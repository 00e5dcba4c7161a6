"""Rows of data/base-images.tsv on a release whose images stopped name the last patch
docker-library published there, the one the targets and image tags use."""

from __future__ import annotations

from wheelfit.compat.targets import STOPPED_RELEASE_PATCH
from wheelfit.sizing.sizes import base_images


def test_rows_of_stopped_releases_carry_the_release_s_last_patch() -> None:
    wrong = [(r.tag, r.arch, r.python_full) for r in base_images().values()
             if r.release in STOPPED_RELEASE_PATCH
             and STOPPED_RELEASE_PATCH[r.release].get(r.python) != r.python_full]
    assert wrong == []

