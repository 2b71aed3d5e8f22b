"""Encryption and decryption end to end: SPEC.md sections 4 to 9, 11 and 14."""

from __future__ import annotations

import os
import random
import struct

import pytest

import sealpost
from sealpost import ErrorCategory as C
from sealpost import (
    Encryptor,
    KmsKey,
    SealpostError,
    Suite,
    SymmetricKek,
    TestKms,
    X25519PrivateKey,
)
from sealpost._testing import encrypt_fixed

KMS_URI = "test-kms://alpha"


@pytest.fixture
def kek() -> SymmetricKek:
    return SymmetricKek("orders", 1, bytes(range(32)))


@pytest.fixture
def xkey() -> X25519PrivateKey:
    return X25519PrivateKey("consumer-a", 1, bytes(range(1, 33)))


@pytest.fixture
def kms() -> KmsKey:
    return KmsKey(KMS_URI, TestKms({KMS_URI: bytes(range(2, 34))}))


def fails(category: C, envelope: bytes, keys: list[object], **kwargs: object) -> None:
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(envelope, keys, **kwargs)  # type: ignore[arg-type]
    assert e.value.category is category, e.value.message


def all_suites_and_readers(kek: SymmetricKek, xkey: X25519PrivateKey, kms: KmsKey):  # type: ignore[no-untyped-def]
    yield Suite.AES_256_GCM, [kek, xkey.recipient(), kms], [[kek], [xkey], [kms]]
    yield Suite.CHACHA20_POLY1305, [kms, xkey.recipient(), kek], [[kek], [xkey], [kms]]
    yield Suite.AES_256_SIV, [kek, SymmetricKek("other", 7, bytes(32))], [[kek]]


@pytest.mark.parametrize("plaintext", [b"", b"x", os.urandom(1000)])
def test_round_trip_every_suite_and_recipient(
    kek: SymmetricKek, xkey: X25519PrivateKey, kms: KmsKey, plaintext: bytes
) -> None:
    for suite, recipients, readers in all_suites_and_readers(kek, xkey, kms):
        env = sealpost.encrypt(
            plaintext,
            recipients,
            suite=suite,
            stored_context={"tenant": "acme", "schema": "v2"},
            external_context={"topic": "payments"},
        )
        for keys in readers:
            got = sealpost.decrypt(
                env, keys, external_context={"topic": "payments"}, required_context={"tenant": "acme"}
            )
            assert got == plaintext


def test_det1_hdr1_layout(kek: SymmetricKek) -> None:
    """[DET-1], [HDR-1], [ENC-1], [CTX-1]: fields in order, context sorted by UTF-8 bytes."""
    env = encrypt_fixed(
        b"hi", [kek], stored_context={"é": "1", "b": "2", "a": ""}, dek=bytes(32), nonce=bytes(12)
    )
    assert env[:4] == b"\xf7SP\x01"
    assert env[4:7] == b"\x00\x01\x01"
    assert env[7:9] == b"\x01\x06" and env[9:15] == b"orders"
    assert env[15:21] == struct.pack(">IH", 1, 40)
    ctx = env[21 + 40 + 32 :]
    assert ctx.startswith(b"\x03\x01a\x00\x00\x01b\x00\x012\x02\xc3\xa9\x00\x011")
    info = sealpost.inspect(env)
    assert list(info.stored_context) == ["a", "b", "é"]
    assert info.header.nonce == bytes(12)


@pytest.mark.parametrize(
    ("suite", "recipient", "overhead"),
    [(1, "sym", 124), (2, "sym", 124), (3, "sym", 112), (1, "x25519", 164), (1, "kms", 76 + 8 + 60)],
)
def test_section14_overhead(suite: int, recipient: str, overhead: int, xkey: X25519PrivateKey) -> None:
    """Section 14 with k = 8."""
    r = {
        "sym": SymmetricKek("8bytesid", 1, bytes(32)),
        "x25519": sealpost.X25519Recipient("8bytesid", 1, xkey.public_key),
        "kms": KmsKey("8bytesid", TestKms({"8bytesid": bytes(32)})),
    }[recipient]
    assert len(sealpost.encrypt(b"p" * 10, [r], suite=suite)) == 10 + overhead


