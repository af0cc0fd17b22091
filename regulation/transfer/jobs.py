"""The background side of an export: a Job builds the bundle, zips it and stores it under a name of its own.

Everything the bundle depends on (since, as-at date, creation time) is fixed when the job is started, so a run
restarted after its worker died produces exactly the same zip as an uninterrupted one. Until the zip is stored
whole and the job marked finished, nothing can be downloaded.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from accounts.jobs import JobContext, job_handler
from accounts.models import Job

from .export import read_manifest_from_zip, write_bundle, zip_bundle

KIND = "transfer_export"


def bundle_name(job: Job) -> str:
    return f"transfers/{job.pk}/{bundle_filename(job)}"


def bundle_filename(job: Job) -> str:
    since = job.params.get("since")
    suffix = f"-changes-since-{since}" if since else ""
    return f"register-transfer-{job.params['as_at']}{suffix}.zip"


def bundle_ready(job: Job) -> bool:
    return job.kind == KIND and job.status == Job.Status.SUCCEEDED and default_storage.exists(bundle_name(job))


def manifest_of(job: Job) -> dict | None:
    if not bundle_ready(job):
        return None
    with default_storage.open(bundle_name(job), "rb") as handle:
        return read_manifest_from_zip(handle)


@job_handler(KIND)
def export_register(context: JobContext) -> None:
    job = context.job
    since = datetime.date.fromisoformat(job.params["since"]) if job.params.get("since") else None
    as_at = datetime.date.fromisoformat(job.params["as_at"])
    shown = [-1]

    def progress(done: int, total: int, dataset: str) -> None:
        percent = min(95, done * 95 // total) if total else 95
        if percent != shown[0]:
            shown[0] = percent
            context.progress(percent, f"Writing {dataset.replace('_', ' ')}")

    context.progress(0, "Counting the rows")
    with tempfile.TemporaryDirectory(prefix="transfer-") as work:
        bundle = Path(work) / "bundle"
        write_bundle(bundle, since=since, as_at=as_at, created_at=job.created_at, progress=progress)
        context.progress(96, "Packing the bundle")
        zipped = Path(work) / "bundle.zip"
        zip_bundle(bundle, zipped)
        name = bundle_name(job)
        # A run restarted after its worker died replaces whatever the first run left behind.
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(zipped, "rb") as handle:
            default_storage.save(name, File(handle, name=name))
    context.progress(100, "The bundle is ready")
