"""Regulator staff start a register transfer export, watch its progress bar reach done, view the manifest and
download the bundle, with axe on every page."""

import io
import json
import threading
import time
import zipfile

import pytest
from django.db import connections

from accounts import jobs as platform_jobs
from accounts.models import AuditEvent, Role
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, LocalAuthorityFactory, make_user
from tests.regulation.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def background_worker(monkeypatch):
    """Runs each job a moment after it is handed over, in its own thread, as a worker would, so the page
    really waits. The thread shares the test database's connection (SQLite in memory)."""
    threads = []

    def dispatch(job_id):
        shared = connections["default"]
        shared.inc_thread_sharing()

        def work():
            connections["default"] = shared
            try:
                time.sleep(3)
                platform_jobs.run(str(job_id))
            finally:
                shared.dec_thread_sharing()

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        threads.append(thread)
        return True

    monkeypatch.setattr(platform_jobs, "dispatch", dispatch)
    yield
    for thread in threads:
        thread.join(timeout=30)


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
    page.check()
    assert page.locator("progress#job-progress").is_visible()
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
