"""Writer-side categories and their order ([ENC-2], [ENC-3], issue 8 finding 8).

A writer validates recipients, then the stored context, then the external context, then the
plaintext, and reports the first fault with the category a reader would report for the bytes
it would have written ([ENC-2]); a key it does not hold is invalid-key-material.
"""

from __future__ import annotations

import pytest

import sealpost
import sealpost.envelope
from sealpost import Encryptor, KmsKey, SealpostError, Suite, SymmetricKek, TestKms, X25519PrivateKey
from sealpost import ErrorCategory as C

KEK = SymmetricKek("orders", 1, bytes(32))
XKEY = X25519PrivateKey("consumer-a", 1, bytes(range(1, 33)))
KMS = TestKms({"test-kms://held": bytes(32)})
HELD = KmsKey("test-kms://held", KMS)
UNHELD = KmsKey("test-kms://not-held", KMS)  # the client does not serve this URI
EMPTY = SymmetricKek("", 1, bytes(32))
LONG = SymmetricKek("k" * 256, 1, bytes(32))
SURROGATE = SymmetricKek("bad\ud800", 1, bytes(32))
MANY = {f"k{i:02d}": "" for i in range(33)}
#: Invalid contexts and their first fault (None: valid), for either kind of context.
CONTEXT_CASES: list[tuple[dict[str, str], C | None]] = [
    ({"k": "v", "": "v"}, C.MALFORMED_HEADER),  # empty key (valid for neither kind)
    (MANY | {"": "v"}, C.LIMIT_EXCEEDED),  # count before the entries
    (MANY | {"k": "\ud800"}, C.LIMIT_EXCEEDED),  # count before well-formedness
    ({"a" * 256: "v", "b": "\ud800"}, C.MALFORMED_HEADER),  # well-formedness before lengths
    ({"a": "v" * 1025, "\ud800": ""}, C.MALFORMED_HEADER),
    ({"b" * 256: "", "": "v"}, C.MALFORMED_HEADER),  # "" is first in canonical order
    ({"b": "v" * 1025}, C.LIMIT_EXCEEDED),
    ({"b" * 256: ""}, C.LIMIT_EXCEEDED),
    ({"a": "v" * 1024, "b" * 255: ""}, None),  # at the limits: fine
]


def first_fault(*args: object, **kwargs: object) -> C:
    with pytest.raises(SealpostError) as e:
        sealpost.encrypt(*args, **kwargs)  # type: ignore[arg-type]
    return e.value.category


@pytest.mark.parametrize(
    ("recipients", "expected"),
    [
        ([], C.MALFORMED_HEADER),  # [RCP-1]: none
        ([EMPTY] * 33, C.LIMIT_EXCEEDED),  # count before the entries
        ([KEK, EMPTY, LONG], C.MALFORMED_HEADER),  # each recipient in order
        ([KEK, LONG, EMPTY], C.LIMIT_EXCEEDED),
        ([SURROGATE], C.MALFORMED_HEADER),  # no UTF-8 form
        ([SymmetricKek("\ud800" * 100, 1, bytes(32))], C.MALFORMED_HEADER),  # well-formed before length
        ([SymmetricKek("\ud800" * 100, 1, bytes(32)), EMPTY], C.MALFORMED_HEADER),
        ([LONG, SURROGATE], C.LIMIT_EXCEEDED),
        ([KEK, KEK], C.MALFORMED_HEADER),  # [RCP-7]
        ([KmsKey("test-kms://held", KMS, 0), KmsKey("test-kms://held", KMS, 1)], C.MALFORMED_HEADER),
        ([UNHELD], C.INVALID_KEY_MATERIAL),  # not held
        ([UNHELD, EMPTY], C.INVALID_KEY_MATERIAL),  # recipient 0's last check before recipient 1
        ([EMPTY, UNHELD], C.MALFORMED_HEADER),
        ([KEK, KEK, UNHELD], C.MALFORMED_HEADER),
        ([UNHELD, KEK, KEK], C.INVALID_KEY_MATERIAL),
    ],
)
def test_enc3_recipient_checks_in_order(recipients: list[object], expected: C) -> None:
    """[ENC-3] items 1 and 2, [ENC-2], [RCP-1], [RCP-7], [LIM-4]"""
    assert first_fault(b"p", recipients) is expected


