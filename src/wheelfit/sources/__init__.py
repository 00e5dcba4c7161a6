"""Input files → `DependencySpec`: one parser per format, behind one entry point.

`load.load_spec` reads a file (format from its name, or forced). `discover.discover` finds
one dependency file per service below a folder (`check --recursive`); it is not re-exported
here, so a run without --recursive does not load it. The parsers (`requirements`,
`pyproject`, `lock_*`) are imported only for a file of their format.
"""

from __future__ import annotations

from wheelfit.sources.load import FORMATS, detect_format, load_spec

__all__ = ["FORMATS", "detect_format", "load_spec"]
