"""Several indexes' pages of one project as one mapping (pip's `--extra-index-url`
semantics: index order, each URL once)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence

from packaging.version import Version

from wheelfit.index.parsed import Groups
from wheelfit.model import DistFile


class _Merged(Mapping[Version, list[DistFile]]):
    """Several indexes' files by version, in index order, each URL once (pip's
    `--extra-index-url` semantics)."""

    def __init__(self, parts: Sequence[Groups]) -> None:
        self._parts = parts
        self._keys = list(dict.fromkeys(v for part in parts for v in part))
        self._merged: dict[Version, list[DistFile]] = {}
        self._lock = threading.Lock()

    def __getitem__(self, version: Version) -> list[DistFile]:
        with self._lock:
            found = self._merged.get(version)
        if found is None:
            seen: set[str] = set()
            found = []
            for part in self._parts:
                for file in part.get(version, []):
                    if file.url not in seen:
                        seen.add(file.url)
                        found.append(file)
            if not found:
                raise KeyError(version)
            with self._lock:
                self._merged[version] = found
        return found

    def __iter__(self) -> Iterator[Version]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, version: object) -> bool:
        return any(version in part for part in self._parts)



def merge_indexes(parts: Sequence[Groups]) -> Groups:
    """One mapping over the pages of every index that knows a project."""
    return parts[0] if len(parts) == 1 else _Merged(parts)
