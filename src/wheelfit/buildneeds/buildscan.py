"""Facts from meson.build, CMakeLists.txt and configure.ac text (read, never run).

Each scanner takes a file's text and its path inside the sdist and returns a `Scan`:
languages, system dependencies, LLVM needs, and (meson) the subprojects it calls. Calls are
found by the linear tokenizer of `wheelfit.buildneeds.calls`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wheelfit.buildneeds.buildfile_types import (
    CMAKE,
    LIBRARY,
    PKG_CONFIG,
    Language,
    LlvmNeed,
    Origin,
    SystemDep,
)
from wheelfit.buildneeds.calls import PUNCT, STR, WORD, Call, Token, find_calls

_MESON_LANGS = {"c": "c", "cpp": "c++", "fortran": "fortran", "cython": "cython",
                "rust": "rust", "cuda": "cuda"}
_CMAKE_LANGS = {"C": "c", "CXX": "c++", "Fortran": "fortran", "CUDA": "cuda"}
# Dependencies a build backend or the compiler provides: never system packages.
_MESON_INTERNAL = frozenset({"", "python", "python3", "python3-embed", "threads", "openmp",
                             "dl", "m", "numpy", "pybind11", "nanobind", "intl", "iconv"})
_CMAKE_INTERNAL = frozenset({
    "python", "python3", "pythoninterp", "pythonlibs", "pythonextensions", "pybind11",
    "nanobind", "threads", "pkgconfig", "cython", "numpy", "openmp", "git", "doxygen",
    "gtest", "sphinx", "f2py", "skbuild", "cmakeparseargs",
})
_PKG_OPS = frozenset({"<", "<=", "=", "==", ">", ">=", "!="})
_PKG_SPEC = re.compile(r"([A-Za-z0-9_.+-]+?)\s*(?:(<=|>=|==|!=|=|<|>)\s*(\S+))?$")
_LLVM_VAR = re.compile(r"LLVM\w*VERSION", re.IGNORECASE)
_MAJOR = re.compile(r"(\d{1,3})(?:\.\d+)*")
_BARE_MACRO = re.compile(r"\bAC_PROG_(FC|F77|CXX)\b")
_MAX_IF_DEPTH = 32
_IF = re.compile(r"\s*(if|elif)\b(.*)")
_END = re.compile(r"\s*(endif|else)\b")


@dataclass
class Scan:
    """What one build file says (mutable while scanning; the reader freezes it)."""

    languages: list[Language] = field(default_factory=list)
    deps: list[SystemDep] = field(default_factory=list)
    llvm: list[LlvmNeed] = field(default_factory=list)
    subprojects: list[str] = field(default_factory=list)


# --- meson ------------------------------------------------------------------------------------


def scan_meson(text: str, path: str) -> Scan:
    """project()/add_languages() languages, dependency() and find_library() needs,
    find_program('llvm-config'), subproject() calls."""
    scan = Scan()
    conditions = _meson_conditions(text)
    names = frozenset({"project", "add_languages", "dependency", "find_library",
                       "find_program", "subproject"})
    for call in find_calls(text, names):
        origin = Origin(path, call.line)
        items = call.items()
        positional = [_string(i) for i in items if not _is_keyword(i)]
        if call.name in ("project", "add_languages"):
            langs = [lang for item in items[1 if call.name == "project" else 0:]
                     if not _is_keyword(item) for lang in _strings(item)]
            scan.languages += [Language(_MESON_LANGS[x], origin) for x in langs
                               if x in _MESON_LANGS]
        elif call.name == "subproject" and positional and positional[0]:
            scan.subprojects.append(positional[0])
        elif call.name == "find_program":
            if any(p and p.startswith("llvm-config") for p in positional):
                scan.llvm.append(LlvmNeed(None, origin, "find_program('llvm-config')"))
        elif positional and positional[0] is not None:
            kind = PKG_CONFIG if call.name == "dependency" else LIBRARY
            scan.deps += _meson_dep(positional[0], kind, items, origin,
                                    conditions.get(call.line))
    return scan


def _meson_dep(name: str, kind: str, items: list[list[Token]], origin: Origin,
               block: str | None) -> list[SystemDep]:
    if name.lower() in _MESON_INTERNAL:
        return []
    keywords = {item[0].text: item[2:] for item in items if _is_keyword(item)}
    required = keywords.get("required")
    optional = required is not None and [t.text for t in required] == ["false"]
    condition = None
    if required is not None and not optional and [t.text for t in required] != ["true"]:
        condition = " ".join(t.text for t in required)[:120]
    if block is not None:
        condition = f"{block}; {condition}" if condition else block
    # Needed only for the project's own tests (`required: get_option('tests')`).
    optional = optional or "test" in (condition or "").lower()
    version = " ".join(t.text for t in keywords.get("version", []) if t.kind == STR) or None
    return [SystemDep(name, kind, origin, optional, condition, version)]


def _meson_conditions(text: str) -> dict[int, str]:
    """Line -> the `if` conditions around it (meson's if/elif/else/endif), joined.

    At most `_MAX_IF_DEPTH` levels are remembered (deeper ones are counted, not kept), and
    the joined text is rebuilt only when the stack changes, so the cost stays linear."""
    out: dict[int, str] = {}
    stack: list[str] = []
    hidden = 0
    joined = ""
    in_string = False
    for number, line in enumerate(text.splitlines(), 1):
        if in_string or line.count("'''") % 2:
            in_string ^= line.count("'''") % 2 == 1
            continue
        changed = True
        if m := _IF.match(line):
            condition = ("if " + m.group(2).split("#", 1)[0].strip())[:120]
            if m.group(1) == "elif":
                if not hidden and stack:
                    stack[-1] = condition
            elif len(stack) < _MAX_IF_DEPTH:
                stack.append(condition)
            else:
                hidden += 1
        elif m := _END.match(line):
            if m.group(1) == "endif":
                hidden = _pop(stack, hidden)
            elif not hidden and stack:
                stack[-1] = f"not ({stack[-1]})"
        else:
            changed = False
        if changed:
            joined = " and ".join(stack)[:200]
        if joined:
            out[number] = joined
    return out


def _pop(stack: list[str], hidden: int) -> int:
    """Close the innermost `if`: a hidden (too deep) one first."""
    if hidden:
        return hidden - 1
    if stack:
        stack.pop()
    return 0


def _is_keyword(item: list[Token]) -> bool:
    return (len(item) >= 2 and item[0].kind == WORD and item[1].kind == PUNCT
            and item[1].text == ":" and item[0].depth == 1)


def _string(item: list[Token]) -> str | None:
    return item[0].text if len(item) == 1 and item[0].kind == STR else None


def _strings(item: list[Token]) -> list[str]:
    return [t.text for t in item if t.kind == STR]


# --- CMake ------------------------------------------------------------------------------------


def scan_cmake(text: str, path: str) -> Scan:
    """project()/enable_language() languages, find_package(), pkg_check_modules(),
    find_library(), and LLVM's version from find_package(LLVM N) or set(LLVM..VERSION N)."""
    scan = Scan()
    names = frozenset({"project", "enable_language", "find_package", "pkg_check_modules",
                       "pkg_search_module", "find_library", "set", "find_program"})
    for call in find_calls(text, _lower_names(names)):
        _cmake_call(call, Origin(path, call.line), scan)
    return scan


def _lower_names(names: frozenset[str]) -> frozenset[str]:
    return names | {n.upper() for n in names}


def _cmake_call(call: Call, origin: Origin, scan: Scan) -> None:
    name = call.name.lower()
    words = [t.text for t in call.words()]
    if not words:
        return
    if name in ("project", "enable_language"):
        rest = words[1:] if name == "project" else words
        if "LANGUAGES" in rest:
            rest = rest[rest.index("LANGUAGES") + 1:]
        scan.languages += [Language(_CMAKE_LANGS[w], origin) for w in rest if w in _CMAKE_LANGS]
    elif name == "find_package":
        _find_package(words, origin, scan)
    elif name in ("pkg_check_modules", "pkg_search_module"):
        optional = "REQUIRED" not in words
        flags = {"REQUIRED", "QUIET", "IMPORTED_TARGET", "GLOBAL", "NO_CMAKE_PATH",
                 "NO_CMAKE_ENVIRONMENT_PATH"}
        specs = " ".join(w for w in _glued(call)[1:] if w not in flags)
        scan.deps += [SystemDep(mod, PKG_CONFIG, origin, optional, None, version)
                      for mod, version in pkg_modules(specs)]
    elif name == "find_library" and len(words) >= 2:
        libs = words[words.index("NAMES") + 1:] if "NAMES" in words else words[1:2]
        for lib in libs:
            if lib.isupper() or lib.startswith("$"):
                break
            scan.deps.append(SystemDep(lib, LIBRARY, origin))
    elif name == "set" and len(words) >= 2 and _LLVM_VAR.search(words[0]):
        if m := _MAJOR.fullmatch(words[1]):
            scan.llvm.append(LlvmNeed(int(m.group(1)), origin, f"set({words[0]} {words[1]})"))
    elif name == "find_program" and any("llvm-config" in w for w in words):
        scan.llvm.append(LlvmNeed(None, origin, "find_program(llvm-config)"))


def _glued(call: Call) -> list[str]:
    """The direct arguments with `=` glued to its neighbours (`glib-2.0>=2.56` is read by
    the tokenizer as `glib-2.0>`, `=`, `2.56`)."""
    text = ""
    for tok in call.args:
        if tok.depth != 1:
            continue
        glue = tok.text == "=" or text.endswith("=")
        text += tok.text if glue else " " + tok.text
    return text.split()


def _find_package(words: list[str], origin: Origin, scan: Scan) -> None:
    package = words[0]
    if package.lower() in _CMAKE_INTERNAL or package.startswith("$"):
        return
    version = words[1] if len(words) > 1 and _MAJOR.fullmatch(words[1]) else None
    if package == "LLVM":
        major = int(version.split(".")[0]) if version else None
        scan.llvm.append(LlvmNeed(major, origin, "find_package(" + " ".join(words) + ")"))
        return
    scan.deps.append(SystemDep(package, CMAKE, origin, "REQUIRED" not in words, None, version))


def pkg_modules(text: str) -> list[tuple[str, str | None]]:
    """`glib-2.0 >= 2.40 dbus-1` -> [(glib-2.0, >=2.40), (dbus-1, None)] (pkg-config's
    module list, as in PKG_CHECK_MODULES and `pkg-config --cflags`)."""
    out: list[tuple[str, str | None]] = []
    words = text.replace(",", " ").split()[:64]
    i = 0
    while i < len(words):
        word = words[i]
        if i + 1 < len(words) and words[i + 1] in _PKG_OPS:
            version = words[i + 1] + (words[i + 2] if i + 2 < len(words) else "")
            out.append((word, version))
            i += 3
            continue
        m = _PKG_SPEC.match(word)
        if m and not word.startswith(("-", "$", "@")) and not word[0].isdigit():
            out.append((m.group(1), f"{m.group(2)}{m.group(3)}" if m.group(2) else None))
        i += 1
    return out


# --- autoconf ---------------------------------------------------------------------------------


def scan_autoconf(text: str, path: str) -> Scan:
    """PKG_CHECK_MODULES / AC_CHECK_LIB / AC_SEARCH_LIBS of a configure.ac."""
    scan = Scan()
    names = frozenset({"PKG_CHECK_MODULES", "AC_CHECK_LIB", "AC_SEARCH_LIBS", "AC_LANG"})
    for match in _BARE_MACRO.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        name = "fortran" if match.group(1) in ("FC", "F77") else "c++"
        scan.languages.append(Language(name, Origin(path, line)))
    for call in find_calls(text.replace("[", " ").replace("]", " "), names):
        origin = Origin(path, call.line)
        items = [" ".join(t.text for t in item).strip() for item in call.items()]
        if call.name == "PKG_CHECK_MODULES" and len(items) >= 2:
            optional = _has_fallback(items, 3)
            scan.deps += [SystemDep(m, PKG_CONFIG, origin, optional, None, v)
                          for m, v in pkg_modules(items[1])]
        elif call.name == "AC_CHECK_LIB" and items and items[0]:
            scan.deps.append(SystemDep(items[0].split()[0], LIBRARY, origin,
                                       _has_fallback(items, 3)))
        elif call.name == "AC_SEARCH_LIBS" and len(items) >= 2:
            scan.deps += [SystemDep(lib, LIBRARY, origin, True) for lib in items[1].split()]
        elif call.name == "AC_LANG" and "C++" in items[:1]:
            scan.languages.append(Language("c++", origin))
    return scan


def _has_fallback(items: list[str], index: int) -> bool:
    """An autoconf check with an action-if-not-found that does not stop configure."""
    return len(items) > index and bool(items[index]) and "AC_MSG_ERROR" not in items[index]
