"""Test hooks for byte-exact test vectors. Not part of the API.

Everything here fixes a value that the library otherwise draws at random: the DEK, the nonce,
the HPKE ephemeral key. A fixed DEK and nonce used for two different messages repeat a
(key, nonce) pair ([NONCE-1]) and give both plaintexts away; a fixed ephemeral key does the same
for HPKE ([HPKE-2]). These exist so that the vectors of SPEC.md section 15 can be reproduced;
never call them outside tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, Optional

from .context import canonical_entries, encode_context
from .envelope import (
    BytesLike,
    Context,
    SuiteLike,
    _check_recipients,
    _check_signer,
    _DekState,
    _encrypt,
    _new_dek,
    _writer_suite,
)
from .stream import EncryptingWriter
from .recipients import Recipient, X25519Recipient, _check_key
from .signing import SignMode, WriterKey
from .suites import Suite

__all__ = ["encrypt_fixed", "x25519_recipient_fixed", "encrypting_writer_fixed"]


def encrypt_fixed(
    plaintext: BytesLike,
    recipients: Sequence[Recipient],
    *,
    suite: SuiteLike = Suite.AES_256_GCM,
    stored_context: Context = None,
    external_context: Context = None,
    dek: Optional[bytes] = None,
    nonce: Optional[bytes] = None,
    signer: Optional[WriterKey] = None,
    sign_mode: SignMode = SignMode.PER_DEK,
    segmented: bool = False,
    compression: Optional[str] = None,
    packed: Optional[bytes] = None,
) -> bytes:
    """``sealpost.encrypt`` with the given DEK and nonce (``None``: drawn as usual). For
    ``AES_256_SIV`` the DEK is always derived ([SIV-1]) and the nonce is empty. For a
    compressed suite, ``packed`` is the packed payload to encrypt instead of packing
    ``plaintext`` (section 15: compressors are not specified bit for bit)."""
    return _encrypt(
        plaintext, recipients, suite, stored_context, external_context, dek, nonce, signer, sign_mode, segmented,
        compression, packed,
    )


def x25519_recipient_fixed(
    key_id: str, version: int, public_key: bytes, ephemeral_private_key: bytes
) -> X25519Recipient:
    """An :class:`X25519Recipient` whose every wrap uses this ephemeral private key (the raw
    32-byte X25519 scalar of RFC 7748, as the encrypt vectors store it)."""
    r = X25519Recipient(key_id, version, public_key)
    r._ephemeral = _check_key(ephemeral_private_key, 32, "X25519 ephemeral private key")
    return r


def encrypting_writer_fixed(
    sink: BinaryIO,
    recipients: Sequence[Recipient],
    *,
    suite: SuiteLike,
    dek: bytes,
    nonce: bytes,
    stored_context: Context = None,
    external_context: Context = None,
    signer: Optional[WriterKey] = None,
    sign_mode: SignMode = SignMode.PER_DEK,
) -> EncryptingWriter:
    """``Encryptor(...).writer(sink, ...)`` for a segmented suite, under this DEK and nonce."""
    s, sig, _ = _writer_suite(suite, signer, sign_mode, True)
    recips = _check_recipients(recipients, s)
    _check_signer(sig, s)
    stored = canonical_entries(stored_context, "stored context")
    external = encode_context(external_context, "external context")
    state = _DekState(s, _new_dek(dek), recips, stored, sig)
    if len(nonce) != s.nonce_length:
        raise ValueError(f"the nonce of {s.name} is {s.nonce_length} bytes")
    return EncryptingWriter(sink, state, bytes(nonce), external)
