"""Certificate PDFs, made by the worker with WeasyPrint (``accounts.pdf``), stored, emailed and downloadable.

The certificate is drawn only from what the accreditation recorded on the day (name, registration number, level,
date, code), never from today's register, so making it again gives the same certificate with the same code.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import tempfile
import zipfile
from contextlib import closing
from pathlib import Path

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.jobs import JobContext, job_handler
from accounts.notifications import notify
from accounts.pdf import PdfAttachment, PdfChildError, PdfRequest, pdf_request, render_in_children, write_pdf
from accounts.services import ServiceError, record_event, require

from ..models import Accreditation
from .credentials import CREDENTIAL_ATTACHMENT, verify_url

TEMPLATE = "accreditation/certification/certificate_pdf.html"
BATCH_JOB = "accreditation_certificate_batch"


def qr_data_uri(url: str) -> str:
    """The QR code as an inline SVG data URI: nothing for WeasyPrint to fetch."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def certificate_context(accreditation: Accreditation) -> dict:
    url = verify_url(accreditation.code)
    proofs = accreditation.credential.get("proof") if isinstance(accreditation.credential, dict) else None
    proof = (proofs[0] if isinstance(proofs, list) and proofs else proofs) or {}
    signed_on = str(proof.get("created", ""))[:10]
    return {
        "a": accreditation,
        "verify_url": url,
        "qr": qr_data_uri(url),
        "issuer_name": settings.CREDENTIAL_ISSUER_NAME,
        "signatory": settings.CERTIFICATE_SIGNATORY,
        "signed_with": str(proof.get("verificationMethod", "")).rpartition("#")[2],
        "signed_on": datetime.date.fromisoformat(signed_on) if signed_on else None,
    }


def certificate_request(accreditation: Accreditation) -> PdfRequest:
    """PDF/A-3a (archival, tagged) carrying the signed credential as an attachment, so the file itself holds its
    proof. Dated by the confirmation, so the same certificate always renders to the same bytes, in this process or
    in a batch's child process."""
    credential = PdfAttachment(
        # Keys sorted: PostgreSQL's jsonb gives them back in its own order, which would change the file's bytes.
        string=json.dumps(accreditation.credential, indent=2, ensure_ascii=False, sort_keys=True),
        name=CREDENTIAL_ATTACHMENT,
        description="The signed Open Badges 3.0 credential this certificate shows",
        relationship="Alternative",
        created=accreditation.confirmed_at,
        modified=accreditation.confirmed_at,
    )
    return pdf_request(TEMPLATE, certificate_context(accreditation), variant="pdf/a-3a", attachments=[credential])


def render_certificate(accreditation: Accreditation) -> bytes:
    return write_pdf(certificate_request(accreditation))


def certificate_filename(accreditation: Accreditation) -> str:
    return f"certificate-{accreditation.registration_number}-{accreditation.level}.pdf"


def _stored_name(storage, accreditation: Accreditation, content: bytes, digest: str) -> str:
    """The file is named by its content (the same certificate always renders to the same bytes), so a run that was
    interrupted after writing the file but before saving the record leaves a file the next run adopts rather than a
    second copy beside it. A copy cut short by the interruption does not match its name's digest and is replaced."""
    name = f"certificates/{Path(certificate_filename(accreditation)).stem}-{digest[:16]}.pdf"
    if storage.exists(name):
        with storage.open(name, "rb") as existing:
            if hashlib.sha256(existing.read()).hexdigest() == digest:
                return name
        storage.delete(name)
    return storage.save(name, ContentFile(content))


def store_certificate(*, accreditation: Accreditation, content: bytes) -> Accreditation:
    """Keep the PDF with the accreditation (replacing an earlier copy of the same certificate)."""
    with transaction.atomic():
        locked = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
        old = locked.certificate.name if locked.certificate else ""
        digest = hashlib.sha256(content).hexdigest()
        locked.certificate.name = _stored_name(locked.certificate.storage, locked, content, digest)
        locked.certificate_made_at = timezone.now()
        locked.certificate_sha256 = digest
        locked.save(update_fields=["certificate", "certificate_made_at", "certificate_sha256"])
        record_event(locked, "certificate_made", by=None, changes={"sha256": locked.certificate_sha256})
        if old and old != locked.certificate.name:
            transaction.on_commit(lambda: locked.certificate.storage.delete(old))
    return locked


def issue_certificate(*, accreditation: Accreditation) -> Accreditation:
    """Make and store the PDF; the first time, email the person that it is ready."""
    return _keep_certificate(accreditation=accreditation, content=render_certificate(accreditation))


def _keep_certificate(*, accreditation: Accreditation, content: bytes) -> Accreditation:
    accreditation = store_certificate(accreditation=accreditation, content=content)
    if accreditation.certificate_emailed_at is None and not accreditation.is_revoked:
        email_certificate(accreditation=accreditation)
    return accreditation


