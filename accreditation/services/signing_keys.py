"""The regulator's credential-signing keys: the one that signs now, and every key that ever signed, published with
its period so that each credential stays checkable for ever.

The private key comes from ``CREDENTIAL_SIGNING_KEY`` (PEM) or the file ``CREDENTIAL_SIGNING_KEY_FILE``; in
development that file is made on first use under ``var/`` (never committed). Production never makes its own key.
The database holds public halves only (``SigningKey``): a key is recorded the first time it signs, which retires the
key before it, so rotating is "put the new key in place"; ``manage.py rotate_credential_key`` does that for the key
file. A key reported compromised stays published, marked revoked from a moment on, so nothing signed with it from
then is accepted.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import record_event, require

from ..models import SigningKey

MULTICODEC_ED25519_PUB = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    n = 0
    for char in text:
        n = n * 58 + _B58.index(char)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


# --- The key that signs now -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _load_key(pem: str, path: str, production: bool, version: tuple) -> Ed25519PrivateKey:
    # ``version`` identifies the key file's contents: a rotation by another process is picked up on the next use.
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


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_new_key(file: Path) -> None:
    """A development key, readable by its owner only; two processes starting at once keep the first one written."""
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(_pem(Ed25519PrivateKey.generate()))


def _key_file_version() -> tuple:
    """What tells one key file from its replacement: a rotation renames a new file over it (a new inode)."""
    if settings.CREDENTIAL_SIGNING_KEY:
        return ()
    try:
        found = os.stat(settings.CREDENTIAL_SIGNING_KEY_FILE)
    except FileNotFoundError:
        return ()
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def signing_key() -> Ed25519PrivateKey:
    return _load_key(
        settings.CREDENTIAL_SIGNING_KEY,
        str(settings.CREDENTIAL_SIGNING_KEY_FILE),
        settings.PRODUCTION,
        _key_file_version(),
    )


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fragment_for(public: Ed25519PublicKey) -> str:
    return f"key-{hashlib.sha256(raw_public(public)).hexdigest()[:16]}"


def public_multikey(public: Ed25519PublicKey) -> str:
    return "z" + b58encode(MULTICODEC_ED25519_PUB + raw_public(public))


def public_from_multikey(value: str) -> Ed25519PublicKey:
    raw = b58decode(value[1:])
    if not value.startswith("z") or not raw.startswith(MULTICODEC_ED25519_PUB):
        raise ValueError("Not an Ed25519 Multikey.")
    return Ed25519PublicKey.from_public_bytes(raw[len(MULTICODEC_ED25519_PUB) :])


def issuer_id() -> str:
    return f"{settings.SITE_URL}/credentials/issuer"


def method_id(fragment: str) -> str:
    """The verification method's id: the issuer URL and a fragment naming the key."""
    return f"{issuer_id()}#{fragment}"


def current_key_record() -> SigningKey:
    """The record of the key that signs now, made the first time it signs; that retires the key before it."""
    public = signing_key().public_key()
    fragment = fragment_for(public)
    record = SigningKey.objects.filter(fragment=fragment).first()
    if record is not None:
        return record
    now = timezone.now()
    try:
        with transaction.atomic():
            for earlier in SigningKey.objects.select_for_update().filter(retired_at__isnull=True):
                earlier.retired_at = now
                earlier.save(update_fields=["retired_at"])
                record_event(earlier, "retired", by=None, reason=f"Succeeded by {fragment}")
            record = SigningKey.objects.create(
                fragment=fragment, public_multibase=public_multikey(public), active_from=now
            )
            record_event(record, "first_used", by=None, reason="Began signing credentials")
    except IntegrityError:  # another process recorded it first
        record = SigningKey.objects.get(fragment=fragment)
    return record


# --- Every key that ever signed -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedKey:
    fragment: str
    public: Ed25519PublicKey
    active_from: datetime.datetime | None
    retired_at: datetime.datetime | None = None
    compromised_from: datetime.datetime | None = None

    @property
    def id(self) -> str:
        return method_id(self.fragment)

    @property
    def multibase(self) -> str:
        return public_multikey(self.public)


def published_keys() -> dict[str, PublishedKey]:
    """Every key a credential of ours may be signed with, by verification method id, oldest first. The key that
    signs now is listed even before its first signature is recorded."""
    keys = {
        method_id(k.fragment): PublishedKey(
            k.fragment, public_from_multikey(k.public_multibase), k.active_from, k.retired_at, k.compromised_from
        )
        for k in SigningKey.objects.all()
    }
    public = signing_key().public_key()
    current = method_id(fragment_for(public))
    if current not in keys:
        keys[current] = PublishedKey(fragment_for(public), public, None)
    return keys


