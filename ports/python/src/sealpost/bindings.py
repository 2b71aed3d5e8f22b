"""Pieces shared by the broker bindings (docs/bindings/kafka.md, docs/bindings/nats.md): the
inner framing, the header encoding for digests, header selection, and the typed error.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Sequence
from typing import Optional

from .errors import ErrorCategory, SealpostError

__all__ = [
    "BindingError",
    "HeaderSelector",
    "frame",
    "parse_frame",
    "encode_headers",
    "sha256_hex",
    "EMPTY_SHA256",
]

Header = tuple[str, Optional[bytes]]

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_NULL_LEN = 0xFFFFFFFF


class BindingError(SealpostError):
    """A broker binding refused a message or record.

    ``category`` is a SPEC.md section 9 category (:class:`~sealpost.ErrorCategory`), as for
    every Sealpost failure; ``reason`` names the binding rule (``secret-header-in-clear``,
    ``secret-header-without-envelope``, ``tombstone-dropped``, ``decryption-failed``,
    ``bad-inner-framing``, ``plaintext-rejected``, ``no-key-for-subject``, ``bad-kv-key``...);
    ``part`` says which part failed (``key``, ``value``, ``data``...) where that matters.
    """

    reason: str
    part: Optional[str]

    def __init__(self, category: ErrorCategory, reason: str, message: str, part: Optional[str] = None) -> None:
        super().__init__(category, f"{reason}: {message}")
        self.reason = reason
        self.part = part

    def __repr__(self) -> str:
        return f"BindingError({self.category.value!r}, {self.reason!r}, part={self.part!r})"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class HeaderSelector:
    """Secret and authenticated header patterns: regular expressions matched against the whole
    name, case-insensitively, ``.`` matching line ends too (the Java adapter's flags). A name
    matching both patterns is secret only."""

    def __init__(self, secret: Optional[str], authenticated: Optional[str]) -> None:
        flags = re.IGNORECASE | re.DOTALL
        self._secret = re.compile(secret, flags) if secret else None
        self._auth = re.compile(authenticated, flags) if authenticated else None

    def is_secret(self, name: str) -> bool:
        return self._secret is not None and self._secret.fullmatch(name) is not None

    def is_authenticated(self, name: str) -> bool:
        return not self.is_secret(name) and self._auth is not None and self._auth.fullmatch(name) is not None


def same_name(a: str, b: str) -> bool:
    """Case-insensitive name equality (as Java's ``equalsIgnoreCase``)."""
    return a.lower() == b.lower() or a.upper() == b.upper()


def frame(headers: Sequence[Header], payload: bytes) -> bytes:
    """``framed-value`` / ``framed-data``: version 1, u16 count, entries, payload."""
    if len(headers) > 0xFFFF:
        raise ValueError("too many secret headers for the frame")
    out = [b"\x01", struct.pack(">H", len(headers))]
    for name, value in headers:
        n = name.encode("utf-8")
        if len(n) > 0xFFFF:
            raise ValueError("header name too long for the frame")
        out.append(struct.pack(">H", len(n)) + n)
        if value is None:
            out.append(struct.pack(">I", _NULL_LEN))
        else:
            out.append(struct.pack(">I", len(value)) + bytes(value))
    out.append(bytes(payload))
    return b"".join(out)


def _bad_frame(why: str) -> BindingError:
    return BindingError(ErrorCategory.MALFORMED_HEADER, "bad-inner-framing", why)


def parse_frame(data: bytes, *, allow_null: bool = True) -> tuple[list[Header], bytes]:
    """Parse a frame of version 1; any defect raises ``malformed-header`` (bad inner framing)."""
    if len(data) < 3:
        raise _bad_frame("frame shorter than 3 bytes")
    if data[0] != 1:
        raise _bad_frame(f"frame version {data[0]}, expected 1")
    count = struct.unpack_from(">H", data, 1)[0]
    pos = 3
    headers: list[Header] = []
    for _ in range(count):
        if pos + 2 > len(data):
            raise _bad_frame("header runs past the end")
        nlen = struct.unpack_from(">H", data, pos)[0]
        pos += 2
        if pos + nlen + 4 > len(data):
            raise _bad_frame("header runs past the end")
        try:
            name = data[pos : pos + nlen].decode("utf-8", "strict")
        except UnicodeDecodeError:
            raise _bad_frame("header name is not UTF-8") from None
        pos += nlen
        vlen = struct.unpack_from(">I", data, pos)[0]
        pos += 4
        if vlen == _NULL_LEN:
            if not allow_null:
                raise _bad_frame("null header value")
            headers.append((name, None))
            continue
        if pos + vlen > len(data):
            raise _bad_frame("header value runs past the end")
        headers.append((name, bytes(data[pos : pos + vlen])))
        pos += vlen
    return headers, bytes(data[pos:])


def encode_headers(headers: Sequence[Header]) -> bytes:
    """The concatenated ``encode-header`` of each header (kafka.md [KB-6], nats.md [NB-6])."""
    out = []
    for name, value in headers:
        n = name.encode("utf-8")
        out.append(struct.pack(">H", len(n)) + n)
        if value is None:
            out.append(b"\x00")
        else:
            out.append(b"\x01" + struct.pack(">I", len(value)) + bytes(value))
    return b"".join(out)