def test_siv3_deterministic_suite_is_deterministic(kek: SymmetricKek) -> None:
    """[SIV-1], [SIV-2], [SIV-3]"""
    a = sealpost.encrypt(b"key-1", [kek], suite="AES_256_SIV", external_context={"t": "x"})
    b = sealpost.encrypt(b"key-1", [kek], suite="AES_256_SIV", external_context={"t": "x"})
    assert a == b
    assert sealpost.inspect(a).header.nonce == b""
    assert a != sealpost.encrypt(b"key-2", [kek], suite="AES_256_SIV", external_context={"t": "x"})
    assert a != sealpost.encrypt(b"key-1", [kek], suite="AES_256_SIV", external_context={"t": "y"})
    rotated = SymmetricKek("orders", 2, kek.kek)
    assert a != sealpost.encrypt(b"key-1", [rotated], suite="AES_256_SIV", external_context={"t": "x"})


def test_suite3_only_symmetric_recipients(kek: SymmetricKek, xkey: X25519PrivateKey, kms: KmsKey) -> None:
    """[SUITE-3], [SUITE-4], [ENC-2]: refused with the category a reader would report."""
    for other in (xkey.recipient(), kms):
        with pytest.raises(SealpostError) as e:
            sealpost.encrypt(b"k", [kek, other], suite=Suite.AES_256_SIV)
        assert e.value.category is C.MALFORMED_HEADER
        with pytest.raises(SealpostError) as e:
            Encryptor([other], suite=Suite.AES_256_SIV)
        assert e.value.category is C.MALFORMED_HEADER


def test_randomized_suites_differ_each_time(kek: SymmetricKek) -> None:
    """[DEK-1], [NONCE-1]"""
    assert sealpost.encrypt(b"same", [kek]) != sealpost.encrypt(b"same", [kek])


def test_encryptor_reuses_dek_with_counter_nonces(kek: SymmetricKek, xkey: X25519PrivateKey) -> None:
    """[DEK-2], [NONCE-2], [DEK-3]"""
    enc = Encryptor([kek, xkey.recipient()], stored_context={"tenant": "acme"}, max_messages_per_dek=3)
    envs = [enc.encrypt(f"m{i}".encode(), {"topic": "t"}) for i in range(5)]
    infos = [sealpost.inspect(e) for e in envs]
    # The first three share a DEK (same wrapped entries and commitment), the fourth does not.
    assert len({i.header.commitment for i in infos[:3]}) == 1
    assert infos[3].header.commitment != infos[0].header.commitment
    n0, n1, n2 = (int.from_bytes(i.header.nonce, "big") for i in infos[:3])
    assert n0 ^ n1 == 1 and n0 ^ n2 == 2
    for i, e in enumerate(envs):
        assert sealpost.decrypt(e, [xkey], external_context={"topic": "t"}) == f"m{i}".encode()


def test_encryptor_siv_is_deterministic(kek: SymmetricKek) -> None:
    enc = Encryptor([kek], suite=Suite.AES_256_SIV)
    assert enc.encrypt(b"k") == enc.encrypt(b"k") == sealpost.encrypt(b"k", [kek], suite=3)


def test_encryptor_rotates_by_age(kek: SymmetricKek) -> None:
    """[DEK-4]"""
    enc = Encryptor([kek], max_dek_age_seconds=0.0)
    a, b = sealpost.inspect(enc.encrypt(b"1")), sealpost.inspect(enc.encrypt(b"2"))
    assert a.header.commitment != b.header.commitment


# --- failures -------------------------------------------------------------------------------------


def test_ctx5_wrong_external_context(kek: SymmetricKek) -> None:
    """[CTX-5]"""
    env = sealpost.encrypt(b"p", [kek], external_context={"topic": "a"})
    fails(C.AUTHENTICATION_FAILED, env, [kek], external_context={"topic": "b"})
    fails(C.AUTHENTICATION_FAILED, env, [kek])
    fails(C.AUTHENTICATION_FAILED, env, [kek], external_context={"topic": "a", "x": ""})


def test_empty_external_context_encodes_as_00(kek: SymmetricKek) -> None:
    """Section 8: None and {} are the same external context."""
    env = sealpost.encrypt(b"p", [kek], external_context={})
    assert sealpost.decrypt(env, [kek], external_context=None) == b"p"


@pytest.mark.parametrize("suite", [1, 2, 3])
def test_auth1_every_byte_is_authenticated(kek: SymmetricKek, suite: int) -> None:
    """[AUTH-1], [AUTH-2], [ERR-2]: flip each byte; some fault is always reported, never plaintext."""
    env = sealpost.encrypt(b"payload", [kek], suite=suite, stored_context={"a": "b"})
    for i in range(len(env)):
        bad = bytearray(env)
        bad[i] ^= 0x01
        with pytest.raises(SealpostError):
            sealpost.decrypt(bytes(bad), [kek])


