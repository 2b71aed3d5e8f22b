"""HPKE (RFC 9180) base mode with DHKEM(X25519, HKDF-SHA256) and HKDF-SHA256, single-shot.

Only what SPEC.md 6.2 needs, built from X25519, HKDF-SHA256 and AES-GCM. The AEAD is a
parameter so that the implementation can be checked against RFC 9180 appendix A.1, which uses
AES-128-GCM; Sealpost itself always uses AES-256-GCM ([HPKE-1]).
"""

from __future__ import annotations

import struct
from enum import IntEnum
from typing import Optional

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import ErrorCategory, SealpostError
from .kdf import hkdf_expand, hkdf_extract

__all__ = ["HpkeAead", "seal_base", "open_base", "x25519_public_key", "key_schedule_base"]

_KEM_ID = 0x0020  # DHKEM(X25519, HKDF-SHA256)
_KDF_ID = 0x0001  # HKDF-SHA256
_MODE_BASE = 0x00
_N_SECRET = 32
_N_ENC = 32
_N_NONCE = 12
_KEM_SUITE_ID = b"KEM" + struct.pack(">H", _KEM_ID)


class HpkeAead(IntEnum):
    """HPKE AEAD identifiers (RFC 9180, 7.3) supported here."""

    AES_128_GCM = 0x0001
    AES_256_GCM = 0x0002

    @property
    def key_length(self) -> int:
        return 16 if self is HpkeAead.AES_128_GCM else 32


def _labeled_extract(suite_id: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return hkdf_extract(salt, b"HPKE-v1" + suite_id + label + ikm)


def _labeled_expand(suite_id: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    labeled_info = struct.pack(">H", length) + b"HPKE-v1" + suite_id + label + info
    return hkdf_expand(prk, labeled_info, length)


def x25519_public_key(private_key: bytes) -> bytes:
    """The X25519 public key (u-coordinate) of a 32-byte RFC 7748 private scalar."""
    return (
        X25519PrivateKey.from_private_bytes(private_key)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


def _dh(private_key: bytes, public_key: bytes) -> bytes:
    """X25519; raises ValueError for an all-zero shared secret (RFC 9180, 7.1.4)."""
    shared = X25519PrivateKey.from_private_bytes(private_key).exchange(
        X25519PublicKey.from_public_bytes(public_key)
    )
    if shared == bytes(len(shared)):
        raise ValueError("all-zero X25519 shared secret")
    return shared


def _extract_and_expand(dh: bytes, kem_context: bytes) -> bytes:
    eae_prk = _labeled_extract(_KEM_SUITE_ID, b"", b"eae_prk", dh)
    return _labeled_expand(_KEM_SUITE_ID, eae_prk, b"shared_secret", kem_context, _N_SECRET)


def key_schedule_base(shared_secret: bytes, info: bytes, aead: HpkeAead) -> tuple[bytes, bytes, bytes]:
    """KeySchedule for mode_base: returns ``(key, base_nonce, exporter_secret)``."""
    suite_id = b"HPKE" + struct.pack(">HHH", _KEM_ID, _KDF_ID, int(aead))
    psk_id_hash = _labeled_extract(suite_id, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(suite_id, b"", b"info_hash", info)
    context = bytes([_MODE_BASE]) + psk_id_hash + info_hash
    secret = _labeled_extract(suite_id, shared_secret, b"secret", b"")
    key = _labeled_expand(suite_id, secret, b"key", context, aead.key_length)
    base_nonce = _labeled_expand(suite_id, secret, b"base_nonce", context, _N_NONCE)
    exporter_secret = _labeled_expand(suite_id, secret, b"exp", context, 32)
    return key, base_nonce, exporter_secret


def seal_base(
    public_key: bytes,
    info: bytes,
    aad: bytes,
    plaintext: bytes,
    *,
    aead: HpkeAead = HpkeAead.AES_256_GCM,
    ephemeral_private_key: Optional[bytes] = None,
) -> tuple[bytes, bytes]:
    """``SealBase(pkR, info, aad, pt)``: returns ``(enc, ct)``.

    ``ephemeral_private_key`` fixes the ephemeral key for test vectors only; by default a fresh
    key pair is generated ([HPKE-2]). A recipient public key that yields an all-zero shared
    secret fails with ``invalid-key-material``.
    """
    if ephemeral_private_key is None:
        sk_e = X25519PrivateKey.generate().private_bytes_raw()
    else:
        sk_e = ephemeral_private_key
    try:
        enc = x25519_public_key(sk_e)
        dh = _dh(sk_e, public_key)
    except ValueError:
        raise SealpostError(
            ErrorCategory.INVALID_KEY_MATERIAL, "unusable X25519 public or ephemeral key"
        ) from None
    shared_secret = _extract_and_expand(dh, enc + public_key)
    key, base_nonce, _ = key_schedule_base(shared_secret, info, aead)
    # Single-shot: sequence number 0, so the nonce is base_nonce itself.
    return enc, AESGCM(key).encrypt(base_nonce, plaintext, aad)


def open_base(
    enc: bytes,
    private_key: bytes,
    info: bytes,
    aad: bytes,
    ciphertext: bytes,
    *,
    aead: HpkeAead = HpkeAead.AES_256_GCM,
) -> bytes:
    """``OpenBase(enc, skR, info, aad, ct)``; any failure is ``unwrap-failed`` ([HPKE-3])."""
    try:
        if len(enc) != _N_ENC:
            raise ValueError("enc has the wrong length")
        dh = _dh(private_key, enc)
        shared_secret = _extract_and_expand(dh, enc + x25519_public_key(private_key))
        key, base_nonce, _ = key_schedule_base(shared_secret, info, aead)
        return AESGCM(key).decrypt(base_nonce, ciphertext, aad)
    except (ValueError, InvalidTag):
        raise SealpostError(ErrorCategory.UNWRAP_FAILED, "HPKE decapsulation or opening failed") from None
