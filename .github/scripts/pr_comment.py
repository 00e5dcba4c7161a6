#!/usr/bin/env python3
"""Post or update wheelfit's pull-request comment, and write the action's outputs.

Used by action.yml; standard library only (runs on any runner Python >= 3.8).

    pr_comment.py --report report.json --body comment.md [--comment true|false]

Outputs (to $GITHUB_OUTPUT): `recommendation`, `slim-source-builds`, `alpine-source-builds`.
The comment is found by a line that is exactly `<!-- wheelfit -->` among the pull request's
issue comments (`GET /repos/{owner}/{repo}/issues/{n}/comments`, every page) and PATCHed,
else a new one is POSTed. Environment: GITHUB_API_URL (default https://api.github.com),
GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_TOKEN (never taken from the command line and
never printed), GITHUB_OUTPUT. A failed API call is a warning, not a failure: the check's own
exit code decides the job (a fork's read-only token cannot comment).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

MARKER = "<!-- wheelfit -->"
MAX_BODY = 65536
USER_AGENT = "wheelfit-action"
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class ApiError(Exception):
    """A GitHub API call that did not succeed."""


def load_reports(text: str) -> list[dict[str, Any]]:
    """Every report in the text: each JSON document, or each service of a fleet document."""
    decoder = json.JSONDecoder()
    reports: list[dict[str, Any]] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return reports
        document, pos = decoder.raw_decode(text, pos)
        if isinstance(document, dict) and isinstance(document.get("services"), list):
            reports += [r for r in document["services"] if isinstance(r, dict)]  # a fleet
        elif isinstance(document, dict):
            reports.append(document)


def outputs(reports: list[dict[str, Any]]) -> dict[str, str]:
    """The action's outputs: recommended variant(s), source builds per image (summed)."""
    variants: list[str] = []
    builds: dict[str, int | None] = {"slim": None, "alpine": None}
    for report in reports:
        rec = report.get("recommendation") or {}
        if rec.get("variant") and rec["variant"] not in variants:
            variants.append(str(rec["variant"]))
        by_target = (report.get("summary") or {}).get("by_target") or {}
        for target in builds:
            count = (by_target.get(target) or {}).get("source-build")
            if isinstance(count, int):
                builds[target] = (builds[target] or 0) + count
    return {
        "recommendation": ",".join(variants),
        "slim-source-builds": "" if builds["slim"] is None else str(builds["slim"]),
        "alpine-source-builds": "" if builds["alpine"] is None else str(builds["alpine"]),
    }


def write_outputs(path: str | None, values: dict[str, str]) -> None:
    """Append `name=value` lines to $GITHUB_OUTPUT (values are single-line)."""
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            handle.write(f"{name}={' '.join(value.splitlines())}\n")


def pr_number(event: dict[str, Any]) -> int | None:
    """The pull request of a pull_request(_target) or PR issue_comment event, else None."""
    if isinstance(event.get("pull_request"), dict):
        return int(event["pull_request"]["number"])
    issue = event.get("issue")
    if isinstance(issue, dict) and issue.get("pull_request"):
        return int(issue["number"])
    return None


def marker_for(name: str) -> str:
    """The hidden marker of one job's comment: `<!-- wheelfit:NAME -->`, or wheelfit's own
    `<!-- wheelfit -->` when no name is given."""
    clean = re.sub(r"[^A-Za-z0-9._-]", "-", name.strip())
    return f"<!-- wheelfit:{clean} -->" if clean else MARKER


def has_marker(body: str | None, marker: str = MARKER) -> bool:
    """True when a line of the comment is exactly the marker (a quoted reply is not)."""
    return any(line.strip() == marker for line in (body or "").splitlines())


def with_marker(body: str, marker: str) -> str:
    """The body with its last line being `marker` (wheelfit's own marker is replaced)."""
    lines = body.rstrip("\n").split("\n")
    if lines and lines[-1].strip() == MARKER:
        lines.pop()
    return "\n".join(lines).rstrip("\n") + "\n\n" + marker + "\n"


def fit(body: str, marker: str = MARKER) -> str:
    """Keep a body within GitHub's limit, the marker last. wheelfit's markdown already fits;
    this is the guard for a body from elsewhere."""
    body = with_marker(body, marker)
    if len(body) <= MAX_BODY:
        return body
    note = "\n\n_(truncated)_\n\n" + marker + "\n"
    return body[: MAX_BODY - len(note)] + note


