"""URL helpers shared by the index modules (stdlib only, no I/O).

Credentials written into an index URL (`https://user:token@host/simple`) are taken out of
the URL as soon as it enters the index layer: requests get them as an `Authorization`
header for that origin only, and every URL that is stored, logged, shown or used as a
cache key is the credential-free one.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_ASCII_DIGITS = re.compile(r"[0-9]+")


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """(the URL without `user:password@`, (user, password) or None)."""
    if "@" not in url:  # no userinfo possible: the common case, without parsing
        return url, None
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, None
    if "@" not in parts.netloc:
        return url, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, (unquote(user), unquote(password))


def strip_credentials(url: str) -> str:
    """The URL without `user:password@`."""
    return split_credentials(url)[0]


def origin(url: str) -> tuple[str, int] | None:
    """(lower-case host, port) of an http(s) URL; None for other URLs."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def project_url(index_url: str, canonical_name: str) -> str:
    """`<index>/<canonical-name>/` as PEP 503 spells it."""
    return f"{index_url.rstrip('/')}/{canonical_name}/"


def is_local(url: str) -> bool:
    """True for a `file:` URL: reading it needs no network, so `--offline` allows it."""
    return url[:5].lower() == "file:"


def without_fragment(url: str) -> str:
    """The URL without its `#fragment`."""
    return url.split("#", 1)[0]


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 (`str.isdigit` also accepts "²" and "٣")."""
    return _ASCII_DIGITS.fullmatch(text) is not None
