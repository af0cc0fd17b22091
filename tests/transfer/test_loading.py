"""Loading a predecessor's bundle in the browser: upload, check (nothing loaded), confirm, load — all audited."""

import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent, Job, Role
from regulation.models import RegisterEntry
from regulation.transfer.export import write_bundle, zip_bundle
from tests.factories import make_user

from .conftest import AS_AT, CREATED
from .test_bundle import _reseed, empty_the_database

pytestmark = pytest.mark.django_db


def zipped_bundle(tmp_path, damage=None) -> bytes:
    write_bundle(tmp_path / "b", as_at=AS_AT, created_at=CREATED)
    if damage:
        damage(tmp_path / "b")
    zip_bundle(tmp_path / "b", tmp_path / "b.zip")
    return (tmp_path / "b.zip").read_bytes()


def successor_regulator():
    """The successor's own staff, in an organisation whose id the predecessor's bundle does not use."""
    from tests.factories import OrganisationFactory

    return make_user(Role.REGULATOR_STAFF, organisation=OrganisationFactory(id=9999), email="sam@successor.example")


def upload(client, capture, content: bytes, name="register-transfer.zip"):
    with capture(execute=True):
        response = client.post("/register/transfer/load/", {"bundle": SimpleUploadedFile(name, content)})
    return response


@pytest.fixture
def successor(populated, tmp_path, client):
    """The predecessor's bundle as a zip, and an empty successor service with one regulator signed in."""
    content = zipped_bundle(tmp_path)
    empty_the_database()
    _reseed()
    regulator = successor_regulator()
    client.force_login(regulator)
    return {"zip": content, "regulator": regulator}


def test_a_regulator_uploads_checks_then_loads_a_bundle_and_each_step_is_audited(
    successor, client, django_capture_on_commit_callbacks
):
    response = upload(client, django_capture_on_commit_callbacks, successor["zip"])
    check = Job.objects.get(kind="transfer_import")
    assert response.status_code == 302 and response["Location"] == f"/register/transfer/load/{check.pk}/"
    assert check.status == Job.Status.SUCCEEDED, check.error
    page = client.get(response["Location"]).content.decode()
    assert "The bundle is sound" in page and "Nothing has been loaded yet" in page and "Load this bundle" in page
    assert not RegisterEntry.objects.exists()
    checked = AuditEvent.objects.get(action="transfer_import_checked")
    assert checked.actor == successor["regulator"] and checked.changes["rows"]["register"] == 4
    assert checked.changes["filename"] == "register-transfer.zip" and len(checked.changes["sha256"]) == 64

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/register/transfer/load/{check.pk}/confirm/")
    load = Job.objects.exclude(pk=check.pk).get(kind="transfer_import")
    assert response["Location"] == f"/register/transfer/load/{load.pk}/"
    assert load.status == Job.Status.SUCCEEDED, load.error
    assert RegisterEntry.objects.count() == 4
    page = client.get(response["Location"]).content.decode()
    assert "Bundle loaded" in page and "register" in page
    event = AuditEvent.objects.get(action="transfer_imported")
    assert event.actor == successor["regulator"] and event.object_id == str(load.pk)
    assert event.changes["loaded"]["register"] == 4 and event.changes["sha256"] == checked.changes["sha256"]
    # A second click on the same check does not load twice.
    client.post(f"/register/transfer/load/{check.pk}/confirm/")
    assert Job.objects.filter(kind="transfer_import").count() == 2


def _bad_checksum(path):
    with open(path / "conditions.jsonl", "a", encoding="utf-8") as handle:
        handle.write("\n")


def test_a_damaged_bundle_is_refused_naming_the_problem_and_nothing_changes(
    populated, tmp_path, client, django_capture_on_commit_callbacks
):
    content = zipped_bundle(tmp_path, damage=_bad_checksum)
    empty_the_database()
    regulator = successor_regulator()
    client.force_login(regulator)
    response = upload(client, django_capture_on_commit_callbacks, content)
    job = Job.objects.get(kind="transfer_import")
    assert job.status == Job.Status.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "The bundle was refused: nothing was loaded" in page
    assert "conditions.jsonl: wrong checksum" in page and "Load this bundle" not in page
    assert "Ask your predecessor for a corrected bundle" in page
    assert AuditEvent.objects.get(action="transfer_import_refused").object_repr == (
        "Check register-transfer.zip: refused, nothing loaded"
    )
    event = AuditEvent.objects.get(action="transfer_import_refused")
    assert event.actor == regulator and any("conditions.jsonl" in p for p in event.changes["problems"])
    assert client.post(f"/register/transfer/load/{job.pk}/confirm/").status_code == 302
    assert Job.objects.filter(kind="transfer_import").count() == 1  # a refused bundle cannot be loaded
    assert not RegisterEntry.objects.exists()


def test_a_zip_with_other_files_and_a_file_that_is_not_a_zip_are_refused(
    successor, client, tmp_path, django_capture_on_commit_callbacks
):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("../outside.txt", "x")
        archive.writestr("manifest.json", json.dumps({}))
    upload(client, django_capture_on_commit_callbacks, (tmp_path / "evil.zip").read_bytes())
    upload(client, django_capture_on_commit_callbacks, b"not a zip at all")
    problems = [e.changes["problems"][0] for e in AuditEvent.objects.filter(action="transfer_import_refused")]
    assert any("not part of a bundle: ../outside.txt" in p for p in problems)
    assert "The file is not a zip that can be read." in problems
    assert not (tmp_path.parent / "outside.txt").exists()


def test_the_upload_form_names_what_is_wrong(successor, client):
    response = client.post("/register/transfer/load/", {})
    assert "Select the transfer bundle (a .zip file)" in response.content.decode()
    response = client.post("/register/transfer/load/", {"bundle": SimpleUploadedFile("bundle.csv", b"a,b")})
    assert "The selected file must be a .zip" in response.content.decode()
    assert not Job.objects.exists()


def test_a_bundle_over_the_upload_limit_gets_a_clear_answer_and_nothing_starts(successor, client, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    response = client.post("/register/transfer/load/", {"bundle": SimpleUploadedFile("big.zip", b"x" * 4096)})
    assert response.status_code == 413
    assert not Job.objects.exists()


def test_a_bundle_is_loaded_only_into_an_empty_register_and_the_check_says_so_before_anyone_asks(
    populated, tmp_path, client, django_capture_on_commit_callbacks
):
    """The predecessor checks its own bundle, say: the check finds it sound, and the page says at once that this
    service cannot take it, with no button to load; asking anyway starts no load."""
    content = zipped_bundle(tmp_path)
    regulator = successor_regulator()
    client.force_login(regulator)
    upload(client, django_capture_on_commit_callbacks, content)
    check = Job.objects.get(kind="transfer_import")

    page = client.get(f"/register/transfer/load/{check.pk}/").content.decode()

    assert "The bundle is sound" in page and "This service cannot take it" in page
    assert "This service already holds records of its own (" in page and "4 register entries" in page
    assert "Load this bundle" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/register/transfer/load/{check.pk}/confirm/", follow=True)
    assert "This service already holds records of its own" in response.content.decode()
    assert Job.objects.filter(kind="transfer_import").count() == 1


def test_a_successors_home_page_offers_to_load_the_register_until_it_holds_one(successor, client):
    home = client.get("/").content.decode()
    assert "Load the register from a predecessor" in home and 'href="/register/transfer/load/"' in home
