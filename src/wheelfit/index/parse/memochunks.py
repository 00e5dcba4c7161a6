"""A new page's parsed memo made from its JSON text (pure: no I/O).

The memo stores each version's rows as a JSON list (`parsed.py`). For a PEP 691 page read by
`jsonscan`, each common entry's list is written straight from the page text, so a page
goes to the memo without `json.loads`, without a row tuple per file and without the JSON
encoder; entries of other shapes are rows encoded as `parsed.encode_rows` encodes them. On a
clean page (`memoscan.clean`) the whole `files` array is first tried at once
(`memoscan.read`: the same bytes, several entries' work per Python step).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from wheelfit.index.parse import jsonscan, memoscan, pages

if TYPE_CHECKING:
    from packaging.version import Version

    from wheelfit.index.parse.pagerows import PageVersions, Row

_ROW_JSON = json.JSONEncoder(separators=(",", ":")).encode


def parse_memo_chunks(body: bytes, content_type: str, page_url: str,
                      project: str) -> dict[Version, bytes] | None:
    """`pages.parse_grouped` for the parsed memo: each version's rows as the JSON list
    `parsed.encode_rows` would write, made without building the rows; None when the page
    is not read this way (not PEP 691 JSON, or not of the usual shape) or a file URL holds
    an "@": then `parse_grouped` reads it, and raises its errors."""
    if not pages.is_json(content_type):
        return None
    credentials = [False]

    def slow(row: Row) -> str:
        credentials[0] = credentials[0] or "@" in row[1]
        return _ROW_JSON(row)

    whole = [False]  # the array was read by `memoscan`: each group is its chunk already

    def read(text: str, pos: int, versions: PageVersions
             ) -> tuple[dict[Version, list[str]], int] | None:
        found = memoscan.read(text, pos, versions)
        whole[0] = found is not None
        return found

    making = jsonscan.Making(jsonscan.json_of_fields, slow,
                             whole=read if memoscan.clean(body) else None)
    groups = pages.scan_json(body, page_url, project, making)
    if groups is None or credentials[0]:
        return None
    if whole[0]:
        return {version: chunk.encode() for version, (chunk,) in groups.items()}
    return {version: ("[" + ",".join(rows) + "]").encode() for version, rows in groups.items()}
