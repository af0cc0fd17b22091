"""The fourth stage: confirming the accreditation (by regulator staff, or by the rules), and revoking it.

Confirming moves the candidate to ``accredited``, records who confirmed it and why, makes the verification code
and the signed credential, adds the level's annotation to the register entry (through ``regulation.services``),
and starts the certificate job. Revoking ends the annotation; the verify page, the PDF download and the
credential check then all say revoked.
"""

from __future__ import annotations

import base64
import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Job, User
from accounts.notifications import link, notify
from accounts.services import record_event, require
from regulation import selectors as register
from regulation import services as register_services

from ..models import Accreditation, Candidate, Level
from . import status_lists
from .signing_keys import current_key_record

ANNOTATION_KIND = {level: kind for kind, level in register.ACCREDITATION_KINDS.items()}
CERTIFICATE_JOB = "accreditation_certificate"


def new_code() -> str:
    """160 random bits from the operating system's generator, in base 32 (A–Z, 2–7): 32 characters."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def ready_for_decision(candidate: Candidate) -> tuple[bool, str]:
    """Whether a decision may be confirmed now, and if not, why. The one guard the pages, the API and the
    rules-confirmation all use."""
    if candidate.status == Candidate.Status.ACCREDITED or candidate.stage == Candidate.Stage.ACCREDITED:
        return False, "This accreditation has already been confirmed."
    if candidate.status != Candidate.Status.ACTIVE:
        return False, f"This candidacy is not in progress ({candidate.get_status_display().lower()})."
    if candidate.stage != Candidate.Stage.DECISION:
        return False, f"Every stage must be passed first: this candidate is at {candidate.get_stage_display().lower()}."
    from ..selectors.observation import open_moderation_exists  # the selectors package imports services

    if open_moderation_exists(candidate):
        return False, "A moderation of the practice observation is still open for this candidate."
    standing = register.practice_standing([candidate.user_id]).get(candidate.user_id)
    if standing is None or not standing["practising"]:
        return False, "Only a practising registered social worker can be accredited."
    return True, ""


def confirmed_by_rules(level: str) -> bool:
    return level in settings.ACCREDITATION_CONFIRM_BY_RULES


def _lock(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_for_update().select_related("user").get(pk=candidate.pk)


@transaction.atomic
def confirm_accreditation(*, candidate: Candidate, by: User | None, reason: str) -> Accreditation:
    """Confirm the accreditation of a candidate who has passed every stage. ``by`` None means the rules confirmed
    it. Two staff confirming at once give one accreditation: the second waits for the row lock, then is refused."""
    candidate = _lock(candidate)
    ok, why = ready_for_decision(candidate)
    require(ok, why)
    reason = (reason or "").strip()
    require(bool(reason), "Give the reason for confirming, for the record.")
    require(by is None or by.pk != candidate.user_id, "You cannot confirm your own accreditation.")
    entry = register.entry_by_number(candidate.registration_number)
    require(entry is not None, "The candidate's register entry cannot be found.")
    now = timezone.now()
    accreditation = Accreditation.objects.create(
        candidate=candidate,
        code=new_code(),
        name=entry.full_name,
        registration_number=entry.registration_number,
        level=candidate.level,
        awarded_on=timezone.localdate(now),
        confirmed_at=now,
        confirmed_by=by,
        confirmed_by_rules=by is None,
        confirm_reason=reason,
    )
    from .credentials import signed_credential

    status_lists.allocate_status_entry(accreditation)
    accreditation.credential = signed_credential(accreditation)
    accreditation.credential_issued_at = now
    accreditation.credential_key = current_key_record()
    accreditation.save(update_fields=["credential", "credential_issued_at", "credential_key"])
    candidate.stage = Candidate.Stage.ACCREDITED
    candidate.status = Candidate.Status.ACCREDITED
    candidate.save(update_fields=["stage", "status"])
    kind = ANNOTATION_KIND[candidate.level]
    if register.open_annotation(entry, kind) is None:
        register_services.add_annotation(
            entry=entry, by=by, kind=kind, starts_on=accreditation.awarded_on, note="Accreditation pathway"
        )
    record_event(
        candidate,
        "accreditation_confirmed",
        by=by,
        reason=reason,
        from_state=Candidate.Stage.DECISION,
        to_state=Candidate.Stage.ACCREDITED,
        changes={"by_rules": by is None},
    )
    record_event(accreditation, "confirmed", by=by, reason=reason, to_state=accreditation.status)
    _tell(accreditation, "confirmed", to=candidate.user)
    # The certificate is made by the worker; the job's page (for whoever confirmed) shows its progress.
    accreditation.certificate_job = start_certificate_job(accreditation=accreditation, by=by or candidate.user)
    return accreditation


def start_certificate_job(*, accreditation: Accreditation, by: User) -> Job:
    """Make (or make again) the certificate PDF in the worker; the job page shows its progress."""
    from accounts.jobs import start_job

    return start_job(
        kind=CERTIFICATE_JOB,
        title=f"Certificate for {accreditation.name}: {accreditation.get_level_display()}",
        by=by,
        params={"accreditation_id": accreditation.pk},
    )


def after_stages_passed(*, candidate: Candidate) -> Accreditation | None:
    """Called when a candidate reaches the decision stage (stage 3's final observation result). Where the level's
    setting says the rules confirm, confirm now; otherwise it waits in regulator staff's list."""
    if not confirmed_by_rules(candidate.level):
        return None
    ok, _ = ready_for_decision(candidate)
    if not ok:
        return None
    return confirm_accreditation(
        candidate=candidate,
        by=None,
        reason=f"Confirmed by the rules: every stage passed ({Level(candidate.level).label}).",
    )


@transaction.atomic
def revoke_accreditation(*, accreditation: Accreditation, by: User | None, reason: str) -> Accreditation:
    """Revoke with a reason. The register annotation ends today; the record, certificate and credential stay and
    say revoked wherever they are checked."""
    accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
    require(not accreditation.is_revoked, "This accreditation has already been revoked.")
    reason = (reason or "").strip()
    require(bool(reason), "Give the reason for revoking the accreditation.")
    accreditation.status = Accreditation.Status.REVOKED
    accreditation.revoked_at = timezone.now()
    accreditation.revoked_by = by
    accreditation.revoked_reason = reason
    accreditation.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
    entry = register.entry_by_number(accreditation.registration_number)
    annotation = register.open_annotation(entry, ANNOTATION_KIND[accreditation.level]) if entry else None
    if annotation is not None:
        # In force up to and including its end date: revoked today, its last day was yesterday.
        last_day = timezone.localdate() - datetime.timedelta(days=1)
        register_services.end_annotation(
            annotation=annotation,
            by=by,
            ends_on=max(last_day, annotation.starts_on),
            reason=f"Accreditation revoked: {reason}",
        )
    record_event(
        accreditation, "revoked", by=by, reason=reason, from_state=Accreditation.Status.VALID, to_state="revoked"
    )
    status_lists.request_publication()
    _tell(accreditation, "revoked", to=accreditation.candidate.user)
    return accreditation


def _tell(accreditation: Accreditation, event: str, *, to: User) -> None:
    notify(
        to=to,
        template=f"accreditation/{event}",
        context={"a": accreditation, "url": link(reverse("accreditation:accreditation", args=[accreditation.pk]))},
        about=accreditation,
    )


def revoke_after_removal(*, entry, by: User | None, reason: str) -> int:
    """The register's removal order has taken effect: revoke every valid accreditation of the person."""
    revoked = 0
    for accreditation in Accreditation.objects.filter(
        registration_number=entry.registration_number, status=Accreditation.Status.VALID
    ):
        revoke_accreditation(accreditation=accreditation, by=by, reason=f"Removed from the register: {reason}")
        revoked += 1
    return revoked


def _on_entry_removed(sender, *, entry, by=None, reason="", **kwargs) -> None:
    revoke_after_removal(entry=entry, by=by, reason=reason)


def _on_standing_changed(sender, *, entry, **kwargs) -> None:
    status_lists.request_publication()


def connect_signals() -> None:
    from regulation.signals import entry_removed, standing_changed

    entry_removed.connect(_on_entry_removed, dispatch_uid="accreditation_revoke_after_removal")
    # An order suspending the holder (or its end) changes the published suspension status of their credentials.
    standing_changed.connect(_on_standing_changed, dispatch_uid="accreditation_publish_status_lists")
