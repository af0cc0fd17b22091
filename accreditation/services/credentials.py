"""Signed machine-readable credentials: Open Badges 3.0 (OpenBadgeCredential), signed with the regulator's Ed25519 key.

The proof is a W3C Data Integrity proof with the ``eddsa-rdfc-2022`` cryptosuite, the one Open Badges 3.0 names: the
credential and the proof's options are canonicalised as RDF (``linked_data``, with bundled contexts), each hashed with
SHA-256, and the two hashes signed with Ed25519. Credentials issued until December 2026 used ``eddsa-jcs-2022`` (the
same, canonicalised as JSON by RFC 8785, the ``rfc8785`` library); they are still checked. Any Data Integrity library
can check either against the public keys published at ``/credentials/issuer`` (as Multikeys) and
``/credentials/jwks.json`` (as JWKs). ``proof`` is a list (a proof set), the form the Open Badges 3.0 schema names.

Each credential carries its status entries (``status_lists``), so a revocation or a suspension can be read by anyone
from the published status lists, without asking us. Keys, their history and rotation: ``signing_keys``.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass, field

import rfc8785
from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accounts import safe_json
from regulation import selectors as register

from ..models import Accreditation, Level
from . import linked_data, status_lists
from .signing_keys import (
    b58decode,
    b58encode,
    current_key_record,
    fragment_for,
    issuer_id,
    jwks,
    method_id,
    published_keys,
    signing_key,
    utc,
    verification_methods,
)

__all__ = ["check_credential", "issuer_profile", "jwks", "sign", "signed_credential"]

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CRYPTOSUITE = "eddsa-rdfc-2022"
JCS_CRYPTOSUITE = "eddsa-jcs-2022"
CRYPTOSUITES = (CRYPTOSUITE, JCS_CRYPTOSUITE)

CRITERIA = (
    "Endorsed by their employer, passed the knowledge assessment and the observed practice assessment against the "
    "level's post-qualifying standard, and confirmed by the regulator."
)


def issuer_profile() -> dict:
    """The issuer's Open Badges Profile, with every key that ever signed as a Multikey verification method."""
    methods = verification_methods()
    return {
        # The DID context defines verificationMethod and assertionMethod, which a verifier reads in safe mode to
        # find the key and check that it may sign credentials (the OB and Multikey contexts define neither).
        "@context": [*CONTEXT, "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": settings.CREDENTIAL_ISSUER_NAME,
        "url": settings.SITE_URL,
        "verificationMethod": methods,
        # A compromised key may no longer assert anything: every verifier then refuses what it signed.
        "assertionMethod": [m["id"] for m in methods if "revoked" not in m],
    }


# --- Issuing ------------------------------------------------------------------------------------------------------


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}/verify/{code}"


def achievement(level_value: str) -> dict:
    level = Level(level_value)
    return {
        "id": f"{settings.SITE_URL}/credentials/achievements/{level.value}",
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": level.label,
        "description": f"Accredited at the level of {level.label} on England's post-qualifying pathway for child "
        "and family social work.",
        "criteria": {"narrative": CRITERIA},
    }


def unsigned_credential(accreditation: Accreditation) -> dict:
    level = Level(accreditation.level)
    document = {
        "@context": CONTEXT,
        "id": verify_url(accreditation.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": level.label,
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": settings.CREDENTIAL_ISSUER_NAME,
            "url": settings.SITE_URL,
        },
        "validFrom": f"{accreditation.awarded_on.isoformat()}T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": accreditation.name},
                {
                    "type": "IdentityObject",
                    "identityType": "identifier",
                    "hashed": False,
                    "identityHash": accreditation.registration_number,
                },
            ],
            "achievement": achievement(accreditation.level),
        },
    }
    if accreditation.status_list_index is not None:
        document["credentialStatus"] = status_lists.credential_status(accreditation)
    return document


def _canonical(value) -> bytes:
    """JSON Canonicalization Scheme (RFC 8785)."""
    return rfc8785.dumps(value)


