"""Starting an export and recording each download: the only writes the transfer pages make."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.jobs import start_job
from accounts.models import Job, User
from accounts.services import record_event, require

from .jobs import KIND, bundle_ready


@transaction.atomic
def start_export(*, by: User, since: datetime.date | None) -> Job:
    """Start an export, or return the one this person already has waiting with the same choices (a second
    click, or the form sent twice, never starts a second export)."""
    require(by.has_perm("regulation.transfer_register"), "Only regulator staff can export the register.")
    User.objects.select_for_update().filter(pk=by.pk).first()  # one start at a time per person
    params = {"since": since.isoformat() if since else "", "as_at": timezone.localdate().isoformat()}
    waiting = (
        Job.objects.filter(kind=KIND, created_by=by, params=params)
        .exclude(status__in=[Job.Status.SUCCEEDED, Job.Status.FAILED])
        .first()
    )
    if waiting is not None:
        return waiting
    title = f"Register transfer: changes since {since:%-d %B %Y}" if since else "Register transfer: everything"
    return start_job(kind=KIND, title=title, by=by, params=params)


@transaction.atomic
def record_download(*, job: Job, by: User) -> None:
    require(bundle_ready(job), "This bundle is not ready.")
    record_event(job, "transfer_downloaded", by=by, changes={"params": job.params})
