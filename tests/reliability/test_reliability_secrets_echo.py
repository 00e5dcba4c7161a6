"""Credentials typed by a user are never echoed: words after a line's options, URLs without
a scheme, token-only URLs, click's usage errors, every format, `-v` and fleets.

Complements test_reliability_secrets.py (credentials sent to a real index). Each test
checks that the text around the credential is shown, so it cannot pass by printing nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_support import (
    CLOSED_URL,
    SECRET,
    USER,
    CliResult,
    StreamingIndexServer,
    check_args,
    publish_wheel,
    run_main,
)

NEEDLES = (SECRET, USER)
FORMATS = ["text", "json", "markdown"]
# How each format shows a redacted `user:secret@x` (markdown escapes the stars).
MASKED = {"text": "***@x", "json": "***@x", "markdown": "\\*\\*\\*@"}
VERBOSITY = {"default": [], "-v --all": ["-v", "--all"]}


def assert_no_secret(result: CliResult) -> None:
    for needle in NEEDLES:
        assert needle not in result.both, result.both


@pytest.fixture
def index_url(server: StreamingIndexServer) -> str:
    return publish_wheel(server, "healthy")


@pytest.mark.parametrize("verbosity", list(VERBOSITY))
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("word", [f"http://{USER}:{SECRET}@x", f"{USER}:{SECRET}@x"],
                         ids=["with scheme", "without scheme"])
def test_words_after_the_options_are_redacted(
    word: str, fmt: str, verbosity: str, index_url: str, hermetic: Path
) -> None:
    (hermetic / "requirements.txt").write_text(f"healthy\n--pre {word}\n")
    result = run_main(check_args(index_url, "requirements.txt", fmt=fmt,
                                 extra=VERBOSITY[verbosity]))
    assert result.code == 0, result.err
    assert "requirements.txt:2: ignored" in result.out
    assert MASKED[fmt] in result.out
    assert_no_secret(result)


def schemeless(url: str) -> str:
    return url.replace("http://", f"{USER}:{SECRET}@", 1)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("source", ["--index-url", "PIP_INDEX_URL", "-i line"])
def test_index_url_without_scheme_is_not_echoed(
    source: str, fmt: str, index_url: str, hermetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = schemeless(index_url)
    text, args = "healthy\n", ["check", "--retries", "0", "--timeout", "2", "--format", fmt]
    if source == "--index-url":
        args += ["--index-url", url]
    elif source == "PIP_INDEX_URL":
        monkeypatch.setenv("PIP_INDEX_URL", url)
    else:
        text = f"-i {url}\n{text}"
    (hermetic / "requirements.txt").write_text(text)
    result = run_main([*args, "requirements.txt"])
    assert result.code == 5  # not a URL wheelfit can ask
    assert "***@127.0.0.1" in result.err
    assert_no_secret(result)


@pytest.mark.parametrize("fmt", FORMATS)
def test_extra_index_url_without_scheme_is_not_echoed(
    fmt: str, index_url: str, hermetic: Path
) -> None:
    (hermetic / "requirements.txt").write_text("healthy\n")
    extra = ["-v", "--all", "--extra-index-url", schemeless(CLOSED_URL)]
    result = run_main(check_args(index_url, "requirements.txt", fmt=fmt, retries=0,
                                 extra=extra))
    assert result.code in (5, 6), result.err
    assert "***@127.0.0.1:9" in result.both
    assert_no_secret(result)


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_only_url_is_not_echoed(fmt: str, index_url: str, hermetic: Path) -> None:
    """`https://TOKEN@host` (a token as the user name, as GitHub and GitLab registries take)."""
    (hermetic / "requirements.txt").write_text("healthy\nnot-on-the-index\n")
    url = index_url.replace("http://", f"http://{SECRET}@", 1)
    result = run_main(check_args(url, "requirements.txt", fmt=fmt, extra=["-v", "--all"]))
    assert result.code == 3, result.err  # not-on-the-index is an input error (issue 17)
    assert "healthy" in result.out
    assert SECRET not in result.both


@pytest.mark.parametrize("fmt", FORMATS)
def test_keep_going_problems_are_redacted(fmt: str, index_url: str, hermetic: Path) -> None:
    (hermetic / "requirements.txt").write_text(
        f"healthy\n--frobnicate {USER}:{SECRET}@x\n"
        f"broken ; python_version >>> '{USER}:{SECRET}@x'\n"
    )
    result = run_main(check_args(index_url, "requirements.txt", fmt=fmt,
                                 extra=["--keep-going"]))
    assert "requirements.txt:2" in result.out and "requirements.txt:3" in result.out
    assert_no_secret(result)


def test_bad_line_error_is_redacted(index_url: str, hermetic: Path) -> None:
    (hermetic / "requirements.txt").write_text(f"healthy\n--frobnicate {USER}:{SECRET}@x\n")
    result = run_main(check_args(index_url, "requirements.txt"))
    assert result.code == 3
    assert "requirements.txt:2" in result.err and "***@x" in result.err
    assert_no_secret(result)


@pytest.mark.parametrize("fmt", FORMATS)
def test_fleet_output_is_redacted(fmt: str, index_url: str, hermetic: Path) -> None:
    for name in ("a", "b"):
        (hermetic / name).mkdir()
        (hermetic / name / "requirements.txt").write_text(
            f"healthy\n--pre {USER}:{SECRET}@x\n")
    result = run_main(check_args(index_url, "a/requirements.txt", "b/requirements.txt",
                                 fmt=fmt, extra=["-v"]))
    assert result.code == 0, result.err
    assert result.out.count(MASKED[fmt]) >= 2
    assert_no_secret(result)


@pytest.mark.parametrize("option", ["--timeout", "--format", "--retries"])
def test_usage_errors_do_not_echo_the_value(option: str, hermetic: Path) -> None:
    (hermetic / "requirements.txt").write_text("healthy\n")
    result = run_main(["check", option, f"{USER}:{SECRET}@x", "requirements.txt"])
    assert result.code == 2
    assert "Invalid value" in result.err and "***@x" in result.err
    assert_no_secret(result)


def test_usage_error_still_shows_usage_and_help_hint(hermetic: Path) -> None:
    result = run_main(["check", "--frobnicate"])
    assert result.code == 2
    assert "Usage: wheelfit check" in result.err and "No such option" in result.err


def test_dockerfile_output_is_redacted(index_url: str, hermetic: Path) -> None:
    """The Dockerfile names the input file; a name shaped like a credential is redacted."""
    name = f"{USER}:{SECRET}@x.txt"
    (hermetic / name).write_text("healthy\n")
    result = run_main(["dockerfile", "--index-url", index_url, "--retries", "0", name])
    assert result.code == 0, result.err
    assert "-r ***@x.txt" in result.out
    assert_no_secret(result)


def test_mapping_validate_output_is_redacted(hermetic: Path) -> None:
    name = f"{USER}:{SECRET}@x.yaml"
    (hermetic / name).write_text("schema_version: 1\nprojects: {}\n")
    result = run_main(["mapping", "validate", name])
    assert result.code == 0, result.err
    assert result.out.startswith("***@x.yaml: valid")
    assert_no_secret(result)
