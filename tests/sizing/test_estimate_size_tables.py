"""The packaged size tables load, cite a source and a date for every row, and combine sanely."""

from __future__ import annotations

import pytest
from estimate_factory import targets

from wheelfit.compat.targets import ALPINE_MUSL, DEBIAN_GLIBC, make_target
from wheelfit.model import Variant
from wheelfit.sizing import sizes


def test_every_base_row_has_a_basis_source_and_date() -> None:
    for row in sizes.base_images().values():
        assert row.on_disk_mb > 0 and row.compressed_mb > 0
        assert row.on_disk_basis == "measured" or row.on_disk_basis.startswith("derived")
        assert row.on_disk_source.startswith("docker-library/repo-info") and row.on_disk_date
        assert row.compressed_basis == "measured" or row.compressed_basis.startswith("derived")
        if row.compressed_basis == "measured":
            assert row.compressed_source and row.compressed_date


def test_measured_rows_are_the_repo_info_figures() -> None:
    slim, alpine = targets("3.12")
    assert sizes.base_image(slim) is not None
    row = sizes.base_image(alpine)
    assert row is not None and row.on_disk_basis == "measured" and row.on_disk_mb == 48.87


def test_every_supported_release_has_rows_for_current_pythons_and_both_arches() -> None:
    for python in ("3.10", "3.11", "3.12", "3.13"):
        for arch in ("x86_64", "aarch64"):
            for debian in DEBIAN_GLIBC:
                assert sizes.base_image(make_target(Variant.SLIM, python, arch, debian=debian))
            for alpine in ALPINE_MUSL:
                if (python, alpine) == ("3.13", "3.18"):
                    continue  # 3.13 (2024-10) came after alpine3.18 left the python images
                assert sizes.base_image(make_target(Variant.ALPINE, python, arch, alpine=alpine))


def test_older_releases_have_the_measured_python_3_11_images() -> None:
    measured = {(r.variant, r.release): r.on_disk_mb for r in sizes.base_images().values()
                if r.python == "3.11" and r.arch == "x86_64" and r.on_disk_basis == "measured"}
    assert (measured[("slim", "bullseye")], measured[("alpine", "3.18")],
            measured[("alpine", "3.19")]) == (127.34, 52.11, 58.03)


def test_every_bullseye_image_row_on_amd64_is_measured() -> None:
    rows = [r for r in sizes.base_images().values()
            if r.release == "bullseye" and r.arch == "x86_64"]
    assert len(rows) == 12 and {r.on_disk_basis for r in rows} == {"measured"}


def test_bullseye_has_its_own_measured_package_rows() -> None:
    row = sizes.system_package("debian", "bullseye", "build-essential")
    assert row is not None and (row.release, row.basis, row.size_kib) == ("bullseye",
                                                                          "measured", 269182)


# Packages of the other releases' rows that bullseye's index does not have, and the bullseye
# package whose closure stands in for each (docs/estimate.md, "Bullseye package sizes").
NOT_IN_BULLSEYE = {"libldap-2.5-0": "libldap-2.4-2", "libodbc2": "libodbc1"}


def test_every_package_of_the_other_releases_has_a_bullseye_row() -> None:
    table = sizes.system_table()
    others = {k[2] for k in table if k[0] == "debian" and k[1] in ("bookworm", "trixie")}
    bookworm = {k[2] for k in table if k[:2] == ("debian", "bookworm")}
    bullseye = {k[2] for k in table if k[:2] == ("debian", "bullseye")}
    assert bookworm <= bullseye and bullseye <= others


def test_only_packages_missing_from_bullseye_have_a_derived_bullseye_row() -> None:
    derived = {row.package: row.method for key, row in sizes.system_table().items()
               if key[:2] == ("debian", "bullseye") and row.basis != "measured"}
    assert set(derived) == set(NOT_IN_BULLSEYE)
    assert all(NOT_IN_BULLSEYE[name] in method for name, method in derived.items())


def test_a_package_without_a_bullseye_row_takes_bookworms_and_says_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    table = {k: v for k, v in sizes.system_table().items() if k[:2] != ("debian", "bullseye")}
    monkeypatch.setattr(sizes, "system_table", lambda: table)
    row = sizes.system_package("debian", "bullseye", "build-essential")
    assert row is not None and row.release == "bookworm"
    assert "no bullseye measurement" in row.basis


def test_alpine_3_18_and_3_19_have_a_build_base_row() -> None:
    for release in ("3.18", "3.19"):
        row = sizes.system_package("alpine", release, "build-base")
        assert row is not None and row.release == release


def test_a_python_of_another_era_has_no_invented_size() -> None:
    slim, alpine = targets("3.7")
    assert sizes.base_image(slim) is None and sizes.base_image(alpine) is None


def test_slim_bases_are_bigger_than_alpine_bases() -> None:
    rows = sizes.base_images()
    for (python, variant, _release, arch), row in rows.items():
        if variant == "alpine":
            assert all(other.on_disk_mb > row.on_disk_mb for key, other in rows.items()
                       if key[0] == python and key[1] == "slim" and key[3] == arch)


def test_every_system_row_is_sourced_and_ordered() -> None:
    for row in sizes.system_table().values():
        assert row.lo_kib <= row.size_kib <= row.hi_kib
        assert row.basis in ("measured", "derived") and row.source and row.date and row.method
        assert row.role in ("toolchain", "build", "runtime", "base")


def test_toolchain_members_count_once() -> None:
    alone = sizes.system_size("alpine", "3.24", ["build-base"])
    with_members = sizes.system_size("alpine", "3.24", ["build-base", "gcc", "musl-dev", "g++"])
    assert with_members.span == alone.span


def test_a_group_counts_as_its_largest_member() -> None:
    both = sizes.system_size("debian", "bookworm", ["libxml2-dev", "libxslt1-dev"])
    bigger = sizes.system_size("debian", "bookworm", ["libxslt1-dev"])
    assert both.span == bigger.span


def test_unknown_system_package_gets_the_documented_default_and_says_so() -> None:
    result = sizes.system_size("alpine", "3.24", ["no-such-lib"])
    assert result.unknown == ("no-such-lib",)
    assert result.span.point == sizes.UNKNOWN_SYSTEM_KIB[0] * sizes.KIB
    assert "size unknown" in result.lines[0]


def test_alpine_base_libraries_add_nothing() -> None:
    assert sizes.system_size("alpine", "3.24", ["libffi", "libssl3", "zlib"]).span == sizes.ZERO


@pytest.mark.parametrize("name", ["grpcio", "pandas", "numpy", "scipy", "cryptography"])
def test_published_build_times_cite_urls(name: str) -> None:
    row = sizes.build_time(name, "c-small")
    assert row.key == name and row.minutes_lo < row.minutes_hi and "https://" in row.source


@pytest.mark.parametrize("klass", ["pure", "c-small", "c-large", "cpp-heavy", "rust", "fortran"])
def test_every_class_has_a_default(klass: str) -> None:
    row = sizes.build_time("some-unlisted-package", klass)
    assert row.key == f"class:{klass}" and row.minutes_lo <= row.minutes_hi
