"""The port's fast paths (issue 9 item 5) must decide exactly as SPEC.md section 11 does.

A Decryptor that knows an envelope's header prefix (the header before the nonce, from an
earlier envelope of the same DEK) skips steps 1 to 8 and the unwrap; every fault it could meet
must still be reported with the category of the full procedure ([ERR-2]), the commitment still
compared ([COM-3]). A writer seals large bodies in place after the header; its envelopes must be
the bytes SPEC.md gives (tests/spec_writer.py), for every size on both sides of that path.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

import sealpost
from sealpost import Decryptor, Encryptor, ErrorCategory as C, SealpostError, Suite, SymmetricKek, WriterKey
from sealpost._testing import encrypt_fixed
from spec_writer import Kek, Spec, pattern

KEK = bytes(range(32))
DEK = bytes(range(100, 132))
NONCE = bytes(range(12))
ORDERS = SymmetricKek("orders", 1, KEK)
EXT = {"topic": "t"}
WRITER = WriterKey("billing", 3, bytes(range(7, 39)))


def category(reader: Decryptor, env: bytes, ext: Any = EXT, **kw: Any) -> C:
    with pytest.raises(SealpostError) as e:
        reader.decrypt(env, ext, **kw)
    return e.value.category


def full(env: bytes, ext: Any = EXT, **kw: Any) -> C:
    """The category of a reader that has seen nothing (no fast path)."""
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(env, [ORDERS], external_context=ext, **kw)
    return e.value.category


@pytest.fixture
def warm() -> tuple[Encryptor, Decryptor]:
    """A writer and a reader that has opened one envelope of the writer's DEK."""
    enc = Encryptor([ORDERS], stored_context={"tenant": "a"})
    reader = Decryptor([ORDERS])
    assert reader.decrypt(enc.encrypt(b"first", EXT), EXT) == b"first"
    return enc, reader


def test_known_prefix_decrypts(warm: tuple[Encryptor, Decryptor]) -> None:
    enc, reader = warm
    for i in range(3):
        assert reader.decrypt(enc.encrypt(b"m%d" % i, EXT), EXT) == b"m%d" % i
    opened = reader.open(enc.encrypt(b"o", EXT), EXT)
    assert opened.plaintext == b"o" and opened.suite is Suite.AES_256_GCM and opened.verified_signer is None
    # Buffers other than bytes take the same path.
    env = enc.encrypt(b"buffers", EXT)
    assert reader.decrypt(bytearray(env), EXT) == b"buffers"
    assert reader.decrypt(memoryview(env), EXT) == b"buffers"


@pytest.mark.parametrize(
    "alter",
    [
        pytest.param(lambda e, h: e[:-1] + bytes([e[-1] ^ 1]), id="tag"),
        pytest.param(lambda e, h: e[:h] + bytes([e[h] ^ 1]) + e[h + 1 :], id="nonce"),
        pytest.param(lambda e, h: e[: h + 12 + 15], id="body-15-bytes"),
        pytest.param(lambda e, h: e[: h + 12], id="no-body"),
        pytest.param(lambda e, h: e[: h + 5], id="nonce-cut"),
        pytest.param(lambda e, h: e[:h], id="header-only"),
        pytest.param(lambda e, h: e + b"\x00", id="appended-byte"),
    ],
)
def test_err2_known_prefix_reports_what_the_full_procedure_reports(warm: tuple[Encryptor, Decryptor], alter: Any) -> None:
    """[ERR-2]: an altered or cut envelope of a known DEK fails as for a reader that never saw it."""
    enc, reader = warm
    env = enc.encrypt(b"payload bytes", EXT)
    h = len(sealpost.inspect(env).header.raw) - 12
    bad = alter(env, h)
    assert category(reader, bad) is full(bad)


def test_known_prefix_external_and_required_context(warm: tuple[Encryptor, Decryptor]) -> None:
    """[AUTH-2], [CTX-4]: another external context fails authentication; a required entry the
    stored context lacks or holds otherwise is context-mismatch."""
    enc, reader = warm
    env = enc.encrypt(b"m", EXT)
    assert category(reader, env, {"topic": "u"}) is C.AUTHENTICATION_FAILED
    assert category(reader, env, None) is C.AUTHENTICATION_FAILED
    assert category(reader, env, required_context={"tenant": "b"}) is C.CONTEXT_MISMATCH
    assert category(reader, env, required_context={"region": "x"}) is C.CONTEXT_MISMATCH
    assert reader.decrypt(env, EXT, required_context={"tenant": "a"}) == b"m"


