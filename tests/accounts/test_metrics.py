"""/metrics: who may scrape it, and what it reports (requests, jobs, outbox, broker queue)."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from accounts.models import Job, Notification, Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def samples(response) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_a_listed_address_may_scrape(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_an_unlisted_address_is_refused(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403


def test_a_request_through_the_balancer_is_refused_even_from_a_listed_address(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 403


def test_the_token_lets_in_from_anywhere_and_a_wrong_one_does_not(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = "s3cret-token-value"
    ok = client.get("/metrics", REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION="Bearer s3cret-token-value")
    assert ok.status_code == 200
    wrong = client.get("/metrics", REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION="Bearer guessed")
    assert wrong.status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403


def test_no_token_configured_means_no_token_is_accepted(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_a_signed_in_regulator_from_elsewhere_is_refused(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    client.force_login(make_user(Role.REGULATOR_STAFF))
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403


def test_reports_jobs_by_status_and_the_outbox(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    owner = make_user(Role.REGULATOR_STAFF)
    for title, status in [("a", Job.Status.QUEUED), ("b", Job.Status.FAILED), ("c", Job.Status.FAILED)]:
        Job.objects.create(kind="audit_export", title=title, status=status, created_by=owner)
    for key, status in [("a", "queued"), ("b", "sending"), ("c", "sent"), ("d", "turned_off")]:
        Notification.objects.create(key=key, event="e", email="x@example.com", subject="s", body="b", status=status)
    found = samples(client.get("/metrics"))
    assert found[("swaccredit_jobs", (("status", "queued"),))] == 1
    assert found[("swaccredit_jobs", (("status", "failed"),))] == 2
    assert found[("swaccredit_jobs", (("status", "running"),))] == 0
    assert found[("swaccredit_notifications_waiting", (("status", "queued"),))] == 1
    assert found[("swaccredit_notifications_waiting", (("status", "sending"),))] == 1
    assert not any(
        name == "swaccredit_notifications_waiting" and ("status", "sent") in labels for name, labels in found
    )


def test_counts_requests_by_view_and_status(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    key = ("swaccredit_http_requests_total", (("method", "GET"), ("status", "200"), ("view", "healthz_live")))
    before = samples(client.get("/metrics")).get(key, 0)
    client.get("/healthz/live")
    client.get("/healthz/live")
    assert samples(client.get("/metrics"))[key] == before + 2
    # a path that matches no pattern is one label, not one per path
    client.get("/no-such-page-1/")
    client.get("/no-such-page-2/")
    found = samples(client.get("/metrics"))
    assert not any("no-such-page" in str(labels) for _, labels in found)
    assert any(("view", "unresolved") in labels for _, labels in found)


def test_broker_queue_length_is_reported_for_redis_and_minus_one_when_it_does_not_answer(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    found = samples(client.get("/metrics"))
    assert found[("swaccredit_broker_queue_length", (("queue", "celery"),))] == -1


def test_no_broker_queue_figure_for_a_broker_that_is_not_redis(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    settings.CELERY_BROKER_URL = "filesystem://"
    assert not any(name == "swaccredit_broker_queue_length" for name, _ in samples(client.get("/metrics")))


def test_multiprocess_mode_adds_up_the_processes(client, settings, tmp_path, monkeypatch):
    """With PROMETHEUS_MULTIPROC_DIR set, a scrape reads every process's files (here: two written by hand)."""
    from prometheus_client import CollectorRegistry, Counter
    from prometheus_client import values as prom_values

    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    settings.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)
    for pid in (101, 102):
        monkeypatch.setattr(prom_values, "ValueClass", prom_values.MultiProcessValue(lambda pid=pid: pid))
        counter = Counter("swaccredit_probe_total", "probe", ["node"], registry=CollectorRegistry())
        counter.labels("web").inc(3)
    found = samples(client.get("/metrics"))
    assert found[("swaccredit_probe_total", (("node", "web"),))] == 6
    assert ("swaccredit_jobs", (("status", "queued"),)) in found
