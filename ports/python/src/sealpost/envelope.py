"""Public API: encrypt, decrypt and inspect envelopes (SPEC.md sections 5, 8 and 11).

Two ways to write envelopes:

* :func:`encrypt` draws a fresh DEK (and a random nonce) for every call. Simple, and what the
  byte-exact test vectors use, since every input can be fixed.
* :class:`Encryptor` reuses one DEK for many messages ([DEK-2]) with counter nonces
  ([NONCE-2]) and rotates it after a message count or an age ([DEK-3], [DEK-4]).
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

from .context import ContextEntries, canonical_entries, encode_context
from .errors import ErrorCategory, SealpostError
from .header import (
    MAGIC,
    MAX_KEY_ID_LENGTH,
    MAX_PLAINTEXT_LENGTH,
    MAX_RECIPIENTS,
    Header,
    RecipientEntry,
    parse_envelope,
    write_header,
)
from .kdf import DerivedKeys, derive_deterministic_dek, derive_message_keys
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
    """Writer-side checks that need no cryptography ([LIM-4], [RCP-1], [SUITE-3])."""
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
    for r in recips:
        if not r.key_id:
            raise SealpostError(ErrorCategory.MALFORMED_HEADER, "a key id must not be empty")
        if len(r.key_id) > MAX_KEY_ID_LENGTH:
            raise SealpostError(
                ErrorCategory.LIMIT_EXCEEDED,
                f"key id of {len(r.key_id)} bytes, at most {MAX_KEY_ID_LENGTH} allowed",
            )
    if suite.deterministic and not all(isinstance(r, SymmetricKek) for r in recips):
        # [SUITE-3]: only symmetric KEKs wrap deterministically.
        raise SealpostError(
            ErrorCategory.INVALID_KEY_MATERIAL,
            "suite AES_256_SIV can only be used with symmetric KEK recipients",
        )
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


def _new_dek(
    suite: Suite, recipients: Sequence[Recipient], dek: Optional[bytes]
) -> bytes:
    if suite.deterministic:
        if dek is not None:
            raise ValueError("the DEK of AES_256_SIV is derived ([SIV-1]); do not pass one")
        first = recipients[0]
        assert isinstance(first, SymmetricKek)
        return derive_deterministic_dek(first.kek, int(suite), first.key_id, first.key_version)
    if dek is None:
        return os.urandom(DEK_LENGTH)  # [DEK-1]
    dek = _as_bytes(dek, "dek")
    if len(dek) != DEK_LENGTH:
        raise SealpostError(ErrorCategory.INVALID_KEY_MATERIAL, "a DEK is 32 bytes")
    return dek


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
    data = _check_plaintext(plaintext)
    recips = _check_recipients(recipients, s)
    stored = canonical_entries(stored_context, "stored context")
    external = encode_context(external_context, "external context")
    if s.deterministic:
        if nonce not in (None, b""):
            raise ValueError("AES_256_SIV has no nonce")
        the_nonce = b""
    elif nonce is None:
        the_nonce = os.urandom(NONCE_LENGTH)  # [NONCE-2] allows random nonces
    else:
        the_nonce = _as_bytes(nonce, "nonce")
        if len(the_nonce) != s.nonce_length:
            raise ValueError(f"the nonce of {s.name} is {s.nonce_length} bytes")
    state = _DekState(s, _new_dek(s, recips, dek), recips, stored)
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
        _LIVE_ENCRYPTORS.add(self)

    @property
    def suite(self) -> Suite:
        return self._suite

    def rotate(self) -> None:
        """Drop the current DEK; the next message gets a new one."""
        with self._lock:
            self._state = None

    def _forget_after_fork(self) -> None:
        """In a fork child: drop the parent's DEK and nonce sequence ([DEK-6]). The lock is made
        anew, since a parent thread may have held it at the fork and will never release it here."""
        self._lock = threading.Lock()
        self._state = None
        self._base = 0
        self._counter = 0

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
                dek = _new_dek(self._suite, self._recipients, None)
                state = _DekState(self._suite, dek, self._recipients, self._stored)
                del dek
                self._state = state
                self._base = int.from_bytes(os.urandom(NONCE_LENGTH), "big") if self._suite.nonce_length else 0
                self._counter = 0
                self._created = now
                self._pid = pid
            i = self._counter
            self._counter = i + 1
            if not state.suite.nonce_length:
                return state, b""
            # [NONCE-2]: base XOR (u32(0) || u64(i)); i < 2^32 by [DEK-3].
            return state, (self._base ^ i).to_bytes(NONCE_LENGTH, "big")

    def encrypt(self, plaintext: BytesLike, external_context: Context = None) -> bytes:
        """Encrypt one message; see :func:`encrypt` for the contexts."""
        data = _check_plaintext(plaintext)
        external = encode_context(external_context, "external context")
        state, nonce = self._next()
        return state.seal(nonce, data, external)


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


def decrypt(
    envelope: BytesLike,
    keys: Iterable[DecryptionKey],
    *,
    external_context: Context = None,
    required_context: Context = None,
    max_plaintext_length: int = MAX_PLAINTEXT_LENGTH,
) -> bytes:
    """Decrypt an envelope and return the whole plaintext, or raise :class:`SealpostError`.

    ``keys`` are the reader's keys (:class:`SymmetricKek`, :class:`X25519PrivateKey`,
    :class:`KmsKey`). ``external_context`` must equal the writer's. Every entry of
    ``required_context`` must be present with the same value in the stored context ([CTX-4]).
    ``max_plaintext_length`` lowers the plaintext limit of 2^30 bytes ([LIM-3]).

    Follows SPEC.md section 11 and reports the first fault it meets ([ERR-2]). No plaintext is
    returned unless the whole body authenticated ([AUTH-3]).
    """
    data = _as_bytes(envelope, "envelope")
    limit = _check_plaintext_limit(max_plaintext_length)
    key_list = list(keys)
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

    # Step 11: recipient selection, in header order ([RCP-4], [RCP-5]).
    dek: Optional[bytes] = None
    failure: Optional[SealpostError] = None
    for entry in header.recipients:
        held = next((k for k in key_list if k.matches(entry)), None)
        if held is None:
            continue
        try:
            candidate = held.unwrap(entry)
        except SealpostError as e:
            if failure is None or e.category is ErrorCategory.KEY_SERVICE_FAILURE:
                failure = e
            continue
        except Exception:
            failure = failure or SealpostError(ErrorCategory.UNWRAP_FAILED, "unwrapping failed")
            continue
        if len(candidate) != DEK_LENGTH:
            failure = failure or SealpostError(ErrorCategory.UNWRAP_FAILED, "unwrapped DEK is not 32 bytes")
            continue
        dek = candidate
        break
    if dek is None:
        if failure is None:
            raise SealpostError(ErrorCategory.NO_MATCHING_KEY, "no key held for any recipient")
        if failure.category is ErrorCategory.KEY_SERVICE_FAILURE:
            raise failure
        raise SealpostError(ErrorCategory.UNWRAP_FAILED, "every held recipient failed to unwrap")

    # Step 12: commitment, in constant time ([COM-2]).
    suite = header.suite
    derived = derive_message_keys(dek, int(suite), suite.key_length)
    del dek
    if not hmac.compare_digest(derived.commitment, header.commitment):
        raise SealpostError(ErrorCategory.COMMITMENT_MISMATCH, "the DEK does not match the commitment")

    # Step 13: authenticate and decrypt the whole body ([AUTH-1], [AUTH-2]).
    return open_body(suite, derived.message_key, header.nonce, header.raw + external, body)
