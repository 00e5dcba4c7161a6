"""Today's image from a Dockerfile, layer by layer (table: tests/data/current/cases.yaml)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from estimate_factory import MB, package, report, targets, verdict

from wheelfit.model import CurrentImage, Report, Status
from wheelfit.sizing.current import predict_current
from wheelfit.sources.dockerfile import parse_dockerfile

CASES = yaml.safe_load(
    (Path(__file__).parent.parent / "data" / "current" / "cases.yaml").read_text("utf-8"))


def _report(case: dict[str, Any]) -> Report:
    packages = []
    for p in case["packages"]:
        status = Status.SOURCE_BUILD if p.get("built") else Status.PURE_WHEEL
        one = replace(verdict(status, installed_mb=p["installed"]),
                      py_bytes=int(p["py"] * MB),
                      download_bytes=int(p["download"] * MB) if "download" in p else None)
        if p.get("built"):  # sized from the other target's wheel, as the estimate does
            one = replace(one, installed_bytes=None, py_bytes=None)
            other = replace(verdict(Status.BINARY_WHEEL, installed_mb=p["installed"]),
                            py_bytes=int(p["py"] * MB))
            pair = (one, other) if p["built"] == "slim" else (other, one)
            packages.append(package(p["name"], *pair))
            continue
        packages.append(package(p["name"], one, one))
    return report(packages, targets(**case.get("targets", {})))


def _predict(case: dict[str, Any]) -> CurrentImage | None:
    model = parse_dockerfile(case["dockerfile"], "Dockerfile")
    return predict_current(model, _report(case))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_layers(case: dict[str, Any]) -> None:
    current = _predict(case)
    expect = case["expect"]
    if expect is None:
        assert current is None
        return
    assert current is not None
    assert current.target == expect.get("target", current.target)
    by_instruction = {layer.instruction: layer for layer in current.layers}
    assert list(by_instruction) == [w["instruction"] for w in expect["layers"]]
    for wanted in expect["layers"]:
        layer = by_instruction[wanted["instruction"]]
        assert layer.size_mb is not None
        if "size" in wanted:
            assert layer.size_mb == pytest.approx(wanted["size"], abs=0.15)
        assert layer.size_mb >= wanted.get("min_size", 0.0)
        assert layer.size_mb <= wanted.get("max_size", 1e9)
        text = "\n".join(layer.basis)
        assert all(part in text for part in wanted.get("basis", [])), text
        assert not any(part in text for part in wanted.get("absent", [])), text
    for gap in expect.get("not_modelled", []):
        assert any(g.startswith(gap) for g in current.not_modelled), current.not_modelled


def test_the_total_is_the_sum_of_the_layers() -> None:
    current = _predict(CASES[0])
    assert current is not None and current.size_mb is not None
    assert current.size_mb == pytest.approx(sum(x.size_mb or 0 for x in current.layers), abs=0.2)
    assert current.size_mb_range is not None
    assert current.size_mb_range[0] <= current.size_mb <= current.size_mb_range[1]


def test_every_layer_names_its_source() -> None:
    for case in CASES:
        current = _predict(case)
        for layer in current.layers if current else ():
            assert layer.basis, layer.instruction