@transaction.atomic
def email_certificate(*, accreditation: Accreditation) -> None:
    accreditation = Accreditation.objects.select_for_update().select_related("candidate__user").get(pk=accreditation.pk)
    if accreditation.certificate_emailed_at is not None:
        return
    notify(
        to=[accreditation.candidate.user.email],
        template="accreditation/certificate_ready",
        context={
            "a": accreditation,
            "verify_url": verify_url(accreditation.code),
            "pathway_url": settings.SITE_URL + reverse("accreditation:pathway"),
        },
        about=accreditation,
    )
    accreditation.certificate_emailed_at = timezone.now()
    accreditation.save(update_fields=["certificate_emailed_at"])


@job_handler("accreditation_certificate")
def certificate_job(context: JobContext) -> None:
    accreditation = Accreditation.objects.filter(pk=context.params["accreditation_id"]).first()
    require(accreditation is not None, "This accreditation no longer exists.")
    context.progress(20, "Writing the certificate")
    accreditation = issue_certificate(accreditation=accreditation)
    context.progress(90, "Certificate stored")
    context.save_result(
        filename=certificate_filename(accreditation),
        content=accreditation.certificate.open("rb").read(),
        content_type="application/pdf",
    )
    context.job.message = "The certificate is ready, stored with the accreditation and emailed to its holder."


def batch_queryset(*, level: str = "", awarded_from=None, awarded_to=None) -> QuerySet[Accreditation]:
    """A cohort: valid accreditations by level and date of accreditation."""
    qs = Accreditation.objects.filter(status=Accreditation.Status.VALID)
    if level:
        qs = qs.filter(level=level)
    if awarded_from:
        qs = qs.filter(awarded_on__gte=awarded_from)
    if awarded_to:
        qs = qs.filter(awarded_on__lte=awarded_to)
    return qs.order_by("awarded_on", "pk")


def start_batch(*, by, level: str = "", awarded_from=None, awarded_to=None):
    from accounts.jobs import start_job

    ids = list(
        batch_queryset(level=level, awarded_from=awarded_from, awarded_to=awarded_to).values_list("pk", flat=True)
    )
    require(bool(ids), "No valid accreditations match: choose another level or dates.")
    return start_job(
        kind=BATCH_JOB,
        title=f"Certificates for {len(ids)} accreditations",
        by=by,
        params={"ids": ids},
    )


@job_handler(BATCH_JOB)
def batch_job(context: JobContext) -> None:
    """Make every certificate of a cohort, stored with each accreditation, and one ZIP of them to download.
    A restarted batch makes them all again: the same certificates, so nothing is duplicated."""
    ids = context.params["ids"]
    total = len(ids)
    # The ZIP is written to a temporary file, not memory: a national cohort's archive is hundreds of megabytes.
    with tempfile.TemporaryFile() as archive:
        _write_batch(context, ids, archive)
        context.save_result(
            filename=f"certificates-{timezone.localdate():%Y-%m-%d}.zip",
            content=archive,
            content_type="application/zip",
        )
    context.job.message = f"{total} certificates made and stored."


def _write_batch(context: JobContext, ids: list[int], archive) -> None:
    """WeasyPrint runs in a child process for each CERTIFICATE_BATCH_CHUNK certificates (``render_in_children``), so
    the worker's memory stays flat however large the cohort; each certificate is stored, emailed and zipped here as
    soon as its PDF comes back, so the progress bar moves with every certificate as before."""
    total = len(ids)
    chunk = settings.CERTIFICATE_BATCH_CHUNK
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        # The ids a chunk at a time, so only a chunk's accreditations (and rendered HTML) are held at once.
        for start in range(0, total, chunk):
            part = ids[start : start + chunk]
            found = Accreditation.objects.in_bulk(part)
            present = [found[pk] for pk in part if pk in found]  # one deleted since the batch began is passed over
            # closing: the child is waited for as soon as its chunk is done (or killed if this stops early).
            with closing(render_in_children((certificate_request(a) for a in present), chunk_size=chunk)) as made:
                for done, pk in enumerate(part, start=start + 1):
                    if pk in found:
                        _add_to_batch(bundle, found[pk], _next_pdf(made, found[pk], done, total))
                    if done == total or done % max(1, total // 100) == 0:
                        context.progress(done * 100 // total, f"{done} of {total} certificates made")


def _next_pdf(made, accreditation: Accreditation, done: int, total: int) -> bytes:
    try:
        return next(made)
    except PdfChildError as exc:
        raise ServiceError(
            f"Certificate {done} of {total} (registration number {accreditation.registration_number}) could not "
            f"be made: {exc.reason}. The certificates before it are stored; start the batch again to make the rest."
        ) from exc


def _add_to_batch(bundle: zipfile.ZipFile, accreditation: Accreditation, content: bytes) -> None:
    accreditation = _keep_certificate(accreditation=accreditation, content=content)
    with accreditation.certificate.open("rb") as handle, bundle.open(certificate_filename(accreditation), "w") as entry:
        shutil.copyfileobj(handle, entry)
