"""Recipients: wrapping the DEK for a writer, unwrapping it for a reader (SPEC.md section 6),
and the test KMS of appendix A."""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from .errors import ErrorCategory, SealpostError
from .header import RecipientEntry, RecipientType
from .kdf import derive_deterministic_dek_from_info
from .hpke import open_base, seal_base, x25519_public_key

__all__ = [
    "Recipient",
    "DecryptionKey",
    "SymmetricKek",
    "X25519Recipient",
    "X25519PrivateKey",
    "KmsClient",
    "KmsKey",
    "KmsAllowList",
    "TestKms",
    "HPKE_INFO",
]

#: The HPKE ``info`` of [HPKE-1].
HPKE_INFO = b"sealpost/v1 x25519-hpke"
DEK_LENGTH = 32


def _key_id_bytes(key_id: str) -> bytes:
    """The key id's UTF-8 bytes. A lone surrogate is kept (as its 3-byte form, which is not
    UTF-8), so that a writer reports it in the order of [ENC-3] (``malformed-header``) and a
    reader key with such an id matches no entry."""
    if not isinstance(key_id, str):
        raise TypeError("key id must be str")
    return key_id.encode("utf-8", "surrogatepass")


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

    def _check_held(self) -> None:
        """Raise ``invalid-key-material`` when the writer cannot wrap for this recipient (no such
        key; a KMS client that does not serve the URI). Checked last for each recipient, in the
        order of [ENC-3]."""

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

    def deterministic_dek(self, info: bytes) -> bytes | None:
        """The DEK that [SIV-1] derives from this key as ``KEK_1`` and ``info``, or ``None`` when
        this key cannot derive it. A reader that unwrapped a suite ``0003`` DEK from the first
        entry with a key that returns ``None`` fails closed ([SIV-4])."""
        return None


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

    def deterministic_dek(self, info: bytes) -> bytes:
        return derive_deterministic_dek_from_info(self._key, info)

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
        return X25519Recipient(self.key_id.decode("utf-8", "surrogatepass"), self.key_version, self.public_key)

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
    """A KMS: encrypts and decrypts small secrets under a key named by URI, with no associated
    data (6.3).

    A client signals an unreachable or refusing service by raising ``SealpostError`` with
    ``key-service-failure``; any other exception from ``decrypt`` counts as a refused
    ciphertext. A client MAY also have ``supports(key_uri) -> bool``: a writer then refuses a URI
    it does not serve (``invalid-key-material``), and a reader in discovery mode
    (:class:`KmsAllowList`) calls it only for URIs it serves.
    """

    def encrypt(self, key_uri: str, plaintext: bytes) -> bytes: ...

    def decrypt(self, key_uri: str, ciphertext: bytes) -> bytes: ...


def _client_supports(client: object, key_uri: str) -> bool:
    supports = getattr(client, "supports", None)
    return True if supports is None else bool(supports(key_uri))


def _kms_unwrap(client: KmsClient, key_uri: str, wrapped: bytes) -> bytes:
    try:
        dek = client.decrypt(key_uri, wrapped)
    except SealpostError as e:
        if e.category is ErrorCategory.KEY_SERVICE_FAILURE:
            raise
        raise SealpostError(ErrorCategory.UNWRAP_FAILED, f"the KMS refused the ciphertext for '{key_uri}'") from None
    except Exception:
        raise SealpostError(ErrorCategory.UNWRAP_FAILED, f"the KMS refused the ciphertext for '{key_uri}'") from None
    if not isinstance(dek, (bytes, bytearray)) or len(dek) != DEK_LENGTH:
        raise SealpostError(ErrorCategory.UNWRAP_FAILED, f"the KMS did not return a 32-byte DEK for '{key_uri}'")
    return bytes(dek)  # [KMS-2]


