"""Serve the product for development: Django's server and a real Celery worker (plus beat), one Ctrl-C stops all.

Uses whatever DATABASE_URL / CELERY_BROKER_URL say; with nothing set, SQLite and the filesystem broker under var/.
"""

import os
import signal
import subprocess  # nosec B404 # starts our own processes with fixed arguments, no shell
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main() -> int:
    os.chdir(ROOT)
    (ROOT / "var" / "celery" / "queue").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run([PYTHON, "manage.py", "seed_demo"], check=True, env=env, stdout=sys.stdout)  # nosec B603
    print("\nTwo-factor code for the assessor and regulator: run `make demo-code` in another terminal.")
    print("Serving on http://127.0.0.1:8000 with a Celery worker. Press Ctrl-C to stop both.\n", flush=True)
    processes = [
        subprocess.Popen(  # nosec B603 # fixed argument list, no shell
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--concurrency=2",
                "--pool=prefork",
                "--schedule",
                str(ROOT / "var" / "celerybeat-schedule"),
            ],
            env=env,
            start_new_session=True,
        ),
        subprocess.Popen([PYTHON, "manage.py", "runserver", "127.0.0.1:8000"], env=env, start_new_session=True),  # nosec B603
    ]

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("A process stopped on its own; stopping the rest.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping the web server and the worker…")
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
