"""`main` runs with the cyclic collector off and gives the old state back."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from wheelfit import cli


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_a_run_has_the_collector_off_and_turns_it_back_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(cli.cli, "main", lambda **kwargs: seen.append(gc.isenabled()))
    cli.main(["--version"])
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_failed_run_turns_the_collector_back_on(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(**kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.cli, "main", interrupted)
    with pytest.raises(SystemExit):
        cli.main(["check"])
    assert gc.isenabled()


def test_a_caller_that_had_it_off_keeps_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.cli, "main", lambda **kwargs: None)
    was = gc.isenabled()
    gc.disable()
    try:
        cli.main(["--version"])
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_the_process_own_run_freezes_its_objects_for_the_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli.cli, "main", lambda **kwargs: None)
    monkeypatch.setattr("sys.argv", ["wheelfit", "--version"])
    gc.unfreeze()
    cli.main()
    assert gc.get_freeze_count() > 0


@pytest.mark.usefixtures("unfrozen")
def test_a_run_with_its_own_arguments_freezes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.cli, "main", lambda **kwargs: None)
    gc.unfreeze()
    cli.main(["--version"])
    assert gc.get_freeze_count() == 0