def test_hdr5_appended_bytes_fail_authentication(kek: SymmetricKek) -> None:
    """[HDR-5]"""
    env = sealpost.encrypt(b"p", [kek])
    fails(C.AUTHENTICATION_FAILED, env + b"\x00", [kek])


def test_auth_unknown_recipient_entries_are_authenticated(kek: SymmetricKek) -> None:
    """[RCP-4]: an unknown-type entry is skipped but still authenticated."""
    env = encrypt_fixed(b"p", [kek], dek=bytes(32), nonce=bytes(12))
    info = sealpost.inspect(env)
    extra = b"\x7f\x01z" + struct.pack(">IH", 0, 3) + b"abc"
    # Insert an unknown entry after the real one and bump the count: the header changes, so
    # the AEAD fails; but the reader must get past the unknown entry to report that.
    start = 7 + len(b"\x01\x06orders") + 6 + 40
    forged = env[:6] + b"\x02" + env[7:start] + extra + env[start:]
    assert len(sealpost.inspect(forged).recipients) == 2
    fails(C.AUTHENTICATION_FAILED, forged, [kek])
    assert info.recipients[0].type == 1


def test_rcp4_no_matching_key(kek: SymmetricKek, xkey: X25519PrivateKey) -> None:
    """[RCP-4], [RCP-5]: a key with the same id but another version or type is not a match."""
    env = sealpost.encrypt(b"p", [kek])
    fails(C.NO_MATCHING_KEY, env, [])
    fails(C.NO_MATCHING_KEY, env, [SymmetricKek("orders", 2, kek.kek)])
    fails(C.NO_MATCHING_KEY, env, [SymmetricKek("Orders", 1, kek.kek)])
    fails(C.NO_MATCHING_KEY, env, [X25519PrivateKey("orders", 1, bytes(32))])
    fails(C.NO_MATCHING_KEY, env, [xkey])


def test_unwrap_failed_wrong_kek(kek: SymmetricKek) -> None:
    """[SYM-2], step 11."""
    env = sealpost.encrypt(b"p", [kek])
    fails(C.UNWRAP_FAILED, env, [SymmetricKek("orders", 1, bytes(32))])


def test_unwrap_failed_wrong_x25519_key(xkey: X25519PrivateKey) -> None:
    """[HPKE-3]"""
    env = sealpost.encrypt(b"p", [xkey.recipient()])
    fails(C.UNWRAP_FAILED, env, [X25519PrivateKey("consumer-a", 1, bytes(32))])


def test_unwrap_failed_kms_refuses(kms: KmsKey) -> None:
    """[KMS-2]"""
    env = sealpost.encrypt(b"p", [kms])
    other = KmsKey(KMS_URI, TestKms({KMS_URI: bytes(32)}))
    fails(C.UNWRAP_FAILED, env, [other])


def test_kms_must_return_32_bytes() -> None:
    """[KMS-2]: a KMS that returns anything but 32 bytes is an unwrap failure."""

    class ShortKms:
        def encrypt(self, key_uri: str, plaintext: bytes) -> bytes:
            return b"blob"

        def decrypt(self, key_uri: str, ciphertext: bytes) -> bytes:
            return b"short"

    k = KmsKey("kms://x", ShortKms())
    env = sealpost.encrypt(b"p", [k])
    fails(C.UNWRAP_FAILED, env, [k])


def test_kms_service_failure_is_reported() -> None:
    class DownKms:
        def encrypt(self, key_uri: str, plaintext: bytes) -> bytes:
            return b"blob"

        def decrypt(self, key_uri: str, ciphertext: bytes) -> bytes:
            raise SealpostError(C.KEY_SERVICE_FAILURE, "unreachable")

    k = KmsKey("kms://x", DownKms())
    fails(C.KEY_SERVICE_FAILURE, sealpost.encrypt(b"p", [k]), [k])


def _splice_wrapped(env: bytes, index: int, new_wrapped: bytes) -> bytes:
    """Replace the wrapped DEK of recipient ``index`` (same length) in a written envelope."""
    pos = 7
    for i in range(index + 1):
        kl = env[pos + 1]
        wpos = pos + 2 + kl + 6
        wl = struct.unpack(">H", env[wpos - 2 : wpos])[0]
        if i == index:
            assert len(new_wrapped) == wl
            return env[:wpos] + new_wrapped + env[wpos + wl :]
        pos = wpos + wl
    raise AssertionError


