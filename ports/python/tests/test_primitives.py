"""Building blocks checked against their RFCs' published test vectors."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from sealpost import ErrorCategory, SealpostError, SymmetricKek
from sealpost.hpke import HpkeAead, key_schedule_base, open_base, seal_base, x25519_public_key
from sealpost.kdf import derive_deterministic_dek, hkdf_expand, hkdf_extract
from sealpost.recipients import aes_key_unwrap
from sealpost.suites import Suite, _siv_s2v_empty, open_body, seal

h = bytes.fromhex


def test_hkdf_rfc5869_case1() -> None:
    prk = hkdf_extract(h("000102030405060708090a0b0c"), b"\x0b" * 22)
    assert prk == h("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    okm = hkdf_expand(prk, h("f0f1f2f3f4f5f6f7f8f9"), 42)
    assert okm == h(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )


def test_aes_kw_rfc3394_4_6() -> None:
    """[SYM-1]: RFC 3394 4.6, 256 bits of key data under a 256-bit KEK."""
    kek = SymmetricKek("k", 1, h("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"))
    dek = h("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")
    wrapped = h("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21")
    assert kek.wrap(dek) == wrapped
    assert aes_key_unwrap(kek.kek, wrapped) == dek
    assert len(wrapped) == 40


def test_aes_kw_integrity_failure_is_unwrap_failed() -> None:
    """[SYM-2]"""
    kek = SymmetricKek("k", 1, bytes(32))
    entry = kek.entry(os.urandom(32))
    bad = type(entry)(entry.type, entry.key_id, entry.key_version, bytes(40))
    with pytest.raises(SealpostError) as e:
        kek.unwrap(bad)
    assert e.value.category is ErrorCategory.UNWRAP_FAILED


# RFC 9180 appendix A.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode.
A1_INFO = h("4f6465206f6e2061204772656369616e2055726e")
A1_SK_E = h("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736")
A1_PK_E = h("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431")
A1_SK_R = h("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8")
A1_PK_R = h("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d")
A1_SHARED = h("fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc")
A1_KEY = h("4531685d41d65f03dc48f6b8302c05b0")
A1_BASE_NONCE = h("56d890e5accaaf011cff4b7d")
A1_EXPORTER = h("45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8")
A1_AAD0 = h("436f756e742d30")
A1_PT = h("4265617574792069732074727574682c20747275746820626561757479")
A1_CT0 = h(
    "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a"
)


def test_hpke_rfc9180_a1_keys() -> None:
    assert x25519_public_key(A1_SK_E) == A1_PK_E
    assert x25519_public_key(A1_SK_R) == A1_PK_R


def test_hpke_rfc9180_a1_key_schedule() -> None:
    key, base_nonce, exporter = key_schedule_base(A1_SHARED, A1_INFO, HpkeAead.AES_128_GCM)
    assert (key, base_nonce, exporter) == (A1_KEY, A1_BASE_NONCE, A1_EXPORTER)


def test_hpke_rfc9180_a1_seal_and_open() -> None:
    enc, ct = seal_base(
        A1_PK_R, A1_INFO, A1_AAD0, A1_PT, aead=HpkeAead.AES_128_GCM, ephemeral_private_key=A1_SK_E
    )
    assert enc == A1_PK_E
    assert ct == A1_CT0
    assert open_base(enc, A1_SK_R, A1_INFO, A1_AAD0, ct, aead=HpkeAead.AES_128_GCM) == A1_PT


def test_hpke_aes256_round_trip_and_tamper() -> None:
    """[HPKE-1], [HPKE-3]"""
    sk = os.urandom(32)
    enc, ct = seal_base(x25519_public_key(sk), b"i", b"", b"x" * 32)
    assert len(enc) == 32 and len(ct) == 48
    assert open_base(enc, sk, b"i", b"", ct) == b"x" * 32
    with pytest.raises(SealpostError) as e:
        open_base(enc, sk, b"i", b"", ct[:-1] + bytes([ct[-1] ^ 1]))
    assert e.value.category is ErrorCategory.UNWRAP_FAILED


def test_hpke_all_zero_shared_secret_is_unwrap_failed() -> None:
    """[HPKE-3]: an enc that is a low-order point gives an all-zero X25519 output."""
    for low_order in (bytes(32), b"\x01" + bytes(31)):
        with pytest.raises(SealpostError) as e:
            open_base(low_order, os.urandom(32), b"i", b"", bytes(48))
        assert e.value.category is ErrorCategory.UNWRAP_FAILED


def test_hpke_writer_refuses_low_order_public_key() -> None:
    with pytest.raises(SealpostError) as e:
        seal_base(bytes(32), b"i", b"", bytes(32))
    assert e.value.category is ErrorCategory.INVALID_KEY_MATERIAL


@pytest.mark.parametrize("aad_len", [0, 1, 16, 17, 100])
def test_siv_empty_plaintext_matches_rfc5297(aad_len: int) -> None:
    """[SIV-2] for an empty plaintext: S2V computed here equals a full AES-SIV implementation."""
    key, aad = os.urandom(64), os.urandom(aad_len)
    try:
        reference = AESSIV(key).encrypt(b"", [aad])
    except ValueError:
        pytest.skip("this cryptography version refuses empty AES-SIV plaintexts")
    assert _siv_s2v_empty(key[:32], aad) == reference
    assert seal(Suite.AES_256_SIV, key, b"", aad, b"") == reference
    assert open_body(Suite.AES_256_SIV, key, b"", aad, reference) == b""


def test_siv_dek_derivation_is_per_envelope_identity() -> None:
    """[SIV-1]: the derived DEK depends on the KEK and every input of the info."""
    kek = bytes(range(32))
    refs = [(1, b"orders", 1)]
    a = derive_deterministic_dek(kek, 3, refs, b"\x00", b"\x00")
    assert len(a) == 32
    assert a == derive_deterministic_dek(kek, 3, refs, b"\x00", b"\x00")
    assert a != derive_deterministic_dek(bytes(32), 3, refs, b"\x00", b"\x00")
    assert a != derive_deterministic_dek(kek, 3, [(1, b"orders", 2)], b"\x00", b"\x00")
    assert a != derive_deterministic_dek(kek, 3, [(1, b"order", 1)], b"\x00", b"\x00")
    assert a != derive_deterministic_dek(kek, 3, refs + [(1, b"b", 1)], b"\x00", b"\x00")
    assert a != derive_deterministic_dek(kek, 3, refs, b"\x01\x01a\x00\x00", b"\x00")
    assert a != derive_deterministic_dek(kek, 3, refs, b"\x00", b"\x01\x01a\x00\x00")
    info = b"\x00\x03" + b"\x01" + b"\x01\x06orders" + b"\x00\x00\x00\x01" + b"\x00" + b"\x00"
    assert a == hkdf_expand(hkdf_extract(b"sealpost/v1 deterministic-dek", kek), info, 32)
