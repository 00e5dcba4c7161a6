"""One RUN → its Python installs, system packages and what is not modelled.

The RUN's commands come from the shell form, the exec form, or its heredocs (a script when
the command line is only heredocs or a shell reading one). Facts that span the RUN are read
first — files removed, packages purged, caches mounted — and then each command is read.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from wheelfit.sources.dockerfile import installs, system
from wheelfit.sources.dockerfile.lexer import Instruction
from wheelfit.sources.dockerfile.model import (
    Cache,
    Gap,
    Mount,
    NotModelled,
    PythonInstall,
    SystemPackages,
)
from wheelfit.sources.dockerfile.shell import Command, Script, Word, parse_shell

MAX_SHELL_DEPTH = 3
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_PREFIXES = frozenset({"env", "exec", "sudo", "time", "nohup", "command"})
NOOP = frozenset({
    "set", "export", "true", "false", ":", "echo", "printf", "mkdir", "chown", "chmod",
    "chgrp", "ln", "touch", "cd", "cp", "mv", "useradd", "adduser", "addgroup", "groupadd",
    "usermod", "groupmod", "userdel", "id", "whoami", "test", "[", "[[", "sleep", "exit",
    "return", ".", "source", "update-ca-certificates", "ldconfig", "locale-gen", "cat",
    "grep", "awk", "sed", "sort", "tr", "tail", "head", "ls", "pwd", "umask", "ulimit",
    "hash", "type", "which", "wait", "unset", "sha256sum", "md5sum", "date", "uname",
    "printenv", "rmdir", "xargs", "tee", "wc", "cut", "install", "stat", "readlink",
    "dirname", "basename", "realpath", "tzdata", "dpkg-reconfigure", "pyvenv", "virtualenv",
    "shopt", "trap", "dpkg-architecture",
})
_PACKAGE_SOURCES = ("/etc/apt/", "/etc/apk/")
_TRACKED_REMOVALS = ("/var/lib/apt", "/var/cache/apk", "/var/cache/apt", "/root/.cache",
                     "/tmp", "/var/tmp")


@dataclass
class RunContext:
    """What a RUN sees: its stage, folder, variables, environment and mounts."""

    line: int
    stage: int
    workdir: str
    values: dict[str, str | None]
    env: dict[str, str]
    mounts: tuple[Mount, ...] = ()


@dataclass
class RunResult:
    """What one RUN was read as."""

    installs: list[PythonInstall] = field(default_factory=list)
    packages: list[SystemPackages] = field(default_factory=list)
    gaps: list[NotModelled] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class _Facts:
    removed: list[str] = field(default_factory=list)
    purged: set[str] = field(default_factory=set)
    apk_deleted: set[str] = field(default_factory=set)
    pyc_removed: bool = False
    cache_cleared: bool = False


def _strip_prefix(words: tuple[Word, ...]) -> tuple[Word, ...]:
    i = 0
    while i < len(words):
        text = words[i].text
        if _ASSIGNMENT.match(text) or text in _PREFIXES or (i and words[i - 1].text == "env"
                                                               and text.startswith("-")):
            i += 1
            continue
        break
    return words[i:]


def _heredoc_script(instruction: Instruction) -> str | None:
    """The heredoc bodies when they are the script (only markers on the line, or a shell)."""
    if not instruction.heredocs:
        return None
    line = re.sub(r"<<-?([\"']?)[A-Za-z0-9_.-]+\1", " ", instruction.args).split()
    if line and posixpath.basename(line[0]) not in _SHELLS:
        return None
    bodies = [doc.body for doc in instruction.heredocs]
    if bodies and bodies[0].startswith("#!"):
        interpreter = bodies[0].split("\n", 1)[0].split("/")[-1].split()
        if interpreter and interpreter[-1] not in _SHELLS:
            return None
    return "\n".join(bodies)


def _collect(script: Script, values: dict[str, str | None], depth: int,
             gaps: list[NotModelled], line: int) -> list[Command]:
    out: list[Command] = []
    if script.control:
        gaps.append(NotModelled(line, Gap.CONDITIONAL, "if/for/while/case in RUN (branches "
                                "read with the default build arguments)"))
    for command in script.commands:
        words = _strip_prefix(command.words)
        argv = [w.text for w in words]
        if (len(argv) >= 3 and posixpath.basename(argv[0]) in _SHELLS and argv[1] == "-c"
                and depth < MAX_SHELL_DEPTH):
            gaps.append(NotModelled(line, Gap.SHELL_WRAPPER, command.text))
            inner = parse_shell(argv[2], values)
            for sub in _collect(inner, values, depth + 1, gaps, line):
                taken = (False if False in (sub.taken, command.taken)
                         else None if None in (sub.taken, command.taken) else True)
                out.append(Command(sub.words, sub.conditional or command.conditional,
                                   taken, sub.piped, sub.redirects))
            continue
        out.append(Command(words, command.conditional, command.taken, command.piped,
                           command.redirects))
    return out


def commands_of(instruction: Instruction, context: RunContext,
                gaps: list[NotModelled]) -> list[Command]:
    """The simple commands of a RUN, `sh -c` strings and heredoc scripts read through."""
    if instruction.exec_form is not None:
        words = tuple(Word(w, w) for w in instruction.exec_form)
        script = Script([Command(words)]) if words else Script()
    else:
        heredoc = _heredoc_script(instruction)
        text = heredoc if heredoc is not None else instruction.args
        if instruction.heredocs and heredoc is None:
            gaps.append(NotModelled(context.line, Gap.SCRIPT,
                                    "a heredoc fed to " + instruction.args[:80]))
        script = parse_shell(text, context.values)
    return [c for c in _collect(script, context.values, 0, gaps, context.line) if c.words]


def _facts(commands: list[Command]) -> _Facts:
    facts = _Facts()
    for command in commands:
        argv = command.argv
        name = posixpath.basename(argv[0])
        if name == "rm":
            facts.removed.extend(a for a in argv[1:] if not a.startswith("-"))
        elif name == "find" and any(".pyc" in a or "__pycache__" in a for a in argv):
            facts.pyc_removed = True
        elif (apt := system.read_apt(argv)) and apt.action in {"purge", "remove",
                                                               "autoremove"}:
            facts.purged.update(apt.packages)
        elif (apk := system.read_apk(argv)) and apk.action == "del":
            facts.apk_deleted.update(apk.packages)
        elif argv[1:3] in (["cache", "purge"], ["cache", "clean"], ["cache", "clear"]):
            facts.cache_cleared = True
    return facts


def covers(parent: str, path: str) -> bool:
    """`path` is `parent` or lies below it (`/x/*` counts as `/x`)."""
    path = path.rstrip("/") or "/"
    parent = parent.rstrip("/*").rstrip("/")
    return bool(parent) and (path == parent or path.startswith(parent + "/"))


def _cache(parsed: installs.ParsedInstall, context: RunContext, facts: _Facts) -> Cache:
    if parsed.no_cache or installs.env_no_cache(parsed.tool, context.env):
        return Cache.OFF
    dirs = installs.cache_dirs(parsed.tool, context.env)
    for mount in context.mounts:
        target = posixpath.join(context.workdir, mount.target)
        if mount.type == "cache" and any(covers(target, d) for d in dirs):
            return Cache.MOUNT
    if facts.cache_cleared or any(covers(r, d) for r in facts.removed for d in dirs):
        return Cache.REMOVED
    return Cache.KEPT


def _words_gaps(command: Command, words: list[Word], context: RunContext,
                gaps: list[NotModelled]) -> list[str]:
    """The words' texts without command substitutions; gaps for what was dropped or kept
    unresolved."""
    if any(w.subst for w in words):
        gaps.append(NotModelled(context.line, Gap.SUBSTITUTION, command.text))
    if any((w.unset or w.unknown) and not w.subst for w in words):
        gaps.append(NotModelled(context.line, Gap.UNRESOLVED, command.text))
    return [w.text for w in words if not w.subst]


def _install(command: Command, context: RunContext, facts: _Facts,
             gaps: list[NotModelled]) -> PythonInstall | None:
    parsed = installs.parse_install([w.text for w in command.words if not w.subst])
    if parsed is None:
        return None
    _words_gaps(command, list(command.words[1:]), context, gaps)
    return PythonInstall(
        line=context.line, stage=context.stage, tool=parsed.tool,
        specs=tuple(parsed.specs), requirements=tuple(parsed.requirements),
        constraints=tuple(parsed.constraints), flags=tuple(parsed.flags),
        wheel_dir=parsed.wheel_dir, cache=_cache(parsed, context, facts),
        conditional=command.conditional, taken=command.taken,
        pyc_removed=facts.pyc_removed, workdir=context.workdir)


def _os_packages(command: Command, context: RunContext, facts: _Facts,
                 gaps: list[NotModelled]) -> SystemPackages | bool | None:
    """SystemPackages for an install; True for another apt/apk command; None if neither."""
    argv = command.argv
    action = system.read_apt(argv) or system.read_apk(argv)
    if action is None:
        return None
    if action.action in {"none", "purge", "remove", "autoremove", "del"}:
        return True
    if action.action not in {"install", "add", "download"}:
        gaps.append(NotModelled(context.line, Gap.COMMAND, command.text))
        return True
    by_text = {w.text: w for w in command.words}
    packages = _words_gaps(command, [by_text[p] for p in action.packages if p in by_text],
                           context, gaps)
    if not packages:
        return True
    apt = action.manager == "apt"
    gone = facts.purged if apt else facts.apk_deleted
    return SystemPackages(
        line=context.line, stage=context.stage, manager=action.manager,
        action=action.action, packages=tuple(packages),
        recommends=system.recommends(action) if apt else False,
        lists_removed=apt and system.removes_lists(facts.removed),
        no_cache=not apt and action.has("--no-cache"), virtual=action.virtual,
        removed_same_run=action.virtual is not None and action.virtual in gone,
        purged_same_run=tuple(p for p in packages if p in gone),
        conditional=command.conditional, taken=command.taken)


def _other(command: Command, context: RunContext, gaps: list[NotModelled]) -> None:
    argv = command.argv
    name = posixpath.basename(argv[0])
    text = command.text[:200]
    if any(t.startswith(_PACKAGE_SOURCES) for t in command.redirects):
        gaps.append(NotModelled(context.line, Gap.COMMAND, "package sources changed: " + text))
    elif command.piped and (name in _SHELLS or installs.is_python(name)):
        gaps.append(NotModelled(context.line, Gap.SCRIPT, "a download piped into " + text))
    elif installs.is_python(name):
        harmless = len(argv) > 2 and argv[1] == "-m" and argv[2] in {"venv", "virtualenv"}
        if not harmless:
            gaps.append(NotModelled(context.line, Gap.SCRIPT, text))
    elif name in _SHELLS:
        gaps.append(NotModelled(context.line, Gap.SCRIPT, text))
    elif name == "rm":
        kept = [a for a in argv[1:] if not a.startswith("-")
                and not any(covers(t, a) for t in _TRACKED_REMOVALS)
                and "__pycache__" not in a and ".pyc" not in a]
        if kept:
            gaps.append(NotModelled(context.line, Gap.COMMAND, text))
    elif (("export" in argv[1:3] and name in {"poetry", "uvx", "uv", "pdm"})
          or (name == "uvx" and "export" in argv) or name == "pip-compile"
          or (name == "uv" and argv[1:3] == ["pip", "compile"])):
        gaps.append(NotModelled(context.line, Gap.GENERATED, text))
    elif name not in NOOP and not _harmless(argv):
        gaps.append(NotModelled(context.line, Gap.COMMAND, text))


def _harmless(argv: list[str]) -> bool:
    name = posixpath.basename(argv[0])
    sub = argv[1] if len(argv) > 1 else ""
    return ((name == "uv" and sub == "venv") or (name == "poetry" and sub == "config")
            or (installs.is_pip(name) and sub in {"config", "cache", "--version", "list"})
            or (name == "dpkg" and sub == "--add-architecture")
            or (name == "find" and any(".pyc" in a or "__pycache__" in a for a in argv)))


def analyse_run(instruction: Instruction, context: RunContext) -> RunResult:
    """Read one RUN instruction."""
    result = RunResult()
    commands = commands_of(instruction, context, result.gaps)
    facts = _facts(commands)
    result.removed = [posixpath.join(context.workdir, p) for p in facts.removed]
    for command in commands:
        install = _install(command, context, facts, result.gaps)
        if install is not None:
            result.installs.append(install)
            continue
        found = _os_packages(command, context, facts, result.gaps)
        if isinstance(found, SystemPackages):
            result.packages.append(found)
        elif found is None:
            _other(command, context, result.gaps)
    return result