def test_com2_commitment_mismatch_for_a_different_dek(kek: SymmetricKek, xkey: X25519PrivateKey) -> None:
    """[RCP-2], [COM-2]: a writer wraps another DEK for the second recipient."""
    env = encrypt_fixed(b"p", [kek, xkey.recipient()], dek=bytes(32))
    forged = _splice_wrapped(env, 1, xkey.recipient().wrap(b"\x01" * 32))
    # The first recipient still unwraps the committed DEK, but the header changed under it.
    fails(C.AUTHENTICATION_FAILED, forged, [kek])
    fails(C.COMMITMENT_MISMATCH, forged, [xkey])


def test_com2_commitment_checked_before_body(kek: SymmetricKek) -> None:
    """[COM-2], step 12 before step 13: a changed commitment is commitment-mismatch."""
    env = sealpost.encrypt(b"p", [kek])
    pos = 7 + 2 + 6 + 6 + 40
    forged = env[:pos] + bytes(32) + env[pos + 32 :]
    fails(C.COMMITMENT_MISMATCH, forged, [kek])


def test_ctx4_required_context(kek: SymmetricKek) -> None:
    """[CTX-4]: missing or different entry, before any unwrapping (no key needed)."""
    env = sealpost.encrypt(b"p", [kek], stored_context={"tenant": "acme"})
    fails(C.CONTEXT_MISMATCH, env, [], required_context={"tenant": "other"})
    fails(C.CONTEXT_MISMATCH, env, [], required_context={"schema": "v1"})
    fails(C.CONTEXT_MISMATCH, env, [], required_context={"tenant": "acme", "x": "y"})
    fails(C.NO_MATCHING_KEY, env, [], required_context={"tenant": "acme"})
    assert sealpost.decrypt(env, [kek], required_context={"tenant": "acme"}) == b"p"


def test_lim3_decrypt_plaintext_limit(kek: SymmetricKek) -> None:
    """[LIM-3]: checked before any key is used."""
    env = sealpost.encrypt(b"x" * 100, [kek])
    assert sealpost.decrypt(env, [kek], max_plaintext_length=100) == b"x" * 100
    fails(C.LIMIT_EXCEEDED, env, [], max_plaintext_length=99)


# --- writer limits ([LIM-4]) ---------------------------------------------------------------------


def writer_fails(category: C, *args: object, **kwargs: object) -> None:
    with pytest.raises(SealpostError) as e:
        sealpost.encrypt(*args, **kwargs)  # type: ignore[arg-type]
    assert e.value.category is category, e.value.message


def test_lim4_writer_limits(kek: SymmetricKek) -> None:
    """[LIM-4], [RCP-1], [CTX-3]"""
    writer_fails(C.MALFORMED_HEADER, b"p", [])
    writer_fails(C.LIMIT_EXCEEDED, b"p", [kek] * 33)
    writer_fails(C.LIMIT_EXCEEDED, b"p", [SymmetricKek("k" * 256, 1, bytes(32))])
    writer_fails(C.MALFORMED_HEADER, b"p", [SymmetricKek("", 1, bytes(32))])
    many = {f"k{i:02d}": "" for i in range(33)}
    writer_fails(C.LIMIT_EXCEEDED, b"p", [kek], stored_context=many)
    writer_fails(C.LIMIT_EXCEEDED, b"p", [kek], external_context=many)
    writer_fails(C.LIMIT_EXCEEDED, b"p", [kek], stored_context={"k": "v" * 1025})
    writer_fails(C.LIMIT_EXCEEDED, b"p", [kek], external_context={"k" * 256: "v"})
    writer_fails(C.MALFORMED_HEADER, b"p", [kek], stored_context={"": "v"})
    writer_fails(C.MALFORMED_HEADER, b"p", [kek], stored_context={"\ud800": "v"})
    # At the limits it works.
    at_limit = {f"{i:02d}" + "k" * 253: "v" * 1024 for i in range(32)}
    env = sealpost.encrypt(b"p", [kek], external_context=at_limit)
    assert sealpost.decrypt(env, [kek], external_context=at_limit) == b"p"


