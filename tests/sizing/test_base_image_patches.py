"""Rows of data/base-images.tsv name the patch the targets and image tags use: on a release
whose images stopped, the last patch docker-library published there; on a release still
published, the newest one (PYTHON_PATCH)."""

from __future__ import annotations

from wheelfit.compat.targets import PYTHON_PATCH, STOPPED_RELEASE_PATCH
from wheelfit.sizing.sizes import base_images


def test_rows_of_stopped_releases_carry_the_release_s_last_patch() -> None:
    wrong = [(r.tag, r.arch, r.python_full) for r in base_images().values()
             if r.release in STOPPED_RELEASE_PATCH
             and STOPPED_RELEASE_PATCH[r.release].get(r.python) != r.python_full]
    assert wrong == []


def test_rows_of_published_releases_carry_the_newest_patch() -> None:
    rows = [r for r in base_images().values() if r.release not in STOPPED_RELEASE_PATCH]
    wrong = [(r.tag, r.arch, r.python_full) for r in rows
             if PYTHON_PATCH.get(r.python) != r.python_full]
    assert rows and wrong == []


def test_no_row_for_a_minor_that_ended_before_trixie_images() -> None:
    """3.8 left the official images (2024-10) before trixie images existed: no such tag."""
    assert [r.tag for r in base_images().values() if r.python == "3.8" and
            r.release == "trixie"] == []
