"""A RUN's shell text → simple commands, with their place in `if`/`for` blocks.

A small POSIX-shell reader, enough to find installer commands: quotes, backslashes,
comments, `&&` `||` `;` `|` `&`, redirections, `$(...)` and backticks (kept as text and
flagged), and variables substituted from the stage's ARG/ENV values. `if` conditions of the
form `[ "$X" = value ]`, `-z`, `-n` are evaluated with the build's default arguments, so a
command knows whether its branch runs by default (`taken`: True, False, or None when it
cannot be told). One pass, linear in the text. shlex is not used because it has no notion
of command substitution or of control words, which this reader has to see.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from wheelfit.sources.dockerfile.expand import expand

_PLAIN = re.compile(r"[^ \t\r\n\\'\"$`&|;()<>]+")
_OPERATORS = ("&&", "||", ";;", ";", "|", "&", "(", ")", "\n")
_SEPARATORS = frozenset(_OPERATORS)
_CONTROL = frozenset({"if", "then", "elif", "else", "fi", "for", "while", "until", "do",
                      "done", "case", "esac", "{", "}", "!"})


@dataclass(frozen=True, slots=True)
class Word:
    """One shell word, quotes removed. `text` keeps unset variables as written; `alt`
    has them empty (what the shell sees without --build-arg)."""

    text: str
    alt: str
    subst: bool = False
    unset: bool = False
    unknown: bool = False


@dataclass(frozen=True, slots=True)
class Command:
    """One simple command and where it sits."""

    words: tuple[Word, ...]
    conditional: bool = False
    taken: bool | None = True
    piped: bool = False
    redirects: tuple[str, ...] = ()

    @property
    def argv(self) -> list[str]:
        """The words' texts."""
        return [w.text for w in self.words]

    @property
    def text(self) -> str:
        """The command as one line (for reports)."""
        return " ".join(self.argv)


@dataclass
class Script:
    """The simple commands of a shell text, in order; `control` when it has if/for/case."""

    commands: list[Command] = field(default_factory=list)
    control: bool = False


class _Reader:
    """The tokenizer: words and operators."""

    def __init__(self, text: str, values: Mapping[str, str | None]) -> None:
        self.text = text
        self.values = values
        self.tokens: list[Word | str] = []
        self.reset()

    def reset(self) -> None:
        self.parts: list[str] = []
        self.alts: list[str] = []
        self.started = False
        self.subst = self.unset = self.unknown = False

    def add(self, text: str, alt: str | None = None) -> None:
        self.parts.append(text)
        self.alts.append(text if alt is None else alt)
        self.started = True

    def end_word(self) -> None:
        if self.started:
            self.tokens.append(Word("".join(self.parts), "".join(self.alts), self.subst,
                                    self.unset, self.unknown))
        self.reset()

    def variable(self, i: int) -> int:
        text = self.text
        if text.startswith("${", i):
            depth, j = 0, i + 1
            while j < len(text):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            end = min(j + 1, len(text))
        else:
            end = i + 1
            while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                end += 1
            if end == i + 1:
                self.add("$")
                return i + 1
        raw = text[i:end]
        found = expand(raw, self.values)
        self.unset |= found.unset
        self.unknown |= found.unknown
        self.add(found.text, expand(raw, self.values, empty_unset=True).text)
        return end

    def substitution(self, i: int) -> int:
        text = self.text
        if text[i] == "`":
            end = text.find("`", i + 1)
            end = len(text) if end < 0 else end + 1
        else:
            depth, end, quote = 0, i + 1, ""
            while end < len(text):
                char = text[end]
                if quote:
                    quote = "" if char == quote else quote
                elif char in "'\"":
                    quote = char
                elif char == "(":
                    depth += 1
                elif char == ")":
                    depth -= 1
                    if depth == 0:
                        break
                end += 1
            end = min(end + 1, len(text))
        self.subst = True
        self.add(text[i:end])
        return end

    def double_quoted(self, i: int) -> int:
        text = self.text
        self.add("")
        while i < len(text) and text[i] != '"':
            char = text[i]
            if char == "\\" and i + 1 < len(text):
                nxt = text[i + 1]
                if nxt != "\n":
                    self.add(nxt if nxt in '"\\$`' else char + nxt)
                i += 2
            elif (char == "$" and text.startswith("$(", i)) or char == "`":
                i = self.substitution(i)
            elif char == "$":
                i = self.variable(i)
            else:
                self.add(char)
                i += 1
        return i + 1

    def operator(self, i: int) -> int:
        text = self.text
        if text[i] in "<>":
            j = i
            while j < len(text) and text[j] in "<>&|":
                j += 1
            if text[j - 1] == "&":
                while j < len(text) and (text[j].isdigit() or text[j] == "-"):
                    j += 1
                self.tokens.append("redir-done")
            else:
                self.tokens.append("redir")
            return j
        for op in _OPERATORS:
            if text.startswith(op, i):
                self.tokens.append(op)
                return i + len(op)
        return i + 1

    def run(self) -> list[Word | str]:
        text, i = self.text, 0
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text):
                if text[i + 1] != "\n":
                    self.add(text[i + 1])
                i += 2
            elif char in " \t\r":
                self.end_word()
                i += 1
            elif char == "#" and not self.started:
                end = text.find("\n", i)
                i = len(text) if end < 0 else end
            elif char == "'":
                end = text.find("'", i + 1)
                end = len(text) if end < 0 else end
                self.add(text[i + 1:end])
                i = end + 1
            elif char == '"':
                i = self.double_quoted(i + 1)
            elif text.startswith("$(", i) or char == "`":
                i = self.substitution(i)
            elif char == "$":
                i = self.variable(i)
            elif char in "<>" and self.parts and all(p.isdigit() for p in self.parts):
                self.reset()
                i = self.operator(i)
            elif char in "&|;()<>\n":
                self.end_word()
                i = self.operator(i)
            else:
                match = _PLAIN.match(text, i)
                end = match.end() if match else i + 1
                self.add(text[i:end])
                i = end
        self.end_word()
        return self.tokens


