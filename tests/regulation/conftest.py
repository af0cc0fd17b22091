import datetime

import pytest

from accounts.models import Role
from regulation import services
from tests.factories import LocalAuthorityFactory, make_user

# A Tuesday inside the registration year 2026–27, before the renewal window opens.
SPRING = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=datetime.UTC)
RENEWAL_OPEN = datetime.datetime(2027, 9, 14, 10, 0, tzinfo=datetime.UTC)


def apply_for(user, **overrides):
    data = {
        "applicant": user,
        "first_name": user.first_name or "Sam",
        "last_name": user.last_name or "Okafor",
        "date_of_birth": datetime.date(1990, 4, 12),
        "email": user.email,
        "address": "1 Secret Street, Leeds",
        "qualification": "MA Social Work, University of Leeds",
        "qualified_on": datetime.date(2016, 7, 1),
    }
    data.update(overrides)
    return services.submit_application(**data)


def register(user, regulator, **overrides):
    application = apply_for(user, **overrides)
    return services.approve_application(application=application, by=regulator, reason="Qualification checked")


@pytest.fixture
def regulator(db):
    return make_user(Role.REGULATOR_STAFF, email="ruth@regulator.example")


@pytest.fixture
def leeds(db):
    return LocalAuthorityFactory(name="Leeds City Council", town="Leeds")


@pytest.fixture
def worker(db, leeds):
    return make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name="Sam", last_name="Okafor")


@pytest.fixture
def entry(worker, regulator, time_machine):
    time_machine.move_to(SPRING, tick=False)
    return register(worker, regulator)


def add_cpd(entry, by, *, peer="Priya Shah", title="Workshop", day=None):
    return services.record_cpd(
        entry=entry,
        by=by,
        title=title,
        activity_date=day or datetime.date.today(),
        learning="Learned things",
        impact="Changed practice",
        discussed_with_peer=bool(peer),
        peer_name=peer,
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence_and_declarations(**overrides) -> dict:
    """What the application page needs beyond the personal details: two files and the declarations."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "qualification_certificate": SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf"),
        "identity_document": SimpleUploadedFile("passport.pdf", PDF, content_type="application/pdf"),
        "health_declaration": "no",
        "character_declaration": "no",
        "convictions_declaration": "no",
        "declared": "on",
    }
    data.update(overrides)
    return data


def send_application(client, data):
    """Fill in the application, then accept and send it from "Check your answers", as an applicant does.

    Returns the first page's response if it did not lead to "Check your answers" (a form error)."""
    answered = client.post("/register/apply/", data)
    if answered.status_code != 302 or answered["Location"] != "/register/apply/check/":
        return answered
    return client.post("/register/apply/check/", {"declared": "on"})
