"""The hot path of page parsing: entries as plain rows, and which version each file is of.

A cold check parses hundreds of thousands of file entries, nearly all of one shape
(PyPI's: an absolute https URL, one well-formed sha256, string or null fields). For those,
`fast_json_row` builds the row directly; anything unusual answers None and `pages.py` takes
its careful path, so every edge case and error message stays that path's.

A `Row` holds a `DistFile`'s fields in order, without `index_url`: it is what the parsed
memo stores (`parsed.encode_rows`), so a page can go from JSON to memo without building
`DistFile`s at all.

`PageVersions` answers, per file name, whether `filenames.is_project_file` accepts it and
the version `filenames.group_files` files it under, judging each distinct wheel
name-version-build and tag set once per page.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name, parse_sdist_filename
from packaging.version import InvalidVersion, Version

from wheelfit.compat.filenames import is_project_file, tags_valid, wheel_head_project
from wheelfit.model import DistFile

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

Pairs = tuple[tuple[str, str], ...]
# filename, url, hashes, requires_python, yanked, yanked_reason, size, upload_time,
# metadata_hashes: `DistFile`'s fields in order, without index_url.
Row = tuple[str, str, Pairs, str | None, bool, str | None, int | None, str | None, Pairs | None]
RowGroups = dict[Version, list[Row]]
VersionRow = tuple[Version | None, Row]  # a project file's row and its group's version

_HASH_NAMES = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})
_LOWER_HEX = re.compile("[0-9a-f]+").fullmatch
_NOT_PROJECT: tuple[bool, Version | None] = (False, None)


def row_of(file: DistFile) -> Row:
    """A `DistFile`'s row (its fields but `index_url`)."""
    return (file.filename, file.url, file.hashes, file.requires_python, file.yanked,
            file.yanked_reason, file.size, file.upload_time, file.metadata_hashes)


def dist_of(row: Row, index_url: str = "") -> DistFile:
    """The `DistFile` of a row, tagged with `index_url`."""
    return DistFile(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                    index_url)


def dist_groups(groups: Mapping[Version, Sequence[Row]],
                index_url: str = "") -> dict[Version, list[DistFile]]:
    """Rows by version as `DistFile`s by version."""
    return {v: [dist_of(r, index_url) for r in rows] for v, rows in groups.items()}


def group_rows(rows: Sequence[VersionRow],
               own: Callable[[Row], Row] | None = None) -> RowGroups:
    """(version, row) pairs grouped by version in order of first appearance; rows without
    a version are dropped (as `group_files` drops them). `own` is applied, in page order, to
    every row whose URL holds an "@", dropped or not."""
    groups: RowGroups = {}
    # Versions are mostly shared objects (one per wheel name-version-build): look them up
    # by identity first, as hashing a Version is slow. `rows` keeps them all alive.
    by_id: dict[int, list[Row]] = {}
    for version, row in rows:
        if own is not None and "@" in row[1]:
            row = own(row)
        if version is not None:
            found = by_id.get(id(version))
            if found is None:
                found = groups.get(version)
                if found is None:
                    found = groups[version] = []
                by_id[id(version)] = found
            found.append(row)
    return groups


# --- PEP 691 entries ------------------------------------------------------------------------


def json_rows(files: list[object], versions: PageVersions, page_web: bool,
              careful: Callable[[object, int], DistFile | None]) -> list[VersionRow]:
    """(version, row) of each project file among a page's `files` entries.

    `careful(entry, position)` is `pages._json_file`: it judges every entry the fast path
    does not take, raising its errors. `page_web`: the page URL is http(s), so absolute
    http(s) file URLs need no joining.
    """
    found: list[VersionRow] = []
    append = found.append
    for position, entry in enumerate(files):
        if type(entry) is dict:
            filename = entry.get("filename")
            url = entry.get("url")
            if type(filename) is str and type(url) is str:
                # `_json_file`'s first checks, in its order.
                project_file, version = versions(filename)
                if not project_file:
                    continue
                row = _fast_row(entry, filename, url) if page_web else None
                if row is not None:
                    append((version, row))
                    continue
        dist = careful(entry, position)
        if dist is not None:
            append((versions(dist.filename)[1], row_of(dist)))
    return found


