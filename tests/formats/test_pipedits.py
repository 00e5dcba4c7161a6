"""In-place pip edits and the `&&` splitter: one behaviour per test."""

from __future__ import annotations

import pytest

from wheelfit.formats.pipedits import add_pip_option, add_run_flag
from wheelfit.formats.runsegments import is_system, split_commands

NO_CACHE = [
    ("RUN pip install -r r.txt", "RUN pip install --no-cache-dir -r r.txt"),
    ("RUN python3 -m pip install x", "RUN python3 -m pip install --no-cache-dir x"),
    ("RUN /venv/bin/pip wheel -w /w x", "RUN /venv/bin/pip wheel --no-cache-dir -w /w x"),
    ("RUN pip install --no-cache x", "RUN pip install --no-cache x"),
    ("RUN uv pip install x", "RUN uv pip install x"),
    ("RUN pip uninstall -y x", "RUN pip uninstall -y x"),
    ("RUN pip install a && \\\n    pip install --no-cache-dir b",
     "RUN pip install --no-cache-dir a && \\\n    pip install --no-cache-dir b"),
]


@pytest.mark.parametrize(("before", "after"), NO_CACHE)
def test_no_cache_dir_goes_only_where_the_cache_is_kept(before: str, after: str) -> None:
    assert add_pip_option(before, "--no-cache-dir", unless="--no-cache")[0] == after


def test_run_flag_follows_the_keyword() -> None:
    assert add_run_flag("run pip install x", "--mount=type=cache,target=/c") == (
        "run --mount=type=cache,target=/c pip install x")


SPLITS = [
    ("apt-get update &&   apt-get install -y gcc", ["apt-get update", "apt-get install -y gcc"]),
    ('echo "a && b" && ls', ['echo "a && b"', "ls"]),
    ("x=$(nproc | tr -d 1) && make", ["x=$(nproc | tr -d 1)", "make"]),
    ("apt-get update; apt-get install gcc", None),
    ("a || b", None),
    ("a | b", None),
    ("if true; then a; fi", None),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_split_only_plain_and_lists(text: str, expected: list[str] | None) -> None:
    assert split_commands(text) == expected


@pytest.mark.parametrize(("command", "system"), [
    ("DEBIAN_FRONTEND=noninteractive apt-get install -y gcc", True),
    ("rm -rf /var/lib/apt/lists/*", True),
    ("rm -rf /tmp/x /var/lib/apt/lists/*", False),
    ("apk --purge del .build-deps", True),
    ("pip install x", False),
])
def test_system_commands(command: str, system: bool) -> None:
    assert is_system(command) is system
