import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from regulation.transfer import services
from tests.access import AccessCase, check_access, parametrize_access

pytestmark = pytest.mark.django_db

REG = {Role.REGULATOR_STAFF}


@pytest.fixture
def world(role_users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_export(by=role_users[Role.REGULATOR_STAFF], since=None)
        check = services.start_import_check(
            by=role_users[Role.REGULATOR_STAFF], upload=SimpleUploadedFile("bundle.zip", b"not a zip")
        )
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return {"users": role_users, "job": job, "check": check}


CASES = [
    AccessCase("transfer home", lambda w: "/register/transfer/", REG),
    AccessCase("start an export", lambda w: "/register/transfer/", REG, method="post", data={"kind": "full"}),
    AccessCase("export progress and manifest", lambda w: f"/register/transfer/{w['job'].pk}/", REG),
    AccessCase("download the bundle", lambda w: f"/register/transfer/{w['job'].pk}/download/", REG),
    AccessCase("manifest as JSON", lambda w: f"/register/transfer/{w['job'].pk}/manifest.json", REG),
    AccessCase("load a bundle: upload page", lambda w: "/register/transfer/load/", REG),
    AccessCase("load a bundle: upload", lambda w: "/register/transfer/load/", REG, method="post"),
    AccessCase("load a bundle: check and progress", lambda w: f"/register/transfer/load/{w['check'].pk}/", REG),
    AccessCase(
        "load a bundle: confirm", lambda w: f"/register/transfer/load/{w['check'].pk}/confirm/", REG, method="post"
    ),
]


@parametrize_access(CASES)
def test_access(client, world, case, role):
    check_access(client, world, case, role)
