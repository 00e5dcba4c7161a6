"""Fixed per-run costs stay low: each path imports only what it uses.

Every check runs in a fresh interpreter and looks at `sys.modules` afterwards, so nothing
here depends on timing. A failure names the module that came back; find who imports it with
`python -X importtime -c "..."` and import it where it is used instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UV_LOCK = ROOT / "tests" / "data" / "sources" / "locks" / "uv" / "uv.lock"

# Modules no path below needs before its first network request.
NETWORK = {"requests", "urllib3", "urllib.request", "http.client", "email"}
PARSERS = {
    "wheelfit.sources.requirements", "wheelfit.sources.pyproject",
    "wheelfit.sources.lock_uv", "wheelfit.sources.lock_poetry",
    "wheelfit.sources.lock_pipfile", "wheelfit.sources.lock_pylock",
}


def imported_after(code: str) -> set[str]:
    """The modules loaded once `code` has run in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def loaded(modules: set[str], names: set[str]) -> list[str]:
    """The `names` (or their submodules) found among `modules`."""
    return sorted(m for m in modules if m in names or m.split(".")[0] in names
                  or any(m.startswith(n + ".") for n in names))


def test_version_imports_click_and_nothing_of_the_check() -> None:
    modules = imported_after(
        "from wheelfit.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass")
    assert "click" in modules
    heavy = NETWORK | PARSERS | {"yaml", "tomllib", "packaging", "resolvelib",
                                 "concurrent", "wheelfit.commands.check", "wheelfit.model"}
    assert loaded(modules, heavy) == []
    # pathlib (and the urllib.parse it loads) waits for a path argument, unless the
    # interpreter itself loads it at startup here.
    assert loaded(modules - imported_after("pass"), {"pathlib", "urllib"}) == []


