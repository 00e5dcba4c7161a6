"""`RunOptions`: every option of a command, typed and frozen, built once from the CLI."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from wheelfit.commands.config import Config

DEFAULT_TARGETS = ("slim", "alpine")


@dataclass(frozen=True)
class RunOptions:
    """What the user asked for; field names are the CLI's parameter names.

    Targets: `python`, `arch`, `debian`, `alpine`, `targets` (empty: both images).
    Index: `index_url`, `extra_index_url`, `cache_dir`, `no_cache`, `refresh`, `offline`,
    `timeout`, `retries`. Selection: `pre`, `exclude_newer`, `only_binary`, `no_binary`,
    `prefer_binary`. Inputs: `input_format`, `extras`, `all_extras`, `groups`, `dev`,
    `keep_going`, `mapping_path`, `recursive`, `context` (a Dockerfile's build context).
    Output: `fmt`, `outputs` (`FORMAT=PATH`), `output` (`-o`, the file for `fmt`), `fail_on`,
    `show_all`, `no_color`, `verbose` (0, 1 = -v, 2 = -vv), `quiet`, `variant`, `diff` (dockerfile).
    Sizing: `exact_bytecode` (compile the chosen wheels' `.py` files for the `.pyc` bytes).
    `python_source`: where `python` came from, as the report says it.
    """

    python: str | None = None
    arch: str = "x86_64"
    debian: str | None = None
    alpine: str | None = None
    targets: tuple[str, ...] = ()
    index_url: str | None = None
    extra_index_url: tuple[str, ...] = ()
    cache_dir: Path | None = None
    no_cache: bool = False
    refresh: bool = False
    offline: bool = False
    timeout: float = 15.0
    retries: int = 3
    pre: bool = False
    exclude_newer: str | None = None
    only_binary: tuple[str, ...] = ()
    no_binary: tuple[str, ...] = ()
    prefer_binary: bool = False
    input_format: str | None = None
    extras: tuple[str, ...] = ()
    all_extras: bool = False
    groups: tuple[str, ...] = ()
    dev: bool = False
    keep_going: bool = False
    mapping_path: Path | None = None
    recursive: Path | None = None
    context: Path | None = None
    fmt: str = "text"
    outputs: tuple[str, ...] = ()
    output: Path | None = None
    fail_on: tuple[str, ...] = ()
    show_all: bool = False
    no_color: bool = False
    verbose: int = 0
    quiet: bool = False
    variant: str | None = None
    diff: bool = False
    exact_bytecode: bool = False
    python_source: str = "--python"

    @property
    def target_names(self) -> tuple[str, ...]:
        """The images to check: `--target` values, else both."""
        return self.targets or DEFAULT_TARGETS

    @classmethod
    def from_cli(cls, params: Mapping[str, Any], *, config: Config | None = None,
                 given: Collection[str] = (), from_env: Collection[str] = ()) -> RunOptions:
        """The options as click parsed them (None: not given, the default applies), with
        `[tool.wheelfit]` values for the command's options that neither the command line
        nor the environment set (`given`; `from_env`: those the environment set)."""
        values = {key: value for key, value in params.items() if value is not None}
        for key, value in config.values if config is not None else ():
            if key in params and key not in given:
                values[key] = value
                if key == "python" and config is not None and config.path is not None:
                    values["python_source"] = f"{config.path} [tool.wheelfit]"
        if "python" in from_env:
            values["python_source"] = "$WHEELFIT_PYTHON"
        return cls(**values)
