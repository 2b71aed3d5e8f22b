"""Algorithm suites and the payload AEAD (SPEC.md sections 4 and 8)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from enum import IntEnum

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV, ChaCha20Poly1305
from cryptography.hazmat.primitives.cmac import CMAC

from . import compression
from .errors import ErrorCategory, SealpostError

__all__ = ["Suite", "TAG_LENGTH", "PayloadCipher", "seal", "open_body"]

#: Tag length of every v1 suite (the synthetic IV for AES-SIV) ([AUTH-4]).
TAG_LENGTH = 16


class Suite(IntEnum):
    """The v1 algorithm suites; the integer value is the u16 suite id of the header.

    The low byte of every registered id names the AEAD, the high byte whether the header has a
    signer field (section 16), whether the body is segmented (section 17) and whether the
    payload is packed (section 18); the properties below come from this table, never from the
    structure of an unknown id ([SUITE-2])::

        >>> Suite.AES_256_GCM_SIGNED_SEGMENTED.base, Suite.AES_256_GCM_SIGNED_SEGMENTED.signed
        (<Suite.AES_256_GCM: 1>, True)
        >>> Suite.of(Suite.CHACHA20_POLY1305, segmented=True)
        <Suite.CHACHA20_POLY1305_SEGMENTED: 514>
    """

    AES_256_GCM = 0x0001
    CHACHA20_POLY1305 = 0x0002
    AES_256_SIV = 0x0003
    AES_256_GCM_SIGNED = 0x0101
    CHACHA20_POLY1305_SIGNED = 0x0102
    AES_256_SIV_SIGNED = 0x0103
    AES_256_GCM_SEGMENTED = 0x0201
    CHACHA20_POLY1305_SEGMENTED = 0x0202
    AES_256_GCM_SIGNED_SEGMENTED = 0x0301
    CHACHA20_POLY1305_SIGNED_SEGMENTED = 0x0302
    AES_256_GCM_COMPRESSED = 0x0401
    CHACHA20_POLY1305_COMPRESSED = 0x0402
    AES_256_GCM_SIGNED_COMPRESSED = 0x0501
    CHACHA20_POLY1305_SIGNED_COMPRESSED = 0x0502

    @property
    def base(self) -> "Suite":
        """The plain suite (``0001``, ``0002`` or ``0003``) whose AEAD this suite uses."""
        return _BASE[self]

    @property
    def signed(self) -> bool:
        """True when the header has a signer field (section 16)."""
        return self in _SIGNED

    @property
    def segmented(self) -> bool:
        """True when the body is cut into 64 KiB segments (section 17)."""
        return self in _SEGMENTED

    @property
    def compressed(self) -> bool:
        """True when the AEAD's plaintext is a packed payload (section 18)."""
        return self in _COMPRESSED

    @property
    def key_length(self) -> int:
        """Length ``L`` of ``K_msg`` in bytes (5.2)."""
        return 64 if self.deterministic else 32

    @property
    def nonce_length(self) -> int:
        """Length of the header's nonce field in bytes."""
        return 0 if self.deterministic else 12

    @property
    def deterministic(self) -> bool:
        """True for the deterministic suites ``0003`` and ``0103`` (4.1)."""
        return self in _DETERMINISTIC

    @classmethod
    def of(
        cls, base: "Suite", signed: bool = False, segmented: bool = False, compressed: bool = False
    ) -> "Suite":
        """The registered suite with ``base``'s AEAD, signed, segmented and/or compressed as
        asked; a ``ValueError`` for a combination SPEC.md section 4 does not register (AES-SIV
        is never segmented or compressed, no suite is both segmented and compressed)."""
        suite_id = int(Suite(base).base) | (0x0100 if signed else 0) | (0x0200 if segmented else 0)
        if compressed:
            suite_id = -1 if segmented else suite_id | 0x0400
        try:
            return cls(suite_id)
        except ValueError:
            raise ValueError(f"no registered suite is {Suite(base).base.name} with signed={signed}, "
                             f"segmented={segmented}, compressed={compressed}") from None

    @classmethod
    def from_id(cls, suite_id: int) -> "Suite":
        """The suite with this id, or ``unsupported-suite`` ([SUITE-2]); a compressed suite
        is not implemented without both decompressors installed ([CMP-5])."""
        try:
            suite = cls(suite_id)
        except ValueError:
            raise SealpostError(
                ErrorCategory.UNSUPPORTED_SUITE, f"suite id {suite_id:#06x} is not supported"
            ) from None
        if suite in _COMPRESSED and not compression.available():
            raise SealpostError(
                ErrorCategory.UNSUPPORTED_SUITE,
                f"suite {suite.name} needs the packages 'zstandard' and 'lz4' "
                "(the extra sealpost-envelope[compression])",
            )
        return suite

    @classmethod
    def from_name(cls, name: str) -> "Suite":
        """The suite with this SPEC.md name, e.g. ``"AES_256_GCM"``."""
        try:
            return cls[name]
        except KeyError:
            raise SealpostError(
                ErrorCategory.UNSUPPORTED_SUITE, f"suite {name!r} is not supported"
            ) from None


