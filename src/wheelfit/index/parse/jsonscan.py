"""PEP 691 project pages read entry by entry, without a JSON object per file entry.

A page of the 500 most-downloaded projects averages 270 KB and up to 5 MB of file entries of
one shape (PyPI's: keys in sorted order, an absolute URL, one sha256). `json.loads` builds a
dict per entry and `pagerows` then takes each apart; here one regular expression (`_ENTRY`)
reads such an entry straight from the page text into its fields, and its memo row is written
as JSON text without building a row (`json_of_fields`).

Exactness rests on three rules:

* `_ENTRY` matches only entries whose every string is printable ASCII without `"` or `\\`
  (so no escapes and no credentials: no `@` in the URL), with exactly the keys it names, in
  its order, and values of the types `pagerows._fast_row` takes; what it reads is what
  `_fast_row` would have made of the same entry.
* Anything else between the entries' braces is handed to the standard decoder
  (`raw_decode`, the C scanner `json.loads` uses) and judged by `pages.py`'s own code: a key
  order, escape or extra key the expression does not know only costs speed.
* The page's other members are read by the standard decoder too. Any surprise (not an
  object, a key twice, no `files` list, a decoding error, a careful entry that raises) answers
  None, and the caller parses the page the careful way, which gives its errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from packaging.version import Version

from wheelfit.index.parse.pagerows import PageVersions, Row

_WS = r"[ \t\n\r]*"
_TEXT = r"[ !#-\[\]-~]"  # printable ASCII but '"' and '\'
_EDGE = r"[!#-\[\]-~]"  # the same but space: `str.strip` leaves such a text as it is
_STRIPPED = f"(?:{_EDGE}(?:{_TEXT}*{_EDGE})?)?"  # a text with no space at its ends
_URL_HEAD = r"[!$-.0-?A-\[\]-~]"  # a URL character, not '/'
_URL = r"[!$-?A-\[\]-~]"  # printable ASCII but space, '"', '#', '@' and '\'
_SEP = f"{_WS},{_WS}"
_HEX = r"[0-9a-f]+"


def _key(name: str) -> str:
    return f'"{name}"{_WS}:{_WS}'


def _meta() -> str:
    """A core-metadata value (false, true, null, {} or {"sha256": hex}): two groups."""
    return f'(false|true|null|\\{{{_WS}\\}}|\\{{{_WS}"sha256"{_WS}:{_WS}"({_HEX})"{_WS}\\}})'


# An entry and the separator after it. Groups, in order: core-metadata (value, hex),
# data-dist-info-metadata (ignored, as `pages.py` ignores it), dist-info-metadata,
# filename, sha256, requires-python, size, upload-time, url, yanked, yanked reason, then
# core-metadata and dist-info-metadata written last, and "," or "]". The metadata keys may
# come first (sorted keys, as PyPI writes them) or last.
_ENTRY = re.compile(
    f"\\{{{_WS}"
    f"(?:{_key('core-metadata')}{_meta()}{_SEP})?"
    f"(?:{_key('data-dist-info-metadata')}{_meta()}{_SEP})?"
    f"(?:{_key('dist-info-metadata')}{_meta()}{_SEP})?"
    f'{_key("filename")}"({_TEXT}+)"{_SEP}'
    f'{_key("hashes")}\\{{{_WS}(?:"sha256"{_WS}:{_WS}"({_HEX})"{_WS})?\\}}{_SEP}'
    f'(?:{_key("provenance")}(?:null|"{_TEXT}*"){_SEP})?'
    f'{_key("requires-python")}(?:null|"({_STRIPPED})"){_SEP}'
    f"{_key('size')}(?:null|(0|[1-9][0-9]{{0,17}})){_SEP}"
    f'{_key("upload-time")}(?:null|"({_STRIPPED})"){_SEP}'
    f'{_key("url")}"(https?://{_URL_HEAD}{_URL}*)"{_SEP}'
    f'{_key("yanked")}(false|true|"({_STRIPPED})")'
    f"(?:{_SEP}{_key('core-metadata')}{_meta()})?"
    f"(?:{_SEP}{_key('dist-info-metadata')}{_meta()})?"
    f"{_WS}\\}}{_WS}([,\\]]){_WS}"
)
_SPACE = re.compile(_WS)
_DECODER = json.JSONDecoder()
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]

Fields = tuple[str | None, ...]  # `_ENTRY`'s groups
_T = TypeVar("_T")
# `pages._json_file` bound to the page: (entry, position) -> its DistFile's row, or None.
Careful = Callable[[object, int], Row | None]


@dataclass(frozen=True)
class Making(Generic[_T]):
    """What a scan makes of each project file: `fast` of a matched entry's fields, `slow`
    of the row of an entry read by the standard decoder, after `own` (for rows whose URL
    holds an "@", in page order, as `pagerows.group_rows` applies it)."""

    fast: Callable[[Fields], _T]
    slow: Callable[[Row], _T]
    own: Callable[[Row], Row] | None = None
    # `memoscan.read`: the whole array at once, or None (a clean page's memo rows)
    whole: Callable[[str, int, PageVersions],
                    tuple[dict[Version, list[_T]], int] | None] | None = None


class _NotFast(Exception):
    """The page is not for this reader; the caller parses it the careful way."""


def scan(text: str, project: str, careful: Careful,
         making: Making[_T]) -> tuple[dict[Version, list[_T]], object] | None:
    """(the page's project files by version, in `pagerows.group_rows`' order, as `making`
    makes them; the page's `meta` value); None when the page should be parsed the careful
    way. Only for pages fetched over http(s)."""
    try:
        return _scan(text, project, careful, making)
    except (_NotFast, ValueError, RecursionError, IndexError):
        return None


def _scan(text: str, project: str, careful: Careful,
          making: Making[_T]) -> tuple[dict[Version, list[_T]], object]:
    pos = _SPACE.match(text).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] != "{":
        raise _NotFast
    pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    members: dict[str, object] = {}
    groups: dict[Version, list[_T]] | None = None
    if text[pos:pos + 1] != "}":
        while True:
            if text[pos:pos + 1] != '"':
                raise _NotFast
            key, pos = _scanstring(text, pos + 1)
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos:pos + 1] != ":" or key in members:
                raise _NotFast
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            if key == "files":
                groups, pos = _files(text, pos, PageVersions(project), careful, making)
                members[key] = None
            else:
                members[key], pos = _DECODER.raw_decode(text, pos)
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos:pos + 1] == ",":
                pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
                continue
            break
    if text[pos:pos + 1] != "}" or groups is None:
        raise _NotFast
    if _SPACE.match(text, pos + 1).end() != len(text):  # type: ignore[union-attr]
        raise _NotFast
    return groups, members.get("meta")


def _files(text: str, pos: int, versions: PageVersions, careful: Careful,
           making: Making[_T]) -> tuple[dict[Version, list[_T]], int]:
    """The `files` array starting at `pos`: its project files by version, and the position
    after it."""
    if text[pos:pos + 1] != "[":
        raise _NotFast
    groups: dict[Version, list[_T]] = {}
    # Versions are mostly shared objects (one per wheel name-version-build): hash them once.
    by_id: dict[int, tuple[Version, list[_T]]] = {}
    match = _ENTRY.match
    fast, slow, own = making.fast, making.slow, making.own
    pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] == "]":
        return groups, pos + 1
    if making.whole is not None:
        whole = making.whole(text, pos, versions)
        if whole is not None:
            return whole
    position = 0
    while True:
        entry = match(text, pos)
        if entry is not None:
            fields = entry.groups()
            if (fields[0] is not None and fields[14] is not None) \
                    or (fields[4] is not None and fields[16] is not None):
                entry = None  # a metadata key twice: the decoder's last-one-wins decides
        if entry is not None:
            is_project, version = versions(fields[6])
            made = fast(fields) if is_project else None
            pos = entry.end()
            mark = fields[18]
        else:  # an entry of another shape: read and judged by the standard code
            value, pos = _DECODER.raw_decode(text, pos)
            try:
                row = careful(value, position)
            except Exception:  # the careful parse raises it again, with the page's context
                raise _NotFast from None
            version = made = None
            if row is not None:
                if own is not None and "@" in row[1]:
                    row = own(row)
                version = versions(row[0])[1]
                made = slow(row)
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            mark = text[pos:pos + 1]
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        if made is not None and version is not None:
            hit = by_id.get(id(version))
            if hit is None:
                found = groups.get(version)
                if found is None:
                    found = groups[version] = []
                by_id[id(version)] = (version, found)  # kept alive: its id is not reused
            else:
                found = hit[1]
            found.append(made)
        position += 1
        if mark == "]":
            return groups, pos
        if mark != ",":
            raise _NotFast


def _metadata(fields: Fields) -> tuple[str | None, str | None]:
    """(the metadata value's text, its sha256) as `entry.get("core-metadata",
    entry.get("dist-info-metadata"))` reads them."""
    for at in (0, 14, 4, 16):
        if fields[at] is not None:
            return fields[at], fields[at + 1]
    return None, None


def row_of_fields(fields: Fields) -> Row:
    """The row `pagerows._fast_row` makes of a matched entry."""
    meta, meta_hex = _metadata(fields)
    sha256, size = fields[7], fields[9]
    return (fields[6], fields[11], (("sha256", sha256),) if sha256 else (),  # type: ignore[return-value]
            fields[8] or None, fields[12] != "false", fields[13] or None,
            None if size is None else int(size), fields[10] or None,
            None if meta in (None, "false", "null") else
            ((("sha256", meta_hex),) if meta_hex else ()))


def json_of_fields(fields: Fields) -> str:
    """`row_of_fields(fields)` as the JSON text `parsed.encode_rows` would write for it
    (the expression admits no character JSON would escape)."""
    (meta, meta_hex, _ddm, _ddm_hex, dm, _dm_hex, filename, sha256, requires, size, uploaded,
     url, yanked, reason, *_rest) = fields
    if meta is None and (fields[14] is not None or dm is not None or fields[16] is not None):
        meta, meta_hex = _metadata(fields)
    hashes = f'[["sha256","{sha256}"]]' if sha256 else "[]"
    if meta is None or meta == "false" or meta == "null":
        metadata = "null"
    else:
        metadata = f'[["sha256","{meta_hex}"]]' if meta_hex else "[]"
    return (f'["{filename}","{url}",{hashes},'
            + ('"' + requires + '",' if requires else "null,")
            + ("false," if yanked == "false" else "true,")
            + ('"' + reason + '",' if reason else "null,")
            + (size or "null") + ","
            + ('"' + uploaded + '",' if uploaded else "null,")
            + metadata + "]")


ROWS: Making[Row] = Making(row_of_fields, lambda row: row)
