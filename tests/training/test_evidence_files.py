"""Evidence files: checked whole by content before anything is saved, downloadable only by those who may see the
record, never deleted."""

import datetime
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accounts.services import ServiceError
from tests.factories import make_user
from training import evidence_files, services
from training.models import Evidence

from .conftest import START, at

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def stored_files() -> list[str]:
    try:
        _dirs, _files = default_storage.listdir("early-career-evidence")
    except FileNotFoundError:
        return []
    found = []
    for year in _dirs:
        for month in default_storage.listdir(f"early-career-evidence/{year}")[0]:
            found += default_storage.listdir(f"early-career-evidence/{year}/{month}")[1]
    return found


def form(day, **extra):
    return {
        "kind": "family_feedback",
        "title": "Card from a family",
        "occurred_on-day": day.day,
        "occurred_on-month": day.month,
        "occurred_on-year": day.year,
        "text": "",
        **extra,
    }


@pytest.fixture
def day(enrolled, time_machine):
    day = START + datetime.timedelta(days=20)
    time_machine.move_to(at(day), tick=False)
    return day


def test_participant_uploads_a_pdf_and_the_team_can_download_it(client, enrolled, team, day):
    client.force_login(team["participant"])
    page = client.get(f"/early-career/{enrolled.pk}/evidence/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    response = client.post(
        f"/early-career/{enrolled.pk}/evidence/",
        form(day, file=SimpleUploadedFile("letter from mum.pdf", PDF, content_type="application/pdf")),
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.original_name, item.detected_type, item.size) == ("letter from mum.pdf", "pdf", len(PDF))
    assert "letter" not in item.file.name  # stored under a random name
    html = client.get("/early-career/me/").content.decode()
    assert "Download letter from mum.pdf" in html
    url = f"/early-career/{enrolled.pk}/evidence/{item.pk}/file/"
    for user in (team["participant"], team["supervisor"], team["assessor"], team["coordinator"], team["regulator"]):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]
    api = client.get(f"/api/v1/training/enrolments/{enrolled.pk}/evidence-items/").json()
    assert api[0]["original_name"] == "letter from mum.pdf"
    assert client.get(api[0]["file_url"]).status_code == 200


def test_others_cannot_download_and_are_not_told_it_exists(client, enrolled, team, day):
    item = services.add_evidence(
        enrolment=enrolled,
        by=team["participant"],
        kind="reflective_log",
        title="Log",
        occurred_on=day,
        upload=SimpleUploadedFile("log.pdf", PDF),
    )
    stranger = make_user(Role.SOCIAL_WORKER)
    elsewhere = make_user(Role.LINE_MANAGER)
    for user in (stranger, elsewhere):
        client.force_login(user)
        assert client.get(f"/early-career/{enrolled.pk}/evidence/{item.pk}/file/").status_code == 404
        assert client.get(f"/api/v1/training/evidence/{item.pk}/file/").status_code == 404
    client.logout()
    assert client.get(f"/early-career/{enrolled.pk}/evidence/{item.pk}/file/").status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", EXE, "must be a PDF, Word, Excel, PowerPoint, OpenDocument, JPG or PNG file"),
        ("photo.png", JPEG, "name ends .png but it is not that kind of file"),
        ("report.docx", PDF, "name ends .docx but it is not that kind of file"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_refused_file_saves_nothing(client, enrolled, team, day, name, content, message):
    client.force_login(team["participant"])
    response = client.post(
        f"/early-career/{enrolled.pk}/evidence/",
        form(day, text="Also some words", file=SimpleUploadedFile(name, content)),
    )
    html = response.content.decode()
    assert response.status_code == 200 and message in html and "There is a problem" in html
    assert not Evidence.objects.exists() and stored_files() == []


def test_a_file_too_large_is_refused_before_anything_is_saved(enrolled, team, day, settings):
    settings.COURSE_EVIDENCE_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    with pytest.raises(ServiceError, match="smaller than"):
        services.add_evidence(
            enrolment=enrolled, by=team["participant"], kind="written_work", title="Essay", occurred_on=day, upload=big
        )
    assert not Evidence.objects.exists() and stored_files() == []


def test_photos_and_office_documents_are_accepted(enrolled, team, day):
    for name, content, kind in [("card.jpg", JPEG, "image/jpeg"), ("log.docx", docx(), "docx")]:
        item = services.add_evidence(
            enrolment=enrolled,
            by=team["participant"],
            kind="reflective_log",
            title=name,
            occurred_on=day,
            upload=SimpleUploadedFile(name, content),
        )
        assert item.detected_type == kind
    assert len(stored_files()) == 2
    assert evidence_files.content_type("image/jpeg") == "image/jpeg"
    assert evidence_files.content_type("docx") == "application/octet-stream"


def test_evidence_needs_words_or_a_file(client, enrolled, team, day):
    with pytest.raises(ServiceError, match="Enter the evidence or choose a file"):
        services.add_evidence(
            enrolment=enrolled, by=team["participant"], kind="reflective_log", title="Log", occurred_on=day
        )
    client.force_login(team["participant"])
    html = client.post(f"/early-career/{enrolled.pk}/evidence/", form(day)).content.decode()
    assert "Enter the evidence or choose a file to upload" in html


def test_api_takes_a_file_as_multipart(client, enrolled, team, day):
    client.force_login(team["assessor"])
    response = client.post(
        f"/api/v1/training/enrolments/{enrolled.pk}/evidence/",
        {"kind": "observation", "title": "Observed visit", "occurred_on": day.isoformat(), "file": io.BytesIO(PDF)},
    )
    assert response.status_code == 400  # a BytesIO has no name ending .pdf
    response = client.post(
        f"/api/v1/training/enrolments/{enrolled.pk}/evidence/",
        {
            "kind": "observation",
            "title": "Observed visit",
            "occurred_on": day.isoformat(),
            "file": SimpleUploadedFile("visit.pdf", PDF),
        },
    )
    assert response.status_code == 201, response.content
    assert Evidence.objects.get().original_name == "visit.pdf"


def test_evidence_over_the_request_cap_says_the_file_is_too_large_and_saves_nothing(
    client, enrolled, team, day, settings
):
    settings.MAX_UPLOAD_SIZE = 100_000
    client.force_login(team["participant"])
    large = SimpleUploadedFile("report.pdf", PDF + b"0" * 200_000, content_type="application/pdf")
    response = client.post(f"/early-career/{enrolled.pk}/evidence/", form(day, file=large))
    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
    assert "Enter the evidence" not in response.content.decode()
    assert not Evidence.objects.exists()
