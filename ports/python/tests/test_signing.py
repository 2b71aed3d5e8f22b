"""Writer signatures (SPEC.md section 16; section 11 steps 7a and 10a; section 14).

Expected bytes come from tests/spec_writer.py, written from SPEC.md with the `cryptography`
package's primitives, never from the port under test.
"""

from __future__ import annotations

import struct
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey as CryptoX25519

import sealpost
from sealpost import (
    Decryptor,
    Encryptor,
    ErrorCategory as C,
    SealpostError,
    SignerRef,
    SignMode,
    Suite,
    SymmetricKek,
    TrustedWriter,
    WriterKey,
)
from sealpost._testing import encrypt_fixed
from spec_writer import Kek, Signer, Spec, encode_ctx, non_canonical

KEK = bytes(range(32))
DEK = bytes(range(100, 132))
NONCE = bytes(range(12))
SEED = bytes(range(200, 232))
OTHER_SEED = bytes(range(1, 33))
ORDERS = SymmetricKek("orders", 2, KEK)
WRITER = WriterKey("payments-writer", 1, SEED)
TRUST = [WRITER.trusted()]
EXT = {"topic": "payments"}


def spec(suite: int = 0x0101, mode: int = 1, plaintext: bytes = b"amount=12.50", **kw: Any) -> Spec:
    signer = Signer(SEED, b"payments-writer", 1, mode) if suite >> 8 in (1, 3) else None
    return Spec(suite, [Kek(b"orders", 2, KEK)], DEK, NONCE, plaintext, {"tenant": "acme"}, dict(EXT), signer, **kw)


def category(fn: Any) -> C:
    with pytest.raises(SealpostError) as e:
        fn()
    return e.value.category


class CountingKek(SymmetricKek):
    """A reader KEK that counts unwraps, to show what happens before step 11."""

    def __init__(self) -> None:
        super().__init__("orders", 2, KEK)
        self.unwraps = 0

    def unwrap(self, entry: sealpost.RecipientEntry) -> bytes:
        self.unwraps += 1
        return super().unwrap(entry)


# --- [SIG-1] the writer signs exactly the message of its mode -----------------------------------


@pytest.mark.parametrize(("suite", "mode"), [(0x0101, 1), (0x0101, 2), (0x0102, 1), (0x0102, 2)])
def test_sig1_writer_bytes_match_the_spec(suite: int, mode: int) -> None:
    """[SIG-1], [HDR-1]: with a fixed DEK and nonce the port writes the bytes the SPEC gives,
    signer field and signature included, in both modes."""
    s = spec(suite, mode)
    env = encrypt_fixed(
        s.plaintext, [ORDERS], suite=Suite(suite & 0xFF), stored_context=s.stored, external_context=EXT,
        dek=DEK, nonce=NONCE, signer=WRITER, sign_mode=SignMode(mode),
    )
    assert env == s.envelope()
    assert sealpost.inspect(env).suite is Suite(suite)


def test_sig1_signatures_verify_as_pure_ed25519_over_the_spec_messages() -> None:
    """[SIG-1]: RFC 8032 pure Ed25519 over "sealpost/v1 signed header" || P (mode 01) and over
    "sealpost/v1 signed message" || E || encode(external) (mode 02)."""
    public = Ed25519PublicKey.from_public_bytes(WRITER.public_key)
    env = sealpost.encrypt(b"m", [ORDERS], signer=WRITER, external_context=EXT)
    h = sealpost.inspect(env).header
    p_len = h.signed_length
    public.verify(h.raw[p_len : p_len + 64], b"sealpost/v1 signed header" + env[:p_len])
    assert env[p_len - 4 - 1 - 15 - 1 : p_len] == b"\x01\x0fpayments-writer" + struct.pack(">I", 1)
    env2 = sealpost.encrypt(b"m", [ORDERS], signer=WRITER, sign_mode=SignMode.PER_MESSAGE, external_context=EXT)
    public.verify(env2[-64:], b"sealpost/v1 signed message" + env2[:-64] + encode_ctx(EXT))


def test_sig2_mode01_signs_once_per_dek(monkeypatch: pytest.MonkeyPatch) -> None:
    """[SIG-2]: an Encryptor in mode 01 signs P once per DEK and reuses the signature; mode 02
    signs every envelope."""
    calls = []
    real = WriterKey.sign
    label = lambda m: m[:25] if m.startswith(b"sealpost/v1 signed header") else m[:26]  # noqa: E731
    monkeypatch.setattr(WriterKey, "sign", lambda self, m: calls.append(label(m)) or real(self, m))
    enc = Encryptor([ORDERS], signer=WRITER)
    envs = [enc.encrypt(b"m%d" % i, EXT) for i in range(5)]
    assert len(calls) == 1 and calls[0] == b"sealpost/v1 signed header"
    h = [sealpost.inspect(e).header for e in envs]
    assert len({x.raw[: x.signed_length + 64] for x in h}) == 1  # one P, one signature
    assert len({x.nonce for x in h}) == 5
    enc.rotate()
    enc.encrypt(b"m", EXT)
    assert len(calls) == 2
    calls.clear()
    enc2 = Encryptor([ORDERS], signer=WRITER, sign_mode=SignMode.PER_MESSAGE)
    for i in range(3):
        enc2.encrypt(b"m", EXT)
    assert calls == [b"sealpost/v1 signed message"] * 3


