"""Recipients: wrapping the DEK for a writer, unwrapping it for a reader (SPEC.md section 6),
and the test KMS of appendix A."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from .errors import ErrorCategory, SealpostError
from .header import RecipientEntry, RecipientType
from .hpke import open_base, seal_base, x25519_public_key

__all__ = [
    "Recipient",
    "DecryptionKey",
    "SymmetricKek",
    "X25519Recipient",
    "X25519PrivateKey",
    "KmsClient",
    "KmsKey",
    "TestKms",
    "HPKE_INFO",
]

#: The HPKE ``info`` of [HPKE-1].
HPKE_INFO = b"sealpost/v1 x25519-hpke"
DEK_LENGTH = 32


def _key_id_bytes(key_id: str) -> bytes:
    if not isinstance(key_id, str):
        raise TypeError("key id must be str")
    try:
        return key_id.encode("utf-8", "strict")
    except UnicodeEncodeError:
        raise SealpostError(ErrorCategory.INVALID_KEY_MATERIAL, "key id is not valid Unicode text") from None


def _check_version(version: int) -> int:
    if not isinstance(version, int) or not 0 <= version <= 0xFFFFFFFF:
        raise SealpostError(ErrorCategory.INVALID_KEY_MATERIAL, "key version must be a u32")
    return version


def _check_key(key: bytes, length: int, what: str) -> bytes:
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes")
    key = bytes(key)
    if len(key) != length:
        raise SealpostError(
            ErrorCategory.INVALID_KEY_MATERIAL, f"{what} must be {length} bytes, got {len(key)}"
        )
    return key


class Recipient(ABC):
    """A writer-side recipient: something the DEK can be wrapped for."""

    recipient_type: int
    key_id: bytes
    key_version: int

    @abstractmethod
    def wrap(self, dek: bytes) -> bytes:
        """Return the ``wrapped-dek`` field for this recipient."""

    def entry(self, dek: bytes) -> RecipientEntry:
        """The header entry wrapping ``dek`` for this recipient ([ENC-1])."""
        return RecipientEntry(self.recipient_type, self.key_id, self.key_version, self.wrap(dek))


class DecryptionKey(ABC):
    """A reader-side key: matches recipient entries and unwraps their DEK."""

    @abstractmethod
    def matches(self, entry: RecipientEntry) -> bool:
        """True when this key is the one the entry names ([RCP-5])."""

    @abstractmethod
    def unwrap(self, entry: RecipientEntry) -> bytes:
        """The 32-byte DEK, or ``SealpostError`` (``unwrap-failed``, ``key-service-failure``)."""


class SymmetricKek(Recipient, DecryptionKey):
    """Type ``01``: a 32-byte AES-256 KEK named by (key id, version) (6.1).

    Serves both as a writer recipient and as a reader key.
    """

    recipient_type = int(RecipientType.SYMMETRIC)

    def __init__(self, key_id: str, version: int, key: bytes) -> None:
        self.key_id = _key_id_bytes(key_id)
        self.key_version = _check_version(version)
        self._key = _check_key(key, 32, "symmetric KEK")

    @property
    def kek(self) -> bytes:
        """The raw KEK (needed for the deterministic DEK of [SIV-1])."""
        return self._key

    def wrap(self, dek: bytes) -> bytes:
        return aes_key_wrap(self._key, dek)  # [SYM-1]

    def matches(self, entry: RecipientEntry) -> bool:
        return (entry.type, entry.key_id, entry.key_version) == (
            self.recipient_type,
            self.key_id,
            self.key_version,
        )

    def unwrap(self, entry: RecipientEntry) -> bytes:
        try:
            return aes_key_unwrap(self._key, entry.wrapped_dek)
        except (InvalidUnwrap, ValueError):
            raise SealpostError(ErrorCategory.UNWRAP_FAILED, "AES key wrap integrity check failed") from None

    def __repr__(self) -> str:
        return f"SymmetricKek(key_id={self.key_id!r}, version={self.key_version})"


class X25519Recipient(Recipient):
    """Type ``02``, writer side: a reader's X25519 public key, sealed to through HPKE (6.2).

    Every wrap draws a fresh ephemeral key pair ([HPKE-2]).
    """

    recipient_type = int(RecipientType.X25519)

    def __init__(self, key_id: str, version: int, public_key: bytes) -> None:
        self.key_id = _key_id_bytes(key_id)
        self.key_version = _check_version(version)
        self.public_key = _check_key(public_key, 32, "X25519 public key")
        # Fixed only by sealpost._testing, for byte-exact vectors.
        self._ephemeral: bytes | None = None

    def wrap(self, dek: bytes) -> bytes:
        enc, ct = seal_base(
            self.public_key, HPKE_INFO, b"", dek, ephemeral_private_key=self._ephemeral
        )
        return enc + ct

    def __repr__(self) -> str:
        return f"X25519Recipient(key_id={self.key_id!r}, version={self.key_version})"


class X25519PrivateKey(DecryptionKey):
    """Type ``02``, reader side: an X25519 private key (RFC 7748 scalar, 32 raw bytes)."""

    recipient_type = int(RecipientType.X25519)

    def __init__(self, key_id: str, version: int, private_key: bytes) -> None:
        self.key_id = _key_id_bytes(key_id)
        self.key_version = _check_version(version)
        self._private = _check_key(private_key, 32, "X25519 private key")
        self.public_key = x25519_public_key(self._private)

    def recipient(self) -> X25519Recipient:
        """The writer-side recipient for this key pair's public key."""
        return X25519Recipient(self.key_id.decode("utf-8"), self.key_version, self.public_key)

    def matches(self, entry: RecipientEntry) -> bool:
        return (entry.type, entry.key_id, entry.key_version) == (
            self.recipient_type,
            self.key_id,
            self.key_version,
        )

    def unwrap(self, entry: RecipientEntry) -> bytes:
        wrapped = entry.wrapped_dek
        return open_base(wrapped[:32], self._private, HPKE_INFO, b"", wrapped[32:])

    def __repr__(self) -> str:
        return f"X25519PrivateKey(key_id={self.key_id!r}, version={self.key_version})"


