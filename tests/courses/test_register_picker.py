"""The register's application form picks the qualifying course from the list of approved courses."""

import datetime

import pytest

from accounts.models import Role
from regulation.models import Application
from tests.factories import make_user
from tests.regulation.conftest import evidence_and_declarations, send_application

from .conftest import approve

pytestmark = pytest.mark.django_db

BASE = {
    "first_name": "Sam",
    "last_name": "Okafor",
    "date_of_birth": "1990-04-12",
    "email": "sam@example.com",
    "address": "1 Park Row, Leeds",
    "qualified_on": "2016-07-01",
}


def test_applicant_picks_an_approved_course(client, course, lead, regulator):
    approve(course, lead, regulator)
    worker = make_user(Role.SOCIAL_WORKER, email="sam@example.com")
    client.force_login(worker)
    assert "MA Social Work, University of Leeds" in client.get("/register/apply/").content.decode()
    response = send_application(client, {**BASE, **evidence_and_declarations(), "course": course.pk})
    assert response.status_code == 302, response.content.decode()[-2000:]
    application = Application.objects.get()
    assert application.course == course and not application.course_not_listed
    assert application.qualification == "MA Social Work, University of Leeds"


def test_course_not_yet_approved_cannot_be_picked(client, course):
    client.force_login(make_user(Role.SOCIAL_WORKER))
    response = client.post("/register/apply/", {**BASE, **evidence_and_declarations(), "course": course.pk})
    assert response.status_code == 200 and not Application.objects.exists()


def test_not_listed_needs_the_course_named_and_is_marked_for_matching(client):
    client.force_login(make_user(Role.SOCIAL_WORKER, email="sam@example.com"))
    response = client.post("/register/apply/", {**BASE, **evidence_and_declarations(), "course_not_listed": "on"})
    assert "Enter the qualifying course you completed, and where" in response.content.decode()
    response = send_application(
        client,
        {
            **BASE,
            **evidence_and_declarations(),
            "course_not_listed": "on",
            "qualification": "CQSW, Leeds Polytechnic 1985",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.course is None and application.course_not_listed
    assert application.qualified_on == datetime.date(2016, 7, 1)


def test_neither_picked_nor_named_is_refused(client):
    client.force_login(make_user(Role.SOCIAL_WORKER))
    response = client.post("/register/apply/", BASE)
    assert "Select your course, or say it is not listed and name it" in response.content.decode()
