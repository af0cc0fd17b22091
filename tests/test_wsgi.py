"""The WSGI entry point every web node loads sets the garbage collector up for a long-lived server process."""

import os
import subprocess  # nosec B404 # runs this project's own interpreter with a fixed argument list
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import gc, config.wsgi; print(gc.get_freeze_count(), *gc.get_threshold())"


def _probe(**env) -> list[int]:
    result = subprocess.run(  # nosec B603 # our interpreter, a fixed probe
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [int(n) for n in result.stdout.split()]


def test_the_application_is_set_aside_from_collection_once_loaded():
    frozen, young, middle, old = _probe()
    assert frozen > 50_000  # Django and the apps, loaded: set aside, never walked again
    assert (young, middle, old) == (20_000, 20, 20)


def test_the_young_generation_threshold_can_be_put_back():
    assert _probe(GC_GEN0_THRESHOLD="700")[1:] == [700, 20, 20]
