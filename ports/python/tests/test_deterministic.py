"""The deterministic suite 0003 (SPEC.md 4.1): [SIV-1] bound to every recipient reference and
both contexts, [SIV-2] with the AES-SIV key halves of RFC 5297, [SIV-3], and a replay of the
attack of issue 8, finding 1.

Expected values are computed here from the SPEC formulas with the `cryptography` package's own
HKDF, CMAC, AES-CTR and AES key wrap, never with the port's code under test.
"""

from __future__ import annotations

import hashlib
import hmac
import struct

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.cmac import CMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap

import sealpost
from sealpost import Encryptor, ErrorCategory as C, SealpostError, Suite, SymmetricKek

h = bytes.fromhex
SHARED_KEY = bytes(range(32))
TEAM_A_KEY = bytes(range(100, 132))
TEAM_B_KEY = bytes(range(200, 232))
SHARED = SymmetricKek("kek:shared", 1, SHARED_KEY)
TEAM_A = SymmetricKek("kek:teamA", 3, TEAM_A_KEY)
TEAM_B = SymmetricKek("kek:teamB", 1, TEAM_B_KEY)


# --- independent computations from the SPEC text ---------------------------------------------


def hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk: bytes, info: bytes, n: int) -> bytes:
    return HKDFExpand(hashes.SHA256(), n, info).derive(prk)


def encode_ctx(ctx: dict[str, str]) -> bytes:
    """Section 7, written out for sorted ASCII keys."""
    out = bytes([len(ctx)])
    for k in sorted(ctx, key=lambda s: s.encode()):
        kb, vb = k.encode(), ctx[k].encode()
        out += bytes([len(kb)]) + kb + struct.pack(">H", len(vb)) + vb
    return out


def spec_siv_dek(kek1: bytes, refs: list[tuple[int, bytes, int]], stored: dict[str, str], external: dict[str, str]) -> bytes:
    """[SIV-1] as the brief of issue 8 (A) writes it."""
    info = b"\x00\x03" + bytes([len(refs)])
    for t, kid, v in refs:
        info += bytes([t, len(kid)]) + kid + struct.pack(">I", v)
    info += encode_ctx(stored) + encode_ctx(external)
    return hkdf_expand(hkdf_extract(b"sealpost/v1 deterministic-dek", kek1), info, 32)


def spec_keys(dek: bytes) -> tuple[bytes, bytes]:
    """Section 5.2 for suite 0003: (K_msg of 64 bytes, commitment)."""
    prk = hkdf_extract(b"sealpost/v1", dek)
    return hkdf_expand(prk, b"sealpost/v1 key\x00\x03", 64), hkdf_expand(prk, b"sealpost/v1 commit\x00\x03", 32)


def split(envelope: bytes) -> tuple[bytes, bytes]:
    """(header, body) of a suite 0003 envelope, via inspect (the header has no nonce)."""
    info = sealpost.inspect(envelope)
    return info.header.raw, envelope[len(info.header.raw) :]


def open_with_dek(envelope: bytes, dek: bytes, external: dict[str, str]) -> bytes:
    """Decrypt the body of a suite 0003 envelope with a DEK the caller claims to know."""
    header, body = split(envelope)
    k_msg, _ = spec_keys(dek)
    return AESSIV(k_msg).decrypt(body, [header + encode_ctx(external)])


# --- [SIV-1] ---------------------------------------------------------------------------------


def test_siv1_dek_is_the_spec_derivation_over_refs_and_both_contexts() -> None:
    """[SIV-1], [RCP-2], [COM-1]: the wrapped DEK of every recipient, the commitment and the body
    all follow from the DEK of the SPEC formula."""
    stored, external = {"tenant": "acme", "schema": "v2"}, {"kafka.topic": "A", "kafka.record.part": "key"}
    env = sealpost.encrypt(b"customer-4711", [SHARED, TEAM_A], suite=Suite.AES_256_SIV,
                           stored_context=stored, external_context=external)
    dek = spec_siv_dek(SHARED_KEY, [(1, b"kek:shared", 1), (1, b"kek:teamA", 3)], stored, external)
    recipients = sealpost.inspect(env).recipients
    assert aes_key_unwrap(SHARED_KEY, recipients[0].wrapped_dek) == dek
    assert aes_key_unwrap(TEAM_A_KEY, recipients[1].wrapped_dek) == dek
    _, commitment = spec_keys(dek)
    assert sealpost.inspect(env).header.commitment == commitment
    assert open_with_dek(env, dek, external) == b"customer-4711"


