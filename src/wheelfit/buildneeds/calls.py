"""A small, linear tokenizer for function-call languages (meson.build, CMakeLists.txt,
configure.ac): it finds calls `name(args...)` and hands back their arguments as tokens.

One regular-expression pass over the text; strings never span lines (an unclosed quote
is a lone character), so no pattern can backtrack across the file. Nesting, the tokens
kept per call and the calls returned are capped, so the cost is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_DEPTH = 64
MAX_ARG_TOKENS = 256
MAX_CALLS = 5000

STR, WORD, PUNCT = "str", "word", "punct"

_TOKEN = re.compile(
    r"(?P<nl>\n)"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<str>'(?:[^'\\\n]|\\[^\n])*'|\"(?:[^\"\\\n]|\\[^\n])*\")"
    r"|(?P<open>\()|(?P<close>\))"
    r"|(?P<punct>[,:\[\]{}=])"
    r"|(?P<word>[^\s()'\"#,:\[\]{}=]+)"
    r"|(?P<space>[ \t\r\f\v]+)"
    r"|(?P<other>.)"
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Token:
    """One argument token: its kind (str, word, punct), text (strings unquoted) and the
    nesting depth inside the call (1 = a direct argument)."""

    kind: str
    text: str
    depth: int


@dataclass(frozen=True)
class Call:
    """A call found in the text: the last dotted part of its name, its line, its tokens."""

    name: str
    line: int
    args: tuple[Token, ...]

    def items(self) -> list[list[Token]]:
        """The arguments split at top-level commas (meson) — each a list of tokens."""
        out: list[list[Token]] = [[]]
        for tok in self.args:
            if tok.depth == 1 and tok.kind == PUNCT and tok.text == ",":
                out.append([])
            else:
                out[-1].append(tok)
        return [item for item in out if item]

    def words(self) -> list[Token]:
        """The direct (depth 1) string and word tokens (CMake, whose arguments are
        separated by blanks)."""
        return [t for t in self.args if t.depth == 1 and t.kind in (STR, WORD)]


class _Open:
    __slots__ = ("args", "line", "name")

    def __init__(self, name: str | None, line: int) -> None:
        self.name = name
        self.line = line
        self.args: list[Token] = []


def _unquote(text: str) -> str:
    return text[1:-1]


def find_calls(text: str, names: frozenset[str], *, comments: bool = True) -> list[Call]:
    """The calls to any of `names` in `text`, in order (nested calls included).

    `comments`: `#` starts a comment to the end of the line (meson, CMake, shell); m4
    files use `dnl`, which reads as a word and is harmless.
    """
    found: list[Call] = []
    stack: list[_Open] = []
    line = 1
    last_word: str | None = None
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind == "nl":
            line += 1
            continue
        if kind == "space" or (kind == "comment" and comments):
            continue
        if kind == "open":
            name = _call_name(last_word)
            _add(stack, Token(PUNCT, "(", 0))
            if len(stack) < MAX_DEPTH:
                stack.append(_Open(name if name in names else None, line))
            last_word = None
            continue
        if kind == "close":
            if stack:
                _close(stack, found)
            _add(stack, Token(PUNCT, ")", 0))
            last_word = None
            continue
        token = _token(kind, value)
        _add(stack, token)
        last_word = value if kind == "word" else None
    while stack and len(found) < MAX_CALLS:
        _close(stack, found)
    return found[:MAX_CALLS]


def _token(kind: str | None, value: str) -> Token:
    if kind == "str":
        return Token(STR, _unquote(value), 0)
    if kind == "word":
        return Token(WORD, value, 0)
    return Token(PUNCT, value, 0)


def _call_name(word: str | None) -> str | None:
    if word is None:
        return None
    name = word.rsplit(".", 1)[-1]
    return name if _NAME.fullmatch(name) else None


def _add(stack: list[_Open], token: Token) -> None:
    """Give `token` to every open call that wants it, at its depth inside that call."""
    depth = len(stack)
    for level, open_call in enumerate(stack):
        if open_call.name is not None and len(open_call.args) < MAX_ARG_TOKENS:
            open_call.args.append(Token(token.kind, token.text, depth - level))


def _close(stack: list[_Open], found: list[Call]) -> None:
    done = stack.pop()
    if done.name is not None and len(found) < MAX_CALLS:
        args = tuple(t for t in done.args if not (t.kind == PUNCT and t.text in "()"))
        found.append(Call(done.name, done.line, args))


def strings(tokens: list[Token]) -> Iterator[str]:
    """The string literals among `tokens`."""
    return (t.text for t in tokens if t.kind == STR)
