"""Build-requirement chains (issue 13, item 3) through the whole pipeline, on a loopback index
that serves scipy 1.5.4's real pyproject.toml and setup.py (tests/data/buildneeds/sdists) and
the real file names of its build requirements: numpy 1.17.3 has manylinux wheels and an
sdist, no musllinux wheel; Cython, pybind11, setuptools and wheel are pure wheels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from buildneeds.sdist_files import recorded_sdist
from index_builders import metadata, publish, sdist_tar, sdist_zip, wheel
from index_server import IndexServer
from wheelfit.commands.inputs import build_request, load_inputs
from wheelfit.commands.options import RunOptions
from wheelfit.index.client import open_index
from wheelfit.model import BuildNeeds, BuildRequirement, Report, Status
from wheelfit.pipeline.buildchain import ChainBudget
from wheelfit.pipeline.check import check

C_SETUP = (b"from setuptools import setup, Extension\n"
           b"setup(ext_modules=[Extension('m', ['m.c'])])\n")



def _pure(server: IndexServer, name: str, version: str, wheel_file: str) -> None:
    meta = metadata(name, version)
    publish(server, name, {wheel_file: wheel(name, version, meta)}, meta={wheel_file: meta})


def _numpy_and_tools(server: IndexServer) -> None:
    _pure(server, "setuptools", "51.1.1", "setuptools-51.1.1-py3-none-any.whl")
    _pure(server, "wheel", "0.36.2", "wheel-0.36.2-py2.py3-none-any.whl")
    _pure(server, "cython", "0.29.21", "Cython-0.29.21-py2.py3-none-any.whl")
    _pure(server, "pybind11", "2.6.1", "pybind11-2.6.1-py2.py3-none-any.whl")
    meta = metadata("numpy", "1.17.3")
    manylinux = "numpy-1.17.3-cp38-cp38-manylinux1_x86_64.whl"
    publish(server, "numpy", {
        "numpy-1.17.3.zip": sdist_zip("numpy-1.17.3", {"setup.py": b"setup()\n"}),
        manylinux: wheel("numpy", "1.17.3", meta)}, meta={manylinux: meta})


def _sdist(server: IndexServer, project: str, version: str, members: dict[str, bytes]) -> str:
    top = f"{project}-{version}"
    return publish(server, project, {f"{top}.tar.gz": sdist_tar(top, members)})


def _scipy(server: IndexServer) -> str:
    files, names = recorded_sdist("scipy-1.5.4")
    members = {name.partition("/")[2]: b"" for name in names}
    members.update({name.partition("/")[2]: data for name, data in files.items()})
    _numpy_and_tools(server)
    return _sdist(server, "scipy", "1.5.4", members)


def _check(url: str, requirement: str, tmp_path: Path, python: str = "3.8") -> Report:
    req = tmp_path / "requirements.txt"
    req.write_text(requirement + "\n")
    options = RunOptions(python=python, index_url=url)
    specs, _ = load_inputs([req], options)
    request = build_request(specs[0], options)
    with open_index(request.index_urls, cache_dir=tmp_path / "cache", retries=0) as index:
        return check(request, index)


def _build(report: Report, name: str, target: str) -> BuildNeeds:
    pkg = next(p for p in report.packages if p.name == name)
    build = pkg.verdicts[target].build
    assert build is not None
    return build


def _child(build: BuildNeeds, name: str) -> BuildRequirement:
    return next(c for c in build.build_requires if c.name == name)


def test_a_build_requirement_without_a_wheel_is_a_source_build(
        server: IndexServer, tmp_path: Path) -> None:
    report = _check(_scipy(server), "scipy==1.5.4", tmp_path)
    numpy = _child(_build(report, "scipy", "alpine"), "numpy")
    assert (numpy.version, numpy.verdict) == ("1.17.3", Status.SOURCE_BUILD)


def test_the_child_source_build_has_its_own_plan(server: IndexServer, tmp_path: Path) -> None:
    report = _check(_scipy(server), "scipy==1.5.4", tmp_path)
    numpy = _child(_build(report, "scipy", "alpine"), "numpy")
    assert numpy.build is not None and "openblas-dev" in numpy.build.apk


def test_markers_are_evaluated_for_the_targets_python(server: IndexServer,
                                                       tmp_path: Path) -> None:
    report = _check(_scipy(server), "scipy==1.5.4", tmp_path)
    numpy = _child(_build(report, "scipy", "alpine"), "numpy")
    assert numpy.requirement.startswith("numpy==1.17.3; python_version >= \"3.8\"")


def test_the_same_requirement_is_a_wheel_where_one_fits(server: IndexServer,
                                                         tmp_path: Path) -> None:
    report = _check(_scipy(server), "scipy==1.5.4", tmp_path)
    assert _child(_build(report, "scipy", "slim"), "numpy").verdict is Status.BINARY_WHEEL


def test_the_parent_says_what_it_needs_built_first(server: IndexServer,
                                                   tmp_path: Path) -> None:
    report = _check(_scipy(server), "scipy==1.5.4", tmp_path)
    reason = report.packages[0].verdicts["alpine"].reason or ""
    assert "needs numpy 1.17.3 built from source to build" in reason


def test_pure_build_requirements_have_no_plan(server: IndexServer, tmp_path: Path) -> None:
    report = _check(_scipy(server), "scipy==1.5.4", tmp_path)
    cython = _child(_build(report, "scipy", "alpine"), "cython")
    assert (cython.verdict, cython.build, cython.summary) == (
        Status.PURE_WHEEL, None, "pure wheel")


def test_the_childs_build_packages_join_the_parents(server: IndexServer,
                                                    tmp_path: Path) -> None:
    _numpy_and_tools(server)
    url = _sdist(server, "mystery", "1.0", {
        "setup.py": C_SETUP,
        "pyproject.toml": b'[build-system]\nrequires = ["setuptools", "numpy==1.17.3"]\n'})
    build = _build(_check(url, "mystery==1.0", tmp_path), "mystery", "alpine")
    assert "openblas-dev" in build.apk


def test_without_pyproject_pip_defaults_are_resolved(server: IndexServer,
                                                     tmp_path: Path) -> None:
    _numpy_and_tools(server)
    url = _sdist(server, "mystery", "1.0", {"setup.py": C_SETUP})
    build = _build(_check(url, "mystery==1.0", tmp_path), "mystery", "alpine")
    assert [(c.name, c.requirement) for c in build.build_requires] == [
        ("setuptools", "setuptools>=40.8.0"), ("wheel", "wheel")]


def _chain_of(server: IndexServer, links: list[tuple[str, str]]) -> str:
    url = ""
    for project, needs in links:
        url = _sdist(server, project, "1.0", {
            "setup.py": C_SETUP,
            "pyproject.toml": f'[build-system]\nrequires = ["{needs}"]\n'.encode()})
    return url


def test_a_cycle_is_not_followed(server: IndexServer, tmp_path: Path) -> None:
    url = _chain_of(server, [("alpha", "beta"), ("beta", "alpha")])
    beta = _child(_build(_check(url, "alpha==1.0", tmp_path), "alpha", "alpine"), "beta")
    assert beta.build is not None
    alpha = _child(beta.build, "alpha")
    assert "a cycle" in alpha.summary and alpha.build is None


def test_chains_stop_after_two_levels(server: IndexServer, tmp_path: Path) -> None:
    url = _chain_of(server, [("alpha", "beta"), ("beta", "gamma"), ("gamma", "delta"),
                             ("delta", "alpha")])
    beta = _child(_build(_check(url, "alpha==1.0", tmp_path), "alpha", "alpine"), "beta")
    assert beta.build is not None
    gamma = _child(beta.build, "gamma")
    assert gamma.build is not None and gamma.build.build_requires == ()
    assert "deeper than 2 levels" in (gamma.build.build_requires_note or "")


def test_the_same_build_requirements_resolve_once_per_target(
    server: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wheelfit.pipeline.buildchain as buildchain

    _numpy_and_tools(server)
    _sdist(server, "mystery", "1.0", {"setup.py": C_SETUP})
    url = _sdist(server, "enigma", "1.0", {"setup.py": C_SETUP})
    targets: list[str] = []
    real = buildchain.resolve

    def counted(catalog: Any, reqs: Any) -> Any:
        targets.append(catalog.target.name)
        return real(catalog, reqs)

    monkeypatch.setattr(buildchain, "resolve", counted)
    report = _check(url, "mystery==1.0\nenigma==1.0", tmp_path)
    for name in ("mystery", "enigma"):
        assert [(c.name, c.requirement) for c in _build(report, name, "alpine").build_requires
                ] == [("setuptools", "setuptools>=40.8.0"), ("wheel", "wheel")]
    assert sorted(targets) == ["alpine", "slim"]


def test_the_budget_refuses_once_spent() -> None:
    budget = ChainBudget(limit=1)
    assert [budget.take(), budget.take()] == [True, False]


def test_the_childs_build_minutes_count_in_the_estimate(server: IndexServer,
                                                        tmp_path: Path) -> None:
    report = _check(_scipy(server), "scipy==1.5.4", tmp_path)
    assert report.estimate is not None
    alpine = next(v for v in report.estimate.variants if v.name == "alpine")
    assert any(line.startswith("numpy 1.17.3, a build requirement of scipy build:")
               for line in alpine.basis)


def test_the_childs_build_is_not_counted_as_a_package_of_the_image(
        server: IndexServer, tmp_path: Path) -> None:
    report = _check(_scipy(server), "scipy==1.5.4", tmp_path)
    assert report.estimate is not None
    alpine = next(v for v in report.estimate.variants if v.name == "alpine")
    assert alpine.source_builds == 1


def test_the_terminal_names_what_is_built_first(server: IndexServer, tmp_path: Path) -> None:
    from wheelfit.formats.terminal import render

    text = render(_check(_scipy(server), "scipy==1.5.4", tmp_path))
    assert "alpine builds first: numpy 1.17.3 from source; apk " in text


def test_verbose_text_says_when_build_requirements_are_unknown(server: IndexServer,
                                                               tmp_path: Path) -> None:
    from wheelfit.formats.options import RenderOptions
    from wheelfit.formats.terminal import render

    url = _sdist(server, "mystery", "1.0", {
        "setup.py": C_SETUP, "pyproject.toml": b"[build-system]\nbuild-backend = 'x'\n"})
    text = render(_check(url, "mystery==1.0", tmp_path), options=RenderOptions(verbose=True))
    assert "build requirements unknown: pyproject.toml's [build-system] has no `requires`" in text


@pytest.mark.parametrize(("conflict", "resolutions"), [(None, 1), ("x conflicts with y", 2)])
def test_a_resolution_is_shared_unless_it_is_a_conflict(
    monkeypatch: pytest.MonkeyPatch, conflict: str | None, resolutions: int
) -> None:
    """A conflict's message names the requirements' origins: the second asker's own."""
    import wheelfit.pipeline.buildchain as buildchain
    from wheelfit.resolve.resolver import Outcome

    calls: list[object] = []
    monkeypatch.setattr(buildchain, "resolve",
                        lambda catalog, reqs: calls.append(catalog) or Outcome(conflict=conflict))
    budget, catalog = ChainBudget(), object()
    first = budget.resolve(catalog, [])  # type: ignore[arg-type]
    second = budget.resolve(catalog, [])  # type: ignore[arg-type]
    assert len(calls) == resolutions and first.conflict == second.conflict == conflict
