"""Pointing the test process's jobs at one queue, and back, for tests that start a real worker on that queue."""


def route_jobs_to(app, queue: str | None) -> None:
    app.conf.task_routes = {"accounts.tasks.run_job": {"queue": queue}} if queue else None
    # Celery caches the routing table and the router built from it: without this, a route set by one test stays in
    # force for every later test in the same process (under pytest-xdist, tests that never set one).
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
