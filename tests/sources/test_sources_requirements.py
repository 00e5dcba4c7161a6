"""requirements files: nesting, continuations, options, env vars, errors, keep_going."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wheelfit.errors import InputFileError
from wheelfit.sources import load_spec
from wheelfit.sources.requirements import parse_requirements_file, parse_requirements_text


def load(path: str, **kwargs: object) -> object:
    return load_spec(Path(path), environ={}, **kwargs)  # type: ignore[arg-type]


def names(entries: object) -> list[str]:
    return [e.requirement.name for e in entries]  # type: ignore[attr-defined]


def test_basic_file_keeps_requirements_as_written(data: Path) -> None:
    spec = load_spec(Path("requirements/basic.txt"), environ={})
    assert [str(e.requirement) for e in spec.requirements] == [
        "Django==4.2.11", "psycopg2<3,>=2.9", 'requests[socks]>=2.31; python_version >= "3.8"',
        "Pillow~=10.3",
    ]


def test_basic_file_origins_carry_line_numbers(data: Path) -> None:
    spec = load_spec(Path("requirements/basic.txt"), environ={})
    assert [e.origin for e in spec.requirements] == [
        "requirements/basic.txt:2", "requirements/basic.txt:3", "requirements/basic.txt:4",
        "requirements/basic.txt:6",
    ]


def test_format_is_requirements(data: Path) -> None:
    assert load_spec(Path("requirements/basic.txt"), environ={}).format == "requirements"


def test_hashes_over_continued_lines_give_one_requirement_each(data: Path) -> None:
    spec = load_spec(Path("requirements/hashes.txt"), environ={})
    assert names(spec.requirements) == ["asgiref", "django", "sqlparse"]


def test_continued_line_takes_the_number_of_its_first_line(data: Path) -> None:
    spec = load_spec(Path("requirements/hashes.txt"), environ={})
    assert [e.origin for e in spec.requirements] == [
        "requirements/hashes.txt:7", "requirements/hashes.txt:11", "requirements/hashes.txt:15",
    ]


def test_hash_lines_add_no_notes(data: Path) -> None:
    assert load_spec(Path("requirements/hashes.txt"), environ={}).notes == ()


def test_nested_requirement_origins_are_relative_to_the_top_file(data: Path) -> None:
    spec = load_spec(Path("requirements/nested/requirements.txt"), environ={})
    assert [(e.requirement.name, e.origin) for e in spec.requirements] == [
        ("requests", "requirements/nested/requirements/common.txt:1"),
        ("Django", "requirements/nested/requirements/base.txt:2"),
        ("requests", "requirements/nested/requirements/common.txt:1"),
        ("gunicorn", "requirements/nested/requirements.txt:4"),
    ]


def test_constraint_file_entries_are_constraints(data: Path) -> None:
    spec = load_spec(Path("requirements/nested/requirements.txt"), environ={})
    assert [(e.requirement.name, e.origin) for e in spec.constraints] == [
        ("urllib3", "requirements/nested/constraints.txt:1"),
    ]


def test_r_inside_a_constraint_file_reads_requirements_as_pip_does(data: Path) -> None:
    spec = load_spec(Path("requirements/nested/requirements.txt"), environ={})
    assert names(spec.requirements).count("requests") == 2
    assert names(spec.constraints) == ["urllib3"]


def test_nested_origin_from_the_including_files_folder(data: Path) -> None:
    os.chdir(data / "requirements" / "nested")
    spec = load_spec(Path("requirements.txt"), environ={})
    assert spec.requirements[1].origin == "requirements/base.txt:2"


def test_include_cycle_names_file_and_line(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_spec(Path("requirements/cycle/a.txt"), environ={})
    assert caught.value.path == "requirements/cycle/b.txt"
    assert caught.value.line == 2
    assert "cycle" in caught.value.message


def test_file_including_itself_is_a_cycle(data: Path) -> None:
    with pytest.raises(InputFileError, match="cycle"):
        load_spec(Path("requirements/cycle/self.txt"), environ={})


def test_missing_include_names_the_including_line(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_spec(Path("requirements/missing_include.txt"), environ={})
    assert (caught.value.path, caught.value.line) == ("requirements/missing_include.txt", 2)
    assert "does-not-exist.txt" in caught.value.message


def test_missing_include_hint_explains_relative_paths(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_spec(Path("requirements/missing_include.txt"), environ={})
    assert "relative to the file" in (caught.value.hint or "")


def test_remote_include_is_skipped_not_fetched(data: Path) -> None:
    spec = load_spec(Path("requirements/remote_include.txt"), environ={})
    assert spec.skipped[0].reason.startswith("remote requirements file")


def test_invalid_requirement_raises_with_line_and_hint(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_spec(Path("requirements/invalid_line.txt"), environ={})
    assert (caught.value.path, caught.value.line) == ("requirements/invalid_line.txt", 2)
    assert "==" in (caught.value.hint or "")


def test_unknown_option_raises_with_line(data: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_spec(Path("requirements/bad_option.txt"), environ={})
    assert caught.value.line == 2
    assert "no such option" in caught.value.message


def test_weak_hash_algorithm_is_rejected_like_pip(data: Path) -> None:
    with pytest.raises(InputFileError, match="allowed hash algorithms"):
        load_spec(Path("requirements/bad_hash.txt"), environ={})


def test_keep_going_collects_problems_with_file_and_line(data: Path) -> None:
    spec = load_spec(Path("requirements/keep_going.txt"), environ={}, keep_going=True)
    assert [p.split(": ")[0] for p in spec.problems] == [
        "requirements/keep_going.txt:2", "requirements/keep_going.txt:3",
        "requirements/keep_going.txt:4",
    ]


def test_keep_going_still_reads_the_good_lines(data: Path) -> None:
    spec = load_spec(Path("requirements/keep_going.txt"), environ={}, keep_going=True)
    assert names(spec.requirements) == ["flask", "gunicorn"]


def test_index_options_last_index_url_wins(data: Path) -> None:
    spec = load_spec(Path("requirements/options.txt"), environ={})
    assert spec.options.index_url == "https://pypi.corp.example/simple/"


def test_index_options_extra_index_url(data: Path) -> None:
    spec = load_spec(Path("requirements/options.txt"), environ={})
    assert spec.options.extra_index_urls == ("https://mirror.example/simple/",)


def test_find_links_relative_to_the_file_when_it_exists(tmp_path: Path) -> None:
    (tmp_path / "wheels").mkdir()
    text = "--find-links ./wheels\n-f https://download.example/links.html\n-f ./absent\n"
    spec = parse_requirements_text(text, "r.txt", base_dir=tmp_path, environ={})
    assert spec.options.find_links == (
        str(tmp_path / "wheels"), "https://download.example/links.html", "./absent",
    )


def test_pre_and_prefer_binary_flags(data: Path) -> None:
    options = load_spec(Path("requirements/options.txt"), environ={}).options
    assert (options.pre, options.prefer_binary) == (True, True)


def test_binary_controls_follow_pip_mutual_exclusion(data: Path) -> None:
    options = load_spec(Path("requirements/options.txt"), environ={}).options
    assert options.only_binary == frozenset({":all:"})
    assert options.no_binary == frozenset({"psycopg2", "lxml"})


def test_ignored_options_are_noted(data: Path) -> None:
    notes = " ".join(load_spec(Path("requirements/options.txt"), environ={}).notes)
    assert "--trusted-host" in notes and "--use-feature" in notes and "--require-hashes" in notes


def test_skipped_entries_never_crash(data: Path) -> None:
    spec = load_spec(Path("requirements/skipped.txt"), environ={})
    assert len(spec.skipped) == 11
    assert names(spec.requirements) == ["requests"]


def test_skipped_text_redacts_credentials(data: Path) -> None:
    spec = load_spec(Path("requirements/skipped.txt"), environ={})
    assert all("ghp_token" not in s.text and "deploy" not in s.text for s in spec.skipped)


def test_env_var_expansion_uses_the_given_environment(data: Path) -> None:
    spec = load_spec(Path("requirements/envvars.txt"),
                     environ={"NUMPY_VERSION": "1.26.4", "PRIVATE_TOKEN": "t0k"},
                     keep_going=True)
    assert str(spec.requirements[0].requirement) == "numpy==1.26.4"
    assert spec.options.extra_index_urls == ("https://t0k@pypi.corp.example/simple/",)


def test_only_upper_case_braced_vars_expand(data: Path) -> None:
    spec = load_spec(Path("requirements/envvars.txt"),
                     environ={"pandas_version": "2.2.2", "SCIPY_VERSION": "1.13.0"},
                     keep_going=True)
    assert len(spec.problems) == 3  # numpy unset, ${pandas_version}, $SCIPY_VERSION stay


def test_unset_var_stays_as_written(tmp_path: Path) -> None:
    spec = parse_requirements_text("--index-url https://${NOPE}/simple\n", "r.txt",
                                   base_dir=tmp_path, environ={})
    assert spec.options.index_url == "https://${NOPE}/simple"


def test_empty_file_gives_an_empty_spec_with_a_note(data: Path) -> None:
    spec = load_spec(Path("requirements/empty.txt"), environ={})
    assert spec.requirements == () and spec.notes == ("requirements/empty.txt lists no "
                                                      "requirements",)


def test_comment_only_file_gives_an_empty_spec(data: Path) -> None:
    spec = load_spec(Path("requirements/comments_only.txt"), environ={})
    assert spec.requirements == () and spec.problems == ()


def test_utf16_file_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes("flask==3.0.3\r\n".encode("utf-16"))
    assert names(parse_requirements_file(path).requirements) == ["flask"]


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"\xef\xbb\xbfflask==3.0.3\n")
    assert names(parse_requirements_file(path).requirements) == ["flask"]


def test_binary_junk_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe")
    with pytest.raises(InputFileError, match="binary"):
        parse_requirements_file(path)


def test_nul_bytes_are_an_input_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"flask\nab\x00cd\n")
    with pytest.raises(InputFileError) as caught:
        parse_requirements_file(path)
    assert caught.value.line == 2


def test_comment_ends_a_continuation(tmp_path: Path) -> None:
    spec = parse_requirements_text("flask==3.0.3 \\\n# trailing comment\ngunicorn\n", "r.txt",
                                   base_dir=tmp_path, environ={})
    assert names(spec.requirements) == ["flask", "gunicorn"]


def test_backslash_on_the_last_line(tmp_path: Path) -> None:
    spec = parse_requirements_text("flask==3.0.3 \\", "r.txt", base_dir=tmp_path, environ={})
    assert names(spec.requirements) == ["flask"]


def test_finder_option_on_a_requirement_line_is_noted(tmp_path: Path) -> None:
    spec = parse_requirements_text("flask --pre\n", "r.txt", base_dir=tmp_path, environ={})
    assert spec.options.pre is False and "no effect" in spec.notes[0]


def test_abbreviated_long_option_works_like_pip(tmp_path: Path) -> None:
    spec = parse_requirements_text("--extra-index https://x.example/simple\n", "r.txt",
                                   base_dir=tmp_path, environ={})
    assert spec.options.extra_index_urls == ("https://x.example/simple",)


def test_no_index_is_noted(tmp_path: Path) -> None:
    spec = parse_requirements_text("--no-index\n", "r.txt", base_dir=tmp_path, environ={})
    assert "--no-index" in spec.notes[0]


def test_absolute_include_path(tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("flask\n", encoding="utf-8")
    spec = parse_requirements_text(f"-r {tmp_path / 'base.txt'}\n", "r.txt",
                                   base_dir=tmp_path / "elsewhere", environ={})
    assert spec.requirements[0].origin == f"{tmp_path / 'base.txt'}:1"


def test_same_file_included_twice_is_not_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "common.txt").write_text("six\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("-r common.txt\n", encoding="utf-8")
    spec = parse_requirements_text("-r a.txt\n-r common.txt\n", "r.txt", base_dir=tmp_path,
                                   environ={})
    assert names(spec.requirements) == ["six", "six"]


def test_missing_top_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        load_spec(tmp_path / "requirements.txt", environ={})


def test_directory_given(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_spec(tmp_path, input_format="requirements", environ={})
    assert "directory" in caught.value.message and "--recursive" in (caught.value.hint or "")