def test_requirements_file_loads_without_toml_yaml_or_other_parsers(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("idna==3.7\nrequests>=2.31 ; python_version >= '3.8'\n", encoding="utf-8")
    modules = imported_after(
        "import os\nfrom pathlib import Path\nfrom wheelfit.sources import load_spec\n"
        f"load_spec(Path({str(path)!r}), environ=os.environ)")
    assert "wheelfit.sources.requirements" in modules
    heavy = NETWORK | (PARSERS - {"wheelfit.sources.requirements"}) | {"yaml", "tomllib"}
    assert loaded(modules, heavy) == []


def test_requirements_without_options_do_not_load_optparse(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("idna==3.7\nrequests>=2.31\n", encoding="utf-8")
    modules = imported_after(
        "import os\nfrom pathlib import Path\nfrom wheelfit.sources import load_spec\n"
        f"load_spec(Path({str(path)!r}), environ=os.environ)")
    assert "wheelfit.sources.reqoptions" in modules
    assert loaded(modules, {"optparse"}) == []


def test_uv_lock_loads_only_its_own_parser() -> None:
    modules = imported_after(
        "import os\nfrom pathlib import Path\nfrom wheelfit.sources import load_spec\n"
        f"load_spec(Path({str(UV_LOCK)!r}), environ=os.environ)")
    assert "wheelfit.sources.lock_uv" in modules
    heavy = NETWORK | (PARSERS - {"wheelfit.sources.lock_uv"}) | {"yaml", "optparse"}
    assert loaded(modules, heavy) == []


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_check_path_loads_the_mapping_without_yaml(fmt: str) -> None:
    """What `wheelfit check` imports besides the index client: no PyYAML (the bundled
    mapping is read from its JSON twin), no terminal view, fleet table or policy rules."""
    modules = imported_after(
        "import wheelfit.commands.check, wheelfit.pipeline.enrich\n"
        "import wheelfit.sizing.estimate, wheelfit.sizing.recommend\n"
        "from wheelfit.formats import renderer\n"
        f"renderer({fmt!r})\n"
        "from wheelfit.buildneeds.mapping import load_mapping\n"
        "assert load_mapping().project('psycopg2') is not None\n"
        "from wheelfit.commands.inputs import _releases\n"
        "from wheelfit.commands.options import RunOptions\n"
        "_releases('3.12', RunOptions())")
    heavy = PARSERS | {"yaml", "wheelfit.formats.terminal", "wheelfit.formats.fleet",
                       "wheelfit.commands.fail_on", "optparse", "configparser"}
    assert loaded(modules, heavy) == []


def test_a_check_the_cache_answers_imports_no_network_module(
    index_server: object, tmp_path: Path
) -> None:
    """The second run of the same check is answered from the disk cache: it must not pay
    for requests/urllib3/http.client (they load at the first request)."""
    run = _cached_check(index_server, tmp_path)
    assert "requests" in imported_after(run)  # the first run fetched
    # Nothing of the network loads, nor `email` (cached METADATA is read without it).
    assert loaded(imported_after(run), NETWORK) == []


def test_a_check_the_cache_answers_loads_no_page_parser_or_archive_reader(
    index_server: object, tmp_path: Path
) -> None:
    """Pages come from the memo and file lists from the cache: the page scanners, the
    range reader and the sdist readers (tarfile) load only when something is fetched."""
    run = _cached_check(index_server, tmp_path)
    readers = {"wheelfit.index.parse.jsonscan", "wheelfit.index.parse.htmlscan",
               "wheelfit.index.parse.memochunks", "wheelfit.index.rangefetch",
               "wheelfit.index.parse.rangezip", "wheelfit.index.sdist", "tarfile"}
    assert loaded(imported_after(run), readers)  # the first run fetched and parsed
    assert loaded(imported_after(run), readers) == []


def test_reports_without_a_dockerfile_import_no_image_model() -> None:
    modules = imported_after(
        "from wheelfit.commands.check import with_current\nwith_current([], [])")
    assert loaded(modules, {"wheelfit.sizing.current", "wheelfit.sources.dockerinput",
                            "wheelfit.sources.dockerfile"}) == []


def test_the_check_path_loads_no_build_file_scanner() -> None:
    # A scan's result comes from the cache on a rerun; the scanners load when one runs.
    modules = imported_after("import wheelfit.commands.check, wheelfit.pipeline.enrich")
    scanners = {"wheelfit.buildneeds.buildfiles", "wheelfit.buildneeds.setupscan",
                "wheelfit.buildneeds.buildscan", "wheelfit.buildneeds.calls"}
    assert loaded(modules, scanners) == []


def _cached_check(index_server: object, tmp_path: Path) -> str:
    """A script that checks two pins against the loopback index with a cache in
    `tmp_path` (run twice, the second run is answered by the cache)."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("numpy==1.26.4\npsycopg2-binary==2.9.10\n", encoding="utf-8")
    url = index_server.url  # type: ignore[attr-defined]
    return (
        "from wheelfit.cli import main\n"
        f"args = ['check', '--format', 'json', '--index-url', {url!r}, '--python', '3.12',\n"
        f"        '--cache-dir', {str(tmp_path / 'cache')!r}, {str(requirements)!r}]\n"
        "try:\n    main(args)\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code")


def test_the_command_collects_no_garbage_while_its_modules_load(tmp_path: Path) -> None:
    """`wheelfit` (the console script's `run`) keeps the cyclic collector off from before
    its imports to the end of the check; it is on again once `run` returns."""
    empty = tmp_path / "requirements.txt"
    empty.write_text("idna==3.7\n", encoding="utf-8")
    script = (
        "import gc, sys\n"
        "from wheelfit.__main__ import run\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(phase))\n"
        f"sys.argv = ['wheelfit', 'check', {str(empty)!r}, '--offline', '--format', 'json',\n"
        f"            '--cache-dir', {str(tmp_path / 'cache')!r}]\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(len(runs), gc.isenabled())")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=ROOT, check=False)
    assert result.stdout.splitlines()[-1] == "0 True", result.stderr


# What an offline `check --format json` of wheels leaves unloaded, and why: each module is
# imported inside the function that needs it (a source build, another format, a Dockerfile,
# --recursive, --fail-on, an online run, `cache clear`).
NOT_ON_THE_JSON_CHECK_PATH = {
    "wheelfit.buildneeds.buildfile_types": "an sdist's build-file facts: a source build",
    "wheelfit.buildneeds.factscodec": "cached build-file facts: a source build",
    "wheelfit.buildneeds.buildplan": "an sdist's build plans: a source build",
    "wheelfit.buildneeds.systemlibs": "the system-library tables of a build plan",
    "wheelfit.buildneeds.buildrequires": "an sdist's [build-system] requires",
    "wheelfit.commands.arenas": "the malloc-arena cap: online runs only (below: --offline)",
    "wheelfit.commands.fail_on": "--fail-on rules",
    "wheelfit.formats.terminal": "the terminal view: --format text or -o",
    "wheelfit.formats.markdown": "--format markdown",
    "wheelfit.formats.html": "--format html",
    "wheelfit.formats.sarif": "--format sarif",
    "wheelfit.formats.fleet": "the fleet table: --recursive",
    "wheelfit.formats.dockerfile": "`wheelfit dockerfile`",
    "wheelfit.formats.migration": "`wheelfit dockerfile --diff`",
    "wheelfit.sizing.current": "today's image: a Dockerfile input",
    "wheelfit.sources.dockerfile": "the Dockerfile parser: a Dockerfile input",
    "wheelfit.sources.discover": "the services below a folder: --recursive",
    "wheelfit.model.docker": "a Dockerfile's facts and today's image: a Dockerfile input",
    "shutil": "`wheelfit cache clear` (shutil loads bz2 and lzma)",
}

# What `--help` pages load besides click: the format registry's names, no report code.
NOT_FOR_HELP = {"wheelfit.model", "wheelfit.redact", "wheelfit.commands.check", "packaging",
                "wheelfit.formats.options"}


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["dockerfile", "--help"]])
def test_help_loads_no_report_code(args: list[str]) -> None:
    modules = imported_after(
        f"from wheelfit.cli import main\ntry:\n    main({args!r})\nexcept SystemExit:\n    pass")
    assert loaded(modules, NOT_FOR_HELP) == []


def test_the_model_still_names_what_it_declares_elsewhere() -> None:
    """`wheelfit.model.CurrentImage` and the others of `model/docker.py` load on access."""
    modules = imported_after(
        "import wheelfit.model as m\nassert 'wheelfit.model.docker' not in __import__('sys')"
        ".modules\nfrom wheelfit.model import CurrentImage, CurrentLayer, DockerfileInfo\n"
        "assert CurrentImage.__module__ == 'wheelfit.model.docker'\n"
        "assert m.DockerfileInfo is DockerfileInfo\n"
        "try:\n    m.NoSuchName\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(1)")
    assert "wheelfit.model.docker" in modules


def test_an_offline_json_check_of_wheels_loads_only_its_own_path(
    index_server: object, tmp_path: Path
) -> None:
    run = _cached_check(index_server, tmp_path)
    imported_after(run)  # fills the cache
    offline = run.replace("'--cache-dir'", "'--offline', '--cache-dir'")
    modules = imported_after(offline) - imported_after("pass")  # not what starts up Python
    assert "wheelfit.formats.json_format" in modules
    assert {m: NOT_ON_THE_JSON_CHECK_PATH[m]
            for m in loaded(modules, set(NOT_ON_THE_JSON_CHECK_PATH))} == {}
