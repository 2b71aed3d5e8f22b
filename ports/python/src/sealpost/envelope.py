"""Public API: encrypt, decrypt and inspect envelopes (SPEC.md sections 5, 8 and 11).

Two ways to write envelopes:

* :func:`encrypt` draws a fresh DEK (and a random nonce) for every call.
* :class:`Encryptor` reuses one DEK for many messages ([DEK-2]) with counter nonces
  ([NONCE-2]), rotates it after a message count or an age ([DEK-3], [DEK-4]), and never shares
  it with a forked child ([DEK-6]).

The byte-exact test vectors fix the DEK and the nonce through :mod:`sealpost._testing`.
"""

from __future__ import annotations

import hmac
import io
import os

from cryptography.exceptions import InvalidTag
import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Optional, Union

from . import compression as _compression
from .compression import Compression
from .context import ContextEntries, EncryptionContext, canonical_entries, encode_context, encode_entries
from .errors import ErrorCategory, SealpostError, describe_entry, describe_key_id
from .header import (
    MAGIC,
    max_body_length,
    MAX_KEY_ID_LENGTH,
    MAX_PLAINTEXT_LENGTH,
    MAX_RECIPIENTS,
    SIGNATURE_LENGTH,
    Header,
    RecipientEntry,
    SignerField,
    is_utf8,
    key_reference,
    parse_envelope,
    segment_count,
    segmented_plaintext_length,
    write_header_prefix,
)
from .kdf import (
    DerivedKeys,
    derive_deterministic_dek,
    derive_message_keys,
    derive_segment_key,
    deterministic_info,
)
from .recipients import DecryptionKey, Recipient, SymmetricKek
from .segments import SEGMENT_LENGTH, SegmentCipher, open_segments, seal_segments
from .signing import (
    SIGNED_HEADER_LABEL,
    SIGNED_MESSAGE_LABEL,
    SignerRef,
    SignMode,
    Trust,
    TrustedWriter,
    VerificationCache,
    WriterKey,
    check_writer,
    make_trust,
)
from .suites import TAG_LENGTH, PayloadCipher, Suite

__all__ = [
    "encrypt",
    "decrypt",
    "inspect",
    "is_envelope",
    "Encryptor",
    "Decryptor",
    "Decrypted",
    "EnvelopeInfo",
    "SuiteLike",
    "CompressionLike",
]

Context = Optional[Mapping[str, str]]
SuiteLike = Union[Suite, int, str]
CompressionLike = Union[Compression, str, None]
BytesLike = Union[bytes, bytearray, memoryview]

DEK_LENGTH = 32
NONCE_LENGTH = 12


def _suite(suite: SuiteLike) -> Suite:
    if isinstance(suite, Suite):
        return suite
    if isinstance(suite, str):
        return Suite.from_name(suite)
    return Suite.from_id(suite)


def _as_bytes(data: BytesLike, what: str) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes, not {type(data).__name__}")
    return bytes(data)


_EMPTY_CONTEXT = encode_context(None)
#: Encoded external contexts by their items: a topic's context is encoded once, not per message.
_EXTERNAL_CACHE: dict[tuple[Any, ...], bytes] = {}
_EXTERNAL_CACHE_SIZE = 256


def _external(context: Context) -> bytes:
    """``encode_context(context)`` ([CTX-3]), remembered for the last few contexts. Only an
    encoding that passed validation is remembered; a context whose items cannot be a key is
    encoded every time."""
    if type(context) is EncryptionContext:
        return context._encoded  # validated and encoded when it was made
    if not context:
        if context is None or isinstance(context, Mapping):
            return _EMPTY_CONTEXT
        return encode_context(context, "external context")  # raises for what is not a mapping
    try:
        key = tuple(context.items())
        hit = _EXTERNAL_CACHE.get(key)
    except (AttributeError, TypeError):
        return encode_context(context, "external context")
    if hit is None:
        hit = encode_context(context, "external context")
        # Keys and values must be exactly str: an equal object of another type (a str subclass
        # with its own hash) must not share a cached encoding.
        if all(type(k) is str and type(v) is str for k, v in key):
            if len(_EXTERNAL_CACHE) >= _EXTERNAL_CACHE_SIZE:
                _EXTERNAL_CACHE.clear()
            _EXTERNAL_CACHE[key] = hit
    return hit


def _check_plaintext_limit(limit: int) -> int:
    if not isinstance(limit, int) or not 0 <= limit <= MAX_PLAINTEXT_LENGTH:
        raise ValueError(f"max_plaintext_length must be between 0 and {MAX_PLAINTEXT_LENGTH}")
    return limit


def _check_plaintext(plaintext: BytesLike) -> bytes:
    data = _as_bytes(plaintext, "plaintext")
    if len(data) > MAX_PLAINTEXT_LENGTH:
        raise SealpostError(
            ErrorCategory.LIMIT_EXCEEDED,
            f"plaintext of {len(data)} bytes exceeds {MAX_PLAINTEXT_LENGTH} bytes",
        )
    return data


def _check_recipients(recipients: Sequence[Recipient], suite: Suite) -> list[Recipient]:
    """Writer-side recipient checks, in the order of [ENC-3] items 1 and 2 ([ENC-2], [RCP-1],
    [LIM-4], [RCP-7], [SUITE-3], [SUITE-4]); the first fault is reported."""
    recips = list(recipients)
    for r in recips:
        if not isinstance(r, Recipient):
            raise TypeError(f"not a Recipient: {type(r).__name__}")
    if not recips:
        raise SealpostError(ErrorCategory.MALFORMED_HEADER, "an envelope needs at least one recipient")
    if len(recips) > MAX_RECIPIENTS:
        raise SealpostError(
            ErrorCategory.LIMIT_EXCEEDED, f"{len(recips)} recipients, at most {MAX_RECIPIENTS} allowed"
        )
    seen: set[tuple[int, bytes, int]] = set()
    for i, r in enumerate(recips):
        key_id = r.key_id
        if not key_id:
            raise SealpostError(ErrorCategory.MALFORMED_HEADER, f"recipient {i}: the key id is empty")
        if not is_utf8(key_id):
            raise SealpostError(
                ErrorCategory.MALFORMED_HEADER, f"recipient {i}: the key id is not well-formed Unicode"
            )
        if len(key_id) > MAX_KEY_ID_LENGTH:
            raise SealpostError(
                ErrorCategory.LIMIT_EXCEEDED,
                f"recipient {i}: key id of {len(key_id)} bytes, at most {MAX_KEY_ID_LENGTH} allowed",
            )
        ref = key_reference(r.recipient_type, key_id, r.key_version)
        if ref in seen:
            raise SealpostError(
                ErrorCategory.MALFORMED_HEADER,
                f"recipient {i}: key reference {describe_key_id(key_id)} appears twice ([RCP-7])",
            )
        seen.add(ref)
        if suite.deterministic and not isinstance(r, SymmetricKek):
            # [SUITE-3], [SUITE-4]: only symmetric KEKs wrap deterministically.
            raise SealpostError(
                ErrorCategory.MALFORMED_HEADER,
                f"recipient {i}: suite AES_256_SIV takes symmetric KEK recipients only",
            )
        r._check_held()  # invalid-key-material when the writer cannot wrap for it
    return recips


