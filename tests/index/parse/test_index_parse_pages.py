"""pages.py: PEP 691 JSON and PEP 503 HTML project pages → DistFile tuples."""

from __future__ import annotations

import json

import pytest

from index_builders import html_page, json_page
from wheelfit.errors import IndexResponseError
from wheelfit.index.parse.pages import parse_html_page, parse_json_page, parse_page

PAGE = "https://index.example/simple/foo-bar/"
WHEEL = "foo_bar-1.0-py3-none-any.whl"
SDIST = "foo_bar-1.0.tar.gz"


def _json(files: list[dict[str, object]]) -> bytes:
    return json_page("foo-bar", files)


def _file(filename: str = WHEEL, **extra: object) -> dict[str, object]:
    return {"filename": filename, "url": f"https://files.example/{filename}", "hashes": {}, **extra}


# --- JSON ---------------------------------------------------------------------------------------


def test_json_page_reads_every_pep691_and_pep700_field() -> None:
    body = _json(
        [
            _file(
                hashes={"sha256": "AB" * 32},
                **{"requires-python": ">=3.9", "size": 1234, "upload-time": "2024-01-02T03:04:05Z"},
            )
        ]
    )
    (dist,) = parse_json_page(body, PAGE, "foo-bar")
    assert dist.filename == WHEEL
    assert dist.url == f"https://files.example/{WHEEL}"
    assert dist.hashes == (("sha256", "ab" * 32),)
    assert dist.requires_python == ">=3.9"
    assert dist.size == 1234
    assert dist.upload_time == "2024-01-02T03:04:05Z"
    assert dist.yanked is False
    assert dist.metadata_hashes is None


def test_json_yanked_true_has_no_reason() -> None:
    (dist,) = parse_json_page(_json([_file(yanked=True)]), PAGE, "foo-bar")
    assert (dist.yanked, dist.yanked_reason) == (True, None)


def test_json_yanked_string_is_the_reason() -> None:
    (dist,) = parse_json_page(_json([_file(yanked="broken build")]), PAGE, "foo-bar")
    assert (dist.yanked, dist.yanked_reason) == (True, "broken build")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"core-metadata": {"sha256": "cd" * 32}}, (("sha256", "cd" * 32),)),
        ({"core-metadata": True}, ()),
        ({"core-metadata": False}, None),
        ({}, None),
        ({"dist-info-metadata": {"sha256": "ef" * 32}}, (("sha256", "ef" * 32),)),
        ({"core-metadata": True, "dist-info-metadata": {"sha256": "ef" * 32}}, ()),
    ],
    ids=["hash", "true", "false", "absent", "legacy-key", "new-key-wins"],
)
def test_json_core_metadata_forms(entry: dict[str, object], expected: object) -> None:
    (dist,) = parse_json_page(_json([_file(**entry)]), PAGE, "foo-bar")
    assert dist.metadata_hashes == expected


def test_json_relative_url_is_resolved_against_the_page() -> None:
    body = _json([{"filename": WHEEL, "url": f"../../files/{WHEEL}#sha256=00", "hashes": {}}])
    (dist,) = parse_json_page(body, PAGE, "foo-bar")
    assert dist.url == f"https://index.example/files/{WHEEL}"


def test_json_drops_files_of_other_projects_and_non_distributions() -> None:
    body = _json(
        [
            _file(WHEEL),
            _file("other-1.0-py3-none-any.whl"),
            _file("foo_bar-1.0.win32.exe"),
            _file("foo_bar-1.0-py2.7.egg"),
            _file("foo_bar-notaversion.tar.gz"),
            _file("foo_bar-1.0-py3-none-any.whl.metadata"),
        ]
    )
    assert [d.filename for d in parse_json_page(body, PAGE, "foo-bar")] == [WHEEL]


@pytest.mark.parametrize(
    "filename",
    [
        "foo_bar-1.0.tar.gz",
        "foo-bar-1.0.zip",
        "Foo.Bar-1.0.tar.bz2",
        "foo_bar-1.0.tgz",
        "foo-bar-1.0.tar",
    ],
)
def test_json_keeps_sdists_pip_accepts(filename: str) -> None:
    (dist,) = parse_json_page(_json([_file(filename)]), PAGE, "foo-bar")
    assert dist.filename == filename


def test_truncated_json_is_a_response_error_naming_the_page() -> None:
    body = _json([_file()])[:-7]
    with pytest.raises(IndexResponseError, match="not valid JSON") as info:
        parse_json_page(body, PAGE, "foo-bar")
    assert info.value.url == PAGE


@pytest.mark.parametrize(
    "body",
    [b"[]", b'{"files": {}}', b'{"meta": {"api-version": "1.0"}}', b'"files"'],
    ids=["list", "files-object", "no-files", "string"],
)
def test_json_of_the_wrong_shape_is_a_response_error(body: bytes) -> None:
    with pytest.raises(IndexResponseError):
        parse_json_page(body, PAGE, "foo-bar")


def test_json_api_version_with_non_ascii_digits_is_a_response_error() -> None:
    body = json.dumps({"meta": {"api-version": "\u00b2"}, "files": []}).encode()
    with pytest.raises(IndexResponseError, match="unreadable simple API version"):
        parse_json_page(body, PAGE, "foo-bar")


def test_json_api_version_2_is_refused() -> None:
    body = json.dumps({"meta": {"api-version": "2.0"}, "files": []}).encode()
    with pytest.raises(IndexResponseError, match="not supported"):
        parse_json_page(body, PAGE, "foo-bar")


