"""A real successor: a service fresh from its migrations makes its own regulator staff account (create_staff),
then loads the predecessor's whole bundle (the full demo: every app's records) through the command or the page.
Its own organisation and staff are untouched, and exporting again gives the predecessor's data files byte for
byte, its own rows apart (they follow the loaded ones, as docs/transfer-format.md says)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import AuditEvent, Job, Membership, Organisation, Role, User
from regulation.models import RegisterEntry
from regulation.transfer.export import write_bundle, zip_bundle
from regulation.transfer.format import MANIFEST
from tests.factories import add_totp

from .conftest import AS_AT, CREATED
from .test_bundle import _reseed, empty_the_database, files_of

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-successor-passphrase-2027"


def bundle(path):
    write_bundle(path, as_at=AS_AT, created_at=CREATED)
    return path


def own_organisation_clashing_with(bundle_path) -> Organisation:
    """The successor's own regulator, under an id the predecessor's bundle gives to another organisation (as a
    service fresh from its migrations numbers its first organisation 1, whatever the database's sequences do)."""
    from django.core.management.color import no_style
    from django.db import connection

    first = min(row["id"] for row in _rows(bundle_path, "organisations"))
    own = Organisation.objects.create(id=first, name="Successor Regulator", kind=Organisation.Kind.REGULATOR)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Organisation]):
            cursor.execute(sql)
    return own


def create_staff(monkeypatch, email="sam@successor.example", organisation="Successor Regulator"):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command(
        "create_staff",
        "--email",
        email,
        "--first-name",
        "Sam",
        "--last-name",
        "Reid",
        "--organisation",
        organisation,
        "--password-stdin",
        stdout=out,
    )
    return User.objects.get(email=email), out.getvalue()


@pytest.fixture
def predecessor(tmp_path, time_machine):
    """The full demo (every app's records) exported, then a service fresh from its migrations in its place."""
    from tests.regulation.conftest import SPRING

    time_machine.move_to(SPRING, tick=False)
    call_command("seed_demo", "--demo", "--quiet-users", stdout=io.StringIO())
    original = bundle(tmp_path / "original")
    empty_the_database()
    _reseed()
    return original


def _rows(path, name):
    return [json.loads(line) for line in (path / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]


def assert_same_but_own_rows(original, again, own_organisations):
    """Every data file identical, but the organisations and the audit log: the predecessor's rows, then the
    successor's own (its regulator; making its first staff account, checking and loading the bundle)."""
    before, after = files_of(original), files_of(again)
    del before[MANIFEST], after[MANIFEST]
    for name in ("organisations.csv", "organisations.jsonl", "audit_events.csv", "audit_events.jsonl"):
        loaded, own = before.pop(name), after.pop(name)
        assert own.startswith(loaded), name
    assert after == before
    top = max(row["id"] for row in _rows(original, "organisations"))
    extra = _rows(again, "organisations")[len(_rows(original, "organisations")) :]
    assert [(row["id"], row["name"]) for row in extra] == [(top + o.pk, o.name) for o in own_organisations]

    top = max(row["id"] for row in _rows(original, "audit_events"))
    extra = _rows(again, "audit_events")[len(_rows(original, "audit_events")) :]
    actions = {event.pk: event.action for event in AuditEvent.objects.all()}
    assert [actions[row["id"] - top] for row in extra] == [row["action"] for row in extra]
    assert {"staff_created", "transfer_imported"} <= {row["action"] for row in extra}


def test_a_fresh_service_makes_its_first_staff_account_and_loads_the_full_demo_by_command(
    predecessor, tmp_path, monkeypatch
):
    rows = {name: len(_rows(predecessor, name)) for name in ("register", "organisations", "accreditations")}
    assert all(rows.values()), rows  # the demo fills every kind of record
    with pytest.raises(CommandError, match="not a regulator staff account"):
        call_command("import_transfer", str(predecessor), "--by", "sam@successor.example")

    own = own_organisation_clashing_with(predecessor)
    sam, printed = create_staff(monkeypatch)
    assert "set up an authenticator app" in printed and "import_transfer" in printed
    assert Membership.objects.get(user=sam).organisation == own
    clash = next(o for o in _rows(predecessor, "organisations") if o["id"] == own.pk)
    assert clash["name"] != own.name  # the bundle's organisation with this id is another one
    assert sam.has_perm("regulation.transfer_register")

    call_command("import_transfer", str(predecessor), "--by", sam.email, stdout=io.StringIO())
    assert RegisterEntry.objects.count() == rows["register"]
    own.refresh_from_db()
    assert own.name == "Successor Regulator" and own.kind == Organisation.Kind.REGULATOR
    assert Membership.objects.get(user=sam).organisation == own
    sam.refresh_from_db()
    assert sam.is_active and sam.check_password(PASSWORD)

    assert_same_but_own_rows(predecessor, bundle(tmp_path / "again"), [own])
    call_command("verify_transfer", str(tmp_path / "again"), stdout=io.StringIO())


def test_a_fresh_service_loads_the_full_demo_through_the_page(
    predecessor, tmp_path, monkeypatch, client, django_capture_on_commit_callbacks
):
    zip_bundle(predecessor, tmp_path / "demo.zip")
    own = own_organisation_clashing_with(predecessor)
    sam, _ = create_staff(monkeypatch)
    add_totp(sam)  # what the first sign-in asks for
    client.force_login(sam)
    upload = SimpleUploadedFile("demo.zip", (tmp_path / "demo.zip").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/transfer/load/", {"bundle": upload})
    check = Job.objects.get(kind="transfer_import")
    assert check.status == Job.Status.SUCCEEDED, check.error
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/register/transfer/load/{check.pk}/confirm/")
    load = Job.objects.exclude(pk=check.pk).get(kind="transfer_import")
    assert load.status == Job.Status.SUCCEEDED, load.error
    assert "Bundle loaded" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.get(action="transfer_imported").actor == sam
    assert_same_but_own_rows(predecessor, bundle(tmp_path / "again"), [own])


def test_the_first_staff_account_is_refused_twice_and_with_a_weak_password(db, monkeypatch):
    sam, _ = create_staff(monkeypatch)
    with pytest.raises(CommandError, match=r"already has an account here\. Nothing was created\."):
        create_staff(monkeypatch)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="Nothing was created"):
        call_command(
            "create_staff",
            *("--email", "kim@successor.example", "--first-name", "Kim", "--last-name", "Lee"),
            *("--organisation", "Successor Regulator", "--password-stdin"),
        )
    assert list(User.objects.values_list("email", flat=True)) == [sam.email]
    assert AuditEvent.objects.filter(action="staff_created").count() == 1


def test_the_first_sign_in_asks_for_an_authenticator_app_before_anything_else(db, monkeypatch, client):
    sam, _ = create_staff(monkeypatch)
    response = client.post("/accounts/login/", {"login": sam.email, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get("/register/transfer/")
    assert response.status_code == 302 and "totp" in response["Location"]
    assert Role.REGULATOR_STAFF in sam.roles
