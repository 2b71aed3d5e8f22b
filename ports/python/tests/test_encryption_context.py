"""``sealpost.EncryptionContext``: a context validated and encoded once (SPEC.md section 7).

It must be refused for exactly what a ``dict`` context is refused for, with the same category
([ENC-2], [ENC-3], [LIM-4]); its encoding must be section 7's ([CTX-1], [CTX-3]); and wherever a
``dict`` is accepted it must give the same envelope and the same decryption outcome.
"""

from __future__ import annotations

import io
import pickle
import random
from typing import Any, Callable

import pytest

import sealpost
from sealpost import Decryptor, EncryptionContext, Encryptor, SealpostError, Suite, SymmetricKek
from sealpost import ErrorCategory as C
from sealpost._testing import encrypt_fixed
from spec_writer import encode_ctx
from test_writer_order import CONTEXT_CASES, MANY

KEK = SymmetricKek("orders", 1, bytes(range(32)))
DEK = bytes(range(100, 132))
NONCE = bytes(range(12))


def fault(fn: Callable[[], object]) -> Any:
    """The category ``fn`` raises, or the exception type when it is not a SealpostError."""
    try:
        fn()
    except SealpostError as e:
        return e.category
    except Exception as e:  # noqa: BLE001 - the type itself is compared
        return type(e)
    return None


# ---------------------------------------------------------------------------- validation


@pytest.mark.parametrize(("ctx", "expected"), CONTEXT_CASES)
def test_enc3_refused_like_a_dict_context(ctx: dict[str, str], expected: C | None) -> None:
    """[ENC-2], [ENC-3], [LIM-4]: construction reports the first fault with the category the
    writer reports for the same dict, whichever kind of context it is."""
    assert fault(lambda: EncryptionContext(ctx)) is expected
    assert fault(lambda: sealpost.encrypt(b"p", [KEK], external_context=ctx)) is expected
    assert fault(lambda: sealpost.encrypt(b"p", [KEK], stored_context=ctx)) is expected


@pytest.mark.parametrize(
    ("ctx", "expected"),
    [
        ({"": "v"}, C.MALFORMED_HEADER),  # [CTX-3]: empty key
        ({"k": "\ud800"}, C.MALFORMED_HEADER),  # [HDR-4]: not well-formed Unicode
        ({"\udfff": "v"}, C.MALFORMED_HEADER),
        (MANY, C.LIMIT_EXCEEDED),  # [LIM-4]: 33 entries
        ({"k": "\u00e9" * 513}, C.LIMIT_EXCEEDED),  # 1026 UTF-8 bytes, 513 characters
        ({"\u00e9" * 128: ""}, C.LIMIT_EXCEEDED),  # 256 UTF-8 bytes
        ({1: "v"}, TypeError),
        ({"k": b"v"}, TypeError),
        ({"k": None}, TypeError),
        (["topic"], AttributeError),
    ],
)
def test_lim4_invalid_inputs_same_outcome_as_dict(ctx: Any, expected: Any) -> None:
    """Every invalid input fails construction as the dict fails encryption, category or type."""
    assert fault(lambda: EncryptionContext(ctx)) is expected
    assert fault(lambda: sealpost.encrypt(b"p", [KEK], external_context=ctx)) is expected


def test_lim4_at_the_limits_is_accepted() -> None:
    """[LIM-4]: 32 entries, a 255-byte key and a 1024-byte value are valid."""
    ctx = {f"k{i:02d}": "" for i in range(31)} | {"\u00e9" * 127 + "a": "\u00e9" * 512}
    assert len(EncryptionContext(ctx)) == 32


# ---------------------------------------------------------------------------- encoding


def random_context(rng: random.Random) -> dict[str, str]:
    alphabet = ["a", "b", "Z", "0", "-", "\u00e9", "\u0800", "\ue000", "\uffff", "\U0001f600", "\U0010ffff"]
    ctx: dict[str, str] = {}
    for _ in range(rng.randrange(0, 33)):
        key = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40)))
        ctx[key] = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 200)))
    return ctx


