"""How each figure is sized and what its basis line says."""

from __future__ import annotations

import pytest
from estimate_factory import MB, package, report, targets, verdict

from wheelfit.model import Estimate, VariantEstimate
from wheelfit.sizing.estimate import (
    ALPINE,
    ALPINE_CLEANUP,
    ALPINE_MULTISTAGE,
    SLIM,
    WHEEL_RATIO,
    estimate,
    system_packages,
)


def _variant(result: Estimate, name: str) -> VariantEstimate:
    return next(v for v in result.variants if v.name == name)


def _basis(variant: VariantEstimate, start: str) -> str:
    return next(line for line in variant.basis if line.startswith(start))


def test_central_directory_size_is_used_as_measured() -> None:
    r = report([package("numpy", verdict("binary-wheel", installed_mb=61.3, version="1.26.4"),
                        verdict("binary-wheel", installed_mb=62.0, version="1.26.4"))])
    alpine = _variant(estimate(r), ALPINE)
    assert _basis(alpine, "numpy") == \
        "numpy 1.26.4 musllinux wheel: 62.0 MB installed (central directory)"
    assert alpine.basis[0].startswith("base python:3.12-alpine3.24 x86_64 = 48.9 MB on disk")


def test_download_size_times_ratio_when_central_directory_is_missing() -> None:
    r = report([package("lib", verdict("binary-wheel"), verdict("binary-wheel"))])
    result = estimate(r, wheel_sizes={("lib", "slim"): 10 * MB, ("lib", "alpine"): 10 * MB})
    line = _basis(_variant(result, SLIM), "lib")
    assert f"x {WHEEL_RATIO['binary'][0]} binary-wheel ratio" in line
    with_ratio, bare = _variant(result, SLIM).size_mb, _variant(estimate(r), SLIM).size_mb
    assert with_ratio is not None and bare is not None and with_ratio > bare


def test_source_build_is_sized_from_the_other_wheel_minus_vendored_libraries() -> None:
    r = report([package("psycopg2", verdict("binary-wheel", installed_mb=11.0),
                        verdict("source-build", apk=["libpq-dev"], apk_runtime=["libpq"]))])
    result = estimate(r, vendored_bytes={("psycopg2", "slim"): int(10.5 * MB)})
    line = _basis(_variant(result, ALPINE), "psycopg2")
    assert "built from source: estimated 0.5 MB from the slim wheel" in line
    assert "minus its vendored libraries (10.5 MB)" in line
    unknown_vendored = _basis(_variant(estimate(r), ALPINE), "psycopg2")
    assert "vendored library size unknown" in unknown_vendored


def test_missing_wheel_size_is_borrowed_from_the_other_target_and_said() -> None:
    r = report([package("lib", verdict("binary-wheel", installed_mb=5.0), verdict("binary-wheel"))])
    assert "assumed like the slim wheel" in _basis(_variant(estimate(r), ALPINE), "lib")


def test_unknown_size_is_said_and_widens_only_the_upper_bound() -> None:
    r = report([package("mystery", verdict("source-build"), verdict("source-build"))])
    alpine = _variant(estimate(r), ALPINE_MULTISTAGE)
    assert "installed size unknown" in _basis(alpine, "mystery")
    assert any("1 package(s) of unknown size" in line for line in alpine.basis)
    assert alpine.size_mb_range is not None and alpine.size_mb is not None
    assert alpine.size_mb_range[1] - alpine.size_mb >= 25


def test_single_stage_alpine_keeps_the_toolchain_and_the_others_do_not() -> None:
    r = report([package("c-ext", verdict("binary-wheel", installed_mb=1.0),
                        verdict("source-build", apk=["libffi-dev"], apk_runtime=["libffi"]))])
    result = estimate(r)
    single = _variant(result, ALPINE)
    assert any("build package left in the image: build-base" in line for line in single.basis)
    for name in (ALPINE_CLEANUP, ALPINE_MULTISTAGE):
        staged = _variant(result, name)
        assert not any("build-base" in line for line in staged.basis)
        assert staged.size_mb is not None and single.size_mb is not None
        assert single.size_mb - staged.size_mb > 200


def test_pure_sdist_needs_no_toolchain() -> None:
    r = report([package("puresdist", verdict("pure-wheel", installed_mb=0.1),
                        verdict("source-build", native=False))])
    alpine_target = targets()[1]
    assert system_packages(r, alpine_target).build == ()
    assert _variant(estimate(r), ALPINE).build_minutes_range[1] <= 0.5


def test_rust_build_adds_the_rust_toolchain_time_and_size() -> None:
    r = report([package("cryptography", verdict("binary-wheel", installed_mb=7.0),
                        verdict("source-build", apk=["cargo", "openssl-dev"]))])
    alpine = _variant(estimate(r), ALPINE)
    assert any(line.startswith("installing the Rust toolchain") for line in alpine.basis)
    assert any("rust-toolchain group" in line for line in alpine.basis)
    assert alpine.heavy_builds == ("cryptography",)


def test_system_packages_are_sorted_unique_and_include_the_toolchain() -> None:
    r = report([
        package("a", verdict("source-build", apt=["libpq-dev", "zlib1g-dev"],
                             apt_runtime=["libpq5"]),
                verdict("source-build", apk=["zlib-dev", "libpq-dev"], apk_runtime=["libpq"])),
        package("b", verdict("source-build", apt=["libpq-dev"]),
                verdict("source-build", apk=["libpq-dev"], env={"B_NO_EXT": "0"})),
    ])
    slim, alpine = targets()
    assert system_packages(r, slim).build == ("build-essential", "libpq-dev", "zlib1g-dev")
    assert system_packages(r, slim).runtime == ("libpq5",)
    found = system_packages(r, alpine)
    assert found.build == ("build-base", "libpq-dev", "zlib-dev")
    assert found.env == (("B_NO_EXT", "0"),)


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_image_tag_is_pinned_to_the_patch_release(arch: str) -> None:
    r = report([], targets(arch=arch))
    images = {v.name: v.image for v in estimate(r).variants}
    assert images[SLIM] == "python:3.12.14-slim-trixie"
    assert images[ALPINE] == "python:3.12.14-alpine3.24"


def test_aarch64_note_about_emulated_builds() -> None:
    r = report([], targets(arch="aarch64"))
    assert any("QEMU" in note for note in estimate(r).notes)
