"""One run, many outputs: `--output FORMAT=PATH` and `-o PATH` (issue 17 item 1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_inprocess import Run
from wheelfit.commands.outputs import Output, parse_outputs, write_atomic
from wheelfit.errors import ExitCode, InputFileError, UsageError
from wheelfit.formats import FORMATS

REQUIREMENTS = "idna==3.7\n"


@pytest.fixture
def requirements(work: Path) -> Path:
    path = work / "requirements.txt"
    path.write_text(REQUIREMENTS, encoding="utf-8")
    return path


def test_every_output_is_written_and_stdout_keeps_the_terminal_view(
        wheelfit: Callable[..., Run], requirements: Path, work: Path) -> None:
    result = wheelfit(str(requirements), "--output", "json=out/r.json",
                      "--output", "markdown=out/r.md", "--output", "text=out/r.txt")
    assert result.code == 0, result.err
    assert json.loads((work / "out" / "r.json").read_text())["packages"][0]["name"] == "idna"
    assert "**wheelfit**" in (work / "out" / "r.md").read_text()
    text = (work / "out" / "r.txt").read_text()
    assert "Summary: slim: every package installs from a wheel" in text
    assert "Recommendation" in result.out and not result.out.startswith("{")


@pytest.fixture(autouse=True)
def _out_folder(work: Path) -> None:
    (work / "out").mkdir()


def test_dash_o_writes_the_format_and_stdout_shows_text(
        wheelfit: Callable[..., Run], requirements: Path, work: Path) -> None:
    result = wheelfit(str(requirements), "--format", "json", "-o", "out/report.json")
    assert result.code == 0, result.err
    assert json.loads((work / "out" / "report.json").read_text())["schema_version"] == 1
    assert not result.out.lstrip().startswith("{")


def test_stdout_follows_format_when_outputs_are_files(
        wheelfit: Callable[..., Run], requirements: Path, work: Path) -> None:
    result = wheelfit(str(requirements), "--format", "json", "--output", "markdown=out/r.md")
    assert json.loads(result.out)["input"] == str(requirements)


def test_a_fleet_goes_to_every_output(wheelfit: Callable[..., Run], work: Path) -> None:
    for service in ("api", "web"):
        (work / service).mkdir()
        (work / service / "requirements.txt").write_text(REQUIREMENTS, encoding="utf-8")
    result = wheelfit("--recursive", str(work), "--output", "json=out/fleet.json",
                      "--output", "markdown=out/fleet.md")
    assert result.code == 0, result.err
    doc = json.loads((work / "out" / "fleet.json").read_text())
    assert len(doc["services"]) == 2 and "fleet" in doc
    assert "checked 2 services" in (work / "out" / "fleet.md").read_text()


def test_an_unknown_format_is_a_usage_error_listing_the_registry() -> None:
    with pytest.raises(UsageError) as caught:
        parse_outputs(["pdf=r.pdf"], None, "text")
    assert caught.value.exit_code == ExitCode.USAGE
    assert all(name in (caught.value.hint or "") for name in FORMATS)


@pytest.mark.parametrize("value", ["json", "=r.json", "json="])
def test_a_value_without_format_and_path_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match="expected FORMAT=PATH"):
        parse_outputs([value], None, "text")


def test_two_outputs_to_one_path_are_refused(work: Path) -> None:
    with pytest.raises(UsageError, match="named by two outputs"):
        parse_outputs(["json=out/r", "markdown=out/r"], None, "text")


def test_a_missing_folder_fails_before_the_check_naming_the_path(
        wheelfit: Callable[..., Run], requirements: Path) -> None:
    result = wheelfit(str(requirements), "--output", "json=nowhere/r.json")
    assert result.code == ExitCode.INPUT
    assert "nowhere/r.json" in result.err and "folder does not exist" in result.err
    assert result.out == ""


def test_the_registry_drives_the_choices() -> None:
    outputs = parse_outputs([f"{name}=out/{name}.x" for name in FORMATS], None, "text")
    assert [o.fmt for o in outputs] == list(FORMATS)


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(work: Path) -> None:
    target = work / "out" / "r.json"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]


def test_a_failed_write_names_the_path(work: Path) -> None:
    not_a_folder = work / "out" / "plain-file"
    not_a_folder.write_text("", encoding="utf-8")
    with pytest.raises(InputFileError, match="cannot write the report") as caught:
        write_atomic(not_a_folder / "r.json", "x")
    assert str(not_a_folder / "r.json") in caught.value.message


def test_output_is_a_value_object() -> None:
    assert parse_outputs([], Path("r.md"), "markdown") == (Output("markdown", Path("r.md")),)


def test_quiet_turns_progress_off(monkeypatch: pytest.MonkeyPatch,
                                  wheelfit: Callable[..., Run], requirements: Path) -> None:
    import wheelfit.formats.progress as progress

    totals: list[int] = []
    real = progress.Progress.__init__

    def spy(self: progress.Progress, total: int, **kwargs: object) -> None:
        totals.append(total)
        real(self, total, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(progress.Progress, "__init__", spy)
    wheelfit(str(requirements), "--quiet")
    wheelfit(str(requirements), "--format", "json")
    assert totals == [0, 2 * 1 + 1]
