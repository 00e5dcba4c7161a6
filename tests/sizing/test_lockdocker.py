"""Lock-native Dockerfiles: each lock installed by its own tool, with its hashes."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from estimate_factory import package, report, verdict

from formats.golden import assert_golden
from wheelfit.commands.dockerfile import EXPORT_COMMANDS
from wheelfit.formats.dockerfile import APT_PIN_NOTE, dockerfile
from wheelfit.formats.lockdocker import TOOLS, lock_dockerfile
from wheelfit.model import Report
from wheelfit.sizing.estimate import VARIANTS

LOCKS = {"uv-lock": "uv.lock", "poetry-lock": "poetry.lock", "pipfile-lock": "Pipfile.lock"}
APK_BUILD = ("build-base", "cargo", "libpq-dev")


def _report(fmt: str) -> Report:
    return replace(report([
        package("psycopg2", verdict("source-build", apt=["libpq-dev"], apt_runtime=["libpq5"]),
                verdict("source-build", apk=["libpq-dev"], apk_runtime=["libpq"])),
        package("cryptography", verdict("binary-wheel", installed_mb=7.0),
                verdict("source-build", apk=["cargo"],
                        env={"CARGO_NET_GIT_FETCH_WITH_CLI": "true"})),
    ]), input=LOCKS[fmt], input_format=fmt)


def _lock(fmt: str, variant: str) -> str:
    return lock_dockerfile(_report(fmt), variant, LOCKS[fmt])


def _final_stage(text: str) -> str:
    return text.rsplit("\nFROM ", 1)[-1]


def _logical(text: str) -> list[str]:
    return text.replace("\\\n", " ").splitlines()


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fmt", sorted(LOCKS))
def test_golden_lock_dockerfile(fmt: str, variant: str) -> None:
    assert_golden(f"dockerfiles/{fmt}-{variant}.Dockerfile", _lock(fmt, variant))


@pytest.mark.parametrize("variant", VARIANTS)
def test_golden_pylock_export_requires_hashes(variant: str) -> None:
    text = dockerfile(replace(_report("uv-lock"), input="pylock.toml", input_format="pylock"),
                      variant, require_hashes=True)
    assert_golden(f"dockerfiles/pylock-{variant}.Dockerfile", text)


def test_uv_lock_uses_uv_sync_frozen_from_the_pinned_uv_image() -> None:
    text = _lock("uv-lock", "slim")
    assert "COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /uvx /bin/" in text
    runs = [line for line in _logical(text) if "uv sync" in line]
    assert "uv sync --frozen --no-dev --no-install-project" in runs[0]
    assert runs[-1].endswith("uv sync --frozen --no-dev")


def test_uv_dependency_layer_mounts_the_lock_and_a_cache() -> None:
    (run,) = [line for line in _logical(_lock("uv-lock", "slim")) if "--no-install-project" in line]
    assert "--mount=type=cache,target=/root/.cache/uv" in run
    assert "--mount=type=bind,source=uv.lock,target=uv.lock" in run
    assert "--mount=type=bind,source=pyproject.toml,target=pyproject.toml" in run


def test_uv_compiles_bytecode_and_copies_out_of_the_cache() -> None:
    text = _lock("uv-lock", "alpine")
    assert "UV_COMPILE_BYTECODE=1" in text and "UV_LINK_MODE=copy" in text


def test_poetry_installs_main_group_without_the_root() -> None:
    assert "poetry install --only main --no-root" in _lock("poetry-lock", "slim")


def test_pipenv_installs_with_deploy() -> None:
    assert "pipenv install --deploy" in _lock("pipfile-lock", "slim")


def test_a_need_the_plan_has_no_package_for_is_a_comment_above_the_apt_install() -> None:
    gap = "Qt 6: Debian bullseye has no package for it"
    slim = verdict("source-build", apt=["libx11-dev"])
    assert slim.build is not None
    qt = package("pyqt6", replace(slim, build=replace(slim.build, unknown=(gap,))),
                 verdict("source-build", apk=["qt6-qtbase-dev"]))
    r = _report("uv-lock")
    text = lock_dockerfile(replace(r, packages=(*r.packages, qt)), "slim-multistage", "uv.lock")
    comment = f"# Not covered by the system packages below (pyqt6): {gap}"
    assert text.count(comment) == 1
    assert f"{comment}\n{APT_PIN_NOTE}" in text.rsplit("\nFROM ", 1)[0]  # the builder stage


def test_a_gap_with_no_package_install_after_it_does_not_say_below() -> None:
    gap = "zbar: Debian trixie has no package for it"
    slim = verdict("pure-wheel", apt_runtime=["libzbar0"])
    assert slim.build is not None
    zbar = package("pyzbar", replace(slim, build=replace(slim.build, apt_runtime=(),
                                                         unknown=(gap,))), verdict("pure-wheel"))
    lock = replace(report([zbar]), input="uv.lock", input_format="uv-lock")
    text = lock_dockerfile(lock, "slim", "uv.lock")
    assert "apt-get" not in text and "below" not in text
    assert f"# Not covered: this stage installs no system packages (pyzbar): {gap}" in text


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fmt", ["poetry-lock", "pipfile-lock"])
def test_poetry_and_pipenv_never_reach_an_image_layer(fmt: str, variant: str) -> None:
    tool = "poetry" if fmt == "poetry-lock" else "pipenv"
    text = _lock(fmt, variant)
    installs = [line for line in _logical(text) if f"pip install --no-cache-dir {tool}==" in line]
    assert len(installs) == 1 and "FROM python:3.12.14-" in text.split(installs[0])[0]
    assert f" AS {tool}\n" in text
    assert f"--mount=type=bind,from={tool},source=/opt/{tool},target=/opt/{tool}" in text
    assert f"COPY --from={tool}" not in text


@pytest.mark.parametrize("fmt", sorted(LOCKS))
def test_multistage_final_stage_has_no_build_tools(fmt: str) -> None:
    final = _final_stage(_lock(fmt, "alpine-multistage"))
    assert "COPY --from=builder /app /app" in final
    assert not any(name in final for name in (*APK_BUILD, "uv:", "poetry", "pipenv"))
    assert "apk add --no-cache libpq\n" in final


@pytest.mark.parametrize("fmt", sorted(LOCKS))
def test_alpine_cleanup_deletes_build_packages_in_the_installing_run(fmt: str) -> None:
    (run,) = [line for line in _logical(_lock(fmt, "alpine-cleanup")) if ".build-deps" in line
              and line.startswith("RUN")]
    steps = [s.strip() for s in run.split("&&")]
    assert steps[0].endswith("build-base cargo libpq-dev")
    assert steps[-2:] == ["apk del .build-deps", "rm -rf /root/.cargo"]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fmt", [*sorted(LOCKS), "pylock", "pyproject"])
def test_no_generated_dockerfile_drops_hashes(fmt: str, variant: str) -> None:
    if fmt in TOOLS:
        text = _lock(fmt, variant)
    else:
        text = dockerfile(replace(_report("uv-lock"), input_format=fmt), variant,
                          require_hashes=True) + EXPORT_COMMANDS[fmt]
    assert "--no-hashes" not in text and "--without-hashes" not in text


def test_exports_keep_hashes_and_pip_requires_them() -> None:
    assert "--generate-hashes" in EXPORT_COMMANDS["pyproject"]
    assert "--hash" in EXPORT_COMMANDS["pylock"]
    text = dockerfile(_report("uv-lock"), "slim", require_hashes=True)
    assert "pip install --no-cache-dir --require-hashes -r requirements.txt" in text


def test_hashed_multistage_installs_the_builders_wheels_as_files() -> None:
    text = dockerfile(_report("uv-lock"), "slim-multistage", require_hashes=True)
    assert "pip wheel --no-cache-dir --require-hashes --wheel-dir /wheels" in text
    assert "pip install --no-cache-dir --no-index --no-deps /wheels/*.whl" in _final_stage(text)


@pytest.mark.skipif(shutil.which("hadolint") is None, reason="hadolint not installed")
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fmt", sorted(LOCKS))
def test_hadolint_is_clean(fmt: str, variant: str, tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(_lock(fmt, variant))
    result = subprocess.run(["hadolint", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
