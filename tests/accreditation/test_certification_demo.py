"""seed_demo shows the decision and certificate: an accredited social worker with a certificate and a credential,
and a decision waiting for regulator staff."""

import pytest
from django.core.management import call_command

from accreditation.demo_certification import ACCREDITED_EMAIL, WAITING_EMAIL
from accreditation.models import Accreditation, Candidate
from accreditation.services import credentials

pytestmark = pytest.mark.django_db


def test_demo_has_an_accredited_worker_with_certificate_and_credential_and_a_decision_waiting(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet-users")
    a = Accreditation.objects.get(candidate__user__email=ACCREDITED_EMAIL)
    assert a.certificate and a.certificate.open("rb").read(4) == b"%PDF"
    assert credentials.check_credential(a.credential).status == "valid"
    waiting = Candidate.objects.get(user__email=WAITING_EMAIL)
    assert waiting.stage == Candidate.Stage.DECISION and waiting.is_active
    call_command("seed_accreditation_demo")
    assert Accreditation.objects.count() == 1
