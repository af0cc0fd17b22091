"""The export as a background job: pages, download audit, and a worker that dies midway."""

import datetime
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts import jobs as platform_jobs
from accounts.jobs import JobContext
from accounts.models import AuditEvent, Job, Role
from regulation.transfer import services
from regulation.transfer.jobs import bundle_name
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Not an Exception: like SIGKILL, nothing in the job runner gets to mark the job failed."""


def zip_members(job: Job) -> dict[str, bytes]:
    with default_storage.open(bundle_name(job), "rb") as handle, zipfile.ZipFile(handle) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def finished_export(regulator, capture, since=None) -> Job:
    with capture(execute=True):
        job = services.start_export(by=regulator, since=since)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    return job


def test_a_regulator_starts_an_export_watches_it_and_downloads_it_audited(
    populated, client, django_capture_on_commit_callbacks
):
    regulator = populated["regulator"]
    client.force_login(regulator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/transfer/", {"kind": "full"})
    job = Job.objects.get(kind="transfer_export")
    assert response.status_code == 302 and response["Location"] == f"/register/transfer/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100 and job.params["since"] == ""
    page = client.get(f"/register/transfer/{job.pk}/")
    assert b"Bundle ready" in page.content and b"register.csv" in page.content
    members = zip_members(job)
    manifest = client.get(f"/register/transfer/{job.pk}/manifest.json").json()
    assert manifest["files"]["register.jsonl"]["rows"] == 4
    assert sorted(members) == sorted([*manifest["files"], "manifest.json"])
    assert not AuditEvent.objects.filter(action="transfer_downloaded").exists()
    download = client.get(f"/register/transfer/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    body = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.read("register.csv") == members["register.csv"]
    event = AuditEvent.objects.get(action="transfer_downloaded")
    assert event.actor == regulator and event.object_id == str(job.pk)


def test_the_form_names_the_missing_date(populated, client):
    client.force_login(populated["regulator"])
    response = client.post("/register/transfer/", {"kind": "changes"})
    assert response.status_code == 200
    assert "Enter the date to export changes since" in response.content.decode()
    assert not Job.objects.exists()


def test_changes_since_a_date_from_the_page(populated, client, django_capture_on_commit_callbacks):
    client.force_login(populated["regulator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/register/transfer/", {"kind": "changes", "since-day": "1", "since-month": "3", "since-year": "2027"}
        )
    job = Job.objects.get(kind="transfer_export")
    assert job.params["since"] == "2027-03-01"
    assert b'"kind": "changes"' in zip_members(job)["manifest.json"]


def test_a_second_click_does_not_start_a_second_export(populated):
    regulator = populated["regulator"]
    first = services.start_export(by=regulator, since=None)
    assert services.start_export(by=regulator, since=None) == first
    assert Job.objects.filter(kind="transfer_export").count() == 1


def test_a_worker_killed_midway_leaves_no_bundle_and_the_retry_has_the_same_checksums(
    populated, client, monkeypatch, django_capture_on_commit_callbacks
):
    regulator = populated["regulator"]
    uninterrupted = finished_export(regulator, django_capture_on_commit_callbacks)
    expected = zip_members(uninterrupted)

    job = services.start_export(by=regulator, since=None)  # queued; its message is not delivered yet
    real_progress = JobContext.progress

    def dies_once_rows_are_written(context, percent, message=""):
        if percent > 0:
            raise WorkerKilled
        real_progress(context, percent, message)

    monkeypatch.setattr(JobContext, "progress", dies_once_rows_are_written)
    with pytest.raises(WorkerKilled):
        platform_jobs.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and 0 <= job.progress < 100 and job.attempts == 1
    assert not default_storage.exists(bundle_name(job))
    client.force_login(regulator)
    assert client.get(f"/register/transfer/{job.pk}/download/").status_code == 404
    assert client.get(f"/register/transfer/{job.pk}/manifest.json").status_code == 404
    assert b"Download" not in client.get(f"/register/transfer/{job.pk}/").content

    # The lease runs out; the sweep hands the job over again and the retry runs to the end.
    monkeypatch.setattr(JobContext, "progress", real_progress)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert platform_jobs.sweep()["restarted"] == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    retried = zip_members(job)
    assert set(retried) == set(expected)
    # The audit log records the exports themselves (the first one's job, this one's start and restart): it only
    # grows, so the retry's holds the first bundle's rows and then those.
    log = ("audit_events.csv", "audit_events.jsonl")
    for name in log:
        assert retried[name].startswith(expected[name]) and len(retried[name]) > len(expected[name]), name
    for name, content in expected.items():
        if name != "manifest.json" and name not in log:  # the manifest differs in created_at and the log's rows
            assert retried[name] == content, name
    import json

    first, second = json.loads(expected["manifest.json"]), json.loads(retried["manifest.json"])
    for manifest in (first, second):
        for name in log:
            del manifest["files"][name]
    assert first["files"] == second["files"]
    assert {k: v for k, v in first.items() if k != "created_at"} == {
        k: v for k, v in second.items() if k != "created_at"
    }


def test_only_regulator_staff_can_start_an_export(populated):
    from accounts.services import ServiceError

    with pytest.raises(ServiceError):
        services.start_export(by=make_user(Role.LINE_MANAGER), since=None)
    assert not Job.objects.exists()
