"""Writer signatures (SPEC.md section 16): Ed25519 writer keys, the keys a reader trusts, and
step 10a of section 11."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Optional, Union

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import ErrorCategory, SealpostError, describe_key_id
from .header import SIGN_MODE_PER_DEK, Header, is_utf8

__all__ = [
    "SignMode",
    "WriterKey",
    "TrustedWriter",
    "SignerRef",
    "SIGNED_HEADER_LABEL",
    "SIGNED_MESSAGE_LABEL",
]

#: The prefix of the message signed in mode 01 ([SIG-1]).
SIGNED_HEADER_LABEL = b"sealpost/v1 signed header"
#: The prefix of the message signed in mode 02 ([SIG-1]).
SIGNED_MESSAGE_LABEL = b"sealpost/v1 signed message"

MAX_SIGNER_ID_LENGTH = 255


class SignMode(IntEnum):
    """What a writer signs (section 16); the value is the header's ``sign-mode`` byte.

    ``PER_DEK`` (``01``) signs the header without its nonce once per DEK: it proves who created
    the DEK and its recipients, at no per-message cost. ``PER_MESSAGE`` (``02``) signs every
    envelope with its external context: non-repudiation, one signature per message, and never
    with a segmented suite ([SIG-3]).
    """

    PER_DEK = 0x01
    PER_MESSAGE = 0x02


def _signer_id_raw(signer_id: str) -> bytes:
    if not isinstance(signer_id, str):
        raise TypeError("signer id must be str")
    return signer_id.encode("utf-8", "surrogatepass")


def signer_id_fault(raw: bytes) -> Optional[SealpostError]:
    """The fault a reader would find in this signer id, in the order of [ENC-3]: empty or not
    well-formed Unicode -> ``malformed-header`` ([HDR-3], [HDR-4]), over 255 bytes ->
    ``limit-exceeded``; ``None`` for a good one."""
    if not raw:
        return SealpostError(ErrorCategory.MALFORMED_HEADER, "the signer id is empty")
    if not is_utf8(raw):
        return SealpostError(ErrorCategory.MALFORMED_HEADER, "the signer id is not well-formed Unicode")
    if len(raw) > MAX_SIGNER_ID_LENGTH:
        return SealpostError(
            ErrorCategory.LIMIT_EXCEEDED,
            f"signer id of {len(raw)} bytes, at most {MAX_SIGNER_ID_LENGTH} allowed",
        )
    return None


def _signer_id_bytes(signer_id: str) -> bytes:
    """The signer id's UTF-8 bytes, refused as a reader would refuse them in a header."""
    raw = _signer_id_raw(signer_id)
    fault = signer_id_fault(raw)
    if fault is not None:
        raise fault
    return raw


def _check_version(version: int) -> int:
    if not isinstance(version, int) or isinstance(version, bool) or not 0 <= version <= 0xFFFFFFFF:
        raise SealpostError(ErrorCategory.INVALID_KEY_MATERIAL, "signer version must be a u32")
    return version


@dataclass(frozen=True)
class SignerRef:
    """A writer a reader verified ([SIG-8]): its signer id and version."""

    signer_id: str
    version: int