# --- [SIG-3] mode 02 never with a segmented suite ---------------------------------------------


def test_sig3_writer_refuses_per_message_with_segmented() -> None:
    """[SIG-3], [ENC-2]: refused with the reader's category, malformed-header."""
    assert category(lambda: sealpost.encrypt(b"m", [ORDERS], signer=WRITER, sign_mode=SignMode.PER_MESSAGE,
                                              segmented=True)) is C.MALFORMED_HEADER
    assert category(lambda: Encryptor([ORDERS], suite=Suite.AES_256_GCM_SIGNED_SEGMENTED, signer=WRITER,
                                      sign_mode=SignMode.PER_MESSAGE)) is C.MALFORMED_HEADER


@pytest.mark.parametrize("suite", [0x0301, 0x0302])
@pytest.mark.parametrize("trust", [None, TRUST])
def test_sig3_reader_refuses_segmented_with_mode02(suite: int, trust: Any) -> None:
    """[SIG-3], step 7a: with or without trust, whole or streamed."""
    env = spec(suite, 2).envelope()
    assert category(lambda: sealpost.decrypt(env, [ORDERS], external_context=EXT, trusted_writers=trust)) is C.MALFORMED_HEADER
    assert category(lambda: sealpost.inspect(env)) is C.MALFORMED_HEADER
    import io

    assert category(lambda: Decryptor([ORDERS], trusted_writers=trust).reader(io.BytesIO(env), EXT)) is C.MALFORMED_HEADER


# --- step 7a: the signer field ------------------------------------------------------------------


def _signed_header(mode: int, signer_id: bytes, id_len: int | None = None) -> bytes:
    """A 0101 header with this signer field, by hand."""
    s = spec(0x0101, 1)
    s.signer = None
    p = s.p()[:4] + struct.pack(">H", 0x0101) + s.p()[6:]
    field = bytes([mode, len(signer_id) if id_len is None else id_len]) + signer_id + struct.pack(">I", 1)
    return p + field + (bytes(64) if mode == 1 else b"") + NONCE


@pytest.mark.parametrize("mode", [0x00, 0x03, 0x80, 0xFF])
def test_7a_sign_mode_other_than_01_02_is_malformed(mode: int) -> None:
    """Step 7a: sign-mode not 01 or 02 -> malformed-header."""
    assert category(lambda: sealpost.inspect(_signed_header(mode, b"w") + bytes(16))) is C.MALFORMED_HEADER


def test_7a_signer_id_rules() -> None:
    """Step 7a, [HDR-3], [HDR-4]: signer id length 0, and a signer id that is not UTF-8."""
    assert category(lambda: sealpost.inspect(_signed_header(1, b"", 0) + bytes(16))) is C.MALFORMED_HEADER
    assert category(lambda: sealpost.inspect(_signed_header(1, b"\xc0\xaf") + bytes(16))) is C.MALFORMED_HEADER
    info = sealpost.inspect(_signed_header(1, "wr\u00efter".encode()) + bytes(16))
    assert info.signer is not None and info.signer.signer_id_text == "wr\u00efter" and info.signer.sign_mode == 1


def test_7a_every_truncation_inside_the_signer_field_is_malformed() -> None:
    """[HDR-2] for the signer field and the header signature."""
    h = _signed_header(1, b"payments-writer")
    start = len(h) - 12 - 64 - 4 - 15 - 2
    for cut in range(start, len(h)):
        assert category(lambda: sealpost.inspect(h[:cut])) is C.MALFORMED_HEADER, cut


def test_7a_utf8_checked_after_the_field_is_read() -> None:
    """Step 7a order: the signer id's UTF-8 is checked after the signer version and the header
    signature are read, so a bad id in a header whose signature runs past 16384 bytes is
    limit-exceeded ([LIM-2] first), not malformed."""
    bad = _signed_header(1, b"\xff" * 10)
    assert category(lambda: sealpost.inspect(bad + bytes(16))) is C.MALFORMED_HEADER
    s = spec()
    s.signer = None
    p = s.p()[:4] + struct.pack(">H", 0x0101) + s.p()[6:]
    # Pad the stored context so that the header signature would end past 16384 bytes.
    sizes = [1000] * 16 + [150]
    pad_entries = b"".join(bytes([2]) + b"k%c" % (65 + i) + struct.pack(">H", n) + b"v" * n for i, n in enumerate(sizes))
    p = p[: len(p) - len(encode_ctx({"tenant": "acme"}))] + bytes([len(sizes)]) + pad_entries
    field = bytes([1, 10]) + b"\xff" * 10 + struct.pack(">I", 1)
    assert len(p) + len(field) < 16384 < len(p) + len(field) + 64
    assert category(lambda: sealpost.inspect(p + field + bytes(64) + NONCE + bytes(16))) is C.LIMIT_EXCEEDED


