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
import os
import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Optional, Union

from .context import ContextEntries, canonical_entries, encode_context, encode_entries
from .errors import ErrorCategory, SealpostError, describe_entry, describe_key_id
from .header import (
    MAGIC,
    MAX_KEY_ID_LENGTH,
    MAX_PLAINTEXT_LENGTH,
    MAX_RECIPIENTS,
    Header,
    RecipientEntry,
    is_utf8,
    key_reference,
    parse_envelope,
    write_header,
)
from .kdf import DerivedKeys, derive_deterministic_dek, derive_message_keys, deterministic_info
from .recipients import DecryptionKey, Recipient, SymmetricKek
from .suites import TAG_LENGTH, Suite, open_body, seal

__all__ = [
    "encrypt",
    "decrypt",
    "inspect",
    "is_envelope",
    "Encryptor",
    "EnvelopeInfo",
    "SuiteLike",
]

Context = Optional[Mapping[str, str]]
SuiteLike = Union[Suite, int, str]
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
    """One DEK with everything that is computed once per DEK: derived keys, wrapped entries
    and the header up to (excluding) the nonce."""

    __slots__ = ("suite", "keys", "header_prefix")

    def __init__(
        self,
        suite: Suite,
        dek: bytes,
        recipients: Sequence[Recipient],
        stored: ContextEntries,
    ) -> None:
        self.suite = suite
        self.keys: DerivedKeys = derive_message_keys(dek, int(suite), suite.key_length)
        entries = tuple(r.entry(dek) for r in recipients)  # [RCP-2]: one DEK for all
        placeholder = bytes(suite.nonce_length)
        header = write_header(suite, entries, self.keys.commitment, stored, placeholder)
        self.header_prefix = header.raw[: len(header.raw) - suite.nonce_length]

    def seal(self, nonce: bytes, plaintext: bytes, external: bytes) -> bytes:
        header = self.header_prefix + nonce
        body = seal(self.suite, self.keys.message_key, nonce, header + external, plaintext)
        return header + body


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
    """[SIV-1]: the DEK of suite 0003, from the first recipient's KEK, bound to every recipient
    reference and to both encoded contexts."""
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
) -> bytes:
    """Encrypt one message into one envelope, under a fresh DEK.

    ``stored_context`` is written (visibly) into the header; ``external_context`` is only
    authenticated and must be given again to :func:`decrypt`. The DEK is wrapped for every
    recipient, in the order given. The DEK and the nonce are drawn from ``os.urandom``; for
    ``AES_256_SIV`` the DEK is derived ([SIV-1]) and the nonce is empty.

    Raises :class:`SealpostError` (``limit-exceeded`` and others, [LIM-4]) when the inputs
    would make an envelope a reader must reject.
    """
    return _encrypt(plaintext, recipients, suite, stored_context, external_context, None, None)


