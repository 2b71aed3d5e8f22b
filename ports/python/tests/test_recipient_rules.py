"""Recipient entries under the rules of issue 8: duplicates ([RCP-7]), the deterministic suite's
types on the reader side ([SUITE-4]), bounded unwrap attempts ([RCP-8], [COM-4]), the KMS
allow-list ([KMS-3]) and a reader holding only a public key.

Envelopes are built by hand (tests/helpers.py) or by the writer with recipients that wrap what a
hostile writer would; expected outcomes come from the SPEC rules.
"""

from __future__ import annotations

import logging
import os
import struct

import pytest
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

import sealpost
from sealpost import ErrorCategory as C
from sealpost import (
    KmsAllowList,
    KmsKey,
    Recipient,
    SealpostError,
    SymmetricKek,
    TestKms,
    X25519PrivateKey,
)
from sealpost._testing import encrypt_fixed

from helpers import envelope, recipient

KEK_A = SymmetricKek("kek-a", 1, bytes(range(32)))
KEK_B = SymmetricKek("kek-b", 1, bytes(range(1, 33)))
XKEY = X25519PrivateKey("consumer-a", 1, bytes(range(2, 34)))
URI_1 = "test-kms://region-1/key-1"
URI_2 = "test-kms://region-1/key-2"
URI_3 = "test-kms://region-1/key-3"


def category(data: bytes, keys: list[object] | None = None, **kwargs: object) -> C | None:
    try:
        sealpost.decrypt(data, keys or [], **kwargs)  # type: ignore[arg-type]
    except SealpostError as e:
        return e.category
    return None


# --- [RCP-7] duplicates, reader side ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (recipient(1, b"k", 1), recipient(1, b"k", 1)),  # type 01, same (id, version)
        (recipient(2, b"k", 7), recipient(2, b"k", 7)),  # type 02
        (recipient(3, b"kms://k", 0), recipient(3, b"kms://k", 5)),  # type 03: same URI, any version
        (recipient(0x7F, b"k", 1, b"abc"), recipient(0x7F, b"k", 1, b"other")),  # unknown type
        (recipient(0x00, b"k", 1, b"a"), recipient(0x00, b"k", 1, b"a")),  # reserved type
    ],
)
def test_rcp7_duplicate_key_reference_is_malformed(first: bytes, second: bytes) -> None:
    """[RCP-7]: checked on the header alone, so also by inspect (steps 1 to 8)."""
    data = envelope(recipients=[recipient(1, b"other"), first, second])
    assert category(data, [KEK_A]) is C.MALFORMED_HEADER
    with pytest.raises(SealpostError) as e:
        sealpost.inspect(data)
    assert e.value.category is C.MALFORMED_HEADER


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (recipient(1, b"k", 1), recipient(1, b"k", 2)),  # other version (a KEK rotation)
        (recipient(1, b"k", 1), recipient(2, b"k", 1)),  # same id, other type
        (recipient(3, b"kms://k", 0), recipient(0x7F, b"kms://k", 0)),
        (recipient(0x7F, b"k", 1), recipient(0x7F, b"k", 2)),
        (recipient(0x7F, b"k", 1), recipient(0x7E, b"k", 1)),
        (recipient(1, b"k", 1), recipient(1, b"K", 1)),  # ids compare as bytes
    ],
)
def test_rcp7_distinct_references_are_not_duplicates(first: bytes, second: bytes) -> None:
    """[RCP-7]: only the same reference is a duplicate; the header parses."""
    data = envelope(recipients=[first, second])
    assert len(sealpost.inspect(data).recipients) == 2


def test_rcp7_err2_order_within_step5() -> None:
    """[RCP-7], [ERR-2]: the duplicate is found at the end of its entry, so a fault read earlier
    in that entry (a wrapped length over 4096) wins, and the duplicate wins over any later entry."""
    dup_too_long = recipient(0x7F, b"k", 1, bytes(4097))
    assert category(envelope(recipients=[recipient(0x7F, b"k", 1), dup_too_long])) is C.LIMIT_EXCEEDED
    later_too_long = recipient(0x7F, b"z", 1, bytes(4097))
    data = envelope(recipients=[recipient(0x7F, b"k", 1), recipient(0x7F, b"k", 1), later_too_long])
    assert category(data) is C.MALFORMED_HEADER