class _DekState:
    """One DEK with everything that is computed once per DEK: derived keys, the payload cipher,
    wrapped entries and the header up to (excluding) the nonce, with its mode ``01`` signature
    ([SIG-2]); for a compressed suite, the compression its payloads are packed with."""

    __slots__ = ("suite", "keys", "header_prefix", "cipher", "signer", "compression")

    def __init__(
        self,
        suite: Suite,
        dek: bytes,
        recipients: Sequence[Recipient],
        stored: ContextEntries,
        signer: Optional[_Signer] = None,
        compression: Compression = Compression.NONE,
    ) -> None:
        self.suite = suite
        # Section 18: compressed suites pack every plaintext; None for all other suites.
        self.compression = compression if suite.compressed else None
        self.keys: DerivedKeys = derive_message_keys(dek, int(suite), suite.key_length, suite.segmented)
        self.cipher = None
        if self.keys.message_key is not None:  # segmented suites have no K_msg ([KDF-1])
            self.cipher = PayloadCipher(suite, self.keys.message_key)
        entries = tuple(r.entry(dek) for r in recipients)  # [RCP-2]: one DEK for all
        field = None if signer is None else (int(signer.mode), signer.key.signer_id, signer.key.version)
        prefix = write_header_prefix(suite, entries, self.keys.commitment, stored, field)
        if signer is not None and signer.mode is SignMode.PER_DEK:
            prefix += signer.key.sign(SIGNED_HEADER_LABEL + prefix)  # [SIG-1]: P, once per DEK
        self.header_prefix = prefix
        # Mode 02 signs every envelope ([SIG-1]); mode 01 is done with the signer here.
        self.signer = signer if signer is not None and signer.mode is SignMode.PER_MESSAGE else None

    def seal(self, nonce: bytes, plaintext: bytes, external: bytes, prepacked: bool = False) -> bytes:
        """The envelope of ``plaintext``; with ``prepacked`` (test vectors only) ``plaintext``
        is already the packed payload of a compressed suite (section 15)."""
        if self.cipher is None:
            return self._seal_segmented(self.header_prefix + nonce, nonce, plaintext, external)
        if self.compression is not None and not prepacked:
            plaintext = _compression.pack(plaintext, self.compression)  # [CMP-2]
        if len(plaintext) >= _IN_PLACE_MIN and self.signer is None and self.cipher.can_seal_into:
            return self._seal_large(nonce, plaintext, external)
        # Per message: the AAD, the body and the envelope, and nothing else.
        body = self.cipher.seal(nonce, b"".join((self.header_prefix, nonce, external)), plaintext)
        if self.signer is None:
            return b"".join((self.header_prefix, nonce, body))
        envelope = b"".join((self.header_prefix, nonce, body))
        return envelope + self.signer.key.sign(b"".join((SIGNED_MESSAGE_LABEL, envelope, external)))

    def _seal_large(self, nonce: bytes, plaintext: bytes, external: bytes) -> bytes:
        """The envelope of a large plaintext, encrypted in place after the header. Joining a
        separately allocated body makes a second large allocation and copy per message, whose
        page faults cost several times the encryption. A BytesIO's buffer is a bytes object
        that getvalue() hands over without copying once nothing else views it, so the envelope
        is allocated once, as the raw AEAD's output is."""
        assert self.cipher is not None
        prefix = self.header_prefix
        header_length = len(prefix) + len(nonce)
        total = header_length + len(plaintext) + TAG_LENGTH
        out = io.BytesIO()
        out.write(prefix)
        out.write(nonce)
        out.seek(total - 1)
        out.write(b"\x00")  # the buffer now has its final length
        with out.getbuffer() as view:
            self.cipher.seal_into(nonce, b"".join((prefix, nonce, external)), plaintext, view[header_length:])
        return out.getvalue()

    def _seal_segmented(self, header: bytes, nonce: bytes, plaintext: bytes, external: bytes) -> bytes:
        """Section 17: the whole segmented envelope of ``plaintext`` ([SEG-1])."""
        body_length = len(plaintext) + TAG_LENGTH * segment_count(len(plaintext))
        out = bytearray(len(header) + body_length)
        out[: len(header)] = header
        with memoryview(out) as view:
            seal_segments(self.segment_cipher(nonce), header + external, plaintext, view[len(header) :])
        return bytes(out)

    def segment_cipher(self, nonce: bytes) -> SegmentCipher:
        """The cipher of the envelope with this nonce, under its ``K_env`` ([SEG-1])."""
        assert self.keys.prk is not None
        return SegmentCipher(self.suite, derive_segment_key(self.keys.prk, int(self.suite), nonce))


#: Plaintexts from this length on are sealed in place (_seal_large); below it, allocations are
#: cheap and joining the body is faster (measured: the two meet near 64 KiB).
_IN_PLACE_MIN = 64 << 10


class _Signer:
    """A writer key with its sign mode."""

    __slots__ = ("key", "mode")

    def __init__(self, key: WriterKey, mode: SignMode) -> None:
        self.key = key
        self.mode = mode


def _writer_suite(
    suite: SuiteLike,
    signer: Optional[WriterKey],
    sign_mode: SignMode,
    segmented: bool,
    compression: CompressionLike = None,
) -> tuple[Suite, Optional[_Signer], Compression]:
    """The suite a writer uses: ``suite`` names the AEAD (a signed, segmented or compressed
    suite may be named directly); a signer makes it a signed suite, ``segmented`` a segmented
    one, ``compression`` a compressed one ([CMP-1]: only when asked for)."""
    s = _suite(suite)
    comp = Compression.of(compression)
    if signer is not None and not isinstance(signer, WriterKey):
        raise TypeError(f"signer must be a WriterKey, not {type(signer).__name__}")
    if s.signed and signer is None:
        raise ValueError(f"suite {s.name} is signed: give signer=WriterKey(...)")
    if s.compressed and comp is Compression.NONE:
        raise ValueError(f"suite {s.name} is compressed: give compression='zstd' or 'lz4'")
    if comp is not Compression.NONE:
        if s.deterministic:
            # [SIV-3] needs identical envelopes across versions; compressors give no such promise.
            raise ValueError(f"compression cannot be used with the deterministic suite {s.name}")
        if segmented or s.segmented:
            raise ValueError("compression cannot be used with a segmented suite: no suite is both")
        _compression.require(comp)
    mode = SignMode(sign_mode)
    effective = Suite.of(
        s.base,
        signed=signer is not None,
        segmented=segmented or s.segmented,
        compressed=comp is not Compression.NONE,
    )
    if signer is None:
        return effective, None, comp
    return effective, _Signer(signer, mode), comp


