"""Prometheus metrics: request counts and latencies per view, and the service's own work (jobs, outbox, queue).

Request figures are counted in each process. Under gunicorn with several processes, set PROMETHEUS_MULTIPROC_DIR
(an empty directory, one per node) before start: prometheus_client then writes each process's figures to files there
and a scrape of any process adds them up (config/gunicorn_conf.py removes a dead process's gauges).

The job, outbox and broker figures are not counted anywhere: they are read from the database and the broker at
scrape time, so every process of every node reports the same true value whichever one is asked.

/metrics is not public. A request is let in when its direct peer (REMOTE_ADDR, never X-Forwarded-For) is in
METRICS_ALLOWED_IPS and it did not come through the load balancer (no X-Forwarded-For header), or when it bears
``Authorization: Bearer <METRICS_TOKEN>`` (when that is set).
"""

import hmac
import ipaddress
import time

from django.conf import settings
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "swaccredit_http_requests_total", "HTTP requests answered, by method, view and status", ["method", "view", "status"]
)
LATENCY = Histogram(
    "swaccredit_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and view",
    ["method", "view"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestMetricsMiddleware:
    """Counts and times every request. Labels are bounded: the URL pattern's name, never the path itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unresolved"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method, view, str(response.status_code)).inc()
        LATENCY.labels(method, view).observe(time.perf_counter() - started)
        return response


def _ip_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if ip in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def may_scrape(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
            return True
    if "X-Forwarded-For" in request.headers:
        return False  # came through the balancer: its own address says nothing about who asked
    return _ip_allowed(request.META.get("REMOTE_ADDR", ""))


class ServiceCollector:
    """The service's own work, read when scraped (so the same in every process)."""

    def collect(self):
        from . import selectors

        jobs = GaugeMetricFamily("swaccredit_jobs", "Jobs (accounts.Job) by status", labels=["status"])
        for status, n in selectors.job_counts_by_status().items():
            jobs.add_metric([status], n)
        yield jobs
        outbox = GaugeMetricFamily(
            "swaccredit_notifications_waiting", "Messages in the outbox not yet sent, by status", labels=["status"]
        )
        for status, n in selectors.notifications_waiting_by_status().items():
            outbox.add_metric([status], n)
        yield outbox
        lengths = broker_queue_lengths()
        if lengths is not None:
            queue = GaugeMetricFamily(
                "swaccredit_broker_queue_length", "Tasks waiting in the Redis broker, by queue", labels=["queue"]
            )
            for name, n in lengths.items():
                queue.add_metric([name], n)
            yield queue


def broker_queue_lengths() -> dict[str, int] | None:
    """Tasks waiting in each Celery queue when the broker is Redis; None for any other broker. -1 when Redis does
    not answer (so an alert sees the broker gone, not an empty queue)."""
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return None
    import redis

    from config.celery import app

    queues = sorted({app.conf.task_default_queue or "celery"})
    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)
        return {name: int(client.llen(name)) for name in queues}
    except redis.RedisError:
        return dict.fromkeys(queues, -1)


def exposition() -> tuple[bytes, str]:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ServiceCollector())
    if settings.PROMETHEUS_MULTIPROC_DIR:
        MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY) + generate_latest(registry), CONTENT_TYPE_LATEST
