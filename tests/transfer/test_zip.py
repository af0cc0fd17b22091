"""The zip as downloaded is a bundle too: verify_transfer and import_transfer take it as they take its folder,
and a damaged file inside it is named."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AuditEvent, Role
from regulation.models import RegisterEntry
from regulation.transfer.export import write_bundle, zip_bundle
from tests.factories import OrganisationFactory, make_user

from .conftest import AS_AT, CREATED
from .test_bundle import empty_the_database

pytestmark = pytest.mark.django_db


@pytest.fixture
def zipped(populated, tmp_path):
    write_bundle(tmp_path / "b", as_at=AS_AT, created_at=CREATED)
    zip_bundle(tmp_path / "b", tmp_path / "register-transfer.zip")
    return tmp_path / "register-transfer.zip"


def damage_inside(path, name: str) -> None:
    """Spoil a few bytes in the middle of one file's compressed copy, leaving the zip's directory whole."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    path.write_bytes(bytes(data))


def verify(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_transfer", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
    return out.getvalue(), err.getvalue()


def test_verify_takes_the_zip_as_downloaded(zipped):
    out, err = verify(zipped)
    assert "register: 4 rows" in out and "The bundle is sound." in out, err


def test_a_damaged_file_inside_the_zip_is_named(zipped):
    damage_inside(zipped, "register.jsonl")
    out, err = verify(zipped)
    assert "register.jsonl: its copy in the zip is damaged and cannot be unpacked" in err
    assert "The bundle is not sound" in err and "sound." not in out


def test_a_file_that_is_not_a_zip_is_named_as_such(tmp_path):
    (tmp_path / "bundle.zip").write_bytes(b"not a zip")
    _, err = verify(tmp_path / "bundle.zip")
    assert "The file is not a zip that can be read." in err


def test_import_takes_the_zip_and_audits_its_checksum(zipped):
    import hashlib

    empty_the_database()
    operator = make_user(Role.REGULATOR_STAFF, organisation=OrganisationFactory(), email="op@successor.example")
    call_command("import_transfer", str(zipped), "--by", operator.email, stdout=io.StringIO())
    assert RegisterEntry.objects.count() == 4
    event = AuditEvent.objects.get(action="transfer_imported")
    assert event.changes["sha256"] == hashlib.sha256(zipped.read_bytes()).hexdigest()
    assert event.changes["filename"] == str(zipped)


def test_a_damaged_zip_loads_nothing_and_the_refusal_names_the_file(zipped):
    damage_inside(zipped, "conditions.csv")
    empty_the_database()
    operator = make_user(Role.REGULATOR_STAFF, organisation=OrganisationFactory(), email="op@successor.example")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("import_transfer", str(zipped), "--by", operator.email, stderr=io.StringIO())
    assert not RegisterEntry.objects.exists()
    refused = AuditEvent.objects.get(action="transfer_import_refused")
    assert refused.changes["problems"][0].startswith("conditions.csv: its copy in the zip is damaged")