def _check_signer(signer: Optional[_Signer], suite: Suite) -> None:
    """[ENC-2], [ENC-3] item 2, after the recipients: empty signer id, not well-formed (both
    ``malformed-header``), longer than 255 bytes (``limit-exceeded``), sign mode ``02`` with a
    segmented suite (``malformed-header``, [SIG-3])."""
    if signer is None:
        return
    signer.key.check_signer_id()
    if signer.mode is SignMode.PER_MESSAGE and suite.segmented:
        raise SealpostError(  # [SIG-3]
            ErrorCategory.MALFORMED_HEADER,
            "sign mode PER_MESSAGE cannot be used with a segmented suite: its signature would "
            "follow plaintext a streamed reader has already released",
        )


def _new_dek(dek: Optional[bytes]) -> bytes:
    """A DEK for a randomized suite: fresh ([DEK-1]), or fixed by a test hook."""
    if dek is None:
        return os.urandom(DEK_LENGTH)
    dek = _as_bytes(dek, "dek")
    if len(dek) != DEK_LENGTH:
        raise SealpostError(ErrorCategory.INVALID_KEY_MATERIAL, "a DEK is 32 bytes")
    return dek


def _deterministic_dek(
    suite: Suite, recipients: Sequence[Recipient], stored: bytes, external: bytes
) -> bytes:
    """[SIV-1]: the DEK of suite 0003 or 0103, from the first recipient's KEK, bound to the
    suite, every recipient reference and both encoded contexts."""
    first = recipients[0]
    assert isinstance(first, SymmetricKek)  # _check_recipients ([SUITE-3])
    refs = [(r.recipient_type, r.key_id, r.key_version) for r in recipients]
    return derive_deterministic_dek(first.kek, int(suite), refs, stored, external)


def encrypt(
    plaintext: BytesLike,
    recipients: Sequence[Recipient],
    *,
    suite: SuiteLike = Suite.AES_256_GCM,
    stored_context: Context = None,
    external_context: Context = None,
    signer: Optional[WriterKey] = None,
    sign_mode: SignMode = SignMode.PER_DEK,
    segmented: bool = False,
    compression: CompressionLike = None,
) -> bytes:
    """Encrypt one message into one envelope, under a fresh DEK.

    ``stored_context`` is written (visibly) into the header; ``external_context`` is only
    authenticated and must be given again to :func:`decrypt`. The DEK is wrapped for every
    recipient, in the order given. The DEK and the nonce are drawn from ``os.urandom``; for
    ``AES_256_SIV`` the DEK is derived ([SIV-1]) and the nonce is empty.

    ``signer`` signs the envelope (section 16) in ``sign_mode``, making ``suite`` its signed
    form; ``segmented=True`` cuts the body into 64 KiB segments (section 17), which a reader
    can stream (:meth:`Decryptor.reader`). To write a segmented envelope piece by piece, use
    :meth:`Encryptor.writer`. ``compression`` (``"zstd"`` or ``"lz4"``, needing the extra
    ``sealpost-envelope[compression]``) makes ``suite`` its compressed form (section 18); the
    plaintext is stored uncompressed when compressing would not make it shorter ([CMP-2]).
    Compression makes the envelope's length depend on the plaintext's content: do not use it
    where a record holds secrets next to data someone else chooses ([CMP-7], SPEC.md 18.1). ::

        >>> import sealpost
        >>> kek = sealpost.SymmetricKek("orders", 1, bytes(range(32)))
        >>> env = sealpost.encrypt(b"hello", [kek], external_context={"topic": "payments"})
        >>> sealpost.decrypt(env, [kek], external_context={"topic": "payments"})
        b'hello'

    Raises :class:`SealpostError` (``limit-exceeded`` and others, [LIM-4]) when the inputs
    would make an envelope a reader must reject.
    """
    return _encrypt(
        plaintext, recipients, suite, stored_context, external_context, None, None, signer, sign_mode, segmented,
        compression,
    )


def _encrypt(
    plaintext: BytesLike,
    recipients: Sequence[Recipient],
    suite: SuiteLike,
    stored_context: Context,
    external_context: Context,
    dek: Optional[bytes],
    nonce: Optional[bytes],
    signer: Optional[WriterKey] = None,
    sign_mode: SignMode = SignMode.PER_DEK,
    segmented: bool = False,
    compression: CompressionLike = None,
    packed: Optional[bytes] = None,
) -> bytes:
    """:func:`encrypt`, with a fixed DEK and nonce when given (test vectors only, through
    :mod:`sealpost._testing`: a fixed DEK and nonce used twice break [NONCE-1]), and for a
    compressed suite a given packed payload instead of packing ``plaintext`` (section 15)."""
    s, sig, comp = _writer_suite(suite, signer, sign_mode, segmented, compression)
    if packed is not None and not s.compressed:
        raise ValueError(f"a packed payload needs a compressed suite, not {s.name}")
    # [ENC-3]: recipients, stored context, external context, plaintext; the first fault wins.
    recips = _check_recipients(recipients, s)
    _check_signer(sig, s)
    stored = canonical_entries(stored_context, "stored context")
    external = encode_context(external_context, "external context")
    data = _check_plaintext(plaintext)
    if s.deterministic:
        if dek is not None or nonce not in (None, b""):
            raise ValueError(f"{s.name} derives its DEK ([SIV-1]) and has no nonce")
        the_dek = _deterministic_dek(s, recips, encode_entries(stored), external)
        the_nonce = b""
    else:
        the_dek = _new_dek(dek)
        if nonce is None:
            the_nonce = os.urandom(NONCE_LENGTH)  # [NONCE-2] allows random nonces
        else:
            the_nonce = _as_bytes(nonce, "nonce")
            if len(the_nonce) != s.nonce_length:
                raise ValueError(f"the nonce of {s.name} is {s.nonce_length} bytes")
    state = _DekState(s, the_dek, recips, stored, sig, comp)
    del the_dek
    if packed is not None:
        return state.seal(the_nonce, _as_bytes(packed, "packed payload"), external, prepacked=True)
    return state.seal(the_nonce, data, external)


