"""Encryption context: validation and canonical encoding (SPEC.md section 7)."""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from typing import Any, Optional

from .errors import ErrorCategory, SealpostError

__all__ = [
    "MAX_CONTEXT_ENTRIES",
    "MAX_CONTEXT_KEY_LENGTH",
    "MAX_CONTEXT_VALUE_LENGTH",
    "ContextEntries",
    "EncryptionContext",
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
    if type(context) is EncryptionContext:
        return context.entries  # validated when it was made
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
    if type(context) is EncryptionContext:
        return context.encoded
    return encode_entries(canonical_entries(context, kind))


class EncryptionContext(Mapping[str, str]):
    """An immutable context, validated and encoded once (SPEC.md section 7).

    Accepted wherever a ``dict`` context is: a producer or consumer that passes the same context
    with every message (its topic, say) builds one and spares each call the validation and the
    encoding. Construction raises :class:`SealpostError` with the category a ``dict`` context
    would give ([ENC-2], [ENC-3], [LIM-4]). Two contexts are equal when their encodings are;
    a context is never equal to a ``dict``.

        >>> ctx = EncryptionContext({"topic": "payments"})
        >>> ctx["topic"], len(ctx), ctx.encoded.hex()
        ('payments', 1, '0105746f70696300087061796d656e7473')
    """

    __slots__ = ("_items", "_encoded", "_hash")

    _items: dict[str, str]
    _encoded: bytes
    _hash: int

    def __init__(self, context: Optional[Mapping[str, str]] = None) -> None:
        if type(context) is EncryptionContext:
            entries: ContextEntries = context.entries
        else:
            entries = canonical_entries(context, "context")
        # The entries back as exact str, in canonical order: nothing of the caller's (a str
        # subclass, a mutable mapping) is kept.
        items = {k.decode("utf-8"): v.decode("utf-8") for k, v in entries}
        encoded = encode_entries(entries)
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_encoded", encoded)
        object.__setattr__(self, "_hash", hash(encoded))

    @property
    def encoded(self) -> bytes:
        """``encode(ctx)`` of SPEC.md section 7."""
        return self._encoded

    @property
    def entries(self) -> ContextEntries:
        """The UTF-8 (key, value) pairs in canonical order ([CTX-1])."""
        return tuple((k.encode("utf-8"), v.encode("utf-8")) for k, v in self._items.items())

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __eq__(self, other: object) -> bool:
        if type(other) is EncryptionContext:
            return self._encoded == other._encoded
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if type(other) is EncryptionContext:
            return self._encoded != other._encoded
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("EncryptionContext is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("EncryptionContext is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (EncryptionContext, (dict(self._items),))

    def __repr__(self) -> str:
        # Context values are not secret, but they can be long: keys only.
        return f"EncryptionContext(keys={list(self._items)!r})"