@pytest.mark.parametrize(
    ("recipients", "stored", "external"),
    [
        ([SHARED, TEAM_B], {}, {"t": "A"}),  # other second recipient
        ([SHARED], {}, {"t": "A"}),  # fewer recipients
        ([TEAM_A, SHARED], {}, {"t": "A"}),  # other order (and first KEK)
        ([SymmetricKek("kek:shared", 2, SHARED_KEY), TEAM_A], {}, {"t": "A"}),  # other version
        ([SHARED, TEAM_A], {"tenant": "x"}, {"t": "A"}),  # other stored context
        ([SHARED, TEAM_A], {}, {"t": "B"}),  # other external context
        ([SHARED, TEAM_A], {}, {}),  # no external context
    ],
)
def test_siv1_every_input_of_the_identity_changes_the_dek(
    recipients: list[SymmetricKek], stored: dict[str, str], external: dict[str, str]
) -> None:
    """[SIV-1]: the DEK of [shared, teamA] with external {t: A} opens nothing else."""
    base = sealpost.encrypt(b"k", [SHARED, TEAM_A], suite=3, external_context={"t": "A"})
    other = sealpost.encrypt(b"k", recipients, suite=3, stored_context=stored, external_context=external)
    assert sealpost.inspect(base).header.commitment != sealpost.inspect(other).header.commitment
    dek = aes_key_unwrap(TEAM_A_KEY, sealpost.inspect(base).recipients[1].wrapped_dek)
    with pytest.raises(InvalidTag):
        open_with_dek(other, dek, external)


def test_siv3_same_inputs_same_bytes_through_both_writers() -> None:
    """[SIV-3]: encrypt() and the reusing Encryptor (which caches one derived DEK per external
    context) write the same bytes, and the cache does not mix contexts."""
    enc = Encryptor([SHARED, TEAM_A], suite=Suite.AES_256_SIV, stored_context={"tenant": "acme"})
    for topic in ("A", "B", "A"):
        one_shot = sealpost.encrypt(b"key-1", [SHARED, TEAM_A], suite=3,
                                    stored_context={"tenant": "acme"}, external_context={"t": topic})
        assert enc.encrypt(b"key-1", {"t": topic}) == one_shot
    assert enc.encrypt(b"key-1", {"t": "A"}) != enc.encrypt(b"key-1", {"t": "B"})


def test_siv1_encryptor_cache_is_bounded() -> None:
    """The writer's per-context DEK cache (brief A) stays bounded under many contexts."""
    enc = Encryptor([SHARED], suite=Suite.AES_256_SIV)
    for i in range(1100):
        enc.encrypt(b"k", {"t": str(i)})
    assert len(enc._siv_states) <= 1024
    assert enc.encrypt(b"k", {"t": "0"}) == sealpost.encrypt(b"k", [SHARED], suite=3, external_context={"t": "0"})


# --- the attack of finding 1, step by step ---------------------------------------------------


def test_siv1_finding1_team_a_cannot_read_or_forge_topic_b_keys() -> None:
    """Issue 8, finding 1: team A is a recipient of topic A's record keys ([shared, teamA]).
    Before, every suite 0003 envelope whose first recipient was `shared` v1 had the same DEK.
    Each step of the attack now fails."""
    ext_a = {"kafka.topic": "A", "kafka.record.part": "key"}
    ext_b = {"kafka.topic": "B", "kafka.record.part": "key"}
    env_a = sealpost.encrypt(b"team-a-key", [SHARED, TEAM_A], suite=3, external_context=ext_a)
    env_b = sealpost.encrypt(b"customer-4711-secret-id", [SHARED, TEAM_B], suite=3, external_context=ext_b)
    env_shared = sealpost.encrypt(b"shared-only", [SHARED], suite=3, external_context=ext_b)

    # Team A legitimately unwraps its own envelope's DEK.
    dek_a = aes_key_unwrap(TEAM_A_KEY, sealpost.inspect(env_a).recipients[1].wrapped_dek)
    assert open_with_dek(env_a, dek_a, ext_a) == b"team-a-key"

    # 1. It cannot decrypt topic B's keys, nor a shared-only envelope never wrapped for it.
    for env, ext in ((env_b, ext_b), (env_shared, ext_b)):
        assert sealpost.inspect(env).header.commitment != spec_keys(dek_a)[1]
        with pytest.raises(InvalidTag):
            open_with_dek(env, dek_a, ext)
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(env_b, [TEAM_A], external_context=ext_b)
    assert e.value.category is C.NO_MATCHING_KEY

    # 2. It cannot forge a topic B key that team B accepts: with topic B's header (which wraps
    #    topic B's DEK) and a body under its own DEK, authentication fails; with its own
    #    commitment in that header, the commitment does not match.
    header_b, _ = split(env_b)
    k_msg_a, commitment_a = spec_keys(dek_a)
    forged = header_b + AESSIV(k_msg_a).encrypt(b"forged-by-a", [header_b + encode_ctx(ext_b)])
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(forged, [TEAM_B], external_context=ext_b)
    assert e.value.category is C.AUTHENTICATION_FAILED
    pos = header_b.index(sealpost.inspect(env_b).header.commitment)
    header_f = header_b[:pos] + commitment_a + header_b[pos + 32 :]
    forged = header_f + AESSIV(k_msg_a).encrypt(b"forged-by-a", [header_f + encode_ctx(ext_b)])
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(forged, [TEAM_B], external_context=ext_b)
    assert e.value.category is C.COMMITMENT_MISMATCH


