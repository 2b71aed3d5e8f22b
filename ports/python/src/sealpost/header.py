"""Envelope header: layout (SPEC.md section 3), limits (section 10) and the parsing order of
section 11, steps 1 to 9."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from .context import (
    MAX_CONTEXT_ENTRIES,
    MAX_CONTEXT_VALUE_LENGTH,
    ContextEntries,
    encode_entries,
)
from .errors import ErrorCategory, SealpostError, describe_key_id
from .suites import TAG_LENGTH, Suite

__all__ = [
    "MAGIC",
    "VERSION",
    "MAX_HEADER_SIZE",
    "MAX_RECIPIENTS",
    "MAX_KEY_ID_LENGTH",
    "MAX_WRAPPED_LENGTH",
    "MAX_PLAINTEXT_LENGTH",
    "RecipientType",
    "RecipientEntry",
    "Header",
    "parse_envelope",
    "write_header",
    "is_utf8",
    "key_reference",
]

MAGIC = b"\xf7\x53\x50"
VERSION = 0x01
MAX_HEADER_SIZE = 16384
MAX_RECIPIENTS = 32
MAX_KEY_ID_LENGTH = 255
MAX_WRAPPED_LENGTH = 4096
MAX_PLAINTEXT_LENGTH = 1 << 30
COMMITMENT_LENGTH = 32


class RecipientType(IntEnum):
    """Recipient types of SPEC.md section 6 that v1 defines."""

    SYMMETRIC = 0x01
    X25519 = 0x02
    KMS = 0x03


#: Types whose wrapped DEK has a fixed length ([RCP-3]).
_FIXED_WRAPPED_LENGTH: dict[int, int] = {int(RecipientType.SYMMETRIC): 40, int(RecipientType.X25519): 80}


@dataclass(frozen=True)
class RecipientEntry:
    """One recipient entry as it appears in the header. ``type`` may be a type this
    implementation does not know ([RCP-4]); such entries are kept, authenticated and skipped."""

    type: int
    key_id: bytes
    key_version: int
    wrapped_dek: bytes

    @property
    def key_id_text(self) -> str:
        """The key id as text (it is well-formed UTF-8 in every parsed header, [HDR-4])."""
        return self.key_id.decode("utf-8")


@dataclass(frozen=True)
class Header:
    """A parsed (or written) header. ``raw`` is every byte from the magic through the nonce."""

    suite: Suite
    recipients: tuple[RecipientEntry, ...]
    commitment: bytes
    stored_context_entries: ContextEntries
    nonce: bytes
    raw: bytes

    @property
    def version(self) -> int:
        return VERSION

    @property
    def stored_context(self) -> dict[str, str]:
        """The stored context as a dict (insertion order is the canonical order)."""
        return {k.decode("utf-8"): v.decode("utf-8") for k, v in self.stored_context_entries}


def _fail(category: ErrorCategory, message: str) -> SealpostError:
    return SealpostError(category, message)


class _Cursor:
    """Reads header fields, applying [LIM-2] before every read."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos

    def take(self, n: int, field: str) -> bytes:
        end = self.pos + n
        if end > MAX_HEADER_SIZE:
            raise _fail(
                ErrorCategory.LIMIT_EXCEEDED,
                f"{field} at offset {self.pos} would end the header beyond {MAX_HEADER_SIZE} bytes",
            )
        if end > len(self.data):
            raise _fail(ErrorCategory.MALFORMED_HEADER, f"input ends inside the {field}")
        out = self.data[self.pos : end]
        self.pos = end
        return out

    def u8(self, field: str) -> int:
        return self.take(1, field)[0]

    def u16(self, field: str) -> int:
        value: int = struct.unpack(">H", self.take(2, field))[0]
        return value

    def u32(self, field: str) -> int:
        value: int = struct.unpack(">I", self.take(4, field))[0]
        return value


def is_utf8(raw: bytes) -> bool:
    """True when ``raw`` is well-formed UTF-8 ([HDR-4])."""
    try:
        raw.decode("utf-8", "strict")
    except UnicodeDecodeError:
        return False
    return True


def key_reference(rtype: int, key_id: bytes, key_version: int) -> tuple[int, bytes, int]:
    """What makes two recipient entries duplicates ([RCP-7]): for type ``03`` the key id (the
    KMS key URI) whatever the version; for every other type, known or not, (type, key id,
    version)."""
    if rtype == _KMS:
        return (rtype, key_id, 0)
    return (rtype, key_id, key_version)


_KMS = int(RecipientType.KMS)
#: Types that suite 0003 must not carry ([SUITE-4]).
_NOT_DETERMINISTIC = frozenset({int(RecipientType.X25519), int(RecipientType.KMS)})


