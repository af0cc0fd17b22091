"""Loading a predecessor's bundle from the browser: the zip is uploaded and stored, a job checks it (nothing is
loaded), the person sees what it holds and confirms, and a second job loads it all or nothing.

Every check, refusal and load is an audit event on its job: who, when, which bundle (file name and SHA-256 of
the zip) and what it held or what was wrong with it.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from accounts import archives
from accounts.jobs import JobContext, job_handler
from accounts.models import Job
from accounts.services import record_event

from .format import MANIFEST, datasets
from .importer import TransferRefused, import_bundle
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
    """Only the bundle's own flat file names are taken out of the zip: nothing can be written elsewhere. Its directory
    is checked first (``archives``: sizes and how far each file expands), so a bomb is refused before anything is
    written."""
    allowed = {MANIFEST, *(name for ds in datasets() for name in ds.files())}
    into.mkdir()
    with default_storage.open(stored, "rb") as handle, zipfile.ZipFile(handle) as archive:
        names = archive.namelist()
        strangers = sorted(n for n in names if n not in allowed)
        if strangers:
            raise TransferRefused([f"The zip holds files that are not part of a bundle: {', '.join(strangers[:10])}."])
        try:
            members = archives.inspect(archive, _limits(), label="The bundle")
            for info in members:
                with open(into / info.filename, "wb") as sink:
                    for block in archives.blocks(archive, info):
                        sink.write(block)
        except archives.ArchiveRefused as exc:
            raise TransferRefused([str(exc)]) from exc
        except zipfile.BadZipFile as exc:
            raise TransferRefused([f"The zip is damaged and cannot be unpacked: {exc}."]) from exc


def _limits() -> archives.Limits:
    """A bundle's files are CSV and JSON lines, which pack 5 to 20 times; the whole bundle unpacks to at most
    ``TRANSFER_MAX_UNPACKED_BYTES``."""
    total = settings.TRANSFER_MAX_UNPACKED_BYTES
    return archives.Limits(members=len(datasets()) * 2 + 1, member_bytes=total, total_bytes=total, ratio=100)


def _bundle(job: Job) -> dict:
    return {"filename": job.params.get("filename", ""), "sha256": job.params.get("sha256", "")}


def _refused(job: Job, problems: list[str]) -> None:
    record_event(
        job,
        "transfer_import_refused",
        by=job.created_by,
        reason=" ".join(problems)[:2000],
        changes={**_bundle(job), "stage": job.params.get("stage"), "problems": problems[:200]},
    )


@job_handler(IMPORT_KIND)
def check_or_load(context: JobContext) -> None:
    job = context.job
    context.progress(5, "Unpacking the bundle")
    with tempfile.TemporaryDirectory(prefix="transfer-import-") as work:
        directory = Path(work) / "bundle"
        try:
            _unpack(upload_name(job.params["upload"]), directory)
        except zipfile.BadZipFile as exc:
            _refused(job, ["The file is not a zip that can be read."])
            raise TransferRefused(["The file is not a zip that can be read."]) from exc
        except TransferRefused as exc:
            _refused(job, exc.problems)
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
        names = [ds.name for ds in datasets()]

        def progress(name: str, count: int) -> None:
            context.progress(10 + 89 * (names.index(name) + 1) // len(names), f"Loaded {name.replace('_', ' ')}")

        context.progress(10, "Checking and loading")
        try:
            with transaction.atomic():
                loaded = import_bundle(directory, progress=progress)
                record_event(job, "transfer_imported", by=job.created_by, changes={**_bundle(job), "loaded": loaded})
        except TransferRefused as exc:
            _refused(job, exc.problems)
            raise
        Job.objects.filter(pk=job.pk).update(params={**job.params, "loaded": loaded})
        context.progress(100, "The bundle was loaded")


def import_from_command_line(directory, *, by) -> dict[str, int]:
    """``import_transfer DIR --by EMAIL``: the same load, recorded as a finished load job with its audit event
    (who, when, which bundle: the directory and its manifest's SHA-256, and the counts), or its refusal."""
    from django.utils import timezone

    from .verify import sha256_of

    directory = Path(directory)
    manifest = directory / MANIFEST
    params = {
        "stage": LOAD,
        "filename": str(directory),
        "sha256": sha256_of(manifest) if manifest.is_file() else "",
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
        with transaction.atomic():
            loaded = import_bundle(directory)
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
        _refused(job, exc.problems)
        raise
    return loaded
