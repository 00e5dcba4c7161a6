"""Evidence of compiled code from wheel names, pyproject.toml and setup.py text; vendored
libraries from wheel entries."""

from __future__ import annotations

import pytest

from wheelfit.buildneeds.mapping import ApkMapping
from wheelfit.buildneeds.native import (
    libraries_from_wheel_entries,
    native_from_pyproject,
    native_from_setup,
    native_from_wheels,
    needs_from_sonames,
    normalise_soname,
    unknown_sonames,
)


@pytest.mark.parametrize(("files", "expected"), [
    (["a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", "a-1.0.tar.gz"], True),
    (["a-1.0-cp38-abi3-win_amd64.whl"], True),
    (["a-1.0-py3-none-macosx_11_0_arm64.whl"], True),
    (["a-1.0-py3-none-any.whl", "a-1.0.tar.gz"], False),
    (["a-1.0.tar.gz", "not a wheel.whl"], None),
    ([], None),
])
def test_native_from_wheels(files: list[str], expected: bool | None) -> None:
    native, evidence = native_from_wheels(files)
    assert native is expected
    assert evidence


@pytest.mark.parametrize(("text", "expected", "word"), [
    ('[build-system]\nrequires=["maturin>=1,<2"]\nbuild-backend="maturin"', True, "rust"),
    ('[build-system]\nrequires=["setuptools", "setuptools-rust"]', True, "rust"),
    ('[build-system]\nrequires=["meson-python", "Cython>=3"]\nbuild-backend="mesonpy"', True,
     "cython"),
    ('[build-system]\nrequires=["scikit-build-core", "pybind11"]\n'
     'build-backend="scikit_build_core.build"', True, "c++"),
    ('[build-system]\nrequires=["setuptools", "cffi>=1.0"]', True, "cffi"),
    ('[build-system]\nrequires=["setuptools"]\n[tool.setuptools]\n'
     'ext-modules=[{name="a", sources=["a.c"]}]', True, "ext-modules"),
    ('[build-system]\nrequires=["flit_core"]\nbuild-backend="flit_core.buildapi"', False, "pure"),
    ('[build-system]\nrequires=["hatchling"]\nbuild-backend="hatchling.build"\n'
     '[tool.hatch.build.hooks.custom]\n', None, "hook"),
    ('[build-system]\nrequires=["setuptools", "wheel"]', None, "setup.py"),
    ('[project]\nname="a"', None, "no [build-system]"),
    ("this is [not toml", None, "not valid TOML"),
    ('[build-system]\nrequires=["!!bad", 3]\nbuild-backend="hatchling.build"', False, "pure"),
])
def test_native_from_pyproject(text: str, expected: bool | None, word: str) -> None:
    native, evidence = native_from_pyproject(text)
    assert native is expected
    assert word in evidence


@pytest.mark.parametrize(("text", "expected"), [
    ('from setuptools import setup, Extension\nsetup(ext_modules=[Extension("a", ["a.c"])])',
     True),
    ("from Cython.Build import cythonize\nsetup(ext_modules=cythonize('x.pyx'))", True),
    ('setup(cffi_modules=["build_ffi.py:ffi"])', True),
    ("from setuptools_rust import RustExtension\nsetup(rust_extensions=[RustExtension('a')])",
     True),
    ("from setuptools import setup\nsetup(name='a')  # no ext_modules here", False),
    ("[metadata]\nname = a\n[options]\npackages = find:\n", False),
    ("print('hello')", None),
    # An ext_modules that is only ever an empty list declares nothing.
    ("ext_modules = []\nsetup(name='a', ext_modules=ext_modules)", False),
    ("ext_modules = []\next_modules += make_exts()\nsetup(ext_modules=ext_modules)", True),
    ("setup(name='a', ext_modules=get_extensions())", True),
])
def test_native_from_setup(text: str, expected: bool | None) -> None:
    assert native_from_setup(text).native is expected


def test_libraries_from_wheel_entries() -> None:
    entries = [
        "psycopg2_binary.libs/libpq-9a1b2c3d.so.5.16",
        "psycopg2_binary.libs/libssl-0331cc4e.so.3",
        "psycopg2/_psycopg.cpython-312-x86_64-linux-gnu.so",
        "numpy.libs/libscipy_openblas64_-ff651d7f.so",
        "pillow.libs/libjpeg-77ae51ab.so.62.4.0",
        "pillow.libs/libjpeg-77ae51ab.so.62.4.0",
        "pkg-1.0.dist-info/RECORD",
    ]
    assert libraries_from_wheel_entries(entries) == (
        "libjpeg.so.62", "libpq.so.5", "libscipy_openblas64_.so", "libssl.so.3")


@pytest.mark.parametrize(("name", "soname"), [
    ("libgfortran-040039e1.so.5.0.0", "libgfortran.so.5"),
    ("libstdc++-a9383cce.so.6.0.28", "libstdc++.so.6"),
    ("libz.so.1.2.13", "libz.so.1"),
    ("libfoo.so", "libfoo.so"),
    ("libyaml-0-8a1b2c3d.so.2.0.9", "libyaml-0.so.2"),
])
def test_normalise_soname(name: str, soname: str) -> None:
    assert normalise_soname(name) == soname


def test_needs_from_sonames(mapping: ApkMapping) -> None:
    sonames = ["libpq.so.5", "libssl.so.3", "libcrypto.so.3", "libnothing.so.1"]
    needs = needs_from_sonames(mapping, sonames, debian_release="bookworm")
    assert needs.apk == ("libpq-dev", "openssl-dev")
    assert needs.apk_runtime == ("libpq", "libssl3", "libcrypto3")
    assert needs.apt == ("libpq-dev", "libssl-dev")
    assert needs.apt_runtime == ("libpq5", "libssl3")
    assert needs.source is not None and "libpq.so.5" in needs.source
    assert needs_from_sonames(mapping, sonames, debian_release="trixie").apt_runtime == (
        "libpq5", "libssl3t64")
    assert unknown_sonames(mapping, sonames) == ("libnothing.so.1",)
    assert needs_from_sonames(mapping, []).source is None
