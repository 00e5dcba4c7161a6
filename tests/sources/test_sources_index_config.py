"""Index configuration: precedence CLI > file > env > pip config > PyPI; redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from wheelfit.errors import InputFileError
from wheelfit.model import IndexOptions
from wheelfit.sources.index_config import (
    DEFAULT_INDEX,
    default_pip_config_files,
    read_pip_config,
    resolve_index_options,
)

NONE = IndexOptions()


def conf(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_is_pypi() -> None:
    options, source = resolve_index_options(NONE, NONE, {}, [])
    assert options.index_url == DEFAULT_INDEX and source == f"index {DEFAULT_INDEX} (default)"


def test_cli_beats_everything(tmp_path: Path) -> None:
    config = conf(tmp_path, "pip.conf", "[global]\nindex-url = https://config.example/simple\n")
    options, source = resolve_index_options(
        IndexOptions(index_url="https://cli.example/simple"),
        IndexOptions(index_url="https://file.example/simple"),
        {"PIP_INDEX_URL": "https://env.example/simple"}, [config])
    assert options.index_url == "https://cli.example/simple" and "(--index-url)" in source


def test_file_beats_env(tmp_path: Path) -> None:
    options, source = resolve_index_options(
        NONE, IndexOptions(index_url="https://file.example/simple"),
        {"PIP_INDEX_URL": "https://env.example/simple"}, [])
    assert options.index_url == "https://file.example/simple"
    assert "(the dependency file)" in source


def test_env_beats_config(tmp_path: Path) -> None:
    config = conf(tmp_path, "pip.conf", "[global]\nindex-url = https://config.example/simple\n")
    options, _ = resolve_index_options(NONE, NONE, {"PIP_INDEX_URL": "https://env.example/s"},
                                       [config])
    assert options.index_url == "https://env.example/s"


@pytest.mark.parametrize("name", ["UV_DEFAULT_INDEX", "UV_INDEX_URL"])
def test_uv_env_vars(name: str) -> None:
    options, source = resolve_index_options(NONE, NONE, {name: "https://uv.example/simple"}, [])
    assert options.index_url == "https://uv.example/simple" and name in source


def test_config_file_global_section(tmp_path: Path) -> None:
    config = conf(tmp_path, "pip.conf", "[global]\nindex-url = https://config.example/simple\n")
    options, source = resolve_index_options(NONE, NONE, {}, [config])
    assert options.index_url == "https://config.example/simple"
    assert source.endswith(f"(pip config {config})")


def test_install_section_overrides_global(tmp_path: Path) -> None:
    config = conf(tmp_path, "pip.conf", "[global]\nindex-url = https://g.example/simple\n"
                                        "[install]\nindex-url = https://i.example/simple\n")
    options, _ = resolve_index_options(NONE, NONE, {}, [config])
    assert options.index_url == "https://i.example/simple"


def test_later_config_file_overrides_earlier(tmp_path: Path) -> None:
    first = conf(tmp_path, "a.conf", "[global]\nindex-url = https://a.example/simple\n")
    second = conf(tmp_path, "b.conf", "[global]\nindex_url = https://b.example/simple\n")
    options, _ = resolve_index_options(NONE, NONE, {}, [first, second])
    assert options.index_url == "https://b.example/simple"


def test_missing_config_files_are_ignored(tmp_path: Path) -> None:
    options, _ = resolve_index_options(NONE, NONE, {}, [tmp_path / "absent.conf"])
    assert options.index_url == DEFAULT_INDEX


def test_invalid_config_is_an_input_error(tmp_path: Path) -> None:
    config = conf(tmp_path, "pip.conf", "index-url = https://x.example\n")
    with pytest.raises(InputFileError) as caught:
        read_pip_config([config])
    assert caught.value.path == str(config)


def test_extra_indexes_add_up_cli_then_file_then_env() -> None:
    options, _ = resolve_index_options(
        IndexOptions(extra_index_urls=("https://cli.example/s",)),
        IndexOptions(extra_index_urls=("https://file.example/s",)),
        {"PIP_EXTRA_INDEX_URL": "https://e1.example/s https://e2.example/s"}, [])
    assert options.extra_index_urls == ("https://cli.example/s", "https://file.example/s",
                                        "https://e1.example/s", "https://e2.example/s")


def test_env_extra_indexes_replace_config_ones(tmp_path: Path) -> None:
    config = conf(tmp_path, "pip.conf", "[global]\nextra-index-url =\n  https://c1.example/s\n"
                                        "  https://c2.example/s\n")
    assert resolve_index_options(NONE, NONE, {}, [config])[0].extra_index_urls == (
        "https://c1.example/s", "https://c2.example/s")
    options, _ = resolve_index_options(NONE, NONE, {"UV_EXTRA_INDEX_URL": "https://u.example/s"},
                                       [config])
    assert options.extra_index_urls == ("https://u.example/s",)


def test_uv_index_names_are_dropped() -> None:
    options, _ = resolve_index_options(NONE, NONE,
                                       {"UV_INDEX": "torch=https://download.pytorch.org/whl/cpu"},
                                       [])
    assert options.extra_index_urls == ("https://download.pytorch.org/whl/cpu",)


def test_credentials_are_redacted_in_the_description() -> None:
    _, source = resolve_index_options(
        NONE, NONE, {"PIP_INDEX_URL": "https://bob:hunter2@corp.example/simple",
                     "PIP_EXTRA_INDEX_URL": "https://tok@x.example/simple"}, [])
    assert "hunter2" not in source and "tok@" not in source and "***@corp.example" in source


def test_credentials_stay_in_the_options() -> None:
    options, _ = resolve_index_options(
        NONE, NONE, {"PIP_INDEX_URL": "https://bob:hunter2@corp.example/simple"}, [])
    assert options.index_url == "https://bob:hunter2@corp.example/simple"


def test_flags_from_any_layer(tmp_path: Path) -> None:
    config = conf(tmp_path, "pip.conf", "[install]\nprefer-binary = true\n")
    options, _ = resolve_index_options(NONE, NONE, {"PIP_PRE": "1"}, [config])
    assert (options.pre, options.prefer_binary) == (True, True)


def test_binary_controls_cli_over_file() -> None:
    options, _ = resolve_index_options(IndexOptions(no_binary=frozenset({"lxml"})),
                                       IndexOptions(only_binary=frozenset({":all:"})), {}, [])
    assert options.only_binary == frozenset({":all:"})
    assert options.no_binary == frozenset({"lxml"})


def test_binary_controls_from_env() -> None:
    options, _ = resolve_index_options(NONE, NONE, {"PIP_ONLY_BINARY": ":all:"}, [])
    assert options.only_binary == frozenset({":all:"})


def test_find_links_add_up() -> None:
    options, _ = resolve_index_options(IndexOptions(find_links=("/wheels",)),
                                       IndexOptions(find_links=("./local",)),
                                       {"PIP_FIND_LINKS": "https://links.example/"}, [])
    assert options.find_links == ("/wheels", "./local", "https://links.example/")


def test_pip_config_files_order(tmp_path: Path) -> None:
    files = default_pip_config_files({"HOME": str(tmp_path)})
    assert files == [Path("/etc/xdg/pip/pip.conf"), Path("/etc/pip.conf"),
                     tmp_path / ".pip" / "pip.conf", tmp_path / ".config" / "pip" / "pip.conf"]


def test_pip_config_file_env_skips_user_files_when_it_exists(tmp_path: Path) -> None:
    custom = conf(tmp_path, "custom.conf", "[global]\n")
    files = default_pip_config_files({"HOME": str(tmp_path), "PIP_CONFIG_FILE": str(custom)})
    assert files[-1] == custom and tmp_path / ".pip" / "pip.conf" not in files


def test_pip_config_file_devnull_disables_all() -> None:
    assert default_pip_config_files({"PIP_CONFIG_FILE": "/dev/null"}) == []


def test_xdg_dirs_are_honoured(tmp_path: Path) -> None:
    files = default_pip_config_files({"HOME": str(tmp_path), "XDG_CONFIG_DIRS": "/opt/a:/opt/b",
                              "XDG_CONFIG_HOME": str(tmp_path / "cfg")})
    assert files[:2] == [Path("/opt/a/pip/pip.conf"), Path("/opt/b/pip/pip.conf")]
    assert files[-1] == tmp_path / "cfg" / "pip" / "pip.conf"
