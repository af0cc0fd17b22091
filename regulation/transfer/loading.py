"""Loading a predecessor's bundle from the browser: the zip is uploaded and stored, a job checks it (nothing is
loaded), the person sees what it holds and confirms, and a second job loads it all or nothing.

Every check, refusal and load is an audit event on its job: who, when, which bundle (file name and SHA-256 of
the zip) and what it held or what was wrong with it.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction

from accounts.jobs import JobContext, job_handler
from accounts.models import Job
from accounts.services import record_event

from .format import MANIFEST, datasets
from .importer import TransferRefused, import_bundle, opened, unpack_zip
from .verify import verify_bundle

IMPORT_KIND = "transfer_import"
CHECK, LOAD = "check", "load"


def upload_name(job_pk) -> str:
    return f"transfers/imports/{job_pk}/bundle.zip"


def sha256_of_upload(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _unpack(stored: str, into: Path) -> None:
    with default_storage.open(stored, "rb") as handle:
        unpack_zip(handle, into)


def _bundle(job: Job) -> dict:
    return {"filename": job.params.get("filename", ""), "sha256": job.params.get("sha256", "")}


def _refused(job: Job, problems: list[str], fault: str = "bundle") -> None:
    """Recorded as the job fails: the record reads "Check bundle.zip: refused, nothing loaded", never the job's
    status of the moment (it is still running)."""
    record_event(
        job,
        "transfer_import_refused",
        by=job.created_by,
        reason=" ".join(problems)[:2000],
        changes={**_bundle(job), "stage": job.params.get("stage"), "fault": fault, "problems": problems[:200]},
        label=f"{job.title}: refused, nothing loaded",
    )


@job_handler(IMPORT_KIND)
def check_or_load(context: JobContext) -> None:
    job = context.job
    context.progress(5, "Unpacking the bundle")
    with tempfile.TemporaryDirectory(prefix="transfer-import-") as work:
        directory = Path(work) / "bundle"
        try:
            _unpack(upload_name(job.params["upload"]), directory)
        except TransferRefused as exc:
            _refused(job, exc.problems, exc.fault)
            raise
        if job.params["stage"] == CHECK:
            context.progress(20, "Checking every file and row")
            report = verify_bundle(directory)
            if not report.ok:
                _refused(job, report.problems)
                raise TransferRefused(report.problems)
            manifest = report.manifest or {}
            summary = {
                "rows": report.rows,
                "kind": manifest.get("kind"),
                "as_at": manifest.get("as_at"),
                "created_at": manifest.get("created_at"),
                "producer": manifest.get("producer"),
                "schema_version": manifest.get("schema_version"),
            }
            Job.objects.filter(pk=job.pk).update(params={**job.params, "checked": summary})
            record_event(job, "transfer_import_checked", by=job.created_by, changes={**_bundle(job), **summary})
            context.progress(100, "The bundle is sound")
            return
        progress = _load_progress(context, directory)

        context.progress(10, "Checking and loading")
        try:
            with transaction.atomic():
                loaded = import_bundle(directory, progress=progress)
                record_event(job, "transfer_imported", by=job.created_by, changes={**_bundle(job), "loaded": loaded})
        except TransferRefused as exc:
            _refused(job, exc.problems, exc.fault)
            raise
        Job.objects.filter(pk=job.pk).update(params={**job.params, "loaded": loaded})
        context.progress(100, "The bundle was loaded")


def _load_progress(context: JobContext, directory: Path):
    """``progress(dataset, rows loaded of it so far)`` for the importer, shown as the share of the bundle's rows
    loaded (from its manifest). The load is one transaction, so its progress is written on a connection of its
    own (a thread's, on PostgreSQL), where the waiting page can see it at once; SQLite lets one connection write
    at a time, so there the bar moves when the load is done."""
    import json
    import threading

    from django.db import connection

    files = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))["files"]
    counts = {info["dataset"]: info["rows"] for info in files.values() if info["format"] == "jsonl"}
    names = [ds.name for ds in datasets()]
    before = {name: sum(counts.get(n, 0) for n in names[: names.index(name)]) for name in names}
    total = max(1, sum(counts.values()))
    shown = [10]

    blocked = []

    def write(percent: int, message: str) -> None:
        """Best effort, waiting a moment at most: if the job's row is locked (the load's own transaction holds
        it, as a test's that emptied the tables does), the bar waits for the load to end rather than the load
        for the bar."""
        from django.db import DatabaseError

        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '500ms'")
                context.progress(percent, message)
        except DatabaseError:
            blocked.append(percent)
        finally:
            connection.close()  # this thread's own connection

    def progress(name: str, count: int) -> None:
        percent = 10 + 89 * (before[name] + count) // total
        if percent == shown[0] or blocked or connection.vendor != "postgresql":
            return
        shown[0] = percent
        writer = threading.Thread(target=write, args=(percent, f"Loading {name.replace('_', ' ')}"))
        writer.start()
        writer.join()

    return progress


def import_from_command_line(directory, *, by, progress=None) -> dict[str, int]:
    """``import_transfer PATH --by EMAIL``: the same load, recorded as a finished load job with its audit event
    (who, when, which bundle: the zip and its SHA-256, or the directory and its manifest's, and the counts), or
    its refusal."""
    from django.utils import timezone

    from .verify import sha256_of

    directory = Path(directory)
    fingerprinted = directory if directory.is_file() else directory / MANIFEST
    params = {
        "stage": LOAD,
        "filename": str(directory),
        "sha256": sha256_of(fingerprinted) if fingerprinted.is_file() else "",
        "source": "command line",
    }
    now = timezone.now()
    job = Job(
        kind=IMPORT_KIND,
        title=f"Load {directory.name} (command line)",
        created_by=by,
        params=params,
        attempts=1,
        started_at=now,
        dispatched_at=now,
    )
    try:
        with transaction.atomic(), opened(directory) as unpacked:
            loaded = import_bundle(unpacked, progress=progress)
            job.status, job.progress, job.finished_at = Job.Status.SUCCEEDED, 100, timezone.now()
            job.params = {**params, "loaded": loaded}
            job.message = "The bundle was loaded"
            job.save()
            record_event(job, "transfer_imported", by=by, changes={**_bundle(job), "loaded": loaded})
    except TransferRefused as exc:
        job.pk = None
        job.status, job.finished_at, job.error = Job.Status.FAILED, timezone.now(), str(exc)[:5000]
        job.params = params
        job.save()
        _refused(job, exc.problems, exc.fault)
        raise
    return loaded
