"""Property tests: any text either parses into a DockerfileModel or raises InputFileError,
and nothing else escapes. Fragments are Dockerfile and shell pieces, so the generator
reaches the lexer's and the shell reader's corners (heredocs, quotes, substitutions,
continuations, directives). A small example count runs by default; `-m slow` runs
10,000 examples of each property.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wheelfit.errors import InputFileError
from wheelfit.sources.dockerfile import parse_dockerfile
from wheelfit.sources.dockerfile.model import DockerfileModel
from wheelfit.sources.dockerfile.shell import parse_shell

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=10_000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

KEYWORDS = ["FROM", "RUN", "COPY", "ADD", "ARG", "ENV", "WORKDIR", "CMD", "ONBUILD", "SHELL",
            "LABEL", "from", "Run", "USER", "EXPOSE", "HEALTHCHECK"]
PIECES = [
    "python:3.12-slim", "python:3.10-alpine3.16", "python", "python:${V}", "python:3.12@sha256:a",
    "AS", "as", "b", "base", "scratch", "--platform=$BUILDPLATFORM", "--from=b", "--from=0",
    "--mount=type=cache,target=/root/.cache/pip", "--mount=type=bind,source=a,target=b",
    "--chown=1:1", "pip", "install", "pip3", "python", "-m", "-r", "req.txt", "-c", "-e", ".",
    "--no-cache-dir", "--no-cache", "uv", "sync", "poetry", "pipenv", "wheel", "-w", "/w",
    "apt-get", "apk", "add", "del", "purge", "--virtual", ".b", "--no-install-recommends", "-y",
    "rm", "-rf", "/var/lib/apt/lists/*", "/root/.cache", "&&", "||", ";", "|", "&", "(", ")",
    "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "case", "esac", "!", "[",
    "]", "=", "-z", "-n", "\"$A\"", "'$A'", "$A", "${A}", "${A:-x}", "${A:+y}", "${", "$(",
    "$(echo x)", "`", "\"", "'", "\\", "\\\n", "<<EOF", "<<-EOF", "<<'EOF'", "<<<", "EOF",
    "\tEOF", "#", "# escape=`", "# syntax=x", "`", "\n", "\r\n", " ", "\t",
    "[\"pip\", \"install\"]", "[", "sh", "-c", "\"pip install x\"", "A=1", "A", "=", "2>&1",
    ">", "/etc/apt/x", "é",
    "\x00", "\u2028", "\ufeff", "{", "}",
]
fragment = st.one_of(st.sampled_from(PIECES), st.sampled_from(KEYWORDS), st.text(max_size=6))
line = st.lists(fragment, max_size=10).map(" ".join)
dockerfile = st.one_of(
    st.text(max_size=300),
    st.lists(line, max_size=16).map("\n".join),
    st.lists(line, max_size=16).map(lambda lines: "FROM python:3.12\n" + "\n".join(lines)),
)
shell_text = st.lists(fragment, max_size=30).map(" ".join)
values = st.dictionaries(st.sampled_from(["A", "V", "B"]),
                         st.one_of(st.none(), st.text(max_size=5)), max_size=3)


def dockerfile_property(text: str) -> None:
    try:
        found = parse_dockerfile(text, "Dockerfile")
    except InputFileError as exc:
        assert exc.path == "Dockerfile"
        return
    assert isinstance(found, DockerfileModel)
    assert found.stages
    lines = text.count("\n") + 1
    for item in (*found.python_installs, *found.system_packages, *found.not_modelled):
        assert 1 <= item.line <= lines


def shell_property(text: str, given_values: dict[str, str | None]) -> None:
    script = parse_shell(text, given_values)
    assert all(command.words for command in script.commands)


@FAST
@given(dockerfile)
def test_dockerfile_fuzz(text: str) -> None:
    dockerfile_property(text)


@FAST
@given(shell_text, values)
def test_shell_fuzz(text: str, given_values: dict[str, str | None]) -> None:
    shell_property(text, given_values)


@pytest.mark.slow
@SLOW
@given(dockerfile)
def test_dockerfile_fuzz_slow(text: str) -> None:
    dockerfile_property(text)


@pytest.mark.slow
@SLOW
@given(shell_text, values)
def test_shell_fuzz_slow(text: str, given_values: dict[str, str | None]) -> None:
    shell_property(text, given_values)
