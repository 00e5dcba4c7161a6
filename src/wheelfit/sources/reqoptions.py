"""The options pip accepts inside requirements files, parsed the way pip parses them.

pip builds an `optparse` parser per line from its own option definitions; this module builds
one parser per process from the subset a requirements file may contain and gives each line
fresh values (long-option abbreviations, `--opt=value`, `-iURL` all behave as in pip); a
line without options needs no parser. `--no-binary`/`--only-binary` follow pip's
`FormatControl.handle_mutual_excludes` (in `format_control.py`, which pip's configuration
layering uses without this parser).
"""

from __future__ import annotations

import re
import shlex
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn

from wheelfit.sources.format_control import OptionLineError as OptionLineError
from wheelfit.sources.format_control import apply_format_control as apply_format_control

if TYPE_CHECKING:
    import optparse

STRONG_HASHES = ("sha256", "sha384", "sha512")

# Options that only record something for pip's installer; wheelfit accepts and ignores them.
IGNORED_OPTIONS = (
    ("trusted_hosts", "--trusted-host"),
    ("features_enabled", "--use-feature"),
    ("require_hashes", "--require-hashes"),
    ("no_require_hashes", "--no-require-hashes"),
    ("all_releases", "--all-releases"),
    ("only_final", "--only-final"),
    ("config_settings", "--config-settings"),
    ("global_options", "--global-option"),
    ("install_options", "--install-option"),
)
# Options that apply to the index/finder: pip ignores them on a line with a requirement.
FINDER_OPTIONS = (
    ("index_url", "--index-url"),
    ("extra_index_urls", "--extra-index-url"),
    ("no_index", "--no-index"),
    ("find_links", "--find-links"),
    ("format_ops", "--no-binary/--only-binary"),
    ("prefer_binary", "--prefer-binary"),
    ("pre", "--pre"),
    ("requirements", "--requirement"),
    ("constraints", "--constraint"),
)


def _format_op(
    option: optparse.Option, opt_str: str, value: str, parser: optparse.OptionParser
) -> None:
    kind = "no" if "no-binary" in opt_str else "only"
    assert parser.values is not None
    parser.values.format_ops.append((kind, value))


def _hash(option: optparse.Option, opt_str: str, value: str, parser: optparse.OptionParser) -> None:
    algo, sep, digest = value.partition(":")
    if not sep or not digest:
        raise OptionLineError(
            "arguments to --hash must be a hash name followed by a value, like "
            "--hash=sha256:abcde..."
        )
    if algo not in STRONG_HASHES:
        raise OptionLineError(f"allowed hash algorithms for --hash are {', '.join(STRONG_HASHES)}")
    assert parser.values is not None
    parser.values.hashes.append(value)


_PARSER_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _build_parser() -> optparse.OptionParser:
    import optparse  # only files whose lines carry options pay for it

    class _Parser(optparse.OptionParser):
        def error(self, msg: str) -> NoReturn:
            """Raise instead of printing usage and exiting."""
            raise OptionLineError(msg)

        def exit(self, status: int = 0, msg: str | None = None) -> NoReturn:
            """Raise instead of exiting the process."""
            raise OptionLineError(msg or "invalid option")

    parser = _Parser(add_help_option=False)
    add = parser.add_option
    add("-i", "--index-url", "--pypi-url", dest="index_url", default=None)
    add("--extra-index-url", dest="extra_index_urls", action="append", default=[])
    add("--no-index", dest="no_index", action="store_true", default=False)
    add("-c", "--constraint", dest="constraints", action="append", default=[])
    add("-r", "--requirement", dest="requirements", action="append", default=[])
    add("-e", "--editable", dest="editables", action="append", default=[])
    add("-f", "--find-links", dest="find_links", action="append", default=[])
    for flag in ("--no-binary", "--only-binary"):
        add(flag, action="callback", callback=_format_op, type="str")
    add("--prefer-binary", dest="prefer_binary", action="store_true", default=False)
    add("--require-hashes", dest="require_hashes", action="store_true", default=False)
    add("--no-require-hashes", dest="no_require_hashes", action="store_true", default=False)
    add("--pre", dest="pre", action="store_true", default=False)
    add("--all-releases", dest="all_releases", action="append", default=[])
    add("--only-final", dest="only_final", action="append", default=[])
    add("--trusted-host", dest="trusted_hosts", action="append", default=[])
    add("--use-feature", dest="features_enabled", action="append", default=[])
    add("--hash", action="callback", callback=_hash, type="str")
    add("-C", "--config-settings", dest="config_settings", action="append", default=[])
    add("--global-option", dest="global_options", action="append", default=[])
    add("--install-option", dest="install_options", action="append", default=[])
    return parser


@dataclass
class LineOptions:
    """The options found on one line (only the ones wheelfit looks at are typed)."""

    values: dict[str, Any]
    leftover: list[str] = field(default_factory=list)

    def get_list(self, dest: str) -> list[str]:
        """A list-valued option (empty when absent)."""
        value = self.values.get(dest)
        return list(value) if isinstance(value, list) else []

    def given(self, dest: str) -> bool:
        """True when the line set this option."""
        value = self.values.get(dest)
        return bool(value)


def parse_options(options: str) -> LineOptions:
    """Parse the options part of a line; pip-invalid options raise `OptionLineError`."""
    try:
        words = shlex.split(options)
    except ValueError as exc:
        raise OptionLineError(f"could not split options: {exc}") from None
    if not words:
        return LineOptions(values={})
    import optparse

    parser = _build_parser()
    # Fresh lists per line: optparse's own defaults would share the parser's `[]`.
    defaults = optparse.Values({dest: list(value) if isinstance(value, list) else value
                                for dest, value in parser.defaults.items()})
    defaults.format_ops = []
    defaults.hashes = []
    with _PARSER_LOCK:  # the parser keeps per-call state on itself
        values, leftover = parser.parse_args(words, defaults)
    found = LineOptions(values=vars(values), leftover=list(leftover))
    _check_urls(found)
    return found


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def _check_urls(found: LineOptions) -> None:
    """Refuse an index or find-links URL whose scheme is not one (say, with an invisible
    character in it): no tool could use it, and redaction could not recognise it."""
    urls = [found.values.get("index_url") or "", *found.get_list("extra_index_urls"),
            *found.get_list("find_links")]
    for url in urls:
        scheme, sep, _ = url.partition("://")
        if sep and not _SCHEME.fullmatch(scheme):
            raise OptionLineError("an index or --find-links URL has an invalid scheme (the "
                                  "part before ://)")