# --- [SUITE-4] ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rtype", [2, 3])
def test_suite4_deterministic_suite_with_type_02_or_03_is_malformed(rtype: int) -> None:
    """[SUITE-4]: whether or not the reader holds a key, at the end of that entry."""
    data = envelope(suite=3, recipients=[recipient(1, b"kek-a"), recipient(rtype, b"x", 0)])
    assert category(data, [KEK_A]) is C.MALFORMED_HEADER
    # Found before any later entry is read: a later over-long wrapped DEK does not win.
    data = envelope(suite=3, recipients=[recipient(rtype, b"x"), recipient(0x7F, b"y", 1, bytes(4097))])
    assert category(data, [KEK_A]) is C.MALFORMED_HEADER
    # ... and after the entry's own length fields: an over-long wrapped DEK in it wins.
    data = envelope(suite=3, recipients=[recipient(rtype, b"x", 0, bytes(4097))])
    assert category(data) is C.LIMIT_EXCEEDED


def test_suite4_unknown_types_are_still_skipped_in_suite_3() -> None:
    """[SUITE-4], [RCP-4]: only types 02 and 03 are refused; unknown types are skipped."""
    env = sealpost.encrypt(b"p", [KEK_A], suite=3)
    info = sealpost.inspect(env)
    assert category(envelope(suite=3, recipients=[recipient(0x7F, b"x", 1), recipient(1, b"kek-a")])) is C.NO_MATCHING_KEY
    assert info.recipients[0].type == 1


# --- [RCP-8], [COM-4] ---------------------------------------------------------------------------


class WrapsJunk(Recipient):
    """A hostile writer's entry: names a key, wraps garbage (or a different DEK)."""

    def __init__(self, rtype: int, key_id: str, version: int, wrapped: bytes) -> None:
        self.recipient_type = rtype
        self.key_id = key_id.encode()
        self.key_version = version
        self._wrapped = wrapped

    def wrap(self, dek: bytes) -> bytes:
        return self._wrapped


def test_rcp8_verdict_on_first_held_entry_ends_step_11() -> None:
    """[RCP-8]: [A junk, B good]. Holding both: unwrap-failed, B is not tried. Holding only B: the
    envelope is valid (A is skipped as not held)."""
    env = sealpost.encrypt(b"p", [WrapsJunk(1, "kek-a", 1, bytes(40)), KEK_B])
    assert category(env, [KEK_A, KEK_B]) is C.UNWRAP_FAILED
    assert sealpost.decrypt(env, [KEK_B]) == b"p"
    env = sealpost.encrypt(b"p", [WrapsJunk(2, "consumer-a", 1, bytes(80)), KEK_B])
    assert category(env, [XKEY, KEK_B]) is C.UNWRAP_FAILED


def test_com4_first_held_entry_gives_the_final_dek() -> None:
    """[COM-4], [RCP-8]: [A wraps DEK', B wraps DEK] with the commitment of DEK. Holding both:
    A unwraps DEK', the commitment does not match, and B is never tried."""
    dek, other = bytes(range(32)), bytes(range(32, 64))
    a_other = WrapsJunk(1, "kek-a", 1, aes_key_wrap(KEK_A.kek, other))
    env = encrypt_fixed(b"p", [a_other, KEK_B], dek=dek)
    assert category(env, [KEK_A, KEK_B]) is C.COMMITMENT_MISMATCH
    assert sealpost.decrypt(env, [KEK_B]) == b"p"