class KmsKey(Recipient, DecryptionKey):
    """Type ``03``: a KMS key URI and the client that reaches it (6.3).

    Serves both as a writer recipient (writing ``version``, by default 0, [KMS-1]) and as a
    reader key. As a reader key it is an allow-list of exactly this URI ([KMS-3]): it matches
    entries of type ``03`` with this URI as key id and any key version, since KMS keys rotate
    inside the KMS. To allow several URIs or URI prefixes, use :class:`KmsAllowList`.
    """

    recipient_type = int(RecipientType.KMS)

    def __init__(self, key_uri: str, client: KmsClient, version: int = 0) -> None:
        self.key_uri = key_uri
        self.key_id = _key_id_bytes(key_uri)
        self.key_version = _check_version(version)
        self.client = client

    def _check_held(self) -> None:
        if not _client_supports(self.client, self.key_uri):
            raise SealpostError(
                ErrorCategory.INVALID_KEY_MATERIAL, f"the KMS client does not serve '{self.key_uri}'"
            )

    def wrap(self, dek: bytes) -> bytes:
        return bytes(self.client.encrypt(self.key_uri, dek))  # [KMS-1]: stored unchanged

    def matches(self, entry: RecipientEntry) -> bool:
        return entry.type == self.recipient_type and entry.key_id == self.key_id

    def unwrap(self, entry: RecipientEntry) -> bytes:
        return _kms_unwrap(self.client, self.key_uri, entry.wrapped_dek)

    def __repr__(self) -> str:
        return f"KmsKey(key_uri={self.key_uri!r}, version={self.key_version})"


_log = logging.getLogger("sealpost")


class KmsAllowList(DecryptionKey):
    """Reader side of type ``03``: the KMS key URIs this reader lets an envelope make it call
    ([KMS-3]).

    An entry is held when its key URI equals one of ``key_uris`` or starts with one of
    ``key_uri_prefixes``; any key version matches. The envelope's writer chooses the URI, so
    without an allow-list a hostile envelope would make the reader call its KMS, with the
    reader's credentials, on keys of the writer's choosing.

    ``discovery=True`` holds every type ``03`` entry whose URI the client serves (its
    ``supports(key_uri)``, or every URI when it has none). It is an explicit opt-in, never a
    default, and logs a warning on the ``sealpost`` logger.
    """

    def __init__(
        self,
        client: KmsClient,
        *,
        key_uris: Iterable[str] = (),
        key_uri_prefixes: Iterable[str] = (),
        discovery: bool = False,
    ) -> None:
        uris = list(key_uris)
        prefixes = list(key_uri_prefixes)
        for value in uris + prefixes:
            if not isinstance(value, str) or not value:
                raise ValueError("KMS key URIs and prefixes must be non-empty strings")
        if not uris and not prefixes and not discovery:
            raise ValueError(
                "KmsAllowList needs key_uris=[...] or key_uri_prefixes=[...] (or the opt-in "
                "discovery=True, which lets every envelope choose the KMS key)"
            )
        self.client = client
        self.key_uris = frozenset(_key_id_bytes(u) for u in uris)
        self.key_uri_prefixes = tuple(_key_id_bytes(p) for p in prefixes)
        self.discovery = bool(discovery)
        if self.discovery:
            _log.warning(
                "sealpost: KMS discovery is on: envelopes choose which KMS keys this reader calls "
                "with its credentials; prefer key_uris or key_uri_prefixes"
            )

    def matches(self, entry: RecipientEntry) -> bool:
        if entry.type != _KMS_TYPE:
            return False
        key_id = entry.key_id
        if key_id in self.key_uris or any(key_id.startswith(p) for p in self.key_uri_prefixes):
            return True
        return self.discovery and _client_supports(self.client, key_id.decode("utf-8"))

    def unwrap(self, entry: RecipientEntry) -> bytes:
        return _kms_unwrap(self.client, entry.key_id.decode("utf-8"), entry.wrapped_dek)

    def __repr__(self) -> str:
        return (
            f"KmsAllowList(key_uris={sorted(u.decode('utf-8', 'surrogatepass') for u in self.key_uris)!r}, "
            f"key_uri_prefixes={[p.decode('utf-8', 'surrogatepass') for p in self.key_uri_prefixes]!r}, "
            f"discovery={self.discovery})"
        )


_KMS_TYPE = int(RecipientType.KMS)


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

    def supports(self, key_uri: str) -> bool:
        """True when this test KMS holds a key for ``key_uri``."""
        return key_uri in self._keys

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
