"""A job slow enough to kill part-way, loaded by the fault tests' workers with ``celery worker -I``."""

import time

from accounts.exports import csv_bytes
from accounts.jobs import JobContext, job_handler

STEPS = 50


@job_handler("fault_slow_export")
def slow_export(context: JobContext) -> None:
    rows = []
    for step in range(STEPS):
        context.progress(step * 100 // STEPS, f"{step} of {STEPS} rows written")
        rows.append((step, step * step))
        time.sleep(0.1)
    context.save_result(filename="squares.csv", content=csv_bytes(["n", "square"], rows), content_type="text/csv")
