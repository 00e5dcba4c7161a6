"""A clean PEP 691 page's `files` array read whole into memo chunks, a column at a time.

`jsonscan` reads one entry per call of an expression that allows any whitespace and tests
each string character against a class, then splits the file name and writes the row in a
dozen Python steps per entry. On a page `clean` accepts (every byte printable ASCII but
`\\`), a JSON string is a run of "not a quote" with no escape, so a leaner expression
(`_ENTRIES`: fixed separators, the metadata keys only on pages that name them) splits the
whole array in one `re.split` call: the fields of every entry in columns, and the text
between entries, which must be empty. Each column is checked at once (hex digits; no
space, "#" or "@" in a URL) and turned into row pieces; the one Python step per entry left
is the file's group (`_group_ids`). Each version's chunk is then one join of its rows'
pieces (`_joined`).

Exactness: the rows are the text `jsonscan.json_of_fields` writes for the same entries,
and a text that `jsonscan`'s expression would not take (padded, empty) is written as its
careful reader writes it (stripped, or null). Anything else (another key, order or
separator, a metadata key twice, a second hash, an odd URL or digest) makes `read` answer
None, and `jsonscan` reads the page as before.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from itertools import compress, repeat
from typing import TYPE_CHECKING, Any

from wheelfit.compat.filenames import tags_valid

if TYPE_CHECKING:
    from packaging.version import Version

    from wheelfit.index.parse.pagerows import PageVersions

# Printable ASCII but '\'. A JSON string of these holds no escape and needs none.
_PRINTABLE = bytes(c for c in range(0x20, 0x7F) if c != 0x5C)
_HEX = b"0123456789abcdef"
_ENDS = b" \t\n\r"


def clean(body: bytes) -> bool:
    """True when every byte of `body` but whitespace at its ends is printable ASCII other
    than a backslash (then `read` may take its `files` array)."""
    return not body.strip(_ENDS).translate(None, _PRINTABLE)


_META = r'(false|true|null|\{\}|\{"sha256": ?"([^"]+)"\})'  # the value, its digest
# An entry in four parts, the metadata keys first or last each in an expression only for
# pages that have them (an optional part costs even where it is absent). Groups: 1-2
# core-metadata first (value, digest), 3-4 dist-info-metadata first; 5 file name, 6
# sha256, 7 requires-python, 8 size, 9 upload-time (those three as written), 10 url, 11
# yanked (as written); 12-13 core-metadata last, 14-15 dist-info-metadata last; 16 ","
# (None after the last entry).
_FIRST = (
    rf'(?:"core-metadata": ?{_META}, ?)?'
    r'(?:"data-dist-info-metadata": ?(?:false|true|null|\{\}|\{"sha256": ?"[^"]+"\}), ?)?'
    rf'(?:"dist-info-metadata": ?{_META}, ?)?'
)
_MIDDLE = (
    r'"filename": ?"([^"]+)", ?'
    r'"hashes": ?\{(?:"sha256": ?"([^"]+)")?\}, ?'
    r'(?:"provenance": ?(?:null|"[^"]*"), ?)?'
    r'"requires-python": ?(null|"[^"]*"), ?'
    r'"size": ?(null|0|[1-9][0-9]{0,17}), ?'
    r'"upload-time": ?(null|"[^"]*"), ?'
    r'"url": ?"(https?://[^"/][^"]*)", ?'
    r'"yanked": ?(false|true|"[^"]*")'
)
_LAST = rf'(?:, ?"core-metadata": ?{_META})?(?:, ?"dist-info-metadata": ?{_META})?'
_ENTRIES = {(first, last): re.compile(
    r"\{" + (_FIRST if first else "") + _MIDDLE + (_LAST if last else "") + r"\}(?:(,) ?|\])")
    for first in (False, True) for last in (False, True)}
_ENTRY = _ENTRIES[True, True]
_FIRST_KEYS = ('{"core-metadata"', '{"data-dist-info-metadata"', '{"dist-info-metadata"')
_LAST_KEYS = (', "core-metadata"', ',"core-metadata"', ', "dist-info-metadata"',
              ',"dist-info-metadata"')
_SHA = '[["sha256","%s"]]'
_UNSEEN: Any = object()
_UNHASHED = {None: "null", "null": "null", "false": "null", "true": "[]", "{}": "[]"}
Column = list[Any]  # one field of every entry (`re.split` gives str or None)
# A row's pieces (`jsonscan.json_of_fields`' text); None where a column goes; the last is
# "," between the rows of a version, "\n" after its last row.
_PIECES = ['["', None, '","', None, '",', None, ",", None, ",", None, ",", None, ",", None,
           ",", None, "]", ","]
_WIDTH = len(_PIECES)


def read(text: str, pos: int, versions: PageVersions
         ) -> tuple[dict[Version, list[str]], int] | None:
    """The `files` array whose first entry starts at `pos`: each version's memo chunk
    text (the JSON list of the rows `jsonscan` writes) alone in a list, in
    `pagerows.group_rows`' order, and the position after the array's "]"; None when the
    array is not read this way."""
    array = text[pos:]
    named = 'metadata"' in array
    first = named and any(key in array for key in _FIRST_KEYS)
    last = named and any(key in array for key in _LAST_KEYS)
    entry = _ENTRIES[first, last]
    pieces = entry.split(array)
    step = entry.groups + 1
    if len(pieces) == 1 or pieces[0]:
        return None
    gaps, marks = pieces[step::step], pieces[step - 1::step]
    if marks[-1] is not None or marks.count(",") != len(marks) - 1 or any(gaps[:-1]):
        return None  # an entry of another shape, or entries outside the array
    columns: list[Column] = [pieces[at::step] for at in range(1, step - 1)]
    absent: Column = [None] * len(marks)
    if not first:
        columns[0:0] = [absent] * 4
    if not last:
        columns[11:11] = [absent] * 4
    fields = _fields(columns)
    if fields is None:
        return None
    ids, found = _group_ids(columns[4], versions)
    return dict(zip(found, ([chunk] for chunk in _joined(fields, ids, len(found))),
                    strict=True)), len(text) - len(gaps[-1])


def _joined(fields: list[Column], ids: list[int], count: int) -> list[str]:
    """Each group's memo chunk text (its rows as a JSON list), in the order of the groups'
    ids (1 up to `count`); entries of id 0 are left out."""
    if not count:
        return []
    order = sorted(compress(range(len(ids)), ids), key=ids.__getitem__)
    out: Column = _PIECES * len(order)
    for at, column in zip(range(1, _WIDTH - 1, 2), fields, strict=True):
        out[at::_WIDTH] = map(column.__getitem__, order)
    sizes = Counter(ids)
    chunks = []
    start = 0
    for group in range(1, count + 1):
        end = start + sizes[group] * _WIDTH
        out[start] = '[["'
        out[end - 1] = "]"
        chunks.append("".join(out[start:end]))
        start = end
    return chunks


def _fields(columns: list[Column]) -> list[Column] | None:
    """The row's variable pieces, a column each; None when a column holds what `jsonscan`
    must judge."""
    (core1, core1_hex, dist1, dist1_hex, names, sha256, requires, sizes, uploaded, urls,
     yanked, core2, core2_hex, dist2, dist2_hex) = columns
    joined = "".join(urls)
    if " " in joined or "#" in joined or "@" in joined:
        return None
    digests = "".join(filter(None, [*sha256, *core1_hex, *dist1_hex, *core2_hex, *dist2_hex]))
    if digests.encode().translate(None, _HEX):
        return None
    metadata = _metadata(core1, core1_hex, dist1, dist1_hex, core2, core2_hex, dist2,
                         dist2_hex, len(names))
    if metadata is None:
        return None
    hashes = [_SHA % h if h else "[]" for h in sha256] if None in sha256 \
        else list(map(_SHA.__mod__, sha256))
    return [names, urls, hashes, list(map(_texts(requires).__getitem__, requires)),
            list(map(_yanked(yanked).__getitem__, yanked)), sizes, _times(uploaded),
            metadata]


def _text(written: str) -> str:
    """A string value as written (`null` or quoted) → as the row holds it: stripped,
    null when empty (`pagerows._fast_row`)."""
    value = written[1:-1].strip() if written != "null" else ""
    return f'"{value}"' if value else "null"


def _texts(column: Column) -> dict[str, str]:
    """The row text of each distinct value of a column of few (requires-python)."""
    return {written: _text(written) for written in set(column)}


def _times(column: Column) -> Column:
    """Upload times (distinct per file) as the rows hold them: as written unless one is
    empty or padded."""
    joined = "".join(column)
    if '" ' in joined or ' "' in joined or '""' in column:
        return [_text(written) for written in column]
    return column


def _yanked(column: Column) -> dict[str, str]:
    """`yanked` as written → the row's two fields (yanked, reason)."""
    found = {}
    for written in set(column):
        assert written is not None
        if written == "false":
            found[written] = "false,null"
        else:
            found[written] = "true," + (_text(written) if written != "true" else "null")
    return found


