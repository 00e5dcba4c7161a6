"""Format `text`: kept as an import path; the renderer is `wheelfit.formats.terminal`.

Without the `color` option the terminal renderer is plain text (no escape codes), which is
what `text` always was. Import from `wheelfit.formats.terminal` in new code.
"""

from __future__ import annotations

from wheelfit.formats.terminal import render

__all__ = ["render"]
