"""The register tells applicants what happened, over real SMTP: a copy of the application (as the sent page
promises), a request for more information (each request its own email), and the decision, each linking to the
page where they act."""

import pytest

from accounts.models import Notification, Role
from regulation import services
from tests.factories import make_user
from tests.mailserver import links_in, text_of

from .conftest import SPRING, apply_for

pytestmark = pytest.mark.django_db


def test_an_applicant_gets_a_copy_requests_and_the_decision_each_once_with_a_link_to_act(
    client, regulator, smtp_server, settings, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(SPRING, tick=False)
    person = make_user(Role.SOCIAL_WORKER, first_name="Amara", last_name="Osei")
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_for(person)
    [copy] = smtp_server.received.to(person.email)
    assert copy["Subject"] == "We have received your application to register"
    body = text_of(copy)
    assert "MA Social Work, University of Leeds" in body and "12 April 1990" in body
    client.force_login(person)
    assert client.get(links_in(copy)[0][len(settings.SITE_URL) :]).status_code == 200
    sent_page = client.get("/register/application/sent/").content.decode()
    assert f"We have sent a copy of your application to {person.email}" in sent_page

    for question in ("Send your transcript.", "Send your certificate too."):
        with django_capture_on_commit_callbacks(execute=True):
            services.request_more_information(application=application, by=regulator, request=question)
            services.respond_to_request(application=application, by=person, response="Sent.")
    asked = [m for m in smtp_server.received.to(person.email) if "More information" in m["Subject"]]
    assert len(asked) == 2
    assert "transcript" in text_of(asked[0]) and "certificate too" in text_of(asked[1])
    assert len(smtp_server.received.to(regulator.email)) == 2  # told of each answer

    with django_capture_on_commit_callbacks(execute=True):
        entry = services.approve_application(application=application, by=regulator, reason="Checked")
    decision = smtp_server.received.to(person.email)[-1]
    assert decision["Subject"] == f"You are on the social work register: {entry.registration_number}"
    assert f"{settings.SITE_URL}/register/me/" in text_of(decision)
    assert Notification.objects.filter(recipient=person, status="sent").count() == 4


def test_every_register_and_course_email_carries_a_link_to_the_page_that_acts():
    """GOV.UK Notify's rule: each email names one place to act. A template without a link fails here on arrival."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "templates" / "emails"
    missing = [
        str(path.relative_to(folder))
        for path in sorted(folder.rglob("*.txt"))
        if not any(link in path.read_text() for link in ("{{ site_url }}", "{{ url }}", "{{ pathway_url }}"))
    ]
    assert missing == []
