"""The GitHub Action (action.yml, .github/scripts/pr_comment.py) against a fake GitHub API on
127.0.0.1, and the pre-commit hook definition."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from formats.canned import clean, service
from wheelfit.formats import json_format, markdown

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".github" / "scripts" / "pr_comment.py"
TOKEN = "ghs_fakeTokenValue0123456789"
REPO = "acme/service"
PAGE = 2  # the fake serves two comments per page, whatever per_page asks


@dataclass
class FakeGitHub:
    """State of the fake API: comments of PR #7, and every request it received."""

    comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_with: int | None = None
    next_link: str | None = None
    base: str = ""


def _handler(state: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _record(self, body: Any) -> None:
            state.requests.append({"method": self.command, "path": self.path,
                                   "headers": dict(self.headers.items()), "body": body})

        def _send(self, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _guard(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._send(401, {"message": "Bad credentials"})
                return False
            if state.fail_with:
                # A hostile server echoing the credentials back: they must not be printed.
                self._send(state.fail_with, {"message": "boom " + self.headers["Authorization"]})
                return False
            return True

        def do_GET(self) -> None:
            self._record(None)
            if not self._guard():
                return
            url = urlsplit(self.path)
            if url.path != f"/repos/{REPO}/issues/7/comments":
                self._send(404, {"message": "Not Found"})
                return
            page = int(parse_qs(url.query).get("page", ["1"])[0])
            chunk = state.comments[(page - 1) * PAGE: page * PAGE]
            headers = {}
            if page * PAGE < len(state.comments):
                headers["Link"] = (f'<{state.base}/repos/{REPO}/issues/7/comments?per_page=100&'
                                   f'page={page + 1}>; rel="next", <{state.base}/x>; rel="last"')
            elif state.next_link:
                headers["Link"] = f'<{state.next_link}>; rel="next"'
            self._send(200, chunk, headers)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length", "0"))
            return json.loads(self.rfile.read(length) or b"null")

        def do_POST(self) -> None:
            body = self._body()
            self._record(body)
            if not self._guard():
                return
            new = {"id": 1000 + len(state.comments), "body": body["body"],
                   "html_url": "https://github.example/acme/service/pull/7#new"}
            state.comments.append(new)
            self._send(201, new)

        def do_PATCH(self) -> None:
            body = self._body()
            self._record(body)
            if not self._guard():
                return
            match = re.fullmatch(rf"/repos/{REPO}/issues/comments/(\d+)", self.path)
            comment = next((c for c in state.comments if match and c["id"] == int(match[1])),
                           None)
            if comment is None:
                self._send(404, {"message": "Not Found"})
                return
            comment["body"] = body["body"]
            self._send(200, {**comment, "html_url": "https://github.example/c/1"})

    return Handler


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    state = FakeGitHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Run:
    """One run of the script: its exit code, output and $GITHUB_OUTPUT values."""

    code: int
    output: str
    outputs: dict[str, str]


def run_script(tmp_path: Path, github: FakeGitHub, *, event: dict[str, Any] | None = None,
               report: str | None = None, body: str | None = None, comment: str = "true",
               token: str = TOKEN, marker: str = "") -> Run:
    """Run pr_comment.py as the action does, with a minimal environment (no proxies)."""
    (tmp_path / "event.json").write_text(json.dumps(
        event if event is not None else {"pull_request": {"number": 7}}))
    (tmp_path / "report.json").write_text(report if report is not None else
                                          json_format.render(service()))
    (tmp_path / "comment.md").write_text(body if body is not None else
                                         markdown.render(service()))
    out_file = tmp_path / "github_output"
    out_file.write_text("")
    env = {"PATH": os.environ.get("PATH", ""), "GITHUB_API_URL": github.base,
           "GITHUB_REPOSITORY": REPO, "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
           "GITHUB_TOKEN": token, "GITHUB_OUTPUT": str(out_file)}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--report", str(tmp_path / "report.json"),
         "--body", str(tmp_path / "comment.md"), "--comment", comment, "--marker", marker],
        env=env, capture_output=True, text=True, timeout=60, check=False)
    values = dict(line.split("=", 1) for line in out_file.read_text().splitlines())
    return Run(proc.returncode, proc.stdout + proc.stderr, values)


def _comment(cid: int, body: str) -> dict[str, Any]:
    return {"id": cid, "body": body}


OTHERS = [_comment(1, "LGTM"), _comment(2, "> <!-- wheelfit -->\nquoted by a human"),
          _comment(3, "ship it")]


def test_creates_the_comment_when_none_has_the_marker(tmp_path: Path,
                                                      github: FakeGitHub) -> None:
    github.comments = list(OTHERS)
    run = run_script(tmp_path, github)
    posts = [r for r in github.requests if r["method"] == "POST"]
    assert run.code == 0 and len(posts) == 1
    assert posts[0]["path"] == f"/repos/{REPO}/issues/7/comments"
    assert posts[0]["body"] == {"body": markdown.render(service())}
    assert "created the comment on #7" in run.output


def test_updates_the_comment_that_has_the_marker(tmp_path: Path, github: FakeGitHub) -> None:
    github.comments = [*OTHERS, _comment(4, "old report\n\n<!-- wheelfit -->\n")]
    run = run_script(tmp_path, github)
    writes = [r for r in github.requests if r["method"] != "GET"]
    assert [(r["method"], r["path"]) for r in writes] == [
        ("PATCH", f"/repos/{REPO}/issues/comments/4")]
    assert github.comments[-1]["body"] == markdown.render(service())
    assert "updated the comment on #7" in run.output


def test_follows_every_page(tmp_path: Path, github: FakeGitHub) -> None:
    github.comments = [_comment(i, f"comment {i}") for i in range(1, 6)]
    github.comments.append(_comment(6, "<!-- wheelfit -->"))
    run_script(tmp_path, github)
    pages = [parse_qs(urlsplit(r["path"]).query).get("page", ["1"])[0]
             for r in github.requests if r["method"] == "GET"]
    assert pages == ["1", "2", "3"]
    assert [r["method"] for r in github.requests][-1] == "PATCH"


def test_asks_for_full_pages(tmp_path: Path, github: FakeGitHub) -> None:
    run_script(tmp_path, github)
    first = github.requests[0]["path"]
    assert parse_qs(urlsplit(first).query)["per_page"] == ["100"]


def test_sends_the_token_and_api_headers(tmp_path: Path, github: FakeGitHub) -> None:
    github.comments = list(OTHERS)
    run_script(tmp_path, github)
    assert github.requests
    for request in github.requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert headers["authorization"] == f"Bearer {TOKEN}"
        assert headers["accept"] == "application/vnd.github+json"
        assert headers["x-github-api-version"] == "2022-11-28"


def test_token_never_printed_even_when_the_server_echoes_it(tmp_path: Path,
                                                            github: FakeGitHub) -> None:
    github.fail_with = 500
    run = run_script(tmp_path, github)
    assert run.code == 0 and "::warning::" in run.output and "answered 500" in run.output
    assert TOKEN not in run.output and TOKEN not in (tmp_path / "github_output").read_text()


def test_token_not_printed_on_success(tmp_path: Path, github: FakeGitHub) -> None:
    run = run_script(tmp_path, github)
    assert TOKEN not in run.output


def test_next_link_to_another_origin_is_not_followed(tmp_path: Path,
                                                     github: FakeGitHub) -> None:
    other = FakeGitHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(other))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        github.comments = [_comment(1, "hi")]
        github.next_link = f"http://127.0.0.1:{server.server_address[1]}/steal"
        run = run_script(tmp_path, github)
    finally:
        server.shutdown()
        server.server_close()
    assert other.requests == []
    assert "another origin" in run.output and TOKEN not in run.output


