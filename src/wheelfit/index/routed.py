"""One `PackageIndex` over a run's index and the other indexes a lock pins packages to.

A uv.lock `source = { registry = … }`, a poetry.lock legacy source or a Pipfile.lock
`index` takes a package from an index of its own: that project's page is asked of that
index's client only (as uv, poetry and pipenv do), and each file is read through the client
that listed it. An index that cannot be reached makes its packages unknown (an
`IndexFault` that names the index), never the whole run: the run's own index decides that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from wheelfit.errors import IndexFault, IndexUnreachable
from wheelfit.index.base import CoreMetadata, PackageIndex
from wheelfit.index.urls import strip_credentials
from wheelfit.index.wheelsummary import WheelSummary
from wheelfit.model import DistFile, ProjectPage, RequestStats
from wheelfit.redact import redact_url

if TYPE_CHECKING:
    from wheelfit.index.pyfetch import SourceCaps

HINT_OTHER_INDEX = ("The lock takes this package from its own index. Check that index's URL "
                    "and credentials (UV_INDEX_<NAME>_USERNAME/PASSWORD, "
                    "POETRY_HTTP_BASIC_<NAME>_*, ~/.netrc) or the network.")


class RoutedIndex:
    """The default client, with some projects routed to the client of their own index."""

    def __init__(self, default: PackageIndex,
                 routes: Mapping[str, tuple[str, PackageIndex]]) -> None:
        self.default = default
        self.routes = {canonicalize_name(n): route for n, route in routes.items()}
        self._by_url = {strip_credentials(url): client for url, client in self.routes.values()}

    def _client(self, file: DistFile) -> PackageIndex:
        return self._by_url.get(file.index_url, self.default)

    def project(self, name: str) -> ProjectPage | None:
        """The page from the project's own index when the lock names one."""
        route = self.routes.get(canonicalize_name(name))
        if route is None:
            return self.default.project(name)
        url, client = route
        try:
            return client.project(name)
        except IndexUnreachable as exc:
            raise IndexFault(f"its index {redact_url(url)} was not reachable ({exc.message})",
                             url=url, hint=HINT_OTHER_INDEX) from None

    def core_metadata(self, file: DistFile) -> CoreMetadata | None:
        """The file's metadata, through the client that listed it."""
        return self._client(file).core_metadata(file)

    def wheel_summary(self, file: DistFile) -> WheelSummary | None:
        """The summary of the wheel's directory, through the client that listed it."""
        return self._client(file).wheel_summary(file)

    def wheel_sources(self, file: DistFile, wanted: Callable[[str], bool],
                      caps: SourceCaps | None = None) -> Iterator[tuple[str, bytes]]:
        """A wheel's wanted members, through the client that listed it."""
        return self._client(file).wheel_sources(file, wanted, caps)

    def sdist_members(
        self, file: DistFile, wanted: Callable[[str], bool], max_member_bytes: int = 1 << 20,
        *, stop_after: int | None = None, cache_as: str | None = None,
    ) -> dict[str, bytes] | None:
        """Members of an sdist, through the client that listed it."""
        return self._client(file).sdist_members(file, wanted, max_member_bytes,
                                                stop_after=stop_after, cache_as=cache_as)

    def derived(self, file: DistFile, kind: str) -> bytes | None:
        """What was kept for the file, from the client that listed it."""
        return self._client(file).derived(file, kind)

    def keep_derived(self, file: DistFile, kind: str, payload: bytes) -> None:
        """Keep what was computed from the file, with the client that listed it."""
        self._client(file).keep_derived(file, kind, payload)

    def metadata_at_hand(self, file: DistFile) -> bool:
        """Whether the client that listed the file holds its metadata."""
        return self._client(file).metadata_at_hand(file)

    def file_at_hand(self, file: DistFile) -> bool:
        """Whether the client that listed the file holds what a report reads of it."""
        return self._client(file).file_at_hand(file)

    def page_at_hand(self, name: str) -> bool:
        """Whether the project's own index (or the default) answers its page at no cost."""
        route = self.routes.get(canonicalize_name(name))
        return (self.default if route is None else route[1]).page_at_hand(name)

    def prefetch(self, names: Iterable[str]) -> None:
        """Start fetching pages, each from its project's index."""
        own = []
        for name in names:
            route = self.routes.get(canonicalize_name(name))
            if route is None:
                own.append(name)
            else:
                route[1].prefetch([name])
        self.default.prefetch(own)

    def after_project(self, name: str, then: Callable[[], object]) -> None:
        """`then` once the page is settled, by the project's own index (or the default)."""
        route = self.routes.get(canonicalize_name(name))
        (self.default if route is None else route[1]).after_project(name, then)

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        """Start fetching metadata, each through the client that listed the file."""
        for file in files:
            self._client(file).prefetch_metadata([file])

    def prefetch_wheels(self, files: Iterable[DistFile]) -> None:
        """Start reading central directories, each through the client that listed it."""
        for file in files:
            self._client(file).prefetch_wheels([file])

    def prefetch_sdists(self, files: Iterable[DistFile]) -> None:
        """Start reading sdists' build files, each through the client that listed it."""
        for file in files:
            self._client(file).prefetch_sdists([file])

    def stats(self) -> RequestStats:
        """The requests of every client, added up."""
        clients = {id(c): c for c in (self.default, *(c for _, c in self.routes.values()))}
        counts = [c.stats() for c in clients.values()]
        return RequestStats(sum(s.requests for s in counts), sum(s.from_cache for s in counts),
                            sum(s.bytes_downloaded for s in counts))

    def close(self) -> None:
        """Nothing to release: the clients belong to the run's pool, which closes them."""