class Encryptor:
    """A writer that reuses one DEK for many messages ([DEK-2]).

    Nonces follow [NONCE-2] (``base XOR (u32(0) || u64(i))``). The DEK is replaced after
    ``max_messages_per_dek`` messages (at most 2^32, default 2^24, [DEK-3]) or
    ``max_dek_age_seconds`` (default one hour, [DEK-4]), whichever comes first. Safe to share
    between threads of one process.

    Fork-safe ([DEK-6]): a child process never goes on with its parent's DEK, nonce base or
    counter. An ``os.register_at_fork`` handler drops the state in every child, and each message
    also compares the process id with the one the DEK was made in, for forks that run no Python
    fork handlers (a ``fork()`` from C code).

    With ``AES_256_SIV`` the DEK is derived ([SIV-1]) and there is no nonce, so output is
    deterministic ([SIV-3]).

    ``signer`` and ``sign_mode`` sign every envelope (section 16); in mode ``PER_DEK`` the
    header is signed once per DEK ([SIG-2]), so a message costs no signature. ``segmented=True``
    writes segmented envelopes (section 17); :meth:`writer` streams one. ``compression``
    (``"zstd"`` or ``"lz4"``) writes compressed envelopes (section 18), for a source whose user
    asked for it ([CMP-1]; mind [CMP-7], SPEC.md 18.1). ::

        >>> import io, sealpost
        >>> kek = sealpost.SymmetricKek("orders", 1, bytes(range(32)))
        >>> enc = sealpost.Encryptor([kek], segmented=True)
        >>> sink = io.BytesIO()
        >>> with enc.writer(sink, external_context={"file": "a.bin"}) as w:
        ...     _ = w.write(b"x" * 100_000)
        ...     w.finish()
        >>> reader = sealpost.Decryptor([kek])
        >>> len(reader.decrypt(sink.getvalue(), external_context={"file": "a.bin"}))
        100000
    """

    def __init__(
        self,
        recipients: Sequence[Recipient],
        *,
        suite: SuiteLike = Suite.AES_256_GCM,
        stored_context: Context = None,
        signer: Optional[WriterKey] = None,
        sign_mode: SignMode = SignMode.PER_DEK,
        segmented: bool = False,
        compression: CompressionLike = None,
        max_messages_per_dek: int = 1 << 24,
        max_dek_age_seconds: float = 3600.0,
    ) -> None:
        if not 1 <= max_messages_per_dek <= 1 << 32:
            raise ValueError("max_messages_per_dek must be between 1 and 2^32")
        self._suite, self._signer, self._compression = _writer_suite(
            suite, signer, sign_mode, segmented, compression
        )
        self._recipients = _check_recipients(recipients, self._suite)
        _check_signer(self._signer, self._suite)
        self._stored = canonical_entries(stored_context, "stored context")
        self._max_messages = max_messages_per_dek
        self._max_age = max_dek_age_seconds
        self._lock = threading.Lock()
        # The current DEK and its nonce sequence. Read and written only under the lock, always
        # together: a nonce is computed from the base of the DEK it is used with.
        self._state: Optional[_DekState] = None
        self._base = 0
        self._counter = 0
        self._created = 0.0
        self._pid = 0
        # AES_256_SIV: one derived DEK per external context ([SIV-1]), FIFO-bounded.
        self._stored_encoded = encode_entries(self._stored)
        self._siv_states: dict[bytes, _DekState] = {}
        _LIVE_ENCRYPTORS.add(self)

    @property
    def suite(self) -> Suite:
        return self._suite

    @property
    def compression(self) -> Compression:
        """The compression of this writer's payloads; ``Compression.NONE`` when none."""
        return self._compression

    def rotate(self) -> None:
        """Drop the current DEK; the next message gets a new one."""
        with self._lock:
            self._state = None
            self._siv_states = {}

    def _forget_after_fork(self) -> None:
        """In a fork child: drop the parent's DEK and nonce sequence ([DEK-6]). The lock is made
        anew, since a parent thread may have held it at the fork and will never release it here."""
        self._lock = threading.Lock()
        self._state = None
        self._base = 0
        self._counter = 0
        self._siv_states = {}

    def _next(self) -> tuple[_DekState, bytes]:
        pid = os.getpid()
        with self._lock:
            state = self._state
            now = time.monotonic()
            if (
                state is None
                or self._pid != pid  # a fork that ran no fork handler ([DEK-6])
                or self._counter >= self._max_messages
                or now - self._created >= self._max_age
            ):
                dek = _new_dek(None)
                state = _DekState(self._suite, dek, self._recipients, self._stored, self._signer, self._compression)
                del dek
                self._state = state
                self._base = int.from_bytes(os.urandom(NONCE_LENGTH), "big")
                self._counter = 0
                self._created = now
                self._pid = pid
            i = self._counter
            self._counter = i + 1
            # [NONCE-2]: base XOR (u32(0) || u64(i)); i < 2^32 by [DEK-3].
            return state, (self._base ^ i).to_bytes(NONCE_LENGTH, "big")

    def _deterministic(self, external: bytes) -> _DekState:
        """The state of the DEK derived for this external context ([SIV-1]), cached."""
        state = self._siv_states.get(external)
        if state is None:
            dek = _deterministic_dek(self._suite, self._recipients, self._stored_encoded, external)
            state = _DekState(self._suite, dek, self._recipients, self._stored, self._signer)
            del dek
            with self._lock:
                if len(self._siv_states) >= _SIV_CACHE_SIZE:
                    self._siv_states.pop(next(iter(self._siv_states)))
                self._siv_states[external] = state
        return state

    def encrypt(self, plaintext: BytesLike, external_context: Context = None) -> bytes:
        """Encrypt one message into a whole envelope; see :func:`encrypt` for the contexts."""
        external = _external(external_context)
        data = _check_plaintext(plaintext)  # [ENC-3]: after the external context
        if self._suite.deterministic:
            return self._deterministic(external).seal(b"", data, external)
        state, nonce = self._next()
        return state.seal(nonce, data, external)

    def writer(self, sink: BinaryIO, external_context: Context = None) -> "EncryptingWriter":
        """Stream one segmented envelope into ``sink`` (a binary file, socket file, ...).

        Needs ``segmented=True``. The header is written at once; then every 64 KiB of
        plaintext written becomes a segment, and :meth:`EncryptingWriter.finish` writes the last
        one, completing the envelope ([SEG-9]). Memory stays constant whatever the length; at
        most 2^48 bytes ([SEG-7]). Closing the writer without ``finish()`` (leaving a ``with``
        block, by an exception or not) writes no last segment, so a partial stream never
        becomes a valid envelope. ``sink`` is not closed.
        """
        if not self._suite.segmented:
            raise ValueError(f"suite {self._suite.name} is not segmented: make the Encryptor with segmented=True")
        external = encode_context(external_context, "external context")
        state, nonce = self._next()
        return EncryptingWriter(sink, state, nonce, external)


