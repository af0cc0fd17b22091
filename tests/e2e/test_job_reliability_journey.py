"""The job page tells the truth when the broker is down and when a job's worker has died (axe on each page)."""

import datetime

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import Job, Role
from accounts.tasks import run_job
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_download_started_while_the_broker_is_down_says_it_will_start_shortly(page, monkeypatch, settings):
    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(run_job, "delay", refuse)
    regulator = make_user(Role.REGULATOR_STAFF)
    sign_in(page, regulator.email, TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    page.visit("/audit/")
    page.get_by_text("Download the audit log as a spreadsheet (CSV)").click()
    page.get_by_role("button", name="Prepare the download").click()
    page.wait_for_load_state()
    page.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Audit log download"
    assert "will start shortly by itself" in page.locator("#job-waiting").inner_text()
    page.screenshot(path="/tmp/reliability-1.png", full_page=True)

    stalled_at = timezone.now() - datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS + 60)
    Job.objects.update(status=Job.Status.RUNNING, progress=30, started_at=stalled_at, heartbeat_at=stalled_at)
    page.reload()
    page.check()
    assert "stopped making progress" in page.locator("#job-stalled").inner_text()
    page.screenshot(path="/tmp/reliability-2.png", full_page=True)

    # The sweep restarts it; the page notices by itself (no timed refresh) and offers the file.
    monkeypatch.undo()
    from accounts.tasks import sweep

    assert sweep()["restarted"] == 1
    page.get_by_role("heading", name="Ready").wait_for()
    page.check()
    assert page.get_by_role("link", name="Download audit-log.csv").is_visible()
