"""CI policy: `--fail-on TARGET:CONDITION` rules and their evaluation against a report.

TARGET is `slim`, `alpine` or `any` (every target in the report); a bare CONDITION means
`any:CONDITION`, and one option value may hold several rules separated by commas.
CONDITIONS (below) lists every condition with its meaning. `evaluate` returns one line per
tripped rule and target, e.g. `alpine: 2 packages need a source build (psycopg2, uwsgi)`;
the CLI exits 1 when that list is not empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from wheelfit.errors import UsageError
from wheelfit.formats.summary import short_list
from wheelfit.model import PackageResult, Report, Status, Verdict

TARGETS = ("slim", "alpine", "any")
_NOT_WHEEL = (Status.SOURCE_BUILD, Status.UNAVAILABLE, Status.NOT_FOUND, Status.UNKNOWN)


@dataclass(frozen=True)
class Condition:
    """One thing a rule can fail on: a test of a package on one target, and how to say it."""

    name: str
    help: str
    singular: str
    plural: str
    test: Callable[[Report, PackageResult, str, Verdict], bool]


def _status(*statuses: Status) -> Callable[[Report, PackageResult, str, Verdict], bool]:
    return lambda _r, _p, _t, v: v.status in statuses


def _versions_differ(report: Report, pkg: PackageResult, target: str, verdict: Verdict) -> bool:
    others = {v.version for name, v in pkg.verdicts.items() if name != target and v.version}
    return verdict.version is not None and bool(others - {verdict.version})


CONDITIONS: dict[str, Condition] = {c.name: c for c in (
    Condition("source-build", "pip builds the package from its sdist",
              "needs a source build", "need a source build", _status(Status.SOURCE_BUILD)),
    Condition("native-build", "a source build of a package with compiled code (native is "
              "true, or unknown)", "needs a source build of native code",
              "need a source build of native code",
              lambda _r, _p, _t, v: v.status is Status.SOURCE_BUILD and v.native is not False),
    Condition("unavailable", "no file of the chosen version installs on the target",
              "is unavailable", "are unavailable", _status(Status.UNAVAILABLE)),
    Condition("not-found", "the project or version is not on the index",
              "is not on the index", "are not on the index", _status(Status.NOT_FOUND)),
    Condition("unknown", "the index failed, so the verdict is unknown",
              "could not be checked", "could not be checked", _status(Status.UNKNOWN)),
    Condition("not-wheel", "anything but a wheel: source-build, unavailable, not-found or "
              "unknown", "does not install from a wheel", "do not install from a wheel",
              _status(*_NOT_WHEEL)),
    Condition("untrusted", "only a plain linux_ wheel matches (no libc promise)",
              "only has a plain linux_ wheel", "only have a plain linux_ wheel",
              lambda _r, _p, _t, v: v.untrusted),
    Condition("versions-differ", "the package resolves to another version than on another "
              "target", "resolves to a different version than on another target",
              "resolve to a different version than on another target", _versions_differ),
)}


@dataclass(frozen=True)
class Rule:
    """One `--fail-on` rule."""

    target: str
    condition: str

    def __str__(self) -> str:
        return f"{self.target}:{self.condition}"


def rules_help() -> str:
    """The rule grammar and every condition, for `--help` and error hints."""
    lines = ["TARGET:CONDITION, TARGET one of slim, alpine, any (default any); conditions:"]
    lines += [f"  {c.name}: {c.help}" for c in CONDITIONS.values()]
    return "\n".join(lines)


def _hint() -> str:
    return ("Rules are TARGET:CONDITION with TARGET one of " + ", ".join(TARGETS)
            + " and CONDITION one of " + ", ".join(CONDITIONS)
            + "; e.g. --fail-on alpine:source-build,any:unavailable.")


def parse_rule(text: str) -> Rule:
    """`alpine:source-build` (or `source-build`, meaning `any:source-build`) → a Rule."""
    raw = text.strip().lower()
    target, sep, condition = raw.partition(":")
    if not sep:
        target, condition = "any", raw
    if target not in TARGETS:
        raise UsageError(f"--fail-on {text.strip()!r}: unknown target {target!r}", hint=_hint())
    if condition not in CONDITIONS:
        raise UsageError(f"--fail-on {text.strip()!r}: unknown condition {condition!r}",
                         hint=_hint())
    return Rule(target, condition)


def parse_rules(values: Iterable[str]) -> tuple[Rule, ...]:
    """Every `--fail-on` value (each may hold comma-separated rules) → rules, duplicates
    dropped, order kept."""
    rules: list[Rule] = []
    for value in values:
        parts = value.split(",")
        if not any(p.strip() for p in parts):
            raise UsageError("--fail-on needs a rule", hint=_hint())
        rules += [parse_rule(p) for p in parts if p.strip()]
    return tuple(dict.fromkeys(rules))


def check_targets(rules: Sequence[Rule], target_names: Iterable[str]) -> None:
    """Refuse rules that name a target the check does not cover (they could never trip)."""
    checked = set(target_names)
    for rule in rules:
        if rule.target != "any" and rule.target not in checked:
            raise UsageError(
                f"--fail-on {rule} names {rule.target}, which is not being checked",
                hint=f"Add --target {rule.target}, or use any:{rule.condition}.",
            )


def offenders(report: Report, rule: Rule) -> dict[str, list[str]]:
    """target name → names of the packages that trip the rule there (targets that trip only)."""
    condition = CONDITIONS[rule.condition]
    found: dict[str, list[str]] = {}
    for target in report.targets:
        if rule.target not in ("any", target.name):
            continue
        names = [pkg.name for pkg in report.packages
                 if (v := pkg.verdicts.get(target.name)) is not None
                 and condition.test(report, pkg, target.name, v)]
        if names:
            found[target.name] = names
    return found


def evaluate(report: Report, rules: Sequence[Rule]) -> list[str]:
    """One line per tripped rule and target, in rule then target order; empty when all pass."""
    reasons: list[str] = []
    for rule in rules:
        condition = CONDITIONS[rule.condition]
        for target, names in offenders(report, rule).items():
            n = len(names)
            what = (f"1 package {condition.singular}" if n == 1
                    else f"{n} packages {condition.plural}")
            line = f"{target}: {what} ({short_list(names, 10)})"
            if line not in reasons:
                reasons.append(line)
    return reasons