#: Derived AES_256_SIV DEKs an Encryptor keeps, one per external context.
_SIV_CACHE_SIZE = 1024


#: Every live Encryptor, so that a fork child can drop their DEKs ([DEK-6]).
_LIVE_ENCRYPTORS: "weakref.WeakSet[Encryptor]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for enc in list(_LIVE_ENCRYPTORS):
        enc._forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


@dataclass(frozen=True)
class EnvelopeInfo:
    """What :func:`inspect` reveals without keys: the whole header and the body length (without
    a mode ``02`` message signature). Nothing here is verified: the signer is what the header
    states."""

    header: Header
    body_length: int

    @property
    def suite(self) -> Suite:
        return self.header.suite

    @property
    def recipients(self) -> tuple[RecipientEntry, ...]:
        return self.header.recipients

    @property
    def stored_context(self) -> dict[str, str]:
        return self.header.stored_context

    @property
    def signer(self) -> Optional[SignerField]:
        """The signer field of a signed suite, unverified; ``None`` for unsigned suites."""
        return self.header.signer

    @property
    def plaintext_length(self) -> Optional[int]:
        """The plaintext length the body implies: one tag less, or one per segment ([SEG-8]);
        0 for a segmented body too short to hold a tag (step 13 rejects it, [SEG-2]). ``None``
        for a compressed suite, whose plaintext length is inside the encrypted payload."""
        if self.header.suite.compressed:
            return None
        if self.header.suite.segmented:
            return max(0, segmented_plaintext_length(self.body_length))
        return self.body_length - TAG_LENGTH


def is_envelope(data: BytesLike) -> bool:
    """True when ``data`` starts with the Sealpost magic ([DET-2]); says nothing of validity."""
    return bytes(data[:3]) == MAGIC


def inspect(envelope: BytesLike, *, max_plaintext_length: int = MAX_PLAINTEXT_LENGTH) -> EnvelopeInfo:
    """Parse and check an envelope's header without keys (SPEC.md section 11, steps 1 to 9).

    Raises :class:`SealpostError` for every fault it meets, in the order of section 11.
    """
    data = _as_bytes(envelope, "envelope")
    header, body, _ = parse_envelope(data, _check_plaintext_limit(max_plaintext_length))
    return EnvelopeInfo(header, len(body))


#: [RCP-8]: unwrap attempts per envelope, at most.
MAX_UNWRAP_ATTEMPTS = 2


def _reader_keys(keys: Iterable[object]) -> list[DecryptionKey]:
    """The reader's keys. A writer-side recipient given as a reader key (an X25519 public key
    alone) holds nothing: it can unwrap no entry ([ENC-3], reader side: no-matching-key)."""
    out: list[DecryptionKey] = []
    for k in keys:
        if isinstance(k, DecryptionKey):
            out.append(k)
        elif not isinstance(k, Recipient):
            raise TypeError(f"not a reader key: {type(k).__name__}")
    return out


def _unwrap_first_held(
    entries: Sequence[RecipientEntry], keys: Sequence[DecryptionKey]
) -> tuple[bytes, int, DecryptionKey]:
    """Step 11 of SPEC.md section 11 ([RCP-8]): the DEK, the index of the entry that gave it,
    and the key that unwrapped it."""
    attempts = 0
    unavailable: Optional[SealpostError] = None
    for index, entry in enumerate(entries):
        key = next((k for k in keys if k.matches(entry)), None)
        if key is None:
            continue
        attempts += 1
        try:
            dek = key.unwrap(entry)
        except SealpostError as e:
            if e.category is not ErrorCategory.KEY_SERVICE_FAILURE:
                raise  # a verdict on this entry (unwrap-failed): no further entry is tried
            unavailable = e
            if attempts >= MAX_UNWRAP_ATTEMPTS:
                break
            continue
        except Exception:
            raise SealpostError(
                ErrorCategory.UNWRAP_FAILED, f"unwrapping for {describe_entry(entry)} failed"
            ) from None
        if not isinstance(dek, (bytes, bytearray)) or len(dek) != DEK_LENGTH:
            raise SealpostError(
                ErrorCategory.UNWRAP_FAILED, f"{describe_entry(entry)} did not unwrap to a 32-byte DEK"
            )
        return bytes(dek), index, key
    if unavailable is not None:
        raise unavailable
    raise SealpostError(
        ErrorCategory.NO_MATCHING_KEY,
        "no key held for any recipient: " + ", ".join(describe_entry(e) for e in entries[:4])
        + (", ..." if len(entries) > 4 else ""),
    )


def _check_deterministic_dek(header: Header, external: bytes, key: DecryptionKey, dek: bytes) -> None:
    """Step 12, [SIV-4]: the DEK came from the first entry, so the reader holds ``KEK_1`` and
    recomputes the DEK that [SIV-1] gives for this header and external context. A different DEK
    means that a recipient took a deterministic header and wrote under its DEK for another
    context (SPEC.md 13.4). A key that cannot derive the DEK fails closed."""
    refs = [(e.type, e.key_id, e.key_version) for e in header.recipients]
    info = deterministic_info(int(header.suite), refs, encode_entries(header.stored_context_entries), external)
    expected = key.deterministic_dek(info)
    if expected is None or not hmac.compare_digest(expected, dek):
        raise SealpostError(
            ErrorCategory.AUTHENTICATION_FAILED,
            "the DEK is not the one the header and external context give for the deterministic suite",
        )


@dataclass(frozen=True)
class Decrypted:
    """An authenticated plaintext and what the reader verified about it.

    ``verified_signer`` is the writer that step 10a verified, present only when the reader
    required a trusted writer ([SIG-8]): a signer field that was not verified is never shown.
    """

    plaintext: bytes
    suite: Suite
    verified_signer: Optional[SignerRef]


def _check_required(header: Header, required_context: Context) -> None:
    """Step 10: required stored context ([CTX-4]), before unwrapping any key."""
    if required_context:
        stored = header.stored_context
        for name, value in required_context.items():
            if stored.get(name) != value:
                raise SealpostError(
                    ErrorCategory.CONTEXT_MISMATCH, "stored context lacks or differs on a required entry"
                )


