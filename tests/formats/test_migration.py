"""A service's own Dockerfile migrated to a variant: golden diffs of real Dockerfiles
(tests/data/formats/migration/cases.yaml), then one behaviour per test."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from formats.golden import GOLDEN_DIR, assert_golden
from wheelfit.errors import InputFileError
from wheelfit.formats.migration import Migration, MigrationPlan, rewrite
from wheelfit.formats.migrationdiff import unified
from wheelfit.sources.dockerfile import parse_dockerfile

CORPUS = Path(__file__).resolve().parents[1] / "data" / "dockerfiles"
CASES = yaml.safe_load((GOLDEN_DIR / "migration" / "cases.yaml").read_text())["cases"]
ALPINE = MigrationPlan("alpine", "3.12", "alpine3.24", ("build-base", "libpq-dev"), ("libpq",))
SLIM = MigrationPlan("slim", "3.12", "slim-trixie", ("build-essential", "libpq-dev"),
                     ("libpq5",))


def corpus(name: str) -> str:
    return (CORPUS / name / "Dockerfile").read_text()


def migrate(text: str, plan: MigrationPlan) -> Migration:
    return rewrite(text, parse_dockerfile(text, "Dockerfile"), plan)


def plan_of(case: dict[str, Any]) -> MigrationPlan:
    raw = case["plan"]
    return MigrationPlan(raw["variant"], raw["python"], raw["suffix"], tuple(raw["build"]),
                         tuple(raw["runtime"]))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_migration_diff_matches_golden(case: dict[str, Any]) -> None:
    text = corpus(case["dockerfile"])
    migration = migrate(text, plan_of(case))
    assert_golden(f"migration/{case['name']}.diff",
                  unified(text, migration.text, "Dockerfile", case["plan"]["variant"]) + "\n")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_migration_notes(case: dict[str, Any]) -> None:
    assert sorted(migrate(corpus(case["dockerfile"]), plan_of(case)).notes) == sorted(
        case["notes"])


@pytest.mark.parametrize("keyword", ["USER", "CMD", "ENV", "WORKDIR", "COPY", "# "])
def test_keeps_the_service_lines(keyword: str) -> None:
    text = corpus("healthchecks")
    after = migrate(text, ALPINE).text.split("\n")
    kept = [line for line in text.split("\n") if line.startswith(keyword)]
    assert kept and all(line in after for line in kept)


def test_swaps_the_full_image_for_the_variant_keeping_the_python_version() -> None:
    after = migrate(corpus("takeawayrater-wheels"), SLIM).text
    assert "FROM python:3.10-slim-trixie as builder" in after
    assert "\nFROM python:3.10-slim-trixie\n" in after


def test_unversioned_tag_takes_the_checked_python() -> None:
    assert migrate(corpus("flower"), SLIM).text.startswith("FROM python:3.12-slim-trixie\n")


def test_debian_to_alpine_uses_apk_and_no_apt() -> None:
    after = migrate(corpus("healthchecks"), ALPINE).text
    assert "apt-get" not in after
    assert "RUN apk add --no-cache build-base libpq libpq-dev" in after


def test_alpine_to_debian_cleans_apt_lists_in_the_same_run() -> None:
    after = migrate(corpus("trade-apk-purge"), SLIM).text
    assert ("RUN apt-get update \\\n    && apt-get install -y --no-install-recommends "
            "build-essential libpq-dev libpq5 \\\n    && rm -rf /var/lib/apt/lists/* \\\n"
            "    && pip install -r requirements.txt --no-cache-dir") in after


def test_cleanup_deletes_the_virtual_build_packages_in_the_install_run() -> None:
    plan = MigrationPlan("alpine-cleanup", "3.9", "alpine3.22", ("build-base", "libpq-dev"),
                         ("libpq",))
    after = migrate(corpus("alpine-virtual-kept"), plan).text
    assert "apk add --no-cache --virtual .build-deps build-base libpq-dev" not in after
    run = migrate(corpus("trade-apk-purge"), plan).text
    assert ("    && apk add --no-cache --virtual .build-deps build-base libpq-dev \\\n"
            "    && pip install -r requirements.txt --no-cache-dir \\\n"
            "    && apk del .build-deps") in run


def test_multistage_adds_a_builder_and_mounts_its_wheels() -> None:
    plan = MigrationPlan("alpine-multistage", "3.9", "alpine3.22", ("build-base",),
                         ("libpq",))
    after = migrate(corpus("trade-apk-purge"), plan).text
    assert after.startswith("FROM python:3.9-alpine3.22 AS wheelfit-builder\n")
    assert "RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt" in after
    assert ("RUN --mount=type=bind,from=wheelfit-builder,source=/wheels,target=/wheels "
            "apk add --no-cache libpq") in after
    assert "pip install --find-links /wheels -r requirements.txt" in after


def test_multistage_keeps_an_existing_builder_and_gives_the_final_stage_runtime_only() -> None:
    plan = MigrationPlan("slim-multistage", "3.14", "slim-trixie", ("build-essential",),
                         ("libpq5",))
    after = migrate(corpus("healthchecks"), plan).text
    assert "wheelfit-builder" not in after
    assert after.count("apt-get install") == 2
    assert "apt-get install -y --no-install-recommends libcurl4t64 libmariadb3 libpq5" in after


def test_adds_no_cache_dir_only_where_the_cache_is_kept() -> None:
    after = migrate(corpus("healthchecks"), SLIM).text
    assert "pip install --no-cache-dir --upgrade pip && \\" in after
    assert "pip install --no-cache /wheels/*" in after
    assert "pip wheel --no-cache-dir --wheel-dir /wheels apprise" in after


def test_keeps_the_service_own_system_packages() -> None:
    after = migrate(corpus("flower"), MigrationPlan("alpine", "3.12", "alpine3.24")).text
    assert "RUN apk add --no-cache ca-certificates tzdata && update-ca-certificates" in after


def test_same_variant_and_plan_changes_nothing_but_the_release() -> None:
    text = "FROM python:3.12-slim-trixie\nRUN pip install --no-cache-dir -r r.txt\nUSER app\n"
    assert migrate(text, MigrationPlan("slim", "3.12", "slim-trixie")).text == text


def test_a_run_that_is_not_a_plain_command_list_is_kept_with_a_note() -> None:
    text = ("FROM python:3.12-slim\nRUN apt-get update; apt-get install -y gcc\n"
            "RUN pip install -r requirements.txt\n")
    migration = migrate(text, ALPINE)
    assert "RUN apt-get update; apt-get install -y gcc" in migration.text
    assert migration.notes[0].startswith("line 2: this RUN is kept as written")


def test_digest_is_dropped_with_a_note() -> None:
    text = ("FROM python:3.12-slim@sha256:" + "a" * 64 + "\nRUN pip install flask\n")
    migration = migrate(text, ALPINE)
    assert migration.text.startswith("FROM python:3.12-alpine3.24\n")
    assert "digest" in migration.notes[0]


def test_an_arg_holding_the_python_version_is_kept_in_the_new_from() -> None:
    migration = migrate(corpus("onnx-arg-from"), ALPINE)
    assert "\nFROM python:${PYTHON_VERSION}-alpine3.24\n" in migration.text
    assert migration.text.startswith("ARG PYTHON_VERSION=3.11\n")


def test_an_arg_holding_the_python_version_keeps_its_digest_note() -> None:
    text = ("ARG PY=3.11\nFROM python:$PY-slim-bookworm@sha256:" + "a" * 64 + " AS app\n"
            "RUN pip install flask\n")
    migration = migrate(text, ALPINE)
    assert "\nFROM python:$PY-alpine3.24 AS app\n" in migration.text
    assert "digest" in migration.notes[0]


def test_from_whose_variant_is_an_arg_is_an_error_naming_the_line() -> None:
    text = "ARG V=slim\nFROM python:3.12-${V}\nRUN pip install flask\n"
    with pytest.raises(InputFileError) as caught:
        migrate(text, ALPINE)
    assert caught.value.line == 2
    assert "ARG" in str(caught.value)


def test_a_final_stage_not_on_a_python_image_is_an_error() -> None:
    with pytest.raises(InputFileError, match="not an official python image"):
        migrate(corpus("radicale"), ALPINE)


def test_crlf_and_a_missing_final_newline_keep_the_other_lines() -> None:
    text = "FROM python:3.12-slim\r\nRUN pip install flask\r\nCMD [\"flask\"]"
    after = migrate(text, SLIM).text
    assert after.endswith('CMD ["flask"]')


STAGED = ("FROM python:3.12-slim AS build\n"
          "RUN apt-get update && apt-get install -y build-essential libpq-dev\n"
          "RUN pip wheel --wheel-dir /wheels -r requirements.txt\n"
          "FROM python:3.12-slim\n"
          "COPY --from=build /wheels /wheels\n"
          "RUN pip install --no-index --find-links /wheels /wheels/*\n"
          "RUN pip install --no-cache-dir gunicorn==22.0.0\n")


def test_a_final_install_of_packages_that_do_not_build_gets_no_build_packages() -> None:
    plan = MigrationPlan("alpine-multistage", "3.12", "alpine3.24", ("build-base", "libpq-dev"),
                         ("libpq",), builds=("psycopg2",))
    final = migrate(STAGED, plan).text.split("FROM python:3.12-alpine3.24\n")[-1]
    assert "libpq" in final and "build-base" not in final


def test_an_inline_install_of_a_package_that_builds_gets_the_build_packages() -> None:
    plan = MigrationPlan("alpine", "3.12", "alpine3.24", ("build-base", "libpq-dev"),
                         ("libpq",), builds=("gunicorn",))
    final = migrate(STAGED, plan).text.split("FROM python:3.12-alpine3.24\n")[-1]
    assert "build-base" in final


def test_an_inline_install_of_a_local_project_counts_as_building() -> None:
    plan = MigrationPlan("alpine", "3.12", "alpine3.24", ("build-base",), (), builds=("x",))
    text = "FROM python:3.12-slim\nCOPY . /app\nRUN pip install --no-cache-dir /app\n"
    assert "build-base" in migrate(text, plan).text


QT6 = ("pyqt6", "Qt 6: Debian bullseye has no package for it (Debian bookworm has)")
QT6_COMMENT = f"# Not covered by the system packages below (pyqt6): {QT6[1]}"
SIMPLE = ("FROM python:3.11-slim-bookworm\n"
          "WORKDIR /app\n"
          "COPY requirements.txt .\n"
          "RUN pip install -r requirements.txt\n")


def _bullseye(variant: str, build: tuple[str, ...] = ("build-essential", "libx11-dev"),
              runtime: tuple[str, ...] = ("libx11-6",)) -> MigrationPlan:
    return MigrationPlan(variant, "3.11", "slim-bullseye", build, runtime, gaps=(QT6,))


def test_a_gap_is_a_comment_above_the_build_stage_s_package_install() -> None:
    lines = migrate(corpus("healthchecks"), _bullseye("slim")).text.split("\n")
    at = lines.index(QT6_COMMENT)
    assert lines[at + 1] == "RUN apt-get update \\" and "apt-get install" in lines[at + 2]
    assert lines.index("FROM python:3.14.3-slim-bullseye AS builder") < at
    assert at < lines.index("FROM python:3.14.3-slim-bullseye")  # the builder, not the final


def test_a_gap_is_said_once_per_file() -> None:
    assert migrate(corpus("healthchecks"), _bullseye("slim")).text.count("Not covered") == 1


def test_a_new_package_run_gets_the_gap_above_it() -> None:
    lines = migrate(SIMPLE, _bullseye("slim")).text.split("\n")
    at = lines.index(QT6_COMMENT)
    assert lines[at + 1] == "RUN apt-get update \\"


def test_a_written_builder_stage_gets_the_gap_under_its_from() -> None:
    lines = migrate(SIMPLE, _bullseye("slim-multistage")).text.split("\n")
    builder = next(i for i, line in enumerate(lines) if line.endswith(" AS wheelfit-builder"))
    assert lines[builder + 1] == QT6_COMMENT
    assert lines.count(QT6_COMMENT) == 1


def test_a_gap_with_no_packages_to_install_says_so_above_the_build() -> None:
    lines = migrate(SIMPLE, _bullseye("slim", build=(), runtime=())).text.split("\n")
    at = lines.index(f"# Not covered: this stage installs no system packages (pyqt6): {QT6[1]}")
    assert lines[at + 1].startswith("RUN pip install")


def test_no_gap_no_comment() -> None:
    plan = MigrationPlan("slim", "3.11", "slim-bullseye", ("build-essential",), ())
    assert "Not covered" not in migrate(SIMPLE, plan).text


TRIXIE = MigrationPlan("slim", "3.8", "slim-trixie", ("build-essential",), ())
NEVER = ("# python:3.8-slim-trixie was never published: no official python 3.8 image exists "
         "for Debian trixie; the nearest published one is python:3.8.20-slim-bookworm")


def test_a_from_rewritten_to_a_tag_never_published_says_so_above_it() -> None:
    text = SIMPLE.replace("python:3.11-slim-bookworm", "python:3.8-slim-bookworm")
    lines = migrate(text, TRIXIE).text.split("\n")
    assert lines[:2] == [NEVER, "FROM python:3.8-slim-trixie"]


def test_a_written_builder_and_the_final_stage_each_say_so_above_their_from() -> None:
    text = SIMPLE.replace("python:3.11-slim-bookworm", "python:3.8-slim-bookworm")
    plan = replace(TRIXIE, variant="slim-multistage")
    lines = migrate(text, plan).text.split("\n")
    builder = lines.index("FROM python:3.8-slim-trixie AS wheelfit-builder")
    final = lines.index("FROM python:3.8-slim-trixie")
    assert lines[builder - 1] == NEVER and lines[final - 1] == NEVER and builder < final


def test_a_published_tag_gets_no_such_comment() -> None:
    assert "never published" not in migrate(SIMPLE, SLIM).text
