"""setup.py blocks that run only off Linux (macOS, Windows) are left out of the Linux view."""

from __future__ import annotations

from wheelfit.buildneeds.platformguard import linux_view

DARWIN = 'import sys\nif sys.platform == "darwin":\n    exts = [Extension("m", ["m.c"])]\nx = 1\n'


def test_a_darwin_block_is_blanked_keeping_line_numbers() -> None:
    view = linux_view(DARWIN)
    assert view.text.splitlines() == ["import sys", "", "", "x = 1"]


def test_the_blanked_block_is_kept_apart_with_its_line() -> None:
    view = linux_view(DARWIN)
    assert view.guards == ((2, 'if sys.platform == "darwin":'),)
    assert '"m.c"' in view.removed


def test_a_condition_through_a_variable_is_followed_one_level() -> None:
    text = ('is_macos = sys.platform == "darwin" and not machine().startswith("ip")\n'
            'if is_macos or os.getenv("FORCE", "0") == "1":\n    ext = ["f.c"]\n')
    assert "f.c" not in linux_view(text).text


def test_windows_names_are_off_linux_too() -> None:
    text = 'if os.name == "nt":\n    libs = ["ws2_32"]\n'
    assert "ws2_32" not in linux_view(text).text


def test_a_negated_platform_test_is_kept() -> None:
    text = 'if sys.platform != "win32":\n    libs = ["m"]\n'
    assert linux_view(text).text == text


def test_the_else_branch_of_an_off_linux_block_is_kept() -> None:
    text = 'if sys.platform == "darwin":\n    a = ["x.c"]\nelse:\n    a = ["y.c"]\n'
    assert linux_view(text).text.splitlines() == ["", "", "else:", '    a = ["y.c"]']


def test_a_condition_that_also_names_linux_is_kept() -> None:
    text = 'if sys.platform in ("darwin", "linux"):\n    a = ["x.c"]\n'
    assert linux_view(text).text == text


def test_a_platform_test_or_ed_with_another_flag_is_kept() -> None:
    text = 'if sys.platform == "darwin" or use_system_lib:\n    libs = ["z"]\n'
    assert linux_view(text).text == text