def _hash_data(document: dict, proof_options: dict) -> bytes:
    """The proof configuration's hash, then the document's, canonicalised as the proof's cryptosuite says."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {**proof_options, "@context": document.get("@context")}
    canonical = _canonical if proof_options.get("cryptosuite") == JCS_CRYPTOSUITE else _canonical_rdf
    return hashlib.sha256(canonical(config)).digest() + hashlib.sha256(canonical(unsecured)).digest()


def _canonical_rdf(value: dict) -> bytes:
    return linked_data.canonical_nquads(value).encode()


def sign(document: dict, *, created: datetime.datetime, cryptosuite: str = CRYPTOSUITE) -> dict:
    """Add a Data Integrity proof (as a one-proof set). Ed25519 signatures are deterministic: the same credential
    signs the same. The key that signs is put on record (``SigningKey``) the first time it does."""
    key = signing_key()
    record = current_key_record()
    if record.is_compromised:
        raise ImproperlyConfigured(
            f"The signing key {record.fragment} is recorded as compromised: put a new key in place before signing."
        )
    options = {
        # The proof carries the document's context: a verifier rebuilds the proof configuration it hashes from the
        # proof object alone (Data Integrity, eddsa-jcs-2022), so without it every other verifier hashes something
        # else and answers "invalid signature".
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        # Never before the key began signing: a re-issue of an older credential is dated when it was signed.
        "created": utc(max(created, record.active_from)),
        "verificationMethod": method_id(record.fragment),
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, options))
    return {**document, "proof": [{**options, "proofValue": "z" + b58encode(signature)}]}


def signing_key_method() -> str:
    """The verification method that signs now."""
    return method_id(fragment_for(signing_key().public_key()))


def signed_credential(accreditation: Accreditation, *, at: datetime.datetime | None = None) -> dict:
    """The credential as signed now (``at``, default the confirmation). A credential names its status entry once the
    accreditation has one (``status_lists.allocate_status_entry``)."""
    return sign(unsigned_credential(accreditation), created=at or accreditation.confirmed_at)


# --- Checking -----------------------------------------------------------------------------------------------------


# A credential is a few kilobytes, a certificate PDF under a hundred: the page and the API read none larger.
CREDENTIAL_MAX_BYTES = 100_000
CERTIFICATE_MAX_BYTES = 2 * 1024 * 1024
# The name of the file a certificate PDF carries its signed credential in (certificates.render_certificate).
CREDENTIAL_ATTACHMENT = "credential.json"


def credential_from_certificate(content: bytes) -> bytes:
    """The signed credential a certificate PDF carries, or ValueError saying why there is none to check."""
    from pypdf import PdfReader

    try:
        carried = PdfReader(io.BytesIO(content)).attachments.get(CREDENTIAL_ATTACHMENT) or []
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file; each means the same here
        raise ValueError("This PDF cannot be read: upload the certificate as it was sent to you.") from exc
    if not carried:
        raise ValueError(
            "This PDF carries no signed credential: only certificates made since December 2026 carry one. "
            "Check it by the code printed on it instead."
        )
    if len(carried[0]) > CREDENTIAL_MAX_BYTES:
        raise ValueError("The credential inside this PDF is too large to be one of ours.")
    return carried[0]


@dataclass
class CredentialCheck:
    """What the verify page says about a pasted credential: ``status`` is valid, revoked, suspended or failed."""

    status: str
    reasons: list[str] = field(default_factory=list)
    accreditation: Accreditation | None = None
    # What the checked credential itself says (its signature covers every value), with our record's status: the
    # page and the API show these, never the database's copy of the facts.
    facts: dict | None = None

    @property
    def valid(self) -> bool:
        return self.status == "valid"


def _fail(reason: str) -> CredentialCheck:
    return CredentialCheck("failed", [reason])


def check_credential(text: str | bytes | dict) -> CredentialCheck:
    """Check a credential's shape, issuer and signature, then our record of it (revocation)."""
    if isinstance(text, dict):
        document = text
    else:
        try:
            document = safe_json.loads(text, max_bytes=CREDENTIAL_MAX_BYTES)
        except safe_json.RepeatedName as exc:
            return _fail(
                f"This credential gives “{exc.name}” twice, so what a person reads in it and what was signed can "
                "differ: it may have been tampered with, so it cannot be trusted."
            )
        except safe_json.UnsafeJSON as exc:
            return _fail(f"This is not a credential we can check. {exc} Paste the whole file, from {{ to }}.")
    if not isinstance(document, dict):
        return _fail("This is not a credential: it should be one JSON object.")
    types = document.get("type") or []
    if not isinstance(types, list) or "OpenBadgeCredential" not in types:
        return _fail("This is not an Open Badges credential (its type does not include OpenBadgeCredential).")
    issuer = document.get("issuer")
    issuer_ref = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_ref != issuer_id():
        return _fail(
            f"This credential was not issued by {settings.CREDENTIAL_ISSUER_NAME}: it names another issuer "
            f"({str(issuer_ref)[:200]})."
        )
    proofs = document.get("proof")
    proofs = [proofs] if isinstance(proofs, dict) else proofs  # one proof, as credentials were issued until 2026
    if not isinstance(proofs, list) or not proofs or not all(isinstance(p, dict) for p in proofs):
        return _fail("This credential has no signature (no proof), so it cannot be trusted.")
    if len(proofs) > MAX_PROOFS:
        return _fail("This credential has more signatures than any of ours: it cannot be one of ours.")
    for proof in proofs:
        failure = _check_proof(document, proof)
        if failure:
            return _fail(failure)
    code = str(document.get("id", "")).rsplit("/", 1)[-1]
    accreditation = Accreditation.objects.filter(code=code).first()
    if accreditation is None:
        return _fail("The signature is ours, but we have no record of this credential.")
    facts = _signed_facts(document, accreditation)
    recorded = (accreditation.name, accreditation.registration_number, accreditation.level, accreditation.awarded_on)
    if (facts["name"], facts["registration_number"], facts["level"], facts["awarded_on"]) != recorded:
        # A genuine credential states exactly what we recorded on the day; a difference the signature did not catch
        # means the JSON a person reads was dressed up around signed data that says something else.
        return _fail(
            "What this credential says (name, registration number, level or date) is not what we issued, so it "
            "cannot be trusted."
        )
    for proof in proofs:
        key = published_keys().get(proof.get("verificationMethod"))
        if key is not None and key.compromised_from and not _is_the_one_we_issued(proof, accreditation):
            return _fail(
                "This credential was signed with a key reported compromised, and it is not the copy we issued, so "
                "it cannot be trusted. Ask the holder for their re-issued credential."
            )
    if accreditation.is_revoked:
        when = timezone.localdate(accreditation.revoked_at)
        return CredentialCheck(
            "revoked", [f"This accreditation was revoked on {when:%-d %B %Y}."], accreditation, facts
        )
    if facts["status"] == "suspended":
        return CredentialCheck(
            "suspended",
            [
                "The holder is suspended from the register by an order: they may not practise as a social worker "
                "while it is in force."
            ],
            accreditation,
            facts,
        )
    return CredentialCheck("valid", [], accreditation, facts)


