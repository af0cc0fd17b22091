"""``copy_in.read_ahead``: a load makes a dataset's first lines in a second thread while this thread waits on the
database (putting back a finished table's indexes). It must give exactly the lines, in order, stop before anything
that looks the database up, and end cleanly whichever side fails."""

import sys
import threading

import pytest

from regulation.transfer import copy_in

WAIT = 10  # seconds: far longer than any of this takes, so a wait that runs out is a failure, not a slow machine
NEGATIVE = 0.1  # seconds given to something that must not happen, to happen (thousands of lines' making)


def _until(condition) -> bool:
    """Whether ``condition()`` came true within ``WAIT`` seconds (looked at every 10 ms)."""
    pause = threading.Event()
    return any(condition() or pause.wait(0.01) for _ in range(WAIT * 100))


def _lines(count, *, made_in=None, fail_at=None):
    for n in range(count):
        if n == fail_at:
            raise ValueError(f"line {n} is wrong")
        if made_in is not None:
            made_in.append(threading.current_thread().name)
        yield f"line {n}"


def test_the_lines_come_in_order_the_first_made_while_the_database_is_waited_on():
    made_in, waited = [], []

    def meanwhile():  # returns once the second thread has made the 30 characters it may: five lines
        waited.append(_until(lambda: len(made_in) >= 5))

    given = list(copy_in.read_ahead(_lines(50, made_in=made_in), meanwhile, limit=30))

    assert given == [f"line {n}" for n in range(50)]
    assert waited == [True]
    assert made_in == ["transfer-read-ahead"] * 5 + [threading.current_thread().name] * 45


def test_nothing_after_a_pause_is_made_in_the_second_thread():
    made_in, paused = [], threading.Event()

    def lines():
        yield "before"
        paused.set()
        yield copy_in.PAUSE
        made_in.append(threading.current_thread().name)  # a lookup in the database would run here
        yield "after"

    def meanwhile():
        assert paused.wait(WAIT)
        threading.Event().wait(NEGATIVE)  # for a second thread going on past the pause to show itself

    given = list(copy_in.read_ahead(lines(), meanwhile, limit=1000))
    assert given == ["before", copy_in.PAUSE, "after"]
    assert made_in == [threading.current_thread().name]


def test_a_line_that_fails_in_the_second_thread_raises_where_it_would_have_been_given():
    failing = threading.Event()

    def lines():
        yield from ("line 0", "line 1", "line 2")
        failing.set()
        raise ValueError("line 3 is wrong")

    reader = copy_in.read_ahead(lines(), lambda: failing.wait(WAIT))
    given = []
    with pytest.raises(ValueError, match="line 3 is wrong"):
        for line in reader:
            given.append(line)
    assert given == ["line 0", "line 1", "line 2"]


def test_when_the_database_fails_meanwhile_the_second_thread_stops_and_the_failure_is_raised():
    made_in, started = [], threading.Event()

    def meanwhile():
        assert started.wait(WAIT)
        raise RuntimeError("the index could not be built")

    def endless():
        n = 0
        while True:
            made_in.append(n)
            started.set()
            yield f"line {n}"
            n += 1

    switching = sys.getswitchinterval()
    with pytest.raises(RuntimeError, match="could not be built"):
        next(copy_in.read_ahead(endless(), meanwhile, limit=10**9))
    assert not [t for t in threading.enumerate() if t.name == "transfer-read-ahead"]
    count = len(made_in)
    threading.Event().wait(NEGATIVE)
    assert len(made_in) == count  # nothing made once it has stopped
    assert sys.getswitchinterval() == switching


def test_no_more_is_held_than_the_limit_and_the_interpreter_is_shared_as_before_afterwards():
    made = []
    switching = sys.getswitchinterval()

    def lines():
        for n in range(1000):
            made.append(n)
            yield "x" * 10

    reader = copy_in.read_ahead(lines(), lambda: _until(lambda: len(made) >= 10), limit=100)
    assert next(reader) == "x" * 10
    assert len(made) == 10  # 100 characters made ahead, then it stopped
    assert sys.getswitchinterval() == switching
    assert len(list(reader)) == 999


def test_a_pause_or_the_end_first():
    assert list(copy_in.read_ahead(iter([]), lambda: None)) == []
    assert list(copy_in.read_ahead(iter([copy_in.PAUSE, "a"]), lambda: None)) == [copy_in.PAUSE, "a"]
