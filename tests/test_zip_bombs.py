"""Zip bombs: an Office or OpenDocument evidence file, or a transfer bundle, whose member unpacks to hundreds of
megabytes from a few hundred kilobytes. Each is refused by its zip directory, before anything is unpacked, with the
reason; the memory it costs is measured (tracemalloc's peak) and stays far below what unpacking would take."""

import io
import os
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import archives
from regulation.courses import uploads
from training import evidence_files

UNPACKED = 200 * 1024 * 1024  # packs to about 200 KB


def _bomb(members: dict[str, int | bytes]) -> bytes:
    """A zip whose members are the given bytes, or that many zero bytes (written in blocks, never held whole)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as sink:
                block = bytes(1024 * 1024)
                for _ in range(content // len(block)):
                    sink.write(block)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def docx_bomb():
    return _bomb({"[Content_Types].xml": b"<Types/>", "word/document.xml": UNPACKED})


@pytest.fixture(scope="module")
def odt_bomb():
    return _bomb({"mimetype": UNPACKED})


def _peak_bytes(call) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("which", ["docx_bomb", "odt_bomb"])
def test_an_office_bomb_is_refused_as_course_evidence_before_it_is_unpacked(request, which):
    content = request.getfixturevalue(which)
    assert len(content) < 1024 * 1024
    upload = SimpleUploadedFile("evidence.odt" if which == "odt_bomb" else "evidence.docx", content)
    refusal = []

    def check():
        with pytest.raises(uploads.UploadRefused) as caught:
            uploads.check_upload(upload, label="The evidence")
        refusal.append(str(caught.value))

    peak = _peak_bytes(check)
    assert "times its packed size" in refusal[0] or "unpacks to" in refusal[0]
    assert peak < 10 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"  # unpacking would take 200 MB


def test_an_office_bomb_is_refused_as_early_career_evidence_with_the_reason(docx_bomb):
    upload = SimpleUploadedFile("evidence.docx", docx_bomb)
    with pytest.raises(evidence_files.EvidenceFileRefused, match="which unpacks to"):
        evidence_files.check(upload, label="The evidence")


def test_a_genuine_office_file_still_passes():
    genuine = _bomb({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document>Hello</w:document>" * 50})
    assert uploads.check_upload(SimpleUploadedFile("notes.docx", genuine))[1] == "docx"
    odt = _bomb({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
    assert uploads.check_upload(SimpleUploadedFile("notes.odt", odt))[1] == "odt"


def test_the_directory_limits_each_say_which_limit(tmp_path):
    limits = archives.Limits(members=2, member_bytes=5 * 1024 * 1024, total_bytes=6 * 1024 * 1024, ratio=100)
    cases = {
        "holds 3 files": {"a": b"1", "b": b"2", "c": b"3"},
        "each file in it can be at most 5 MB": {"a": os.urandom(8 * 1024 * 1024)},
        "at most 6 MB in all": {"a": os.urandom(4 * 1024 * 1024), "b": os.urandom(4 * 1024 * 1024)},
        "times its packed size": {"a": 4 * 1024 * 1024},
    }
    for reason, members in cases.items():
        with zipfile.ZipFile(io.BytesIO(_bomb(members))) as archive, pytest.raises(archives.ArchiveRefused) as caught:
            archives.inspect(archive, limits)
        assert reason in str(caught.value)


@pytest.mark.django_db
def test_a_transfer_bundle_bomb_is_refused_before_anything_is_written(tmp_path, settings):
    from regulation.transfer import loading
    from regulation.transfer.importer import TransferRefused

    bomb = _bomb({"regions.csv": UNPACKED, "manifest.json": b"{}"})
    stored = "transfers/imports/bomb/bundle.zip"
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save(stored, ContentFile(bomb))
    into = tmp_path / "unpacked"
    refusal = []

    def unpack():
        with pytest.raises(TransferRefused) as caught:
            loading._unpack(stored, into)
        refusal.append(caught.value.problems[0])

    peak = _peak_bytes(unpack)
    assert "regions.csv" in refusal[0] and "times its packed size" in refusal[0]
    assert list(into.iterdir()) == []  # nothing written
    assert peak < 10 * 1024 * 1024


# --- Every upload field in the service, found by walking the forms and serializers ---------------------------------

# How each upload is guarded. A new file field fails the test below until it is added here, with its guard, so an
# upload cannot arrive without one. "zip directory": Office/OpenDocument evidence, checked by accounts.archives.
UPLOAD_GUARDS = {
    "accreditation.forms.CredentialCheckForm.file": "JSON, 100 KB, accounts.safe_json",
    "regulation.courses.forms.ConditionResponseForm.evidence_file": "zip directory",
    "regulation.courses.forms.EvidenceForm.document": "zip directory",
    "regulation.courses.forms.InspectionForm.report_file": "zip directory",
    "regulation.courses.forms.ResponseForm.document": "zip directory",
    "regulation.forms.ApplicationForm.qualification_certificate": "PDF, JPG or PNG by magic bytes",
    "regulation.forms.ApplicationForm.identity_document": "PDF, JPG or PNG by magic bytes",
    "regulation.transfer.forms.ImportForm.bundle": "zip directory, when the load job unpacks it",
    "training.forms.EvidenceForm.file": "zip directory",
    "training.serializers.EvidenceInputSerializer.file": "zip directory (the same check as the form)",
    "workforce.forms.UploadForm.file": "CSV text, 5 MB",
}
PROJECT_APPS = ("accounts", "accreditation", "regulation", "training", "workforce")


def _upload_fields() -> dict[str, type]:
    import importlib
    import pkgutil

    from django import forms
    from rest_framework import serializers

    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if module.name.rsplit(".", 1)[-1] in ("forms", "serializers") or ".forms." in module.name:
                importlib.import_module(module.name)
    found = {}
    for base, field_type in ((forms.BaseForm, forms.FileField), (serializers.Serializer, serializers.FileField)):
        pending = [base]
        while pending:
            cls = pending.pop()
            pending.extend(cls.__subclasses__())
            if not cls.__module__.startswith(PROJECT_APPS):
                continue
            fields = getattr(cls, "base_fields", None) or getattr(cls, "_declared_fields", {})
            for name, field in fields.items():
                if isinstance(field, field_type):
                    found[f"{cls.__module__}.{cls.__qualname__}.{name}"] = cls
    return found


def test_every_upload_field_has_a_guard_on_record():
    found = _upload_fields()
    assert set(found) == set(UPLOAD_GUARDS), (
        f"new upload fields (add each to UPLOAD_GUARDS with its guard): {sorted(set(found) - set(UPLOAD_GUARDS))}; "
        f"gone: {sorted(set(UPLOAD_GUARDS) - set(found))}"
    )


@pytest.mark.django_db
def test_a_zip_bomb_sent_to_every_form_that_reads_zips_is_refused_by_its_directory(docx_bomb):
    """Each form is bound with the bomb as its file, as a page would bind it; its own clean method refuses it."""
    checked = 0
    for key, cls in _upload_fields().items():
        if UPLOAD_GUARDS[key] != "zip directory" or not hasattr(cls, "base_fields"):
            continue
        field = key.rsplit(".", 1)[-1]
        form = cls(data={}, files={field: SimpleUploadedFile("evidence.docx", docx_bomb)})
        peak = _peak_bytes(form.is_valid)
        assert "unpacks to" in " ".join(form.errors.get(field, [])), (key, form.errors.get(field))
        assert peak < 10 * 1024 * 1024, (key, peak)
        checked += 1
    assert checked == 5