def test_lim4_writer_header_size(kek: SymmetricKek) -> None:
    """[LIM-4]: a stored context that makes the header exceed 16384 bytes is refused."""
    big = {f"{i:02d}" + "k" * 253: "v" * 1024 for i in range(32)}  # 32 * 1283 = 41056 bytes
    writer_fails(C.LIMIT_EXCEEDED, b"p", [kek], stored_context=big)
    twelve = dict(list(big.items())[:12])  # 12 * 1283 = 15396 bytes: fits
    env = sealpost.encrypt(b"p", [kek], stored_context=twelve)
    assert sealpost.decrypt(env, [kek]) == b"p"


def test_lim4_kms_blob_over_4096() -> None:
    class HugeKms:
        def encrypt(self, key_uri: str, plaintext: bytes) -> bytes:
            return bytes(4097)

        def decrypt(self, key_uri: str, ciphertext: bytes) -> bytes:
            return bytes(32)

    writer_fails(C.LIMIT_EXCEEDED, b"p", [KmsKey("kms://x", HugeKms())])


def test_invalid_key_material() -> None:
    for make in (
        lambda: SymmetricKek("k", 1, bytes(31)),
        lambda: X25519PrivateKey("k", 1, bytes(33)),
        lambda: SymmetricKek("k", -1, bytes(32)),
        lambda: SymmetricKek("k", 1 << 32, bytes(32)),
    ):
        with pytest.raises(SealpostError) as e:
            make()
        assert e.value.category is C.INVALID_KEY_MATERIAL


def test_error_category_ids_are_the_spec_identifiers() -> None:
    """[ERR-1]: the 15 categories of section 9 (with issue 10's untrusted-writer and
    signature-invalid, [SIG-5], [SIG-6], and malformed-payload, [CMP-4]), exposed as an enum."""
    assert {c.value for c in C} == {
        "not-an-envelope", "unsupported-version", "unsupported-suite", "malformed-header",
        "limit-exceeded", "no-matching-key", "unwrap-failed", "commitment-mismatch",
        "authentication-failed", "context-mismatch", "untrusted-writer", "signature-invalid",
        "malformed-payload",
        "invalid-key-material", "key-service-failure",
    }
    e = SealpostError(C.UNWRAP_FAILED, "x")
    assert e.category.id == "unwrap-failed" and "unwrap-failed" in str(e)


def test_key_reprs_do_not_leak_material(kek: SymmetricKek, xkey: X25519PrivateKey) -> None:
    """[SEC-2]: no key material in reprs (and so in logs)."""
    assert kek.kek.hex() not in repr(kek)
    assert "0102030405" not in repr(xkey)


def test_decrypt_only_raises_sealpost_error_on_mutations(
    kek: SymmetricKek, xkey: X25519PrivateKey, kms: KmsKey
) -> None:
    """Section 9: whatever the bytes, decrypt fails with a category, never another exception."""
    rng = random.Random(7)
    seeds = [
        sealpost.encrypt(b"hello", [kek, xkey.recipient(), kms], stored_context={"a": "b"}),
        sealpost.encrypt(b"hello", [kek], suite=3),
    ]
    keys = [kek, xkey, kms]
    for _ in range(4000):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randrange(1, 4)):
            op = rng.randrange(3)
            if op == 0 and data:
                data[rng.randrange(len(data))] = rng.randrange(256)
            elif op == 1 and data:
                del data[rng.randrange(len(data)) :]
            else:
                data[rng.randrange(len(data) + 1) : 0] = rng.randbytes(rng.randrange(1, 5))
        try:
            sealpost.decrypt(bytes(data), keys)
        except SealpostError:
            pass


def test_public_writer_api_has_no_fixed_randomness(kek: SymmetricKek, xkey: X25519PrivateKey) -> None:
    """[NONCE-1], [HPKE-2], [DEK-1]: a fixed DEK, nonce or HPKE ephemeral key is a test hook of
    sealpost._testing only; the public writers accept none of them."""
    for kwargs in ({"dek": bytes(32)}, {"nonce": bytes(12)}):
        with pytest.raises(TypeError):
            sealpost.encrypt(b"p", [kek], **kwargs)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        sealpost.X25519Recipient("consumer-a", 1, xkey.public_key, ephemeral_private_key=bytes(32))  # type: ignore[call-arg]
    r = xkey.recipient()
    assert r.wrap(bytes(32))[:32] != r.wrap(bytes(32))[:32]  # a fresh ephemeral key every wrap
    assert not any(name in {"dek", "nonce", "ephemeral_private_key"} for name in sealpost.encrypt.__kwdefaults__)
