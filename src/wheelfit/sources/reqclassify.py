"""What the requirement part of a requirements-file line is: a PEP 508 requirement or a
source wheelfit does not look up (URL, VCS checkout, local path, archive file).

Follows pip's `parse_req_from_line` order: URLs first, then things that look like paths or
archive files, then PEP 508. Decided from the text alone (no filesystem look-ups), so the
answer does not depend on the machine wheelfit runs on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement

from wheelfit.redact import redact_text
from wheelfit.sources.marker_select import lock_only_message, lock_only_variable

VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
_URL_SCHEMES = ("http", "https", "file", "ftp")
_VCS_SCHEMES = ("git", "hg", "svn", "bzr")
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")
ARCHIVE_EXTENSIONS = (
    ".whl",
    ".zip",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tar.lz",
    ".tlz",
    ".tar",
)


@dataclass(frozen=True)
class Skip:
    """A line that names a source outside the index; `reason` says which kind."""

    text: str
    reason: str


class InvalidLine(Exception):
    """The requirement part is neither PEP 508 nor a URL/path; carries a hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def classify(text: str, *, editable: bool = False) -> Requirement | Skip:
    """A PEP 508 requirement to check, or a `Skip` with the reason; raises `InvalidLine`."""
    shown = redact_text(text)
    if editable:
        return Skip(
            f"-e {shown}",
            "editable install (-e): built from local source or VCS, not from the index",
        )
    scheme = url_scheme(text)
    if scheme is not None:
        return _skip_url(shown, scheme)
    head = text.split(";", 1)[0].strip()  # pip looks at the part before the markers
    name_part, at, _ = head.partition("@")
    if looks_like_path(head if not at else name_part) or (
        head.lower().endswith(ARCHIVE_EXTENSIONS) and not at
    ):
        return Skip(shown, "local path: built or installed from a file, not from the index")
    try:
        requirement = Requirement(text)
    except InvalidRequirement as exc:
        raise InvalidLine(f"invalid requirement {shown!r}: {exc}", _hint_for(text)) from None
    lock_only = lock_only_variable(requirement.marker)
    if lock_only:
        raise InvalidLine(f"requirement {shown!r}: {lock_only_message(lock_only)}",
                          "Select groups and extras with --group/--extra instead.")
    if requirement.url:
        url_kind = url_scheme(requirement.url) or ""
        if url_kind.startswith(VCS_PREFIXES) or url_kind in _VCS_SCHEMES:
            return Skip(
                shown, "VCS checkout (name @ git+...): built from source, not from the index"
            )
        return Skip(shown, "direct URL reference (name @ URL): not looked up on the index")
    return requirement


def url_scheme(text: str) -> str | None:
    """The lower-case scheme when the text is a URL pip would accept, else None."""
    found = _SCHEME.match(text)
    if not found:
        return None
    scheme = found.group("scheme").lower()
    if scheme in _URL_SCHEMES or scheme in _VCS_SCHEMES or scheme.startswith(VCS_PREFIXES):
        return scheme
    return None


def looks_like_path(text: str) -> bool:
    """pip's `_looks_like_path`: a separator in it, or a leading dot."""
    return "/" in text or "\\" in text or text.startswith(".")


def _skip_url(shown: str, scheme: str) -> Skip:
    if scheme.startswith(VCS_PREFIXES) or scheme in _VCS_SCHEMES:
        return Skip(shown, "VCS checkout: built from source, not from the index")
    if scheme == "file":
        return Skip(shown, "local file URL: not from the index")
    return Skip(shown, "direct URL: not looked up on the index")


def _hint_for(text: str) -> str:
    if (
        re.search(r"[A-Za-z0-9\]]\s*=\s*[0-9]", text)
        and "==" not in text
        and not re.search(r"[<>!~]=", text)
    ):
        return "'=' is not a version operator: did you mean '=='?"
    return (
        "Write it as a PEP 508 requirement (`name==1.2`, `name[extra]>=1; "
        'python_version < "3.12"`), a URL, or a path starting with ./ — see '
        "https://pip.pypa.io/en/stable/reference/requirements-file-format/"
    )
