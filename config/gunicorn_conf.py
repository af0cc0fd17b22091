"""Gunicorn settings for a web node: `gunicorn -c config/gunicorn_conf.py config.wsgi:application`.

With PROMETHEUS_MULTIPROC_DIR set, each process writes its metrics there; a process that exits has its live gauges
removed so a scrape adds up only the living (counters and histograms are kept, so totals never go backwards).
"""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
