"""Course leads hear, over real SMTP, that their application arrived, that it was inspected, the decision with
its conditions, and when a condition is overdue (once); each email links to the page where they act."""

import datetime

import pytest
from django.utils import timezone

from regulation.courses import services

from .conftest import approve

pytestmark = pytest.mark.django_db


def test_a_course_lead_is_told_each_step_once_with_a_link_to_act(
    course, lead, regulator, smtp_server, client, settings, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        approve(course, lead, regulator, conditions=[("Add a module on law", today + datetime.timedelta(days=10))])
    subjects = [m["Subject"] for m in smtp_server.received.to(lead.email)]
    assert subjects == [
        f"Course approval application received: {course.title}",
        f"Inspection recorded: {course.title}",
        f"Decision on your course: {course.title}",
    ]
    inspected = smtp_server.received.to(lead.email)[1]
    link = inspected.get_body(("plain",)).get_content().split(settings.SITE_URL, 1)[1].split()[0]
    client.force_login(lead)
    assert client.get(link).status_code == 200

    later = today + datetime.timedelta(days=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_overdue_conditions(today=later) == 1
        assert services.flag_overdue_conditions(today=later + datetime.timedelta(days=1)) == 0
    overdue = [m for m in smtp_server.received.to(lead.email) if "overdue" in m["Subject"]]
    assert [m["Subject"] for m in overdue] == [f"A condition on {course.title} is overdue"]
