"""Loading and validating the mapping: bad entries raise MappingError naming the key path."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wheelfit.buildneeds.mapping import (
    ApkMapping,
    bundled_mapping,
    bundled_path,
    compact_path,
    load_mapping,
    parse_document,
    soname_stem,
)
from wheelfit.errors import MappingError

from .samples import MINIMAL


def parse(doc: Any) -> ApkMapping:
    return parse_document(doc, "test.yaml")


def broken(path: str, value: Any) -> dict[str, Any]:
    """MINIMAL with the value at a dotted path replaced (a trailing [i] indexes a list)."""
    doc = copy.deepcopy(MINIMAL)
    *parents, last = path.split(".")
    node: Any = doc
    for key in parents:
        node = node.setdefault(key, {})
    if last.endswith("]"):
        key, index = last[:-1].split("[")
        node[key][int(index)] = value
    else:
        node[last] = value
    return doc


def test_minimal_document_parses() -> None:
    m = parse(MINIMAL)
    assert m.project("PsycoPG2") is not None
    assert m.debian_releases == ("bookworm", "trixie")


@pytest.mark.parametrize(("path", "value", "message"), [
    ("projects.psycopg2.apk", ["build-base", "x", 3],
     "projects.psycopg2.apk[2]: expected a string"),
    ("projects.psycopg2.apk", "libpq-dev",
     "projects.psycopg2.apk: expected a list of strings"),
    ("projects.psycopg2.native", ["cobol"], "projects.psycopg2.native[0]: unknown kind 'cobol'"),
    ("projects.psycopg2.uses", ["rust"], "projects.psycopg2.uses[0]: unknown shared entry 'rust'"),
    ("projects.psycopg2.optional", "yes please",
     "projects.psycopg2.optional: expected true or false"),
    ("projects.psycopg2.colour", "blue", "projects.psycopg2.colour: unknown key"),
    ("projects.psycopg2.env", {"A": 1}, "projects.psycopg2.env.A: expected a string"),
    ("projects.psycopg2.apt_runtime", {"bookworm": ["libpq5"]},
     "projects.psycopg2.apt_runtime: a per-release mapping must name exactly the releases"),
    ("projects.psycopg2.versions", [{"specifier": "~=banana", "apk": []}],
     "projects.psycopg2.versions[0].specifier: not a PEP 440 specifier"),
    ("projects.psycopg2.versions", [{"apk": []}],
     "projects.psycopg2.versions[0].specifier: expected a string"),
    ("projects.psycopg2.alternatives", [{"kind": "magic", "name": "x", "note": "n"}],
     "projects.psycopg2.alternatives[0].kind: unknown kind 'magic'"),
    ("projects.psycopg2.alpine_package", {"name": "py3-psycopg2"},
     "projects.psycopg2.alpine_package.version: expected a string"),
    ("projects.Psycopg_2", {"native": []}, "projects.Psycopg_2: not a canonical PyPI name"),
    ("shared.c-toolchain.uses", ["c-toolchain"], "shared.c-toolchain.uses: loops through"),
    ("kinds.c", ["nope"], "kinds.c[0]: unknown shared entry 'nope'"),
    ("sonames.libpq", {"apk": 5}, "sonames.libpq.apk: expected a list of strings"),
    ("schema_version", 2, "schema_version: expected 1, got 2"),
    ("debian_releases", "bookworm", "debian_releases: expected a list of strings"),
    ("projects", ["psycopg2"], "projects: expected a mapping, got list"),
    ("projects.psycopg2.apt_missing", {"buster": "libpq"},
     "projects.psycopg2.apt_missing.buster: not a listed Debian release"),
    ("projects.psycopg2.apt_missing", {"bookworm": ""},
     "projects.psycopg2.apt_missing.bookworm: expected a string"),
    ("projects.psycopg2.apt_missing", ["bookworm"],
     "projects.psycopg2.apt_missing: expected a mapping, got list"),
])
def test_bad_entries_name_the_key(path: str, value: Any, message: str) -> None:
    with pytest.raises(MappingError) as err:
        parse(broken(path, value))
    assert message in str(err.value)
    assert str(err.value).startswith("test.yaml: ")


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(MappingError, match="expected a mapping at the top level"):
        parse(["a"])


def test_per_release_apt_names() -> None:
    doc = broken("projects.psycopg2.apt_runtime",
                 {"bookworm": ["libssl3"], "trixie": ["libssl3t64"]})
    spec = parse(doc).projects["psycopg2"].spec
    assert spec.apt_runtime.for_release("bookworm") == ("libssl3",)
    assert spec.apt_runtime.for_release("trixie") == ("libssl3t64",)
    assert spec.apt_runtime.for_release(None) == ("libssl3t64",)
    assert spec.apt_runtime.all_names() == {"libssl3", "libssl3t64"}


def test_a_release_the_mapping_does_not_list_is_an_error_not_the_newest_names() -> None:
    doc = broken("projects.psycopg2.apt_runtime",
                 {"bookworm": ["libssl3"], "trixie": ["libssl3t64"]})
    spec = parse(doc).projects["psycopg2"].spec
    with pytest.raises(MappingError, match="no Debian bullseye package names"):
        spec.apt_runtime.for_release("bullseye")


def test_a_need_a_release_does_not_package_is_kept_per_release() -> None:
    doc = broken("projects.psycopg2.apt_missing", {"bookworm": "libpq 17"})
    spec = parse(doc).projects["psycopg2"].spec
    assert spec.apt_missing == (("bookworm", "libpq 17"),)


def test_a_plain_list_holds_for_every_release() -> None:
    spec = parse(MINIMAL).projects["psycopg2"].spec
    assert spec.apt_runtime.for_release("bullseye") == ("libpq5",)


def test_an_overlay_must_keep_the_bundled_releases() -> None:
    base = parse(MINIMAL)
    overlay = {"schema_version": 1, "debian_releases": ["trixie"]}
    with pytest.raises(MappingError, match="debian_releases: an overlay must list"):
        parse_document(overlay, "mine.yaml", base)


def test_version_overrides_first_match_wins() -> None:
    doc = broken("projects.psycopg2.versions", [
        {"specifier": "<2", "apk": ["old-dev"]}, {"specifier": "<3", "apk": ["mid-dev"]}])
    entry = parse(doc).projects["psycopg2"]
    assert entry.for_version("1.5").apk == ("old-dev",)
    assert entry.for_version("2.9").apk == ("mid-dev",)
    assert entry.for_version("3.0").apk == ("libpq-dev",)
    assert entry.for_version("3.0rc1").apk == ("libpq-dev",)
    assert entry.for_version("2.0rc1").apk == ("mid-dev",)
    assert entry.for_version("not a version").apk == ("libpq-dev",)
    assert entry.for_version(None).apk == ("libpq-dev",)
    assert entry.for_version("1.0").apk_runtime == ("libpq",)


def test_bundled_mapping_is_cached_and_found() -> None:
    assert bundled_mapping() is bundled_mapping()
    assert "apk-mapping.yaml" in str(bundled_path())
    assert load_mapping() is bundled_mapping()


def test_json_twin_holds_the_yaml_data() -> None:
    """The JSON runs load is the YAML's data exactly (else: tools/gen_mapping.py
    --compact-only), and validates to the same mapping."""
    yaml_doc = yaml.safe_load(Path(str(bundled_path())).read_text(encoding="utf-8"))
    json_doc = json.loads(compact_path().read_text(encoding="utf-8"))
    assert json_doc == yaml_doc, "run tools/gen_mapping.py --compact-only"
    assert list(json_doc) == list(yaml_doc)
    for key in ("kinds", "shared", "sonames", "projects"):
        assert list(json_doc[key]) == list(yaml_doc[key]), key
    assert parse_document(yaml_doc, "apk-mapping.yaml") == bundled_mapping()


def test_bundled_mapping_falls_back_to_the_yaml(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setattr("wheelfit.buildneeds.mapping.compact_path",
                        lambda: tmp_path / "missing.json")
    assert bundled_mapping.__wrapped__() == bundled_mapping()
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    monkeypatch.setattr("wheelfit.buildneeds.mapping.compact_path", lambda: bad)
    with pytest.raises(MappingError, match=r"^apk-mapping\.json: not valid JSON"):
        bundled_mapping.__wrapped__()


def test_overlay_replaces_projects_and_keeps_the_rest(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    overlay.write_text(yaml.safe_dump({
        "schema_version": 1,
        "projects": {"psycopg2": {"native": ["c"], "apk": ["my-libpq-dev"]},
                     "in-house": {"native": ["rust"], "uses": ["pkgconf"]}},
    }), encoding="utf-8")
    m = load_mapping(overlay)
    assert m.projects["psycopg2"].spec.apk == ("my-libpq-dev",)
    assert m.project("in-house") is not None
    assert m.project("lxml") == bundled_mapping().project("lxml")
    assert m.origins[-1] == str(overlay)


def test_overlay_errors_name_the_file(tmp_path: Path) -> None:
    overlay = tmp_path / "bad.yaml"
    overlay.write_text("schema_version: 1\nprojects:\n  foo:\n    apk: [a, {b: c}]\n",
                       encoding="utf-8")
    with pytest.raises(MappingError,
                       match=r"bad\.yaml: projects\.foo\.apk\[1\]: expected a string"):
        load_mapping(overlay)
    (tmp_path / "worse.yaml").write_text("projects: [\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid YAML"):
        load_mapping(tmp_path / "worse.yaml")
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(tmp_path / "absent.yaml")


def test_soname_lookup(mapping: ApkMapping) -> None:
    assert soname_stem("libscipy_openblas64_-ff651d7f.so") == "libscipy_openblas64_"
    assert mapping.soname("libpq.so.5") is not None
    assert mapping.soname("libscipy_openblas64_.so") is not None
    assert mapping.soname("libnothing.so.9") is None


# --- fuzz: whatever the document, only MappingError comes out -----------------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                     st.text(max_size=12), st.sampled_from(
                         ["c", "rust", "c-toolchain", "bookworm", "trixie", "<3", ">=1,<2",
                          "psycopg2", "binary-twin", "libpq-dev"]))
_keys = st.one_of(st.sampled_from(sorted({
    "schema_version", "debian_releases", "kinds", "shared", "pip_provides", "sonames",
    "projects", "psycopg2", "native", "optional", "uses", "apk", "apk_runtime", "apt",
    "apt_runtime", "env", "versions", "alternatives", "alpine_package", "source", "note",
    "specifier", "kind", "name", "version", "apk_dev", "apt_dev", "c", "c-toolchain",
    "bookworm", "trixie", "libpq.so.5"})), st.text(max_size=8), st.integers())
_docs = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=5)), max_leaves=30)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_docs)
def test_fuzz_random_documents(doc: Any) -> None:
    with contextlib.suppress(MappingError):
        parse(doc)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from([
    "projects.psycopg2.apk", "projects.psycopg2.apt_runtime", "projects.psycopg2.versions",
    "projects.psycopg2.alternatives", "projects.psycopg2.env", "projects.psycopg2.native",
    "shared.c-toolchain.uses", "kinds.c", "sonames.libx", "debian_releases", "projects.psycopg2",
    "schema_version", "pip_provides", "projects.psycopg2.alpine_package"]), value=_docs)
def test_fuzz_one_bad_value_in_a_good_document(path: str, value: Any) -> None:
    doc = broken(path, value)
    if path != "schema_version":
        doc["schema_version"] = 1
    with contextlib.suppress(MappingError):
        parse(doc)


@settings(max_examples=150)
@given(text=st.text(alphabet=st.sampled_from(list("ab:-[]{}, \n\"'#&*!|>1")), max_size=60))
def test_fuzz_yaml_text(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "overlay.yaml"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(MappingError):
        load_mapping(path)
