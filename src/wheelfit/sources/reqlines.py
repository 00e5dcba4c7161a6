"""pip's requirements-file line rules: continuations, comments, `${VAR}` expansion, args/options.

Mirrors `pip._internal.req.req_file` (`preprocess`, `break_args_options`) so a file means
here what it means to pip:

* a line ending in `\\` is joined with the next one (a comment line ends the join); the
  joined line keeps the number of its first line;
* a comment starts at a `#` at the start of a line or preceded by whitespace
  (`https://host/x#egg=y` keeps its fragment);
* `${NAME}` with NAME of upper-case letters, digits and `_` is replaced by the environment
  value when it is set and not empty; every other `$` stays as written;
* a line is split on single spaces: words before the first word starting with `-` are the
  requirement, the rest are options.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

COMMENT_RE = re.compile(r"(^|\s+)#.*$")
ENV_VAR_RE = re.compile(r"(?P<var>\$\{(?P<name>[A-Z0-9_]+)\})")

NumberedLines = Iterable[tuple[int, str]]


def logical_lines(content: str, environ: Mapping[str, str]) -> Iterator[tuple[int, str]]:
    """The non-empty logical lines of a requirements file, numbered by their first line."""
    lines: NumberedLines = enumerate(content.splitlines(), start=1)
    return expand_env_vars(strip_comments(join_lines(lines)), environ)


def join_lines(lines: NumberedLines) -> Iterator[tuple[int, str]]:
    """Join `\\`-continued lines (pip's `join_lines`, including its comment rule)."""
    first: int | None = None
    pending: list[str] = []
    for number, line in lines:
        is_comment = COMMENT_RE.match(line) is not None
        if not line.endswith("\\") or is_comment:
            if is_comment:
                line = " " + line  # so the comment is stripped after joining
            if pending:
                pending.append(line)
                yield (first if first is not None else number), "".join(pending)
                pending = []
            else:
                yield number, line
        else:
            if not pending:
                first = number
            pending.append(line.strip("\\"))
    if pending:
        yield (first if first is not None else 0), "".join(pending)


def strip_comments(lines: NumberedLines) -> Iterator[tuple[int, str]]:
    """Remove comments and surrounding whitespace; drop lines left empty."""
    for number, line in lines:
        line = COMMENT_RE.sub("", line).strip()
        if line:
            yield number, line


def expand_env_vars(lines: NumberedLines, environ: Mapping[str, str]) -> Iterator[tuple[int, str]]:
    """Replace `${NAME}` with its set, non-empty environment value."""
    for number, line in lines:
        for var, name in ENV_VAR_RE.findall(line):
            value = environ.get(name)
            if value:
                line = line.replace(var, value)
        yield number, line


def split_args_options(line: str) -> tuple[str, str]:
    """Split a line into its requirement part and its options part (pip's rule)."""
    tokens = line.split(" ")
    args: list[str] = []
    options = tokens[:]
    for token in tokens:
        if token.startswith("-"):
            break
        args.append(token)
        options.pop(0)
    return " ".join(args), " ".join(options)
