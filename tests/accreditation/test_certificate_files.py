"""A certificate made again, or made again after a run that was cut short, leaves one file per accreditation."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accreditation.services import certificates

pytestmark = pytest.mark.django_db


def _files() -> list[str]:
    return sorted(default_storage.listdir("certificates")[1])


def test_making_a_certificate_again_keeps_one_file(accreditation):
    first = accreditation.certificate.name
    again = certificates.issue_certificate(accreditation=accreditation)
    assert again.certificate.name == first and _files() == [first.removeprefix("certificates/")]


def test_a_run_cut_short_after_writing_leaves_no_second_file(accreditation):
    content = certificates.render_certificate(accreditation)
    digest = hashlib.sha256(content).hexdigest()
    # What a worker killed mid-write leaves: the file's name, half its bytes, and no record pointing at it.
    name = accreditation.certificate.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(content[: len(content) // 2]))
    redone = certificates.issue_certificate(accreditation=accreditation)
    assert _files() == [name.removeprefix("certificates/")]
    with default_storage.open(redone.certificate.name, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == digest == redone.certificate_sha256
