"""Every bound of the Dockerfile parser has its own error, naming the file and the line, and
long inputs stay linear (generous wall-clock bounds: the suite runs on a loaded 2-core box)."""

from __future__ import annotations

import contextlib
import time

import pytest

from wheelfit.errors import InputFileError
from wheelfit.sources.dockerfile import lexer, parse_dockerfile
from wheelfit.sources.dockerfile.expand import MAX_EXPANDED_CHARS
from wheelfit.sources.dockerfile.parse import MAX_STAGES

HEAD = "FROM python:3.12-slim\n"
BLOCK = ("RUN apt-get update && apt-get install -y --no-install-recommends gcc \\\n"
         "    # a comment line\n"
         "    && pip install --no-cache-dir -r requirements.txt \"x[y]==1\" \\\n"
         "    && if [ \"$A\" = b ]; then pip install c; fi; rm -rf /var/lib/apt/lists/*\n")


def error_of(text: str) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        parse_dockerfile(text, "svc/Dockerfile")
    assert caught.value.path == "svc/Dockerfile"
    return caught.value


def test_a_file_too_long() -> None:
    found = error_of("#" * (lexer.MAX_TEXT_CHARS + 1))
    assert "longer than 4,000,000 characters" in found.message
    assert found.line == 1


def test_a_line_too_long() -> None:
    found = error_of(HEAD + "RUN echo " + "x" * lexer.MAX_LINE_CHARS + "\n")
    assert "line longer than 65,536 characters" in found.message
    assert found.line == 2


def test_an_instruction_too_long() -> None:
    piece = "x" * 60_000 + " \\\n"
    found = error_of(HEAD + "RUN echo \\\n" + piece * 20 + "done\n")
    assert "instruction longer than 1,000,000 characters" in found.message
    assert found.line == 2


def test_too_many_instructions() -> None:
    found = error_of(HEAD + "RUN true\n" * lexer.MAX_INSTRUCTIONS)
    assert "more than 10,000 instructions" in found.message
    assert found.line == lexer.MAX_INSTRUCTIONS + 1


def test_a_heredoc_too_long() -> None:
    body = ("y" * 1000 + "\n") * 1100
    found = error_of(HEAD + "RUN <<EOF\n" + body + "EOF\n")
    assert "heredoc <<EOF is longer than 1,000,000 characters" in found.message
    assert found.line == 2


def test_variables_nested_too_deep() -> None:
    nested = "${A:-" * 20 + "x" + "}" * 20
    found = error_of(HEAD + f"ENV B={nested}\n")
    assert "nested deeper than 8" in found.message
    assert found.line == 2


def test_a_value_that_doubles_until_it_is_too_long() -> None:
    doubling = "".join("ENV A=$A$A\n" for _ in range(12))
    found = error_of(HEAD + "ENV A=" + "a" * 1000 + "\n" + doubling)
    assert f"{MAX_EXPANDED_CHARS:,} characters" in found.message
    assert found.line == 2 + 10  # 1,000 characters doubled ten times pass 1,000,000


def test_too_many_stages() -> None:
    found = error_of("FROM python:3.12\n" * (MAX_STAGES + 1))
    assert "more than 256 stages" in found.message
    assert found.line == MAX_STAGES + 1


def test_nested_sh_c_is_read_to_a_depth_and_no_further() -> None:
    text = HEAD + "RUN " + "sh -c \"" * 6 + "pip install x" + "\"" * 6 + "\n"
    found = parse_dockerfile(text, "Dockerfile")
    assert found.python_installs == ()
    assert any(g.gap.value == "script" for g in found.not_modelled)


LONG = {
    "realistic": lambda n: HEAD + BLOCK * (n // 20),
    "one-long-run": lambda n: HEAD + "RUN " + "pip install a && \\\n" * (n // 2) + "true\n",
    "open-substitutions": lambda n: HEAD + "RUN " + "$($( \\\n" * n + "\n",
    "open-braces": lambda n: HEAD + "RUN echo " + "${${ \\\n" * n + "\n",
    "quotes": lambda n: HEAD + "RUN " + "\"' \\\n" * n + "\n",
    "nested-ifs": lambda n: (HEAD + "RUN " + "if true; then \\\n" * (n // 2) + "pip install x"
                             + "; fi \\\n" * (n // 2) + "\n"),
    "copies-and-installs": lambda n: HEAD + "".join(
        f"COPY r{i}.txt /r/{i}/\nRUN pip install -r /r/{i}/r{i}.txt\n" for i in range(n // 20)),
    "copies-removed": lambda n: HEAD.replace("\n", " AS a\n") + "".join(
        f"COPY --from=a /w /w{i}\nRUN rm -rf /w{i}\n" for i in range(n // 20)),
    "comments": lambda n: "# c\n" * (n * 9) + HEAD,
}


def parse_within(text: str, seconds: float) -> None:
    start = time.perf_counter()
    with contextlib.suppress(InputFileError):
        parse_dockerfile(text, "Dockerfile")
    assert time.perf_counter() - start < seconds


@pytest.mark.parametrize("shape", sorted(LONG))
def test_long_inputs_stay_linear(shape: str) -> None:
    parse_within(LONG[shape](20_000), 20)


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(LONG))
def test_long_inputs_stay_linear_slow(shape: str) -> None:
    """Five times the default size, up to the instruction and size bounds."""
    parse_within(LONG[shape](98_000), 60)
