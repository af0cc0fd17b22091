"""Regulator staff start a register transfer export, watch its progress bar reach done, view the manifest and
download the bundle, with axe on every page."""

import io
import json
import zipfile

import pytest

from accounts.models import AuditEvent, Role
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, LocalAuthorityFactory, make_user
from tests.regulation.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)


def test_start_watch_and_download_a_transfer_bundle(page, background_worker):
    leeds = LocalAuthorityFactory(name="Leeds City Council", town="Leeds")
    regulator = make_user(Role.REGULATOR_STAFF)
    for first, last in [("Zoë", "Brontë-Smith"), ("Sam", "Okafor")]:
        register(make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name=first, last_name=last), regulator)

    sign_in(page, regulator.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.visit("/")
    page.get_by_role("link", name="Transfer").first.click()
    page.wait_for_load_state()
    page.check()
    page.screenshot(path="/tmp/transfer-1.png", full_page=True)
    page.get_by_label("Everything (a full transfer)").check()
    page.get_by_role("button", name="Start the export").click()
    page.wait_for_load_state()
    assert page.locator("progress#job-progress").is_visible()  # before axe, which takes a while on a busy machine
    page.check()
    page.screenshot(path="/tmp/transfer-2.png", full_page=True)

    # The page refreshes itself until the bundle is ready.
    page.get_by_role("heading", name="Bundle ready").wait_for(timeout=60_000)
    page.check()
    page.screenshot(path="/tmp/transfer-3.png", full_page=True)
    assert "register.csv" in page.inner_text("main")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download register-transfer").click()
    path = download_info.value.path()
    with zipfile.ZipFile(io.BytesIO(open(path, "rb").read())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["files"]["register.jsonl"]["rows"] == 2
        assert "Brontë-Smith" in archive.read("register.csv").decode()
    assert AuditEvent.objects.filter(action="transfer_downloaded", actor=regulator).count() == 1

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    page.check()
    page.screenshot(path="/tmp/transfer-4.png", full_page=True)


def test_check_then_load_a_predecessors_bundle(page, background_worker, tmp_path):
    """A successor's regulator uploads the bundle, sees it checked (nothing loaded), confirms, and watches it
    load; a damaged bundle is refused with the file named. Axe on every page."""
    from regulation.models import RegisterEntry
    from regulation.transfer.export import write_bundle, zip_bundle
    from tests.factories import OrganisationFactory
    from tests.transfer.test_bundle import _reseed, empty_the_database

    leeds = LocalAuthorityFactory(name="Leeds City Council", town="Leeds")
    predecessor = make_user(Role.REGULATOR_STAFF, email="ruth@predecessor.example")
    for first, last in [("Zoë", "Brontë-Smith"), ("Sam", "Okafor")]:
        register(make_user(Role.SOCIAL_WORKER, organisation=leeds, first_name=first, last_name=last), predecessor)
    write_bundle(tmp_path / "bundle")
    zip_bundle(tmp_path / "bundle", tmp_path / "register-transfer.zip")
    with open(tmp_path / "bundle" / "register.jsonl", "a", encoding="utf-8") as handle:
        handle.write("\n")
    zip_bundle(tmp_path / "bundle", tmp_path / "damaged.zip")
    empty_the_database()
    _reseed()
    regulator = make_user(
        Role.REGULATOR_STAFF, organisation=OrganisationFactory(id=9999), email="sam@successor.example"
    )

    sign_in(page, regulator.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.visit("/")
    page.get_by_role("link", name="Transfer").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Upload a transfer bundle to check and load").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_role("button", name="Upload and check the bundle").click()
    page.wait_for_load_state()
    page.check()  # the error summary names the missing file
    assert "Select the transfer bundle" in page.inner_text("main")

    page.get_by_label("Transfer bundle").set_input_files(str(tmp_path / "damaged.zip"))
    page.get_by_role("button", name="Upload and check the bundle").click()
    page.get_by_role("heading", name="The bundle was refused: nothing was loaded").wait_for(timeout=60_000)
    page.check()
    page.screenshot(path="/tmp/transfer-load-refused.png", full_page=True)
    assert "register.jsonl: wrong checksum" in page.inner_text("main")

    page.get_by_role("link", name="upload it").click()
    page.wait_for_load_state()
    page.get_by_label("Transfer bundle").set_input_files(str(tmp_path / "register-transfer.zip"))
    page.get_by_role("button", name="Upload and check the bundle").click()
    page.wait_for_load_state()
    page.check()
    page.get_by_role("heading", name="The bundle is sound").wait_for(timeout=60_000)
    page.check()
    page.screenshot(path="/tmp/transfer-load-checked.png", full_page=True)
    assert not RegisterEntry.objects.exists()

    page.get_by_role("button", name="Load this bundle").click()
    page.get_by_role("heading", name="Bundle loaded").wait_for(timeout=60_000)
    page.check()
    page.screenshot(path="/tmp/transfer-load-done.png", full_page=True)
    assert RegisterEntry.objects.count() == 2
    assert AuditEvent.objects.filter(action="transfer_imported", actor=regulator).count() == 1

    page.get_by_role("link", name="Back to transfers").click()
    page.wait_for_load_state()
    page.check()
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    page.check()
    page.screenshot(path="/tmp/transfer-load-home-320.png", full_page=True)
