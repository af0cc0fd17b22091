import datetime
import io
import zipfile

import pytest
from django.utils import timezone

from accounts.models import Organisation, Role
from regulation.courses import services
from regulation.courses.models import Standard
from tests.factories import OrganisationFactory, RegionFactory, make_user

COURSE = {
    "title": "MA Social Work",
    "award": "MA Social Work",
    "level": "postgraduate",
    "mode": "full_time",
    "site": "Leeds campus",
    "annual_places": 40,
    "practice_days": 200,
    "statutory_placement_days": 170,
    "skills_days": 30,
    "first_intake": datetime.date(2027, 9, 1),
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.fixture
def region(db):
    return RegionFactory(code="E12000003", name="Yorkshire and The Humber")


@pytest.fixture
def university(db, region):
    return OrganisationFactory(name="University of Leeds", kind=Organisation.Kind.EDUCATION_PROVIDER, region=region)


@pytest.fixture
def provider(university):
    return services.provider_for_organisation(organisation=university)


@pytest.fixture
def lead(university):
    return make_user(Role.COURSE_LEAD, organisation=university, email="lead@leeds.example")


@pytest.fixture
def other_lead(db):
    return make_user(Role.COURSE_LEAD, email="lead@elsewhere.example")


@pytest.fixture
def regulator(db):
    return make_user(Role.REGULATOR_STAFF, email="reviewer@regulator.example")


@pytest.fixture
def course(provider, lead):
    return services.add_course(provider=provider, by=lead, **COURSE)


def fill_evidence(application, by):
    for standard in Standard.values:
        services.save_evidence(application=application, by=by, standard=standard, text=f"How we meet {standard}")


def submitted(course, lead, kind="new"):
    application = services.start_application(course=course, by=lead, kind=kind)
    fill_evidence(application, lead)
    return services.submit_application(application=application, by=lead)


def review_all(application, regulator, outcome="met"):
    for standard in Standard.values:
        services.review_standard(
            application=application, by=regulator, standard=standard, outcome=outcome, reasons="Evidence is sound"
        )


def inspect(application, regulator):
    """An inspection on the day: approval rests on an inspection that has finished."""
    today = timezone.localdate()
    return services.record_inspection(
        application=application, by=regulator, starts_on=today, ends_on=today, team="Ruth Adeyemi", report="Seen."
    )


def approve(course, lead, regulator, *, conditions=None):
    application = submitted(course, lead)
    review_all(application, regulator)
    inspect(application, regulator)
    if conditions:
        return services.decide(
            application=application,
            by=regulator,
            outcome="approved_with_conditions",
            reason="Meets the standards",
            conditions=conditions,
        )
    return services.decide(application=application, by=regulator, outcome="approved", reason="Meets the standards")


@pytest.fixture
def approved_course(course, lead, regulator):
    approve(course, lead, regulator)
    course.refresh_from_db()
    return course


def not_listed_application(*, email="pat@example.com", qualification="CQSW, Leeds Polytechnic 1985"):
    """A register application whose course was "not listed", waiting for regulator staff to match it."""
    from regulation.models import Application

    applicant = make_user(Role.SOCIAL_WORKER, email=email)
    return Application.objects.create(
        applicant=applicant,
        first_name="Pat",
        last_name="Quinn",
        date_of_birth=datetime.date(1960, 1, 5),
        email=email,
        address="3 Park Row, Leeds",
        qualification=qualification,
        qualified_on=datetime.date(1985, 7, 1),
        course_not_listed=True,
    )


def inspect_with_report(application, regulator, content=PDF, name="Inspection report.pdf"):
    today = timezone.localdate()
    return services.record_inspection(
        application=application,
        by=regulator,
        starts_on=today,
        ends_on=today,
        team="Ruth Adeyemi",
        report="",
        report_file=upload(name, content),
    )