def test_writes_outputs_from_the_report(tmp_path: Path, github: FakeGitHub) -> None:
    run = run_script(tmp_path, github)
    assert run.outputs == {"recommendation": "slim", "slim-source-builds": "2",
                           "alpine-source-builds": "2"}


def test_outputs_sum_several_reports(tmp_path: Path, github: FakeGitHub) -> None:
    two = json_format.render(service()) + json_format.render(clean())
    run = run_script(tmp_path, github, report=two, comment="false")
    assert run.outputs == {"recommendation": "slim", "slim-source-builds": "2",
                           "alpine-source-builds": "2"}


def test_outputs_read_the_services_of_a_fleet_document(tmp_path: Path,
                                                       github: FakeGitHub) -> None:
    doc = {"schema_version": 1, "services": [json.loads(json_format.render(service())),
                                             json.loads(json_format.render(clean()))],
           "fleet": {}}
    run = run_script(tmp_path, github, report=json.dumps(doc), comment="false")
    assert run.outputs["recommendation"] == "slim"


def test_missing_report_gives_empty_outputs(tmp_path: Path, github: FakeGitHub) -> None:
    run = run_script(tmp_path, github, report="", body="")
    assert run.code == 0 and run.outputs == {
        "recommendation": "", "slim-source-builds": "", "alpine-source-builds": ""}
    assert github.requests == []


