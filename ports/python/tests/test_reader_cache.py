"""The Decryptor's per-DEK key cache: what it saves and what it must never skip ([COM-3],
[SIV-4], [SIG-5])."""

from __future__ import annotations

import pytest

import sealpost
from sealpost import Decryptor, Encryptor, ErrorCategory as C, SealpostError, Suite, SymmetricKek

KEK = bytes(range(32))
EXT = {"topic": "t"}


class CountingKek(SymmetricKek):
    def __init__(self, key_id: str = "orders", key: bytes = KEK) -> None:
        super().__init__(key_id, 1, key)
        self.unwraps = 0

    def unwrap(self, entry: sealpost.RecipientEntry) -> bytes:
        self.unwraps += 1
        return super().unwrap(entry)


@pytest.mark.parametrize("segmented", [False, True])
def test_one_unwrap_per_dek(segmented: bool) -> None:
    """Envelopes under one DEK cost one unwrap for a Decryptor, whole or streamed; a new DEK
    (new wrapped entry) is unwrapped again."""
    import io

    kek = CountingKek()
    enc = Encryptor([kek], segmented=segmented)
    reader = Decryptor([kek])
    for i in range(5):
        assert reader.decrypt(enc.encrypt(b"m%d" % i, EXT), EXT) == b"m%d" % i
    assert reader.reader(io.BytesIO(enc.encrypt(b"s", EXT)), EXT).read() == b"s"
    assert kek.unwraps == 1
    enc.rotate()
    reader.decrypt(enc.encrypt(b"x", EXT), EXT)
    assert kek.unwraps == 2


def test_com3_commitment_compared_for_every_envelope() -> None:
    """[COM-3]: the commitment of every envelope is compared, cache or not: a header whose
    commitment was altered after its DEK was cached fails with commitment-mismatch."""
    kek = CountingKek()
    enc = Encryptor([kek])
    reader = Decryptor([kek])
    env = enc.encrypt(b"m", EXT)
    reader.decrypt(env, EXT)
    h = sealpost.inspect(env).header
    pos = h.raw.index(h.commitment)
    altered = env[:pos] + bytes(32) + env[pos + 32 :]
    with pytest.raises(SealpostError) as e:
        reader.decrypt(altered, EXT)
    assert e.value.category is C.COMMITMENT_MISMATCH
    assert reader.decrypt(env, EXT) == b"m"


def test_siv4_not_skipped_by_the_cache() -> None:
    """[SIV-4]: a deterministic header read once for topic A, then reused by a recipient for
    topic B under the same DEK, is still refused by a reader holding KEK_1."""
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV
    from cryptography.hazmat.primitives.keywrap import aes_key_unwrap

    from sealpost.kdf import derive_message_keys

    shared = SymmetricKek("shared", 1, KEK)
    team = SymmetricKek("team", 1, bytes(range(50, 82)))
    reader = Decryptor([shared])
    genuine = sealpost.encrypt(b"k", [shared, team], suite=Suite.AES_256_SIV, external_context={"t": "A"})
    assert reader.decrypt(genuine, {"t": "A"}) == b"k"
    header = sealpost.inspect(genuine).header.raw
    dek = aes_key_unwrap(bytes(range(50, 82)), sealpost.inspect(genuine).recipients[1].wrapped_dek)
    k_msg = derive_message_keys(dek, 3, 64).message_key
    forged = header + AESSIV(k_msg).encrypt(b"forged", [header + b"\x01\x01t\x00\x01B"])
    with pytest.raises(SealpostError) as e:
        reader.decrypt(forged, {"t": "B"})
    assert e.value.category is C.AUTHENTICATION_FAILED


def test_trust_checked_before_the_cache() -> None:
    """[SIG-5]: a cached DEK does not let an envelope skip step 10a."""
    kek = CountingKek()
    writer = sealpost.WriterKey("w", 1, bytes(32))
    enc = Encryptor([kek], signer=writer)
    reader = Decryptor([kek])
    env = enc.encrypt(b"m", EXT)
    reader.decrypt(env, EXT)
    other = sealpost.WriterKey("w", 2, bytes(32)).trusted()
    with pytest.raises(SealpostError) as e:
        reader.decrypt(env, EXT, trusted_writers=[other])
    assert e.value.category is C.UNTRUSTED_WRITER


def test_key_cache_is_bounded() -> None:
    kek = CountingKek()
    reader = Decryptor([kek], key_cache_size=2)
    for _ in range(5):
        reader.decrypt(sealpost.encrypt(b"m", [kek], external_context=EXT), EXT)
    assert len(reader._key_cache) == 2 and kek.unwraps == 5
