"""What an sdist's readers hand back, and the names they match, without the readers
(`sdist.py`: tarfile, zip ranges): a run whose scans the cache answers loads none of them."""

from __future__ import annotations


def is_zip_sdist(filename: str) -> bool:
    """True for `.zip` sdists (read by range requests rather than streamed)."""
    return filename.lower().endswith(".zip")


def is_top_level(path: str, filename: str) -> bool:
    """True for `<top-directory>/<filename>` (PKG-INFO, setup.py, ... of an sdist)."""
    top, sep, rest = path.partition("/")
    return bool(top) and sep == "/" and rest == filename


class SdistMembers(dict[str, bytes]):
    """An sdist's members read, keyed by name, and `hash_note`: None when the index gave no
    hash or the whole file was read and matched it, else why the check was partial.
    `complete`: every member was offered to `wanted` (the read did not stop early)."""

    hash_note: str | None = None
    complete: bool = False
