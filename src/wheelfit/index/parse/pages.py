"""Parse a project page of a simple index into `DistFile`s (pure: no I/O).

Two formats, chosen by the response Content-Type:

* PEP 691 JSON (`application/vnd.pypi.simple.v1+json`) with the PEP 700 fields (`size`,
  `upload-time`) and PEP 714 `core-metadata` (legacy `dist-info-metadata` accepted);
* PEP 503 HTML (`text/html`, `application/vnd.pypi.simple.v1+html`): anchors with
  `data-requires-python`, `data-yanked`, `data-core-metadata` / `data-dist-info-metadata`
  and `#<hash>=<hex>` URL fragments.

Relative URLs are resolved against the page URL. Files whose name is not a wheel or sdist
of the project are dropped, as pip drops them. A body that cannot be a project page raises
`IndexResponseError` (with the redacted page URL) and nothing else. JSON entries of the
common shape take `pagerows.py`'s fast path; `parse_grouped` also groups them by version.
The scanners (`jsonscan`, `htmlscan`) load with the first page parsed: a run that the memo
answers needs neither. URLs, hashes and the page error are `pagelinks.py`'s.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from wheelfit.compat.filenames import is_project_file
from wheelfit.errors import IndexResponseError
from wheelfit.index.limits import DEFAULT_LIMITS, Limits
from wheelfit.index.parse.pagelinks import (
    WEB,
    check_api_version,
    filename_of,
    hash_dict,
    page_error,
    parse_hash_pair,
    resolve,
)
from wheelfit.index.parse.pagerows import (
    PageVersions,
    Row,
    RowGroups,
    VersionRow,
    dist_of,
    group_rows,
    json_rows,
    row_of,
)
from wheelfit.model import DistFile

if TYPE_CHECKING:
    from packaging.version import Version

    from wheelfit.index.parse import jsonscan

JSON_CONTENT_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_CONTENT_TYPES = ("application/vnd.pypi.simple.v1+html", "text/html")
ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)


def parse_page(body: bytes, content_type: str, page_url: str, project: str) -> tuple[DistFile, ...]:
    """Parse a project page, picking the parser from the response's Content-Type."""
    mime, params = _split_content_type(content_type)
    if mime == JSON_CONTENT_TYPE:
        return parse_json_page(body, page_url, project)
    if mime in HTML_CONTENT_TYPES:
        return parse_html_page(body, page_url, project, encoding=params.get("charset"))
    shown = content_type.strip()[:80] or "none"
    raise page_error(
        f"unexpected Content-Type {shown!r} for a project page "
        f"(expected {JSON_CONTENT_TYPE} or text/html)",
        page_url,
    )


def parse_grouped(body: bytes, content_type: str, page_url: str, project: str,
                  own: Callable[[Row], Row] | None = None) -> RowGroups:
    """`parse_page` and `verdict.group_files` in one pass: the rows of the page's files by
    version, in the order `group_files` gives (files it cannot place are left out). `own`
    sees each file whose URL holds an "@" (see `pagerows.group_rows`)."""
    if is_json(content_type):
        from wheelfit.index.parse import jsonscan

        scanned = scan_json(body, page_url, project, jsonscan.Making(
            jsonscan.row_of_fields, jsonscan.ROWS.slow, own))
        return scanned if scanned is not None else group_rows(
            _json_rows(body, page_url, project), own)
    versions = PageVersions(project)
    return group_rows([(versions(f.filename)[1], row_of(f))
                       for f in parse_page(body, content_type, page_url, project)], own)


_T = TypeVar("_T")


def scan_json(body: bytes, page_url: str, project: str,
             making: jsonscan.Making[_T]) -> dict[Version, list[_T]] | None:
    """A JSON page's project files by version, read by `jsonscan` (see `making`); None
    when the page is for the careful way (`_json_rows`)."""
    if not page_url.startswith(WEB):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    versions = PageVersions(project)

    def careful(entry: object, position: int) -> Row | None:
        found = json_rows([entry], versions, True,
                          lambda one, _at: _json_file(one, position, page_url, project))
        return found[0][1] if found else None

    from wheelfit.index.parse import jsonscan

    scanned = jsonscan.scan(text, project, careful, making)
    try:
        _check_json_meta(None if scanned is None else scanned[1], page_url)
    except IndexResponseError:
        return None
    return None if scanned is None else scanned[0]


