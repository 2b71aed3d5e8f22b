"""Sealpost: a broker-agnostic envelope-encryption format for messages (v1).

Typical use::

    import sealpost

    kek = sealpost.SymmetricKek("orders", 1, key_bytes)
    envelope = sealpost.encrypt(b"hello", [kek], external_context={"topic": "payments"})
    plaintext = sealpost.decrypt(envelope, [kek], external_context={"topic": "payments"})

Every failure raises :class:`SealpostError`, whose ``category`` is an :class:`ErrorCategory`.
"""

from .compression import Compression
from .context import EncryptionContext
from .envelope import Decrypted, Decryptor, Encryptor, EnvelopeInfo, decrypt, encrypt, inspect, is_envelope
from .errors import ErrorCategory, SealpostError
from .header import Header, RecipientEntry, RecipientType, SignerField
from .signing import SignerRef, SignMode, TrustedWriter, WriterKey
from .stream import DecryptingReader, EncryptingWriter, SealpostStreamError
from .recipients import (
    DecryptionKey,
    KmsClient,
    KmsAllowList,
    KmsKey,
    Recipient,
    SymmetricKek,
    TestKms,
    X25519PrivateKey,
    X25519Recipient,
)
from .suites import Suite

__all__ = [
    "encrypt",
    "decrypt",
    "inspect",
    "is_envelope",
    "Encryptor",
    "EnvelopeInfo",
    "ErrorCategory",
    "SealpostError",
    "Header",
    "RecipientEntry",
    "RecipientType",
    "Recipient",
    "DecryptionKey",
    "SymmetricKek",
    "X25519Recipient",
    "X25519PrivateKey",
    "KmsClient",
    "KmsKey",
    "KmsAllowList",
    "TestKms",
    "Suite",
    "Compression",
    "EncryptionContext",
    "Decryptor",
    "Decrypted",
    "SignMode",
    "WriterKey",
    "TrustedWriter",
    "SignerRef",
    "SignerField",
    "EncryptingWriter",
    "DecryptingReader",
    "SealpostStreamError",
]

__version__ = "0.1.0"
