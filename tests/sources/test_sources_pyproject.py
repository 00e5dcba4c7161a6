"""pyproject.toml: PEP 621, extras, PEP 735 groups, Poetry, python hint, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.errors import InputFileError
from wheelfit.model import DependencySpec
from wheelfit.sources import load_spec
from wheelfit.sources.pyproject import parse_pyproject


def load(path: str, **kwargs: object) -> DependencySpec:
    return load_spec(Path(path), environ={}, **kwargs)  # type: ignore[arg-type]


def reqs(spec: DependencySpec) -> list[str]:
    return [str(e.requirement) for e in spec.requirements]


def test_project_dependencies(data: Path) -> None:
    assert reqs(load("pyproject/pep621/pyproject.toml")) == [
        "fastapi>=0.110", "uvicorn[standard]>=0.29",
        'psycopg[binary]>=3.1; sys_platform == "linux"', "orjson",
    ]


def test_project_dependency_origins_have_lines(data: Path) -> None:
    spec = load("pyproject/pep621/pyproject.toml")
    assert [e.origin for e in spec.requirements] == [
        f"pyproject/pep621/pyproject.toml:{n}" for n in (10, 11, 12, 13)
    ]


def test_format_is_pyproject(data: Path) -> None:
    assert load("pyproject/pep621/pyproject.toml").format == "pyproject"


def test_requires_python_gives_the_hint(data: Path) -> None:
    hint = load("pyproject/pep621/pyproject.toml").python
    assert hint is not None
    assert (hint.version, hint.source) == (
        "3.11", 'requires-python ">=3.11" in pyproject/pep621/pyproject.toml')


def test_selected_extra_adds_its_dependencies(data: Path) -> None:
    assert reqs(load("pyproject/pep621/pyproject.toml", extras=("s3",)))[-1] == "boto3>=1.34"


def test_self_referencing_extra_expands(data: Path) -> None:
    spec = load("pyproject/pep621/pyproject.toml", extras=("all",))
    assert reqs(spec)[4:] == ["Pillow>=10.3", "boto3>=1.34"]  # extras in name order


def test_self_reference_marker_is_kept_on_expanded_entries(tmp_path: Path) -> None:
    text = ('[project]\nname = "app"\nversion = "1"\ndependencies = []\n'
            '[project.optional-dependencies]\nx = ["six"]\n'
            'y = ["app[x]; sys_platform == \'linux\'"]\n')
    spec = parse_pyproject(text, "pyproject.toml", extras=("y",))
    assert reqs(spec) == ['six; sys_platform == "linux"']


def test_all_extras(data: Path) -> None:
    spec = load("pyproject/pep621/pyproject.toml", all_extras=True)
    assert {e.requirement.name for e in spec.requirements} >= {"boto3", "Pillow",
                                                              "opentelemetry-sdk"}


def test_extras_are_not_duplicated(data: Path) -> None:
    spec = load("pyproject/pep621/pyproject.toml", all_extras=True)
    assert [e.requirement.name for e in spec.requirements].count("boto3") == 1


def test_unknown_extra_lists_the_known_ones(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load("pyproject/pep621/pyproject.toml", extras=("gpu",))
    assert caught.value.path == "pyproject/pep621/pyproject.toml"
    assert "'gpu'" in caught.value.message
    assert caught.value.hint == "Known extras: all, images, s3, tracing."


def test_dependency_group_including_groups(data: Path) -> None:
    spec = load("pyproject/pep621/pyproject.toml", groups=("dev",))
    assert reqs(spec)[4:] == ["pytest>=8", "httpx>=0.27", "ruff>=0.4", "ipython"]


def test_dev_flag_selects_the_dev_group(data: Path) -> None:
    assert reqs(load("pyproject/pep621/pyproject.toml", dev=True))[-1] == "ipython"


def test_group_entries_have_lines(data: Path) -> None:
    spec = load("pyproject/pep621/pyproject.toml", groups=("lint",))
    assert spec.requirements[-1].origin == "pyproject/pep621/pyproject.toml:24"


def test_unknown_group_lists_the_known_ones(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load("pyproject/pep621/pyproject.toml", groups=("docs",))
    assert caught.value.hint == "Known groups: dev, lint, test."


def test_group_cycle_is_an_input_error(data: Path) -> None:
    with pytest.raises(InputFileError, match=r"[Cc]yclic"):
        load("pyproject/group_cycle/pyproject.toml", groups=("a",))


def test_toml_syntax_error_has_the_line(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load("pyproject/bad_toml/pyproject.toml")
    assert caught.value.line == 7
    assert "invalid TOML" in caught.value.message


def test_bad_dependency_raises_with_its_line(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load("pyproject/bad_dependency/pyproject.toml")
    assert caught.value.line == 6


def test_bad_dependency_with_keep_going(data: Path) -> None:
    spec = load("pyproject/bad_dependency/pyproject.toml", keep_going=True)
    assert reqs(spec) == ["requests>=2", "click"]
    assert spec.problems[0].startswith("pyproject/bad_dependency/pyproject.toml:6:")


def test_tool_config_only_pyproject_has_a_note(data: Path) -> None:
    spec = load("pyproject/tools_only/pyproject.toml")
    assert spec.requirements == () and "no [project]" in spec.notes[0]


def test_setuptools_dynamic_dependencies_read_the_file(data: Path) -> None:
    spec = load("pyproject/dynamic/pyproject.toml")
    assert reqs(spec) == ["requests==2.32.3"]
    assert spec.requirements[0].origin == "pyproject/dynamic/requirements.txt:1"


def test_setuptools_dynamic_skips_are_kept(data: Path) -> None:
    assert len(load("pyproject/dynamic/pyproject.toml").skipped) == 1


def test_dynamic_without_a_file_is_noted(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\nversion = "1"\ndynamic = ["dependencies"]\n'
    spec = parse_pyproject(text, "pyproject.toml", base_dir=tmp_path)
    assert "dynamic" in spec.notes[0]


def test_url_dependency_is_skipped(tmp_path: Path) -> None:
    text = ('[project]\nname = "x"\nversion = "1"\n'
            'dependencies = ["lib @ https://files.example/lib-1.0.tar.gz"]\n')
    spec = parse_pyproject(text, "pyproject.toml")
    assert spec.skipped[0].reason.startswith("direct URL")


def test_dependencies_not_an_array_is_an_error(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\nversion = "1"\ndependencies = "requests"\n'
    with pytest.raises(InputFileError, match="not an array"):
        parse_pyproject(text, "pyproject.toml")


# --- Poetry ---------------------------------------------------------------------------


def poetry(**kwargs: object) -> DependencySpec:
    return load("pyproject/poetry/pyproject.toml", **kwargs)


def test_poetry_caret_and_tilde(data: Path) -> None:
    found = reqs(poetry())
    assert "django<5.0,>=4.2" in found and "celery[redis]<5.4,>=5.3" in found


def test_poetry_exact_and_pep440_pass_through(data: Path) -> None:
    found = reqs(poetry())
    assert "psycopg2==2.9.9" in found and "stripe<9.0,>=7.0" in found


def test_poetry_star_means_any_version(data: Path) -> None:
    assert "any-version" in reqs(poetry())


def test_poetry_markers_and_python_and_platform(data: Path) -> None:
    found = reqs(poetry())
    assert 'uvloop<0.20,>=0.19; sys_platform != "win32"' in found
    assert 'backports-zoneinfo<0.3.0,>=0.2.1; python_version < "3.9"' in found
    assert 'colorama; sys_platform == "win32"' in found


def test_poetry_multiple_constraints_give_one_requirement_each(data: Path) -> None:
    numpy = [r for r in reqs(poetry()) if r.startswith("numpy")]
    assert numpy == ['numpy<2.0,>=1.24; python_version < "3.12"',
                     'numpy<2.0,>=1.26; python_version >= "3.12"']


def test_poetry_python_is_not_a_requirement(data: Path) -> None:
    assert all(not r.startswith("python") for r in reqs(poetry()))


def test_poetry_python_constraint_gives_the_hint(data: Path) -> None:
    hint = poetry().python
    assert hint is not None and hint.version == "3.11"
    assert hint.source.startswith('python "^3.11" in [tool.poetry.dependencies]')


def test_poetry_git_path_url_are_skipped(data: Path) -> None:
    reasons = {s.text: s.reason for s in poetry().skipped}
    assert reasons["internal-sdk"] == "VCS checkout (git): https://***@git.example/acme/sdk.git"
    assert reasons["shared"] == "local path: ../shared"
    assert reasons["legacy-wheel"].startswith("direct URL")


def test_poetry_optional_dependency_needs_its_extra(data: Path) -> None:
    assert not any(r.startswith("reportlab") for r in reqs(poetry()))
    assert any(r.startswith("reportlab") for r in reqs(poetry(extras=("pdf",))))


def test_poetry_group(data: Path) -> None:
    assert reqs(poetry(groups=("docs",)))[-1] == "mkdocs<2.0,>=1.5"


def test_poetry_dev_takes_group_and_legacy_dev_dependencies(data: Path) -> None:
    found = reqs(poetry(dev=True))
    assert {"pytest<9.0,>=8.0", "black<25.0,>=24.3"} <= set(found)


def test_poetry_origins_are_key_lines(data: Path) -> None:
    spec = poetry()
    assert spec.requirements[0].origin == "pyproject/poetry/pyproject.toml:9"


def test_poetry_unknown_extra(data: Path) -> None:
    with pytest.raises(InputFileError, match="unknown extra"):
        poetry(extras=("nope",))


def test_poetry2_project_dependencies_win_and_requires_python_hint(tmp_path: Path,
                                                                   data: Path) -> None:
    spec = load("pyproject/poetry2/pyproject.toml")
    assert reqs(spec) == ["django<5.0,>=4.2", "stripe<9.0,>=8.0"]
    assert spec.python is not None and spec.python.version == "3.12"


def test_poetry_union_keeps_last_alternative_with_a_note(tmp_path: Path) -> None:
    text = '[tool.poetry.dependencies]\npython = "^3.11"\nfoo = "^1.0 || ^2.0"\n'
    spec = parse_pyproject(text, "pyproject.toml")
    assert reqs(spec) == ["foo<3.0,>=2.0"] and "union" in spec.notes[0]


def test_poetry_bad_constraint_is_an_error_with_line(tmp_path: Path) -> None:
    text = '[tool.poetry.dependencies]\npython = "^3.11"\nfoo = "^x.y"\n'
    with pytest.raises(InputFileError) as caught:
        parse_pyproject(text, "pyproject.toml")
    assert caught.value.line == 3


def test_uv_legacy_dev_dependencies_are_the_dev_group(tmp_path: Path) -> None:
    text = ('[project]\nname = "x"\nversion = "1"\ndependencies = []\n'
            '[tool.uv]\ndev-dependencies = ["pytest>=8"]\n')
    assert reqs(parse_pyproject(text, "pyproject.toml", dev=True)) == ["pytest>=8"]


def test_dev_without_a_dev_group_is_noted(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\nversion = "1"\ndependencies = []\n'
    assert "no dev group" in parse_pyproject(text, "pyproject.toml", dev=True).notes[0]