def test_ctx1_encoding_is_section_7_over_many_contexts() -> None:
    """[CTX-1], [CTX-3]: the stored encoding is section 7's (an independent encoder, keys in
    UTF-8 byte order), and the one a dict context gives on the wire."""
    from sealpost.context import encode_context

    rng = random.Random(9)
    for _ in range(500):
        ctx = random_context(rng)
        expected = encode_ctx(ctx)
        ec = EncryptionContext(ctx)
        assert ec.encoded == expected
        assert encode_context(ctx) == expected
        assert EncryptionContext(dict(reversed(list(ctx.items())))) == ec  # insertion order is irrelevant
        assert hash(EncryptionContext(ctx)) == hash(ec)
        assert dict(ec) == ctx


def test_ctx1_known_encodings() -> None:
    """Section 7 by hand: count, then each key (1-byte length) and value (2-byte length)."""
    assert EncryptionContext().encoded == b"\x00"
    assert EncryptionContext({}).encoded == b"\x00"
    assert EncryptionContext({"topic": "payments"}).encoded.hex() == "0105746f70696300087061796d656e7473"
    # U+E000 (EE 80 80) sorts before U+1F600 (F0 9F 98 80) in UTF-8, not in UTF-16.
    assert EncryptionContext({"\U0001f600": "", "\ue000": "x"}).encoded.hex() == "0203ee80800001780" "4f09f98800000"


def test_equality_and_hash_follow_the_encoding() -> None:
    a = EncryptionContext({"a": "1", "b": "2"})
    b = EncryptionContext({"b": "2", "a": "1"})
    c = EncryptionContext({"a": "1", "b": "3"})
    assert a == b and not a != b and hash(a) == hash(b)
    assert a != c and not a == c
    assert a != {"a": "1", "b": "2"}  # never equal to a dict: equality is over encodings
    assert len({a, b, c}) == 2
    assert EncryptionContext(a) == a


def test_str_subclass_is_not_kept() -> None:
    """A str subclass that lies in __eq__ is taken for its characters only: the context holds
    exact str, and its encoding is the subclass's text."""

    class Liar(str):
        def __eq__(self, other: object) -> bool:
            return True

        def __ne__(self, other: object) -> bool:
            return False

        __hash__ = str.__hash__

    ec = EncryptionContext({Liar("topic"): Liar("a")})
    assert ec.encoded == encode_ctx({"topic": "a"})
    assert ec != EncryptionContext({"topic": "b"})
    assert all(type(k) is str and type(v) is str for k, v in ec.items())


# ---------------------------------------------------------------------------- immutability


