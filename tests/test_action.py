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
               token: str = TOKEN) -> Run:
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
         "--body", str(tmp_path / "comment.md"), "--comment", comment],
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
    assert "--format json" in runs and "--format markdown" in runs


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


def test_check_step_builds_the_command_lines(tmp_path: Path) -> None:
    """Run the check step's script with a fake `wheelfit` that records its arguments: lists
    split on whitespace (fail-on also on commas), file globs expanded, exit code kept."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "wheelfit"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$*" >> "$RECORD"\n'
                    'case "$*" in *"--format json"*) echo "{}"; exit 1;; '
                    '*) echo "comment"; exit 0;; esac\n')
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
    assert (tmp_path / "argv").read_text().splitlines() == [
        f"check {common} --fail-on alpine:source-build --fail-on any:unavailable --format json "
        "-- requirements.txt svc/a.lock svc/b.lock",
        f"check {common} --format markdown -- requirements.txt svc/a.lock svc/b.lock",
    ]
    assert outputs.read_text() == "exit-code=1\n"
    assert (tmp_path / "wheelfit" / "report.json").read_text() == "{}\n"
    assert (tmp_path / "summary").read_text() == "comment\n"


# --- .pre-commit-hooks.yaml -------------------------------------------------------------


HOOK = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]


def test_hook_definition() -> None:
    assert (HOOK["id"], HOOK["entry"], HOOK["language"], HOOK["pass_filenames"]) == (
        "wheelfit", "wheelfit check", "python", True)