def test_no_comment_outside_pull_requests(tmp_path: Path, github: FakeGitHub) -> None:
    run = run_script(tmp_path, github, event={"ref": "refs/heads/main"})
    assert github.requests == [] and "not a pull request" in run.output


def test_comment_on_issue_comment_event_of_a_pull_request(tmp_path: Path,
                                                          github: FakeGitHub) -> None:
    run_script(tmp_path, github, event={"issue": {"number": 7, "pull_request": {"url": "u"}}})
    assert [r["method"] for r in github.requests] == ["GET", "POST"]


def test_comment_false_makes_no_call(tmp_path: Path, github: FakeGitHub) -> None:
    run = run_script(tmp_path, github, comment="false")
    assert github.requests == [] and run.outputs["recommendation"] == "slim"


def test_oversized_body_is_cut_to_the_limit_keeping_the_marker(tmp_path: Path,
                                                               github: FakeGitHub) -> None:
    run_script(tmp_path, github, body="x" * 70_000 + "\n<!-- wheelfit -->\n")
    posted = next(r for r in github.requests if r["method"] == "POST")["body"]["body"]
    assert len(posted) <= 65_536 and posted.endswith("<!-- wheelfit -->\n")


# --- action.yml -----------------------------------------------------------------------


ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_is_composite_with_the_documented_interface() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"files", "python", "targets", "fail-on", "args", "comment",
            "github-token"} <= set(ACTION["inputs"])
    assert ACTION["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert {"recommendation", "slim-source-builds", "alpine-source-builds"} <= set(
        ACTION["outputs"])


def test_action_sets_up_python_and_runs_the_comment_script() -> None:
    steps = ACTION["runs"]["steps"]
    assert steps[0]["uses"] == "actions/setup-python@v5"
    runs = "\n".join(s.get("run", "") for s in steps)
    assert ".github/scripts/pr_comment.py" in runs
    assert "--format json" not in runs and "--format markdown" not in runs


def test_action_scripts_never_interpolate_inputs() -> None:
    """Inputs reach shell scripts through env only (no `${{ }}` script injection)."""
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_action_outputs_come_from_steps_that_exist() -> None:
    ids = {s.get("id") for s in ACTION["runs"]["steps"]}
    for output in ACTION["outputs"].values():
        assert re.fullmatch(r"\$\{\{ steps\.([a-z-]+)\.outputs\.[a-z-]+ \}\}",
                            output["value"])[1] in ids  # type: ignore[index]


def _step(step_id: str) -> dict[str, Any]:
    return next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id)


def _uses(action: str) -> dict[str, Any]:
    return next(s for s in ACTION["runs"]["steps"] if s.get("uses", "").startswith(action))


# A stand-in `wheelfit` that records its arguments and writes each `--output FORMAT=PATH`.
FAKE_WHEELFIT = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "wheelfit, version 9.8.7"; exit 0; fi
printf "%s\\n" "$*" >> "$RECORD"
while [ $# -gt 0 ]; do
  if [ "$1" = "--output" ]; then
    case "$2" in
      json=*) echo "{}" > "${2#json=}";;
      markdown=*) echo "comment" > "${2#markdown=}";;
      html=*) echo "<html></html>" > "${2#html=}";;
    esac
    shift
  fi
  shift
