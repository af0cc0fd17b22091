"""A certificate made again, or made again after a run that was cut short, leaves one file per accreditation."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accreditation.services import certificates

pytestmark = pytest.mark.django_db


def _stored(accreditation) -> bytes:
    with default_storage.open(accreditation.certificate.name, "rb") as stored:
        return stored.read()


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


def test_the_certificate_is_a_tagged_pdf_a_3_carrying_its_signed_credential(accreditation):
    import io
    import json

    from pypdf import PdfReader

    content = _stored(accreditation)
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp  # PDF/A-3a: archival and accessible
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged
    assert root["/Lang"] == "en-GB" and accreditation.name in reader.metadata.title
    carried = reader.attachments["credential.json"][0]
    assert json.loads(carried) == accreditation.credential
    text = " ".join(reader.pages[0].extract_text().split())
    key = accreditation.credential["proof"][0]["verificationMethod"].rpartition("#")[2]
    assert "Signed for Social Work England by The Registrar, digitally with " + key in text
    assert "with no end date, unless it is revoked or the holder is suspended" in text


def test_the_credential_check_reads_the_certificate_pdf(client, accreditation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("certificate.pdf", _stored(accreditation), "application/pdf")
    page = client.post("/verify/credential/", {"file": pdf}).content.decode()
    assert "Valid credential" in page and accreditation.registration_number in page


def test_a_pdf_without_a_credential_says_to_check_by_code(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from weasyprint import HTML

    plain = SimpleUploadedFile("letter.pdf", HTML(string="<p>A letter</p>").write_pdf(), "application/pdf")
    page = client.post("/verify/credential/", {"file": plain}).content.decode()
    assert "This PDF carries no signed credential" in page and "Check it by the code printed on it" in page
    damaged = SimpleUploadedFile("broken.pdf", b"%PDF-1.7\n" + b"\x00" * 500, "application/pdf")
    assert "This PDF cannot be read" in client.post("/verify/credential/", {"file": damaged}).content.decode()


def test_poppler_reads_the_certificate_as_tagged_with_the_credential_attached(accreditation, tmp_path):
    """Checked by a reader nobody here wrote: Debian's poppler-utils (pdfinfo, pdfdetach)."""
    import json
    import os
    import shutil
    import subprocess

    if not (shutil.which("pdfinfo") and shutil.which("pdfdetach")):
        if os.environ.get("CI"):
            pytest.fail("CI must check certificates with poppler-utils, but pdfinfo or pdfdetach is missing.")
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(_stored(accreditation))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info and "PDF version:" in info
    listed = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "credential.json" in listed
    subprocess.run(["pdfdetach", "-save", "1", "-o", str(tmp_path / "c.json"), str(pdf)], check=True)
    assert json.loads((tmp_path / "c.json").read_text()) == accreditation.credential