class WriterKey:
    """A writer's Ed25519 key (RFC 8032), named by a signer id and version like a KEK.

    ``private_key`` is the 32-byte RFC 8032 seed, or a ``cryptography`` ``Ed25519PrivateKey``.
    Pass it to :func:`sealpost.encrypt` or :class:`sealpost.Encryptor` as ``signer=``; give
    readers its :meth:`trusted` form::

        >>> import sealpost
        >>> writer = sealpost.WriterKey("payments-writer", 1, bytes(32))
        >>> kek = sealpost.SymmetricKek("orders", 1, bytes(range(32)))
        >>> env = sealpost.encrypt(b"hi", [kek], signer=writer)
        >>> sealpost.inspect(env).suite.name
        'AES_256_GCM_SIGNED'
        >>> reader = sealpost.Decryptor([kek], trusted_writers=[writer.trusted()])
        >>> reader.open(env).verified_signer
        SignerRef(signer_id='payments-writer', version=1)
    """

    __slots__ = ("signer_id", "version", "_key", "public_key")

    def __init__(self, signer_id: str, version: int, private_key: Union[bytes, Ed25519PrivateKey]) -> None:
        # A signer id a reader would refuse is refused when an envelope is written, in the
        # order of [ENC-3] (after the recipients), not here.
        self.signer_id: bytes = _signer_id_raw(signer_id)
        self.version: int = _check_version(version)
        if isinstance(private_key, Ed25519PrivateKey):
            self._key = private_key
        elif isinstance(private_key, (bytes, bytearray, memoryview)):
            if len(private_key) != 32:
                raise SealpostError(ErrorCategory.INVALID_KEY_MATERIAL, "an Ed25519 private key (seed) is 32 bytes")
            self._key = Ed25519PrivateKey.from_private_bytes(bytes(private_key))
        else:
            raise TypeError("private_key must be the 32-byte seed or an Ed25519PrivateKey")
        #: The 32-byte Ed25519 public key.
        self.public_key: bytes = self._key.public_key().public_bytes_raw()

    @classmethod
    def generate(cls, signer_id: str, version: int) -> "WriterKey":
        """A new random writer key."""
        return cls(signer_id, version, Ed25519PrivateKey.generate())

    def check_signer_id(self) -> None:
        """Raise what a writer reports for this key's signer id ([ENC-2]), if anything."""
        fault = signer_id_fault(self.signer_id)
        if fault is not None:
            raise fault

    def trusted(self) -> "TrustedWriter":
        """The :class:`TrustedWriter` a reader configures for this key."""
        return TrustedWriter(self.signer_id.decode("utf-8"), self.version, self.public_key)

    def sign(self, message: bytes) -> bytes:
        """Pure Ed25519 (RFC 8032 5.1.6, no context) over ``message`` ([SIG-1])."""
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"WriterKey(signer_id={self.signer_id.decode('utf-8', 'backslashreplace')!r}, version={self.version})"


class TrustedWriter:
    """A writer key a reader trusts for a source ([SIG-4]): signer id, version and the 32-byte
    Ed25519 public key (or a ``cryptography`` ``Ed25519PublicKey``)."""

    __slots__ = ("signer_id", "version", "public_key", "_key")

    def __init__(self, signer_id: str, version: int, public_key: Union[bytes, Ed25519PublicKey]) -> None:
        self.signer_id: bytes = _signer_id_bytes(signer_id)
        self.version: int = _check_version(version)
        if isinstance(public_key, Ed25519PublicKey):
            self._key = public_key
        elif isinstance(public_key, (bytes, bytearray, memoryview)):
            if len(public_key) != 32:
                raise SealpostError(ErrorCategory.INVALID_KEY_MATERIAL, "an Ed25519 public key is 32 bytes")
            try:
                self._key = Ed25519PublicKey.from_public_bytes(bytes(public_key))
            except ValueError:
                raise SealpostError(ErrorCategory.INVALID_KEY_MATERIAL, "not an Ed25519 public key") from None
        else:
            raise TypeError("public_key must be 32 bytes or an Ed25519PublicKey")
        self.public_key: bytes = self._key.public_bytes_raw()

    def verify(self, signature: bytes, message: bytes) -> bool:
        """RFC 8032 5.1.7 verification, refusing a non-canonical ``S`` ([SIG-6])."""
        if len(signature) != 64 or int.from_bytes(signature[32:], "little") >= _L:
            return False
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __repr__(self) -> str:
        return f"TrustedWriter(signer_id={self.signer_id.decode('utf-8')!r}, version={self.version})"


#: The order of the Ed25519 base point (RFC 8032 5.1): a canonical S is below it.
_L = 2**252 + 27742317777372353535851937790883648493

