"""The application ends on GOV.UK "Check your answers": every answer with a Change link, then the declaration,
then the confirmation panel. Nothing is sent until the applicant accepts."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from regulation.models import Application
from tests.factories import make_user

from .conftest import PDF, SPRING
from .test_first_users import _application_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client, time_machine):
    time_machine.move_to(SPRING, tick=False)
    person = make_user(None, email="ada@example.com")
    client.force_login(person)
    return person


def test_answers_go_to_check_your_answers_and_nothing_is_sent_yet(client, applicant):
    response = client.post("/register/apply/", _application_data("ada@example.com"))
    assert response.status_code == 302 and response["Location"] == "/register/apply/check/"
    assert not Application.objects.exists()
    page = client.get("/register/apply/check/").content.decode()
    assert "Check your answers before sending your application" in page
    for answer in (
        "Ada Obi",
        "12 April 1990",
        "1 Park Row, Leeds",
        "MA Social Work, University of Leeds",
        "1 July 2016",
        "certificate.pdf",
        "passport.pdf",
    ):
        assert answer in page, answer
    # A Change link back to each part of the form, named for screen readers.
    for anchor in (
        "id_first_name",
        "id_date_of_birth",
        "id_address",
        "id_qualified_on",
        "id_employer",
        "id_qualification_certificate",
        "id_identity_document",
        "id_health_declaration_0",
    ):
        assert f'href="/register/apply/#{anchor}"' in page, anchor
    assert page.count('>Change<span class="govuk-visually-hidden">') >= 10
    assert "Accept and send" in page and 'data-prevent-double-click="true"' in page


def test_the_declaration_must_be_accepted_before_sending(client, applicant):
    client.post("/register/apply/", _application_data("ada@example.com"))
    page = client.post("/register/apply/check/", {}).content.decode()
    assert "govuk-error-summary" in page
    assert "Confirm that the information you have given is true" in page
    assert not Application.objects.exists()


def test_accept_and_send_makes_one_application_with_the_evidence_and_shows_the_panel(client, applicant):
    client.post("/register/apply/", _application_data("ada@example.com"))
    response = client.post("/register/apply/check/", {"declared": "on"})
    assert response["Location"] == "/register/application/sent/"
    application = Application.objects.get()
    assert application.declared_at is not None
    assert sorted(application.documents.values_list("original_name", flat=True)) == ["certificate.pdf", "passport.pdf"]
    assert application.documents.get(kind="qualification").file.read().startswith(b"%PDF-")
    assert "govuk-panel--confirmation" in client.get(response["Location"]).content.decode()
    # Sent again (a double click or the back button): still one application, the draft and its files are gone.
    again = client.post("/register/apply/check/", {"declared": "on"})
    assert again.status_code == 302 and Application.objects.count() == 1
    assert "register_application_draft" not in client.session
    assert not default_storage.listdir(f"register/drafts/{applicant.pk}")[1]


def test_change_shows_the_answers_given_and_keeps_the_evidence_unless_replaced(client, applicant):
    client.post("/register/apply/", _application_data("ada@example.com"))
    form = client.get("/register/apply/").content.decode()
    assert 'value="Ada"' in form and "1 Park Row, Leeds" in form
    assert "You have added certificate.pdf" in form
    # Change the name only, sending no files: the evidence sent first is kept.
    data = _application_data("ada@example.com", first_name="Adaeze")
    data.pop("qualification_certificate")
    data.pop("identity_document")
    response = client.post("/register/apply/", data)
    assert response["Location"] == "/register/apply/check/"
    page = client.get("/register/apply/check/").content.decode()
    assert "Adaeze Obi" in page and "certificate.pdf" in page
    # Replace the certificate.
    newer = SimpleUploadedFile("new-certificate.pdf", PDF, content_type="application/pdf")
    client.post("/register/apply/", {**data, "qualification_certificate": newer})
    assert "new-certificate.pdf" in client.get("/register/apply/check/").content.decode()
    client.post("/register/apply/check/", {"declared": "on"})
    application = Application.objects.get()
    assert application.first_name == "Adaeze"
    assert application.documents.get(kind="qualification").original_name == "new-certificate.pdf"


def test_check_your_answers_without_answers_goes_back_to_the_form(client, applicant):
    assert client.get("/register/apply/check/")["Location"] == "/register/apply/"
