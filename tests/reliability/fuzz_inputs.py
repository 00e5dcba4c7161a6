"""Structure-aware hostile inputs for the CLI fuzz (test_reliability_cli_fuzz.py).

Every generated file starts from a real one of its format (tests/data/sources, tests/cases,
examples/). TOML and JSON seeds are parsed, a few values are replaced by hostile ones at
random paths (huge version strings and ints, deep nesting, long lines, unknown marker
variables, `user:secret@` URLs) and the document is written back; requirements files are
edited line by line. Byte-level damage (invalid UTF-8, NUL, a BOM, a very long line, a
truncation) may follow. `planted_secret_ok` tells whether the secret in an input only ever
appears inside a `scheme://user:secret@` URL, i.e. whether it must be redacted everywhere.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from reliability_support import SECRET, USER

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
SEED_ROOTS = [REPO / "tests" / "data" / "sources", REPO / "tests" / "cases", REPO / "examples"]
CREDS = f"{USER}:{SECRET}@"
CLOSED = "127.0.0.1:9"  # nothing listens there: a URL to it fails at once, off the network
SECRET_URLS = [
    f"https://{CREDS}{CLOSED}/simple",
    f"http://{CREDS}{CLOSED}/simple/",
    f"https://{CREDS}{CLOSED}/packages/six-1.16.0-py2.py3-none-any.whl",
    f"git+https://{CREDS}{CLOSED}/org/repo.git@v1#egg=six",
]
NINES = "9" * 5000
# Placeholders written unquoted after dumping: a 5,000-digit int (Python cannot even repr
# it) and arrays nested deeper than this module's own recursion could write.
BIG_INT = "@@big-int@@"
DEEP = {"@@deep-3000@@": "[" * 3000 + "]" * 3000, "@@deep-100000@@": "[" * 100_000 + "]" * 100_000}
HOSTILE_STRINGS = [
    NINES, "==" + NINES, ">=" + "9" * 300, "1." + "0." * 2000 + "0", "0" * 4400,
    "x" * 3000, "é" * 1500, "\u202e\u200b\ufeff", "\x00", "\x7f\x1b[31m", "",
    "foo_var == '1'", "'dev' in dependency_groups", "'x' in extras", "extra == 'x'",
    "python_version < '" + "9" * 300 + "'", "python_full_version >= '1" + ".0" * 1500 + "'",
    "platform_release >= '" + "1." * 500 + "1'", "sys_platform == 'linux' and (" * 50,
    "${HOME}", "$" + "{" * 100, "*", "^3.11", "~=", "==1.0.*", "===arbitrary",
    "../../../../etc/passwd", "/dev/zero", "file:///dev/zero", "a" * 300 + "[" + "b," * 300,
    *SECRET_URLS, f"{USER}:{SECRET}@{CLOSED}/simple",
]
hostile_scalars = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.sampled_from(SECRET_URLS),
    st.sampled_from([BIG_INT, f"-{BIG_INT}", 2**63, -(2**63) - 1, math.inf, math.nan, True]),
    st.text(max_size=30),
    st.integers(),
)


def _nest(depth: int, kind: str) -> Any:
    value: Any = "six"
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


hostile_values = st.one_of(
    hostile_scalars,
    st.builds(_nest, st.sampled_from([50, 200]), st.sampled_from(["list", "dict"])),
    st.sampled_from(list(DEEP)),
    st.lists(hostile_scalars, max_size=3),
    st.dictionaries(st.sampled_from(["name", "version", "url", "markers", "marker", "x"]),
                    hostile_scalars, max_size=3),
)


def seeds(name: str) -> list[bytes]:
    """The contents of every real file of a format (by file name), small ones first."""
    pattern = "*.txt" if name == "requirements.txt" else name
    found = sorted({p for root in SEED_ROOTS for p in root.rglob(pattern) if p.is_file()},
                   key=lambda p: (p.stat().st_size, str(p)))
    broken = ("malformed", "bad", "invalid", "broken", "cycle", "missing")
    return [p.read_bytes() for p in found
            if p.stat().st_size < 200_000 and not any(b in str(p) for b in broken)]


# --- structured documents ----------------------------------------------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and list indexes) to a value inside a parsed document."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found += _paths(inner, (*prefix, i))
    return found


def _mutate(doc: Any, path: tuple[Any, ...], op: str, key: str, value: Any) -> Any:
    """`doc` with the value at `path` replaced, given a new key, emptied or deleted."""
    if not path:
        if op == "add" and isinstance(doc, dict):
            return {**doc, key: value}
        if op == "add" and isinstance(doc, list):
            return [*doc, value]
        return {} if op == "delete" else value
    head, rest = path[0], path[1:]
    if op == "delete" and not rest:
        if isinstance(doc, dict):
            return {k: v for k, v in doc.items() if k != head}
        return [v for i, v in enumerate(doc) if i != head]
    copy: Any = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[head] = _mutate(doc[head], rest, op, key, value)
    return copy


# Keys whose values the readers interpret (versions, markers, URLs, names): most edits aim
# at one of them, the others anywhere in the document.
INTERESTING = frozenset({
    "version", "versions", "markers", "marker", "name", "requires-python", "python-versions",
    "python_version", "python_full_version", "url", "index", "source", "registry",
    "dependencies", "optional-dependencies", "dev-dependencies", "dependency-groups", "extras",
    "groups", "python", "requires-dist", "wheels", "sdist", "path", "editable", "git",
})
_edit = st.tuples(st.integers(0, 1 << 20), st.sampled_from(["set", "set", "add", "delete"]),
                  st.sampled_from(["version", "name", "markers", "source", "x", "index"]),
                  hostile_values, st.booleans())


def mutated_doc(doc: Any, edits: list[tuple[int, str, str, Any, bool]]) -> Any:
    """Apply (path choice, operation, new key, value, aimed) edits to a parsed document."""
    for choice, op, key, value, aimed in edits:
        paths = _paths(doc)
        wanted = [p for p in paths if p and p[-1] in INTERESTING] if aimed else []
        doc = _mutate(doc, (wanted or paths)[choice % len(wanted or paths)], op, key, value)
    return doc


def toml_string(text: str) -> str:
    """A TOML basic string (lone surrogates dropped: TOML cannot hold them)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif not 0xD800 <= code <= 0xDFFF:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """An inline TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") \
            if math.isinf(value) else repr(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    return toml_string(str(value))


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def toml_document(doc: dict[str, Any], prefix: str = "") -> str:
    """A TOML document in the usual shape: key/values, then `[table]`s and `[[arrays]]`."""
    lines = [f"{toml_string(k)} = {toml_value(v)}" for k, v in doc.items()
             if not isinstance(v, dict) and not _is_table_array(v)]
    out = "\n".join(lines) + ("\n" if lines else "")
    for key, value in doc.items():
        name = f"{prefix}{toml_string(key)}"
        if isinstance(value, dict):
            out += f"\n[{name}]\n" + toml_document(value, name + ".")
        elif _is_table_array(value):
            for item in value:
                out += f"\n[[{name}]]\n" + toml_document(item, name + ".")
    return out


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def dump_toml(doc: Any) -> bytes:
    """A mutated TOML document as bytes (a non-table root becomes one key)."""
    root = doc if isinstance(doc, dict) else {"x": doc}
    return _unquote_big(toml_document(root).encode("utf-8", "surrogatepass"))


def dump_json(doc: Any) -> bytes:
    """A mutated JSON document, pretty-printed as pipenv writes it."""
    text = json.dumps(_json_safe(doc), indent=4, ensure_ascii=False)
    return _unquote_big(text.encode("utf-8", "surrogatepass"))


def _unquote_big(data: bytes) -> bytes:
    data = data.replace(f'"{BIG_INT}"'.encode(), NINES.encode())
    data = data.replace(f'"-{BIG_INT}"'.encode(), b"-" + NINES.encode())
    for token, text in DEEP.items():
        data = data.replace(f'"{token}"'.encode(), text.encode())
    return data


# --- requirements files -------------------------------------------------------------------

_names = st.sampled_from(["six", "requests", "Django", "a" * 300, "x_y.z", "numpy"])
_versions = st.sampled_from(["1.0", NINES, "9" * 300, "1" + ".0" * 2000, "1.0.*", "", "1!2"])
REQ_LINES = st.one_of(
    st.builds(lambda n, op, v: f"{n}{op}{v}", _names,
              st.sampled_from(["==", ">=", "~=", "!=", "<", "==="]), _versions),
    st.builds(lambda n, m: f"{n} ; {m}", _names, st.sampled_from(HOSTILE_STRINGS[11:20])),
    st.sampled_from([
        f"-i {SECRET_URLS[0]}", f"--index-url={SECRET_URLS[1]}",
        f"--extra-index-url {SECRET_URLS[0]}",
        f"-e {SECRET_URLS[3]}", f"six @ {SECRET_URLS[2]}", f"--find-links {SECRET_URLS[1]}",
        f"six==1.0 --hash=sha256:{'0' * 64}", "-r requirements.txt", "-c requirements.txt",
        "-r " + "a" * 5000, "-c " + "b/" * 2000, "-r /dev/zero", "-r ../../../../etc/passwd",
        "--no-binary :all:", "--only-binary=" + ",".join(["x"] * 2000), "--pre", "-i",
        "six==1.0 \\", "\\", "${HOME}/x", "--requirement=" + "\x7f" * 10, "-e .",
        f"--trusted-host {CLOSED}", "six[" + ",".join(["e"] * 2000) + "]",
    ]),
    st.sampled_from(HOSTILE_STRINGS),
)
_line_edit = st.tuples(st.integers(0, 1 << 16), st.sampled_from(["insert", "replace", "delete"]),
                       REQ_LINES)


def edited_lines(seed: bytes, edits: list[tuple[int, str, str]]) -> bytes:
    """Apply (position, operation, line) edits to the lines of a requirements file."""
    lines = seed.decode("utf-8", "replace").splitlines()
    for position, op, line in edits:
        at = position % (len(lines) + 1)
        if op == "insert" or at == len(lines):
            lines.insert(at, line)
        elif op == "replace":
            lines[at] = line
        else:
            del lines[at]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


# --- bytes --------------------------------------------------------------------------------

_damage = st.one_of(
    st.tuples(st.integers(0, 1 << 20), st.sampled_from([
        b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\xef\xbb\xbf", b"\r", b"\r\n",
        b"x" * 4000, b"\n" + b"[" * 3000, b"\n" + b"9" * 5000, b"\t" * 2000,
    ])),
    st.tuples(st.integers(0, 1 << 20), st.just(b"<truncate>")),
)


def damaged(data: bytes, damage: list[tuple[int, bytes]]) -> bytes:
    """Insert raw bytes at positions, or cut the file there."""
    for position, insert in damage:
        at = position % (len(data) + 1)
        data = data[:at] if insert == b"<truncate>" else data[:at] + insert + data[at:]
    return data


def structured(filename: str) -> st.SearchStrategy[bytes]:
    """Mutated real files of one format, sometimes damaged at the byte level."""
    raw = seeds(filename)
    if filename == "requirements.txt":
        base = st.builds(edited_lines, st.sampled_from(raw),
                         st.lists(_line_edit, min_size=1, max_size=5))
    else:
        load: Callable[[bytes], Any]
        dump: Callable[[Any], bytes]
        if filename == "Pipfile.lock":
            load, dump = json.loads, dump_json
        else:
            load, dump = (lambda b: tomllib.loads(b.decode("utf-8"))), dump_toml
        docs = []
        for data in raw:
            try:
                docs.append(load(data))
            except ValueError:
                continue
        base = st.builds(lambda d, e: dump(mutated_doc(d, e)), st.sampled_from(docs),
                         st.lists(_edit, min_size=1, max_size=4))
    broken = st.builds(damaged, base, st.lists(_damage, min_size=1, max_size=2))
    return st.one_of(base, base, base, broken)


_PLANTED = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]*://" + re.escape(CREDS.encode()))


def planted_secret_ok(data: bytes) -> bool:
    """True when every occurrence of the secret is inside a `scheme://user:secret@` URL (a
    splice that cut the scheme off leaves a bare `user:secret@`, which is not checked)."""
    return data.count(SECRET.encode()) == len(_PLANTED.findall(data))
