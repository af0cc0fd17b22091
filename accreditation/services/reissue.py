"""Re-issuing signed credentials: the same accreditation, signed again now with the current key and with its status
entries, and its certificate made again to carry it.

Credentials issued before the status lists (December 2026) name no status, so nobody outside the service can see
them revoked; credentials signed with a key later reported compromised fail every verifier. Regulator staff re-issue
them in one background job, with a progress bar; each re-issue is recorded with who asked, why, and the credential's
previous key and date. The holder's earlier copy still verifies (where its key is sound) but cannot show a later
revocation: the re-issued one can.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.jobs import JobContext, job_handler, start_job
from accounts.models import Job, User
from accounts.services import record_event, require

from ..models import Accreditation
from . import certificates, status_lists
from .credentials import signed_credential
from .signing_keys import current_key_record

REISSUE_JOB = "accreditation_reissue_credentials"


def needing_reissue() -> QuerySet[Accreditation]:
    """Credentials without a published status or a recorded key, and every credential signed with a compromised key:
    our check still trusts those signed before the compromise, but no other verifier accepts the key any more."""
    return Accreditation.objects.filter(
        Q(status_list_index__isnull=True)
        | Q(credential_key__isnull=True)
        | Q(credential_key__compromised_from__isnull=False)
    ).order_by("pk")


@transaction.atomic
def reissue_credential(*, accreditation: Accreditation, by: User | None, reason: str) -> Accreditation:
    accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
    reason = (reason or "").strip()
    require(bool(reason), "Give the reason for re-issuing the credential, for the record.")
    previous = accreditation.credential.get("proof") if isinstance(accreditation.credential, dict) else None
    previous = previous[0] if isinstance(previous, list) and previous else previous or {}
    status_lists.allocate_status_entry(accreditation)
    now = timezone.now()
    accreditation.credential = signed_credential(accreditation, at=now)
    accreditation.credential_issued_at = now
    accreditation.credential_key = current_key_record()
    accreditation.save(update_fields=["credential", "credential_issued_at", "credential_key"])
    record_event(
        accreditation,
        "credential_reissued",
        by=by,
        reason=reason,
        changes={
            "previous_key": previous.get("verificationMethod", ""),
            "previous_signed": previous.get("created", ""),
            "key": accreditation.credential["proof"][0]["verificationMethod"],
        },
    )
    return accreditation


def start_reissue(*, by: User, reason: str) -> Job:
    reason = (reason or "").strip()
    require(bool(reason), "Give the reason for re-issuing the credentials, for the record.")
    count = len(_to_do())
    require(count > 0, "Every credential already carries its status and a sound key: there is nothing to re-issue.")
    return start_job(
        kind=REISSUE_JOB,
        title=f"Re-issue {count} signed credential{'s' if count != 1 else ''}",
        by=by,
        params={"reason": reason},
    )


def certificates_behind() -> QuerySet[Accreditation]:
    """Certificates made before the credential they should carry was (re-)issued: a re-issue interrupted between
    signing and making the certificate leaves one, which a restarted job makes again."""
    return Accreditation.objects.filter(
        certificate__gt="", credential_issued_at__isnull=False, certificate_made_at__lt=F("credential_issued_at")
    ).order_by("pk")


def _to_do() -> list[int]:
    """The credentials to re-issue, then the certificates a re-issue left behind."""
    ids = list(needing_reissue().values_list("pk", flat=True))
    return ids + [pk for pk in certificates_behind().values_list("pk", flat=True) if pk not in set(ids)]


def to_reissue_count() -> int:
    return len(_to_do())


@job_handler(REISSUE_JOB)
def reissue_job(context: JobContext) -> None:
    """Re-issue every credential that needs it, and make its certificate again to carry it. A restarted job picks up
    where it stopped: what is done no longer needs re-issuing, and a certificate left behind is made again."""
    ids = _to_do()
    total = len(ids)
    by = context.job.created_by
    for done, pk in enumerate(ids, start=1):
        accreditation = Accreditation.objects.get(pk=pk)
        if needing_reissue().filter(pk=pk).exists():
            accreditation = reissue_credential(accreditation=accreditation, by=by, reason=context.params["reason"])
        if accreditation.certificate:
            certificates.store_certificate(
                accreditation=accreditation, content=certificates.render_certificate(accreditation)
            )
        if done == total or done % max(1, total // 100) == 0:
            context.progress(done * 100 // max(1, total), f"{done} of {total} credentials re-issued")
    status_lists.publish_status_lists()
    context.job.message = (
        f"{total} credential{'s' if total != 1 else ''} re-issued with their status and the current key; "
        "their certificates were made again to carry them."
    )