def test_inspect_reports_the_unverified_signer_field() -> None:
    """[SIG-8]: inspect shows what the header states; it verifies nothing."""
    env = spec(0x0101, 2).envelope()
    info = sealpost.inspect(env)
    assert info.signer is not None
    assert (info.signer.sign_mode, info.signer.signer_id, info.signer.signer_version) == (2, b"payments-writer", 1)
    assert info.signer.signature is None
    assert info.body_length == len(env) - len(info.header.raw) - 64
    assert info.plaintext_length == len(b"amount=12.50")


# --- [SIG-4], [SIG-5] trust ---------------------------------------------------------------------


def test_sig4_trust_per_reader_and_per_call() -> None:
    """[SIG-4]: a Decryptor's trust is the default for every call; a call may give its own
    source's trust, and an empty set requires no trusted writer."""
    env = spec(0x0101, 1).envelope()
    unsigned = sealpost.encrypt(b"x", [ORDERS], external_context=EXT)
    reader = Decryptor([ORDERS], trusted_writers=TRUST)
    assert reader.open(env, EXT).verified_signer == SignerRef("payments-writer", 1)
    assert category(lambda: reader.open(unsigned, EXT)) is C.UNTRUSTED_WRITER
    assert category(lambda: reader.open(unsigned, EXT, trusted_writers=None)) is C.UNTRUSTED_WRITER  # None: the reader's
    assert reader.open(unsigned, EXT, trusted_writers=[]).verified_signer is None
    other = WriterKey("billing", 1, OTHER_SEED).trusted()
    assert category(lambda: reader.open(env, EXT, trusted_writers=[other])) is C.UNTRUSTED_WRITER
    open_reader = Decryptor([ORDERS])
    assert open_reader.open(env, EXT).verified_signer is None
    assert open_reader.open(env, EXT, trusted_writers=TRUST).verified_signer == SignerRef("payments-writer", 1)
    assert sealpost.decrypt(env, [ORDERS], external_context=EXT, trusted_writers=TRUST) == b"amount=12.50"


def test_sig4_one_name_one_key() -> None:
    """A trust set may not name one (signer id, version) with two keys."""
    with pytest.raises(ValueError):
        Decryptor([ORDERS], trusted_writers=[TrustedWriter("w", 1, WRITER.public_key),
                                             TrustedWriter("w", 1, WriterKey("w", 1, OTHER_SEED).public_key)])


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda: sealpost.encrypt(b"x", [ORDERS], external_context=EXT), "unsigned 0001"),
        (lambda: sealpost.encrypt(b"x", [ORDERS], suite=Suite.AES_256_SIV, external_context=EXT), "unsigned 0003"),
        (lambda: sealpost.encrypt(b"x", [ORDERS], segmented=True, external_context=EXT), "unsigned 0201"),
        (lambda: sealpost.encrypt(b"x", [ORDERS], signer=WriterKey("payments-writer", 2, SEED), external_context=EXT), "other version"),
        (lambda: sealpost.encrypt(b"x", [ORDERS], signer=WriterKey("Payments-writer", 1, SEED), external_context=EXT), "id differs in case"),
        (lambda: sealpost.encrypt(b"x", [ORDERS], signer=WriterKey("payments-writer ", 1, SEED), external_context=EXT), "id with a space"),
    ],
)
def test_sig5_untrusted_writer_before_any_unwrap(make: Any, why: str) -> None:
    """[SIG-5]: unsigned, or a signer (id bytes, version) not in the set -> untrusted-writer,
    before any key is unwrapped (step 10a before step 11)."""
    kek = CountingKek()
    assert category(lambda: sealpost.decrypt(make(), [kek], external_context=EXT, trusted_writers=TRUST)) is C.UNTRUSTED_WRITER, why
    assert kek.unwraps == 0


# --- [SIG-6] verification -------------------------------------------------------------------------


def _flip(data: bytes, i: int) -> bytes:
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]