@runtime_checkable
class KmsClient(Protocol):
    """A KMS: encrypts and decrypts small secrets under a key named by URI, with empty AAD.

    A client signals an unreachable or refusing service by raising ``SealpostError`` with
    ``key-service-failure``; any other exception from ``decrypt`` counts as a refused
    ciphertext.
    """

    def encrypt(self, key_uri: str, plaintext: bytes) -> bytes: ...

    def decrypt(self, key_uri: str, ciphertext: bytes) -> bytes: ...


class KmsKey(Recipient, DecryptionKey):
    """Type ``03``: a KMS key URI and the client that reaches it (6.3).

    Serves both as a writer recipient (writing ``version``, by default 0, [KMS-1]) and as a
    reader key. As a reader key it matches entries of type ``03`` with its URI as key id and
    any key version, since KMS keys rotate inside the KMS.
    """

    recipient_type = int(RecipientType.KMS)

    def __init__(self, key_uri: str, client: KmsClient, version: int = 0) -> None:
        self.key_uri = key_uri
        self.key_id = _key_id_bytes(key_uri)
        self.key_version = _check_version(version)
        self.client = client

    def wrap(self, dek: bytes) -> bytes:
        return bytes(self.client.encrypt(self.key_uri, dek))  # [KMS-1]: stored unchanged

    def matches(self, entry: RecipientEntry) -> bool:
        return entry.type == self.recipient_type and entry.key_id == self.key_id

    def unwrap(self, entry: RecipientEntry) -> bytes:
        try:
            dek = self.client.decrypt(self.key_uri, entry.wrapped_dek)
        except SealpostError as e:
            if e.category is ErrorCategory.KEY_SERVICE_FAILURE:
                raise
            raise SealpostError(ErrorCategory.UNWRAP_FAILED, "the KMS refused the ciphertext") from None
        except Exception:
            raise SealpostError(ErrorCategory.UNWRAP_FAILED, "the KMS refused the ciphertext") from None
        if not isinstance(dek, (bytes, bytearray)) or len(dek) != DEK_LENGTH:
            raise SealpostError(ErrorCategory.UNWRAP_FAILED, "the KMS did not return a 32-byte DEK")
        return bytes(dek)  # [KMS-2]

    def __repr__(self) -> str:
        return f"KmsKey(key_uri={self.key_uri!r}, version={self.key_version})"


class TestKms:
    """The local test KMS of SPEC.md appendix A, for tests and vectors only.

    ``wrap(uri, dek) = n || AES-256-GCM(key[uri], n, aad = utf8(uri), dek)``. ``nonce_source``
    returns the 12-byte ``n`` (random by default; vectors fix it).
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        keys: Mapping[str, bytes],
        nonce_source: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self._keys = {uri: _check_key(k, 32, "test KMS key") for uri, k in keys.items()}
        self._nonce_source = nonce_source

    def _key(self, key_uri: str) -> bytes:
        try:
            return self._keys[key_uri]
        except KeyError:
            raise SealpostError(ErrorCategory.KEY_SERVICE_FAILURE, "unknown test KMS key") from None

    def encrypt(self, key_uri: str, plaintext: bytes) -> bytes:
        key = self._key(key_uri)
        nonce = self._nonce_source(12)
        if len(nonce) != 12:
            raise ValueError("test KMS nonce must be 12 bytes")
        return nonce + AESGCM(key).encrypt(nonce, plaintext, key_uri.encode("utf-8"))

    def decrypt(self, key_uri: str, ciphertext: bytes) -> bytes:
        key = self._key(key_uri)
        if len(ciphertext) < 12 + 16:
            raise SealpostError(ErrorCategory.UNWRAP_FAILED, "test KMS ciphertext too short")
        try:
            return AESGCM(key).decrypt(ciphertext[:12], ciphertext[12:], key_uri.encode("utf-8"))
        except InvalidTag:
            raise SealpostError(ErrorCategory.UNWRAP_FAILED, "test KMS refused the ciphertext") from None
