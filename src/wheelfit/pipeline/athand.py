"""Whether enrichment would wait on the index: when the store holds everything it reads of
the chosen files, it runs in the calling thread (threads would only take turns at the GIL)."""

from __future__ import annotations

from collections.abc import Callable

from wheelfit.buildneeds.mapping import ApkMapping
from wheelfit.index.base import PackageIndex
from wheelfit.model import DistFile, Report, Verdict


def all_at_hand(report: Report, mapping: ApkMapping, index: PackageIndex,
                file_of: Callable[[str, str, str | None], DistFile | None]) -> bool:
    """True when every chosen wheel's directory summary, and every chosen sdist's build-file
    read (all but those the mapping calls pure Python, which are never read), costs no
    request. `file_of(project, target name, filename)` is the index's entry for the file.
    The store answers from one listing (`Store.has`), not a `stat` per file."""
    for pkg in report.packages:
        for target, verdict in pkg.verdicts.items():
            file = file_of(pkg.name, target, verdict.file)
            if file is None or (not file.is_wheel and _pure_by_mapping(pkg.name, verdict,
                                                                      mapping)):
                continue
            if not index.file_at_hand(file):
                return False
    return True


def _pure_by_mapping(name: str, verdict: Verdict, mapping: ApkMapping) -> bool:
    """The mapping knows this release and calls it pure Python: its sdist is not read."""
    entry = mapping.project(name)
    return entry is not None and not entry.for_version(verdict.version).native