def test_immutable() -> None:
    source = {"topic": "payments"}
    ec = EncryptionContext(source)
    source["topic"] = "refunds"
    source["extra"] = "x"
    assert dict(ec) == {"topic": "payments"}
    assert ec.encoded == encode_ctx({"topic": "payments"})
    for name in ("_encoded", "_items", "_hash", "encoded", "other"):
        with pytest.raises(AttributeError):
            setattr(ec, name, b"\x00")
        with pytest.raises(AttributeError):
            delattr(ec, name)
    with pytest.raises(TypeError):
        ec["topic"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        del ec["topic"]  # type: ignore[attr-defined]
    assert not hasattr(ec, "__dict__")
    assert ec.encoded == encode_ctx({"topic": "payments"})
    clone = pickle.loads(pickle.dumps(ec))
    assert clone == ec and type(clone) is EncryptionContext


def test_repr_names_keys_not_values() -> None:
    text = repr(EncryptionContext({"tenant": "very-long-value-" * 10}))
    assert "tenant" in text and "very-long-value" not in text


# ---------------------------------------------------------------------------- same outcomes


CONTEXTS = [{}, {"topic": "payments"}, {"b": "2", "a": "1", "\U0001f600": "\u00e9"}]


@pytest.mark.parametrize("ctx", CONTEXTS)
@pytest.mark.parametrize("suite", [Suite.AES_256_GCM, Suite.CHACHA20_POLY1305, Suite.AES_256_SIV])
def test_ctx3_same_envelope_as_the_dict(ctx: dict[str, str], suite: Suite) -> None:
    """[CTX-3]: with the DEK and nonce fixed, a dict and an EncryptionContext give the same
    bytes, as external context and as stored context."""
    ec = EncryptionContext(ctx)
    fixed: dict[str, Any] = {} if suite.deterministic else {"dek": DEK, "nonce": NONCE}
    for kind in ("external_context", "stored_context"):
        a = encrypt_fixed(b"payload", [KEK], suite=suite, **fixed, **{kind: ctx})
        b = encrypt_fixed(b"payload", [KEK], suite=suite, **fixed, **{kind: ec})
        assert a == b
        assert a != encrypt_fixed(b"payload", [KEK], suite=suite, **fixed, **{kind: {"x": "y"}})
    if suite is Suite.AES_256_SIV:  # deterministic: the Encryptor's own DEK and nonce
        assert Encryptor([KEK], suite=suite).encrypt(b"p", ctx) == Encryptor([KEK], suite=suite).encrypt(b"p", ec)
        assert sealpost.encrypt(b"p", [KEK], suite=suite, external_context=ec) == sealpost.encrypt(
            b"p", [KEK], suite=suite, external_context=ctx)


def outcomes(env: bytes, ctx: Any, required: Any = None) -> list[Any]:
    """What every reading entry point makes of ``env`` under this external context."""
    reader = Decryptor([KEK])

    def stream() -> bytes:
        with reader.reader(io.BytesIO(env), ctx, required_context=required) as r:
            return r.read()

    results = [
        fault(lambda: sealpost.decrypt(env, [KEK], external_context=ctx, required_context=required)) or
        sealpost.decrypt(env, [KEK], external_context=ctx, required_context=required),
    ]
    for _ in range(3):  # full path, then the known prefix
        results.append(fault(lambda: reader.decrypt(env, ctx, required_context=required)) or
                       reader.decrypt(env, ctx, required_context=required))
        results.append(fault(lambda: reader.open(env, ctx, required_context=required)) or
                       reader.open(env, ctx, required_context=required).plaintext)
    results.append(fault(stream) or stream())
    return results


@pytest.mark.parametrize("segmented", [False, True])
def test_auth1_same_decrypt_outcomes_as_the_dict(segmented: bool) -> None:
    """[AUTH-1], [CTX-4], [CTX-5]: every reading entry point gives the same plaintext or the
    same category for a dict and for its EncryptionContext; a different context fails
    authentication either way."""
    enc = Encryptor([KEK], segmented=segmented, stored_context=EncryptionContext({"tenant": "acme"}))
    for ctx in CONTEXTS:
        ec = EncryptionContext(ctx)
        for env in (enc.encrypt(b"hello", ctx), enc.encrypt(b"hello", ec)):
            assert outcomes(env, ctx) == outcomes(env, ec) == [b"hello"] * 8
            other = {"topic": "other"}
            assert outcomes(env, other) == outcomes(env, EncryptionContext(other)) == [C.AUTHENTICATION_FAILED] * 8
            need = {"tenant": "acme"}
            assert outcomes(env, ec, EncryptionContext(need)) == outcomes(env, ctx, need) == [b"hello"] * 8
            wrong = {"tenant": "other"}
            assert outcomes(env, ec, EncryptionContext(wrong)) == outcomes(env, ctx, wrong) == [C.CONTEXT_MISMATCH] * 8
        if not segmented:
            continue
        sink = io.BytesIO()
        with enc.writer(sink, ec) as w:
            w.write(b"streamed")
            w.finish()
        assert outcomes(sink.getvalue(), ctx) == outcomes(sink.getvalue(), ec) == [b"streamed"] * 8


def test_auth1_reader_switching_between_dict_and_context() -> None:
    """A reader that remembers the last dict context must not confuse it with an
    EncryptionContext of other entries, nor the reverse."""
    enc = Encryptor([KEK])
    reader = Decryptor([KEK])
    env_a = enc.encrypt(b"a", EncryptionContext({"topic": "a"}))
    env_b = enc.encrypt(b"b", {"topic": "b"})
    for _ in range(2):
        assert reader.decrypt(env_a, {"topic": "a"}) == b"a"
        assert fault(lambda: reader.decrypt(env_a, EncryptionContext({"topic": "b"}))) is C.AUTHENTICATION_FAILED
        assert reader.decrypt(env_b, EncryptionContext({"topic": "b"})) == b"b"
        assert fault(lambda: reader.decrypt(env_b, {"topic": "a"})) is C.AUTHENTICATION_FAILED