#: A reader's trust for one source: (signer id bytes, version) -> key. Empty: none required.
Trust = dict[tuple[bytes, int], TrustedWriter]


def make_trust(writers: Optional[Iterable[TrustedWriter]]) -> Trust:
    """Index trusted writers by (signer id bytes, version); two different keys under one name
    are refused (the envelope names the signer, and one name must mean one key)."""
    trust: Trust = {}
    for w in writers or ():
        if not isinstance(w, TrustedWriter):
            raise TypeError(f"not a TrustedWriter: {type(w).__name__}")
        ref = (w.signer_id, w.version)
        other = trust.get(ref)
        if other is not None and other.public_key != w.public_key:
            raise ValueError(f"two keys are trusted as signer {describe_key_id(w.signer_id)} v{w.version}")
        trust[ref] = w
    return trust


class VerificationCache:
    """Mode ``01`` verifications a reader remembers ([SIG-7]): keyed by the exact bytes of the
    trusted public key, of ``P`` and of the signature, so that a hit compares every byte of the
    three ([SIG-9]). Bounded; the oldest entry goes first. Safe to share between threads."""

    __slots__ = ("_seen", "_limit", "_lock")

    def __init__(self, limit: int = 1024) -> None:
        self._seen: dict[tuple[bytes, bytes, bytes], None] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def contains(self, key: tuple[bytes, bytes, bytes]) -> bool:
        return key in self._seen

    def add(self, key: tuple[bytes, bytes, bytes]) -> None:
        if self._limit <= 0:
            return
        with self._lock:
            if key in self._seen:
                return
            if len(self._seen) >= self._limit:
                self._seen.pop(next(iter(self._seen)))
            self._seen[key] = None


def check_writer(
    header: Header,
    trust: Trust,
    envelope_without_signature: Optional[bytes],
    message_signature: Optional[bytes],
    external: bytes,
    cache: Optional[VerificationCache],
) -> Optional[SignerRef]:
    """Step 10a of section 11 for a reader that requires a trusted writer (``trust`` not
    empty): ``untrusted-writer`` ([SIG-5]) or ``signature-invalid`` ([SIG-6]), before any key
    is unwrapped. Returns the verified signer. ``envelope_without_signature`` and
    ``message_signature`` are ``E`` and the last 64 bytes in mode ``02``."""
    signer = header.signer
    if signer is None:
        raise SealpostError(
            ErrorCategory.UNTRUSTED_WRITER,
            f"the envelope is not signed (suite {header.suite.name}) and this source requires a trusted writer",
        )
    writer = trust.get((signer.signer_id, signer.signer_version))
    if writer is None:
        raise SealpostError(
            ErrorCategory.UNTRUSTED_WRITER,
            f"signer {describe_key_id(signer.signer_id)} v{signer.signer_version} is not trusted for this source",
        )
    if signer.sign_mode == SIGN_MODE_PER_DEK:
        assert signer.signature is not None
        p = header.raw[: header.signed_length]
        # [SIG-7], [SIG-9]: the exact public key, P and signature; never the signer's name,
        # which may stand for another key in another source.
        key = (writer.public_key, p, signer.signature)
        if cache is None or not cache.contains(key):
            if not writer.verify(signer.signature, SIGNED_HEADER_LABEL + p):
                raise _invalid(signer.signer_id, signer.signer_version)
            if cache is not None:
                cache.add(key)
    else:
        assert envelope_without_signature is not None and message_signature is not None
        message = SIGNED_MESSAGE_LABEL + envelope_without_signature + external
        if not writer.verify(message_signature, message):
            raise _invalid(signer.signer_id, signer.signer_version)
    return SignerRef(signer.signer_id.decode("utf-8"), signer.signer_version)


def _invalid(signer_id: bytes, version: int) -> SealpostError:
    return SealpostError(
        ErrorCategory.SIGNATURE_INVALID,
        f"the signature of {describe_key_id(signer_id)} v{version} does not verify",
    )
