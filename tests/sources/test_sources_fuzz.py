"""Property tests: any input either gives a DependencySpec or raises InputFileError.

Each property runs with a small example count by default; the `slow` variants (opt-in:
`pytest -m slow`) run 10,000 examples each.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec
from wheelfit.sources.lock_pipfile import parse_pipfile_lock
from wheelfit.sources.lock_poetry import parse_poetry_lock
from wheelfit.sources.lock_pylock import parse_pylock
from wheelfit.sources.lock_uv import parse_uv_lock
from wheelfit.sources.pyproject import parse_pyproject
from wheelfit.sources.reading import decode
from wheelfit.sources.requirements import parse_requirements_text

FAST = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=10_000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
EMPTY_DIR = Path(tempfile.mkdtemp(prefix="wheelfit-fuzz-"))

# --- requirements text ----------------------------------------------------------------

REQ_FRAGMENTS = [
    "requests==2.32.3", "Django>=4.2,<5", "numpy ; python_version < '3.12'", "pkg[extra]",
    "-r other.txt", "-c constraints.txt", "--requirement=", "-e .", "-e git+https://x/y#egg=y",
    "--index-url https://u:p@h/simple", "-i", "--extra-index-url", "--pre", "--no-binary :all:",
    "--only-binary=:none:,lxml", "--hash=sha256:abc", "--hash=md5:1", "--find-links ./w",
    "--trusted-host h", "--use-feature x", "--no-index", "--prefer-binary", "${VAR}",
    "${HOME}", "name @ https://h/p.whl", "./path", "file:///x", "# comment", " #c", "\\",
    "'", '"', "=", "==", ";", "@", "[", "]", "--", "-", "-x", "\t", " ", "é", "\x0c", "\u2028",
]
req_lines = st.lists(st.one_of(st.sampled_from(REQ_FRAGMENTS), st.text(max_size=12)),
                     max_size=6).map(" ".join)
req_text = st.one_of(st.text(max_size=300),
                     st.lists(req_lines, max_size=12).map("\n".join))


def requirements_property(text: str) -> None:
    try:
        spec = parse_requirements_text(text, "requirements.txt", base_dir=EMPTY_DIR,
                                       environ={"VAR": "requests"})
    except InputFileError:
        return
    assert isinstance(spec, DependencySpec)


def requirements_keep_going_property(text: str) -> None:
    spec = parse_requirements_text(text, "requirements.txt", base_dir=EMPTY_DIR, environ={},
                                   keep_going=True)
    assert isinstance(spec, DependencySpec)


@FAST
@given(req_text)
def test_requirements_any_text(text: str) -> None:
    requirements_property(text)


@FAST
@given(req_text)
def test_requirements_keep_going_never_raises(text: str) -> None:
    requirements_keep_going_property(text)


@pytest.mark.slow
@SLOW
@given(req_text)
def test_requirements_any_text_slow(text: str) -> None:
    requirements_property(text)


@pytest.mark.slow
@SLOW
@given(req_text)
def test_requirements_keep_going_never_raises_slow(text: str) -> None:
    requirements_keep_going_property(text)


def bytes_property(data: bytes) -> None:
    try:
        assert isinstance(decode(data, "requirements.txt"), str)
    except InputFileError:
        return


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_input_error(data: bytes) -> None:
    bytes_property(data)


@pytest.mark.slow
@SLOW
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_input_error_slow(data: bytes) -> None:
    bytes_property(data)


# --- structured lock documents -----------------------------------------------------------

KEYS = [
    "version", "revision", "requires-python", "package", "packages", "name", "source",
    "registry", "git", "editable", "virtual", "path", "directory", "url", "dependencies",
    "optional-dependencies", "dev-dependencies", "marker", "markers", "extra", "extras",
    "wheels", "sdist", "filename", "manifest", "members", "groups", "category", "optional",
    "files", "file", "type", "metadata", "python-versions", "lock-version", "created-by",
    "dependency-groups", "default-groups", "index", "vcs", "archive", "hashes", "sha256",
    "commit-id", "project", "tool", "poetry", "group", "dev", "main", "include-group",
    "python", "default", "develop", "_meta", "sources", "requires", "python_version", "x",
]
SCALARS = [
    "1.0", "2.0.1", "", "six", "Foo_Bar", ".", "https://pypi.org/simple",
    "https://u:p@corp.example/simple", "sys_platform == 'linux'", "extra == 'x'", "bogus ==",
    '"dev" in dependency_groups', "^3.11", ">=3.9", "==1.0", "*", "main", "dev", "git", "legacy",
    "six-1.0-py3-none-any.whl", "six-1.0.tar.gz", "x[", "sha256:00", "extra-3-six-x",
]
scalars = st.one_of(st.sampled_from(SCALARS), st.text(max_size=8), st.integers(-2, 3),
                    st.booleans())
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=6))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(keys, inner, max_size=5)),
    max_leaves=40,
)
documents = st.dictionaries(keys, values, max_size=6)


def toml_string(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else "")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(doc: dict[str, Any]) -> str:
    return "".join(f"{toml_string(k)} = {toml_value(v)}\n" for k, v in doc.items())


LOCK_LINES = [
    "[[package]]", "[[packages]]", 'name = "six"', 'version = "1.16.0"', "version = 1",
    'source = { registry = "https://pypi.org/simple" }', 'source = { editable = "." }',
    'dependencies = [{ name = "six", marker = "sys_platform == \'linux\'" }]',
    "[package.optional-dependencies]", 'x = [{ name = "six" }]', "[package.dev-dependencies]",
    'dev = [{ name = "six" }]', 'groups = ["main"]', 'markers = "python_version < \'3.12\'"',
    "[package.source]", 'type = "git"', 'url = "https://h/x.git"', "[metadata]",
    'python-versions = "^3.11"', 'lock-version = "1.0"', 'created-by = "x"', "[extras]",
    'x = ["six"]', 'wheels = [{ url = "https://h/six-1.16.0-py2.py3-none-any.whl" }]',
    'files = [{file = "six-1.16.0.tar.gz", hash = "sha256:00"}]', "[manifest]",
    'members = ["six"]', "", "garbage = ", "[", "]",
]
lock_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(LOCK_LINES), max_size=25).map("\n".join),
    documents.map(toml_document),
)
selection = st.fixed_dictionaries({
    "extras": st.lists(st.sampled_from(["x", "y", "images"]), max_size=2).map(tuple),
    "all_extras": st.booleans(),
    "groups": st.lists(st.sampled_from(["dev", "main", "docs"]), max_size=2).map(tuple),
    "dev": st.booleans(),
    "keep_going": st.booleans(),
})

Parser = Callable[..., DependencySpec]


def lock_property(parse: Parser, text: str, options: dict[str, Any]) -> None:
    try:
        spec = parse(text, "lockfile", **options)
    except InputFileError:
        return
    assert isinstance(spec, DependencySpec)


TOML_PARSERS: list[Parser] = [parse_uv_lock, parse_poetry_lock, parse_pylock]


@pytest.mark.parametrize("parse", TOML_PARSERS, ids=["uv", "poetry", "pylock"])
@FAST
@given(text=lock_text, options=selection)
def test_toml_locks_any_input(parse: Parser, text: str, options: dict[str, Any]) -> None:
    lock_property(parse, text, options)


@pytest.mark.slow
@pytest.mark.parametrize("parse", TOML_PARSERS, ids=["uv", "poetry", "pylock"])
@SLOW
@given(text=lock_text, options=selection)
def test_toml_locks_any_input_slow(parse: Parser, text: str, options: dict[str, Any]) -> None:
    lock_property(parse, text, options)


def pyproject_property(text: str, options: dict[str, Any]) -> None:
    try:
        spec = parse_pyproject(text, "pyproject.toml", base_dir=EMPTY_DIR, **options)
    except InputFileError:
        return
    assert isinstance(spec, DependencySpec)


@FAST
@given(text=lock_text, options=selection)
def test_pyproject_any_input(text: str, options: dict[str, Any]) -> None:
    pyproject_property(text, options)


@pytest.mark.slow
@SLOW
@given(text=lock_text, options=selection)
def test_pyproject_any_input_slow(text: str, options: dict[str, Any]) -> None:
    pyproject_property(text, options)


pipfile_text = st.one_of(st.text(max_size=200), documents.map(json.dumps),
                         st.dictionaries(st.sampled_from(["_meta", "default", "develop", "docs"]),
                                         values, max_size=4).map(json.dumps))
pipfile_options = st.fixed_dictionaries({
    "groups": st.lists(st.sampled_from(["develop", "docs"]), max_size=2).map(tuple),
    "dev": st.booleans(), "keep_going": st.booleans(),
})


@FAST
@given(text=pipfile_text, options=pipfile_options)
def test_pipfile_lock_any_input(text: str, options: dict[str, Any]) -> None:
    lock_property(parse_pipfile_lock, text, options)


@pytest.mark.slow
@SLOW
@given(text=pipfile_text, options=pipfile_options)
def test_pipfile_lock_any_input_slow(text: str, options: dict[str, Any]) -> None:
    lock_property(parse_pipfile_lock, text, options)