def test_known_prefix_body_limit() -> None:
    """[LIM-3]: a reader with a low plaintext limit refuses a longer body of a known DEK."""
    enc = Encryptor([ORDERS])
    reader = Decryptor([ORDERS], max_plaintext_length=10)
    assert reader.decrypt(enc.encrypt(b"x" * 10, EXT), EXT) == b"x" * 10
    assert category(reader, enc.encrypt(b"x" * 11, EXT)) is C.LIMIT_EXCEEDED


def test_sig5_trust_is_never_skipped(warm: tuple[Encryptor, Decryptor]) -> None:
    """[SIG-5]: a known prefix does not skip step 10a when this call requires a trusted writer."""
    enc, reader = warm
    env = enc.encrypt(b"m", EXT)
    assert category(reader, env, trusted_writers=[WRITER.trusted()]) is C.UNTRUSTED_WRITER


def test_sign_mode_02_without_trust(warm: tuple[Encryptor, Decryptor]) -> None:
    """Section 16: the message signature follows the body; a reader requiring no trusted writer
    opens the body before it, and a cut signature is malformed-header as in the full procedure."""
    enc = Encryptor([ORDERS], signer=WRITER, sign_mode=sealpost.SignMode.PER_MESSAGE)
    reader = Decryptor([ORDERS])
    assert reader.decrypt(enc.encrypt(b"one", EXT), EXT) == b"one"
    env = enc.encrypt(b"two", EXT)
    assert reader.decrypt(env, EXT) == b"two"
    header_end = len(sealpost.inspect(env).header.raw)
    for bad in (env[: header_end + 63], env[: header_end + 64 + 15], env[: header_end + 79]):
        assert category(reader, bad) is full(bad)


def test_com3_compared_on_the_fast_path(monkeypatch: pytest.MonkeyPatch, warm: tuple[Encryptor, Decryptor]) -> None:
    """[COM-3]: the commitment of every envelope of a known DEK is compared in constant time."""
    import sealpost.envelope as envelope

    enc, reader = warm
    calls: list[tuple[bytes, bytes]] = []
    real = envelope._compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((bytes(a), bytes(b)))
        return real(a, b)

    monkeypatch.setattr(envelope, "_compare_digest", spy)
    env = enc.encrypt(b"m", EXT)
    assert reader.decrypt(env, EXT) == b"m"
    commitment = sealpost.inspect(env).header.commitment
    assert calls == [(commitment, commitment)]


def test_many_deks_interleaved() -> None:
    """Envelopes of several writers (DEKs, header lengths) interleaved all decrypt, and each
    fails with its own category when altered."""
    writers = [
        Encryptor([ORDERS]),
        Encryptor([ORDERS], stored_context={"a": "b"}),
        Encryptor([ORDERS, SymmetricKek("audit", 2, bytes(32))]),
        Encryptor([ORDERS], suite=Suite.CHACHA20_POLY1305),
    ]
    reader = Decryptor([ORDERS])
    for round_ in range(3):
        for i, w in enumerate(writers):
            pt = b"w%d r%d" % (i, round_)
            env = w.encrypt(pt, EXT)
            assert reader.decrypt(env, EXT) == pt
            assert category(reader, env[:-1] + bytes([env[-1] ^ 1])) is C.AUTHENTICATION_FAILED


def test_deterministic_and_segmented_suites_unchanged() -> None:
    """[SIV-4] depends on the external context and segmented bodies on section 17: neither takes
    the known-prefix path, and both keep decrypting."""
    reader = Decryptor([ORDERS])
    siv = Encryptor([ORDERS], suite=Suite.AES_256_SIV)
    seg = Encryptor([ORDERS], segmented=True)
    for i in range(3):
        assert reader.decrypt(siv.encrypt(b"k%d" % i, EXT), EXT) == b"k%d" % i
        assert reader.decrypt(seg.encrypt(b"s%d" % i, EXT), EXT) == b"s%d" % i
    assert category(reader, siv.encrypt(b"k", EXT), {"topic": "u"}) is C.AUTHENTICATION_FAILED


# ---------------------------------------------------------------------------- external contexts