def _fast_row(entry: dict[str, object], filename: str, url: str) -> Row | None:
    """The row of a common-shaped entry; None to take the careful path."""
    if url.startswith("https://"):
        host = url[8:9]
    elif url.startswith("http://"):
        host = url[7:8]
    else:
        return None
    if host == "/" or not host or " " in url or "#" in url or not url.isprintable():
        return None  # `_resolve`'s shortcut would not take it
    get = entry.get
    hashes = _fast_hashes(get("hashes", {}))
    requires_python = get("requires-python")
    upload_time = get("upload-time")
    size = get("size")
    yanked = get("yanked", False)
    metadata = get("core-metadata", get("dist-info-metadata"))
    if hashes is None \
            or (requires_python is not None and type(requires_python) is not str) \
            or (upload_time is not None and type(upload_time) is not str) \
            or (size is not None and (type(size) is not int or size < 0)):
        return None
    reason: str | None = None
    if type(yanked) is str:
        reason = yanked.strip() or None
        yanked = True
    elif type(yanked) is not bool:
        return None
    metadata_hashes: Pairs | None
    if metadata is None or metadata is False:
        metadata_hashes = None
    elif metadata is True:
        metadata_hashes = ()
    else:
        metadata_hashes = _fast_hashes(metadata)
        if metadata_hashes is None:
            return None
    return (filename, url, hashes, requires_python.strip() or None if requires_python else None,
            yanked, reason, size, upload_time.strip() or None if upload_time else None,
            metadata_hashes)


def _fast_hashes(value: object) -> Pairs | None:
    """Well-formed hashes (lower-case known names, lower-case hex) as sorted pairs; None for
    anything else (pairs to drop, wrong types: the careful path decides)."""
    if type(value) is not dict:
        return None
    pairs: Pairs = tuple(value.items())
    for name, digest in pairs:
        if name not in _HASH_NAMES or type(digest) is not str or not _LOWER_HEX(digest):
            return None
    return pairs if len(pairs) < 2 else tuple(sorted(pairs))


# --- which version a file is of ---------------------------------------------------------------


class PageVersions:
    """Per page: (is `filename` a project file, the version `group_files` files it under)."""

    def __init__(self, project: str) -> None:
        self.project = project
        self._canonical = canonicalize_name(project)
        self._heads: dict[str, tuple[bool, Version | None]] = {}
        # One Version per version text, shared by a release's wheels and sdists (building
        # one is the costliest step here, and shared objects group without hashing).
        self._versions: dict[str, Version] = {}
        self._sdist_names: dict[str, bool] = {}

    def __call__(self, filename: str) -> tuple[bool, Version | None]:
        if filename.endswith(".whl"):
            # `wheel_project`'s split: the tags are the last three fields, the head (name,
            # version, build) the two or three before them.
            stem = filename[:-4]
            dashes = stem.count("-")
            if dashes != 4 and dashes != 5:
                return _NOT_PROJECT
            cut = stem.rfind("-", 0, stem.rfind("-", 0, stem.rfind("-")))
            head = stem[:cut]
            found = self._heads.get(head)
            if found is None:
                found = self._heads[head] = self.wheel_head(head)
            if not found[0]:
                return found
            tags = stem[cut + 1:]
            return found if tags_valid(tags) else _NOT_PROJECT
        if filename.endswith(".tar.gz") or filename.endswith(".zip"):
            # `parse_sdist_filename`'s split; its answer is taken from the cache when this
            # name part and version text were already judged.
            stem = filename[:-7] if filename.endswith(".tar.gz") else filename[:-4]
            name_part, _dash, version_part = stem.rpartition("-")
            known = self._versions.get(version_part)
            if known is not None and self._sdist_names.get(name_part):
                return True, known
            try:
                name, version = parse_sdist_filename(filename)
            except ValueError:
                pass
            else:
                if name == self._canonical:
                    # `sdist_version` and `parse_file` both answer with this very call.
                    self._sdist_names[name_part] = True
                    return True, self._versions.setdefault(version_part, version)
        return self._careful(filename)

    def wheel_head(self, head: str) -> tuple[bool, Version | None]:
        """`wheel_head_project(head) == project`, and the version `group_files` reads (the
        second field, so the name field is the project's as it also checks).

        `parse_wheel_filename` judges the name, version and build fields independently, so
        each is judged once per page: the name and build with neutral stand-ins for the
        other fields, the version by `Version` itself (as `parse_wheel_filename` does).
        """
        name_part, version_part, *build = head.split("-")
        if wheel_head_project(f"{name_part}-0") != self._canonical:
            return _NOT_PROJECT
        if build and not wheel_head_project(f"x-0-{build[0]}"):
            return _NOT_PROJECT
        known = self._versions.get(version_part)
        if known is not None:
            return True, known
        try:
            version = self._versions[version_part] = Version(version_part)
        except InvalidVersion:
            return _NOT_PROJECT
        return True, version

    def _careful(self, filename: str) -> tuple[bool, Version | None]:
        if not is_project_file(filename, self.project):
            return _NOT_PROJECT
        from wheelfit.compat.filenames import parse_file

        parsed = parse_file(DistFile(filename=filename, url=""), self.project)
        return True, parsed.version if parsed else None
