"""The entry points every web node loads (WSGI, ASGI) set the garbage collector up for a long-lived server
process, the URLconf and views among what is set aside."""

import os
import subprocess  # nosec B404 # runs this project's own interpreter with a fixed argument list
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import gc, sys, config.{entry}; "
    "print(gc.get_freeze_count(), *gc.get_threshold(), int('accounts.views' in sys.modules))"
)


def _probe(entry="wsgi", **env) -> list[int]:
    result = subprocess.run(  # nosec B603 # our interpreter, a fixed probe
        [sys.executable, "-c", PROBE.format(entry=entry)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [int(n) for n in result.stdout.split()]


@pytest.mark.parametrize("entry", ["wsgi", "asgi"])
def test_the_application_is_set_aside_from_collection_once_loaded(entry):
    frozen, young, middle, old, views_loaded = _probe(entry)
    assert frozen > 50_000  # Django and the apps, loaded: set aside, never walked again
    assert views_loaded == 1  # the URLconf was imported before the freeze
    assert (young, middle, old) == (20_000, 20, 20)


def test_the_young_generation_threshold_can_be_put_back():
    assert _probe(GC_GEN0_THRESHOLD="700")[1:4] == [700, 20, 20]


@pytest.mark.parametrize("value", ["0", "", "many"])
def test_a_threshold_that_would_stop_collection_or_is_not_a_number_is_refused_at_start(value):
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _probe(GC_GEN0_THRESHOLD=value)
    assert "GC_GEN0_THRESHOLD must be a whole number of at least 1" in failed.value.stderr
