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


def _utf8(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str, not {type(text).__name__}")
    try:
        return text.encode("utf-8", "strict")
    except UnicodeEncodeError:
        # A lone surrogate has no UTF-8 form; writing it would make a malformed header ([HDR-4]).
        raise SealpostError(ErrorCategory.MALFORMED_HEADER, f"{what} is not valid Unicode text") from None


def canonical_entries(context: Optional[Mapping[str, str]], kind: str = "context") -> ContextEntries:
    """Validate a caller-supplied context against [CTX-3] and return it in canonical order.

    Entries are sorted by the UTF-8 bytes of their keys, compared as unsigned values ([CTX-1]).
    A count or length beyond the limits of SPEC.md section 10 fails with ``limit-exceeded``
    ([LIM-4]). An empty key ([CTX-3]) or text without a UTF-8 form fails with
    ``malformed-header``, the category a reader would report for such bytes.
    """
    if context is None:
        return ()
    if len(context) > MAX_CONTEXT_ENTRIES:
        raise SealpostError(
            ErrorCategory.LIMIT_EXCEEDED,
            f"{kind} has {len(context)} entries, at most {MAX_CONTEXT_ENTRIES} allowed",
        )
    pairs: list[tuple[bytes, bytes]] = []
    for key, value in context.items():
        kb = _utf8(key, f"{kind} key")
        vb = _utf8(value, f"{kind} value")
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
        pairs.append((kb, vb))
    pairs.sort(key=lambda kv: kv[0])
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
