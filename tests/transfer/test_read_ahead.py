"""``copy_in.read_ahead``: a load makes a dataset's first lines in a second thread while this thread waits on the
database (putting back a finished table's indexes). It must give exactly the lines, in order, stop before anything
that looks the database up, and end cleanly whichever side fails."""

import threading

import pytest

from regulation.transfer import copy_in

WAIT = 10  # seconds: far longer than any of this takes, so a wait that runs out is a failure, not a slow machine


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
    made_in = []
    meanwhile_done = threading.Event()

    def lines():
        yield "before"
        yield copy_in.PAUSE
        made_in.append(threading.current_thread().name)  # a lookup in the database would run here
        yield "after"

    def meanwhile():
        meanwhile_done.wait(0.2)  # long enough for the second thread to reach the pause and stop there

    given = list(copy_in.read_ahead(lines(), meanwhile))
    assert given == ["before", copy_in.PAUSE, "after"]
    assert made_in == [threading.current_thread().name]


def test_a_line_that_fails_in_the_second_thread_raises_where_it_would_have_been_given():
    reader = copy_in.read_ahead(_lines(10, fail_at=4), lambda: threading.Event().wait(0.2))
    given = []
    with pytest.raises(ValueError, match="line 4 is wrong"):
        for line in reader:
            given.append(line)
    assert given == ["line 0", "line 1", "line 2", "line 3"]


def test_when_the_database_fails_meanwhile_the_second_thread_stops_and_the_failure_is_raised():
    made_in = []

    def meanwhile():
        raise RuntimeError("the index could not be built")

    def endless():
        n = 0
        while True:
            made_in.append(n)
            yield f"line {n}"
            n += 1

    with pytest.raises(RuntimeError, match="could not be built"):
        next(copy_in.read_ahead(endless(), meanwhile))
    assert not [t for t in threading.enumerate() if t.name == "transfer-read-ahead"]
    count = len(made_in)
    threading.Event().wait(0.05)
    assert len(made_in) == count  # nothing made once it has stopped


def test_no_more_is_held_than_the_limit():
    made = []

    def lines():
        for n in range(1000):
            made.append(n)
            yield "x" * 10

    reader = copy_in.read_ahead(lines(), lambda: threading.Event().wait(0.3), limit=100)
    first = next(reader)
    assert first == "x" * 10
    assert len(made) == 10  # 100 characters made ahead, then it waited
    assert len(list(reader)) == 999
