import pytest

from accounts.models import Role
from regulation.transfer import services
from tests.access import AccessCase, check_access, parametrize_access

pytestmark = pytest.mark.django_db

REG = {Role.REGULATOR_STAFF}


@pytest.fixture
def world(role_users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_export(by=role_users[Role.REGULATOR_STAFF], since=None)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return {"users": role_users, "job": job}


CASES = [
    AccessCase("transfer home", lambda w: "/register/transfer/", REG),
    AccessCase("start an export", lambda w: "/register/transfer/", REG, method="post", data={"kind": "full"}),
    AccessCase("export progress and manifest", lambda w: f"/register/transfer/{w['job'].pk}/", REG),
    AccessCase("download the bundle", lambda w: f"/register/transfer/{w['job'].pk}/download/", REG),
    AccessCase("manifest as JSON", lambda w: f"/register/transfer/{w['job'].pk}/manifest.json", REG),
]


@parametrize_access(CASES)
def test_access(client, world, case, role):
    check_access(client, world, case, role)