def _check_utf8(raw: bytes, field: str) -> None:
    try:
        raw.decode("utf-8", "strict")
    except UnicodeDecodeError:
        raise _fail(ErrorCategory.MALFORMED_HEADER, f"{field} is not well-formed UTF-8") from None


def parse_envelope(
    envelope: bytes, max_plaintext_length: int = MAX_PLAINTEXT_LENGTH
) -> tuple[Header, bytes]:
    """Parse an envelope into its header and body, following SPEC.md section 11 steps 1 to 9.

    Stops at the first fault with its category ([ERR-2]). Does no cryptography.
    """
    data = bytes(envelope)

    # 1. Magic ([DET-2]).
    if len(data) < 3 or data[:3] != MAGIC:
        raise _fail(ErrorCategory.NOT_AN_ENVELOPE, "the input does not start with the Sealpost magic")
    # 2. Version ([DET-3], [DET-4]).
    if len(data) == 3:
        raise _fail(ErrorCategory.MALFORMED_HEADER, "the version byte is missing")
    if data[3] != VERSION:
        raise _fail(ErrorCategory.UNSUPPORTED_VERSION, f"version {data[3]:#04x} is not supported")

    cur = _Cursor(data, 4)
    # 3. Suite id ([SUITE-2]).
    suite = Suite.from_id(cur.u16("suite id"))

    # 4. Recipient count ([HDR-3], [LIM-1]).
    count = cur.u8("recipient count")
    if count == 0:
        raise _fail(ErrorCategory.MALFORMED_HEADER, "recipient count is 0")
    if count > MAX_RECIPIENTS:
        raise _fail(ErrorCategory.LIMIT_EXCEEDED, f"recipient count {count} exceeds {MAX_RECIPIENTS}")

    # 5. Recipient entries. At the end of each: UTF-8 ([HDR-4]), wrapped length ([RCP-3]),
    # suite 0003 types ([SUITE-4]), duplicates ([RCP-7]), in this order.
    recipients: list[RecipientEntry] = []
    seen: set[tuple[int, bytes, int]] | None = set() if count > 1 else None  # one entry: no repeat
    deterministic = suite.deterministic
    for i in range(count):
        rtype = cur.u8("recipient type")
        key_id_len = cur.u8("key id length")
        if key_id_len == 0:
            raise _fail(ErrorCategory.MALFORMED_HEADER, f"recipient {i}: key id length is 0")
        key_id = cur.take(key_id_len, "key id")
        key_version = cur.u32("key version")
        wrapped_len = cur.u16("wrapped length")
        if wrapped_len == 0:
            raise _fail(ErrorCategory.MALFORMED_HEADER, f"recipient {i}: wrapped length is 0")
        if wrapped_len > MAX_WRAPPED_LENGTH:
            raise _fail(
                ErrorCategory.LIMIT_EXCEEDED,
                f"recipient {i}: wrapped length {wrapped_len} exceeds {MAX_WRAPPED_LENGTH}",
            )
        wrapped = cur.take(wrapped_len, "wrapped DEK")
        _check_utf8(key_id, f"recipient {i} key id")
        expected = _FIXED_WRAPPED_LENGTH.get(rtype)
        if expected is not None and wrapped_len != expected:
            raise _fail(
                ErrorCategory.MALFORMED_HEADER,
                f"recipient {i}: type {rtype:#04x} needs a {expected}-byte wrapped DEK, got {wrapped_len}",
            )
        if deterministic and rtype in _NOT_DETERMINISTIC:
            raise _fail(  # [SUITE-4]
                ErrorCategory.MALFORMED_HEADER,
                f"recipient {i}: suite 0003 cannot carry a recipient of type {rtype:#04x}",
            )
        if seen is not None:
            ref = key_reference(rtype, key_id, key_version)
            if ref in seen:
                raise _fail(  # [RCP-7]
                    ErrorCategory.MALFORMED_HEADER,
                    f"recipient {i}: repeats the key reference of an earlier entry "
                    f"(type {rtype:#04x}, key id {describe_key_id(key_id)})",
                )
            seen.add(ref)
        recipients.append(RecipientEntry(rtype, key_id, key_version, wrapped))

    # 6. Commitment.
    commitment = cur.take(COMMITMENT_LENGTH, "commitment")

    # 7. Stored context ([LIM-1], [HDR-3], [HDR-4], [CTX-2]).
    entry_count = cur.u8("context entry count")
    if entry_count > MAX_CONTEXT_ENTRIES:
        raise _fail(
            ErrorCategory.LIMIT_EXCEEDED,
            f"context entry count {entry_count} exceeds {MAX_CONTEXT_ENTRIES}",
        )
    entries: list[tuple[bytes, bytes]] = []
    for i in range(entry_count):
        key_len = cur.u8("context key length")
        if key_len == 0:
            raise _fail(ErrorCategory.MALFORMED_HEADER, f"context entry {i}: key length is 0")
        key = cur.take(key_len, "context key")
        value_len = cur.u16("context value length")
        if value_len > MAX_CONTEXT_VALUE_LENGTH:
            raise _fail(
                ErrorCategory.LIMIT_EXCEEDED,
                f"context entry {i}: value length {value_len} exceeds {MAX_CONTEXT_VALUE_LENGTH}",
            )
        value = cur.take(value_len, "context value")
        _check_utf8(key, f"context entry {i} key")
        _check_utf8(value, f"context entry {i} value")
        if entries and not entries[-1][0] < key:
            raise _fail(
                ErrorCategory.MALFORMED_HEADER,
                f"context entry {i}: keys are not in strictly ascending order",
            )
        entries.append((key, value))

    # 8. Nonce.
    nonce = cur.take(suite.nonce_length, "nonce")
    header_end = cur.pos

    # 9. Body ([AUTH-4], [LIM-3]).
    body = data[header_end:]
    if len(body) < TAG_LENGTH:
        raise _fail(ErrorCategory.AUTHENTICATION_FAILED, "body shorter than the 16-byte tag")
    if len(body) > max_plaintext_length + TAG_LENGTH:
        raise _fail(
            ErrorCategory.LIMIT_EXCEEDED,
            f"body of {len(body)} bytes exceeds the plaintext limit of {max_plaintext_length} bytes",
        )

    header = Header(
        suite=suite,
        recipients=tuple(recipients),
        commitment=commitment,
        stored_context_entries=tuple(entries),
        nonce=nonce,
        raw=data[:header_end],
    )
    return header, body


