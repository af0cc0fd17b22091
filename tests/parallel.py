"""Which pytest-xdist worker this process is, so workers can share a machine without sharing state."""

import os


def xdist_worker_index() -> int:
    """0 for the first worker (or a run without workers), 1 for the next, and so on."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
