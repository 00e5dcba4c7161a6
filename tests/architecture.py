"""The shape rules of the source tree, read from the files themselves (ast, no imports).

Each check takes a folder and returns its violations as sentences (an empty list when the
rule holds), so tests/test_architecture.py can run them on the real tree and on a small
broken one. The numbers are issue 16's "done when"; the layer order is docs/architecture.md's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from pathlib import Path

MAX_TOP_MODULES = 8
MIN_SUBPACKAGES = 6
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
# Lowest first. A module may import its own package, and any package of a lower layer;
# packages that share a layer do not import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("", "errors", "redact", "shipped"),
    ("model",),
    ("compat",),
    ("index", "sources"),
    ("buildneeds", "sizing"),
    ("resolve",),
    ("pipeline", "formats"),
    ("commands",),
    ("cli",),
    ("__main__",),
)


def module_names(package: Path) -> dict[str, Path]:
    """Dotted name → file of every module below `package` (a folder with __init__.py)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _imported(node: ast.AST, own_package: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = own_package.split(".")[: len(own_package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            yield f"{base}.{alias.name}"


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module → the modules of the same tree it imports, anywhere in its body (functions
    and `TYPE_CHECKING` blocks included). `from pkg import sub` counts as importing `sub`."""
    modules = module_names(package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        own = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _imported(node, own):
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_violations(graph: dict[str, set[str]], layers: Sequence[Sequence[str]] = LAYERS
                     ) -> list[str]:
    """Imports that go up the layer order, or across packages of one layer."""
    rank = {top: level for level, tops in enumerate(layers) for top in tops}

    def top(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else ""

    wrong = []
    for module, targets in sorted(graph.items()):
        here = top(module)
        for target in sorted(targets):
            there = top(target)
            if there == here:
                continue
            if here not in rank or there not in rank:
                wrong.append(f"{module} → {target}: {here or there!r} has no layer")
            elif rank[there] >= rank[here]:
                wrong.append(f"{module} → {target}: layer {rank[here]} imports layer "
                             f"{rank[there]}")
    return wrong


def tree_shape(package: Path) -> list[str]:
    """Top-level module count and subpackage count."""
    tops = sorted(p.name for p in package.glob("*.py"))
    subpackages = sorted(p.parent.name for p in package.glob("*/__init__.py"))
    wrong = []
    if len(tops) > MAX_TOP_MODULES:
        wrong.append(f"{len(tops)} modules at the top of {package.name} (at most "
                     f"{MAX_TOP_MODULES}): {', '.join(tops)}")
    if len(subpackages) < MIN_SUBPACKAGES:
        wrong.append(f"{len(subpackages)} subpackages (at least {MIN_SUBPACKAGES})")
    return wrong


def size_violations(package: Path) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions over MAX_FUNCTION_LINES."""
    wrong = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES:
            wrong.append(f"{path}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    wrong.append(f"{path}:{node.lineno}: {node.name} has {length} lines "
                                 f"(at most {MAX_FUNCTION_LINES})")
    return wrong


def untyped_options(package: Path) -> list[str]:
    """Parameters named like options whose type is a string-keyed dict or mapping."""
    wrong = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            for arg in args:
                note = ast.unparse(arg.annotation) if arg.annotation else ""
                if "option" in arg.arg and ("dict[str" in note or "Mapping[str" in note):
                    wrong.append(f"{path}:{node.lineno}: {node.name}({arg.arg}: {note})")
    return wrong


def hygiene_violations(tests: Path) -> list[str]:
    """`sys.path` edits in test code, and test modules importing other test modules."""
    wrong = []
    for path in sorted(tests.rglob("*.py")):
        if "recorded" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in {"insert", "append", "extend"}
                    and ast.unparse(node.value) == "sys.path"):
                wrong.append(f"{path}:{node.lineno}: edits sys.path")
            if not path.name.startswith("test_"):
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [f"{node.module or ''}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                if any(part.startswith("test_") for part in name.split(".")):
                    wrong.append(f"{path}:{node.lineno}: imports the test module {name}")
    return wrong
