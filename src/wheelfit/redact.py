"""Credential redaction for every URL that reaches output, logs, errors or cache keys."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/?#\s]+)@")


def redact_url(url: str) -> str:
    """Replace the `user:token@` part of a URL with `***@`; other URLs pass unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def redact_text(text: str) -> str:
    """Redact every `scheme://user:secret@` found anywhere in a piece of text."""
    return _USERINFO.sub(lambda m: f"{m.group('scheme')}***@", text)
