"""Key derivation: HKDF-SHA256 (RFC 5869) and the derivations of SPEC.md 4.1 and 5.2."""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Sequence

__all__ = [
    "hkdf_extract",
    "hkdf_expand",
    "DerivedKeys",
    "derive_message_keys",
    "derive_segment_key",
    "derive_deterministic_dek",
    "derive_deterministic_dek_from_info",
    "deterministic_info",
]

_HASH_LEN = 32
_SALT_MAIN = b"sealpost/v1"
_INFO_KEY = b"sealpost/v1 key"
_INFO_COMMIT = b"sealpost/v1 commit"
_SALT_SIV_DEK = b"sealpost/v1 deterministic-dek"
_INFO_SEGMENT = b"sealpost/v1 segment key"


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    """``HKDF-Extract(salt, ikm)`` with SHA-256 (RFC 5869, 2.2)."""
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    """``HKDF-Expand(prk, info, length)`` with SHA-256 (RFC 5869, 2.3)."""
    if not 0 <= length <= 255 * _HASH_LEN:
        raise ValueError("HKDF-Expand length out of range")
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


class DerivedKeys:
    """What SPEC.md 5.2 derives from one DEK for one suite ([KDF-1]): the ``commitment`` for
    every suite; ``K_msg`` (``message_key``) for a suite that is not segmented, else ``None``;
    for a segmented suite ``PRK``, from which each envelope's ``K_env`` is derived (section 17),
    else ``None``."""

    __slots__ = ("message_key", "commitment", "prk")

    def __init__(self, message_key: bytes | None, commitment: bytes, prk: bytes | None = None) -> None:
        self.message_key = message_key
        self.commitment = commitment
        self.prk = prk


def derive_message_keys(dek: bytes, suite_id: int, key_length: int, segmented: bool = False) -> DerivedKeys:
    """Derive the 32-byte commitment from a DEK (5.2), and ``K_msg`` (``key_length`` bytes) for a
    suite that is not segmented. A segmented suite derives no ``K_msg`` ([KDF-1]): it keeps
    ``PRK`` for the per-envelope ``K_env`` of section 17."""
    prk = hkdf_extract(_SALT_MAIN, dek)
    suffix = struct.pack(">H", suite_id)
    return DerivedKeys(
        message_key=None if segmented else hkdf_expand(prk, _INFO_KEY + suffix, key_length),
        commitment=hkdf_expand(prk, _INFO_COMMIT + suffix, 32),
        prk=prk if segmented else None,
    )


def derive_segment_key(prk: bytes, suite_id: int, nonce: bytes) -> bytes:
    """``K_env = HKDF-Expand(PRK, ascii("sealpost/v1 segment key") || u16(suite-id) || nonce, 32)``
    of section 17 ([SEG-1]): one per envelope."""
    return hkdf_expand(prk, _INFO_SEGMENT + struct.pack(">H", suite_id) + nonce, 32)


def deterministic_info(
    suite_id: int,
    refs: Sequence[tuple[int, bytes, int]],
    stored_context: bytes,
    external_context: bytes,
) -> bytes:
    """The HKDF info of [SIV-1]: ``u16(suite) || u8(n) || ref_1 || ... || ref_n ||
    encode(stored) || encode(external)`` with ``ref_i = u8(type) || u8(len(key-id)) || key-id ||
    u32(version)``, refs in header order, both contexts already encoded (section 7)."""
    info = bytearray(struct.pack(">HB", suite_id, len(refs)))
    for rtype, key_id, version in refs:
        info += struct.pack(">BB", rtype, len(key_id)) + key_id + struct.pack(">I", version)
    info += stored_context
    info += external_context
    return bytes(info)


def derive_deterministic_dek(
    kek: bytes,
    suite_id: int,
    refs: Sequence[tuple[int, bytes, int]],
    stored_context: bytes,
    external_context: bytes,
) -> bytes:
    """The DEK of the deterministic suite ([SIV-1]):
    ``HKDF-Expand(HKDF-Extract(ascii("sealpost/v1 deterministic-dek"), KEK_1), info, 32)``, bound
    to every recipient reference in header order and to both contexts."""
    info = deterministic_info(suite_id, refs, stored_context, external_context)
    return derive_deterministic_dek_from_info(kek, info)


def derive_deterministic_dek_from_info(kek: bytes, info: bytes) -> bytes:
    """[SIV-1] with the ``info`` of :func:`deterministic_info` already built."""
    return hkdf_expand(hkdf_extract(_SALT_SIV_DEK, kek), info, 32)