def test_external_context_cache_follows_the_mapping() -> None:
    """A context mutated between calls is encoded anew; an invalid one fails every time."""
    enc = Encryptor([ORDERS])
    reader = Decryptor([ORDERS])
    ctx = {"topic": "a"}
    env_a = enc.encrypt(b"m", ctx)
    ctx["topic"] = "b"
    env_b = enc.encrypt(b"m", ctx)
    assert reader.decrypt(env_b, {"topic": "b"}) == b"m"
    assert category(reader, env_a, ctx) is C.AUTHENTICATION_FAILED
    assert reader.decrypt(env_a, {"topic": "a"}) == b"m"
    big = {"k": "v" * 1025}
    for _ in range(2):
        with pytest.raises(SealpostError) as e:
            enc.encrypt(b"m", big)
        assert e.value.category is C.LIMIT_EXCEEDED
    # Order of the items does not matter: the encoding is canonical ([CTX-1]).
    env = enc.encrypt(b"m", {"b": "2", "a": "1"})
    assert reader.decrypt(env, {"a": "1", "b": "2"}) == b"m"


def test_external_context_of_str_subclass_is_not_cached() -> None:
    """An equal key of another type must not borrow a cached encoding."""
    from sealpost.envelope import _EXTERNAL_CACHE, _external
    from sealpost.context import encode_context

    class Odd(str):
        pass

    ctx = {Odd("topic"): Odd("t")}
    assert _external(ctx) == encode_context({"topic": "t"})
    assert not any(type(k) is not str or type(v) is not str for key in _EXTERNAL_CACHE for k, v in key)


def test_reader_remembers_the_last_context_by_its_items_not_its_identity() -> None:
    """[AUTH-1]: a reader remembers the encoding of the last external context; the same dict
    object mutated between calls is encoded anew, and a context holding a str subclass is not
    remembered (it could compare equal to other text)."""
    enc = Encryptor([ORDERS])
    reader = Decryptor([ORDERS])
    env_a = enc.encrypt(b"a", {"topic": "a"})
    env_b = enc.encrypt(b"b", {"topic": "b"})
    ctx = {"topic": "a"}
    for _ in range(2):  # the second time with the prefix known
        assert reader.decrypt(env_a, ctx) == b"a"
    ctx["topic"] = "b"
    assert reader.decrypt(env_b, ctx) == b"b"
    assert category(reader, env_a, ctx) is C.AUTHENTICATION_FAILED
    ctx["topic"] = "a"
    assert reader.open(env_a, ctx).plaintext == b"a"
    assert category(reader, env_b, ctx) is C.AUTHENTICATION_FAILED

    class Liar(str):
        def __eq__(self, other: object) -> bool:
            return True

        def __ne__(self, other: object) -> bool:
            return False

        __hash__ = str.__hash__

    assert category(reader, env_b, {"topic": Liar("a")}) is C.AUTHENTICATION_FAILED
    assert reader.decrypt(env_b, {"topic": "b"}) == b"b"
    assert category(reader, env_a, {"topic": Liar("b")}) is C.AUTHENTICATION_FAILED
    assert all(type(k) is str and type(v) is str for k, v in reader._last_external[0].items())


# ---------------------------------------------------------------------------- large bodies


@pytest.mark.parametrize("suite", [0x0001, 0x0002])
def test_large_bodies_are_the_spec_bytes(suite: int) -> None:
    """Section 8: large plaintexts (sealed in place) and small ones (joined) give exactly the
    SPEC's envelope, one after another in any order."""
    for n in (300_000, 65_536, 70_000, 65_535, 1_000):
        pt = pattern(n)
        env = encrypt_fixed(pt, [ORDERS], suite=Suite(suite), external_context=EXT, dek=DEK, nonce=NONCE)
        assert env == Spec(suite, [Kek(b"orders", 1, KEK)], DEK, NONCE, pt, {}, dict(EXT)).envelope()
        assert type(env) is bytes


def test_large_bodies_from_threads() -> None:
    """Concurrent large envelopes from one writer all decrypt."""
    enc = Encryptor([ORDERS])
    reader = Decryptor([ORDERS])
    failures: list[str] = []

    def work(t: int) -> None:
        for i in range(5):
            pt = bytes([t]) * (100_000 + 1000 * i)
            if reader.decrypt(enc.encrypt(pt, EXT), EXT) != pt:
                failures.append(f"{t}/{i}")

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not failures