# --- [SIV-2]: which half of the 64-byte key does what ----------------------------------------


def test_siv2_rfc5297_a1_key_halves() -> None:
    """RFC 5297 A.1: the AES-SIV of `cryptography` takes K1 (S2V, CMAC) || K2 (CTR)."""
    key = h("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
    ad = h("101112131415161718191a1b1c1d1e1f2021222324252627")
    pt = h("112233445566778899aabbccddee")
    assert AESSIV(key).encrypt(pt, [ad]) == h("85632d07c6e8f37f950acd320a2ecc9340c02b9690c4dc04daef7f6afe5c")


def _cmac(k: bytes, data: bytes) -> bytes:
    c = CMAC(algorithms.AES(k))
    c.update(data)
    return c.finalize()


def _dbl(b: bytes) -> bytes:
    n = int.from_bytes(b, "big") << 1
    return ((n & ((1 << 128) - 1)) ^ (0x87 if n >> 128 else 0)).to_bytes(16, "big")


@pytest.mark.parametrize("pt", [b"", b"short", b"exactly sixteen!", b"a longer plaintext of 40 bytes........."])
def test_siv2_k1_left_half_is_s2v_key_k2_right_half_is_ctr_key(pt: bytes) -> None:
    """[SIV-2], RFC 5297 2.6: K1 = leftmost 32 bytes of K_msg (S2V/CMAC), K2 = rightmost 32
    bytes (CTR). The body of a suite 0003 envelope is V || C computed that way by hand."""
    env = sealpost.encrypt(pt, [SHARED], suite=3, external_context={"t": "x"})
    header, body = split(env)
    dek = spec_siv_dek(SHARED_KEY, [(1, b"kek:shared", 1)], {}, {"t": "x"})
    k_msg, _ = spec_keys(dek)
    k1, k2 = k_msg[:32], k_msg[32:]
    aad = header + encode_ctx({"t": "x"})
    d = _cmac(k1, bytes(16))
    d = bytes(a ^ b for a, b in zip(_dbl(d), _cmac(k1, aad)))
    if len(pt) >= 16:
        t = pt[:-16] + bytes(a ^ b for a, b in zip(pt[-16:], d))
    else:
        padded = pt + b"\x80" + bytes(15 - len(pt))
        t = bytes(a ^ b for a, b in zip(_dbl(d), padded))
    v = _cmac(k1, t)
    q = bytearray(v)
    q[8] &= 0x7F
    q[12] &= 0x7F
    c = Cipher(algorithms.AES(k2), modes.CTR(bytes(q))).encryptor().update(pt)
    assert body == v + c


# --- [SIV-4]: a reader holding KEK_1 recomputes the DEK ----------------------------------------


def _reused_header_forgery() -> tuple[bytes, bytes, dict[str, str], dict[str, str]]:
    """SPEC.md 13.4: team A, second recipient of the genuine [shared, teamA] record key for topic
    A, keeps that header and writes a body for topic B under the DEK it unwrapped. Built by hand
    from the SPEC formulas. Returns (genuine, forged, external A, external B)."""
    ext_a = {"kafka.topic": "A", "kafka.record.part": "key"}
    ext_b = {"kafka.topic": "B", "kafka.record.part": "key"}
    genuine = sealpost.encrypt(b"customer-4711", [SHARED, TEAM_A], suite=3, external_context=ext_a)
    header_a, _ = split(genuine)
    dek_a = aes_key_unwrap(TEAM_A_KEY, sealpost.inspect(genuine).recipients[1].wrapped_dek)
    assert dek_a == spec_siv_dek(SHARED_KEY, [(1, b"kek:shared", 1), (1, b"kek:teamA", 3)], {}, ext_a)
    k_msg_a, _ = spec_keys(dek_a)
    forged = header_a + AESSIV(k_msg_a).encrypt(b"forged-by-a", [header_a + encode_ctx(ext_b)])
    return genuine, forged, ext_a, ext_b


def test_siv4_reader_holding_kek1_refuses_a_reused_header() -> None:
    """[SIV-4]: the forged envelope's DEK (topic A's) is not the DEK [SIV-1] gives for topic B,
    so a reader holding KEK_1 fails with authentication-failed, alone or with other keys; the
    genuine envelope still opens."""
    genuine, forged, ext_a, ext_b = _reused_header_forgery()
    assert sealpost.decrypt(genuine, [SHARED], external_context=ext_a) == b"customer-4711"
    for keys in ([SHARED], [SHARED, TEAM_A], [TEAM_A, SHARED]):
        with pytest.raises(SealpostError) as e:
            sealpost.decrypt(forged, keys, external_context=ext_b)
        assert e.value.category is C.AUTHENTICATION_FAILED


def test_siv4_reader_without_kek1_cannot_tell() -> None:
    """[SIV-4] applies only when the DEK came from the first entry: a reader holding only the
    second recipient's KEK cannot recompute the DEK and accepts the forgery (the limit that
    SPEC.md 13.4 states; writer signatures are the answer for it)."""
    _, forged, _, ext_b = _reused_header_forgery()
    assert sealpost.decrypt(forged, [TEAM_A], external_context=ext_b) == b"forged-by-a"


def test_siv4_checked_before_the_body_is_decrypted(monkeypatch: pytest.MonkeyPatch) -> None:
    """[SIV-4] and section 11 step 12: the check fails before step 13 touches the body."""
    _, forged, _, ext_b = _reused_header_forgery()
    from sealpost.suites import PayloadCipher

    def no_body(*args: object) -> bytes:
        raise AssertionError("the body was decrypted before the [SIV-4] check")

    monkeypatch.setattr(PayloadCipher, "open", no_body)
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(forged, [SHARED], external_context=ext_b)
    assert e.value.category is C.AUTHENTICATION_FAILED


def test_siv4_commitment_is_compared_first() -> None:
    """[ERR-2], step 12: the commitment comparison ([COM-2]) comes before the [SIV-4] check. A
    header whose commitment is not that of the wrapped DEK fails with commitment-mismatch."""
    _, forged, _, ext_b = _reused_header_forgery()
    header = sealpost.inspect(forged).header
    pos = header.raw.index(header.commitment)
    altered = forged[:pos] + bytes(32) + forged[pos + 32 :]
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(altered, [SHARED], external_context=ext_b)
    assert e.value.category is C.COMMITMENT_MISMATCH


class _OpaqueKek(sealpost.DecryptionKey):
    """A type 01 reader key that unwraps (as an HSM would) but cannot derive [SIV-1] DEKs."""

    def __init__(self, kek: SymmetricKek) -> None:
        self._kek = kek

    def matches(self, entry: sealpost.RecipientEntry) -> bool:
        return self._kek.matches(entry)

    def unwrap(self, entry: sealpost.RecipientEntry) -> bytes:
        return self._kek.unwrap(entry)


def test_siv4_a_first_entry_key_that_cannot_recompute_fails_closed() -> None:
    """[SIV-4] is a MUST for every reader holding KEK_1: a key that cannot derive the DEK is
    refused for suite 0003 from the first entry, even for a genuine envelope; randomized suites
    and later entries do not need the derivation."""
    genuine, _, ext_a, _ = _reused_header_forgery()
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(genuine, [_OpaqueKek(SHARED)], external_context=ext_a)
    assert e.value.category is C.AUTHENTICATION_FAILED
    assert sealpost.decrypt(genuine, [_OpaqueKek(TEAM_A)], external_context=ext_a) == b"customer-4711"
    gcm = sealpost.encrypt(b"m", [SHARED], external_context=ext_a)
    assert sealpost.decrypt(gcm, [_OpaqueKek(SHARED)], external_context=ext_a) == b"m"