def _metadata(core1: Column, core1_hex: Column, dist1: Column, dist1_hex: Column,
              core2: Column, core2_hex: Column, dist2: Column, dist2_hex: Column,
              count: int) -> Column | None:
    """Each row's metadata field: `core-metadata`, else `dist-info-metadata` (the first
    written of each); None when an entry names one of them twice."""
    present = [(values, digests) for values, digests in
               ((core1, core1_hex), (core2, core2_hex), (dist1, dist1_hex), (dist2, dist2_hex))
               if values.count(None) != count]
    if not present:
        return ["null"] * count
    absent = list(map(operator.is_, present[0][0], repeat(None)))
    if len(present) == 1 or (len(present) == 2 and present[0][0] is core2 and present[1][0]
                             is dist2 and absent == list(map(operator.is_, dist2, repeat(None)))):
        values, digests = present[0]  # one key, or both last on the same entries (loopback)
    else:
        values, digests = [], []
        for c1, c1_hex, c2, c2_hex, d1, d1_hex, d2, d2_hex in zip(
                core1, core1_hex, core2, core2_hex, dist1, dist1_hex, dist2, dist2_hex,
                strict=True):
            if (c1 is not None and c2 is not None) or (d1 is not None and d2 is not None):
                return None  # the decoder's last-one-wins decides: `jsonscan` reads it
            pair = (c1, c1_hex) if c1 is not None else (c2, c2_hex) if c2 is not None \
                else (d1, d1_hex) if d1 is not None else (d2, d2_hex)
            values.append(pair[0])
            digests.append(pair[1])
    return [_SHA % digest if digest else _UNHASHED[value]
            for value, digest in zip(values, digests, strict=True)]