_BASE = {s: Suite(int(s) & 0x00FF) for s in Suite}
_SIGNED = frozenset(s for s in Suite if int(s) >> 8 in (0x01, 0x03, 0x05))
_SEGMENTED = frozenset(s for s in Suite if int(s) >> 8 in (0x02, 0x03))
_COMPRESSED = frozenset(s for s in Suite if int(s) >> 8 in (0x04, 0x05))
_DETERMINISTIC = frozenset({Suite.AES_256_SIV, Suite.AES_256_SIV_SIGNED})


class PayloadCipher:
    """The payload AEAD of a suite that is not segmented, keyed once by ``K_msg`` (section 8);
    a writer keeps one per DEK, so no message pays for a key schedule."""

    __slots__ = ("_base", "_key", "_aead")

    def __init__(self, suite: Suite, key: bytes) -> None:
        self._base = suite.base
        self._key = key
        if self._base is Suite.AES_256_GCM:
            self._aead: AESGCM | ChaCha20Poly1305 | AESSIV = AESGCM(key)
        elif self._base is Suite.CHACHA20_POLY1305:
            self._aead = ChaCha20Poly1305(key)
        else:
            self._aead = AESSIV(key)

    def seal(self, nonce: bytes, aad: bytes, plaintext: bytes) -> bytes:
        """The body: ``ciphertext || tag``, or for AES-SIV ``V || C`` ([SIV-2])."""
        if self._base is Suite.AES_256_SIV:
            # [SIV-2]: V || C, with exactly one associated-data component, the AAD.
            if not plaintext:
                return _siv_s2v_empty(self._key[:32], aad)
            return self._aead.encrypt(plaintext, [aad])  # type: ignore[call-arg,arg-type]
        return self._aead.encrypt(nonce, plaintext, aad)  # type: ignore[call-arg,arg-type]

    @property
    def can_seal_into(self) -> bool:
        """True when :meth:`seal_into` works: AES-GCM and ChaCha20-Poly1305 with a
        ``cryptography`` release that has ``encrypt_into``."""
        return self._base is not Suite.AES_256_SIV and hasattr(self._aead, "encrypt_into")

    def seal_into(self, nonce: bytes, aad: bytes, plaintext: bytes, out: memoryview) -> None:
        """:meth:`seal` into ``out``, exactly ``len(plaintext) + 16`` bytes: a writer puts the
        body after the header in one buffer, never copying a large body again."""
        self._aead.encrypt_into(nonce, plaintext, aad, out)  # type: ignore[union-attr]

    def decrypt_function(self) -> "Callable[[bytes, bytes, bytes], bytes]":
        """The AEAD's own ``decrypt(nonce, body, aad)`` (AES-GCM, ChaCha20-Poly1305), raising
        ``InvalidTag``: a reader's hot path calls it with no layer between."""
        if self._base is Suite.AES_256_SIV:
            raise ValueError("AES-SIV has no nonce: use open()")
        return self._aead.decrypt  # type: ignore[return-value]

    def open(self, nonce: bytes, aad: bytes, body: bytes) -> bytes:
        """Authenticate and decrypt a body; ``authentication-failed`` if the AEAD rejects it
        ([AUTH-2], [AUTH-4])."""
        if len(body) < TAG_LENGTH:
            raise SealpostError(ErrorCategory.AUTHENTICATION_FAILED, "body shorter than the tag")
        try:
            if self._base is Suite.AES_256_SIV:
                if len(body) == TAG_LENGTH:
                    if hmac.compare_digest(_siv_s2v_empty(self._key[:32], aad), body):
                        return b""
                    raise InvalidTag()
                return self._aead.decrypt(body, [aad])  # type: ignore[call-arg,arg-type]
            return self._aead.decrypt(nonce, body, aad)  # type: ignore[call-arg,arg-type]
        except (InvalidTag, ValueError, OverflowError):
            raise SealpostError(ErrorCategory.AUTHENTICATION_FAILED, "the body failed authentication") from None


def seal(suite: Suite, key: bytes, nonce: bytes, aad: bytes, plaintext: bytes) -> bytes:
    """Encrypt ``plaintext`` into the body of a suite that is not segmented (section 8)."""
    return PayloadCipher(suite, key).seal(nonce, aad, plaintext)


def open_body(suite: Suite, key: bytes, nonce: bytes, aad: bytes, body: bytes) -> bytes:
    """Authenticate and decrypt a body; ``authentication-failed`` if the AEAD rejects it ([AUTH-2])."""
    return PayloadCipher(suite, key).open(nonce, aad, body)


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