class _Known:
    """What a header prefix (the header before the nonce) gave once: its parse (steps 1 to 8
    depend on nothing else, the nonce having the suite's fixed length), its commitment, and the
    keys step 12 accepted for it, as one tuple (:attr:`fast`) that the hot path unpacks at once:
    attribute loads and integer arithmetic are a good part of a small message's cost, so the
    bounds of step 9 are envelope lengths computed here.

    ``fast`` is ``(prefix, prefix length, header length, end of the body as a slice stop,
    shortest envelope, longest envelope, longest envelope whose body is copied, the keys'
    commitment, the header's commitment, the AEAD's decrypt, compressed, suite, header)``."""

    __slots__ = ("fast",)

    def __init__(self, prefix: bytes, header: Header, derived: DerivedKeys, payload: PayloadCipher, limit: int) -> None:
        suite = header.suite
        header_end = len(prefix) + suite.nonce_length
        # Sign mode 02: the message signature follows the body.
        per_message = header.signer is not None and header.signer.sign_mode == SignMode.PER_MESSAGE
        trailer = SIGNATURE_LENGTH if per_message else 0
        self.fast = (
            prefix,
            len(prefix),
            header_end,
            -trailer if trailer else None,
            # Step 9: a body of at least the tag, at most the limit and the suite's overhead ([LIM-3]).
            header_end + TAG_LENGTH + trailer,
            header_end + max_body_length(suite, limit) + trailer,
            header_end + _COPY_LIMIT + trailer,
            derived.commitment,
            # The commitment field of the prefix: an envelope that starts with the prefix holds
            # these very bytes in its header.
            header.commitment,
            payload.decrypt_function(),
            suite.compressed,
            suite,
            header,
        )


class _KeyCache:
    """Keys a :class:`Decryptor` derived from unwrapped DEKs, by the exact header bytes before
    the nonce (suite, every recipient entry with its wrapped DEK, commitment, stored context,
    signer field): envelopes under one DEK then cost no unwrap and no HKDF. Deterministic
    suites are not cached, since their [SIV-4] check depends on the external context. The
    commitment is still compared for every envelope ([COM-3]). Bounded; oldest first.

    For unsegmented suites it also keeps each prefix's parse (:class:`_Known`), so that
    :meth:`open_known` can skip steps 1 to 8 for an envelope that starts with a prefix already
    parsed: the same bytes parse the same way."""

    __slots__ = ("_entries", "_known", "_lengths", "_last", "_limit", "_plaintext_limit", "_lock")

    #: Distinct prefix lengths tried per envelope, most recent first.
    MAX_LENGTHS = 8

    def __init__(self, limit: int, plaintext_limit: int = MAX_PLAINTEXT_LENGTH) -> None:
        #: The reader's plaintext limit, which step 9's bounds in :attr:`_Known.fast` include.
        self._plaintext_limit = plaintext_limit
        self._entries: dict[bytes, tuple[DerivedKeys, Optional[PayloadCipher]]] = {}
        self._known: dict[bytes, _Known] = {}
        self._lengths: tuple[int, ...] = ()
        # The prefix of the last envelope opened (its _Known.fast): a consumer mostly reads one
        # DEK's messages in a row.
        self._last: Optional[tuple[Any, ...]] = None
        self._limit = limit
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: bytes) -> Optional[tuple[DerivedKeys, Optional[PayloadCipher]]]:
        return self._entries.get(key)

    def put(self, key: bytes, value: tuple[DerivedKeys, Optional[PayloadCipher]], header: Header) -> None:
        if self._limit <= 0:
            return
        with self._lock:
            if len(self._entries) >= self._limit and key not in self._entries:
                old = next(iter(self._entries))
                self._entries.pop(old)
                self._known.pop(old, None)
                self._last = None
            self._entries[key] = value
            if value[1] is not None and not header.suite.deterministic:
                self._known[key] = _Known(key, header, value[0], value[1], self._plaintext_limit)
                n = len(key)
                if n not in self._lengths:
                    self._lengths = ((n,) + self._lengths)[: self.MAX_LENGTHS]

    def open_known(self, data: bytes, external: bytes, required_context: Context) -> Optional[tuple[bytes, Suite]]:
        """Section 11 for an envelope of an unsegmented suite whose header prefix this cache
        knows, for a reader that requires no trusted writer: the plaintext and the suite.
        ``None`` when the prefix is unknown or anything is out of the ordinary (a short or long
        body, ...): the full procedure then runs, and reports the first fault ([ERR-2])."""
        fast = self.find(data)
        if fast is None:
            return None
        plaintext = _open_known(fast, data, external, required_context, self._plaintext_limit)
        return None if plaintext is None else (plaintext, fast[11])

    def find(self, data: bytes) -> Optional[tuple[Any, ...]]:
        """The :attr:`_Known.fast` of the prefix ``data`` starts with, or ``None``; remembered
        as the last one."""
        fast = self._last
        if fast is not None and data[: fast[1]] == fast[0]:
            return fast
        known = self._known
        for n in self._lengths:
            k = known.get(data[:n])
            if k is not None:
                fast = self._last = k.fast
                return fast
        return None


def _open_known(fast: tuple[Any, ...], data: bytes, external: bytes, required_context: Context, limit: int) -> Optional[bytes]:
    """Steps 9 to 14 of section 11 for an envelope ``data`` that starts with the prefix of
    ``fast`` (a :attr:`_Known.fast` made with the plaintext limit ``limit``), for a reader that
    requires no trusted writer: steps 1 to 8 gave the same result for the same bytes, and step
    11's keys are the ones step 12 accepted for them. The plaintext, or ``None`` when the full
    procedure must run to find the category ([ERR-2]); raises for a fault whose category is
    certain (steps 10, 13, 14). :meth:`Decryptor.decrypt` has a copy of this, written out."""
    _, n, header_end, stop, shortest, longest, copied, commitment, claimed, decrypt, compressed, _, header = fast
    # Step 9: an envelope whose body is outside these bounds takes the full path, for its category.
    length = len(data)
    if not shortest <= length <= longest:
        return None
    # Step 10 ([CTX-4]); 10a is skipped: no trusted writer is required.
    if required_context:
        _check_required(header, required_context)
    # Step 12, [COM-3]: the keys' commitment is compared with the header's for every envelope,
    # cached keys or not, in constant time ([COM-2]). The header's is the prefix's: the
    # envelope starts with the prefix, so its commitment field holds the same 32 bytes.
    if not _compare_digest(commitment, claimed):
        return None
    # Step 13: the body is decrypted where it lies; a large one is not copied first. The AAD
    # is the header (the prefix and the nonce, as they lie in the envelope) and the context.
    try:
        plaintext = decrypt(
            data[n:header_end],
            data[header_end:stop] if length <= copied else memoryview(data)[header_end:stop],
            data[:header_end] + external,
        )
    except InvalidTag:
        raise SealpostError(ErrorCategory.AUTHENTICATION_FAILED, "the body failed authentication") from None
    if compressed:
        return _compression.unpack(plaintext, limit)  # step 14
    return plaintext  # type: ignore[no-any-return]


_compare_digest = hmac.compare_digest
#: Bodies up to this length are sliced (a small copy is cheaper than a memoryview).
_COPY_LIMIT = 4096