done
exit 1
"""


def test_check_step_builds_the_command_lines(tmp_path: Path) -> None:
    """Run the check step's script with a fake `wheelfit` that records its arguments: lists
    split on whitespace (fail-on also on commas), file globs expanded, exit code kept."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "wheelfit"
    fake.write_text(FAKE_WHEELFIT)
    fake.chmod(0o755)
    outputs = tmp_path / "out"
    env = {"PATH": f"{bin_dir}:{os.environ.get('PATH', '')}", "RECORD": str(tmp_path / "argv"),
           "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(outputs),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
           "WHEELFIT_FILES": "requirements.txt\nsvc/*.lock", "WHEELFIT_PYTHON": "3.12",
           "WHEELFIT_TARGETS": "slim alpine",
           "WHEELFIT_FAIL_ON": "alpine:source-build, any:unavailable",
           "WHEELFIT_ARGS": "--arch aarch64"}
    (tmp_path / "svc").mkdir()
    for name in ("b.lock", "a.lock"):
        (tmp_path / "svc" / name).write_text("")
    proc = subprocess.run(["bash", "-c", _step("check")["run"]], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    common = "--arch aarch64 --target slim --target alpine --python 3.12"
    out = tmp_path / "wheelfit"
    assert (tmp_path / "argv").read_text().splitlines() == [
        f"check {common} --fail-on alpine:source-build --fail-on any:unavailable "
        f"--output json={out}/report.json --output markdown={out}/comment.md "
        f"--output html={out}/report.html -- requirements.txt svc/a.lock svc/b.lock",
    ]
    assert outputs.read_text() == "exit-code=1\n"
    assert (out / "report.json").read_text() == "{}\n"
    assert (tmp_path / "summary").read_text() == "comment\n"


def _run_keys(tmp_path: Path, files: str, marker: str = "",
              python: str = "") -> dict[str, str]:
    """Run the keys step's script with the stand-in `wheelfit`; its $GITHUB_OUTPUT values."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "wheelfit"
    fake.write_text(FAKE_WHEELFIT)
    fake.chmod(0o755)
    outputs = tmp_path / "keys-out"
    outputs.write_text("")
    env = {"PATH": f"{bin_dir}:{os.environ.get('PATH', '')}", "RUNNER_TEMP": str(tmp_path),
           "GITHUB_OUTPUT": str(outputs), "WHEELFIT_FILES": files, "WHEELFIT_MARKER": marker,
           "WHEELFIT_PYTHON": python, "WHEELFIT_TARGETS": "slim alpine", "WHEELFIT_ARGS": ""}
    proc = subprocess.run(["bash", "-c", _step("keys")["run"]], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return dict(line.split("=", 1) for line in outputs.read_text().splitlines())


def test_keys_name_the_wheelfit_version(tmp_path: Path) -> None:
    assert _run_keys(tmp_path, "requirements.txt")["version"] == "wheelfit-version-9.8.7"


def test_keys_put_the_cache_under_the_runner_temp(tmp_path: Path) -> None:
    assert _run_keys(tmp_path, "requirements.txt")["cache-dir"] == f"{tmp_path}/wheelfit-cache"


def test_inputs_hash_follows_the_contents_of_the_files(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests==2.32.3\n")
    first = _run_keys(tmp_path, "requirements.txt")["inputs-hash"]
    assert _run_keys(tmp_path, "requirements.txt")["inputs-hash"] == first
    (tmp_path / "requirements.txt").write_text("requests==2.32.4\n")
    assert _run_keys(tmp_path, "requirements.txt")["inputs-hash"] != first


def test_default_marker_is_a_short_hash_of_the_input_paths(tmp_path: Path) -> None:
    one = _run_keys(tmp_path, "api/requirements.txt")["marker"]
    other = _run_keys(tmp_path, "worker/requirements.txt")["marker"]
    assert re.fullmatch(r"[0-9a-f]{8}", one) and one != other
    assert _run_keys(tmp_path, "api/requirements.txt")["marker"] == one


def test_default_marker_differs_per_python_version(tmp_path: Path) -> None:
    one = _run_keys(tmp_path, "requirements.txt", python="3.11")["marker"]
    assert _run_keys(tmp_path, "requirements.txt", python="3.12")["marker"] != one


def test_given_marker_is_kept_with_unsafe_characters_replaced(tmp_path: Path) -> None:
    assert _run_keys(tmp_path, "r.txt", marker="py3.12 / alpine")["marker"] == "py3.12---alpine"


def test_cache_step_restores_and_saves_the_cache_dir() -> None:
    step = _uses("actions/cache@")
    assert step["with"]["path"] == "${{ steps.keys.outputs.cache-dir }}"
    assert step["if"] == "inputs.cache == 'true'"


def test_cache_key_has_os_version_and_inputs_with_partial_restore_keys() -> None:
    key = _uses("actions/cache@")["with"]["key"]
    for part in ("runner.os", "steps.keys.outputs.version", "steps.keys.outputs.inputs-hash"):
        assert part in key
    restore = _uses("actions/cache@")["with"]["restore-keys"].splitlines()
    assert restore == ["wheelfit-${{ runner.os }}-${{ steps.keys.outputs.version }}-",
                       "wheelfit-${{ runner.os }}-"]


def test_check_uses_the_cached_dir() -> None:
    assert _step("check")["env"]["WHEELFIT_CACHE_DIR"] == "${{ steps.keys.outputs.cache-dir }}"


def test_cache_is_restored_before_the_check() -> None:
    steps = ACTION["runs"]["steps"]
    assert steps.index(_uses("actions/cache@")) < steps.index(_step("check"))


def test_check_runs_wheelfit_once() -> None:
    assert _step("check")["run"].count("wheelfit check") == 1


def test_html_report_is_uploaded_as_an_artifact_per_marker() -> None:
    step = _uses("actions/upload-artifact@")
    assert "report.html" in step["with"]["path"]
    assert step["with"]["name"] == "wheelfit-report-${{ steps.keys.outputs.marker }}"
    assert step["if"].startswith("always()")


def test_comment_step_passes_the_marker() -> None:
    step = _step("report")
    assert step["env"]["WHEELFIT_MARKER"] == "${{ steps.keys.outputs.marker }}"
    assert '--marker "$WHEELFIT_MARKER"' in step["run"]


def test_named_marker_replaces_wheelfits_own(tmp_path: Path, github: FakeGitHub) -> None:
    run_script(tmp_path, github, marker="api")
    posted = next(r for r in github.requests if r["method"] == "POST")["body"]["body"]
    assert posted.endswith("\n<!-- wheelfit:api -->\n") and "<!-- wheelfit -->" not in posted


def test_jobs_with_their_own_markers_keep_their_own_comments(tmp_path: Path,
                                                              github: FakeGitHub) -> None:
    github.comments = [_comment(1, "worker\n\n<!-- wheelfit:worker -->\n")]
    run_script(tmp_path, github, marker="api")
    run_script(tmp_path, github, marker="api")
    assert [c["id"] for c in github.comments] == [1, 1001]
    assert github.comments[0]["body"].startswith("worker")
    assert [r["method"] for r in github.requests if r["method"] != "GET"] == ["POST", "PATCH"]


# --- docs/github-action.md ------------------------------------------------------------


def _workflow() -> dict[Any, Any]:
    text = (ROOT / "docs" / "github-action.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    loaded: dict[Any, Any] = yaml.safe_load(block[1])
    return loaded


def test_documented_workflow_runs_on_dependency_file_and_dockerfile_changes() -> None:
    on = _workflow()[True]  # YAML 1.1 reads the key `on` as True
    paths = on["pull_request"]["paths"]
    for needed in ("**/requirements*.txt", "**/pyproject.toml", "**/uv.lock", "**/poetry.lock",
                   "**/Pipfile.lock", "**/Dockerfile*"):
        assert needed in paths


def test_documented_workflow_uses_the_action_with_a_marker_per_leg() -> None:
    job = next(iter(_workflow()["jobs"].values()))
    step = next(s for s in job["steps"] if "wheelfit" in s.get("uses", ""))
    assert "marker" in step["with"] and "matrix" in step["with"]["marker"]
    assert job["permissions"]["pull-requests"] == "write"


# --- .pre-commit-hooks.yaml -------------------------------------------------------------


HOOK = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]


def test_hook_definition() -> None:
    assert (HOOK["id"], HOOK["entry"], HOOK["language"], HOOK["pass_filenames"]) == (
        "wheelfit", "wheelfit check", "python", True)
