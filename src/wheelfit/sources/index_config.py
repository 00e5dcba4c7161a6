"""Which index to ask, from the places pip (and uv) users configure it.

Precedence for the primary index: the command line > the dependency file (`-i` in a
requirements file, a lock's index) > the environment (`PIP_INDEX_URL`, then
`UV_DEFAULT_INDEX`, then `UV_INDEX_URL`) > pip's configuration files > PyPI.

Extra indexes and find-links add up as they do in pip: the command line's, then the file's,
then the environment's (`PIP_EXTRA_INDEX_URL`, `UV_EXTRA_INDEX_URL`, `UV_INDEX`; space
separated) — or, when the environment sets none, the configuration files'.
`--pre`/`--prefer-binary` are on when any layer turns them on; `--no-binary`/`--only-binary`
layers are applied from the lowest to the highest precedence with pip's mutual-exclusion
rules.

pip's configuration files, in load order (a later file overrides an earlier one; in each
file `[install]` overrides `[global]`): `$XDG_CONFIG_DIRS/pip/pip.conf` (default
`/etc/xdg/pip/pip.conf`), `/etc/pip.conf`, `~/.pip/pip.conf`,
`$XDG_CONFIG_HOME/pip/pip.conf` (default `~/.config/pip/pip.conf`), then `PIP_CONFIG_FILE`
(when it exists the two user files are skipped; `PIP_CONFIG_FILE=/dev/null` disables them
all). Everything that reaches a message goes through `redact_url`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from wheelfit.errors import InputFileError
from wheelfit.model import IndexOptions
from wheelfit.redact import redact_url
from wheelfit.sources.format_control import OptionLineError, apply_format_control
from wheelfit.sources.reading import FileKind, UnreadableFile, decode, read_bounded

DEFAULT_INDEX = "https://pypi.org/simple/"
_TRUE = ("1", "true", "yes", "on", "y")
PIP_CONFIG = FileKind("a pip configuration file", 1024 * 1024,
                      "Fix the file or point PIP_CONFIG_FILE elsewhere.")


def default_pip_config_files(environ: Mapping[str, str], home: Path | None = None) -> list[Path]:
    """pip's configuration files on a Unix-like system, in load order."""
    config_file = environ.get("PIP_CONFIG_FILE")
    if config_file == os.devnull:
        return []
    xdg_dirs = environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    files = [Path(d) / "pip" / "pip.conf" for d in xdg_dirs.split(os.pathsep) if d]
    files.append(Path("/etc/pip.conf"))
    if not (config_file and os.path.exists(config_file)):
        user_home = home or Path(environ.get("HOME") or os.path.expanduser("~"))
        config_home = Path(environ.get("XDG_CONFIG_HOME") or user_home / ".config")
        files += [user_home / ".pip" / "pip.conf", config_home / "pip" / "pip.conf"]
    if config_file:
        files.append(Path(config_file))
    return files


def read_pip_config(files: Sequence[Path]) -> dict[str, tuple[str, str]]:
    """Merged `key → (value, file)` of the files that exist ([global], then [install])."""
    merged: dict[str, tuple[str, str]] = {}
    for path in files:
        text = _read_config(path)
        if text is None:
            continue
        import configparser  # only when a configuration file exists

        parser = configparser.RawConfigParser()
        try:
            parser.read_string(text, source=str(path))
        except configparser.Error as exc:
            raise InputFileError(
                f"invalid pip configuration: {exc.message}",
                path=str(path),
                hint="Fix the file or point PIP_CONFIG_FILE elsewhere.",
            ) from None
        for section in ("global", "install"):
            if parser.has_section(section):
                for key, value in parser.items(section):
                    merged[key.replace("_", "-")] = (value, str(path))
    return merged


def _read_config(path: Path) -> str | None:
    """A configuration file's text; None when there is none (as pip, a missing file or a
    folder in its place is skipped). Devices, FIFOs and oversized files raise."""
    try:
        data = read_bounded(path, PIP_CONFIG)
    except UnreadableFile as exc:
        if exc.missing or os.path.isdir(path):
            return None
        raise InputFileError(exc.reason, path=str(path), hint=exc.hint) from None
    return decode(data, str(path), PIP_CONFIG.noun)