def _derive_checked_keys(
    header: Header,
    external: bytes,
    key_list: Sequence[DecryptionKey],
    key_cache: Optional[_KeyCache] = None,
) -> tuple[DerivedKeys, Optional[PayloadCipher]]:
    """Steps 11 and 12: unwrap the first held entry ([RCP-8]), compare the commitment in
    constant time ([COM-2]; the DEK of step 11 is final, [COM-4]), and for a deterministic
    suite recompute the DEK from the first entry ([SIV-4]). Returns the derived keys and, for
    an unsegmented suite, the payload cipher."""
    suite = header.suite
    cache_key = None
    if key_cache is not None and not suite.deterministic:
        cache_key = header.raw[: len(header.raw) - suite.nonce_length]
        hit = key_cache.get(cache_key)
        if hit is not None:
            if not hmac.compare_digest(hit[0].commitment, header.commitment):  # [COM-3]
                raise SealpostError(ErrorCategory.COMMITMENT_MISMATCH, "the DEK does not match the commitment")
            return hit
    dek, index, key = _unwrap_first_held(header.recipients, key_list)
    derived = derive_message_keys(dek, int(suite), suite.key_length, suite.segmented)
    if not hmac.compare_digest(derived.commitment, header.commitment):
        raise SealpostError(ErrorCategory.COMMITMENT_MISMATCH, "the DEK does not match the commitment")
    if suite.deterministic and index == 0:
        _check_deterministic_dek(header, external, key, dek)
    del dek
    payload = None if derived.message_key is None else PayloadCipher(suite, derived.message_key)
    result = (derived, payload)
    if cache_key is not None and key_cache is not None:
        key_cache.put(cache_key, result, header)
    return result


def _open(
    data: bytes,
    key_list: Sequence[DecryptionKey],
    external: bytes,
    required_context: Context,
    limit: int,
    trust: Trust,
    cache: Optional[VerificationCache],
    key_cache: Optional[_KeyCache] = None,
) -> Decrypted:
    """SPEC.md section 11 for a whole envelope; the first fault wins ([ERR-2])."""
    # Steps 1-9.
    header, body, message_signature = parse_envelope(data, limit)
    # Step 10 ([CTX-4]).
    _check_required(header, required_context)
    # Step 10a ([SIG-5], [SIG-6]), only for a reader that requires a trusted writer ([SIG-8]).
    signer: Optional[SignerRef] = None
    if trust:
        unsigned = data[: len(data) - SIGNATURE_LENGTH] if message_signature is not None else None
        signer = check_writer(header, trust, unsigned, message_signature, external, cache)
    # Steps 11 and 12.
    derived, payload = _derive_checked_keys(header, external, key_list, key_cache)
    # Step 13: authenticate and decrypt the whole body ([AUTH-1], [AUTH-2], [AUTH-3]).
    suite = header.suite
    aad = header.raw + external
    if payload is None:
        assert derived.prk is not None
        cipher = SegmentCipher(suite, derive_segment_key(derived.prk, int(suite), header.nonce))
        plaintext = open_segments(cipher, aad, body)
    else:
        plaintext = payload.open(header.nonce, aad, body)
        if suite.compressed:
            # Step 14 ([CMP-3], [CMP-4]): nothing is released before the payload unpacked ([CMP-6]).
            plaintext = _compression.unpack(plaintext, limit)
    return Decrypted(plaintext, suite, signer)


def decrypt(
    envelope: BytesLike,
    keys: Iterable[Union[DecryptionKey, Recipient]],
    *,
    external_context: Context = None,
    required_context: Context = None,
    max_plaintext_length: int = MAX_PLAINTEXT_LENGTH,
    trusted_writers: Optional[Iterable[TrustedWriter]] = None,
) -> bytes:
    """Decrypt an envelope and return the whole plaintext, or raise :class:`SealpostError`.

    ``keys`` are the reader's keys (:class:`SymmetricKek`, :class:`X25519PrivateKey`,
    :class:`KmsKey`, :class:`KmsAllowList`); a writer-only recipient such as an
    :class:`X25519Recipient` (a public key) holds nothing. ``external_context`` must equal the writer's. Every entry of
    ``required_context`` must be present with the same value in the stored context ([CTX-4]).
    ``max_plaintext_length`` lowers the plaintext limit of 2^30 bytes ([LIM-3]).
    ``trusted_writers`` (:class:`TrustedWriter`), when not empty, makes the reader require
    one of them to have signed the envelope ([SIG-4]); to learn which one did, or to keep
    trust and verified signatures between calls, use a :class:`Decryptor`.

    Follows SPEC.md section 11 and reports the first fault it meets ([ERR-2]). No plaintext is
    returned unless the whole body authenticated ([AUTH-3]). Segmented envelopes are read
    whole; :meth:`Decryptor.reader` streams them.
    """
    data = _as_bytes(envelope, "envelope")
    limit = _check_plaintext_limit(max_plaintext_length)
    key_list = _reader_keys(keys)
    trust = make_trust(trusted_writers)
    # The external context is the caller's, not the envelope's: check it before anything else.
    external = encode_context(external_context, "external context")
    return _open(data, key_list, external, required_context, limit, trust, None).plaintext


#: Mode 01 verifications a Decryptor remembers by default ([SIG-7]).
DEFAULT_VERIFICATION_CACHE_SIZE = 1024
#: Headers (DEKs) whose derived keys a Decryptor keeps by default.
DEFAULT_KEY_CACHE_SIZE = 1024


