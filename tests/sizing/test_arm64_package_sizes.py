"""aarch64 targets size Debian packages with the arm64 rows where wheelfit has them
(data/system-packages-arm64.tsv: bullseye), else with the x86_64 row, saying so."""

from __future__ import annotations

import pytest
from estimate_factory import package, report, targets, verdict

from wheelfit.sizing.estimate import estimate
from wheelfit.sizing.sizes import KIB, arm64_table, system_size, system_table


@pytest.mark.parametrize(("arch", "kib"), [("x86_64", 269_182), ("aarch64", 250_104)])
def test_bullseye_build_essential_per_arch(arch: str, kib: int) -> None:
    total = system_size("debian", "bullseye", ["build-essential"], arch=arch)
    assert total.span.point == kib * KIB


def test_an_arm64_row_says_it_is_arm64() -> None:
    line = system_size("debian", "bullseye", ["libgfortran5"], arch="aarch64").lines[0]
    assert "arm64 apt index" in line and "x86_64 size" not in line


@pytest.mark.parametrize(("release", "package"), [("bookworm", "build-essential"),
                                                  ("bullseye", "libldap-2.5-0")])
def test_without_an_arm64_row_the_x86_64_row_is_used_and_said(release: str,
                                                              package: str) -> None:
    arm = system_size("debian", release, [package], arch="aarch64")
    x86 = system_size("debian", release, [package])
    assert arm.span == x86.span
    assert "; x86_64 size: wheelfit has no aarch64 measurement of it)" in arm.lines[0]


def test_x86_64_lines_do_not_mention_the_arch() -> None:
    assert "aarch64" not in system_size("debian", "bullseye", ["libpq5"]).lines[0]


def test_every_arm64_row_has_an_x86_64_row_of_the_same_package() -> None:
    assert [k for k in arm64_table() if k not in system_table()] == []


@pytest.mark.parametrize(("arch", "mb"), [("x86_64", 275.6), ("aarch64", 256.1)])
def test_an_aarch64_bullseye_estimate_counts_arm64_build_essential(arch: str, mb: float) -> None:
    slim = verdict("source-build", apt=["libpq-dev"], apt_runtime=["libpq5"])
    alpine = verdict("source-build", apk=["postgresql-dev"], apk_runtime=["libpq"])
    r = report([package("psycopg2", slim, alpine)], targets(arch=arch, debian="bullseye"))
    basis = next(v for v in estimate(r).variants if v.name == "slim").basis
    assert f"build package left in the image: build-essential: {mb} MB installed" in "\n".join(
        basis)
