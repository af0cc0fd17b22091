"""What every benchmark script shares: starting Django, and timing a call.

Django runs on a throw-away SQLite file of its own unless DATABASE_URL is set. Each script calls ``setup("name")``
before importing anything from the project, so a benchmark never touches the development database under
var/db.sqlite3.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "DATABASE_URL" not in os.environ:
        db_file = ROOT / "var" / f"{name}_bench.sqlite3"
        db_file.parent.mkdir(exist_ok=True)
        db_file.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"

    import django

    django.setup()


def timed(fn, repeat: int = 15) -> float:
    """The median of ``repeat`` runs of ``fn``, in seconds: the middle run, so one noisy run does not count."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