class Decryptor:
    """A reader: its keys, the writers it trusts, its plaintext limit, the mode ``01``
    signatures it has verified (remembered by their exact bytes, [SIG-7], [SIG-9]) and the keys
    it derived per DEK (remembered by the exact header bytes before the nonce, so that the
    envelopes of one DEK cost one unwrap; the commitment is compared every time, [COM-3]).

    ``trusted_writers`` is the reader's default trust ([SIG-4]); each call may give the trust
    of its own source instead (omitted or ``None``: the reader's; ``[]``: none required for
    that call). When
    trust is required, :meth:`open` reports the verified signer; otherwise it reports none
    ([SIG-8]). Safe to share between threads. ::

        >>> import io, sealpost
        >>> kek = sealpost.SymmetricKek("orders", 1, bytes(range(32)))
        >>> writer = sealpost.WriterKey("billing", 3, bytes(32))
        >>> env = sealpost.encrypt(b"paid", [kek], signer=writer, external_context={"topic": "t"})
        >>> reader = sealpost.Decryptor([kek], trusted_writers=[writer.trusted()])
        >>> reader.decrypt(env, external_context={"topic": "t"})
        b'paid'
        >>> unsigned = sealpost.encrypt(b"forged", [kek], external_context={"topic": "t"})
        >>> reader.decrypt(unsigned, external_context={"topic": "t"})
        Traceback (most recent call last):
        ...
        sealpost.errors.SealpostError: untrusted-writer: the envelope is not signed (suite AES_256_GCM) and this source requires a trusted writer
        >>> with reader.reader(io.BytesIO(env), external_context={"topic": "t"}) as r:
        ...     r.read()
        b'paid'
    """

    def __init__(
        self,
        keys: Iterable[Union[DecryptionKey, Recipient]],
        *,
        trusted_writers: Optional[Iterable[TrustedWriter]] = None,
        max_plaintext_length: int = MAX_PLAINTEXT_LENGTH,
        verification_cache_size: int = DEFAULT_VERIFICATION_CACHE_SIZE,
        key_cache_size: int = DEFAULT_KEY_CACHE_SIZE,
    ) -> None:
        self._keys = _reader_keys(keys)
        self._trust = make_trust(trusted_writers)
        self._limit = _check_plaintext_limit(max_plaintext_length)
        self._cache = VerificationCache(verification_cache_size)
        self._key_cache = _KeyCache(key_cache_size, self._limit)
        # The last external context and its encoding, one tuple so that threads read a pair
        # that belongs together: a consumer passes the same context (its topic) every time,
        # and comparing two small dicts costs less than finding the encoding by the items.
        self._last_external: tuple[dict[str, str], bytes] = ({}, _EMPTY_CONTEXT)

    def _encoded_external(self, context: Context) -> bytes:
        """The encoding of an external context: an ``EncryptionContext``'s own, the last dict's
        when ``context`` equals it and holds exact strings, else :meth:`_external`."""
        if type(context) is EncryptionContext:
            return context._encoded  # validated and encoded when it was made
        last_context, external = self._last_external
        if type(context) is not dict or context != last_context:
            return self._external(context)
        for value in context.values():
            if type(value) is not str:  # see _external
                return self._external(context)
        return external

    def _external(self, context: Context) -> bytes:
        """The encoded external context ([CTX-3]); a plain dict of exact strings is remembered
        as the last one. A context equal to it (``==``) reuses its encoding only if its values
        are exact strings too: a value of another type could compare equal by a rule of its own.
        Its keys are matched by hash first, as in the module's cache of encodings."""
        external = _external(context)
        if type(context) is dict and all(type(k) is str and type(v) is str for k, v in context.items()):
            self._last_external = (dict(context), external)
        return external

    def _trust_for(self, trusted_writers: Optional[Iterable[TrustedWriter]]) -> Trust:
        """``None``: the reader's own trust; anything else: this call's source's trust."""
        if trusted_writers is None:
            return self._trust
        return make_trust(trusted_writers)

    def open(
        self,
        envelope: BytesLike,
        external_context: Context = None,
        *,
        required_context: Context = None,
        trusted_writers: Optional[Iterable[TrustedWriter]] = None,
    ) -> Decrypted:
        """Decrypt a whole envelope: the plaintext, the suite and the verified signer."""
        data = envelope if type(envelope) is bytes else _as_bytes(envelope, "envelope")
        trust = self._trust if trusted_writers is None else make_trust(trusted_writers)
        external = self._encoded_external(external_context)
        if not trust:
            known = self._key_cache.open_known(data, external, required_context)
            if known is not None:
                return Decrypted(known[0], known[1], None)
        return _open(data, self._keys, external, required_context, self._limit, trust, self._cache, self._key_cache)

    def decrypt(
        self,
        envelope: BytesLike,
        external_context: Context = None,
        *,
        required_context: Context = None,
        trusted_writers: Optional[Iterable[TrustedWriter]] = None,
    ) -> bytes:
        """Decrypt a whole envelope and return the plaintext; see :meth:`open`."""
        data = envelope if type(envelope) is bytes else _as_bytes(envelope, "envelope")
        if type(external_context) is EncryptionContext:
            external = external_context._encoded  # validated and encoded when it was made
        else:
            external = self._encoded_external(external_context)
        if trusted_writers is None and not self._trust:
            # The envelopes of one DEK share their header prefix: parsed and keyed once. The
            # last prefix is tried first: a consumer mostly reads one DEK's messages in a row.
            fast = self._key_cache._last
            # A slice compared costs less than bytes.startswith, which packs its arguments in a tuple.
            if fast is None or data[: fast[1]] != fast[0]:
                fast = self._key_cache.find(data)
            if fast is not None:
                # _open_known, written out here: a call is a few percent of a small message's cost.
                _, n, header_end, stop, shortest, longest, copied, commitment, claimed, decrypt, compressed, _, header = fast
                # Step 9: what falls outside these bounds takes the full path, for its category.
                length = len(data)
                if shortest <= length <= longest:
                    if required_context:
                        _check_required(header, required_context)  # step 10
                    # Step 12, [COM-3]: as in _open_known.
                    if _compare_digest(commitment, claimed):
                        try:  # step 13
                            plaintext = decrypt(
                                data[n:header_end],
                                data[header_end:stop] if length <= copied else memoryview(data)[header_end:stop],
                                data[:header_end] + external,
                            )
                        except InvalidTag:
                            raise SealpostError(
                                ErrorCategory.AUTHENTICATION_FAILED, "the body failed authentication"
                            ) from None
                        if compressed:
                            return _compression.unpack(plaintext, self._limit)  # step 14
                        return plaintext  # type: ignore[no-any-return]
            trust: Trust = self._trust
        else:
            trust = self._trust if trusted_writers is None else make_trust(trusted_writers)
        return _open(
            data, self._keys, external, required_context, self._limit, trust, self._cache, self._key_cache
        ).plaintext

    def reader(
        self,
        source: BinaryIO,
        external_context: Context = None,
        *,
        required_context: Context = None,
        trusted_writers: Optional[Iterable[TrustedWriter]] = None,
    ) -> "DecryptingReader":
        """A file-like reader of the plaintext of the envelope that ``source`` delivers.

        Reads and checks the header at once (section 11, steps 1 to 12: every header fault,
        the writer's trust and signature, the key), raising :class:`SealpostError`. A segmented
        envelope is then released one authenticated segment at a time, with constant memory
        ([SEG-3]); any other envelope is read whole (up to the plaintext limit) and released
        once authenticated. Truncation, reordering or extension raise
        :class:`SealpostStreamError` from a read, never an early end of data ([SEG-4]).
        ``source`` is not closed.
        """
        trust = self._trust_for(trusted_writers)
        external = encode_context(external_context, "external context")
        return DecryptingReader._start(
            source, self._keys, external, required_context, self._limit, trust, self._cache, self._key_cache
        )

    @property
    def verified_signature_count(self) -> int:
        """Mode ``01`` signatures remembered as verified (at most the cache size)."""
        return len(self._cache)


from .stream import DecryptingReader, EncryptingWriter, SealpostStreamError  # noqa: E402
