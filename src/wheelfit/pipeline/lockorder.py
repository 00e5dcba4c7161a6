"""The order a lock's packages are looked up in: likely source builds first.

A cold run of a lock spends most of its time streaming the sdists of its source builds
(their build files decide the build plan), and a stream starts only once its page is in.
The lock names each version's files, so the packages none of whose wheels the target
accepts (judged with packaging's tags) are known before any page: their pages are asked
for, and their sdists started, first. The order changes when things happen, not what is
found: the outcome is assembled in the lock's own order.
"""

from __future__ import annotations

from collections.abc import Sequence

from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from wheelfit.compat.targets import tag_priority
from wheelfit.model import LockedPackage, Target


def sdists_first(locked: Sequence[LockedPackage], target: Target) -> list[LockedPackage]:
    """The packages, those likely to build from source on `target` first (a stable sort):
    the lock lists their files and no wheel among them fits the target. A package whose
    files the lock does not list keeps its place among the rest."""
    return sorted(locked, key=lambda pkg: not likely_source_build(pkg.files, target))


def likely_source_build(files: Sequence[str], target: Target) -> bool:
    """True when `files` (a locked version's file names) are known and none is a wheel the
    target accepts; a name that is not a valid wheel name counts as no wheel."""
    if not files:
        return False
    accepted = tag_priority(target)
    for name in files:
        if not name.endswith(".whl"):
            continue
        try:
            tags = parse_wheel_filename(name)[3]
        except InvalidWheelFilename:
            continue
        if any(tag in accepted for tag in tags):
            return False
    return True
