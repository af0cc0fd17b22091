"""Starting an export and recording each download: the only writes the transfer pages make."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.jobs import start_job
from accounts.models import Job, User
from accounts.services import record_event, require

from .jobs import KIND, bundle_ready
from .loading import CHECK, IMPORT_KIND, LOAD, sha256_of_upload, upload_name
from .selectors import records_held_here


@transaction.atomic
def start_export(*, by: User, since: datetime.date | None) -> Job:
    """Start an export, or return the one this person already has waiting with the same choices (``start_job``
    gives back a job in flight: a second click, or the form sent twice, never starts a second export)."""
    require(by.has_perm("regulation.transfer_register"), "Only regulator staff can export the register.")
    params = {"since": since.isoformat() if since else "", "as_at": timezone.localdate().isoformat()}
    title = f"Register transfer: changes since {since:%-d %B %Y}" if since else "Register transfer: everything"
    return start_job(kind=KIND, title=title, by=by, params=params)


@transaction.atomic
def record_download(*, job: Job, by: User) -> None:
    require(bundle_ready(job), "This bundle is not ready.")
    record_event(job, "transfer_downloaded", by=by, changes={"params": job.params})


@transaction.atomic
def start_import_check(*, by: User, upload) -> Job:
    """Store an uploaded bundle and start checking it. Nothing is loaded until someone confirms."""
    require(by.has_perm("regulation.transfer_register"), "Only regulator staff can load a transfer bundle.")
    from django.core.files.storage import default_storage

    upload.seek(0)
    sha256 = sha256_of_upload(upload)
    upload.seek(0)
    job = start_job(
        kind=IMPORT_KIND,
        title=f"Check {upload.name}",
        by=by,
        params={"stage": CHECK, "filename": upload.name, "sha256": sha256},
    )
    default_storage.save(upload_name(job.pk), upload)
    job.params["upload"] = str(job.pk)
    job.save(update_fields=["params"])
    return job


@transaction.atomic
def start_import_load(*, checked: Job, by: User) -> Job:
    """Load a bundle whose check passed (a second click returns the load already started)."""
    require(by.has_perm("regulation.transfer_register"), "Only regulator staff can load a transfer bundle.")
    checked = Job.objects.select_for_update().get(pk=checked.pk)
    require(
        checked.kind == IMPORT_KIND and checked.params.get("stage") == CHECK and checked.status == Job.Status.SUCCEEDED,
        "Only a bundle that has been checked and found sound can be loaded.",
    )
    if checked.params.get("load_job"):
        return Job.objects.get(pk=checked.params["load_job"])
    # The load itself refuses then too (under its locks); saying so now spares a job that cannot succeed.
    held = records_held_here()
    require(not held, " ".join(held))
    job = start_job(
        kind=IMPORT_KIND,
        title=f"Load {checked.params['filename']}",
        by=by,
        params={
            **{k: checked.params[k] for k in ("filename", "sha256", "upload")},
            "stage": LOAD,
            "checked_job": str(checked.pk),
        },
    )
    checked.params["load_job"] = str(job.pk)
    checked.save(update_fields=["params"])
    return job