def resolve_index_options(
    cli: IndexOptions,
    file_options: IndexOptions,
    environ: Mapping[str, str] | None = None,
    pip_config_files: Sequence[Path] | None = None,
) -> tuple[IndexOptions, str]:
    """Merge the layers (see the module docstring); returns the options and a sentence
    naming where the primary index came from, with credentials redacted."""
    env = os.environ if environ is None else environ
    config = read_pip_config(
        default_pip_config_files(env) if pip_config_files is None else pip_config_files
    )
    layers: list[tuple[str | None, str]] = [
        (cli.index_url, "--index-url"),
        (file_options.index_url, "the dependency file"),
        (env.get("PIP_INDEX_URL"), "PIP_INDEX_URL"),
        (env.get("UV_DEFAULT_INDEX"), "UV_DEFAULT_INDEX"),
        (env.get("UV_INDEX_URL"), "UV_INDEX_URL"),
    ]
    if "index-url" in config:
        layers.append((config["index-url"][0].strip(), f"pip config {config['index-url'][1]}"))
    index_url, source = next(((u, s) for u, s in layers if u), (DEFAULT_INDEX, "default"))
    env_extra = [
        *env.get("PIP_EXTRA_INDEX_URL", "").split(),
        *env.get("UV_EXTRA_INDEX_URL", "").split(),
        *(
            item.split("=", 1)[-1] if "=" in item.split("://", 1)[0] else item
            for item in env.get("UV_INDEX", "").split()
        ),
    ]
    extra = _add(
        cli.extra_index_urls,
        file_options.extra_index_urls,
        env_extra or _config_list(config, "extra-index-url"),
    )
    links = _add(
        cli.find_links,
        file_options.find_links,
        env.get("PIP_FIND_LINKS", "").split() or _config_list(config, "find-links"),
    )
    no_binary: set[str] = set()
    only_binary: set[str] = set()
    try:
        for key, kind in (("no-binary", "no"), ("only-binary", "only")):
            if key in config:
                apply_format_control([(kind, config[key][0].strip())], no_binary, only_binary)
        for name, kind in (("PIP_NO_BINARY", "no"), ("PIP_ONLY_BINARY", "only")):
            if env.get(name):
                apply_format_control([(kind, env[name])], no_binary, only_binary)
    except OptionLineError as exc:
        raise InputFileError(f"invalid --no-binary/--only-binary setting: {exc.msg}") from None
    for layer in (file_options, cli):
        apply_format_control(_layer_ops(layer), no_binary, only_binary)
    merged = IndexOptions(
        index_url=index_url,
        extra_index_urls=extra,
        find_links=links,
        pre=cli.pre or file_options.pre or _flag(env, config, "PIP_PRE", "pre"),
        only_binary=frozenset(only_binary),
        no_binary=frozenset(no_binary),
        prefer_binary=cli.prefer_binary
        or file_options.prefer_binary
        or _flag(env, config, "PIP_PREFER_BINARY", "prefer-binary"),
    )
    described = f"index {redact_url(index_url)} ({source})"
    if extra:
        described += "; extra indexes " + ", ".join(redact_url(u) for u in extra)
    return merged, described


def _add(*groups: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group if item))


def _config_list(config: Mapping[str, tuple[str, str]], key: str) -> list[str]:
    return config[key][0].split() if key in config else []


def _flag(
    env: Mapping[str, str], config: Mapping[str, tuple[str, str]], name: str, key: str
) -> bool:
    value = env.get(name) or (config[key][0] if key in config else "")
    return value.strip().lower() in _TRUE


def _layer_ops(layer: IndexOptions) -> list[tuple[str, str]]:
    ops = [("no", name) for name in sorted(layer.no_binary)]
    ops += [("only", name) for name in sorted(layer.only_binary)]
    return sorted(ops, key=lambda op: op[1] != ":all:")  # `:all:` first, then exceptions


def named_index_url(url: str, name: str | None, environ: Mapping[str, str]) -> str:
    """`url` with `user:password@` from the variables uv and poetry read for a named index:
    `UV_INDEX_<NAME>_USERNAME`/`_PASSWORD`, then `POETRY_HTTP_BASIC_<NAME>_USERNAME`/
    `_PASSWORD` (NAME upper-cased, other characters as `_`). Unchanged when the URL has
    credentials already, the index has no name or no variable is set: ~/.netrc then
    applies, as for pip. The result is a secret: only `redact_url` may show it."""
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(url)
    if not name or "@" in parts.netloc:
        return url
    key = "".join(c if c.isascii() and c.isalnum() else "_" for c in name.upper())
    for prefix in (f"UV_INDEX_{key}_", f"POETRY_HTTP_BASIC_{key}_"):
        user, password = environ.get(prefix + "USERNAME"), environ.get(prefix + "PASSWORD")
        if user or password:
            userinfo = quote(user or "", safe="") + (
                ":" + quote(password, safe="") if password else "")
            return urlunsplit(parts._replace(netloc=f"{userinfo}@{parts.netloc}"))
    return url
