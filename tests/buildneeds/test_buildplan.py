"""Facts + table -> plan: one behaviour per test, on small synthetic sdists."""

from __future__ import annotations

from wheelfit.buildneeds.buildfiles import read_build_files
from wheelfit.buildneeds.buildplan import BuildPlan, Target, plan_build
from wheelfit.buildneeds.systemlibs import (
    bundled_package_deps,
    bundled_system_libraries,
    bundled_toolchains,
)

SLIM, BOOKWORM, ALPINE = Target("debian", "trixie"), Target("debian", "bookworm"), \
    Target("alpine")
MESON_PY = '[build-system]\nrequires = ["meson-python"]\nbuild-backend = "mesonpy"\n'
MATURIN = '[build-system]\nrequires = ["maturin>=1"]\nbuild-backend = "maturin"\n'


def plan(files: dict[str, str], target: Target = SLIM, names: tuple[str, ...] = ()
         ) -> BuildPlan:
    facts = read_build_files({f"p-1.0/{k}": v.encode() for k, v in files.items()},
                             [f"p-1.0/{n}" for n in names])
    return plan_build(facts, bundled_system_libraries(), bundled_toolchains(), target,
                      bundled_package_deps())


def test_a_pure_python_sdist_needs_no_compiler() -> None:
    got = plan({"pyproject.toml": '[build-system]\nrequires = ["hatchling"]\n'
                'build-backend = "hatchling.build"\n'})
    assert (got.pure, got.basis, got.toolchain, got.build) == (True, "build-files", (), ())
    assert got.pip_fetches == ("hatchling",)


def test_build_files_that_cannot_tell_give_an_unknown_basis() -> None:
    got = plan({"setup.py": "import os\n"})
    assert got.basis == "unknown"
    assert not got.complete
    assert got.unknown[0].what == "whether it compiles"


def test_a_meson_dependency_becomes_dev_and_runtime_packages() -> None:
    got = plan({"pyproject.toml": MESON_PY,
                "meson.build": "project('p', 'c')\ndependency('libpq')\n"})
    assert (got.toolchain, got.build, got.runtime) == (
        ("build-essential",), ("pkg-config", "libpq-dev"), ("libpq5",))
    assert got.evidence[-1] == "pkg-config libpq (meson.build:2) -> libpq-dev libpq5"
    assert {"meson-python", "meson", "ninja"} <= set(got.pip_fetches)


def test_an_unmapped_library_is_unknown_with_its_line() -> None:
    got = plan({"pyproject.toml": MESON_PY,
                "meson.build": "project('p', 'c')\ndependency('no-such-lib')\n"})
    assert not got.complete
    assert got.unknown[0].what == "pkg-config no-such-lib"
    assert str(got.unknown[0].origin) == "meson.build:2"


def test_a_windows_only_branch_is_not_planned() -> None:
    got = plan({"pyproject.toml": MESON_PY, "meson.build":
                "project('p', 'c')\nif cc.get_id() == 'msvc'\n  dependency('zlib')\nendif\n"})
    assert got.build == ()


def test_rust_uses_cargo_and_compares_rust_version() -> None:
    cargo = '[package]\nname = "p"\nrust-version = "1.88"\n'
    got = plan({"pyproject.toml": MATURIN, "Cargo.toml": cargo}, BOOKWORM)
    assert got.toolchain == ("build-essential", "cargo", "rustc")
    assert (got.rust_version, got.rust_available) == ("1.88", "1.63.0")
    assert got.unknown[0].what == "Rust >= 1.88"
    assert "rustup" in got.unknown[0].why


def test_a_workspace_rust_version_is_inherited() -> None:
    root = '[workspace]\nmembers = ["py"]\n[workspace.package]\nrust-version = "1.70"\n'
    member = '[package]\nname = "p"\nrust-version.workspace = true\n'
    got = plan({"pyproject.toml": MATURIN, "Cargo.toml": root, "py/Cargo.toml": member})
    assert got.rust_version == "1.70"
    assert got.unknown == ()


def test_llvm_maps_to_the_major_the_files_name() -> None:
    got = plan({"setup.py": "from setuptools import setup, Extension\n"
                "setup(ext_modules=[Extension('x', ['x.c'])])\n",
                "ffi/CMakeLists.txt": "project(x CXX)\nfind_package(LLVM 19 REQUIRED)\n"})
    assert "llvm-19-dev" in got.build
    assert got.llvm_major == 19


LLVM_99 = {"setup.py": "from setuptools import setup, Extension\n"
           "setup(ext_modules=[Extension('x', ['x.c'])])\n",
           "ffi/CMakeLists.txt": "project(x CXX)\nfind_package(LLVM 99 REQUIRED)\n"}


def test_llvm_newer_than_the_data_names_the_newest_known_dev_package() -> None:
    got = plan(LLVM_99, ALPINE)
    assert [p for p in got.build if p.startswith("llvm")] == ["llvm20-dev"]


def test_llvm_newer_than_the_data_stays_an_unknown_that_names_both_majors() -> None:
    got = plan(LLVM_99, ALPINE)
    llvm = next(u for u in got.unknown if u.what == "LLVM 99")
    assert "llvm20-dev" in llvm.why and "newer" in llvm.why
    assert not got.complete


def test_llvm_newer_than_the_data_says_which_package_to_look_for() -> None:
    got = plan(LLVM_99, ALPINE)
    assert "install llvm99-dev instead" in next(u.why for u in got.unknown if u.what == "LLVM 99")


def test_llvm_without_a_version_is_unknown() -> None:
    got = plan({"setup.py": "import subprocess\nsubprocess.run(['llvm-config', '--libs'])\n"})
    assert "the LLVM version" in [u.what for u in got.unknown]


def test_pep725_external_is_the_basis_when_present() -> None:
    pyproject = MESON_PY + ('[external]\nbuild-requires = ["dep:virtual/compiler/c", '
                            '"dep:generic/pkg-config"]\nhost-requires = ["dep:generic/libpq"]\n'
                            'dependencies = ["dep:generic/openssl"]\n')
    got = plan({"pyproject.toml": pyproject}, ALPINE)
    assert got.basis == "pep725"
    assert (got.toolchain, got.build) == (("build-base",), ("pkgconf", "libpq-dev"))
    assert got.runtime == ("libpq", "libssl3", "libcrypto3")


def test_an_unmapped_depurl_is_unknown() -> None:
    pyproject = MESON_PY + '[external]\nhost-requires = ["dep:generic/frobnicate"]\n'
    got = plan({"pyproject.toml": pyproject})
    assert got.unknown[0].what == "dep:generic/frobnicate"


def test_the_first_known_candidate_is_taken() -> None:
    setup = ("import subprocess\nnames = ['perconaserverclient', 'mariadb', 'mysqlclient']\n"
             "for n in names:\n    subprocess.run(f'pkg-config --exists {n}', shell=True)\n"
             "from setuptools import setup, Extension\n"
             "setup(ext_modules=[Extension('x', ['x.c'])])\n")
    got = plan({"setup.py": setup})
    assert got.build == ("pkg-config", "libmariadb-dev")


def test_fortran_sources_bring_gfortran() -> None:
    got = plan({"setup.py": "from setuptools import setup, Extension\n"
                "setup(ext_modules=[Extension('x', ['x.c'])])\n"}, names=("src/lib.f90",))
    assert got.toolchain == ("build-essential", "gfortran")
    assert got.runtime == ("libgfortran5",)