def test_sig6_bad_signatures_before_any_unwrap() -> None:
    """[SIG-6]: a signature that does not verify -> signature-invalid, before any unwrap; the
    header signature is rechecked with the trusted key, not the one the envelope would like."""
    forged_key = WriterKey("payments-writer", 1, OTHER_SEED)
    cases = {
        "another key, mode 01": spec(header_signature=lambda p: forged_key.sign(b"sealpost/v1 signed header" + p)).envelope(),
        "S + L, mode 01": spec(header_signature=lambda p: non_canonical(WRITER.sign(b"sealpost/v1 signed header" + p))).envelope(),
        "all zero, mode 01": spec(header_signature=lambda p: bytes(64)).envelope(),
        "signed over P without the label": spec(header_signature=lambda p: WRITER.sign(p)).envelope(),
        "another key, mode 02": spec(mode=2, message_signature=forged_key.sign).envelope(),
        "S + L, mode 02": spec(mode=2, message_signature=lambda m: non_canonical(WRITER.sign(m))).envelope(),
    }
    for why, env in cases.items():
        kek = CountingKek()
        assert category(lambda: sealpost.decrypt(env, [kek], external_context=EXT, trusted_writers=TRUST)) is C.SIGNATURE_INVALID, why
        assert kek.unwraps == 0, why


def test_sig6_every_bit_of_p_and_the_signature_counts() -> None:
    """[SIG-6]: flipping any bit of P (past the suite id, which changes the suite) or of the
    header signature makes the signature fail, or names another signer (untrusted)."""
    env = spec().envelope()
    h = sealpost.inspect(env).header
    for i in range(6, h.signed_length + 64):
        for bit in (0x01, 0x80):
            bad = env[:i] + bytes([env[i] ^ bit]) + env[i + 1 :]
            try:
                sealpost.decrypt(bad, [ORDERS], external_context=EXT, trusted_writers=TRUST)
            except SealpostError as e:
                assert e.category in (C.SIGNATURE_INVALID, C.UNTRUSTED_WRITER, C.MALFORMED_HEADER, C.LIMIT_EXCEEDED,
                                      C.NO_MATCHING_KEY), (i, bit, e)
                continue
            raise AssertionError(f"flipped byte {i} bit {bit:#x} was accepted")


def test_sig6_mode02_covers_body_nonce_and_external_context() -> None:
    """Mode 02 signs E and the external context: a flipped body or nonce byte, or another
    external context, is signature-invalid with trust; without trust the AEAD decides."""
    env = spec(mode=2).envelope()
    hlen = len(sealpost.inspect(env).header.raw)
    for bad in (_flip(env, hlen), _flip(env, hlen - 1)):
        assert category(lambda: sealpost.decrypt(bad, [ORDERS], external_context=EXT, trusted_writers=TRUST)) is C.SIGNATURE_INVALID
        assert category(lambda: sealpost.decrypt(bad, [ORDERS], external_context=EXT)) is C.AUTHENTICATION_FAILED
    assert category(lambda: sealpost.decrypt(env, [ORDERS], external_context={"topic": "x"}, trusted_writers=TRUST)) is C.SIGNATURE_INVALID
    # A trailing byte shifts the last 64 bytes: it is a signature-invalid with trust.
    assert category(lambda: sealpost.decrypt(env + b"\x00", [ORDERS], external_context=EXT, trusted_writers=TRUST)) is C.SIGNATURE_INVALID


def test_sig6_mode01_does_not_cover_the_nonce_or_external_context() -> None:
    """Mode 01 signs P only: with another nonce or external context the signature holds and
    the AEAD fails (authentication-failed)."""
    env = spec().envelope()
    hlen = len(sealpost.inspect(env).header.raw)
    assert category(lambda: sealpost.decrypt(_flip(env, hlen - 1), [ORDERS], external_context=EXT, trusted_writers=TRUST)) is C.AUTHENTICATION_FAILED
    assert category(lambda: sealpost.decrypt(env, [ORDERS], external_context={"t": "x"}, trusted_writers=TRUST)) is C.AUTHENTICATION_FAILED


def test_sig6_the_header_signature_is_in_the_aad() -> None:
    """Section 8: the signer field is in the AAD in every suite; without trust a flipped
    header-signature bit still fails the body."""
    env = spec().envelope()
    h = sealpost.inspect(env).header
    assert category(lambda: sealpost.decrypt(_flip(env, h.signed_length + 3), [ORDERS], external_context=EXT)) is C.AUTHENTICATION_FAILED


# --- [SIG-7], [SIG-9] the verification cache ---------------------------------------------------


def test_sig7_mode01_verified_once_per_p_and_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    """[SIG-7]: a Decryptor verifies a mode 01 signature once for many envelopes under one DEK;
    [SIG-9]: a signature that differs in one byte is not served from the cache; mode 02 is
    verified for every envelope."""
    verified = []
    real = TrustedWriter.verify
    monkeypatch.setattr(TrustedWriter, "verify", lambda self, s, m: verified.append(m[:26]) or real(self, s, m))
    enc = Encryptor([ORDERS], signer=WRITER)
    reader = Decryptor([ORDERS], trusted_writers=TRUST)
    envs = [enc.encrypt(b"m%d" % i, EXT) for i in range(4)]
    for e in envs:
        assert reader.decrypt(e, EXT).startswith(b"m")
    assert len(verified) == 1
    h = sealpost.inspect(envs[0]).header
    bad = _flip(envs[0], h.signed_length + 63)
    assert category(lambda: reader.decrypt(bad, EXT)) is C.SIGNATURE_INVALID
    assert len(verified) == 2
    assert reader.decrypt(envs[1], EXT) == b"m1"
    assert len(verified) == 2
    enc2 = Encryptor([ORDERS], signer=WRITER, sign_mode=SignMode.PER_MESSAGE)
    verified.clear()
    for i in range(3):
        reader.decrypt(enc2.encrypt(b"x", EXT), EXT)
    assert len(verified) == 3


