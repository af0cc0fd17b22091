"""Running the product writes only under var/: nothing new appears anywhere else in the checkout.

The filesystem broker once wrote control/celery.exchange at the root (kombu's default control folder is
relative to the working directory), and those files were committed by mistake.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Folders that are not the product's runtime output: tooling caches (schemathesis's Hypothesis among them, which
# writes while this test walks when the suite runs in parallel), the virtualenv, version control, var/ itself.
NOT_PRODUCT = {"var", ".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "node_modules"}


def _files_outside_var() -> set[str]:
    found = set()
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in NOT_PRODUCT and not name.endswith(".egg-info")]
        found.update(str(Path(folder, name).relative_to(ROOT)) for name in files)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_running_the_product_leaves_nothing_outside_var():
    before = _files_outside_var()
    # The embedded defaults (SQLite, the filesystem broker) are the ones that write files; use them.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "VAR_DIR", "MEDIA_ROOT"}
        and not key.startswith("PYTEST")
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300)
    port = _free_port()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--pool=solo", "--loglevel=WARNING"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        # Queue real work through the broker so its exchange and queue files are written, and let beat tick.
        subprocess.run(
            [*manage, "shell", "-c", "from accounts.tasks import sweep; sweep.delay()"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
        )
        time.sleep(5)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    assert _files_outside_var() - before == set()
