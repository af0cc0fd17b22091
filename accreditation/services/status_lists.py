"""Published credential status: W3C Bitstring Status List v1.0.

Every credential carries two ``BitstringStatusListEntry`` statuses: ``revocation`` (set when the accreditation is
revoked, for good) and ``suspension`` (set while an order suspends the holder from the register, cleared when it
ends). Both point at the same index in the revocation and the suspension list of one number. The index is chosen at
random among the list's 131,072 places (the specification's minimum), so a list says nothing about who is who or in
what order they were accredited; a new list is started when one is half full.

The lists are signed credentials, served at ``/credentials/status/<purpose>/<number>``. The worker publishes them
(``publish_status_lists``) right after a revocation or a change of register standing, and every minute from beat in
case a message was lost, re-signing a list only when its bits changed.
"""

from __future__ import annotations

import base64
import gzip
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from regulation import selectors as register

from ..models import Accreditation, StatusList
from .signing_keys import issuer_id, utc

logger = logging.getLogger(__name__)

LIST_SIZE = 131_072
LIST_FILL = LIST_SIZE // 2
PURPOSES = tuple(StatusList.Purpose.values)


def list_url(purpose: str, number: int) -> str:
    return f"{settings.SITE_URL}/credentials/status/{purpose}/{number}"


def credential_status(accreditation: Accreditation) -> list[dict]:
    number, index = accreditation.status_list_number, accreditation.status_list_index
    return [
        {
            "id": f"{list_url(purpose, number)}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": list_url(purpose, number),
        }
        for purpose in PURPOSES
    ]


def allocate_status_entry(accreditation: Accreditation) -> Accreditation:
    """Give the accreditation a random free place in the newest list that is not yet half full. Two allocations
    racing for one place: the unique constraint refuses the second, which draws again."""
    if accreditation.status_list_index is not None:
        return accreditation
    for _attempt in range(64):
        number = _open_list_number()
        index = secrets.randbelow(LIST_SIZE)
        if Accreditation.objects.filter(status_list_number=number, status_list_index=index).exists():
            continue
        try:
            with transaction.atomic():
                Accreditation.objects.filter(pk=accreditation.pk).update(
                    status_list_number=number, status_list_index=index
                )
        except IntegrityError:
            continue
        accreditation.status_list_number, accreditation.status_list_index = number, index
        return accreditation
    raise RuntimeError("No free place in the credential status list after 64 draws.")


def _open_list_number() -> int:
    newest = Accreditation.objects.filter(status_list_number__isnull=False).aggregate(n=Max("status_list_number"))["n"]
    if newest is None:
        return 1
    used = Accreditation.objects.filter(status_list_number=newest).count()
    return newest if used < LIST_FILL else newest + 1


# --- Encoding -----------------------------------------------------------------------------------------------------


def encode(indexes: set[int]) -> str:
    """The bitstring (index 0 is the first byte's highest bit), GZIP-compressed, as multibase base64url."""
    bits = bytearray(LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def is_set(encoded_list: str, index: int) -> bool:
    if not encoded_list.startswith("u"):
        raise ValueError("Not a multibase base64url status list.")
    body = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


# --- Publishing ---------------------------------------------------------------------------------------------------


def _set_bits() -> dict[tuple[int, str], set[int]]:
    """Which bits are set today in every list: revoked accreditations, and holders an order suspends."""
    suspended = register.suspended_registration_numbers()
    bits: dict[tuple[int, str], set[int]] = {}
    rows = Accreditation.objects.filter(status_list_number__isnull=False).values_list(
        "status_list_number", "status_list_index", "status", "registration_number"
    )
    for number, index, status, registration_number in rows.iterator(chunk_size=5000):
        bits.setdefault((number, "revocation"), set())
        bits.setdefault((number, "suspension"), set())
        if status == Accreditation.Status.REVOKED:
            bits[(number, "revocation")].add(index)
        if registration_number in suspended:
            bits[(number, "suspension")].add(index)
    return bits


def status_list_credential(*, purpose: str, number: int, encoded_list: str) -> dict:
    from .credentials import sign

    url = list_url(purpose, number)
    now = timezone.now()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": utc(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded_list,
            # Milliseconds a verifier may cache the list: it is published again within a minute of a change.
            "ttl": settings.CREDENTIAL_STATUS_TTL_SECONDS * 1000,
        },
    }
    return sign(document, created=now)


def publish_status_lists() -> int:
    """Bring every published list in line with the records; returns how many were (re)signed. Safe to repeat.

    One transaction holds every published list's row while it reads the records and writes, so a worker that read
    the records before another published a revocation waits, then reads them again: it never puts back a stale list.
    A list is signed again when its bits changed, or when the key that signed it no longer signs."""
    from .credentials import signing_key_method

    method = signing_key_method()
    changed = 0
    with transaction.atomic():
        published = {(row.number, row.purpose): row for row in StatusList.objects.select_for_update()}
        for (number, purpose), indexes in sorted(_set_bits().items()):
            encoded = encode(indexes)
            current = published.get((number, purpose))
            if current is not None and current.encoded_list == encoded and _signed_with(current) == method:
                continue
            signed = status_list_credential(purpose=purpose, number=number, encoded_list=encoded)
            fields = {"encoded_list": encoded, "credential": signed, "published_at": timezone.now()}
            try:
                with transaction.atomic():
                    StatusList.objects.update_or_create(
                        number=number, purpose=purpose, defaults={**fields, "set_bits": len(indexes)}
                    )
            except IntegrityError:  # another worker published this new list first, from the same records
                continue
            changed += 1
    return changed


def _signed_with(row: StatusList) -> str:
    proofs = row.credential.get("proof") if isinstance(row.credential, dict) else None
    proof = proofs[0] if isinstance(proofs, list) and proofs else proofs if isinstance(proofs, dict) else {}
    return str(proof.get("verificationMethod", ""))


def request_publication() -> None:
    """After this transaction commits, have the worker publish the lists. If the broker cannot take the message,
    beat's run within the minute publishes them."""

    def hand_over() -> None:
        from kombu.exceptions import OperationalError as BrokerError

        from ..tasks import publish_status_lists as task

        try:
            task.delay()
        except (BrokerError, OSError):
            logger.warning("The broker could not take the status list publication; beat will publish.", exc_info=True)

    transaction.on_commit(hand_over)


def published(*, purpose: str, number: int) -> StatusList | None:
    """The list as served. A list a credential names but the worker has not yet published is published now, so a
    verifier never meets a missing list."""
    found = StatusList.objects.filter(purpose=purpose, number=number).first()
    if found is None and Accreditation.objects.filter(status_list_number=number).exists():
        publish_status_lists()
        found = StatusList.objects.filter(purpose=purpose, number=number).first()
    return found
