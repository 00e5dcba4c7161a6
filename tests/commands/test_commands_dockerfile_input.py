"""`wheelfit check Dockerfile` / `check DIR` end to end against the loopback index: the final
FROM sets the target, flags override it, the report carries the `dockerfile` block, and a
run without any Python hint says which default it took."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from formats.schema_check import assert_valid_report
from loopback import LoopbackIndex
from wheelfit.cli import cli
from wheelfit.commands.inputs import newest_image_python

SERVICE = ("FROM python:3.11-slim-bookworm\nWORKDIR /app\nCOPY requirements.txt .\n"
           "RUN pip install --no-cache-dir -r requirements.txt\n"
           "RUN python manage.py collectstatic\nCMD [\"gunicorn\", \"app\"]\n")
CUTOFF = "2025-01-15T00:00:00Z"


def service(folder: Path, dockerfile: str = SERVICE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Dockerfile").write_text(dockerfile)
    (folder / "requirements.txt").write_text("idna==3.7\n")
    return folder / "Dockerfile"


def run(index: LoopbackIndex, tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [
        "check", *args, "--index-url", index.url, "--cache-dir", str(tmp_path / "cache"),
        "--retries", "0", "--exclude-newer", CUTOFF], catch_exceptions=False)


def report(index: LoopbackIndex, tmp_path: Path, *args: str) -> dict[str, Any]:
    result = run(index, tmp_path, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return assert_valid_report(result.stdout)


def test_from_line_sets_python_and_release(fresh_index_server: LoopbackIndex,
                                           tmp_path: Path) -> None:
    doc = report(fresh_index_server, tmp_path, str(service(tmp_path / "svc")))
    slim = next(t for t in doc["targets"] if t["name"] == "slim")
    assert (slim["python"], slim["release"]) == ("3.11", "bookworm")


def test_python_source_names_the_from_line(fresh_index_server: LoopbackIndex,
                                           tmp_path: Path) -> None:
    path = service(tmp_path / "svc")
    doc = report(fresh_index_server, tmp_path, str(path))
    assert doc["python_source"] == f"FROM python:3.11-slim-bookworm in {path}:1"


def test_report_has_the_dockerfile_block(fresh_index_server: LoopbackIndex,
                                         tmp_path: Path) -> None:
    path = service(tmp_path / "svc")
    block = report(fresh_index_server, tmp_path, str(path))["dockerfile"]
    assert (block["base"], block["inputs"], block["checked"], block["not_modelled"]) == (
        "python:3.11-slim-bookworm", ["requirements.txt"],
        [str(tmp_path / "svc" / "requirements.txt")],
        ["not modelled: python manage.py collectstatic (line 5)"])


def test_a_folder_with_a_dockerfile_is_that_dockerfile(fresh_index_server: LoopbackIndex,
                                                       tmp_path: Path) -> None:
    service(tmp_path / "svc")
    doc = report(fresh_index_server, tmp_path, str(tmp_path / "svc"))
    assert doc["dockerfile"]["path"] == str(tmp_path / "svc" / "Dockerfile")


def test_python_flag_overrides_the_dockerfile(fresh_index_server: LoopbackIndex,
                                              tmp_path: Path) -> None:
    doc = report(fresh_index_server, tmp_path, str(service(tmp_path / "svc")),
                 "--python", "3.12")
    assert {t["python"] for t in doc["targets"]} == {"3.12"}


def test_unversioned_tag_takes_the_python_it_meant_on_the_cutoff(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    path = service(tmp_path / "svc", SERVICE.replace("3.11-slim-bookworm", "slim"))
    doc = report(fresh_index_server, tmp_path, str(path))
    assert {t["python"] for t in doc["targets"]} == {"3.13"}
    assert doc["python_source"].startswith(
        f"python:slim in {path} names no version: on 2025-01-15 the unversioned python tags "
        "meant Python 3.13, the newest minor by then (released 2024-10-07, PEP 719")


def test_unversioned_tag_without_a_cutoff_takes_the_newest_image(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    path = service(tmp_path / "svc", SERVICE.replace("3.11-slim-bookworm", "slim"))
    result = CliRunner().invoke(cli, [
        "check", str(path), "--index-url", fresh_index_server.url, "--cache-dir",
        str(tmp_path / "cache"), "--retries", "0", "--format", "json"],
        catch_exceptions=False)
    doc = json.loads(result.stdout)
    newest, as_of = newest_image_python()
    assert {t["python"] for t in doc["targets"]} == {newest}
    assert doc["python_source"] == (
        f"python:slim in {path} names no Python version: the newest python image in "
        f"wheelfit's size table, as of {as_of}; pass --python to change")
    assert "python:slim" in doc["dockerfile"]["target"]


def test_without_any_hint_the_newest_image_is_the_default(fresh_index_server: LoopbackIndex,
                                                          tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("idna==3.7\n")
    doc = report(fresh_index_server, tmp_path, str(tmp_path / "requirements.txt"))
    newest, as_of = newest_image_python()
    assert {t["python"] for t in doc["targets"]} == {newest}
    assert doc["python_source"] == (
        "the input names no Python version: the newest python image in wheelfit's size "
        f"table, as of {as_of}; pass --python to change")


def test_plain_input_has_no_dockerfile_block(fresh_index_server: LoopbackIndex,
                                             tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("idna==3.7\n")
    doc = report(fresh_index_server, tmp_path, str(tmp_path / "requirements.txt"))
    assert "dockerfile" not in doc


def test_text_shows_the_from_dockerfile_section(fresh_index_server: LoopbackIndex,
                                                tmp_path: Path) -> None:
    path = service(tmp_path / "svc")
    out = run(fresh_index_server, tmp_path, str(path), "--no-color").stdout
    assert f"From Dockerfile {path}:" in out
    assert "  not modelled: python manage.py collectstatic (line 5)" in out


def test_markdown_shows_the_from_dockerfile_section(fresh_index_server: LoopbackIndex,
                                                    tmp_path: Path) -> None:
    path = service(tmp_path / "svc")
    out = run(fresh_index_server, tmp_path, str(path), "--format", "markdown").stdout
    assert "**From Dockerfile**" in out and "Python 3.11 on bookworm (slim)" in out


def test_recursive_picks_the_dockerfile(fresh_index_server: LoopbackIndex,
                                        tmp_path: Path) -> None:
    service(tmp_path / "fleet" / "a")
    (tmp_path / "fleet" / "b").mkdir()
    (tmp_path / "fleet" / "b" / "requirements.txt").write_text("idna==3.7\n")
    result = run(fresh_index_server, tmp_path, "--recursive", str(tmp_path / "fleet"),
                 "--format", "json")
    services = json.loads(result.stdout)["services"]
    assert [s.get("dockerfile", {}).get("base") for s in services] == [
        "python:3.11-slim-bookworm", None]


def test_a_release_without_libc_data_names_the_from_line(tmp_path: Path) -> None:
    path = service(tmp_path / "svc", SERVICE.replace("3.11-slim-bookworm", "3.9-slim-buster"))
    result = CliRunner().invoke(cli, ["check", str(path), "--offline", "--cache-dir",
                                      str(tmp_path / "cache")])
    assert result.exit_code == 2
    assert f"{path}:1: FROM python:3.9-slim-buster names Debian buster" in result.stderr


def test_dockerfile_command_installs_the_file_the_dockerfile_reads(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    path = service(tmp_path / "svc")
    result = CliRunner().invoke(cli, [
        "dockerfile", str(path), "--variant", "slim", "--index-url", fresh_index_server.url,
        "--cache-dir", str(tmp_path / "cache"), "--retries", "0"], catch_exceptions=False)
    assert "-r requirements.txt" in result.stdout and "-r Dockerfile" not in result.stdout


def test_recursive_skips_a_dockerfile_without_python_inputs(fresh_index_server: LoopbackIndex,
                                                            tmp_path: Path) -> None:
    service(tmp_path / "fleet" / "a")
    web = tmp_path / "fleet" / "web"
    web.mkdir()
    (web / "Dockerfile").write_text("FROM node:22\nRUN npm ci\n")
    result = run(fresh_index_server, tmp_path, "--recursive", str(tmp_path / "fleet"),
                 "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["input"] == str(tmp_path / "fleet" / "a" /
                                                     "requirements.txt")


def test_recursive_falls_back_to_the_folders_dependency_file(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    service(tmp_path / "fleet" / "a")
    other = tmp_path / "fleet" / "b"
    other.mkdir()
    (other / "Dockerfile").write_text("FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n")
    (other / "requirements.txt").write_text("idna==3.7\n")
    result = run(fresh_index_server, tmp_path, "--recursive", str(tmp_path / "fleet"),
                 "--format", "json")
    inputs = [s["input"] for s in json.loads(result.stdout)["services"]]
    assert inputs == [str(tmp_path / "fleet" / "a" / "requirements.txt"),
                      str(other / "requirements.txt")]
