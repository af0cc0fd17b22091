"""Two regulator staff deciding one application at the same moment give one decision (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from regulation.courses import services
from regulation.courses.models import CourseApplication, CourseStatusChange

from .conftest import inspect, review_all, submitted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)")
def test_concurrent_decisions_give_one_decision(course, lead, regulator):
    application = submitted(course, lead)
    review_all(application, regulator)
    inspect(application, regulator)  # approval rests on a finished inspection
    barrier = threading.Barrier(2)
    results = []

    def decide(outcome):
        try:
            barrier.wait()
            services.decide(application=application, by=regulator, outcome=outcome, reason=f"Decided {outcome}")
            results.append(outcome)
        except services.ServiceError as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(o,)) for o in ("approved", "not_approved")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    application = CourseApplication.objects.get(pk=application.pk)
    assert sorted(results) == sorted([application.outcome, "A decision has already been recorded."])
    assert CourseStatusChange.objects.filter(course=course).exclude(from_status="").count() == 1
