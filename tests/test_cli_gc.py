"""`main` runs with the collector's thresholds for a run and gives the old ones back."""

from __future__ import annotations

import gc

import pytest

from wheelfit import cli


def test_a_run_uses_the_run_thresholds_and_restores_the_old_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[int, int, int]] = []
    monkeypatch.setattr(cli.cli, "main", lambda **kwargs: seen.append(gc.get_threshold()))
    before = gc.get_threshold()
    cli.main(["--version"])
    assert seen == [cli.GC_THRESHOLDS] != [before]
    assert gc.get_threshold() == before


def test_a_failed_run_restores_the_old_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(**kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.cli, "main", interrupted)
    before = gc.get_threshold()
    with pytest.raises(SystemExit):
        cli.main(["check"])
    assert gc.get_threshold() == before
