"""metadata.py's plain header reader gives what `email`'s parser gives, on every input.

The reference is the same module with the plain reader switched off, so `email.parser`
(compat32) reads every head. Compared on the recorded corpus (every `.metadata` file, and
each recorded wheel's METADATA and sdist's PKG-INFO; more folders may be named in
`WHEELFIT_METADATA_CORPUS`, e.g. a benchmark snapshot), on a table of the cases `email`
treats specially, and on generated heads.
"""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wheelfit.errors import IndexResponseError
from wheelfit.index.base import CoreMetadata
from wheelfit.index.parse import metadata as md

RECORDED = Path(__file__).resolve().parents[2] / "recorded"
META_NAMES = ("METADATA", "PKG-INFO")


def _members(path: Path) -> Iterator[bytes]:
    """The core metadata files inside a recorded wheel or sdist."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.count("/") == 1 and name.endswith(".dist-info/METADATA"):
                    yield archive.read(name)
    elif path.name.endswith(".tar.gz"):
        with tarfile.open(fileobj=io.BytesIO(path.read_bytes())) as archive:
            for info in archive.getmembers():
                if info.isfile() and info.name.count("/") == 1 and info.name.endswith("/PKG-INFO"):
                    handle = archive.extractfile(info)
                    if handle is not None:
                        yield handle.read()


def _corpus() -> list[tuple[str, bytes]]:
    found = [(p.name, p.read_bytes()) for p in sorted((RECORDED / "metadata").iterdir())]
    for path in sorted((RECORDED / "files").iterdir()):
        found += [(path.name, data) for data in _members(path)]
    for folder in filter(None, os.environ.get("WHEELFIT_METADATA_CORPUS", "").split(os.pathsep)):
        found += [(str(p), p.read_bytes()) for p in sorted(Path(folder).rglob("*"))
                  if p.is_file() and (p.name.endswith(".metadata") or p.name in META_NAMES)]
    return found


CORPUS = _corpus()


def _outcome(data: bytes) -> CoreMetadata | str:
    try:
        return md.parse_core_metadata(data, source="https://files.example/f.whl.metadata")
    except IndexResponseError as exc:
        return f"error: {exc}"


@contextmanager
def _email_only() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(md, "_plain_headers", lambda head: None)
        yield


def _by_email(data: bytes) -> CoreMetadata | str:
    with _email_only():
        return _outcome(data)


@contextmanager
def _counting_email_reads() -> Iterator[list[str]]:
    calls: list[str] = []
    original = md._email_headers

    def counted(head: str, source: str | None) -> tuple[dict[str, list[str]], list[str]]:
        calls.append(head)
        return original(head, source)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(md, "_email_headers", counted)
        yield calls


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 100


@pytest.mark.parametrize(("label", "data"), CORPUS, ids=[label for label, _ in CORPUS])
def test_recorded_metadata_reads_as_email_reads_it(label: str, data: bytes) -> None:
    assert _outcome(data) == _by_email(data)


def test_recorded_metadata_needs_no_email_parser() -> None:
    with _counting_email_reads() as calls:
        for _label, data in CORPUS:
            _outcome(data)
    assert calls == []


HEAD = "Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n"
CASES = {
    "folded with spaces and tabs": HEAD + "Requires-Dist: bar;\n  python_version < '3.11'\n"
    "Requires-Dist: baz\n\t; extra == 'x'\n",
    "duplicates: first single, every multi": HEAD + "Name: other\nVersion: 2\n"
    "Requires-Dist: a\nRequires-Dist: b\nRequires-Dist: a\n",
    "names in any case, no blank after the colon": "metadata-version:2.1\nNAME:foo\n"
    "version:\t1.0\nREQUIRES-DIST:bar\nrequires-python:   >=3.9\n",
    "crlf line ends": (HEAD + "Requires-Dist: bar\r\n  ; extra == 'x'\r\n\r\nbody").replace(
        "\n", "\r\n").replace("\r\r\n", "\r\n"),
    "lone carriage returns": "Metadata-Version: 2.1\rName: foo\rVersion: 1\rRequires-Dist: a\r"
    "  ; extra == 'x'\r\rRequires-Dist: body\n",
    "a carriage return between requirements": HEAD + "Requires-Dist: a\rRequires-Dist: b\n"
    "Requires-Dist: c\r  ; extra == 'x'\n",
    "a From line first": "From someone\n" + HEAD + "Requires-Dist: a\n",
    "a From line in the middle": HEAD + "From someone\nRequires-Dist: a\n",
    "a From line last": HEAD + "Requires-Dist: a\nFrom someone",
    "a first line that is a continuation": "  stray\n" + HEAD + "Requires-Dist: a\n",
    "a line starting with a colon": HEAD + ": no name\n  folded\nRequires-Dist: a\n",
    "a text line ends the headers": HEAD + "Requires-Dist: a\nJust some text\n"
    "Requires-Dist: b\n",
    "a name with a space ends the headers": HEAD + "Requires Dist: x\nRequires-Dist: b\n",
    "a non-ASCII name ends the headers": HEAD + "Réquires: x\nRequires-Dist: b\n",
    "empty values and a folded empty first line": HEAD + "Requires-Dist:\nRequires-Dist:\n"
    "  bar\nProvides-Extra:   \n  \nDynamic: \t\n",
    "a blank-only continuation": HEAD + "Requires-Dist: a\n   \n\t\nProvides-Extra: x\n",
    "an old PKG-INFO: folded description before requirements": "Metadata-Version: 1.2\n"
    "Name: foo\nVersion: 1\nDescription: Foo\n        =====\n        \n        Text: with a "
    "colon\n        |\nRequires-Dist: bar\nRequires-Python: >=3.6\n",
    "other line breaks stay in values": HEAD + "Requires-Dist: a\x0bb\x0cc\x1cd\x85e\u2028f\n",
    "a name ending the file without a newline": "Metadata-Version: 2.1\nVersion: 1\nName: foo",
    "no Version: the error names the defects": "Metadata-Version: 2.1\n  stray\nName: foo\n",
    "no headers at all": "just text\n",
    "empty": "",
    "a blank first line": "\n" + HEAD,
    "a bad Metadata-Version": "Metadata-Version: two\nName: foo\nVersion: 1\n",
    "only a body": "\n\n" + HEAD,
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_special_heads_read_as_email_reads_them(text: str) -> None:
    for data in (text.encode("utf-8"), text.encode("utf-8") + b"\n\nbody \xe9 in latin-1"):
        assert _outcome(data) == _by_email(data)


def test_folded_values_join_as_before() -> None:
    found = _outcome(CASES["folded with spaces and tabs"].encode())
    assert isinstance(found, CoreMetadata)
    assert found.requires_dist == ("bar; python_version < '3.11'", "baz ; extra == 'x'")


def test_a_text_line_hides_the_requirements_after_it() -> None:
    found = _outcome(CASES["a text line ends the headers"].encode())
    assert isinstance(found, CoreMetadata)
    assert found.requires_dist == ("a",)


def test_plain_heads_need_no_email_parser() -> None:
    with _counting_email_reads() as calls:
        _outcome(CASES["folded with spaces and tabs"].encode())
        _outcome(CASES["an old PKG-INFO: folded description before requirements"].encode())
    assert calls == []


_TOKENS = st.sampled_from([
    "Metadata-Version: 2.1", "Name: foo", "name:Foo", "Version: 1.0", "VERSION:2",
    "Requires-Dist: bar", "requires-dist:", "Provides-Extra: x", "Dynamic: Requires-Dist",
    "Requires-Python: >=3", "Classifier: y", "Description: d", "Requires-Dist", "Name ",
    "\n", "\n", "\n", "\r\n", "\r", " ", "\t", ":", "From ", "x", "é", "\x0c", "\u2028",
    "\x85", ";", "'",
])


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.lists(_TOKENS, max_size=40), st.booleans())
def test_generated_heads_read_as_email_reads_them(
    headed: bool, tokens: list[str], latin1: bool
) -> None:
    text = (HEAD if headed else "") + "".join(tokens)
    data = text.encode("latin-1", "replace") if latin1 else text.encode("utf-8")
    assert _outcome(data) == _by_email(data)