def test_enc3_writer_accepts_two_versions_of_one_key() -> None:
    """[RCP-7]: (id, v1) and (id, v2) are different references (a KEK rotation)."""
    env = sealpost.encrypt(b"p", [KEK, SymmetricKek("orders", 2, bytes(range(32)))])
    assert sealpost.decrypt(env, [SymmetricKek("orders", 2, bytes(range(32)))]) == b"p"


@pytest.mark.parametrize(
    ("recipients", "expected"),
    [
        ([KEK, XKEY.recipient()], C.MALFORMED_HEADER),  # [SUITE-3], [SUITE-4]
        ([KEK, HELD], C.MALFORMED_HEADER),
        ([KEK, UNHELD], C.MALFORMED_HEADER),  # the suite's type rule before "not held"
        ([HELD, EMPTY], C.MALFORMED_HEADER),
        ([XKEY.recipient(), LONG], C.MALFORMED_HEADER),  # recipient 0's type before recipient 1
        ([KEK, KEK, XKEY.recipient()], C.MALFORMED_HEADER),
    ],
)
def test_enc3_deterministic_suite_refuses_other_types_as_malformed(recipients: list[object], expected: C) -> None:
    """[SUITE-3], [SUITE-4], [ENC-2]: the category a reader would report."""
    assert first_fault(b"p", recipients, suite=Suite.AES_256_SIV) is expected
    with pytest.raises(SealpostError) as e:
        Encryptor(recipients, suite=Suite.AES_256_SIV)  # type: ignore[arg-type]
    assert e.value.category is expected


def test_enc3_recipients_before_contexts_before_plaintext(monkeypatch: pytest.MonkeyPatch) -> None:
    """[ENC-3]: recipients, stored context, external context, plaintext."""
    monkeypatch.setattr(sealpost.envelope, "MAX_PLAINTEXT_LENGTH", 4)
    big = b"12345"
    assert first_fault(big, [EMPTY], stored_context=MANY, external_context=MANY) is C.MALFORMED_HEADER
    assert first_fault(big, [KEK], stored_context={"": "v"}, external_context=MANY) is C.MALFORMED_HEADER
    assert first_fault(big, [KEK], stored_context=MANY, external_context={"": "v"}) is C.LIMIT_EXCEEDED
    assert first_fault(big, [KEK], external_context={"": "v"}) is C.MALFORMED_HEADER
    assert first_fault(big, [KEK], external_context={"k": "\ud800"}) is C.MALFORMED_HEADER
    assert first_fault(big, [KEK]) is C.LIMIT_EXCEEDED
    assert sealpost.encrypt(b"1234", [KEK]) != b""
    enc = Encryptor([KEK])
    with pytest.raises(SealpostError) as e:
        enc.encrypt(big, {"": "v"})
    assert e.value.category is C.MALFORMED_HEADER
    with pytest.raises(SealpostError) as e:
        enc.encrypt(big, {"k": "v"})
    assert e.value.category is C.LIMIT_EXCEEDED


@pytest.mark.parametrize("kind", ["stored_context", "external_context"])
def test_enc3_context_checks_in_order(kind: str) -> None:
    """[ENC-3] items 3 and 4, [ENC-2], [CTX-3], [LIM-4]: the count first, then well-formed
    Unicode of every key and value, then each entry in canonical order (UTF-8 byte order of the
    keys, not insertion order): empty key, key length, value length."""
    for ctx, expected in CONTEXT_CASES:
        if expected is None:
            assert sealpost.encrypt(b"p", [KEK], **{kind: ctx}) != b""
        else:
            assert first_fault(b"p", [KEK], **{kind: ctx}) is expected, ctx


def test_enc3_utf8_order_not_utf16_order() -> None:
    """[CTX-1]: U+E000 sorts before U+1F600 in UTF-8 (EE 80 80 < F0 9F 98 80), the reverse of
    their UTF-16 order (E000 > D83D); key ids with U+1F600 are fine."""
    env = sealpost.encrypt(b"p", [SymmetricKek("key-\U0001f600", 1, bytes(32))],
                           stored_context={"\U0001f600": "b", "\ue000": "a"})
    info = sealpost.inspect(env)
    assert [k for k, _ in info.header.stored_context_entries] == ["\ue000".encode(), "\U0001f600".encode()]
    assert info.recipients[0].key_id == "key-\U0001f600".encode()