class CountingKms:
    """A KMS client that records calls; URIs in ``down`` are unreachable."""

    def __init__(self, keys: dict[str, bytes], down: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.inner = TestKms(keys)
        self.down = set(down)
        self.calls: list[str] = []

    def supports(self, key_uri: str) -> bool:
        return self.inner.supports(key_uri)

    def encrypt(self, key_uri: str, plaintext: bytes) -> bytes:
        return self.inner.encrypt(key_uri, plaintext)

    def decrypt(self, key_uri: str, ciphertext: bytes) -> bytes:
        self.calls.append(key_uri)
        if key_uri in self.down:
            raise SealpostError(C.KEY_SERVICE_FAILURE, "service unavailable")
        return self.inner.decrypt(key_uri, ciphertext)


KMS_KEYS = {URI_1: bytes(32), URI_2: bytes(range(32)), URI_3: bytes(range(3, 35))}


def test_rcp8_unavailable_service_moves_on_to_the_next_held_entry() -> None:
    """[RCP-8]: only key-service-failure moves on; the second attempt gives the DEK."""
    writer = CountingKms(KMS_KEYS)
    env = sealpost.encrypt(b"p", [KmsKey(URI_1, writer), KmsKey(URI_2, writer)])
    reader = CountingKms(KMS_KEYS, down={URI_1})
    assert sealpost.decrypt(env, [KmsAllowList(reader, key_uri_prefixes=["test-kms://region-1/"])]) == b"p"
    assert reader.calls == [URI_1, URI_2]


def test_rcp8_at_most_two_attempts() -> None:
    """[RCP-8]: two unavailable services end step 11 with key-service-failure; a third held
    entry, which would unwrap, is not tried."""
    writer = CountingKms(KMS_KEYS)
    env = sealpost.encrypt(b"p", [KmsKey(URI_1, writer), KmsKey(URI_2, writer), KmsKey(URI_3, writer)])
    reader = CountingKms(KMS_KEYS, down={URI_1, URI_2})
    allow = KmsAllowList(reader, key_uris=[URI_1, URI_2, URI_3])
    assert category(env, [allow]) is C.KEY_SERVICE_FAILURE
    assert reader.calls == [URI_1, URI_2]


def test_rcp8_unavailable_then_verdict_is_unwrap_failed() -> None:
    """[RCP-8]: a verdict on the second attempt is unwrap-failed."""
    writer = CountingKms(KMS_KEYS)
    env = sealpost.encrypt(b"p", [KmsKey(URI_1, writer), WrapsJunk(1, "kek-a", 1, bytes(40))])
    reader = CountingKms(KMS_KEYS, down={URI_1})
    assert category(env, [KmsAllowList(reader, key_uris=[URI_1]), KEK_A]) is C.UNWRAP_FAILED
    assert category(env, [KmsAllowList(reader, key_uris=[URI_1])]) is C.KEY_SERVICE_FAILURE


def test_rcp8_hostile_envelope_costs_one_unwrap() -> None:
    """Issue 8, finding 2: 32 entries naming keys the reader holds, all with junk, cost one
    unwrap attempt (one KMS call), not 32."""
    client = CountingKms({f"test-kms://region-1/k{i}": bytes(32) for i in range(32)})
    junk = [WrapsJunk(3, f"test-kms://region-1/k{i}", 0, os.urandom(60)) for i in range(32)]
    env = sealpost.encrypt(b"p", junk)
    allow = KmsAllowList(client, key_uri_prefixes=["test-kms://region-1/"])
    assert category(env, [allow]) is C.UNWRAP_FAILED
    assert len(client.calls) == 1
    keks = [SymmetricKek("kek", v, bytes(32)) for v in range(32)]
    env = sealpost.encrypt(b"p", [WrapsJunk(1, "kek", v, bytes(40)) for v in range(32)])
    calls = []

    class Counting(SymmetricKek):
        def unwrap(self, entry):  # type: ignore[no-untyped-def]
            calls.append(entry.key_version)
            return super().unwrap(entry)

    assert category(env, [Counting("kek", k.key_version, bytes(32)) for k in keks]) is C.UNWRAP_FAILED
    assert calls == [0]


def test_rcp10_unavailable_service_is_not_remembered() -> None:
    """[RCP-10]: an attempt that failed because the KMS was down does not decide the next
    envelope (or the same one again): once the service is back, it decrypts."""
    writer = CountingKms(KMS_KEYS)
    env = sealpost.encrypt(b"p", [KmsKey(URI_1, writer)])
    reader = CountingKms(KMS_KEYS, down={URI_1})
    allow = KmsAllowList(reader, key_uris=[URI_1])
    assert category(env, [allow]) is C.KEY_SERVICE_FAILURE
    reader.down.clear()
    assert sealpost.decrypt(env, [allow]) == b"p"
    assert reader.calls == [URI_1, URI_1]


def test_rcp8_a_custom_key_error_keeps_its_category() -> None:
    """[ERR-1]: a typed error from a reader key keeps its category; another exception is a
    verdict on the entry (unwrap-failed)."""

    class Broken(SymmetricKek):
        def unwrap(self, entry):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    class Typed(SymmetricKek):
        def unwrap(self, entry):  # type: ignore[no-untyped-def]
            raise SealpostError(C.INVALID_KEY_MATERIAL, "key file unreadable")

    env = sealpost.encrypt(b"p", [KEK_A])
    assert category(env, [Broken("kek-a", 1, bytes(32))]) is C.UNWRAP_FAILED
    assert category(env, [Typed("kek-a", 1, bytes(32)), KEK_A]) is C.INVALID_KEY_MATERIAL


# --- [KMS-3] allow-list -------------------------------------------------------------------------


def test_kms3_reader_calls_only_allowed_uris() -> None:
    """[KMS-3]: an entry whose URI is neither allowed nor under an allowed prefix is not held:
    no KMS call, no-matching-key."""
    writer = CountingKms(KMS_KEYS | {"test-kms://region-2/evil": bytes(32)})
    env = sealpost.encrypt(b"p", [KmsKey("test-kms://region-2/evil", writer)])
    reader = CountingKms(KMS_KEYS | {"test-kms://region-2/evil": bytes(32)})
    for allow in (
        KmsAllowList(reader, key_uris=[URI_1]),
        KmsAllowList(reader, key_uri_prefixes=["test-kms://region-1/"]),
        KmsAllowList(reader, key_uri_prefixes=["test-kms://region-2/evil/"]),  # prefix, not a match
        KmsKey(URI_1, reader),  # a KmsKey allows exactly its own URI
    ):
        assert category(env, [allow]) is C.NO_MATCHING_KEY
    assert reader.calls == []
    assert sealpost.decrypt(env, [KmsAllowList(reader, key_uri_prefixes=["test-kms://region-2/"])]) == b"p"
    assert sealpost.decrypt(env, [KmsAllowList(reader, key_uris=["test-kms://region-2/evil"])]) == b"p"


def test_kms3_allow_list_matches_any_key_version() -> None:
    """[RCP-5], [KMS-3]: KMS keys version themselves inside the KMS."""
    writer = CountingKms(KMS_KEYS)
    env = sealpost.encrypt(b"p", [KmsKey(URI_1, writer, version=9)])
    assert sealpost.decrypt(env, [KmsAllowList(writer, key_uris=[URI_1])]) == b"p"


def test_kms4_allow_list_is_required_and_discovery_is_an_opt_in(caplog: pytest.LogCaptureFixture) -> None:
    """[KMS-3], [KMS-4]: no default that allows every URI; discovery is explicit and logs a
    warning."""
    client = CountingKms(KMS_KEYS)
    with pytest.raises(ValueError, match="key_uris.*key_uri_prefixes.*discovery=True"):
        KmsAllowList(client)
    for bad in ([""], [None]):
        with pytest.raises(ValueError):
            KmsAllowList(client, key_uri_prefixes=bad)  # type: ignore[arg-type]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sealpost"):
        KmsAllowList(client, key_uris=[URI_1])
    assert not caplog.records
    with caplog.at_level(logging.WARNING, logger="sealpost"):
        discovery = KmsAllowList(client, discovery=True)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "discovery" in caplog.records[0].getMessage()
    # Discovery holds what the client serves, and nothing else.
    env = sealpost.encrypt(b"p", [KmsKey(URI_2, client)])
    assert sealpost.decrypt(env, [discovery]) == b"p"
    other = CountingKms({"test-kms://elsewhere": bytes(32)})
    env = sealpost.encrypt(b"p", [KmsKey("test-kms://elsewhere", other)])
    assert category(env, [discovery]) is C.NO_MATCHING_KEY


# --- a reader with only a public key -------------------------------------------------------------


def test_reader_with_only_an_x25519_public_key_holds_nothing() -> None:
    """[ENC-3] (reader side), [RCP-4]: an X25519 public key cannot unwrap: no-matching-key."""
    env = sealpost.encrypt(b"p", [XKEY.recipient()])
    assert category(env, [XKEY.recipient()]) is C.NO_MATCHING_KEY
    assert sealpost.decrypt(env, [XKEY.recipient(), XKEY]) == b"p"
    with pytest.raises(TypeError):
        sealpost.decrypt(env, ["not a key"])  # type: ignore[list-item]


def test_helpers_build_the_entries_they_claim() -> None:
    """Self-check of the hand-built entries used above."""
    entry = recipient(3, b"kms://k", 5, b"abc")
    assert entry == b"\x03\x07kms://k" + struct.pack(">IH", 5, 3) + b"abc"
