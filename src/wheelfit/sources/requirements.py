"""requirements files (pip's format, with `-r`/`-c` nesting) → `DependencySpec`.

Line rules live in `reqlines`, option parsing in `reqoptions`, and what a requirement part
means in `reqclassify`; this module walks the files, follows includes relative to the
including file (as pip does), detects include cycles, and collects the result.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from packaging.requirements import Requirement

from wheelfit.errors import InputFileError, shorten
from wheelfit.model import DependencySpec, IndexOptions, RequirementEntry, SkippedEntry
from wheelfit.redact import redact_text
from wheelfit.sources.bounds import check_numbers
from wheelfit.sources.reading import (
    Problems,
    UnreadableFile,
    decode,
    origin,
    read_bounded,
    read_text,
)
from wheelfit.sources.reqclassify import InvalidLine, Skip, classify, url_scheme
from wheelfit.sources.reqlines import logical_lines, split_args_options
from wheelfit.sources.reqoptions import (
    FINDER_OPTIONS,
    IGNORED_OPTIONS,
    LineOptions,
    OptionLineError,
    apply_format_control,
    parse_options,
)

FORMAT = "requirements"
MAX_FILES = 500
_OPTIONS_HINT = (
    "Requirements files accept pip's options (-r, -c, -e, -i, --extra-index-url, -f, "
    "--no-binary, --only-binary, --prefer-binary, --pre, --hash ...); see "
    "https://pip.pypa.io/en/stable/reference/requirements-file-format/"
)


@dataclass
class _Result:
    requirements: list[RequirementEntry] = field(default_factory=list)
    constraints: list[RequirementEntry] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    noted: set[str] = field(default_factory=set)
    index_url: str | None = None
    extra_index_urls: list[str] = field(default_factory=list)
    find_links: list[str] = field(default_factory=list)
    format_ops: list[tuple[str, str]] = field(default_factory=list)
    pre: bool = False
    prefer_binary: bool = False
    files_read: int = 0

    def note_once(self, key: str, text: str) -> None:
        """Add a note the first time its key is seen."""
        if key not in self.noted:
            self.noted.add(key)
            self.notes.append(text)


class _Walker:
    def __init__(self, environ: Mapping[str, str], problems: Problems) -> None:
        self.environ = environ
        self.problems = problems
        self.out = _Result()
        self.outside = False  # the file being read lies outside the input's folder

    def parse_text(
        self,
        text: str,
        display: str,
        base_dir: Path,
        constraint: bool,
        stack: tuple[Path, ...],
    ) -> None:
        """Parse one file's text; includes recurse with the stack of open files.

        Lines of an included file outside the top input's folder are never quoted in
        messages: an untrusted requirements file must not copy lines of, say, ~/.netrc
        into a CI log or a pull-request comment.
        """
        self.out.files_read += 1
        before = self.outside
        if len(stack) > 1:
            self.outside = not stack[-1].is_relative_to(stack[0].parent)
        try:
            for number, line in logical_lines(text, self.environ):
                self._line(number, line, display, base_dir, constraint, stack)
        finally:
            self.outside = before

    def _hidden(self, message: str) -> str:
        """The message, or a version without the line's text for files outside the input."""
        if not self.outside:
            return message
        return ("this line is not valid (its text is not shown: the file lies outside the "
                "folder of the input)")

    def _line(
        self,
        number: int,
        line: str,
        display: str,
        base_dir: Path,
        constraint: bool,
        stack: tuple[Path, ...],
    ) -> None:
        args, options = split_args_options(line)
        try:
            opts = parse_options(options)
        except OptionLineError as exc:
            self.problems.report(
                self._hidden(f"invalid line {redact_text(line)!r}: {exc.msg}"),
                path=display,
                line=number,
                hint=_OPTIONS_HINT,
            )
            return
        where = origin(display, number)
        if opts.leftover:
            words = "words" if self.outside else repr(redact_text(" ".join(opts.leftover)))
            self.out.notes.append(
                f"{where}: ignored {words} (pip ignores words after the options of a line)"
            )
        self._note_ignored(opts, where)
        editables = opts.get_list("editables")
        if args or editables:
            for dest, flag in FINDER_OPTIONS:
                if opts.given(dest):
                    self.out.notes.append(
                        f"{where}: {flag} on a requirement line has no "
                        "effect (pip ignores it there)"
                    )
            text, editable = (args, False) if args else (editables[0], True)
            self._requirement(text, editable, where, display, number, constraint)
        elif opts.given("requirements") or opts.given("constraints"):
            if opts.given("requirements"):
                self._include(
                    opts.get_list("requirements")[0], False, display, base_dir, number, stack
                )
            else:
                self._include(
                    opts.get_list("constraints")[0], True, display, base_dir, number, stack
                )
        else:
            self._finder_options(opts, where, base_dir, display, number)

    def _requirement(
        self,
        text: str,
        editable: bool,
        where: str,
        display: str,
        number: int,
        constraint: bool,
    ) -> None:
        try:
            found = classify(text, editable=editable)
        except InvalidLine as exc:
            self.problems.report(self._hidden(exc.message), path=display, line=number,
                                 hint=exc.hint)
            return
        if isinstance(found, Skip):
            self.out.skipped.append(SkippedEntry(found.text, where, found.reason))
            return
        assert isinstance(found, Requirement)
        entry = RequirementEntry(found, where)
        (self.out.constraints if constraint else self.out.requirements).append(entry)

    def _finder_options(
        self, opts: LineOptions, where: str, base_dir: Path, display: str, number: int
    ) -> None:
        out = self.out
        if opts.get_list("hashes"):
            out.notes.append(f"{where}: --hash without a requirement is ignored (as pip does)")
        if opts.given("no_index"):
            out.notes.append(
                f"{where}: --no-index: wheelfit still looks packages up on the index it is given"
            )
        if opts.given("index_url"):
            out.index_url = str(opts.values["index_url"])
        out.extra_index_urls.extend(opts.get_list("extra_index_urls"))
        links = opts.get_list("find_links")
        if links:  # pip takes the first one of a line, relative to the file when it exists
            value = links[0]
            local = base_dir / value
            out.find_links.append(
                str(local) if url_scheme(value) is None and _exists(local) else value
            )
        ops = opts.values.get("format_ops") or []
        try:
            apply_format_control(ops, set(), set())  # validate before recording
        except OptionLineError as exc:
            self.problems.report(exc.msg, path=display, line=number, hint=_OPTIONS_HINT)
            return
        out.format_ops.extend(ops)
        out.pre = out.pre or opts.given("pre")
        out.prefer_binary = out.prefer_binary or opts.given("prefer_binary")

    def _note_ignored(self, opts: LineOptions, where: str) -> None:
        for dest, flag in IGNORED_OPTIONS:
            if opts.given(dest):
                self.out.note_once(
                    flag,
                    f"{where}: {flag} accepted and ignored (it does not "
                    "change which files pip can install)",
                )

    def _include(
        self,
        arg: str,
        constraint: bool,
        display: str,
        base_dir: Path,
        number: int,
        stack: tuple[Path, ...],
    ) -> None:
        flag = "-c" if constraint else "-r"
        where = origin(display, number)
        scheme = url_scheme(arg)
        if scheme == "file":
            from urllib.request import url2pathname  # costly (http.client, email): lazy

            target = Path(url2pathname(urlsplit(arg).path))
            nested = str(target)
        elif scheme is not None:
            self.out.skipped.append(
                SkippedEntry(
                    f"{flag} {redact_text(arg)}",
                    where,
                    "remote requirements file: wheelfit does not download it; save it and "
                    "include it by path",
                )
            )
            return
        elif os.path.isabs(arg):
            target, nested = Path(arg), arg
        else:
            target = base_dir / arg
            # redacted first: normpath folds `https://` into `https:/`, which redaction misses
            nested = os.path.normpath(os.path.join(os.path.dirname(display), redact_text(arg)))
        try:
            real = target.resolve()
        except (OSError, RuntimeError, ValueError) as exc:
            self.problems.report(
                f"{flag} {shorten(arg)}: cannot resolve the path "
                f"({getattr(exc, 'strerror', None) or exc})",
                path=display, line=number,
            )
            return
        if real in stack:
            self.problems.report(
                f"{flag} {shorten(arg)} includes {shorten(nested)}, which is already being "
                "read: an include cycle",
                path=display,
                line=number,
                hint="Remove one of the -r/-c lines that form the cycle.",
            )
            return
        if self.out.files_read >= MAX_FILES:
            self.problems.report(
                f"{flag} {shorten(arg)}: more than {MAX_FILES} files included", path=display,
                line=number,
            )
            return
        try:
            data = read_bounded(target)
        except UnreadableFile as exc:
            reason, hint = exc.reason, exc.hint
            if exc.missing:
                reason = f"{shorten(nested)} does not exist"
                hint = "Paths in -r/-c lines are relative to the file that contains the line."
            self.problems.report(f"{flag} {shorten(arg)}: {reason}", path=display, line=number,
                                 hint=hint)
            return
        try:
            text = decode(data, nested)
            check_numbers(text, nested)
        except InputFileError as exc:
            self.problems.add(exc)
            return
        self.parse_text(text, nested, target.parent, constraint, (*stack, real))

    def spec(self, display: str) -> DependencySpec:
        """The collected result as a DependencySpec."""
        out = self.out
        no_binary: set[str] = set()
        only_binary: set[str] = set()
        apply_format_control(out.format_ops, no_binary, only_binary)
        options = IndexOptions(
            index_url=out.index_url,
            extra_index_urls=tuple(dict.fromkeys(out.extra_index_urls)),
            find_links=tuple(dict.fromkeys(out.find_links)),
            pre=out.pre,
            only_binary=frozenset(only_binary),
            no_binary=frozenset(no_binary),
            prefer_binary=out.prefer_binary,
        )
        notes = list(out.notes)
        if not (out.requirements or out.constraints or out.skipped or self.problems.items):
            notes.append(f"{display} lists no requirements")
        return DependencySpec(
            path=display,
            format=FORMAT,
            requirements=tuple(out.requirements),
            constraints=tuple(out.constraints),
            skipped=tuple(out.skipped),
            options=options,
            problems=tuple(self.problems.items),
            notes=tuple(notes),
        )


def _exists(path: Path) -> bool:
    """`path.exists()`, false for a name the system refuses (too long, a NUL byte)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def parse_requirements_file(
    path: Path,
    display: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    keep_going: bool = False,
) -> DependencySpec:
    """Read a requirements file and the files it includes with `-r`/`-c`."""
    shown = str(path) if display is None else display
    text = read_text(path, shown)
    return parse_requirements_text(
        text, shown, base_dir=path.parent, environ=environ, keep_going=keep_going, path=path
    )


def parse_requirements_text(
    text: str,
    display: str,
    *,
    base_dir: Path,
    environ: Mapping[str, str] | None = None,
    keep_going: bool = False,
    path: Path | None = None,
) -> DependencySpec:
    """Parse requirements-file text; includes are read relative to `base_dir`."""
    walker = _Walker(os.environ if environ is None else environ, Problems(keep_going))
    stack: tuple[Path, ...] = ()
    if path is not None:
        try:
            stack = (path.resolve(),)
        except (OSError, RuntimeError):
            stack = ()
    walker.parse_text(text, display, base_dir, False, stack)
    return walker.spec(display)
