"""Signed machine-readable credentials: Open Badges 3.0 (OpenBadgeCredential), signed with the regulator's Ed25519 key.

The proof is a W3C Data Integrity proof with the ``eddsa-jcs-2022`` cryptosuite: the credential and the proof's
options are canonicalised as JSON (JCS: keys sorted, no spaces), each hashed with SHA-256, and the two hashes signed
with Ed25519. So the credential stays a plain JSON document an employer can paste into the verify page, and any
Data Integrity library can check it against the public key published at ``/credentials/issuer`` (as a Multikey)
and ``/credentials/jwks.json`` (as a JWK).

The key comes from ``CREDENTIAL_SIGNING_KEY`` (PEM) or the file ``CREDENTIAL_SIGNING_KEY_FILE``; in development
that file is made on first use under ``var/`` (never committed). Production never makes its own key.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accounts import safe_json

from ..models import Accreditation, Level

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CRYPTOSUITE = "eddsa-jcs-2022"
MULTICODEC_ED25519_PUB = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

CRITERIA = (
    "Endorsed by their employer, passed the knowledge assessment and the observed practice assessment against the "
    "level's post-qualifying standard, and confirmed by the regulator."
)


# --- Keys ---------------------------------------------------------------------------------------------------------


def _b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _b58decode(text: str) -> bytes:
    n = 0
    for char in text:
        n = n * 58 + _B58.index(char)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


@functools.lru_cache(maxsize=4)
def _load_key(pem: str, path: str, production: bool) -> Ed25519PrivateKey:
    if pem:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    else:
        file = Path(path)
        if not file.exists():
            if production:
                raise ImproperlyConfigured("Set CREDENTIAL_SIGNING_KEY (the regulator's Ed25519 key) in production.")
            _write_new_key(file)
        key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("CREDENTIAL_SIGNING_KEY must be an Ed25519 private key.")
    return key


def _write_new_key(file: Path) -> None:
    """A development key, readable by its owner only; two processes starting at once keep the first one written."""
    file.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def signing_key() -> Ed25519PrivateKey:
    return _load_key(settings.CREDENTIAL_SIGNING_KEY, str(settings.CREDENTIAL_SIGNING_KEY_FILE), settings.PRODUCTION)


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def issuer_id() -> str:
    return f"{settings.SITE_URL}/credentials/issuer"


def key_id(public: Ed25519PublicKey | None = None) -> str:
    """The verification method's id: the issuer URL and a fragment naming the key (so keys can be rotated)."""
    public = public or signing_key().public_key()
    return f"{issuer_id()}#key-{hashlib.sha256(_raw_public(public)).hexdigest()[:16]}"


def public_multikey(public: Ed25519PublicKey) -> str:
    return "z" + _b58encode(MULTICODEC_ED25519_PUB + _raw_public(public))


def published_keys() -> dict[str, Ed25519PublicKey]:
    """Every key a credential of ours may be signed with, by verification method id."""
    public = signing_key().public_key()
    return {key_id(public): public}


def issuer_profile() -> dict:
    """The issuer's Open Badges Profile, with its public key(s) as Multikey verification methods."""
    methods = [
        {"id": kid, "type": "Multikey", "controller": issuer_id(), "publicKeyMultibase": public_multikey(public)}
        for kid, public in published_keys().items()
    ]
    return {
        # The DID context defines verificationMethod and assertionMethod, which a verifier reads in safe mode to
        # find the key and check that it may sign credentials (the OB and Multikey contexts define neither).
        "@context": [*CONTEXT, "https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": settings.CREDENTIAL_ISSUER_NAME,
        "url": settings.SITE_URL,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def jwks() -> dict:
    return {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": base64.urlsafe_b64encode(_raw_public(public)).rstrip(b"=").decode(),
                "kid": kid,
                "alg": "EdDSA",
                "use": "sig",
            }
            for kid, public in published_keys().items()
        ]
    }


# --- Issuing ------------------------------------------------------------------------------------------------------


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}/verify/{code}"


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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
    return {
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


def _canonical(value) -> bytes:
    """JSON Canonicalization Scheme (RFC 8785) for what credentials hold: strings, booleans, lists and objects."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _hash_data(document: dict, proof_options: dict) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {**proof_options, "@context": document.get("@context")}
    return hashlib.sha256(_canonical(config)).digest() + hashlib.sha256(_canonical(unsecured)).digest()


def sign(document: dict, *, created: datetime.datetime) -> dict:
    """Add a Data Integrity proof. Ed25519 signatures are deterministic: the same credential signs the same."""
    key = signing_key()
    options = {
        # The proof carries the document's context: a verifier rebuilds the proof configuration it hashes from the
        # proof object alone (Data Integrity, eddsa-jcs-2022), so without it every other verifier hashes something
        # else and answers "invalid signature".
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _utc(created),
        "verificationMethod": key_id(key.public_key()),
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + _b58encode(signature)}}


def signed_credential(accreditation: Accreditation) -> dict:
    return sign(unsigned_credential(accreditation), created=accreditation.confirmed_at)


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
    """What the verify page says about a pasted credential: ``status`` is valid, revoked or failed."""

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
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return _fail("This credential has no signature (no single proof), so it cannot be trusted.")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return _fail(f"This credential's signature is not of the kind we issue ({CRYPTOSUITE}).")
    method = proof.get("verificationMethod")
    public = published_keys().get(method) if isinstance(method, str) else None
    if public is None:
        return _fail("This credential was signed with a key that is not one of our published keys.")
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError
        signature = _b58decode(value[1:])
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        public.verify(signature, _hash_data(document, options))
    except (ValueError, InvalidSignature):
        return _fail(
            "The signature does not match: this credential has been changed since it was signed "
            "(for example its name, level or dates), so it cannot be trusted."
        )
    code = str(document.get("id", "")).rsplit("/", 1)[-1]
    accreditation = Accreditation.objects.filter(code=code).first()
    if accreditation is None:
        return _fail("The signature is ours, but we have no record of this credential.")
    facts = _signed_facts(document, accreditation)
    if accreditation.is_revoked:
        when = timezone.localdate(accreditation.revoked_at)
        return CredentialCheck(
            "revoked", [f"This accreditation was revoked on {when:%-d %B %Y}."], accreditation, facts
        )
    return CredentialCheck("valid", [], accreditation, facts)


def _signed_facts(document: dict, accreditation: Accreditation) -> dict:
    """The name, registration number, level and date as the signed credential states them (the shape of
    ``public_view``); only the status and revocation date are our record's, since they change after signing."""
    subject = document.get("credentialSubject") if isinstance(document.get("credentialSubject"), dict) else {}
    identities = {
        item.get("identityType"): str(item.get("identityHash", ""))
        for item in subject.get("identifier") or []
        if isinstance(item, dict)
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
        "status": accreditation.status,
        "revoked_on": timezone.localdate(accreditation.revoked_at) if accreditation.revoked_at else None,
    }
