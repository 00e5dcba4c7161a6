"""A project page's links (pure: no I/O): absolute URLs, file names, hashes, the API version,
and the error raised for a page that cannot be read; shared by the JSON and HTML parsers
(`pages.py`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from wheelfit.errors import IndexResponseError
from wheelfit.index.urls import is_ascii_digits
from wheelfit.redact import redact_url

# Hash names pip accepts in a URL fragment / data-core-metadata value.
HASH_NAMES = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_SUPPORTED_MAJOR = 1
_HINT = (
    "Check that --index-url points at a PEP 503/691 simple index "
    "(e.g. https://pypi.org/simple); if the index is having trouble, try again later "
    "or use --offline to rely on the cache."
)


def page_error(reason: str, page_url: str) -> IndexResponseError:
    """An `IndexResponseError` about a project page, with the URL redacted."""
    safe = redact_url(page_url)
    return IndexResponseError(f"{safe}: {reason}", url=safe, hint=_HINT)


def resolve(page_url: str, href: str) -> tuple[str, str] | None:
    """(absolute URL without fragment, fragment) or None for unusable links."""
    if href.startswith(WEB) and page_url.startswith(WEB) and href.isprintable() \
            and " " not in href:
        # The common case (PyPI's absolute file URLs): no joining or re-splitting needed.
        url, _, fragment = href.partition("#")
        host = url.split("://", 1)[1].split("/", 1)[0]
        if host:
            return url, fragment
    try:
        absolute = urljoin(page_url, href.strip())
        parts = urlsplit(absolute)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "file"):
        return None
    # A remote page may never point at the local file system.
    if scheme == "file" and urlsplit(page_url).scheme.lower() != "file":
        return None
    if scheme != "file" and not parts.netloc:
        return None
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    return url, parts.fragment


WEB = ("https://", "http://")


def filename_of(url: str) -> str:
    """The file name a file URL ends with, unquoted."""
    path = urlsplit(url).path
    return unquote(path.rsplit("/", 1)[-1])


def parse_hash_pair(text: str) -> tuple[str, str] | None:
    """`name=hex` as pip reads it (a hash name pip accepts), or None."""
    name, sep, value = text.partition("=")
    name = name.strip().lower()
    value = value.strip().lower()
    if not sep or name not in HASH_NAMES or not value or not _HEX.match(value):
        return None
    return name, value


def hash_dict(value: object, where: str, page_url: str) -> tuple[tuple[str, str], ...]:
    """A JSON `hashes` object's usable pairs, sorted; raises on a malformed one."""
    if not isinstance(value, Mapping):
        raise page_error(f"{where}: hashes must be an object", page_url)
    pairs: list[tuple[str, str]] = []
    for name, digest in value.items():
        if not isinstance(name, str) or not isinstance(digest, str):
            raise page_error(f"{where}: hash names and values must be strings", page_url)
        pair = parse_hash_pair(f"{name}={digest}")
        if pair is not None:
            pairs.append(pair)
    return tuple(sorted(pairs))


def check_api_version(version: str, page_url: str) -> None:
    """Raise unless the page's simple API version is 1.x."""
    major = version.strip().split(".", 1)[0]
    if not is_ascii_digits(major):
        raise page_error(f"unreadable simple API version {version[:20]!r}", page_url)
    if int(major) != _SUPPORTED_MAJOR:
        raise page_error(
            f"simple API version {version[:20]} is not supported (wheelfit reads 1.x)", page_url
        )