def write_header(
    suite: Suite,
    recipients: tuple[RecipientEntry, ...],
    commitment: bytes,
    stored_context: ContextEntries,
    nonce: bytes,
) -> Header:
    """Write a header ([HDR-1], [DET-1]); refuse with the reader's category anything a reader
    would reject ([LIM-4])."""
    if not recipients:
        raise _fail(ErrorCategory.MALFORMED_HEADER, "an envelope needs at least one recipient")
    if len(recipients) > MAX_RECIPIENTS:
        raise _fail(
            ErrorCategory.LIMIT_EXCEEDED,
            f"{len(recipients)} recipients, at most {MAX_RECIPIENTS} allowed",
        )
    if len(commitment) != COMMITMENT_LENGTH or len(nonce) != suite.nonce_length:
        raise ValueError("commitment or nonce has the wrong length")
    out = bytearray(MAGIC)
    out.append(VERSION)
    out += struct.pack(">HB", int(suite), len(recipients))
    for r in recipients:
        if not r.key_id:
            raise _fail(ErrorCategory.MALFORMED_HEADER, "a key id must not be empty")
        if len(r.key_id) > MAX_KEY_ID_LENGTH:
            raise _fail(
                ErrorCategory.LIMIT_EXCEEDED,
                f"key id of {len(r.key_id)} bytes, at most {MAX_KEY_ID_LENGTH} allowed",
            )
        if not r.wrapped_dek:
            raise _fail(ErrorCategory.MALFORMED_HEADER, "a wrapped DEK must not be empty")
        if len(r.wrapped_dek) > MAX_WRAPPED_LENGTH:
            raise _fail(
                ErrorCategory.LIMIT_EXCEEDED,
                f"wrapped DEK of {len(r.wrapped_dek)} bytes, at most {MAX_WRAPPED_LENGTH} allowed",
            )
        if not 0 <= r.key_version <= 0xFFFFFFFF:
            raise ValueError("key version must fit in a u32")
        out += struct.pack(">BB", r.type, len(r.key_id)) + r.key_id
        out += struct.pack(">IH", r.key_version, len(r.wrapped_dek)) + r.wrapped_dek
    out += commitment
    out += encode_entries(stored_context)
    out += nonce
    if len(out) > MAX_HEADER_SIZE:
        raise _fail(
            ErrorCategory.LIMIT_EXCEEDED,
            f"header of {len(out)} bytes exceeds {MAX_HEADER_SIZE} bytes",
        )
    return Header(
        suite=suite,
        recipients=tuple(recipients),
        commitment=bytes(commitment),
        stored_context_entries=stored_context,
        nonce=bytes(nonce),
        raw=bytes(out),
    )
