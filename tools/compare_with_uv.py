#!/usr/bin/env python3
"""Cross-check wheelfit's per-target resolution against `uv pip compile`.

wheelfit resolves a dependency file once per target (`slim`, `alpine`). uv resolves the same
file for one platform at a time:

    uv pip compile INPUT --python-version X.Y.Z --python-platform PLATFORM \
        --index-url https://pypi.org/simple/ --no-header --no-annotate [--exclude-newer T]

and the versions are compared name by name with wheelfit's verdict versions for that target.

Platforms (`uv help pip compile`): `alpine` → `x86_64-unknown-linux-musl` (uv: musllinux_1_2);
`slim` → `x86_64-manylinux_2_40` by default, the newest glibc uv can express — uv has no
`manylinux_2_41` platform, and its `x86_64-unknown-linux-gnu` means manylinux_2_28, which
would hide wheels built for glibc 2.29-2.41 (`--slim-platform` picks another).

The input given to uv is a filtered copy: editable (`-e`) lines and `-i/--index-url/
--extra-index-url` lines are dropped (wheelfit skips the former and is pointed at PyPI with
`-i` on its command line for the latter). Every pip/uv configuration source of this machine
is neutralised (UV_NO_CONFIG=1, PIP_CONFIG_FILE=/dev/null, index/link variables removed,
UV_PYTHON_DOWNLOADS=never).

Usage:
    .venv/bin/python tools/compare_with_uv.py requirements.in [--exclude-newer DATE]
        [--uv-python /path/to/python3.12] [--json-out FILE] [-- extra wheelfit options]
Exit code: 0 when every name agrees, 1 when some differ or uv failed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_resolution import uv_pins, wheelfit_pins  # sibling tool
from compare_with_pip import (  # sibling tool
    DEFAULT_INDEX,
    VENV_BIN,
    neutral_env,
    run_wheelfit,
    to_rfc3339,
)

UV_PLATFORM = {"alpine": "x86_64-unknown-linux-musl", "slim": "x86_64-manylinux_2_40"}
_DROPPED = re.compile(r"^\s*(-e\s|--editable[\s=]|-i\s|--index-url[\s=]|--extra-index-url[\s=])")


def filtered_input(path: Path) -> tuple[Path, list[str]]:
    """A copy of the input without editable and index lines, next to the original (so that
    relative `-r`/`-c` includes still resolve); the dropped lines."""
    kept, dropped = [], []
    for line in path.read_text().splitlines():
        (dropped if _DROPPED.match(line) else kept).append(line)
    with tempfile.NamedTemporaryFile("w", suffix=path.suffix or ".txt", dir=path.parent,
                                     prefix=".uv-input-", delete=False) as handle:
        handle.write("\n".join(kept) + "\n")
    return Path(handle.name), dropped


def uv_compile(uv: str, path: Path, python_full: str, platform: str, cutoff: str | None,
               uv_python: str | None, extra: list[str]) -> tuple[dict[str, str] | None, str]:
    """`uv pip compile` → {name: version}, or None and uv's error output."""
    cmd = [uv, "pip", "compile", str(path), "--python-version", python_full,
           "--python-platform", platform, "--index-url", DEFAULT_INDEX, "--no-header",
           "--no-annotate", "--quiet", *extra]
    if cutoff:
        cmd += ["--exclude-newer", cutoff]
    if uv_python:
        cmd += ["--python", uv_python]
    env = neutral_env()
    env["UV_PYTHON_DOWNLOADS"] = "never"
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False,
                          timeout=1800)
    if proc.returncode != 0:
        return None, f"$ {' '.join(cmd)}\n{proc.stderr.strip()}"
    return uv_pins(proc.stdout), " ".join(cmd)


def compare(wf: dict[str, str], uv: dict[str, str]) -> dict:
    names = sorted(set(wf) | set(uv))
    same = [n for n in names if n in wf and n in uv and wf[n] == uv[n]]
    differ = {n: {"wheelfit": wf[n], "uv": uv[n]} for n in names
              if n in wf and n in uv and wf[n] != uv[n]}
    return {
        "wheelfit_names": len(wf), "uv_names": len(uv), "equal": len(same),
        "different": differ,
        "only_wheelfit": {n: wf[n] for n in names if n not in uv},
        "only_uv": {n: uv[n] for n in names if n not in wf},
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra_wheelfit: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra_wheelfit = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="dependency file (requirements format)")
    parser.add_argument("--wheelfit-json", help="use this saved wheelfit report")
    parser.add_argument("--exclude-newer", help="same cutoff for both (a bare date means "
                        "00:00 UTC; it is given to uv as an RFC 3339 time)")
    parser.add_argument("--slim-platform", default=UV_PLATFORM["slim"])
    parser.add_argument("--alpine-platform", default=UV_PLATFORM["alpine"])
    parser.add_argument("--uv-python", help="interpreter uv uses to build sdists' metadata "
                        "(a CPython of the target's minor version avoids build surprises)")
    parser.add_argument("--uv-arg", action="append", default=[],
                        help="more options for uv pip compile (repeatable)")
    parser.add_argument("--uv", default=str(VENV_BIN / "uv"))
    parser.add_argument("--wheelfit", default=str(VENV_BIN / "wheelfit"))
    parser.add_argument("--json-out")
    opts = parser.parse_args(argv)
    cutoff = to_rfc3339(opts.exclude_newer) if opts.exclude_newer else None

    if opts.wheelfit_json:
        report = json.loads(Path(opts.wheelfit_json).read_text())
    else:
        extra = (["--exclude-newer", opts.exclude_newer] if opts.exclude_newer else [])
        report = run_wheelfit(opts.wheelfit, [opts.input], [*extra, *extra_wheelfit])

    source, dropped = filtered_input(Path(opts.input))
    platforms = {"slim": opts.slim_platform, "alpine": opts.alpine_platform}
    results: dict = {"input": opts.input, "cutoff": cutoff, "dropped_lines": dropped,
                     "targets": {}}
    ok = True
    try:
        for target in report["targets"]:
            name = target["name"]
            uv_versions, detail = uv_compile(opts.uv, source, target["python_full"],
                                             platforms[name], cutoff, opts.uv_python,
                                             opts.uv_arg)
            if uv_versions is None:
                ok = False
                print(f"{name}: uv failed\n{detail}\n")
                results["targets"][name] = {"uv_error": detail}
                continue
            result = compare(wheelfit_pins(report, name), uv_versions)
            result["platform"] = platforms[name]
            result["command"] = detail
            results["targets"][name] = result
            ok = ok and not (result["different"] or result["only_wheelfit"]
                             or result["only_uv"])
            print(f"{name} ({target['image']}) vs uv --python-platform {platforms[name]}: "
                  f"wheelfit {result['wheelfit_names']} names, uv {result['uv_names']}, "
                  f"equal {result['equal']}, different {len(result['different'])}, "
                  f"only wheelfit {len(result['only_wheelfit'])}, "
                  f"only uv {len(result['only_uv'])}")
            for pkg, pair in result["different"].items():
                print(f"  {pkg}: wheelfit {pair['wheelfit']}  uv {pair['uv']}")
            for pkg, version in result["only_wheelfit"].items():
                print(f"  {pkg}: wheelfit {version}  uv -")
            for pkg, version in result["only_uv"].items():
                print(f"  {pkg}: wheelfit -  uv {version}")
    finally:
        source.unlink(missing_ok=True)
    if dropped:
        print(f"lines not given to uv: {dropped}")
    if opts.json_out:
        Path(opts.json_out).write_text(json.dumps(results, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
