"""Today's image in the text, markdown and JSON reports: the layer table and its basis."""

from __future__ import annotations

from dataclasses import replace

from formats.schema_check import assert_valid_report
from wheelfit.formats import json_format, markdown, terminal
from wheelfit.model import CurrentImage, CurrentLayer, Report

LAYERS = (
    CurrentLayer("FROM python:3.12-slim-trixie (line 5)", 5, 119.4, (117.0, 121.8),
                 ("base python:3.12-slim-trixie x86_64 = 119.4 MB on disk (measured; "
                  "docker-library/repo-info repos/python/local/3.12-slim-trixie.md)",)),
    CurrentLayer("RUN pip install -r requirements.txt (line 7)", 7, 41.1, (38.0, 44.0),
                 ("1 Python package(s) of requirements.txt: 20.0 MB installed (wheel sizes "
                  "from the index: the wheels' central directories)",
                  "pip's cache left in /root/.cache/pip (no --no-cache-dir): 8.0 MB of "
                  "downloaded wheels (file sizes from the index listing)")),
)
CURRENT = CurrentImage("Dockerfile", "python:3.12-slim-trixie", "slim", 160.5, (155.0, 165.8),
                       LAYERS, 1, (0.5, 2.0), ("COPY/ADD of . from the build context (line 8): "
                                               "the service's own files are not sized",),
                       ("sized on the slim target",))


def _report() -> Report:
    return Report(input="requirements.txt", input_format="requirements", targets=(),
                  python_source="default", packages=(), current=CURRENT)


def test_the_terminal_shows_the_layers_and_their_sources() -> None:
    text = terminal.render(_report())
    assert "Today's image (Dockerfile, python:3.12-slim-trixie): ~160.5 MB (155-165.8)" in text
    assert "RUN pip install -r requirements.txt (line 7)" in text
    assert "repos/python/local/3.12-slim-trixie.md" in text
    assert "not modelled: COPY/ADD of ." in text


def test_markdown_has_a_layer_table() -> None:
    text = markdown.render(_report())
    assert "| Layer | Size | Basis |" in text
    assert "| FROM python:3.12-slim-trixie (line 5) | ~119.4 MB (117-121.8) |" in text


def test_json_carries_current_and_matches_the_schema() -> None:
    document = assert_valid_report(json_format.render(_report()))
    assert document["current"]["size_mb"] == 160.5
    assert document["current"]["layers"][1]["basis"][1].startswith("pip's cache")


def test_json_leaves_current_out_without_a_dockerfile() -> None:
    document = assert_valid_report(json_format.render(replace(_report(), current=None)))
    assert "current" not in document