MAX_PROOFS = 4


def _check_proof(document: dict, proof: dict) -> str:
    """Why one proof fails (empty when it verifies): its kind, its key, the key's compromise, its signature."""
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") not in CRYPTOSUITES:
        return f"This credential's signature is not of the kind we issue ({' or '.join(CRYPTOSUITES)})."
    if proof.get("cryptosuite") == CRYPTOSUITE and document.get("@context") != CONTEXT:
        # The RDF a signature covers depends on the contexts: ours are fixed, and only ours are ever loaded.
        return "This credential names other JSON-LD contexts than ours, so it cannot be one of ours."
    method = proof.get("verificationMethod")
    key = published_keys().get(method) if isinstance(method, str) else None
    if key is None:
        return "This credential was signed with a key that is not one of our published keys."
    try:
        created = datetime.datetime.fromisoformat(str(proof.get("created", "")))
    except ValueError:
        return "This credential's signature has no valid date (created), so it cannot be trusted."
    if created.tzinfo is None:
        return "This credential's signature date (created) gives no time zone, so it cannot be trusted."
    if key.retired_at and created > key.retired_at:
        return "This credential's signature is dated after its key stopped signing, so it cannot be trusted."
    if key.compromised_from and created >= key.compromised_from:
        return (
            f"This credential was signed on {created:%-d %B %Y} with a key reported compromised from "
            f"{key.compromised_from:%-d %B %Y}, so it cannot be trusted. Ask the holder for their re-issued credential."
        )
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError
        signature = b58decode(value[1:])
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        key.public.verify(signature, _hash_data(document, options))
    except linked_data.UnknownContext as exc:
        return f"This credential cannot be read as linked data: {exc}"
    except (ValueError, InvalidSignature):
        return (
            "The signature does not match: this credential has been changed since it was signed "
            "(for example its name, level or dates), so it cannot be trusted."
        )
    return ""


def _is_the_one_we_issued(proof: dict, accreditation: Accreditation) -> bool:
    """Whether this proof is the one on the credential we hold for the accreditation (a compromised key's holder
    can date a forgery before the compromise, but cannot make our copy's signature)."""
    ours = accreditation.credential.get("proof") if isinstance(accreditation.credential, dict) else None
    ours = ours if isinstance(ours, list) else [ours] if isinstance(ours, dict) else []
    return any(isinstance(p, dict) and p.get("proofValue") == proof.get("proofValue") for p in ours)


def _signed_facts(document: dict, accreditation: Accreditation) -> dict:
    """The name, registration number, level and date as the signed credential states them (the shape of
    ``public_view``); only the status and revocation date are our record's, since they change after signing."""
    subject = document.get("credentialSubject") if isinstance(document.get("credentialSubject"), dict) else {}
    identifier = subject.get("identifier") if isinstance(subject.get("identifier"), list) else []
    identities = {
        item["identityType"]: str(item.get("identityHash", ""))
        for item in identifier
        if isinstance(item, dict) and isinstance(item.get("identityType"), str)
    }
    achieved = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    level = str(achieved.get("id", "")).rsplit("/", 1)[-1]
    try:
        awarded_on = datetime.date.fromisoformat(str(document.get("validFrom", ""))[:10])
    except ValueError:
        awarded_on = None
    return {
        "name": identities.get("name", ""),
        "registration_number": identities.get("identifier", ""),
        "level": level,
        "level_label": str(achieved.get("name", "")),
        "awarded_on": awarded_on,
        "status": standing(accreditation),
        "revoked_on": timezone.localdate(accreditation.revoked_at) if accreditation.revoked_at else None,
    }


def standing(accreditation: Accreditation) -> str:
    """valid, revoked, or suspended (while an order suspends the holder from the register): what the status lists
    publish for it."""
    if accreditation.is_revoked:
        return "revoked"
    if accreditation.registration_number in register.suspended_registration_numbers(
        [accreditation.registration_number]
    ):
        return "suspended"
    return "valid"
