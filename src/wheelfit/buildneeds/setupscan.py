"""Facts from setup.py and setup.cfg text, read with Python's tokenizer (never imported,
never run): `libraries=[...]` lists, `pkg-config` calls and the `pkgconfig` module, library
config scripts (pg_config, krb5-config, ...), llvm-config, and C++/Fortran sources.

A module name built at run time (`f"pkg-config --exists {pkg}"`) is not knowable; then
the short strings of the file's string lists are kept as optional candidates, marked so,
and the plan takes the first one its table knows (mysqlclient tries mysqlclient, mariadb).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass

from wheelfit.buildneeds.buildfile_types import (
    CANDIDATE,
    INTERFACE,
    LIBRARY,
    PKG_CONFIG,
    TOOL,
    Language,
    LlvmNeed,
    Origin,
    SystemDep,
)
from wheelfit.buildneeds.buildscan import Scan, pkg_modules

MAX_TOKENS = 200_000
MAX_STRING = 400
CONFIG_TOOLS = frozenset({
    "pg_config", "mysql_config", "mariadb_config", "krb5-config", "xml2-config",
    "xslt-config", "curl-config", "gdal-config", "geos-config", "net-snmp-config",
    "sdl2-config", "freetype-config", "icu-config", "pcre-config", "libpng-config",
    "gpgme-config", "libgcrypt-config", "mapnik-config", "ncursesw6-config",
})
# Libraries every toolchain has, and Windows system libraries.
_NOT_SYSTEM = frozenset({
    "m", "c", "dl", "pthread", "rt", "util", "stdc++", "gcov", "kernel32", "advapi32",
    "wsock32", "ws2_32", "shlwapi", "crypt32", "secur32", "bcrypt", "user32", "gdi32",
    "ole32", "oleaut32", "shell32", "winmm", "iphlpapi", "uuid", "rpcrt4", "psapi",
    "userenv", "ntdll", "dbghelp", "comdlg32", "version", "setupapi", "socket", "nsl",
    "resolv",
})
_LIB_NAMES = re.compile(r"(?:\w+_)?(?:libraries|libs)$")
_MODULE = re.compile(r"[A-Za-z][A-Za-z0-9_.+-]{0,40}")
_WORD = re.compile(r"[A-Za-z0-9_.+-]+")
_LLVM_REQ = re.compile(r"requires? LLVM\s*(\d{1,3})\b", re.IGNORECASE)
_LLVM_START = re.compile(r"""\.startswith\(\s*\(?\s*['"](\d{1,3})\.""")
_SOURCE = re.compile(r"\.(c|cc|cpp|cxx|f|f90|f77|pyx|rs)$", re.IGNORECASE)
_LANG_BY_SUFFIX = {"cc": "c++", "cpp": "c++", "cxx": "c++", "f": "fortran", "f90": "fortran",
                   "f77": "fortran", "pyx": "cython", "rs": "rust", "c": "c"}
_SYSTEM_INFO = {"lapack_opt": "lapack", "lapack": "lapack", "blas_opt": "blas", "blas": "blas",
                "openblas": "blas", "lapack_mkl": "lapack", "blas_mkl": "blas"}
_PKGCONFIG_CALLS = frozenset({"parse", "cflags", "libs", "exists", "modversion",
                              "variables", "configure_extension"})


@dataclass(frozen=True)
class _Tok:
    kind: str  # "name", "op", "str"
    text: str
    line: int


def _tokens(text: str) -> Iterator[_Tok]:
    reader = io.StringIO(text).readline
    count = 0
    try:
        for tok in tokenize.generate_tokens(reader):
            count += 1
            if count > MAX_TOKENS:
                return
            if tok.type == tokenize.NAME:
                yield _Tok("name", tok.string, tok.start[0])
            elif tok.type == tokenize.OP:
                yield _Tok("op", tok.string, tok.start[0])
            elif tok.type == tokenize.STRING or tok.type == getattr(
                    tokenize, "FSTRING_MIDDLE", -1):
                yield _Tok("str", _literal(tok.string), tok.start[0])
    except (tokenize.TokenError, SyntaxError, ValueError):
        return


def _literal(text: str) -> str:
    body = text.lstrip("rRbBuUfF")
    for quote in ('"""', "'''", '"', "'"):
        if body.startswith(quote) and body.endswith(quote) and len(body) >= 2 * len(quote):
            return body[len(quote):-len(quote)]
    return body


def scan_setup_py(text: str, path: str) -> Scan:
    """Everything `setup.py` text names (see the module docstring)."""
    scan = Scan()
    toks = list(_tokens(text))
    dynamic_pkg_config = False
    for i, tok in enumerate(toks):
        origin = Origin(path, tok.line)
        if tok.kind == "name" and _LIB_NAMES.fullmatch(tok.text):
            scan.deps += _library_list(toks, i + 1, origin)
        elif tok.kind == "name" and tok.text == "language":
            value = toks[i + 2] if i + 2 < len(toks) else None
            if value and value.kind == "str" and value.text.lower() in ("c++", "cpp"):
                scan.languages.append(Language("c++", origin))
        elif tok.kind == "name" and tok.text == "get_info":
            scan.deps += _system_info(toks, i, origin)
        elif tok.kind == "name" and tok.text == "pkgconfig":
            scan.deps += _pkgconfig_module(toks, i, origin)
        elif tok.kind == "str" and len(tok.text) <= MAX_STRING:
            dynamic_pkg_config |= _string_facts(toks, i, origin, scan)
    if dynamic_pkg_config:
        scan.deps += _candidates(toks, path)
    return scan


def _library_list(toks: list[_Tok], start: int, origin: Origin) -> list[SystemDep]:
    """`libraries = ['pq', ...]` / `libraries: [...]` / `libs = [...]`: the literal names."""
    if start + 1 >= len(toks) or toks[start].text not in ("=", ":", "+=") \
            or toks[start + 1].text not in ("[", "("):
        return []
    out = []
    for tok in toks[start + 2:start + 66]:
        if tok.kind == "op" and tok.text in ("]", ")"):
            break
        if tok.kind == "str" and _MODULE.fullmatch(tok.text) and tok.text not in _NOT_SYSTEM \
                and tok.text.lower() not in _NOT_SYSTEM:
            out.append(SystemDep(tok.text, LIBRARY, Origin(origin.file, tok.line)))
    return out


def _pkgconfig_module(toks: list[_Tok], i: int, origin: Origin) -> list[SystemDep]:
    """`pkgconfig.parse('glib-2.0 dbus-1')` and the other calls of the pkgconfig module."""
    window = toks[i + 1:i + 5]
    if len(window) < 4 or window[0].text != "." or window[1].text not in _PKGCONFIG_CALLS \
            or window[2].text != "(" or window[3].kind != "str":
        return []
    optional = window[1].text == "exists"
    return [SystemDep(m, PKG_CONFIG, origin, optional, None, v)
            for m, v in pkg_modules(window[3].text)]


def _system_info(toks: list[_Tok], i: int, origin: Origin) -> list[SystemDep]:
    """numpy.distutils' `get_info('lapack_opt')`: a BLAS/LAPACK the build links."""
    window = toks[i + 1:i + 3]
    if len(window) < 2 or window[0].text != "(" or window[1].kind != "str":
        return []
    interface = _SYSTEM_INFO.get(window[1].text)
    return [SystemDep(interface, INTERFACE, origin)] if interface else []


def _string_facts(toks: list[_Tok], i: int, origin: Origin, scan: Scan) -> bool:
    """Facts from one string literal; True when it runs pkg-config on a computed name."""
    text = toks[i].text
    words = _WORD.findall(text)
    for word in words:
        if word in CONFIG_TOOLS:
            scan.deps.append(SystemDep(word, TOOL, origin))
    if "llvm-config" in text:
        scan.llvm.append(LlvmNeed(None, origin, "calls llvm-config"))
    if m := _LLVM_REQ.search(text):
        scan.llvm.append(LlvmNeed(int(m.group(1)), origin, m.group(0)))
    if m := _SOURCE.search(text):
        scan.languages.append(Language(_LANG_BY_SUFFIX[m.group(1).lower()], origin))
    if not text.startswith("pkg-config"):
        return False
    after = text[len("pkg-config"):]
    if after.strip() == "":
        after = " ".join(t.text for t in toks[i + 1:i + 12]
                         if t.kind == "str" and not t.text.startswith("-"))
    modules = [(m, v) for m, v in pkg_modules(after.replace("{", " { "))
               if not m.startswith("-") and "{" not in m]
    dynamic = "{" in after or "%" in after
    if not modules and not dynamic:
        return False
    scan.deps += [SystemDep(m, PKG_CONFIG, origin, False, None, v) for m, v in modules
                  if m != "{"]
    return dynamic or not modules


def _candidates(toks: list[_Tok], path: str) -> list[SystemDep]:
    """Strings of all-string list literals assigned to a name (`packages = ["mysqlclient",
    "mariadb"]`): the names a computed pkg-config call may try."""
    out: list[SystemDep] = []
    i = 0
    while i < len(toks):
        if toks[i].text == "[":
            j, items = i + 1, []
            while j < len(toks) and toks[j].kind == "str" and j - i < 40:
                items.append(toks[j])
                if j + 1 < len(toks) and toks[j + 1].text == ",":
                    j += 1
                j += 1
            named = i >= 2 and toks[i - 1].text == "=" and toks[i - 2].kind == "name"
            if named and len(items) >= 2 and j < len(toks) and toks[j].text == "]":
                out += [SystemDep(t.text, PKG_CONFIG, Origin(path, t.line), True, CANDIDATE)
                        for t in items if _MODULE.fullmatch(t.text)]
            i = max(j, i + 1)
            continue
        i += 1
    return out


def scan_setup_cfg(text: str, path: str) -> Scan:
    """`libraries = a b` / `libs = a b` options, and pkg-config strings."""
    scan = Scan()
    key: str | None = None
    for number, line in enumerate(text.splitlines()[:20_000], 1):
        origin = Origin(path, number)
        if line[:1] in (" ", "\t") and key is not None:
            values = line.split()
        elif "=" in line and not line.lstrip().startswith(("#", ";")):
            name, _, value = line.partition("=")
            key = name.strip() if _LIB_NAMES.fullmatch(name.strip()) else None
            values = value.split() if key else []
        else:
            key, values = None, []
        scan.deps += [SystemDep(v, LIBRARY, origin) for v in values
                      if _MODULE.fullmatch(v) and v not in _NOT_SYSTEM]
        if "pkg-config" in line:
            after = line.split("pkg-config", 1)[1]
            scan.deps += [SystemDep(m, PKG_CONFIG, origin, False, None, v)
                          for m, v in pkg_modules(after) if not m.startswith("-")]
    return scan
