"""The interface every package index client offers to the rest of wheelfit.

`check.py` and `resolve.py` depend on this protocol only, so tests can hand them a client
pointed at a loopback server. "Not found" is a value (`None`); transport failures are
raised as `wheelfit.errors.IndexFault` subclasses, never as requests/urllib3 exceptions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from wheelfit.index.wheelsummary import WheelSummary
from wheelfit.model import DistFile, ProjectPage, RequestStats

if TYPE_CHECKING:
    from wheelfit.index.pyfetch import SourceCaps


@dataclass(frozen=True, slots=True)
class CoreMetadata:
    """The fields of a core metadata file (METADATA / PKG-INFO / PEP 658) wheelfit uses."""

    name: str
    version: str
    metadata_version: str
    requires_dist: tuple[str, ...] = ()
    requires_python: str | None = None
    provides_extra: tuple[str, ...] = ()
    dynamic: tuple[str, ...] = ()


class PackageIndex(Protocol):
    """What wheelfit needs from one or more PEP 503/691 indexes."""

    def project(self, name: str) -> ProjectPage | None:
        """All files of a project across the configured indexes; None when no index knows it."""
        ...

    def core_metadata(self, file: DistFile) -> CoreMetadata | None:
        """Metadata of one file: PEP 658 file, else wheel METADATA by range reads, else an
        sdist's PKG-INFO (only when Metadata-Version >= 2.2 and Requires-Dist is static);
        None when it cannot be had without running code."""
        ...

    def wheel_summary(self, file: DistFile) -> WheelSummary | None:
        """The summary of a wheel's central directory (read by HTTP ranges, or cached);
        None when ranges are refused."""
        ...

    def wheel_sources(self, file: DistFile, wanted: Callable[[str], bool],
                      caps: SourceCaps | None = None) -> Iterator[tuple[str, bytes]]:
        """(name, bytes) of the wanted members of a wheel, by range requests, inflated
        under `caps` (`pyfetch.SourceCaps`); transport and archive errors are raised as
        `IndexFault`s while iterating."""
        ...

    def sdist_members(
        self, file: DistFile, wanted: Callable[[str], bool], max_member_bytes: int = 1 << 20,
        *, stop_after: int | None = None, cache_as: str | None = None,
    ) -> dict[str, bytes] | None:
        """Selected members of an sdist, streamed and size-capped in memory; never extracted.

        `wanted` receives member names as stored in the archive (`foo-1.0/setup.py`), and
        the result is keyed by them. `stop_after`: stop once that many were found.
        `cache_as`: a fixed selection's name; the whole sdist is read once per run for it
        and kept in the cache by its sha256 (`wanted` is replayed on every name)."""
        ...

    def derived(self, file: DistFile, kind: str) -> bytes | None:
        """A value computed from the file's bytes alone (a build-file scan's result) and
        kept under `kind` by its sha256; None when none is kept."""
        ...

    def keep_derived(self, file: DistFile, kind: str, payload: bytes) -> None:
        """Keep a value computed from the file's bytes alone, for later runs (by sha256)."""
        ...

    def metadata_at_hand(self, file: DistFile) -> bool:
        """True when this file's metadata costs no request (read this run, or stored)."""
        ...

    def file_at_hand(self, file: DistFile) -> bool:
        """True when what a report reads of this file costs no request: a wheel's directory
        summary, an sdist's build-file scan (read this run, or in the store)."""
        ...

    def page_at_hand(self, name: str) -> bool:
        """True when the project's page costs no request: read this run, or fresh in the
        cache (so fetching it ahead in a thread would only add contention)."""
        ...

    def prefetch(self, names: Iterable[str]) -> None:
        """Start fetching these projects' pages in the background (only those not at hand)."""
        ...

    def after_project(self, name: str, then: Callable[[], object]) -> None:
        """Run `then` in the background once the project's page is settled (read, failed or
        not found), fetching it ahead if nobody has asked; no thread waits meanwhile."""
        ...

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        """Start fetching these files' metadata in the background."""
        ...

    def prefetch_wheels(self, files: Iterable[DistFile]) -> None:
        """Start reading these wheels' central directories in the background (their
        metadata may then come from the same bytes)."""
        ...

    def prefetch_sdists(self, files: Iterable[DistFile]) -> None:
        """Start reading these sdists' build files in the background (source builds whose
        sdist will be read); a PKG-INFO read of one of them shares that stream."""
        ...

    def stats(self) -> RequestStats:
        """Requests made, requests served from cache, bytes downloaded."""
        ...

    def close(self) -> None:
        """Release the pooled session and worker threads."""
        ...
