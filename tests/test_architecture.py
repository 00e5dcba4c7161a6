"""The tree keeps the shape docs/architecture.md describes (issue 16's "done when").

Each rule runs on the real tree and, so that it is known to bite, on a small broken tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from architecture import (
    LAYERS,
    MAX_FUNCTION_LINES,
    MAX_MODULE_LINES,
    cycles,
    hygiene_violations,
    import_graph,
    layer_violations,
    size_violations,
    tree_shape,
    untyped_options,
)

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "wheelfit"
TESTS = ROOT / "tests"


def test_few_top_level_modules_and_enough_subpackages() -> None:
    assert tree_shape(PACKAGE) == []


def test_no_import_cycles() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_no_layer_imports_an_upper_one() -> None:
    assert layer_violations(import_graph(PACKAGE)) == []


def test_every_subpackage_and_module_has_a_layer() -> None:
    placed = {name for layer in LAYERS for name in layer}
    tops = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert (tops | packages) - placed == set()


def test_no_long_modules_or_functions() -> None:
    assert size_violations(PACKAGE) == []


def test_options_are_typed() -> None:
    assert untyped_options(PACKAGE) == []


def test_tests_edit_no_sys_path_and_import_no_test_module() -> None:
    assert hygiene_violations(TESTS) == []


def test_the_architecture_doc_states_the_layers_checked_here() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for layer in LAYERS:
        names = " ".join(f"`{name or '__init__'}`" for name in layer)
        assert names in doc, f"docs/architecture.md does not list the layer {names}"


# The same rules on a tree that breaks each of them once.


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    long_function = "def long():\n" + "    x = 1\n" * MAX_FUNCTION_LINES
    files = {
        "wheelfit/__init__.py": "",
        "wheelfit/model.py": "def helper():\n    from wheelfit.compat import select\n",
        "wheelfit/compat/__init__.py": "",
        "wheelfit/compat/select.py": "import wheelfit.model\n",
        "wheelfit/errors.py": "from wheelfit.cli import main\n",
        "wheelfit/cli.py": "def main(options: dict[str, Any]) -> None: ...\n",
        "wheelfit/big.py": "x = 1\n" * (MAX_MODULE_LINES + 1) + long_function,
    }
    files.update({f"wheelfit/m{i}.py": "" for i in range(8)})
    return write(tmp_path, files) / "wheelfit"


def test_the_rules_catch_a_broken_tree(broken: Path) -> None:
    graph = import_graph(broken)
    assert cycles(graph) == [["wheelfit.compat.select", "wheelfit.model"]]
    assert any("wheelfit.errors → wheelfit.cli" in v for v in layer_violations(graph))
    assert any("wheelfit.model → wheelfit.compat.select" in v for v in layer_violations(graph))
    shape = tree_shape(broken)
    assert any("modules at the top" in v for v in shape)
    assert any("subpackages" in v for v in shape)
    sizes = size_violations(broken)
    assert any(f"{MAX_MODULE_LINES + MAX_FUNCTION_LINES + 2} lines" in v for v in sizes)
    assert any("long has" in v for v in sizes)
    assert untyped_options(broken) == [f"{broken / 'cli.py'}:1: main(options: dict[str, Any])"]


def test_the_test_rules_catch_sys_path_edits_and_test_imports(tmp_path: Path) -> None:
    write(tmp_path, {
        "conftest.py": "import sys\nsys.path.insert(0, 'x')\n",
        "test_a.py": "from test_b import helper\n",
        "test_b.py": "def helper(): ...\n",
        "helpers.py": "import sys\nsys.path.append('y')\n",
    })
    found = hygiene_violations(tmp_path)
    assert len(found) == 3
    assert any("test_a.py:1: imports the test module test_b.helper" in v for v in found)
