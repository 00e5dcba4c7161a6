"""`check --recursive` on a fleet whose Dockerfile installs several inputs (two requirements
files, -r plus inline specs, several stages): one image, one row of "today vs recommended" in
text, markdown and JSON, against the loopback index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from loopback import LoopbackIndex
from wheelfit.cli import cli

CUTOFF = "2025-01-15T00:00:00Z"
TWO_FILES = ("FROM python:3.12-slim-bookworm\nCOPY a.txt b.txt ./\n"
             "RUN pip install --no-cache-dir -r a.txt -r b.txt\n")
FILE_AND_INLINE = ("FROM python:3.12-slim-bookworm\nCOPY a.txt .\n"
                   "RUN pip install --no-cache-dir -r a.txt\n"
                   "RUN pip install --no-cache-dir idna==3.7\n")
STAGES = ("FROM python:3.12-slim-bookworm AS build\nCOPY a.txt b.txt ./\n"
          "RUN pip install --no-cache-dir --prefix=/install -r a.txt\n"
          "FROM python:3.12-slim-bookworm\nCOPY --from=build /install /usr/local\n"
          "COPY b.txt .\nRUN pip install --no-cache-dir -r b.txt\n")


def _fleet(root: Path, dockerfile: str) -> Path:
    service = root / "fleet" / "svc"
    service.mkdir(parents=True)
    (service / "Dockerfile").write_text(dockerfile)
    (service / "a.txt").write_text("tomli==2.2.1\n")
    (service / "b.txt").write_text("idna==3.7\n")
    other = root / "fleet" / "plain"
    other.mkdir()
    (other / "requirements.txt").write_text("idna==3.7\n")
    return root / "fleet"


def _run(index: LoopbackIndex, tmp_path: Path, dockerfile: str, fmt: str) -> Result:
    result = CliRunner().invoke(cli, [
        "check", "--recursive", str(_fleet(tmp_path, dockerfile)), "--format", fmt,
        "--index-url", index.url, "--cache-dir", str(tmp_path / "cache"), "--retries", "0",
        "--exclude-newer", CUTOFF], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("dockerfile", [TWO_FILES, FILE_AND_INLINE, STAGES],
                         ids=["two-files", "file-and-inline", "stages"])
def test_json_has_one_compared_row_for_the_image(fresh_index_server: LoopbackIndex,
                                                 tmp_path: Path, dockerfile: str) -> None:
    doc = json.loads(_run(fresh_index_server, tmp_path, dockerfile, "json").stdout)
    rows = doc["fleet"]["today_vs_recommended"]["services"]
    image = next(r for r in rows if r["service"].endswith("Dockerfile"))
    assert [r["service"] for r in rows] == [str(tmp_path / "fleet" / "plain" /
                                             "requirements.txt"),
                                            str(tmp_path / "fleet" / "svc" / "Dockerfile")]
    assert image["today_mb"] > image["recommended_mb"] > 0
    assert image["saved_mb"] == round(image["today_mb"] - image["recommended_mb"], 1)
    assert doc["fleet"]["today_vs_recommended"]["compared"] == 1


def test_text_has_the_image_row(fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    text = _run(fresh_index_server, tmp_path, TWO_FILES, "text").stdout
    table = text[text.index("Today vs recommended:"):]
    assert "svc/Dockerfile" in table and "one image from 2 inputs" in table
    assert "total saved over the 1 service(s) compared" in table


def test_markdown_has_the_image_row(fresh_index_server: LoopbackIndex,
                                    tmp_path: Path) -> None:
    markdown = _run(fresh_index_server, tmp_path, TWO_FILES, "markdown").stdout
    table = markdown[markdown.index("Today vs recommended:"):]
    assert "svc/Dockerfile |" in table and "one image from 2 inputs" in table
