"""Which wheel members pip byte-compiles at install: the `.py` files of the library part."""

from __future__ import annotations

import pytest

from wheelfit.index.wheelsummary import compiled_by_pip


@pytest.mark.parametrize(("member", "compiled"), [
    ("six.py", True),
    ("numpy/core/__init__.py", True),
    ("pkg.data/purelib/extra/mod.py", True),
    ("pkg.data/platlib/ext/mod.py", True),
    ("pkg.data/scripts/tool.py", False),
    ("pkg.data/data/share/example.py", False),
    ("pkg-1.0.dist-info/METADATA", False),
    ("pkg-1.0.dist-info/hook.py", False),
    ("numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so", False),
    ("pkg/typed.pyi", False),
    ("pkg/data.pyc", False),
])
def test_compiled_by_pip(member: str, compiled: bool) -> None:
    assert compiled_by_pip(member) is compiled
