"""Course leads hear, over real SMTP, that their application arrived, that it was inspected, the decision with
its conditions, that a condition falls due (a reminder they may turn off) and when it is overdue (once); each email
links to the page where they act."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role, TurnedOffReminder
from regulation.courses import services
from regulation.courses.models import CourseCondition
from tests.factories import MembershipFactory, make_user
from tests.mailserver import links_in

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
    client.force_login(lead)
    for message in smtp_server.received.to(lead.email):  # each has the one link to the page where the lead acts
        [url] = links_in(message)
        assert client.get(url.removeprefix(settings.SITE_URL)).status_code == 200, message["Subject"]

    later = today + datetime.timedelta(days=11)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_overdue_conditions(today=later) == 1
        assert services.flag_overdue_conditions(today=later + datetime.timedelta(days=1)) == 0
    overdue = [m for m in smtp_server.received.to(lead.email) if "overdue" in m["Subject"]]
    assert [m["Subject"] for m in overdue] == [f"A condition on {course.title} is overdue"]


def test_a_condition_due_soon_is_reminded_once_and_not_once_evidence_is_sent_or_if_turned_off(
    course, lead, regulator, smtp_server, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    second_lead = make_user(email="second.lead@leeds.example")
    MembershipFactory(user=second_lead, organisation=lead.active_memberships[0].organisation, role=Role.COURSE_LEAD)
    TurnedOffReminder.objects.create(user=second_lead, event="regulation/courses/condition_due")
    approve(
        course,
        lead,
        regulator,
        conditions=[
            ("Add a module on law", today + datetime.timedelta(days=30)),
            ("Train assessors", today + datetime.timedelta(days=20)),
        ],
    )
    law, assessors = CourseCondition.objects.order_by("-due_on")
    services.respond_to_condition(condition=assessors, by=lead, response="Done")  # evidence sent: no reminder
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_conditions_due(today=today) == 0  # not yet within the fortnight
        assert services.remind_conditions_due(today=today + datetime.timedelta(days=17)) == 1
        assert services.remind_conditions_due(today=today + datetime.timedelta(days=18)) == 0  # once only
    reminders = [m for m in smtp_server.received.messages if "is due on" in m["Subject"]]
    assert [m["X-Envelope-To"] for m in reminders] == [lead.email]  # the other lead turned these off
    assert "Add a module on law" in reminders[0].get_body(("plain",)).get_content()
    assert f"/courses/conditions/{law.pk}/respond/" in reminders[0].get_body(("plain",)).get_content()
