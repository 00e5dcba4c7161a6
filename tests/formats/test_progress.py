"""Progress off a terminal (issue 15 item 5): plain lines at most every 5 s."""

from __future__ import annotations

import io

from wheelfit.formats.progress import Progress


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_short_run_prints_nothing() -> None:
    stream, clock = io.StringIO(), Clock()
    with Progress(4, stream=stream, environ={}, clock=clock) as bar:
        clock.now += 4.9
        bar.advance(label="slim resolved")
    assert stream.getvalue() == ""


def test_a_long_run_prints_plain_lines_with_stage_count_and_elapsed() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = Progress(4, stream=stream, environ={}, clock=clock)
    clock.now += 6
    bar.advance(label="api/uv.lock (1/2): slim resolved")
    assert stream.getvalue() == ("wheelfit: api/uv.lock (1/2): slim resolved "
                                 "(1/4 steps, 6 s elapsed)\n")


def test_lines_come_at_most_every_five_seconds() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = Progress(10, stream=stream, environ={}, clock=clock)
    for _ in range(8):
        clock.now += 2
        bar.advance(label="step")
    assert len(stream.getvalue().splitlines()) == 2  # at 6 and 12 s; 16 is too soon


def test_no_escape_codes_off_a_terminal() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = Progress(2, stream=stream, environ={}, clock=clock)
    clock.now += 10
    bar.advance()
    bar.close()
    assert "\x1b" not in stream.getvalue() and "\r" not in stream.getvalue()


def test_total_zero_is_silent() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = Progress(0, stream=stream, environ={}, clock=clock)
    clock.now += 60
    bar.advance()
    assert stream.getvalue() == ""


def test_say_writes_a_line_even_with_progress_off() -> None:
    stream = io.StringIO()
    Progress(0, stream=stream, environ={}).say("wheelfit: warning: slim: no official image")
    assert stream.getvalue() == "wheelfit: warning: slim: no official image\n"


def test_say_on_a_terminal_clears_the_bar_first() -> None:
    stream = io.StringIO()
    bar = Progress(2, stream=stream, environ={})
    bar.live = True  # a StringIO is no terminal: as if it were one
    bar.say("wheelfit: warning: x")
    assert stream.getvalue() == "\r\x1b[2Kwheelfit: warning: x\n"
