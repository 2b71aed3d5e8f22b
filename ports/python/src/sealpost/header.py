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
from .compression import PACKED_PREFIX_LENGTH
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
    "SignerField",
    "NeedMore",
    "parse_header",
    "parse_envelope",
    "max_body_length",
    "segment_count",
    "segmented_plaintext_length",
    "write_header_prefix",
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
SIGNATURE_LENGTH = 64
SIGN_MODE_PER_DEK = 0x01
SIGN_MODE_PER_MESSAGE = 0x02
#: Plaintext bytes of every segment but the last (section 17).
SEGMENT_PLAINTEXT_LENGTH = 65536


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
class SignerField:
    """The signer field of a signed suite's header (section 16), as the header states it:
    nothing here has been verified. ``signature`` is the mode ``01`` header signature, ``None``
    in mode ``02`` (whose signature is the envelope's last 64 bytes)."""

    sign_mode: int
    signer_id: bytes
    signer_version: int
    signature: bytes | None

    @property
    def signer_id_text(self) -> str:
        """The signer id as text (well-formed UTF-8 in every parsed header, [HDR-4])."""
        return self.signer_id.decode("utf-8")


@dataclass(frozen=True)
class Header:
    """A parsed (or written) header. ``raw`` is every byte from the magic through the nonce.

    ``signer`` is the signer field of a signed suite, ``None`` otherwise; ``signed_length`` is
    the length of ``P``, the header from the magic through the signer version (section 16).
    """

    suite: Suite
    recipients: tuple[RecipientEntry, ...]
    commitment: bytes
    stored_context_entries: ContextEntries
    nonce: bytes
    raw: bytes
    signer: SignerField | None = None
    signed_length: int = 0

    @property
    def version(self) -> int:
        return VERSION

    @property
    def stored_context(self) -> dict[str, str]:
        """The stored context as a dict (insertion order is the canonical order)."""
        return {k.decode("utf-8"): v.decode("utf-8") for k, v in self.stored_context_entries}


def _fail(category: ErrorCategory, message: str) -> SealpostError:
    return SealpostError(category, message)


class NeedMore(Exception):
    """Raised by :func:`parse_header` with ``complete=False`` where a complete input would
    fail because it ends inside the header: a streamed reader reads more and parses again."""


class _Cursor:
    """Reads header fields, applying [LIM-2] before every read."""

    __slots__ = ("data", "pos", "complete")

    def __init__(self, data: bytes, pos: int, complete: bool) -> None:
        self.data = data
        self.pos = pos
        self.complete = complete

    def take(self, n: int, field: str) -> bytes:
        end = self.pos + n
        if end > MAX_HEADER_SIZE:
            raise _fail(
                ErrorCategory.LIMIT_EXCEEDED,
                f"{field} at offset {self.pos} would end the header beyond {MAX_HEADER_SIZE} bytes",
            )
        if end > len(self.data):
            if not self.complete:
                raise NeedMore()
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


def parse_header(data: bytes, complete: bool = True) -> Header:
    """Parse the header at the start of ``data``, following SPEC.md section 11 steps 1 to 8.

    Stops at the first fault with its category ([ERR-2]). Does no cryptography. With
    ``complete=False`` (``data`` is what a stream has delivered so far) it raises
    :class:`NeedMore` instead of failing where the input ends inside the header.
    """
    # 1. Magic ([DET-2]).
    if len(data) < 3 or data[:3] != MAGIC:
        if not complete and len(data) < 3 and MAGIC.startswith(data):
            raise NeedMore()
        raise _fail(ErrorCategory.NOT_AN_ENVELOPE, "the input does not start with the Sealpost magic")
    # 2. Version ([DET-3], [DET-4]).
    if len(data) == 3:
        if not complete:
            raise NeedMore()
        raise _fail(ErrorCategory.MALFORMED_HEADER, "the version byte is missing")
    if data[3] != VERSION:
        raise _fail(ErrorCategory.UNSUPPORTED_VERSION, f"version {data[3]:#04x} is not supported")

    cur = _Cursor(data, 4, complete)
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

    # 7a. Signer field of a signed suite ([HDR-3], [HDR-4], [SIG-3]).
    signer: SignerField | None = None
    signed_length = 0
    if suite.signed:
        mode = cur.u8("sign mode")
        if mode not in (SIGN_MODE_PER_DEK, SIGN_MODE_PER_MESSAGE):
            raise _fail(ErrorCategory.MALFORMED_HEADER, f"sign mode {mode:#04x} is neither 01 nor 02")
        signer_id_len = cur.u8("signer id length")
        if signer_id_len == 0:
            raise _fail(ErrorCategory.MALFORMED_HEADER, "signer id length is 0")
        signer_id = cur.take(signer_id_len, "signer id")
        signer_version = cur.u32("signer version")
        signed_length = cur.pos
        signature = cur.take(SIGNATURE_LENGTH, "header signature") if mode == SIGN_MODE_PER_DEK else None
        _check_utf8(signer_id, "signer id")
        if mode == SIGN_MODE_PER_MESSAGE and suite.segmented:
            raise _fail(  # [SIG-3]
                ErrorCategory.MALFORMED_HEADER,
                "sign mode 02 (per message) is not allowed with a segmented suite",
            )
        signer = SignerField(mode, signer_id, signer_version, signature)

    # 8. Nonce.
    nonce = cur.take(suite.nonce_length, "nonce")
    header_end = cur.pos
    return Header(
        suite=suite,
        recipients=tuple(recipients),
        commitment=commitment,
        stored_context_entries=tuple(entries),
        nonce=nonce,
        raw=data[:header_end],
        signer=signer,
        signed_length=signed_length,
    )


