"""`RunOptions`: every option the CLI parses has a typed field, and defaults agree."""

from __future__ import annotations

from dataclasses import fields

import click
import pytest

from wheelfit.cli import cli
from wheelfit.commands.options import RunOptions

COMMANDS = ["check", "dockerfile", "inspect"]
FIELDS = {f.name for f in fields(RunOptions)}


def option_params(name: str) -> list[click.Option]:
    command = cli.commands[name]
    return [p for p in command.params if isinstance(p, click.Option) and p.name]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_cli_option_is_a_field(name: str) -> None:
    assert {p.name for p in option_params(name)} - FIELDS == set()


@pytest.mark.parametrize("name", COMMANDS)
def test_cli_defaults_equal_the_field_defaults(name: str) -> None:
    defaults = RunOptions()
    for param in option_params(name):
        if isinstance(param.default, (str, int, float)) and not param.is_flag:
            assert getattr(defaults, str(param.name)) == param.default, param.name


def test_options_click_leaves_unset_take_the_defaults() -> None:
    options = RunOptions.from_cli({"python": None, "targets": (), "timeout": 5.0})
    assert options.python is None and options.timeout == 5.0
    assert options.target_names == ("slim", "alpine")


def test_options_are_frozen() -> None:
    with pytest.raises(AttributeError):
        RunOptions().pre = True  # type: ignore[misc]