def _group_ids(names: list[str], versions: PageVersions) -> tuple[list[int], list[Version]]:
    """Each file's group: 1 for the first version met, 2 for the next..., 0 for a file that
    is not the project's (as `PageVersions` judges it); and the groups' versions."""
    ids: list[int] = []
    append = ids.append
    found: list[Version] = []
    by_id: dict[int, int] = {}  # id(Version) → group
    alive: list[Version] = []  # each Version in `by_id`, so that its id is not reused
    by_version: dict[Version, int] = {}
    heads: dict[str, Version | None] = {}  # a wheel's name-version-build → its version
    tag_sets: dict[str, bool] = {}
    wheel_head = versions.wheel_head
    version: Version | None
    for name in names:
        if name.endswith(".whl"):
            # `PageVersions`' split: the tag set is the last three fields, the head the
            # two or three before them
            head = name.rsplit("-", 3)[0]
            version = heads.get(head, _UNSEEN)
            if version is _UNSEEN:
                version = heads[head] = wheel_head(head)[1] \
                    if head.count("-") in (1, 2) else None
            if version is not None:
                tags = name[len(head) + 1:-4]
                valid = tag_sets.get(tags)
                if valid is None:
                    valid = tag_sets[tags] = tags_valid(tags)
                if not valid:
                    version = None
        else:
            version = versions(name)[1]
        if version is None:
            append(0)
            continue
        group = by_id.get(id(version))
        if group is None:
            group = by_version.get(version)
            if group is None:
                found.append(version)
                group = by_version[version] = len(found)
            by_id[id(version)] = group
            alive.append(version)
        append(group)
    return ids, found
