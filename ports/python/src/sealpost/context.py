"""Encryption context: validation and canonical encoding (SPEC.md section 7)."""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Optional

from .errors import ErrorCategory, SealpostError

__all__ = [
    "MAX_CONTEXT_ENTRIES",
    "MAX_CONTEXT_KEY_LENGTH",
    "MAX_CONTEXT_VALUE_LENGTH",
    "ContextEntries",
    "canonical_entries",
    "encode_entries",
    "encode_context",
]

MAX_CONTEXT_ENTRIES = 32
MAX_CONTEXT_KEY_LENGTH = 255
MAX_CONTEXT_VALUE_LENGTH = 1024

#: A context as UTF-8 (key, value) pairs in canonical order.
ContextEntries = tuple[tuple[bytes, bytes], ...]


def _bytes(text: object, what: str) -> bytes:
    """UTF-8 bytes of ``text``; a lone surrogate is kept in its 3-byte form (not UTF-8) and
    reported in the order of [ENC-3]."""
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, not {type(text).__name__}")
    return text.encode("utf-8", "surrogatepass")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8", "strict")
    except UnicodeDecodeError:
        return False
    return True


def canonical_entries(context: Optional[Mapping[str, str]], kind: str = "context") -> ContextEntries:
    """Validate a caller-supplied context and return it in canonical order ([CTX-1]: by the
    UTF-8 bytes of the keys, compared as unsigned values).

    Checks in the order of [ENC-3], reporting the first fault with the category a reader would
    report ([ENC-2]): more than 32 entries (``limit-exceeded``); any key or value that is not
    well-formed Unicode (a lone surrogate, ``malformed-header``, [HDR-4]); then each entry in
    canonical order: an empty key (``malformed-header``), a key over 255 bytes or a value over
    1024 bytes (``limit-exceeded``, [LIM-4]).
    """
    if context is None:
        return ()
    if len(context) > MAX_CONTEXT_ENTRIES:
        raise SealpostError(
            ErrorCategory.LIMIT_EXCEEDED,
            f"{kind} has {len(context)} entries, at most {MAX_CONTEXT_ENTRIES} allowed",
        )
    pairs = [(_bytes(key, f"{kind} key"), _bytes(value, f"{kind} value")) for key, value in context.items()]
    for kb, vb in pairs:
        if not (_is_utf8(kb) and _is_utf8(vb)):
            raise SealpostError(ErrorCategory.MALFORMED_HEADER, f"{kind} entry is not well-formed Unicode")
    pairs.sort(key=lambda kv: kv[0])
    for kb, vb in pairs:
        if not kb:
            raise SealpostError(ErrorCategory.MALFORMED_HEADER, f"{kind} key must not be empty")
        if len(kb) > MAX_CONTEXT_KEY_LENGTH:
            raise SealpostError(
                ErrorCategory.LIMIT_EXCEEDED,
                f"{kind} key must be at most {MAX_CONTEXT_KEY_LENGTH} bytes, got {len(kb)}",
            )
        if len(vb) > MAX_CONTEXT_VALUE_LENGTH:
            raise SealpostError(
                ErrorCategory.LIMIT_EXCEEDED,
                f"{kind} value must be at most {MAX_CONTEXT_VALUE_LENGTH} bytes, got {len(vb)}",
            )
    return tuple(pairs)


def encode_entries(entries: ContextEntries) -> bytes:
    """``encode(ctx)`` of SPEC.md section 7 for entries already in canonical order."""
    out = bytearray([len(entries)])
    for key, value in entries:
        out += bytes([len(key)]) + key + struct.pack(">H", len(value)) + value
    return bytes(out)


def encode_context(context: Optional[Mapping[str, str]], kind: str = "context") -> bytes:
    """Validate and canonically encode a context; ``None`` and ``{}`` both encode as ``00``."""
    return encode_entries(canonical_entries(context, kind))
