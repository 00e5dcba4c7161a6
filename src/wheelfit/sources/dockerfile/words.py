"""Instruction arguments → words and assignments (ARG, ENV, COPY, FROM), quotes removed.

Dockerfile words are split on unquoted whitespace; single and double quotes group and are
removed; the escape character keeps the next character. Variables are left in place for
`expand` (which also runs inside double quotes).
"""

from __future__ import annotations


def split_words(text: str, escape: str = "\\") -> list[str]:
    """Whitespace-separated words of `text`, quotes removed."""
    words: list[str] = []
    current: list[str] = []
    started = False
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
            elif char == escape and quote == '"' and i + 1 < len(text) and text[i + 1] in '"$':
                current.append(text[i + 1] if text[i + 1] == '"' else escape + "$")
                i += 1
            else:
                current.append(char)
        elif char in "'\"":
            quote, started = char, True
        elif char == escape and i + 1 < len(text):
            current.append(escape + "$" if text[i + 1] == "$" else text[i + 1])
            started = True
            i += 1
        elif char in " \t":
            if started or current:
                words.append("".join(current))
            current, started = [], False
        else:
            current.append(char)
        i += 1
    if started or current:
        words.append("".join(current))
    return words


def assignments(text: str, escape: str = "\\") -> list[tuple[str, str | None]]:
    """`NAME=value` pairs of ARG/ENV (`NAME` alone: no value); the legacy `ENV NAME value`
    form gives one pair."""
    words = split_words(text, escape)
    if words and "=" not in words[0]:
        if len(words) == 1:
            return [(words[0], None)]
        first, _, rest = text.strip().partition(" ")
        rest = rest.strip()
        return [(first, "".join(split_words(rest, escape)) if " " not in rest.strip()
                 else rest)]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        name, eq, value = word.partition("=")
        pairs.append((name, value if eq else None))
    return pairs