_Simple = tuple[list[Word], str, list[str]]


def _simple_commands(tokens: list[Word | str]) -> list[_Simple]:
    """(words, the operator before them, redirect targets) per simple command."""
    out: list[_Simple] = []
    words: list[Word] = []
    targets: list[str] = []
    before, skip = ";", False
    for token in tokens:
        if isinstance(token, Word):
            if skip:
                targets.append(token.text)
                skip = False
            else:
                words.append(token)
            continue
        if token == "redir":
            skip = True
        elif token in _SEPARATORS:
            if words:
                out.append((words, before, targets))
                words, targets = [], []
                before = token
            elif token in {"&&", "||", "|"}:
                before = token
    if words:
        out.append((words, before, targets))
    return out


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return True if a and b else None


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return False if a is False and b is False else None


def _test(words: list[Word]) -> bool | None:
    """`[ a = b ]`, `[ -z a ]`, `test -n a`, … with default arguments; None if unknown."""
    negate = bool(words) and words[0].text == "!"
    words = words[negate:]
    if any(w.subst or w.unknown for w in words) or not words:
        return None
    args = [w.alt for w in words]
    if args[0] in {"[", "[["} and args[-1] in {"]", "]]"}:
        args = args[1:-1]
    elif args[0] == "test":
        args = args[1:]
    else:
        return None
    if args and args[0] == "!":
        negate, args = not negate, args[1:]
    result: bool | None = None
    if len(args) == 3 and args[1] in {"=", "==", "!="}:
        result = (args[0] == args[2]) == (args[1] != "!=")
    elif len(args) == 2 and args[0] in {"-z", "-n"}:
        result = (args[1] == "") == (args[0] == "-z")
    elif len(args) == 1:
        result = args[0] != ""
    return None if result is None else result != negate


def _condition(parts: list[tuple[list[Word], str]]) -> bool | None:
    value: bool | None = None
    for index, (words, before) in enumerate(parts):
        found = _test(words)
        if index == 0:
            value = found
            continue
        value = _and(value, found) if before == "&&" else _or(value, found)
    return value


@dataclass
class _Frame:
    kind: str
    outer: bool | None = True
    phase: str = "cond"
    cond: list[tuple[list[Word], str]] = field(default_factory=list)
    branch: bool | None = None
    any_taken: bool | None = False


class _Structure:
    """Walks the simple commands, keeping a stack of if/loop frames."""

    def __init__(self) -> None:
        self.frames: list[_Frame] = []
        self.script = Script()

    def taken(self) -> bool | None:
        """Whether the current branch runs by default (each frame keeps its outer value,
        so this is O(1) however deep the nesting)."""
        if not self.frames:
            return True
        return _and(self.frames[-1].outer, self.frames[-1].branch)

    def keyword(self, word: str) -> None:
        frames = self.frames
        top = frames[-1] if frames else None
        if word in {"if", "while", "until", "for", "case"}:
            self.script.control = True
            frames.append(_Frame("if" if word == "if" else "loop", self.taken()))
        elif word == "then" and top and top.kind == "if":
            top.branch = _and(_condition(top.cond), None if top.any_taken is None
                              else not top.any_taken)
            top.any_taken = _or(top.any_taken, top.branch)
            top.phase, top.cond = "body", []
        elif word == "elif" and top and top.kind == "if":
            top.phase = "cond"
        elif word == "else" and top and top.kind == "if":
            top.branch = None if top.any_taken is None else not top.any_taken
            top.phase = "body"
        elif word == "do" and top and top.kind == "loop":
            top.phase, top.branch = "body", None
        elif word in {"fi", "done", "esac"} and top:
            frames.pop()

    def add(self, words: list[Word], before: str, targets: list[str]) -> None:
        while words and words[0].text in _CONTROL - {"!"} and not words[0].subst:
            head = words[0].text
            words = words[1:]
            self.keyword(head)
            top = self.frames[-1] if self.frames else None
            if head == "for" or (top and top.kind == "loop" and top.phase == "cond"):
                return
        if not words:
            return
        top = self.frames[-1] if self.frames else None
        if top and top.phase == "cond":
            top.cond.append((words, before))
            return
        if words[0].text == "!":
            words = words[1:]
            if not words:
                return
        self.script.commands.append(Command(tuple(words), bool(self.frames), self.taken(),
                                            before == "|", tuple(targets)))


def parse_shell(text: str, values: Mapping[str, str | None]) -> Script:
    """The simple commands of `text`, with variables from `values` substituted."""
    structure = _Structure()
    for words, before, targets in _simple_commands(_Reader(text, values).run()):
        structure.add(words, before, targets)
    return structure.script