def _encrypt(
    plaintext: BytesLike,
    recipients: Sequence[Recipient],
    suite: SuiteLike,
    stored_context: Context,
    external_context: Context,
    dek: Optional[bytes],
    nonce: Optional[bytes],
) -> bytes:
    """:func:`encrypt`, with a fixed DEK and nonce when given (test vectors only, through
    :mod:`sealpost._testing`: a fixed DEK and nonce used twice break [NONCE-1])."""
    s = _suite(suite)
    # [ENC-3]: recipients, stored context, external context, plaintext; the first fault wins.
    recips = _check_recipients(recipients, s)
    stored = canonical_entries(stored_context, "stored context")
    external = encode_context(external_context, "external context")
    data = _check_plaintext(plaintext)
    if s.deterministic:
        if dek is not None or nonce not in (None, b""):
            raise ValueError("AES_256_SIV derives its DEK ([SIV-1]) and has no nonce")
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
    state = _DekState(s, the_dek, recips, stored)
    del the_dek
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
    """

    def __init__(
        self,
        recipients: Sequence[Recipient],
        *,
        suite: SuiteLike = Suite.AES_256_GCM,
        stored_context: Context = None,
        max_messages_per_dek: int = 1 << 24,
        max_dek_age_seconds: float = 3600.0,
    ) -> None:
        if not 1 <= max_messages_per_dek <= 1 << 32:
            raise ValueError("max_messages_per_dek must be between 1 and 2^32")
        self._suite = _suite(suite)
        self._recipients = _check_recipients(recipients, self._suite)
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
                state = _DekState(self._suite, dek, self._recipients, self._stored)
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
            state = _DekState(self._suite, dek, self._recipients, self._stored)
            del dek
            with self._lock:
                if len(self._siv_states) >= _SIV_CACHE_SIZE:
                    self._siv_states.pop(next(iter(self._siv_states)))
                self._siv_states[external] = state
        return state

    def encrypt(self, plaintext: BytesLike, external_context: Context = None) -> bytes:
        """Encrypt one message; see :func:`encrypt` for the contexts."""
        external = encode_context(external_context, "external context")
        data = _check_plaintext(plaintext)  # [ENC-3]: after the external context
        if self._suite.deterministic:
            return self._deterministic(external).seal(b"", data, external)
        state, nonce = self._next()
        return state.seal(nonce, data, external)


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
    """What :func:`inspect` reveals without keys: the whole header and the body length."""

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
    def plaintext_length(self) -> int:
        return self.body_length - TAG_LENGTH


def is_envelope(data: BytesLike) -> bool:
    """True when ``data`` starts with the Sealpost magic ([DET-2]); says nothing of validity."""
    return bytes(data[:3]) == MAGIC


def inspect(envelope: BytesLike, *, max_plaintext_length: int = MAX_PLAINTEXT_LENGTH) -> EnvelopeInfo:
    """Parse and check an envelope's header without keys (SPEC.md section 11, steps 1 to 9).

    Raises :class:`SealpostError` for every fault it meets, in the order of section 11.
    """
    data = _as_bytes(envelope, "envelope")
    header, body = parse_envelope(data, _check_plaintext_limit(max_plaintext_length))
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


def decrypt(
    envelope: BytesLike,
    keys: Iterable[Union[DecryptionKey, Recipient]],
    *,
    external_context: Context = None,
    required_context: Context = None,
    max_plaintext_length: int = MAX_PLAINTEXT_LENGTH,
) -> bytes:
    """Decrypt an envelope and return the whole plaintext, or raise :class:`SealpostError`.

    ``keys`` are the reader's keys (:class:`SymmetricKek`, :class:`X25519PrivateKey`,
    :class:`KmsKey`, :class:`KmsAllowList`); a writer-only recipient such as an
    :class:`X25519Recipient` (a public key) holds nothing. ``external_context`` must equal the writer's. Every entry of
    ``required_context`` must be present with the same value in the stored context ([CTX-4]).
    ``max_plaintext_length`` lowers the plaintext limit of 2^30 bytes ([LIM-3]).

    Follows SPEC.md section 11 and reports the first fault it meets ([ERR-2]). No plaintext is
    returned unless the whole body authenticated ([AUTH-3]).
    """
    data = _as_bytes(envelope, "envelope")
    limit = _check_plaintext_limit(max_plaintext_length)
    key_list = _reader_keys(keys)
    # The external context is the caller's, not the envelope's: check it before anything else.
    external = encode_context(external_context, "external context")

    # Steps 1-9.
    header, body = parse_envelope(data, limit)

    # Step 10: required stored context ([CTX-4]), before unwrapping any key.
    if required_context:
        stored = header.stored_context
        for name, value in required_context.items():
            if stored.get(name) != value:
                raise SealpostError(
                    ErrorCategory.CONTEXT_MISMATCH, "stored context lacks or differs on a required entry"
                )

    # Step 11 ([RCP-8]): held entries in header order ([RCP-5], [KMS-3]). The first held entry
    # gives the DEK or a verdict; only an unavailable key service moves on, for at most
    # MAX_UNWRAP_ATTEMPTS attempts in all.
    dek, index, key = _unwrap_first_held(header.recipients, key_list)

    # Step 12: commitment, in constant time ([COM-2]). The DEK of step 11 is final: a mismatch
    # never leads to another entry ([COM-4]).
    suite = header.suite
    derived = derive_message_keys(dek, int(suite), suite.key_length)
    if not hmac.compare_digest(derived.commitment, header.commitment):
        raise SealpostError(ErrorCategory.COMMITMENT_MISMATCH, "the DEK does not match the commitment")
    if suite.deterministic and index == 0:
        _check_deterministic_dek(header, external, key, dek)
    del dek

    # Step 13: authenticate and decrypt the whole body ([AUTH-1], [AUTH-2]).
    return open_body(suite, derived.message_key, header.nonce, header.raw + external, body)