def is_json(content_type: str) -> bool:
    """True when a Content-Type names the PEP 691 JSON format."""
    return _split_content_type(content_type)[0] == JSON_CONTENT_TYPE


def _split_content_type(value: str) -> tuple[str, dict[str, str]]:
    mime, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        key, sep, val = part.partition("=")
        if sep:
            params[key.strip().lower()] = val.strip().strip('"')
    return mime.strip().lower(), params


# --- PEP 691 JSON -------------------------------------------------------------------------


def parse_json_page(body: bytes, page_url: str, project: str) -> tuple[DistFile, ...]:
    """Parse a PEP 691 JSON project page."""
    return tuple(dist_of(row) for _version, row in _json_rows(body, page_url, project))


def _json_rows(body: bytes, page_url: str, project: str) -> list[VersionRow]:
    """(the version `group_files` files it under, its row) of each project file."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise page_error("project page is not UTF-8 JSON", page_url) from None
    except (ValueError, RecursionError) as exc:
        raise page_error(f"project page is not valid JSON ({_short(exc)})", page_url) from None
    if not isinstance(data, dict):
        raise page_error("project page JSON is not an object", page_url)
    _check_json_meta(data.get("meta"), page_url)
    files = data.get("files")
    if not isinstance(files, list):
        raise page_error("project page JSON has no 'files' list", page_url)
    return json_rows(files, PageVersions(project), page_url.startswith(WEB),
                     lambda entry, position: _json_file(entry, position, page_url, project))


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def _check_json_meta(meta: object, page_url: str) -> None:
    if meta is None:
        return
    if not isinstance(meta, dict):
        raise page_error("project page JSON 'meta' is not an object", page_url)
    version = meta.get("api-version")
    if version is None:
        return
    if not isinstance(version, str):
        raise page_error("project page JSON 'meta.api-version' is not a string", page_url)
    check_api_version(version, page_url)


def _json_file(entry: object, position: int, page_url: str, project: str) -> DistFile | None:
    where = f"files[{position}]"
    if not isinstance(entry, dict):
        raise page_error(f"{where} is not an object", page_url)
    filename = entry.get("filename")
    url = entry.get("url")
    if not isinstance(filename, str) or not isinstance(url, str):
        raise page_error(f"{where} lacks a string 'filename' and 'url'", page_url)
    where = f"{where} ({filename[:100]})"
    if not is_project_file(filename, project):
        return None
    resolved = resolve(page_url, url)
    if resolved is None:
        return None
    file_url, _fragment = resolved
    hashes = hash_dict(entry.get("hashes", {}), where, page_url)
    requires_python = _optional_str(
        entry.get("requires-python"), "requires-python", where, page_url
    )
    yanked, reason = _json_yanked(entry.get("yanked", False), where, page_url)
    size = entry.get("size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        raise page_error(f"{where}: 'size' must be a non-negative integer", page_url)
    upload_time = _optional_str(entry.get("upload-time"), "upload-time", where, page_url)
    metadata_value = entry.get("core-metadata", entry.get("dist-info-metadata"))
    return DistFile(
        filename=filename,
        url=file_url,
        hashes=hashes,
        requires_python=requires_python,
        yanked=yanked,
        yanked_reason=reason,
        size=size,
        upload_time=upload_time,
        metadata_hashes=_json_metadata(metadata_value, where, page_url),
    )


def _optional_str(value: Any, key: str, where: str, page_url: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise page_error(f"{where}: {key!r} must be a string", page_url)
    return value.strip() or None


def _json_yanked(value: Any, where: str, page_url: str) -> tuple[bool, str | None]:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, str):
        return True, value.strip() or None
    raise page_error(f"{where}: 'yanked' must be a boolean or a string", page_url)


def _json_metadata(value: Any, where: str, page_url: str) -> tuple[tuple[str, str], ...] | None:
    if value is None or value is False:
        return None
    if value is True:
        return ()
    if isinstance(value, Mapping):
        return hash_dict(value, where, page_url)
    raise page_error(f"{where}: 'core-metadata' must be a boolean or an object", page_url)


# --- PEP 503 HTML -------------------------------------------------------------------------


class _AnchorCollector:
    """Collects `<a>` attributes, `<base href>`, the repository-version meta and the title."""

    def __init__(self) -> None:
        self.anchors: list[dict[str, str | None]] = []
        self.base_href: str | None = None
        self.repository_version: str | None = None
        self.title_parts: list[str] = []
        self._in_title = False

    def feed(self, text: str, limits: Limits) -> None:
        """Take in a whole page (`htmlscan.scan`'s caps apply)."""
        from wheelfit.index.parse.htmlscan import scan

        for kind, name, attrs in scan(text, max_tags=limits.page_tags,
                                      max_attributes=limits.tag_attributes):
            if kind == "start":
                self.handle_starttag(name, attrs)
            elif kind == "end":
                if name == "title":
                    self._in_title = False
            elif self._in_title and sum(map(len, self.title_parts)) < 200:
                self.title_parts.append(name)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.anchors.append(values)
        elif tag == "base" and self.base_href is None and values.get("href"):
            self.base_href = values["href"]
        elif tag == "meta" and (values.get("name") or "").lower() == "pypi:repository-version":
            self.repository_version = values.get("content") or ""
        elif tag == "title":
            self._in_title = True


def parse_html_page(
    body: bytes, page_url: str, project: str, *, encoding: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[DistFile, ...]:
    """Parse a PEP 503 HTML project page.

    A page that lists no file of the project and does not look like a simple-index page
    (no `pypi:repository-version` meta, no "Links for" title) is taken for an error page
    served with status 200 and raises `IndexResponseError`; so does a page beyond the
    scanner's caps (`limits.page_tags`, `limits.tag_attributes`).
    """
    from wheelfit.index.parse.htmlscan import MarkupLimit

    text = _decode(body, encoding)
    collector = _AnchorCollector()
    try:
        collector.feed(text, limits)
    except MarkupLimit as exc:
        raise page_error(f"project page has {exc}: refused (a cap against hostile pages)",
                         page_url) from None
    if collector.repository_version is not None:
        check_api_version(collector.repository_version or "1.0", page_url)
    base = page_url
    if collector.base_href:
        rebased = resolve(page_url, collector.base_href)
        if rebased is not None:
            base = rebased[0]
    files = tuple(
        dist
        for attrs in collector.anchors
        if (dist := _html_file(attrs, base, project)) is not None
    )
    title = " ".join("".join(collector.title_parts).split())
    looks_like_index = collector.repository_version is not None or title.lower().startswith(
        "links for"
    )
    if not files and not looks_like_index:
        shown = f" (title: {title[:80]!r})" if title else ""
        raise page_error(
            "the index answered with an HTML page that lists no files and is not a "
            f"simple-index project page{shown}",
            page_url,
        )
    return files


def _decode(body: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return body.decode(encoding, errors="replace")
        except LookupError:
            pass
    return body.decode("utf-8", errors="replace")


def _html_file(attrs: Mapping[str, str | None], base: str, project: str) -> DistFile | None:
    href = attrs.get("href") or ""
    resolved = resolve(base, href)
    if resolved is None:
        return None
    url, fragment = resolved
    filename = filename_of(url)
    if not is_project_file(filename, project):
        return None
    pair = parse_hash_pair(fragment) if fragment else None
    requires_python = (attrs.get("data-requires-python") or "").strip() or None
    yanked = "data-yanked" in attrs
    reason = (attrs.get("data-yanked") or "").strip() or None
    metadata_value = attrs.get("data-core-metadata")
    if metadata_value is None:
        metadata_value = attrs.get("data-dist-info-metadata")
    return DistFile(
        filename=filename,
        url=url,
        hashes=(pair,) if pair else (),
        requires_python=requires_python,
        yanked=yanked,
        yanked_reason=reason,
        metadata_hashes=_html_metadata(
            metadata_value, "data-core-metadata" in attrs or "data-dist-info-metadata" in attrs
        ),
    )


def _html_metadata(value: str | None, present: bool) -> tuple[tuple[str, str], ...] | None:
    """pip's reading: absent or "false" → no file; "true" or junk → file without hash."""
    if not present:
        return None
    text = (value or "").strip()
    if text.lower() == "false":
        return None
    if text.lower() in ("true", ""):
        return ()
    pair = parse_hash_pair(text)
    return (pair,) if pair else ()
