"""An envelope writer written from SPEC.md alone, independent of the port under test.

It uses the ``cryptography`` package's primitives directly (HKDF, AES key wrap, AES-GCM,
ChaCha20-Poly1305, Ed25519) and lays out bytes as sections 3, 5, 7, 8, 16 and 17 say, with
hooks to produce what no honest writer would: another signature, the last-segment flag on a
middle segment, segments from elsewhere. Tests compare the port with it and feed the port
what it builds.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

MAGIC = b"\xf7\x53\x50"
SEG = 65536
L = 2**252 + 27742317777372353535851937790883648493  # RFC 8032: the order of the base point


def extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def expand(prk: bytes, info: bytes, n: int) -> bytes:
    return HKDFExpand(hashes.SHA256(), n, info).derive(prk)


def encode_ctx(ctx: dict[str, str]) -> bytes:
    """Section 7 for keys whose UTF-8 bytes sort like the strings (ASCII in these tests)."""
    out = bytes([len(ctx)])
    for k in sorted(ctx, key=lambda s: s.encode()):
        kb, vb = k.encode(), ctx[k].encode()
        out += bytes([len(kb)]) + kb + struct.pack(">H", len(vb)) + vb
    return out


def pattern(n: int) -> bytes:
    """test-vectors/README.md: byte i = i mod 251."""
    return (bytes(range(251)) * (n // 251 + 1))[:n]


@dataclass
class Signer:
    seed: bytes
    signer_id: bytes
    version: int
    mode: int  # 1 per DEK, 2 per message

    @property
    def public_key(self) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


@dataclass
class Kek:
    key_id: bytes
    version: int
    key: bytes


@dataclass
class Spec:
    """One envelope's inputs. ``suite`` is the u16 id."""

    suite: int
    keks: Sequence[Kek]
    dek: bytes
    nonce: bytes
    plaintext: bytes = b""
    stored: dict[str, str] = field(default_factory=dict)
    external: dict[str, str] = field(default_factory=dict)
    signer: Signer | None = None
    # Hooks for hostile envelopes.
    header_signature: Callable[[bytes], bytes] | None = None  # P -> the 64 bytes written (mode 01)
    message_signature: Callable[[bytes], bytes] | None = None  # signed message -> the 64 bytes (mode 02)
    segment_flags: Callable[[int, int], int] | None = None  # (i, n) -> f written in nonce_i
    segment_size: int = SEG

    @property
    def signed(self) -> bool:
        return self.suite >> 8 in (1, 3, 5)

    @property
    def segmented(self) -> bool:
        return self.suite >> 8 in (2, 3)

    def aead(self, key: bytes) -> AESGCM | ChaCha20Poly1305:
        return AESGCM(key) if self.suite & 0xFF == 1 else ChaCha20Poly1305(key)

    def prk(self) -> bytes:
        return extract(b"sealpost/v1", self.dek)

    def commitment(self) -> bytes:
        return expand(self.prk(), b"sealpost/v1 commit" + struct.pack(">H", self.suite), 32)

    def k_msg(self) -> bytes:
        return expand(self.prk(), b"sealpost/v1 key" + struct.pack(">H", self.suite), 32)

    def k_env(self) -> bytes:
        return expand(self.prk(), b"sealpost/v1 segment key" + struct.pack(">H", self.suite) + self.nonce, 32)

    def p(self) -> bytes:
        """The header through the signer version (``P`` of section 16), or through the stored
        context when unsigned."""
        out = MAGIC + b"\x01" + struct.pack(">HB", self.suite, len(self.keks))
        for k in self.keks:
            wrapped = aes_key_wrap(k.key, self.dek)
            out += bytes([1, len(k.key_id)]) + k.key_id + struct.pack(">IH", k.version, len(wrapped)) + wrapped
        out += self.commitment() + encode_ctx(self.stored)
        if self.signer is not None:
            s = self.signer
            out += bytes([s.mode, len(s.signer_id)]) + s.signer_id + struct.pack(">I", s.version)
        return out

    def header(self) -> bytes:
        p = self.p()
        if self.signer is not None and self.signer.mode == 1:
            sign = self.header_signature or (lambda p_: self.signer.sign(b"sealpost/v1 signed header" + p_))  # type: ignore[union-attr]
            p += sign(p)
        return p + self.nonce

    def segments(self) -> list[bytes]:
        """The segments of section 17, each ciphertext || tag."""
        header = self.header()
        pt = self.plaintext
        n = max(1, -(-len(pt) // self.segment_size))
        aead = self.aead(self.k_env())
        out = []
        for i in range(n):
            f = (1 if i == n - 1 else 0) if self.segment_flags is None else self.segment_flags(i, n)
            nonce_i = i.to_bytes(11, "big") + bytes([f])
            aad = header + encode_ctx(self.external) if i == 0 else b""
            out.append(aead.encrypt(nonce_i, pt[i * self.segment_size : (i + 1) * self.segment_size], aad))
        return out

    def envelope(self, segments: Sequence[bytes] | None = None) -> bytes:
        header = self.header()
        if self.segmented:
            body = b"".join(self.segments() if segments is None else segments)
        else:
            body = self.aead(self.k_msg()).encrypt(self.nonce, self.plaintext, header + encode_ctx(self.external))
        env = header + body
        if self.signer is not None and self.signer.mode == 2:
            message = b"sealpost/v1 signed message" + env + encode_ctx(self.external)
            sign = self.message_signature or self.signer.sign
            env += sign(message)
        return env


def non_canonical(signature: bytes) -> bytes:
    """The same signature with ``S`` replaced by ``S + L``: valid for a verifier that does not
    check ``S < L`` (RFC 8032 5.1.7 requires the check)."""
    s = int.from_bytes(signature[32:], "little") + L
    return signature[:32] + s.to_bytes(32, "little")
