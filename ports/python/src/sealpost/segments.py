"""Segmented bodies (SPEC.md section 17): 64 KiB segments, each its own AEAD under ``K_env``
with the segment index and a last-segment flag in its nonce (the STREAM construction)."""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

from .errors import ErrorCategory, SealpostError
from .header import SEGMENT_PLAINTEXT_LENGTH
from .suites import TAG_LENGTH, Suite

__all__ = [
    "SEGMENT_PLAINTEXT_LENGTH",
    "SEGMENT_LENGTH",
    "MAX_SEGMENTS",
    "segment_nonce",
    "SegmentCipher",
]

#: Bytes of every segment but the last: 65536 of ciphertext and a 16-byte tag ([SEG-2]).
SEGMENT_LENGTH = SEGMENT_PLAINTEXT_LENGTH + TAG_LENGTH
#: Segment indexes run from 0 to 2^32 - 1 ([SEG-5], [SEG-7]).
MAX_SEGMENTS = 1 << 32


def segment_nonce(index: int, last: bool) -> bytes:
    """``nonce_i = u88(i) || u8(f)``, ``f`` = ``01`` for the last segment, else ``00``."""
    return ((index << 8) | (1 if last else 0)).to_bytes(12, "big")


def _fail_auth() -> SealpostError:
    return SealpostError(ErrorCategory.AUTHENTICATION_FAILED, "a segment failed authentication")


def limit_segment_index(index: int) -> None:
    """[SEG-5], [SEG-7]: segment index 2^32 is never written nor read."""
    if index >= MAX_SEGMENTS:
        raise SealpostError(ErrorCategory.LIMIT_EXCEEDED, "segment index 2^32 reached: 2^48 bytes at most")


class SegmentCipher:
    """The AEAD of one envelope's segments, keyed by its ``K_env`` ([SEG-1])."""

    __slots__ = ("_aead", "_into")

    def __init__(self, suite: Suite, k_env: bytes) -> None:
        base = suite.base
        if base is Suite.AES_256_GCM:
            self._aead: AESGCM | ChaCha20Poly1305 = AESGCM(k_env)
        elif base is Suite.CHACHA20_POLY1305:
            self._aead = ChaCha20Poly1305(k_env)
        else:
            raise ValueError(f"{suite.name} has no segmented form")
        # encrypt_into / decrypt_into (cryptography 44+) write into a caller's buffer.
        self._into = hasattr(self._aead, "decrypt_into")

    def seal(self, index: int, last: bool, aad: bytes | None, plaintext: bytes | memoryview) -> bytes:
        """Segment ``index`` (``aad`` is the header and external context for segment 0)."""
        limit_segment_index(index)
        return self._aead.encrypt(segment_nonce(index, last), plaintext, aad)

    def seal_into(
        self, index: int, last: bool, aad: bytes | None, plaintext: bytes | memoryview, out: memoryview
    ) -> None:
        """:meth:`seal` into ``out``, exactly ``len(plaintext) + 16`` bytes."""
        limit_segment_index(index)
        if self._into:
            self._aead.encrypt_into(segment_nonce(index, last), plaintext, aad, out)  # type: ignore[union-attr]
        else:
            out[:] = self._aead.encrypt(segment_nonce(index, last), bytes(plaintext), aad)

    def open_into(
        self, index: int, last: bool, aad: bytes | None, segment: bytes | memoryview, out: memoryview
    ) -> None:
        """Authenticate and decrypt segment ``index`` into ``out`` (``len(segment) - 16`` bytes),
        or ``authentication-failed`` ([SEG-2]). ``out`` is scratch space: on failure it may hold
        unauthenticated bytes, so it must never be the caller's buffer ([SEG-3])."""
        limit_segment_index(index)
        try:
            if self._into:
                self._aead.decrypt_into(segment_nonce(index, last), segment, aad, out)  # type: ignore[union-attr]
            else:
                out[:] = self._aead.decrypt(segment_nonce(index, last), bytes(segment), aad)
        except (InvalidTag, ValueError):
            raise _fail_auth() from None


def seal_segments(cipher: SegmentCipher, aad: bytes, plaintext: bytes, out: memoryview) -> None:
    """Write the whole segmented body of ``plaintext`` into ``out`` ([SEG-1])."""
    n = max(1, -(-len(plaintext) // SEGMENT_PLAINTEXT_LENGTH))
    src = memoryview(plaintext)
    for i in range(n):
        chunk = src[i * SEGMENT_PLAINTEXT_LENGTH : (i + 1) * SEGMENT_PLAINTEXT_LENGTH]
        start = i * SEGMENT_LENGTH
        cipher.seal_into(i, i == n - 1, aad if i == 0 else None, chunk, out[start : start + len(chunk) + TAG_LENGTH])


def open_segments(cipher: SegmentCipher, aad: bytes, body: bytes) -> bytes:
    """Authenticate and decrypt a whole segmented body ([SEG-2], [SEG-6]); the plaintext is
    returned only when every segment authenticated ([AUTH-3])."""
    n = max(1, -(-len(body) // SEGMENT_LENGTH))
    last_length = len(body) - (n - 1) * SEGMENT_LENGTH
    if last_length < TAG_LENGTH or (n > 1 and last_length == TAG_LENGTH):
        # [SEG-2]: an empty body, a last segment shorter than its tag, or an empty last
        # segment after others.
        raise SealpostError(
            ErrorCategory.AUTHENTICATION_FAILED,
            "the body is empty, or its last segment is shorter than its tag or empty after other segments",
        )
    out = bytearray(len(body) - n * TAG_LENGTH)
    view = memoryview(out)
    src = memoryview(body)
    for i in range(n):
        start = i * SEGMENT_LENGTH
        segment = src[start : start + SEGMENT_LENGTH]
        p = i * SEGMENT_PLAINTEXT_LENGTH
        cipher.open_into(i, i == n - 1, aad if i == 0 else None, segment, view[p : p + len(segment) - TAG_LENGTH])
    return bytes(out)
