"""The JSON report of every acceptance case, byte for byte, through the whole command line.

Each case in tests/cases/ runs as `wheelfit check --format json` against the loopback index;
the output, with the run's temporary folder, the index address and the request counters
(background warm-up makes them vary from run to run) replaced by placeholders, must equal
tests/data/golden/<case>.json. A refactoring that changes no behaviour keeps these files
unchanged; `WHEELFIT_UPDATE_GOLDEN=1 pytest` rewrites them after an intended change. The
canned reports' golden files are tests/data/formats/*.json (tests/formats/test_json.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from case_runner import CASES
from formats.golden import assert_golden
from loopback import LoopbackIndex
from wheelfit.cli import cli

# The network counters of `stats`: how many requests the warm-up threads won is timing.
COUNTERS = re.compile(r'^(    "(?:requests|from_cache|bytes_downloaded)": )\d+', re.MULTILINE)


def case_arguments(case: dict[str, Any]) -> list[str]:
    """The command-line options a case's `options` stand for."""
    opts = case.get("options") or {}
    args = ["--python", str(opts.get("python", "3.12")), "--arch", opts.get("arch", "x86_64")]
    for target in opts.get("targets") or ():
        args += ["--target", target]
    if opts.get("exclude_newer"):
        args += ["--exclude-newer", str(opts["exclude_newer"])]
    if opts.get("pre"):
        args.append("--pre")
    for names in opts.get("only_binary") or ():
        args += ["--only-binary", names]
    for names in opts.get("no_binary") or ():
        args += ["--no-binary", names]
    return args


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_json_report_is_unchanged(path: Path, fresh_index_server: LoopbackIndex,
                                  tmp_path: Path) -> None:
    case = yaml.safe_load(path.read_text())
    work = tmp_path / "case"
    work.mkdir()
    req = work / "requirements.txt"
    req.write_text(case["input"])
    args = ["check", str(req), "--format", "json", "--index-url", fresh_index_server.url,
            "--cache-dir", str(tmp_path / "cache"), "--retries", "0", *case_arguments(case)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    host = fresh_index_server.url.rsplit("/simple", 1)[0]
    out = result.stdout.replace(str(work), "<case>").replace(host, "<index>")
    out = COUNTERS.sub(r"\g<1>0", out)
    assert_golden(f"../golden/{path.stem}.json", f"exit code {result.exit_code}\n{out}")