def test_sig9_cache_is_per_trusted_key() -> None:
    """[SIG-9]: a verification remembered under one trusted key is not relied on for another
    key trusted under the same name."""
    env = spec().envelope()
    reader = Decryptor([ORDERS], trusted_writers=TRUST)
    assert reader.open(env, EXT).verified_signer is not None
    impostor = [TrustedWriter("payments-writer", 1, WriterKey("x", 1, OTHER_SEED).public_key)]
    assert category(lambda: reader.open(env, EXT, trusted_writers=impostor)) is C.SIGNATURE_INVALID


def _counting_verify(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Record the public key of every Ed25519 verification the reader actually performs."""
    calls: list[bytes] = []
    real = TrustedWriter.verify

    def verify(self: TrustedWriter, signature: bytes, message: bytes) -> bool:
        calls.append(self.public_key)
        return real(self, signature, message)

    monkeypatch.setattr(TrustedWriter, "verify", verify)
    return calls


def test_sig7_sig9_one_name_two_keys_in_two_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """[SIG-7], [SIG-9]: one Decryptor reads two sources that trust the same signer id and
    version under different keys. Each envelope verifies in its own source and never in the
    other, however the cache was filled: a remembered verification is keyed by the public key,
    P and the signature, not by the signer's name."""
    calls = _counting_verify(monkeypatch)
    key_a = Signer(SEED, b"payments-writer", 1, 1)
    key_b = Signer(OTHER_SEED, b"payments-writer", 1, 1)
    trust_a = [TrustedWriter("payments-writer", 1, key_a.public_key)]
    trust_b = [TrustedWriter("payments-writer", 1, key_b.public_key)]
    assert key_a.public_key != key_b.public_key
    env_a = Spec(0x0101, [Kek(b"orders", 2, KEK)], DEK, NONCE, b"from a", {"tenant": "acme"}, dict(EXT), key_a).envelope()
    env_b = Spec(0x0101, [Kek(b"orders", 2, KEK)], DEK, NONCE, b"from b", {"tenant": "acme"}, dict(EXT), key_b).envelope()
    h_a, h_b = sealpost.inspect(env_a).header, sealpost.inspect(env_b).header
    assert h_a.raw[: h_a.signed_length] == h_b.raw[: h_b.signed_length], "the same P under both keys"
    reader = Decryptor([ORDERS])  # no trust of its own: each call names its source's
    for _ in range(2):  # the second round runs with both verifications remembered
        assert reader.decrypt(env_a, EXT, trusted_writers=trust_a) == b"from a"
        assert reader.decrypt(env_b, EXT, trusted_writers=trust_b) == b"from b"
        assert category(lambda: reader.decrypt(env_a, EXT, trusted_writers=trust_b)) is C.SIGNATURE_INVALID
        assert category(lambda: reader.decrypt(env_b, EXT, trusted_writers=trust_a)) is C.SIGNATURE_INVALID
    assert reader.verified_signature_count == 2
    # Round 1 verified all four; round 2 only the two that are not remembered (the failures).
    assert calls == [key_a.public_key, key_b.public_key, key_b.public_key, key_a.public_key,
                     key_b.public_key, key_a.public_key]


def test_sig9_cache_compares_every_byte_of_p_and_the_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    """[SIG-9]: after a verification is remembered, the same signature under another P (one
    byte of a wrapped DEK changed), or another signature under the same P (one under another
    key), is verified afresh and fails, before any unwrap (step 10a)."""
    calls = _counting_verify(monkeypatch)
    s = spec()
    env = s.envelope()
    h = sealpost.inspect(env).header
    reader = Decryptor([ORDERS], trusted_writers=TRUST)
    assert reader.decrypt(env, EXT) == b"amount=12.50"
    assert reader.decrypt(env, EXT) == b"amount=12.50"
    assert len(calls) == 1
    wrapped_at = 3 + 1 + 2 + 1 + 1 + 1 + len(b"orders") + 4 + 2  # the first byte of the wrapped DEK
    other_p = _flip(env, wrapped_at + 5)
    assert category(lambda: reader.decrypt(other_p, EXT)) is C.SIGNATURE_INVALID
    other_signer = Signer(OTHER_SEED, b"payments-writer", 1, 1)
    foreign_sig = other_signer.sign(b"sealpost/v1 signed header" + h.raw[: h.signed_length])
    other_sig = env[: h.signed_length] + foreign_sig + env[h.signed_length + 64 :]
    assert category(lambda: reader.decrypt(other_sig, EXT)) is C.SIGNATURE_INVALID
    assert len(calls) == 3
    assert reader.verified_signature_count == 1


def test_sig7_cache_is_bounded() -> None:
    """[SIG-7]: the cache keeps at most its size."""
    reader = Decryptor([ORDERS], trusted_writers=TRUST, verification_cache_size=3)
    for i in range(6):
        reader.decrypt(sealpost.encrypt(b"m", [ORDERS], signer=WRITER, external_context=EXT), EXT)
    assert reader.verified_signature_count == 3


# --- [SIG-8] ------------------------------------------------------------------------------------


def test_sig8_no_signer_presented_without_trust() -> None:
    """[SIG-8]: a reader that requires no trusted writer verifies nothing and presents no
    signer, even for an envelope whose mode 02 signature is junk (outside the AAD)."""
    good = spec(mode=2).envelope()
    junk = good[:-64] + bytes(64)
    for env in (good, junk, spec().envelope()):
        opened = Decryptor([ORDERS]).open(env, EXT)
        assert opened.plaintext == b"amount=12.50"
        assert opened.verified_signer is None


# --- the forgery of issue 10: a consumer's public key is enough without writer trust -------------


def test_forgery_with_only_the_consumers_public_key_is_refused() -> None:
    """Issue 10 (done when): anyone with consumer-a's X25519 public key can write an envelope
    consumer-a decrypts. A reader that trusts payments-writer refuses it: unsigned ->
    untrusted-writer; signed with the forger's key under the trusted name -> signature-invalid;
    under the forger's own name -> untrusted-writer. Each before any unwrap."""
    consumer_private = bytes(range(50, 82))
    consumer_public = CryptoX25519.from_private_bytes(consumer_private).public_key().public_bytes_raw()
    forger_sees = sealpost.X25519Recipient("consumer-a", 1, consumer_public)  # public material only
    forger_key = WriterKey("payments-writer", 1, OTHER_SEED)
    forgeries = {
        C.UNTRUSTED_WRITER: sealpost.encrypt(b"pay mallory", [forger_sees], external_context=EXT),
        C.SIGNATURE_INVALID: sealpost.encrypt(b"pay mallory", [forger_sees], signer=forger_key, external_context=EXT),
    }
    forgeries_own_name = sealpost.encrypt(b"pay mallory", [forger_sees], signer=WriterKey("mallory", 1, OTHER_SEED),
                                          sign_mode=SignMode.PER_MESSAGE, external_context=EXT)
    consumer = sealpost.X25519PrivateKey("consumer-a", 1, consumer_private)
    trusting = Decryptor([consumer], trusted_writers=TRUST)
    for expected, env in list(forgeries.items()) + [(C.UNTRUSTED_WRITER, forgeries_own_name)]:
        assert category(lambda: trusting.decrypt(env, EXT)) is expected
        # What writer trust is for: a reader that requires none accepts the forgery.
        assert Decryptor([consumer]).decrypt(env, EXT) == b"pay mallory"
    genuine = sealpost.encrypt(b"pay bob", [consumer.recipient()], signer=WRITER, external_context=EXT)
    assert trusting.open(genuine, EXT).verified_signer == SignerRef("payments-writer", 1)


def test_mode01_a_dek_holder_can_write_mode02_cannot() -> None:
    """Section 16, what the modes prove: in mode 01 a recipient holding the DEK can reuse a
    signed header with a new nonce and body (valid); in mode 02 it cannot make a signature."""
    s = spec()
    nonce2 = bytes(11) + b"\x07"
    s2 = spec()
    s2.nonce, s2.plaintext = nonce2, b"written by a DEK holder"
    assert sealpost.decrypt(s2.envelope(), [ORDERS], external_context=EXT, trusted_writers=TRUST) == b"written by a DEK holder"
    m = spec(mode=2)
    m2 = spec(mode=2, message_signature=lambda _: m.envelope()[-64:])  # the old signature appended
    m2.nonce, m2.plaintext = nonce2, b"written by a DEK holder"
    assert category(lambda: sealpost.decrypt(m2.envelope(), [ORDERS], external_context=EXT, trusted_writers=TRUST)) is C.SIGNATURE_INVALID
    assert s.envelope() != s2.envelope()


# --- order of step 10a ([ERR-2]) --------------------------------------------------------------


def test_err2_step_10a_between_10_and_11() -> None:
    """[ERR-2]: required context (step 10) before writer trust (10a), and 10a before the
    recipient selection (11)."""
    unsigned = sealpost.encrypt(b"x", [ORDERS], stored_context={"tenant": "acme"}, external_context=EXT)
    assert category(lambda: sealpost.decrypt(unsigned, [ORDERS], external_context=EXT, required_context={"tenant": "x"},
                                             trusted_writers=TRUST)) is C.CONTEXT_MISMATCH
    assert category(lambda: sealpost.decrypt(unsigned, [], external_context=EXT, trusted_writers=TRUST)) is C.UNTRUSTED_WRITER
    signed = spec().envelope()
    assert category(lambda: sealpost.decrypt(signed, [], external_context=EXT, trusted_writers=TRUST)) is C.NO_MATCHING_KEY


def test_err2_step_9_before_10a() -> None:
    """[ERR-2]: body checks of step 9 (too short, over the limit, no room for the mode 02
    signature) come before writer authentication."""
    env = spec(mode=2).envelope()
    hlen = len(sealpost.inspect(env).header.raw)
    assert category(lambda: sealpost.decrypt(env[: hlen + 63], [ORDERS], external_context=EXT, trusted_writers=TRUST)) is C.MALFORMED_HEADER
    assert category(lambda: sealpost.decrypt(env[: hlen + 64], [ORDERS], external_context=EXT, trusted_writers=TRUST)) is C.AUTHENTICATION_FAILED
    assert category(lambda: sealpost.decrypt(env, [ORDERS], external_context=EXT, trusted_writers=TRUST,
                                             max_plaintext_length=3)) is C.LIMIT_EXCEEDED


# --- writer-side signer checks and keys ----------------------------------------------------------


def test_enc2_signer_id_is_refused_as_a_reader_would() -> None:
    """[ENC-2]: an empty signer id or one that is not well-formed Unicode -> malformed-header;
    over 255 bytes -> limit-exceeded; 255 bytes are allowed."""
    for signer_id, expected in (("", C.MALFORMED_HEADER), ("\ud800", C.MALFORMED_HEADER), ("w" * 256, C.LIMIT_EXCEEDED),
                                ("\u00e9" * 128, C.LIMIT_EXCEEDED)):
        bad = WriterKey(signer_id, 1, SEED)  # refused when an envelope is written ([ENC-3] order)
        assert category(lambda: sealpost.encrypt(b"x", [ORDERS], signer=bad)) is expected
        assert category(lambda: Encryptor([ORDERS], signer=bad)) is expected
        assert category(lambda: TrustedWriter(signer_id, 1, WRITER.public_key)) is expected
    long = WriterKey("w" * 255, 1, SEED)
    env = sealpost.encrypt(b"x", [ORDERS], signer=long)
    assert Decryptor([ORDERS], trusted_writers=[long.trusted()]).open(env).verified_signer == SignerRef("w" * 255, 1)
    assert category(lambda: WriterKey("w", 1, bytes(31))) is C.INVALID_KEY_MATERIAL
    assert category(lambda: WriterKey("w", 1 << 32, SEED)) is C.INVALID_KEY_MATERIAL
    assert category(lambda: TrustedWriter("w", 1, bytes(33))) is C.INVALID_KEY_MATERIAL


def test_enc3_signer_faults_come_after_the_recipients_and_before_the_stored_context() -> None:
    """[ENC-3] item 2: the recipients first (count, then each entry), then the signer (empty
    id, not well-formed, longer than 255 bytes, mode 02 with a segmented suite), then the
    stored context, the external context and the plaintext."""
    empty = WriterKey("", 1, SEED)
    bad_utf8 = WriterKey("\udfff", 1, SEED)
    too_long = WriterKey("w" * 256, 1, SEED)
    too_many = [SymmetricKek(f"k{i}", 1, KEK) for i in range(33)]
    bad_ctx = {"": "v"}  # an empty context key: malformed-header
    long_value = {"k": "v" * 1025}  # limit-exceeded

    def enc(recipients: Any, signer: WriterKey, **kw: Any) -> C:
        return category(lambda: sealpost.encrypt(b"x", recipients, signer=signer, **kw))

    # Recipient faults win over every signer fault.
    assert enc([], too_long) is C.MALFORMED_HEADER
    assert enc(too_many, empty) is C.LIMIT_EXCEEDED
    assert enc(too_many, WRITER, sign_mode=SignMode.PER_MESSAGE, segmented=True) is C.LIMIT_EXCEEDED
    assert enc([SymmetricKek("k" * 256, 1, KEK)], empty) is C.LIMIT_EXCEEDED
    assert enc([ORDERS, ORDERS], too_long) is C.MALFORMED_HEADER
    # Among signer faults: empty, not well-formed, too long, then [SIG-3].
    assert enc([ORDERS], too_long, sign_mode=SignMode.PER_MESSAGE, segmented=True) is C.LIMIT_EXCEEDED
    assert enc([ORDERS], bad_utf8, sign_mode=SignMode.PER_MESSAGE, segmented=True) is C.MALFORMED_HEADER
    # Signer faults win over the stored context, the external context and the plaintext.
    assert enc([ORDERS], too_long, stored_context=bad_ctx) is C.LIMIT_EXCEEDED
    assert enc([ORDERS], WRITER, sign_mode=SignMode.PER_MESSAGE, segmented=True, stored_context=long_value) is C.MALFORMED_HEADER
    assert enc([ORDERS], too_long, external_context=bad_ctx) is C.LIMIT_EXCEEDED
    # ... which follow when the signer is good.
    assert enc([ORDERS], WRITER, stored_context=long_value) is C.LIMIT_EXCEEDED
    assert enc([ORDERS], WRITER, external_context=bad_ctx) is C.MALFORMED_HEADER
    # The same order for an Encryptor (recipients, signer, stored context at construction).
    assert category(lambda: Encryptor(too_many, signer=empty)) is C.LIMIT_EXCEEDED
    assert category(lambda: Encryptor([ORDERS], signer=too_long, stored_context=bad_ctx)) is C.LIMIT_EXCEEDED


def test_writer_key_from_seed_is_rfc8032() -> None:
    """RFC 8032 section 7.1, TEST 1: the seed's public key and the signature of the empty
    message."""
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    key = WriterKey("t", 1, seed)
    assert key.public_key.hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    assert key.sign(b"").hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert "9d61" not in repr(key) and seed.hex() not in str(vars(type(key))) and repr(key) == "WriterKey(signer_id='t', version=1)"


def test_signed_suite_needs_a_signer() -> None:
    """A writer asked for a signed suite without a key is a programming error."""
    with pytest.raises(ValueError):
        sealpost.encrypt(b"x", [ORDERS], suite=Suite.AES_256_GCM_SIGNED)


def test_deterministic_signed_suite_0103() -> None:
    """[SIV-1], [SIV-3] with a signer: suite 0103 derives its DEK with its own suite id, is
    byte-identical for identical inputs, and verifies."""
    a = sealpost.encrypt(b"key-1", [ORDERS], suite=Suite.AES_256_SIV, signer=WRITER, external_context=EXT)
    b = Encryptor([ORDERS], suite=Suite.AES_256_SIV, signer=WRITER).encrypt(b"key-1", EXT)
    plain = sealpost.encrypt(b"key-1", [ORDERS], suite=Suite.AES_256_SIV, external_context=EXT)
    assert a == b
    assert sealpost.inspect(a).suite is Suite.AES_256_SIV_SIGNED
    assert sealpost.inspect(a).header.commitment != sealpost.inspect(plain).header.commitment
    assert Decryptor([ORDERS], trusted_writers=TRUST).open(a, EXT).verified_signer == SignerRef("payments-writer", 1)


# --- section 14: overhead ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [SignMode.PER_DEK, SignMode.PER_MESSAGE])
@pytest.mark.parametrize("base", [Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV])
def test_overhead_signed_adds_70_plus_s(mode: SignMode, base: Suite) -> None:
    """Section 14: the signer field adds 6 + s + 64 = 70 + s bytes in either mode; one
    symmetric recipient, AES-256-GCM, mode 01, k = s = 8: 202 bytes."""
    kek8 = SymmetricKek("kek-0008", 1, KEK)
    signer = WriterKey("sign-008", 1, SEED)
    for n in (0, 1, 1000):
        unsigned = sealpost.encrypt(bytes(n), [kek8], suite=base)
        signed = sealpost.encrypt(bytes(n), [kek8], suite=base, signer=signer, sign_mode=mode)
        assert len(signed) - len(unsigned) == 70 + 8
        if base is Suite.AES_256_GCM and mode is SignMode.PER_DEK:
            assert len(signed) == n + 202


# --- [SIG-6]: Wycheproof Ed25519 ---------------------------------------------------------------


def _wycheproof_ed25519() -> list[Any]:
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "third_party" / "wycheproof" / "ed25519_test.json"
    doc = json.loads(path.read_text(encoding="utf-8"))  # missing file: a failure, not a skip
    cases = []
    for g in doc["testGroups"]:
        for t in g["tests"]:
            cases.append(pytest.param(g["publicKey"]["pk"], t, id=f"tcId{t['tcId']}"))
    assert len(cases) == doc["numberOfTests"]
    return cases


@pytest.mark.parametrize(("public_key", "case"), _wycheproof_ed25519())
def test_sig6_wycheproof_ed25519(public_key: str, case: dict[str, Any]) -> None:
    """[SIG-6]: the reader's verification (RFC 8032 5.1.7 with S < L) gives every Wycheproof
    Ed25519 verdict: valid signatures verify, every other one fails."""
    assert case["result"] in ("valid", "invalid")
    writer = TrustedWriter("w", 1, bytes.fromhex(public_key))
    assert writer.verify(bytes.fromhex(case["sig"]), bytes.fromhex(case["msg"])) is (case["result"] == "valid")
