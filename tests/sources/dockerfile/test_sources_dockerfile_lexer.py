"""The lexer's rules, one table row each (tests/data/dockerfile_rules/lexer.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from wheelfit.errors import InputFileError
from wheelfit.sources.dockerfile.lexer import Instruction, lex

RULES = Path(__file__).resolve().parents[2] / "data" / "dockerfile_rules" / "lexer.yaml"
CASES = yaml.safe_load(RULES.read_text(encoding="utf-8"))["cases"]


def view(ins: Instruction, keys: dict[str, Any]) -> dict[str, Any]:
    full: dict[str, Any] = {
        "keyword": ins.keyword, "line": ins.line, "args": ins.args,
        "flags": [list(pair) for pair in ins.flags],
        "exec_form": None if ins.exec_form is None else list(ins.exec_form),
    }
    if "heredocs" in keys:
        full["heredocs"] = [
            {k: v for k, v in {"name": h.name, "body": h.body, "line": h.line}.items()
             if any(k in want for want in keys["heredocs"])} for h in ins.heredocs]
    return {k: full[k] for k in keys}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_lexer_rule(case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(InputFileError) as caught:
            lex(case["text"], "Dockerfile")
        assert case["error"] in caught.value.message
        assert caught.value.path == "Dockerfile"
        assert caught.value.line == case["line"]
        return
    lexed = lex(case["text"], "Dockerfile")
    assert [view(i, want) for i, want in zip(lexed.instructions, case["instructions"],
                                             strict=False)] == case["instructions"]
    assert len(lexed.instructions) == len(case["instructions"])
    if "directives" in case:
        assert [list(d) for d in lexed.directives] == case["directives"]
