"""The system-library table and toolchain versions: shipped data, validation, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.buildneeds.buildplan import TOOLS
from wheelfit.buildneeds.systemlibs import (
    COLUMNS,
    DEBIAN_RELEASES,
    AptSide,
    bundled_package_deps,
    bundled_system_libraries,
    bundled_toolchains,
    drop_pulled_leaves,
    parse_table,
    toolchain,
)
from wheelfit.errors import MappingError

HEADER = "\t".join(COLUMNS) + "\n"
GOOD = "pkg-config\tzlib\tzlib-dev\tzlib\tzlib1g-dev\tzlib1g\t=\t=\t=\t=\t-\tdebian Contents\n"


def test_the_shipped_table_has_the_rows_issue_13_needs() -> None:
    table = bundled_system_libraries()
    assert len(table.rows) >= 150
    for kind, key in [("pkg-config", "dbus-1"), ("pkg-config", "glib-2.0"),
                      ("pkg-config", "girepository-2.0"),
                      ("pkg-config", "gobject-introspection-1.0"), ("pkg-config", "cairo"),
                      ("pkg-config", "libpq"), ("pkg-config", "mysqlclient"),
                      ("pkg-config", "mariadb"), ("pkg-config", "openblas"),
                      ("pkg-config", "lapack"), ("library", "ldap"), ("library", "sasl2"),
                      ("pkg-config", "krb5-gssapi"), ("library", "portaudio"),
                      ("pkg-config", "libffi"), ("pkg-config", "openssl"),
                      ("pkg-config", "libxml-2.0"), ("pkg-config", "libxslt"),
                      ("pkg-config", "zlib"), ("pkg-config", "libjpeg"),
                      ("pkg-config", "libpng"), ("pkg-config", "freetype2"),
                      ("pep725", "dep:generic/libpq"), ("config-tool", "pg_config")]:
        row = table.lookup(kind, key)
        assert row is not None, (kind, key)
        assert row.source


def test_lookup_answers_alpine_and_every_debian_release() -> None:
    row = bundled_system_libraries().lookup("pkg-config", "glib-2.0")
    assert row is not None
    assert (row.apk_build, row.apk_runtime) == (("glib-dev",), ("glib",))
    assert row.apt_for("trixie").runtime == ("libglib2.0-0t64",)
    assert row.apt_for("bookworm").runtime == ("libglib2.0-0",)
    assert row.apt_for("bullseye").runtime == ("libglib2.0-0",)


def test_bullseye_gets_its_own_names_not_trixies() -> None:
    row = bundled_system_libraries().lookup("pkg-config", "openssl")
    assert row is not None
    assert row.apt_for("bullseye") == AptSide(("libssl-dev",), ("libssl1.1",))
    assert row.apt_for(None) == row.apt_for("trixie")


def test_a_release_the_table_has_no_columns_for_gets_no_names() -> None:
    row = bundled_system_libraries().lookup("pkg-config", "openssl")
    assert row is not None
    assert row.apt_for("buster") == AptSide((), (), available=False)


def test_a_release_without_the_library_says_so() -> None:
    row = bundled_system_libraries().lookup("pkg-config", "girepository-2.0")
    assert row is not None
    assert row.apt_for("trixie").available
    assert not row.apt_for("bookworm").available
    assert not row.apt_for("bullseye").available


def test_the_other_direction_package_to_names() -> None:
    found = {(r.kind, r.key) for r in bundled_system_libraries().provided_by("debian",
                                                                              "libpq-dev")}
    assert {("pkg-config", "libpq"), ("library", "pq"), ("config-tool", "pg_config")} <= found


def test_a_good_row_loads() -> None:
    table = parse_table(HEADER + GOOD)
    assert table.lookup("pkg-config", "ZLIB") is not None


@pytest.mark.parametrize(("row", "message"), [
    (GOOD.replace("pkg-config", "pkgconf", 1), "unknown kind 'pkgconf'"),
    (GOOD.replace("zlib-dev", "Zlib Dev"), "pkg-config 'zlib': apk_build: 'Zlib'"),
    (GOOD.replace("\tdebian Contents", "\t "), "pkg-config 'zlib': source"),
    (GOOD.replace("\t-\t", "\tzlib-py\t"), "pkg-config 'zlib': a row provided by PyPI"),
    (GOOD.rsplit("\t", 1)[0] + "\n", "11 columns, expected 12"),
])
def test_a_bad_row_names_its_line_and_key(row: str, message: str) -> None:
    with pytest.raises(MappingError) as caught:
        parse_table(HEADER + row, "t.tsv")
    assert str(caught.value).startswith("t.tsv:2: ")
    assert message in str(caught.value)


def test_a_key_listed_twice_is_an_error() -> None:
    with pytest.raises(MappingError, match="listed twice"):
        parse_table(HEADER + GOOD + GOOD)


def test_toolchain_versions_per_release() -> None:
    chains = bundled_toolchains()
    trixie = toolchain(chains, "debian", "trixie", "rust")
    bookworm = toolchain(chains, "debian", "bookworm", "rust")
    assert trixie is not None and bookworm is not None
    assert trixie.versions[0].startswith("1.85")
    assert bookworm.versions[0].startswith("1.63")
    bullseye = toolchain(chains, "debian", "bullseye", "rust")
    assert bullseye is not None and bullseye.versions[0].startswith("1.48")
    assert toolchain(chains, "debian", None, "rust") == trixie
    llvm = toolchain(chains, "alpine", None, "llvm")
    assert llvm is not None and llvm.packages == ("llvm{N}-dev",)


def test_pulled_leaves_are_left_out_and_kept_packages_stay() -> None:
    pulls = {"libglib2.0-dev": frozenset({"libffi-dev", "pkg-config"}),
             "libgirepository-2.0-dev": frozenset({"libglib2.0-dev", "libffi-dev"})}
    got = drop_pulled_leaves(("pkg-config", "libgirepository-2.0-dev", "libglib2.0-dev",
                              "libffi-dev"), pulls, frozenset({"pkg-config"}))
    assert got == ("pkg-config", "libgirepository-2.0-dev", "libglib2.0-dev")


def test_the_shipped_package_deps_load() -> None:
    deps = bundled_package_deps()
    assert "libcairo2" in deps[("debian", "trixie", "libcairo-gobject2")]


def known_names() -> set[tuple[str, ...]]:
    path = Path(__file__).resolve().parents[1] / "data" / "buildneeds" / "package-names.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    return {tuple(line.split("\t")) for line in lines if not line.startswith("#")}


def test_every_package_in_the_table_exists_in_its_index() -> None:
    known = known_names()
    missing = []
    for row in bundled_system_libraries().rows.values():
        missing += [("alpine", p) for p in row.apk_build + row.apk_runtime
                    if ("alpine", "aports", p) not in known]
        for release in DEBIAN_RELEASES:
            side = row.apt_for(release)
            missing += [(release, p) for p in side.build + side.runtime
                        if ("debian", release, p) not in known]
    assert missing == []


def test_every_toolchain_package_of_the_plans_exists() -> None:
    known = known_names()
    for apk_build, apk_run, apt_build, apt_run in TOOLS.values():
        assert {("alpine", "aports", p) for p in apk_build + apk_run} <= known
        for release in DEBIAN_RELEASES:
            assert {("debian", release, p) for p in apt_build + apt_run} <= known