def max_body_length(suite: Suite, max_plaintext_length: int) -> int:
    """The longest body a plaintext of ``max_plaintext_length`` bytes gives: one tag, or for a
    segmented suite one tag per segment ([LIM-3], [SEG-8]); a compressed suite's packed payload
    is 5 bytes longer than the plaintext ([LIM-3])."""
    if suite.segmented:
        return max_plaintext_length + TAG_LENGTH * segment_count(max_plaintext_length)
    if suite.compressed:
        return max_plaintext_length + PACKED_PREFIX_LENGTH + TAG_LENGTH
    return max_plaintext_length + TAG_LENGTH


def segmented_plaintext_length(body_length: int) -> int:
    """[SEG-8]: ``b - 16 * n`` with ``n = max(1, ceil(b / 65552))``, the plaintext a segmented
    body of ``b`` bytes holds if its segments are well formed (negative when the body is
    shorter than one tag)."""
    n = max(1, -(-body_length // (SEGMENT_PLAINTEXT_LENGTH + TAG_LENGTH)))
    return body_length - TAG_LENGTH * n


def segment_count(plaintext_length: int) -> int:
    """The number of segments of a plaintext of this length (section 17): at least one."""
    return max(1, -(-plaintext_length // SEGMENT_PLAINTEXT_LENGTH))


def parse_envelope(
    envelope: bytes, max_plaintext_length: int = MAX_PLAINTEXT_LENGTH
) -> tuple[Header, bytes, bytes | None]:
    """Parse a whole envelope into its header, its body and, in sign mode ``02``, its message
    signature, following SPEC.md section 11 steps 1 to 9.

    Stops at the first fault with its category ([ERR-2]). Does no cryptography.
    """
    data = bytes(envelope)
    header = parse_header(data)
    header_end = len(header.raw)

    # 9. Body ([HDR-5], [AUTH-4], [LIM-3], [SEG-8]).
    signature: bytes | None = None
    end = len(data)
    if header.signer is not None and header.signer.sign_mode == SIGN_MODE_PER_MESSAGE:
        if end - header_end < SIGNATURE_LENGTH:
            raise _fail(ErrorCategory.MALFORMED_HEADER, "fewer than 64 bytes after the header: no message signature")
        end -= SIGNATURE_LENGTH
        signature = data[end:]
    body = data[header_end:end]
    if header.suite.segmented:
        # [SEG-8]: only the plaintext limit here. The lengths of the segments (an empty body,
        # a short or empty last segment) are step 13's ([SEG-2]), as for a streamed reader.
        if segmented_plaintext_length(len(body)) > max_plaintext_length:
            raise _fail(
                ErrorCategory.LIMIT_EXCEEDED,
                f"segmented body of {len(body)} bytes exceeds the plaintext limit of {max_plaintext_length} bytes",
            )
        return header, body, signature
    if len(body) < TAG_LENGTH:
        raise _fail(ErrorCategory.AUTHENTICATION_FAILED, "body shorter than the 16-byte tag")
    if len(body) > max_body_length(header.suite, max_plaintext_length):  # [LIM-3]
        raise _fail(
            ErrorCategory.LIMIT_EXCEEDED,
            f"body of {len(body)} bytes exceeds the plaintext limit of {max_plaintext_length} bytes",
        )
    return header, body, signature


def write_header_prefix(
    suite: Suite,
    recipients: tuple[RecipientEntry, ...],
    commitment: bytes,
    stored_context: ContextEntries,
    signer: tuple[int, bytes, int] | None = None,
) -> bytes:
    """The header up to the nonce ([HDR-1], [DET-1]), without the mode ``01`` header signature:
    for a signed suite this is ``P`` of section 16 (through the signer version), given
    ``signer`` = (sign mode, signer id, signer version). Refuses with the reader's category
    anything a reader would reject ([LIM-4]), counting the signature and nonce that follow."""
    if not recipients:
        raise _fail(ErrorCategory.MALFORMED_HEADER, "an envelope needs at least one recipient")
    if len(recipients) > MAX_RECIPIENTS:
        raise _fail(
            ErrorCategory.LIMIT_EXCEEDED,
            f"{len(recipients)} recipients, at most {MAX_RECIPIENTS} allowed",
        )
    if len(commitment) != COMMITMENT_LENGTH:
        raise ValueError("the commitment has the wrong length")
    if suite.signed != (signer is not None):
        raise ValueError(f"{suite.name} {'needs' if suite.signed else 'takes no'} signer field")
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
    total = len(out) + suite.nonce_length
    if signer is not None:
        mode, signer_id, signer_version = signer
        if mode not in (SIGN_MODE_PER_DEK, SIGN_MODE_PER_MESSAGE):
            raise ValueError("sign mode must be 01 or 02")
        if mode == SIGN_MODE_PER_MESSAGE and suite.segmented:
            raise _fail(  # [SIG-3]
                ErrorCategory.MALFORMED_HEADER,
                "sign mode 02 (per message) cannot be used with a segmented suite",
            )
        if not 1 <= len(signer_id) <= 255 or not 0 <= signer_version <= 0xFFFFFFFF:
            raise ValueError("signer id must be 1..255 bytes and its version a u32")
        out += struct.pack(">BB", mode, len(signer_id)) + signer_id + struct.pack(">I", signer_version)
        total = len(out) + suite.nonce_length + (SIGNATURE_LENGTH if mode == SIGN_MODE_PER_DEK else 0)
    if total > MAX_HEADER_SIZE:
        raise _fail(
            ErrorCategory.LIMIT_EXCEEDED,
            f"header of {total} bytes exceeds {MAX_HEADER_SIZE} bytes",
        )
    return bytes(out)
