"""`wheelfit dockerfile Dockerfile --diff` end to end against the loopback index: the
service's own lines stay, FROM and the installs change, the header gives the sizes, and the
inputs that cannot be migrated fail kindly."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner, Result

from loopback import LoopbackIndex
from wheelfit.cli import cli

SERVICE = ("FROM python:3.11-slim-bookworm\n"
           "# the app runs unprivileged\n"
           "RUN useradd --system app\n"
           "WORKDIR /app\n"
           "COPY requirements.txt .\n"
           "RUN pip install -r requirements.txt\n"
           "COPY . .\n"
           "USER app\n"
           "ENV APP_MODE=production\n"
           "CMD [\"gunicorn\", \"app:app\"]\n")
CUTOFF = "2025-01-15T00:00:00Z"


def service(folder: Path, dockerfile: str = SERVICE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Dockerfile").write_text(dockerfile)
    (folder / "requirements.txt").write_text("idna==3.7\n")
    return folder / "Dockerfile"


def run(index: LoopbackIndex, tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [
        "dockerfile", *args, "--index-url", index.url, "--cache-dir",
        str(tmp_path / "cache"), "--retries", "0", "--exclude-newer", CUTOFF],
        catch_exceptions=False)


def test_diff_keeps_the_service_lines(fresh_index_server: LoopbackIndex,
                                      tmp_path: Path) -> None:
    result = run(fresh_index_server, tmp_path, str(service(tmp_path / "svc")), "--diff",
                 "--variant", "alpine")
    assert result.exit_code == 0, result.output
    removed = [line[1:] for line in result.stdout.split("\n")
               if line.startswith("-") and not line.startswith("---")]
    assert removed == ["FROM python:3.11-slim-bookworm", "RUN pip install -r requirements.txt"]


def test_diff_swaps_from_and_adds_no_cache_dir(fresh_index_server: LoopbackIndex,
                                                tmp_path: Path) -> None:
    path = service(tmp_path / "svc")
    result = run(fresh_index_server, tmp_path, str(path), "--diff", "--variant", "alpine")
    assert f"--- {path}\n+++ {path} (alpine)\n" in result.stdout
    assert "\n-FROM python:3.11-slim-bookworm\n+FROM python:3.11-alpine" in result.stdout
    assert "\n+RUN pip install --no-cache-dir -r requirements.txt\n" in result.stdout


def test_header_gives_today_and_after(fresh_index_server: LoopbackIndex,
                                      tmp_path: Path) -> None:
    result = run(fresh_index_server, tmp_path, str(service(tmp_path / "svc")), "--diff",
                 "--variant", "alpine")
    header = result.stdout.split("\n")[1]
    assert re.match(r"# size: today \d+ MB → after \d+ MB .*, saves \d+ MB; "
                    r"build minutes: today \d", header), header


def test_header_names_the_recommended_variant(fresh_index_server: LoopbackIndex,
                                              tmp_path: Path) -> None:
    result = run(fresh_index_server, tmp_path, str(service(tmp_path / "svc")), "--diff")
    assert result.exit_code == 0, result.output
    assert "(recommended)" in result.stdout.split("\n")[0]


def test_a_folder_is_read_through_its_dockerfile(fresh_index_server: LoopbackIndex,
                                                 tmp_path: Path) -> None:
    service(tmp_path / "svc")
    result = run(fresh_index_server, tmp_path, str(tmp_path / "svc"), "--diff",
                 "--variant", "alpine")
    assert result.exit_code == 0, result.output


def test_no_python_install_line_is_an_input_error(fresh_index_server: LoopbackIndex,
                                                  tmp_path: Path) -> None:
    path = service(tmp_path / "svc", "FROM python:3.12-slim\nCOPY . /app\nCMD [\"app\"]\n")
    result = run(fresh_index_server, tmp_path, str(path), "--diff")
    assert result.exit_code == 3
    assert "no pip, uv, poetry or pipenv install line" in result.stderr
    assert "wheelfit dockerfile requirements.txt" in result.stderr


def test_diff_of_a_requirements_file_is_a_usage_error(fresh_index_server: LoopbackIndex,
                                                      tmp_path: Path) -> None:
    service(tmp_path / "svc")
    result = run(fresh_index_server, tmp_path, str(tmp_path / "svc" / "requirements.txt"),
                 "--diff")
    assert result.exit_code == 2
    assert "--diff rewrites a Dockerfile" in result.stderr


def test_from_built_from_an_arg_names_the_line(fresh_index_server: LoopbackIndex,
                                               tmp_path: Path) -> None:
    path = service(tmp_path / "svc", "ARG V=slim\nFROM python:3.11-${V}\n"
                   "COPY requirements.txt .\nRUN pip install -r requirements.txt\n")
    result = run(fresh_index_server, tmp_path, str(path), "--diff", "--variant", "alpine")
    assert result.exit_code == 3
    assert f"{path}:2" in result.stderr


def test_an_image_of_several_inputs_has_one_size_line_from_today(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    path = service(tmp_path / "svc", SERVICE.replace(
        "RUN pip install -r requirements.txt\n",
        "RUN pip install -r requirements.txt\nRUN pip install --no-cache-dir tomli==2.2.1\n"))
    result = run(fresh_index_server, tmp_path, str(path), "--diff", "--variant", "alpine")
    sizes = [line for line in result.stdout.split("\n") if line.startswith("# size")]
    assert len(sizes) == 1 and re.match(r"# size: today \d+ MB → after \d+ MB", sizes[0]), sizes


def test_from_whose_python_version_is_an_arg_keeps_the_arg(
        fresh_index_server: LoopbackIndex, tmp_path: Path) -> None:
    path = service(tmp_path / "svc", "ARG PY=3.11\nFROM python:${PY}-slim\n"
                   "COPY requirements.txt .\nRUN pip install -r requirements.txt\n")
    result = run(fresh_index_server, tmp_path, str(path), "--diff", "--variant", "alpine")
    assert result.exit_code == 0, result.output
    assert "\n-FROM python:${PY}-slim\n+FROM python:${PY}-alpine" in result.stdout
