"""Algorithm suites and the payload AEAD (SPEC.md sections 4 and 8)."""

from __future__ import annotations

import hmac
from enum import IntEnum

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV, ChaCha20Poly1305
from cryptography.hazmat.primitives.cmac import CMAC

from .errors import ErrorCategory, SealpostError

__all__ = ["Suite", "TAG_LENGTH", "seal", "open_body"]

#: Tag length of every v1 suite (the synthetic IV for AES-SIV) ([AUTH-4]).
TAG_LENGTH = 16


class Suite(IntEnum):
    """The v1 algorithm suites; the integer value is the u16 suite id of the header."""

    AES_256_GCM = 0x0001
    CHACHA20_POLY1305 = 0x0002
    AES_256_SIV = 0x0003

    @property
    def key_length(self) -> int:
        """Length ``L`` of ``K_msg`` in bytes (5.2)."""
        return 64 if self is Suite.AES_256_SIV else 32

    @property
    def nonce_length(self) -> int:
        """Length of the header's nonce field in bytes."""
        return 0 if self is Suite.AES_256_SIV else 12

    @property
    def deterministic(self) -> bool:
        """True for the deterministic suite ``0003`` (4.1)."""
        return self is Suite.AES_256_SIV

    @classmethod
    def from_id(cls, suite_id: int) -> "Suite":
        """The suite with this id, or ``unsupported-suite`` ([SUITE-2])."""
        try:
            return cls(suite_id)
        except ValueError:
            raise SealpostError(
                ErrorCategory.UNSUPPORTED_SUITE, f"suite id {suite_id:#06x} is not supported"
            ) from None

    @classmethod
    def from_name(cls, name: str) -> "Suite":
        """The suite with this SPEC.md name, e.g. ``"AES_256_GCM"``."""
        try:
            return cls[name]
        except KeyError:
            raise SealpostError(
                ErrorCategory.UNSUPPORTED_SUITE, f"suite {name!r} is not supported"
            ) from None


def seal(suite: Suite, key: bytes, nonce: bytes, aad: bytes, plaintext: bytes) -> bytes:
    """Encrypt ``plaintext`` into the envelope body (section 8)."""
    if suite is Suite.AES_256_GCM:
        return AESGCM(key).encrypt(nonce, plaintext, aad)
    if suite is Suite.CHACHA20_POLY1305:
        return ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad)
    # [SIV-2]: V || C, with exactly one associated-data component, the AAD.
    if not plaintext:
        return _siv_s2v_empty(key[:32], aad)
    return AESSIV(key).encrypt(plaintext, [aad])


def open_body(suite: Suite, key: bytes, nonce: bytes, aad: bytes, body: bytes) -> bytes:
    """Authenticate and decrypt a body; ``authentication-failed`` if the AEAD rejects it ([AUTH-2])."""
    if len(body) < TAG_LENGTH:
        raise SealpostError(ErrorCategory.AUTHENTICATION_FAILED, "body shorter than the tag")
    try:
        if suite is Suite.AES_256_GCM:
            return AESGCM(key).decrypt(nonce, body, aad)
        if suite is Suite.CHACHA20_POLY1305:
            return ChaCha20Poly1305(key).decrypt(nonce, body, aad)
        if len(body) == TAG_LENGTH:
            if hmac.compare_digest(_siv_s2v_empty(key[:32], aad), body):
                return b""
            raise InvalidTag()
        return AESSIV(key).decrypt(body, [aad])
    except (InvalidTag, ValueError, OverflowError):
        raise SealpostError(ErrorCategory.AUTHENTICATION_FAILED, "the body failed authentication") from None


# --- AES-SIV with an empty plaintext -----------------------------------------------------------
# Some supported versions of the cryptography package refuse an empty plaintext in AESSIV, while
# RFC 5297 defines it: C is empty and V = S2V(K1, AD, "").  S2V is computed here directly.


def _cmac(key: bytes, data: bytes) -> bytes:
    mac = CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()


def _dbl(block: bytes) -> bytes:
    n = int.from_bytes(block, "big")
    shifted = (n << 1) & ((1 << 128) - 1)
    if n >> 127:
        shifted ^= 0x87
    return shifted.to_bytes(16, "big")


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b))


def _siv_s2v_empty(k1: bytes, aad: bytes) -> bytes:
    """RFC 5297 S2V(K1, aad, "") : the whole AES-SIV output for an empty plaintext."""
    d = _cmac(k1, bytes(16))
    d = _xor(_dbl(d), _cmac(k1, aad))
    t = _xor(_dbl(d), b"\x80" + bytes(15))
    return _cmac(k1, t)