def utc(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def verification_methods() -> list[dict]:
    """The issuer profile's Multikeys. A compromised key stays listed, ``revoked`` from its compromise, so the
    credentials it signed before then can be traced; it is left out of ``assertionMethod``."""
    methods = []
    for key in published_keys().values():
        method = {"id": key.id, "type": "Multikey", "controller": issuer_id(), "publicKeyMultibase": key.multibase}
        if key.compromised_from:
            method["revoked"] = utc(key.compromised_from)
        methods.append(method)
    return methods


def jwks() -> dict:
    """The same keys as JSON Web Keys. Each carries its period in members a JWK reader that does not know them
    ignores (RFC 7517 §4): ``valid_from``, ``valid_until`` (retired) and ``revoked`` (compromised)."""
    keys = []
    for key in published_keys().values():
        jwk = {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": base64.urlsafe_b64encode(raw_public(key.public)).rstrip(b"=").decode(),
            "kid": key.id,
            "alg": "EdDSA",
            "use": "sig",
            "valid_from": utc(key.active_from),
        }
        if key.retired_at:
            jwk["valid_until"] = utc(key.retired_at)
        if key.compromised_from:
            jwk["revoked"] = utc(key.compromised_from)
        keys.append({k: v for k, v in jwk.items() if v is not None})
    return {"keys": keys}


# --- Rotation and compromise ----------------------------------------------------------------------------------


def rotate_key_file(*, by: User | None) -> SigningKey:
    """Make a new key in ``CREDENTIAL_SIGNING_KEY_FILE`` and start signing with it; the old key stays published.
    The file is replaced in one step (a new file renamed over it), so no process ever reads half a key."""
    require(
        not settings.CREDENTIAL_SIGNING_KEY,
        "The signing key comes from CREDENTIAL_SIGNING_KEY: put the new key there (make one with "
        "`manage.py rotate_credential_key --write-to FILE`) and restart, and it is recorded when it first signs.",
    )
    current_key_record()  # the outgoing key is on record before it stops signing
    file = Path(settings.CREDENTIAL_SIGNING_KEY_FILE)
    staged = file.with_name(file.name + ".new")
    staged.unlink(missing_ok=True)  # left by a rotation interrupted before its rename: it never signed anything
    write_new_key(staged)
    os.replace(staged, file)
    record = current_key_record()
    if by is not None:
        SigningKey.objects.filter(retired_at=record.active_from, retired_by__isnull=True).update(retired_by=by)
    record_event(record, "rotated_in", by=by, reason="Key rotated")
    return record


def write_new_key(file: Path) -> Ed25519PublicKey:
    """A new private key in a file only its owner can read (refusing to overwrite one)."""
    key = Ed25519PrivateKey.generate()
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(_pem(key))
    return key.public_key()


@transaction.atomic
def mark_key_compromised(
    *, fragment: str, compromised_from: datetime.datetime, by: User | None, reason: str
) -> SigningKey:
    """Anything the key signed from ``compromised_from`` on is refused from now, by us and (the key being out of
    ``assertionMethod``) by every other verifier. Re-issue the credentials it signed (``reissue_credentials``)."""
    record = SigningKey.objects.select_for_update().filter(fragment=fragment).first()
    require(record is not None, f"No key {fragment} has signed a credential.")
    require(not record.is_compromised, "This key is already recorded as compromised.")
    reason = (reason or "").strip()
    require(bool(reason), "Give the reason the key is compromised, for the record.")
    require(compromised_from <= timezone.now(), "The compromise cannot start in the future.")
    require(
        record.retired_at is not None or fragment != fragment_for(signing_key().public_key()),
        "This key still signs credentials: rotate it first (`manage.py rotate_credential_key`).",
    )
    record.compromised_from = compromised_from
    record.compromise_reason = reason
    record.compromise_recorded_by = by
    record.compromise_recorded_at = timezone.now()
    record.save(
        update_fields=["compromised_from", "compromise_reason", "compromise_recorded_by", "compromise_recorded_at"]
    )
    record_event(record, "compromised", by=by, reason=reason, changes={"from": utc(compromised_from)})
    return record
