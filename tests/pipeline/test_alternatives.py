"""Alternatives that help (issue 13 item 6), through the whole pipeline on the recorded
loopback index: the table in tests/data/alternatives/cases.yaml, then the binary-twin rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from loopback import LoopbackIndex
from wheelfit.commands.inputs import build_request, load_inputs
from wheelfit.commands.options import RunOptions
from wheelfit.index.client import open_index
from wheelfit.model import Report, Verdict
from wheelfit.pipeline.check import check

CASES = yaml.safe_load((Path(__file__).resolve().parents[1] / "data" / "alternatives"
                        / "cases.yaml").read_text(encoding="utf-8"))


def _check(server: LoopbackIndex, text: str, tmp_path: Path, *,
           file: str = "requirements.txt", python: str = "3.12",
           no_binary: tuple[str, ...] = ()) -> Report:
    path = tmp_path / file
    files_url = server.url.rsplit("/simple", 1)[0] + "/files"
    path.write_text(text.replace("{index}", files_url), encoding="utf-8")
    options = RunOptions(python=python, index_url=server.url, no_binary=no_binary)
    specs, _ = load_inputs([path], options)
    request = build_request(specs[0], options)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        return check(request, index)


def _verdict(report: Report, package: str, target: str) -> Verdict:
    return next(p for p in report.packages if p.name == package).verdicts[target]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_alternatives_table(case: dict[str, Any], index_server: LoopbackIndex,
                            tmp_path: Path) -> None:
    report = _check(index_server, case["input"], tmp_path,
                    file=case.get("file", "requirements.txt"),
                    python=case.get("python", "3.12"))
    alts = _verdict(report, case["package"], case["target"]).alternatives
    versions = [a for a in alts if a.kind == "version"]
    assert len(versions) == len(case.get("expect", [])), alts
    for alt, want in zip(versions, case.get("expect", []), strict=True):
        assert alt.name == want["name"]
        if "version" in want:
            assert alt.version == want["version"]
        if "major" in want:
            assert alt.version is not None and alt.version.split(".")[0] == str(want["major"])
        for text in want.get("note_has", []):
            assert text in alt.note, alt.note
    assert not {a.kind for a in alts} & set(case.get("no_kinds", [])), alts
    for word in case.get("note_lacks", []):
        assert all(word not in a.note for a in alts), alts


def test_psycopg_alone_keeps_libpq_at_run_time(index_server: LoopbackIndex,
                                               tmp_path: Path) -> None:
    """The control for the next test: psycopg's pure wheel loads the system libpq."""
    build = _verdict(_check(index_server, "psycopg==3.3.4\n", tmp_path),
                     "psycopg", "alpine").build
    assert build is not None and "libpq" in build.apk_runtime


def test_psycopg_binary_beside_psycopg_drops_the_libpq_it_bundles(
        index_server: LoopbackIndex, tmp_path: Path) -> None:
    report = _check(index_server, "psycopg==3.3.4\npsycopg-binary==3.3.4\n", tmp_path)
    verdict = _verdict(report, "psycopg", "alpine")
    assert verdict.build is None or "libpq" not in verdict.build.apk_runtime
    assert report.commands is not None and "libpq" not in report.commands.apk_runtime_packages
    assert any("psycopg-binary 3.3.4" in e and "libpq.so.5" in e for e in verdict.evidence)


def test_psycopg_binary_beside_psycopg_drops_libpq5_on_slim(
        index_server: LoopbackIndex, tmp_path: Path) -> None:
    report = _check(index_server, "psycopg==3.3.4\npsycopg-binary==3.3.4\n", tmp_path)
    build = _verdict(report, "psycopg", "slim").build
    assert build is None or "libpq5" not in build.apt_runtime


def test_psycopg2_binary_beside_psycopg2_is_named_as_the_way_out(
        index_server: LoopbackIndex, tmp_path: Path) -> None:
    """Both install the same psycopg2 package, and the one installed last wins: the built
    psycopg2 links the system libpq, so the plan keeps it and says to drop psycopg2."""
    report = _check(index_server, "psycopg2==2.9.10\npsycopg2-binary==2.9.10\n", tmp_path)
    verdict = _verdict(report, "psycopg2", "alpine")
    twin = [a for a in verdict.alternatives if a.kind == "binary-twin"]
    assert [a.name for a in twin] == ["psycopg2-binary"]
    assert "also in this input" in twin[0].note and "drop psycopg2" in twin[0].note
    assert verdict.build is not None and "libpq" in verdict.build.apk_runtime


def test_the_twin_note_names_the_bundled_library_behind_the_plan(
        index_server: LoopbackIndex, tmp_path: Path) -> None:
    report = _check(index_server, "psycopg2==2.9.10\npsycopg2-binary==2.9.10\n", tmp_path)
    twin = next(a for a in _verdict(report, "psycopg2", "alpine").alternatives
                if a.kind == "binary-twin")
    assert "bundles libpq.so.5" in twin.note


def test_a_twin_without_its_wheel_bundles_nothing(index_server: LoopbackIndex,
                                                  tmp_path: Path) -> None:
    """--no-binary psycopg-binary: no wheel of it is installed, so psycopg keeps libpq."""
    report = _check(index_server, "psycopg==3.3.4\npsycopg-binary==3.3.4\n", tmp_path,
                    no_binary=("psycopg-binary",))
    build = _verdict(report, "psycopg", "alpine").build
    assert build is not None and "libpq" in build.apk_runtime