@pytest.mark.parametrize(
    "entry",
    [
        {"hashes": ["sha256"]},
        {"size": "12"},
        {"yanked": 1},
        {"requires-python": 3},
        {"core-metadata": "yes"},
    ],
    ids=["hashes", "size", "yanked", "requires-python", "core-metadata"],
)
def test_json_field_of_the_wrong_type_is_a_response_error(entry: dict[str, object]) -> None:
    with pytest.raises(IndexResponseError, match="files\\[0\\]"):
        parse_json_page(_json([_file(**entry)]), PAGE, "foo-bar")


def test_json_file_without_url_is_a_response_error() -> None:
    with pytest.raises(IndexResponseError, match="filename"):
        parse_json_page(_json([{"filename": WHEEL}]), PAGE, "foo-bar")


# --- HTML ---------------------------------------------------------------------------------------


def test_html_page_reads_anchor_attributes_and_hash_fragment() -> None:
    body = html_page(
        "foo-bar",
        [
            (
                f"https://files.example/{WHEEL}#sha256={'ab' * 32}",
                {"data-requires-python": ">=3.8,<4", "data-yanked": "bad"},
            )
        ],
    )
    (dist,) = parse_html_page(body, PAGE, "foo-bar")
    assert dist.url == f"https://files.example/{WHEEL}"
    assert dist.hashes == (("sha256", "ab" * 32),)
    assert dist.requires_python == ">=3.8,<4"  # written as &gt;=3.8,&lt;4 in the page
    assert (dist.yanked, dist.yanked_reason) == (True, "bad")


def test_html_requires_python_is_unescaped() -> None:
    body = html_page("foo-bar", [(WHEEL, {"data-requires-python": ">=3.8"})])
    assert b"&gt;=3.8" in body
    (dist,) = parse_html_page(body, PAGE, "foo-bar")
    assert dist.requires_python == ">=3.8"


def test_html_empty_data_yanked_means_yanked_without_reason() -> None:
    body = f'<html><title>Links for foo-bar</title><a href="{WHEEL}" data-yanked>x</a></html>'
    (dist,) = parse_html_page(body.encode(), PAGE, "foo-bar")
    assert (dist.yanked, dist.yanked_reason) == (True, None)


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ({"data-core-metadata": f"sha256={'cd' * 32}"}, (("sha256", "cd" * 32),)),
        ({"data-core-metadata": "true"}, ()),
        ({"data-dist-info-metadata": f"sha256={'ef' * 32}"}, (("sha256", "ef" * 32),)),
        ({"data-core-metadata": "whirlpool=00"}, ()),
        ({}, None),
    ],
    ids=["hash", "true", "legacy", "unknown-hash", "absent"],
)
def test_html_core_metadata_forms(attrs: dict[str, str], expected: object) -> None:
    (dist,) = parse_html_page(html_page("foo-bar", [(WHEEL, attrs)]), PAGE, "foo-bar")
    assert dist.metadata_hashes == expected


def test_html_relative_href_is_resolved_against_the_page() -> None:
    body = html_page("foo-bar", [(f"../../packages/{SDIST}", {})])
    (dist,) = parse_html_page(body, PAGE, "foo-bar")
    assert dist.url == f"https://index.example/packages/{SDIST}"


def test_html_base_href_changes_the_resolution_base() -> None:
    body = (
        '<html><head><base href="https://mirror.example/pkgs/"><title>Links for foo-bar</title>'
        f'</head><a href="{SDIST}">{SDIST}</a></html>'
    ).encode()
    (dist,) = parse_html_page(body, PAGE, "foo-bar")
    assert dist.url == f"https://mirror.example/pkgs/{SDIST}"


def test_html_link_to_a_local_file_from_a_remote_page_is_dropped() -> None:
    body = html_page(
        "foo-bar", [(f"file:///etc/{SDIST}", {}), (f"javascript:{SDIST}", {}), (WHEEL, {})]
    )
    assert [d.filename for d in parse_html_page(body, PAGE, "foo-bar")] == [WHEEL]


def test_html_error_page_served_with_200_is_a_response_error() -> None:
    body = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"
    with pytest.raises(IndexResponseError, match="502 Bad Gateway"):
        parse_html_page(body, PAGE, "foo-bar")


def test_html_simple_page_without_files_is_an_empty_project() -> None:
    assert parse_html_page(html_page("foo-bar", []), PAGE, "foo-bar") == ()


def test_html_repository_version_2_is_refused() -> None:
    body = b'<html><meta name="pypi:repository-version" content="2.0"><a href="x">x</a></html>'
    with pytest.raises(IndexResponseError, match="not supported"):
        parse_html_page(body, PAGE, "foo-bar")


# --- dispatch -----------------------------------------------------------------------------------


def test_parse_page_picks_json_by_content_type() -> None:
    files = parse_page(_json([_file()]), "application/vnd.pypi.simple.v1+json", PAGE, "foo-bar")
    assert [d.filename for d in files] == [WHEEL]


def test_parse_page_picks_html_by_content_type_with_charset() -> None:
    body = html_page("foo-bar", [(WHEEL, {})])
    files = parse_page(body, "text/html; charset=utf-8", PAGE, "foo-bar")
    assert [d.filename for d in files] == [WHEEL]


def test_parse_page_refuses_an_unexpected_content_type() -> None:
    with pytest.raises(IndexResponseError, match="Content-Type 'application/json'"):
        parse_page(_json([_file()]), "application/json", PAGE, "foo-bar")


def test_page_errors_never_show_credentials() -> None:
    with pytest.raises(IndexResponseError) as info:
        parse_json_page(b"{", "https://user:s3cret@index.example/simple/foo/", "foo")
    assert "s3cret" not in str(info.value)
    assert "s3cret" not in (info.value.url or "")