class GitHub:
    """A tiny REST client: JSON in and out, bearer token, and redaction of the token."""

    def __init__(self, api_url: str, token: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.origin = urllib.parse.urlsplit(self.api_url)[:2]
        self.token = token

    def redact(self, text: str) -> str:
        """The text with the token replaced (it must never reach the log)."""
        return text.replace(self.token, "***") if self.token else text

    def request(self, method: str, url: str,
                payload: dict[str, Any] | None = None) -> tuple[Any, dict[str, str]]:
        """One call; returns (decoded JSON, headers). Only the API's own origin is contacted."""
        if urllib.parse.urlsplit(url)[:2] != self.origin:
            raise ApiError(f"refusing to send the token to another origin: {url}")
        data = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": USER_AGENT,
            **({"Content-Type": "application/json"} if data is not None else {}),
        })
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                body = response.read().decode("utf-8") or "null"
                return json.loads(body), dict(response.headers.items())
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:500]
            raise ApiError(self.redact(f"{method} {urllib.parse.urlsplit(url).path} answered "
                                       f"{error.code}: {' '.join(detail.split())}")) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise ApiError(self.redact(f"{method} {url}: {error}")) from None

    def comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        """Every comment of an issue or pull request, following `Link: rel="next"`."""
        url: str | None = f"{self.api_url}/repos/{repo}/issues/{number}/comments?per_page=100"
        found: list[dict[str, Any]] = []
        while url:
            page, headers = self.request("GET", url)
            found += [c for c in page if isinstance(c, dict)]
            link = {k.lower(): v for k, v in headers.items()}.get("link", "")
            match = _LINK_NEXT.search(link)
            url = match.group(1) if match else None
        return found

    def upsert(self, repo: str, number: int, body: str,
               marker: str = MARKER) -> tuple[str, str]:
        """Update the marked comment or create one; returns (`updated`|`created`, its URL)."""
        existing = next((c for c in self.comments(repo, number)
                         if has_marker(c.get("body"), marker)), None)
        if existing is not None:
            url = f"{self.api_url}/repos/{repo}/issues/comments/{int(existing['id'])}"
            result, _ = self.request("PATCH", url, {"body": body})
            return "updated", str((result or {}).get("html_url", ""))
        url = f"{self.api_url}/repos/{repo}/issues/{number}/comments"
        result, _ = self.request("POST", url, {"body": body})
        return "created", str((result or {}).get("html_url", ""))


def _read(path: str | None) -> str:
    if not path or not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def main(argv: list[str] | None = None) -> int:
    """Write the outputs, then comment when asked and possible; 0 unless the input is bad."""
    parser = argparse.ArgumentParser(description="Post or update wheelfit's PR comment.")
    parser.add_argument("--report", help="wheelfit's JSON report")
    parser.add_argument("--body", help="the markdown comment")
    parser.add_argument("--comment", default="true", help="true or false")
    parser.add_argument("--marker", default="", help="the name of this job's comment")
    args = parser.parse_args(argv)
    env = os.environ
    try:
        reports = load_reports(_read(args.report))
    except ValueError as error:
        print(f"::warning::wheelfit: the JSON report cannot be read: {error}")
        reports = []
    write_outputs(env.get("GITHUB_OUTPUT"), outputs(reports))
    if args.comment.strip().lower() not in ("true", "yes", "1"):
        return 0
    body = _read(args.body)
    if not body.strip():
        print("wheelfit: no comment to post (the check printed no markdown)")
        return 0
    event_text = _read(env.get("GITHUB_EVENT_PATH"))
    number = pr_number(json.loads(event_text)) if event_text else None
    repo, token = env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_TOKEN", "")
    if number is None or not repo:
        print("wheelfit: not a pull request; no comment posted")
        return 0
    if not token:
        print("::warning::wheelfit: no github-token; no comment posted")
        return 0
    github = GitHub(env.get("GITHUB_API_URL") or "https://api.github.com", token)
    try:
        marker = marker_for(args.marker)
        action, url = github.upsert(repo, number, fit(body, marker), marker)
    except ApiError as error:
        print(f"::warning::wheelfit: could not comment on #{number}: {github.redact(str(error))}")
        return 0
    print(f"wheelfit: {action} the comment on #{number} {url}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
