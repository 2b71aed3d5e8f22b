"""Segmented bodies (SPEC.md section 17, [LIM-3], section 14), whole and streamed.

Envelopes, honest and hostile, come from tests/spec_writer.py (SPEC.md and the `cryptography`
package's primitives), never from the port under test.
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from typing import Any

import pytest

import sealpost
from sealpost import (
    Decryptor,
    Encryptor,
    ErrorCategory as C,
    SealpostError,
    SealpostStreamError,
    Suite,
    SymmetricKek,
    WriterKey,
)
from sealpost._testing import encrypt_fixed, encrypting_writer_fixed
from spec_writer import SEG, Kek, Signer, Spec, pattern

KEK = bytes(range(32))
DEK = bytes(range(100, 132))
NONCE = bytes(range(12))
ORDERS = SymmetricKek("orders", 1, KEK)
EXT = {"file": "backup.tar"}
SEGLEN = SEG + 16


def spec(n: int, suite: int = 0x0201, **kw: Any) -> Spec:
    return Spec(suite, [Kek(b"orders", 1, KEK)], DEK, NONCE, pattern(n), {}, dict(EXT), **kw)


class Source(io.RawIOBase):
    """Hands out at most ``chunk`` bytes per read and records how much it has delivered."""

    def __init__(self, data: bytes, chunk: int = 7001) -> None:
        super().__init__()
        self.data = memoryview(data)
        self.delivered = 0
        self.chunk = chunk

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), self.chunk, len(self.data) - self.delivered)
        b[:n] = self.data[self.delivered : self.delivered + n]
        self.delivered += n
        return n


def whole(env: bytes, **kw: Any) -> bytes:
    return sealpost.decrypt(env, [ORDERS], external_context=EXT, **kw)


def stream(env: bytes, chunk: int = 7001, read_size: int = 10_000) -> tuple[bytes, SealpostError | None, Source]:
    """Read the envelope through the streaming reader; returns what was released, the error
    (if any) and the source. Asserts that a read never returns b"" before the end."""
    src = Source(env, chunk)
    out = bytearray()
    try:
        r = Decryptor([ORDERS]).reader(src, EXT)
        while True:
            data = r.read(read_size)
            if not data:
                return bytes(out), None, src
            out += data
    except SealpostError as e:
        return bytes(out), e, src


LENGTHS = [0, 1, 15, 16, SEG - 1, SEG, SEG + 1, 2 * SEG, 2 * SEG + 1, 3 * SEG + 100]


# --- [SEG-1] writer ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("suite", [0x0201, 0x0202])
def test_seg1_whole_writer_matches_the_spec(n: int, suite: int) -> None:
    """[SEG-1]: K_env from PRK, the suite and the nonce; 64 KiB segments; nonce_i = u88(i) ||
    f; aad_0 = header || encode(external), empty after; byte-exact at every segment edge."""
    env = encrypt_fixed(pattern(n), [ORDERS], suite=Suite(suite & 0xFF), segmented=True,
                        external_context=EXT, dek=DEK, nonce=NONCE)
    assert env == spec(n, suite).envelope()
    assert whole(env) == pattern(n)


@pytest.mark.parametrize("n", [0, 1, SEG, SEG + 1, 3 * SEG + 100])
@pytest.mark.parametrize("write_size", [1, 4095, SEG, SEG + 1, 10**6])
def test_seg1_streaming_writer_matches_the_spec(n: int, write_size: int) -> None:
    """[SEG-1]: the streaming writer writes the same bytes whatever the write sizes."""
    if write_size == 1 and n > SEG + 1:
        write_size = 17  # keep the test short; 1-byte writes run on the shorter lengths
    sink = io.BytesIO()
    with encrypting_writer_fixed(sink, [ORDERS], suite="AES_256_GCM_SEGMENTED", dek=DEK, nonce=NONCE,
                                 external_context=EXT) as w:
        data = pattern(n)
        for i in range(0, n, write_size):
            w.write(memoryview(data)[i : i + write_size])
        assert w.plaintext_length == n
        w.finish()
    assert sink.getvalue() == spec(n).envelope()


def test_seg1_signed_segmented_matches_the_spec() -> None:
    """[SEG-1] with a mode 01 signer (suite 0301): the header signature sits in the header that
    segment 0 authenticates."""
    seed = bytes(range(200, 232))
    s = spec(SEG + 5, 0x0301, signer=Signer(seed, b"w", 3, 1))
    key = WriterKey("w", 3, seed)
    env = encrypt_fixed(s.plaintext, [ORDERS], segmented=True, signer=key, external_context=EXT, dek=DEK, nonce=NONCE)
    assert env == s.envelope()
    r = Decryptor([ORDERS], trusted_writers=[key.trusted()]).reader(Source(env), EXT)
    assert r.verified_signer == sealpost.SignerRef("w", 3)
    assert r.read() == s.plaintext


def test_seg1_each_envelope_has_its_own_k_env() -> None:
    """[SEG-1]: an Encryptor's envelopes under one DEK have distinct nonces, so distinct K_env:
    equal plaintexts give unrelated segments."""
    enc = Encryptor([ORDERS], segmented=True)
    a, b = enc.encrypt(bytes(100), EXT), enc.encrypt(bytes(100), EXT)
    ha, hb = sealpost.inspect(a).header, sealpost.inspect(b).header
    assert ha.commitment == hb.commitment and ha.nonce != hb.nonce
    assert a[len(ha.raw) :] != b[len(hb.raw) :]
    sinks = [io.BytesIO(), io.BytesIO()]
    for sink in sinks:
        with enc.writer(sink, EXT) as w:
            w.write(bytes(100))
            w.finish()
    assert sealpost.inspect(sinks[0].getvalue()).header.nonce != sealpost.inspect(sinks[1].getvalue()).header.nonce
    assert all(whole(x.getvalue()) == bytes(100) for x in sinks)


def test_writer_needs_a_segmented_suite() -> None:
    """Streaming needs a segmented suite, and AES-SIV has none (section 4)."""
    with pytest.raises(ValueError):
        Encryptor([ORDERS]).writer(io.BytesIO())
    with pytest.raises(ValueError):
        sealpost.encrypt(b"x", [ORDERS], suite=Suite.AES_256_SIV, segmented=True)


# --- [SEG-2], [SEG-6]: hostile bodies, whole and streamed -------------------------------------


def _cases() -> dict[str, tuple[bytes, int]]:
    """name -> (envelope, how many leading segments are authentic in place)."""
    s3 = spec(2 * SEG + 300)
    seg = s3.segments()
    other = spec(2 * SEG + 300)
    other.nonce = bytes(11) + b"\x09"
    h = s3.header()
    empty_last = spec(SEG, segment_size=SEG)  # a full segment, then an empty last one (both authentic)
    el = empty_last.segments()
    assert len(el) == 1
    empty_last.segment_flags = lambda i, n: 0
    full_not_last = empty_last.segments()[0]
    last_empty = empty_last.aead(empty_last.k_env()).encrypt(bytes(11) + b"\x01\x01", b"", b"")
    return {
        "truncated after segment 1 of 3": (h + seg[0], 0),
        "truncated after segment 2 of 3": (h + seg[0] + seg[1], 1),
        "no segment at all": (h, 0),
        "last segment replaced by one byte": (h + seg[0] + seg[1] + b"\x00", 2),
        "middle segment dropped": (h + seg[0] + seg[2], 1),
        "first two swapped": (h + seg[1] + seg[0] + seg[2], 0),
        "last two swapped": (h + seg[0] + seg[2] + seg[1], 1),
        "segment 0 repeated": (h + seg[0] + seg[0] + seg[1] + seg[2], 1),
        "last segment repeated": (h + seg[0] + seg[1] + seg[2] + seg[2], 2),
        "one byte appended": (h + seg[0] + seg[1] + seg[2] + b"\x00", 2),
        "a whole segment appended": (h + seg[0] + seg[1] + seg[2] + seg[0], 2),
        "segment 1 from another envelope": (h + seg[0] + other.segments()[1] + seg[2], 1),
        "last segment cut to 15 bytes": (h + seg[0] + seg[1] + seg[2][:15], 2),
        "last segment cut to its tag's length": (h + seg[0] + seg[1] + seg[2][:16], 2),
        "last segment cut by one byte": (h + seg[0] + seg[1] + seg[2][:-1], 2),
        "final flag on segment 0": (h + spec(2 * SEG + 300, segment_flags=lambda i, n: 1).segments()[0] + seg[1] + seg[2], 0),
        "no final flag anywhere": (h + b"".join(spec(2 * SEG + 300, segment_flags=lambda i, n: 0).segments()), 2),
        "empty last segment after a full one": (empty_last.header() + full_not_last + last_empty, 1),
        "a bit of segment 1 flipped": (h + seg[0] + bytes([seg[1][0] ^ 1]) + seg[1][1:] + seg[2], 1),
        "a bit of the last tag flipped": (h + seg[0] + seg[1] + seg[2][:-1] + bytes([seg[2][-1] ^ 1]), 2),
    }


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_seg2_seg6_whole_reader_fails(name: str) -> None:
    """[SEG-2], [SEG-6]: truncation at a segment boundary, dropped, reordered, repeated,
    foreign, empty or short last segments, flags in the wrong place, appended bytes ->
    authentication-failed, with nothing released ([AUTH-3])."""
    env, _ = CASES[name]
    with pytest.raises(SealpostError) as e:
        whole(env)
    assert e.value.category is C.AUTHENTICATION_FAILED


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("chunk", [1000, 65553, 1 << 20])
def test_seg3_seg4_streamed_reader_fails_and_releases_only_authentic_segments(name: str, chunk: int) -> None:
    """[SEG-3]: what the reader released before failing is exactly the plaintext of the
    segments that authenticated in place (whole segments, never part of a failed one); [SEG-4]:
    the failure is an exception (never b""), it names what was released, and it sticks."""
    env, good = CASES[name]
    released, error, _ = stream(env, chunk)
    assert error is not None, "a hostile stream must never end normally"
    assert error.category is C.AUTHENTICATION_FAILED
    assert released == pattern(2 * SEG + 300)[: len(released)]
    assert len(released) % SEG == 0 and len(released) <= good * SEG
    if isinstance(error, SealpostStreamError):
        assert error.released == len(released)
        assert "discard" in str(error)


def test_seg4_failure_sticks() -> None:
    """[SEG-4]: after a failure every read raises again; a caller looping on read() can never
    see an end of data."""
    env, _ = CASES["truncated after segment 2 of 3"]
    r = Decryptor([ORDERS]).reader(Source(env), EXT)
    assert len(r.read(SEG)) == SEG
    for _ in range(3):
        with pytest.raises(SealpostStreamError) as e:
            r.read(SEG)
        assert e.value.category is C.AUTHENTICATION_FAILED and e.value.released == SEG
    with pytest.raises(SealpostStreamError):
        r.readinto(bytearray(10))


@pytest.mark.parametrize("n", LENGTHS)
def test_seg3_no_byte_before_its_segment_is_complete(n: int) -> None:
    """[SEG-3], [SEG-6]: whenever the reader returns plaintext through byte p, the source has
    delivered the whole segment holding p (all of segment k for p in segment k), and for the
    last segment one read past it (the end of data)."""
    env = spec(n).envelope()
    hlen = len(sealpost.inspect(env).header.raw)
    src = Source(env, 777)
    r = Decryptor([ORDERS]).reader(src, EXT)
    got = bytearray()
    while True:
        data = r.read(5000)
        if not data:
            break
        got += data
        k = (len(got) - 1) // SEG  # the segment holding the last released byte
        seg_end = hlen + min((k + 1) * SEGLEN, len(env) - hlen)
        assert src.delivered >= seg_end
    assert bytes(got) == pattern(n)
    assert src.delivered == len(env)


@pytest.mark.parametrize("n", LENGTHS)
def test_streamed_reader_round_trip_every_chunking(n: int) -> None:
    """The streaming reader releases exactly the plaintext for any source chunking and read
    size, readinto included."""
    env = spec(n).envelope()
    for chunk, read_size in ((1 if n < 40_000 else 97, 3), (SEGLEN, SEG), (SEGLEN + 1, 1 << 20)):
        released, error, _ = stream(env, chunk, read_size)
        assert error is None and released == pattern(n)
    r = Decryptor([ORDERS]).reader(Source(env), EXT)
    buf = bytearray(SEG // 2 + 3)
    out = bytearray()
    while (k := r.readinto(buf)):
        out += buf[:k]
    assert bytes(out) == pattern(n) and r.released == n


def test_seg2_empty_plaintext_is_one_tag() -> None:
    """Section 17: an empty plaintext is one segment of the tag alone (n = 1, f = 01)."""
    env = spec(0).envelope()
    assert len(env) - len(sealpost.inspect(env).header.raw) == 16
    assert whole(env) == b"" and stream(env)[0:2] == (b"", None)
    assert sealpost.inspect(env).plaintext_length == 0


# --- [SEG-5], [SEG-7]: 2^32 segments ---------------------------------------------------------------


def test_seg7_writer_refuses_segment_index_2_32() -> None:
    """[SEG-7]: the writer refuses, with limit-exceeded, to write segment index 2^32, and then
    never completes the envelope."""
    sink = io.BytesIO()
    w = Encryptor([ORDERS], segmented=True).writer(sink, EXT)
    w._index = (1 << 32) - 1  # white box: 2^32 - 1 segments written
    w.write(bytes(SEG))
    with pytest.raises(SealpostError) as e:
        w.write(bytes(SEG))  # segment 2^32 - 1 is not the last: 2^32 would follow
        w.write(b"x")
    assert e.value.category is C.LIMIT_EXCEEDED
    before = sink.getvalue()
    with pytest.raises(ValueError):
        w.finish()
    w.close()
    assert sink.getvalue() == before


def test_seg7_writer_may_write_segment_index_2_32_minus_1_as_last() -> None:
    """[SEG-7]: index 2^32 - 1 is the last allowed."""
    sink = io.BytesIO()
    w = Encryptor([ORDERS], segmented=True).writer(sink, EXT)
    w._index = (1 << 32) - 1
    w.write(bytes(10))
    before = len(sink.getvalue())
    w.finish()
    assert w.finished and len(sink.getvalue()) == before + 10 + 16


@pytest.mark.parametrize("beyond", [1, 15, 16, 17, SEGLEN, SEGLEN + 1])
def test_seg5_reader_fails_on_bytes_beyond_segment_2_32_minus_1(beyond: int) -> None:
    """[SEG-5]: the streamed reader fails with limit-exceeded when the body holds bytes beyond
    segment 2^32 - 1, however few (also fewer than a tag, which would otherwise be
    authentication-failed), before it opens them."""
    r = Decryptor([ORDERS]).reader(Source(spec(0).header() + bytes(beyond), 5), EXT)
    r._index = 1 << 32  # white box: as after 2^32 segments; `beyond` body bytes follow
    with pytest.raises(SealpostStreamError) as e:
        r.read(SEG)
    assert e.value.category is C.LIMIT_EXCEEDED and e.value.released == 0


def test_seg5_reader_after_2_32_segments_with_nothing_left_is_truncation() -> None:
    """[SEG-5] applies only to bytes beyond segment 2^32 - 1: at index 2^32 with the input
    ended, the last segment was missing, so authentication-failed ([SEG-6])."""
    env = spec(3 * SEG).envelope()
    r = Decryptor([ORDERS]).reader(Source(env), EXT)
    assert len(r.read(SEG)) == SEG
    r._index = 1 << 32  # white box: as after 2^32 segments
    r._in[: r._have] = bytes(r._have)
    r._have = 0
    r._eof = True
    with pytest.raises(SealpostStreamError) as e:
        r.read(SEG)
    assert e.value.category is C.AUTHENTICATION_FAILED and e.value.released == SEG


def test_seg5_reader_fails_on_reaching_segment_index_2_32() -> None:
    """[SEG-5]: the streamed reader fails with limit-exceeded on reaching index 2^32 with a
    full segment still to come."""
    env = spec(3 * SEG).envelope()
    r = Decryptor([ORDERS]).reader(Source(env), EXT)
    assert len(r.read(SEG)) == SEG
    r._index = 1 << 32  # white box: as after 2^32 segments
    with pytest.raises(SealpostStreamError) as e:
        r.read(SEG)
    assert e.value.category is C.LIMIT_EXCEEDED and e.value.released == SEG


# --- [SEG-8], [LIM-3]: a segmented envelope read whole -------------------------------------------


@pytest.mark.parametrize("n", [1, SEG, SEG + 1, 2 * SEG + 7])
def test_seg8_limit_plus_16_per_segment(n: int) -> None:
    """[SEG-8], [LIM-3]: read whole, the limit is the plaintext limit plus 16 bytes per
    segment; a plaintext of exactly the limit passes, one byte over fails with
    limit-exceeded, before any decryption (a corrupt body over the limit is limit-exceeded,
    not authentication-failed)."""
    env = spec(n).envelope()
    assert whole(env, max_plaintext_length=n) == pattern(n)
    with pytest.raises(SealpostError) as e:
        whole(env, max_plaintext_length=n - 1)
    assert e.value.category is C.LIMIT_EXCEEDED
    corrupt = env[:-1] + bytes([env[-1] ^ 1])
    with pytest.raises(SealpostError) as e:
        whole(corrupt, max_plaintext_length=n - 1)
    assert e.value.category is C.LIMIT_EXCEEDED


def _stream_category(env: bytes, keys: list[Any], **kw: Any) -> C:
    try:
        r = Decryptor(keys).reader(Source(env), EXT, **kw)
        while r.read(SEG):
            pass
    except SealpostError as e:
        return e.category
    raise AssertionError("the streamed reader accepted a hostile envelope")


def _whole_category(env: bytes, keys: list[Any], **kw: Any) -> C:
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(env, keys, external_context=EXT, **kw)
    return e.value.category


OTHER = SymmetricKek("other", 1, KEK)


@pytest.mark.parametrize("body_length", [0, 1, 15])
def test_step9_short_segmented_body_is_checked_at_step_13(body_length: int) -> None:
    """Section 11 step 9, [SEG-2]: for a segmented suite a whole reader does not apply "body
    shorter than 16 bytes" at step 9; an empty body or a last segment under 16 bytes fails at
    step 13. So a fault of steps 10 to 12 comes first, and whole and streamed readers report
    the same category."""
    s = spec(0)
    env = s.header() + s.segments()[0][:body_length]
    assert _whole_category(env, [ORDERS]) is C.AUTHENTICATION_FAILED
    assert _stream_category(env, [ORDERS]) is C.AUTHENTICATION_FAILED
    # Step 11 before step 13: a reader holding no key for the recipient.
    assert _whole_category(env, [OTHER]) is C.NO_MATCHING_KEY
    assert _stream_category(env, [OTHER]) is C.NO_MATCHING_KEY
    # Step 10 before step 13: a required stored-context entry that is absent.
    assert _whole_category(env, [ORDERS], required_context={"tenant": "a"}) is C.CONTEXT_MISMATCH
    assert _stream_category(env, [ORDERS], required_context={"tenant": "a"}) is C.CONTEXT_MISMATCH
    # An unsegmented suite keeps the step 9 rule: authentication-failed before any key is looked for.
    plain = sealpost.encrypt(b"", [ORDERS], external_context=EXT)
    assert _whole_category(plain[: len(plain) - 16 + body_length], [OTHER]) is C.AUTHENTICATION_FAILED


def test_seg8_limit_is_b_minus_16_per_segment_exactly() -> None:
    """[SEG-8]: with n = max(1, ceil(b / 65552)), limit-exceeded exactly when b - 16n exceeds
    the limit. A body of 2 full segments and 1 byte more (b = 131105, n = 3, b - 48 = 131057)
    is within a limit of 131072 although longer than the limit plus 16 per segment of the
    limit (131104): it reaches step 13 and fails there."""
    s = spec(2 * SEG)
    env = s.envelope() + b"\x00"
    assert len(env) - len(s.header()) == 131105
    assert _whole_category(env, [ORDERS], max_plaintext_length=131072) is C.AUTHENTICATION_FAILED
    assert _whole_category(env, [ORDERS], max_plaintext_length=131056) is C.LIMIT_EXCEEDED
    assert _whole_category(env, [ORDERS], max_plaintext_length=131057) is C.AUTHENTICATION_FAILED
    # Limit 0: an empty body (b - 16 = -16) and a lone tag (0) pass step 9; 17 bytes (1) do not.
    empty = spec(0)
    assert whole(empty.envelope(), max_plaintext_length=0) == b""
    assert _whole_category(empty.header(), [ORDERS], max_plaintext_length=0) is C.AUTHENTICATION_FAILED
    assert _whole_category(empty.envelope() + b"\x00", [OTHER], max_plaintext_length=0) is C.LIMIT_EXCEEDED
    assert sealpost.inspect(empty.header()).plaintext_length == 0


def test_kdf1_no_k_msg_for_segmented_suites(monkeypatch: Any) -> None:
    """[KDF-1]: a segmented suite never derives K_msg ("sealpost/v1 key"), writing or reading;
    an unsegmented suite does."""
    import sealpost.kdf as kdf

    infos: list[bytes] = []
    real = kdf.hkdf_expand

    def spy(prk: bytes, info: bytes, length: int) -> bytes:
        infos.append(info)
        return real(prk, info, length)

    monkeypatch.setattr(kdf, "hkdf_expand", spy)
    env = sealpost.encrypt(b"x" * 10, [ORDERS], external_context=EXT, segmented=True)
    assert sealpost.decrypt(env, [ORDERS], external_context=EXT) == b"x" * 10
    assert b"".join(Decryptor([ORDERS]).reader(Source(env), EXT)) == b"x" * 10
    assert infos and not any(i.startswith(b"sealpost/v1 key") for i in infos)
    assert any(i.startswith(b"sealpost/v1 segment key") for i in infos)
    infos.clear()
    sealpost.decrypt(sealpost.encrypt(b"x", [ORDERS]), [ORDERS])
    assert any(i == b"sealpost/v1 key\x00\x01" for i in infos)


def test_seg8_streamed_reader_is_not_bound_by_the_whole_limit() -> None:
    """Section 11 step 9: a streamed reader of a segmented suite applies section 17 ([SEG-5])
    instead of the plaintext limit of whole reads."""
    env = spec(2 * SEG).envelope()
    r = Decryptor([ORDERS], max_plaintext_length=10).reader(Source(env), EXT)
    assert r.read() == pattern(2 * SEG)


def test_streamed_reader_of_an_unsegmented_suite_reads_whole() -> None:
    """An unsegmented envelope through the streaming reader: released only once the whole body
    authenticated ([AUTH-3]), under the reader's plaintext limit."""
    env = sealpost.encrypt(pattern(1000), [ORDERS], external_context=EXT)
    src = Source(env, 100)
    r = Decryptor([ORDERS]).reader(src, EXT)
    assert src.delivered == len(env)
    assert r.read(10) == pattern(10) and r.read() == pattern(1000)[10:]
    with pytest.raises(SealpostError) as e:
        Decryptor([ORDERS], max_plaintext_length=999).reader(Source(env), EXT)
    assert e.value.category is C.LIMIT_EXCEEDED
    with pytest.raises(SealpostError) as e:
        Decryptor([ORDERS]).reader(Source(env[:-1]), EXT)
    assert e.value.category is C.AUTHENTICATION_FAILED


# --- header faults reach the caller of reader(), before any plaintext ------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", C.NOT_AN_ENVELOPE),
        (b"\xf7S", C.NOT_AN_ENVELOPE),
        (b"\xf7SX", C.NOT_AN_ENVELOPE),
        (b"\xf7SP", C.MALFORMED_HEADER),
        (b"\xf7SP\x02", C.UNSUPPORTED_VERSION),
        (b"\xf7SP\x01\x02\x04", C.UNSUPPORTED_SUITE),
        (b"\xf7SP\x01\x02\x01\x00", C.MALFORMED_HEADER),
    ],
)
def test_streamed_reader_header_faults(data: bytes, expected: C) -> None:
    """Steps 1 to 8 through a source that delivers one byte at a time."""
    with pytest.raises(SealpostError) as e:
        Decryptor([ORDERS]).reader(Source(data, 1), EXT)
    assert e.value.category is expected
    assert not isinstance(e.value, SealpostStreamError)


def test_streamed_reader_header_truncated_anywhere() -> None:
    """[HDR-2] streamed: a source that ends anywhere inside the header -> malformed-header."""
    env = spec(10).envelope()
    hlen = len(sealpost.inspect(env).header.raw)
    for cut in range(3, hlen):
        with pytest.raises(SealpostError) as e:
            Decryptor([ORDERS]).reader(Source(env[:cut], 5), EXT)
        assert e.value.category is C.MALFORMED_HEADER, cut


# --- the writer never completes a broken stream ---------------------------------------------------


def test_writer_leaving_with_by_exception_leaves_the_envelope_incomplete() -> None:
    """A ``with`` block left by an exception writes no last segment: every reader fails rather
    than take the partial content for the whole."""
    sink = io.BytesIO()
    with pytest.raises(RuntimeError):
        with Encryptor([ORDERS], segmented=True).writer(sink, EXT) as w:
            w.write(pattern(SEG + 10))
            raise RuntimeError("the producer failed")
    env = sink.getvalue()
    released, error, _ = stream(env)
    assert error is not None and error.category is C.AUTHENTICATION_FAILED
    # One full segment with f = 00 and nothing after it: taken as the last, it fails before
    # release (the reader cannot tell a full middle segment from a full last one until it
    # sees the next byte or the end).
    assert released == b""
    with pytest.raises(SealpostError) as e:
        whole(env)
    assert e.value.category is C.AUTHENTICATION_FAILED


def test_writer_dropped_without_finish_is_incomplete() -> None:
    """A writer garbage-collected without finish() does not complete its envelope."""
    sink = io.BytesIO()
    w = Encryptor([ORDERS], segmented=True).writer(sink, EXT)
    w.write(b"partial")
    del w
    with pytest.raises(SealpostError) as e:
        whole(sink.getvalue())
    assert e.value.category is C.AUTHENTICATION_FAILED


@pytest.mark.parametrize("n", [0, 3, SEG, SEG + 10])
def test_seg9_close_without_finish_releases_but_never_completes(n: int) -> None:
    """[SEG-9]: completion is explicit. A producer that fails part-way and releases the writer
    (close() in a finally block, a with block left normally) leaves no valid envelope: no last
    segment is written, for any length, and finish() is refused afterwards."""
    for how in ("close", "with"):
        sink = io.BytesIO()
        w = Encryptor([ORDERS], segmented=True).writer(sink, EXT)
        if how == "close":
            try:
                w.write(pattern(n))
            finally:
                w.close()
        else:
            with w:
                w.write(pattern(n))
        assert w.closed and not w.finished
        with pytest.raises(ValueError):
            w.finish()
        env = sink.getvalue()
        # Header and the full segments only: the pending segment (n mod 65536 bytes, or a full
        # one that could have been the last) is never sealed.
        assert len(env) == len(sealpost.inspect(spec(0).envelope()).header.raw) + (SEGLEN if n > SEG else 0)
        assert _whole_category(env, [ORDERS]) is C.AUTHENTICATION_FAILED
        assert _stream_category(env, [ORDERS]) is C.AUTHENTICATION_FAILED


def test_seg9_finish_completes_once_and_refuses_later_writes() -> None:
    """[SEG-9]: finish() writes the last segment once; a write after it is refused; close()
    after finish() changes nothing."""
    sink = io.BytesIO()
    w = Encryptor([ORDERS], segmented=True).writer(sink, EXT)
    w.write(b"abc")
    w.finish()
    n = len(sink.getvalue())
    w.finish()
    w.close()
    assert len(sink.getvalue()) == n and w.finished
    with pytest.raises(ValueError):
        w.write(b"more")
    assert whole(sink.getvalue()) == b"abc"


# --- constant memory -----------------------------------------------------------------------------------


class Discard(io.RawIOBase):
    """A sink that keeps only a SHA-256 of what it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.h = hashlib.sha256()
        self.n = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.h.update(b)
        self.n += len(b)
        return len(b)


def test_streaming_memory_is_independent_of_the_length(tmp_path: Any) -> None:
    """Issue 10: streamed encrypt and decrypt of 48 MiB keep Python allocations within a few
    segments (tracemalloc peak well under 1 MiB), whatever the length."""
    total = 48 * SEG * 16  # 48 MiB
    block = pattern(SEG)
    path = tmp_path / "big.sealpost"
    enc = Encryptor([ORDERS], segmented=True)
    tracemalloc.start()
    try:
        with open(path, "wb") as f, enc.writer(f, EXT) as w:
            for _ in range(total // SEG):
                w.write(block)
            w.finish()
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        sink = Discard()
        with open(path, "rb") as f:
            r = Decryptor([ORDERS]).reader(f, EXT)
            while data := r.read(1 << 16):
                sink.write(data)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.n == total
    assert sink.h.digest() == hashlib.sha256(block * (total // SEG)).digest()
    header_len = 4 + 2 + 1 + (2 + 6 + 4 + 2 + 40) + 32 + 1 + 12
    assert path.stat().st_size == header_len + total + 16 * (total // SEG)
    assert write_peak < 1 << 20, write_peak
    assert read_peak < 1 << 20, read_peak


# --- section 14: overhead ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, SEG, SEG + 1, 5 * SEG + 3])
def test_overhead_16_per_segment_after_the_first(n: int) -> None:
    """Section 14: a plaintext of p bytes costs the unsegmented overhead + 16 x (max(1,
    ceil(p / 65536)) - 1)."""
    plain = sealpost.encrypt(bytes(n), [ORDERS])
    seg = sealpost.encrypt(bytes(n), [ORDERS], segmented=True)
    assert len(seg) - len(plain) == 16 * (max(1, -(-n // SEG)) - 1)
    info = sealpost.inspect(seg)
    assert info.plaintext_length == n and info.suite is Suite.AES_256_GCM_SEGMENTED


@pytest.mark.parametrize("suite", [0x0201, 0x0202])
def test_seg6_truncated_at_every_segment_boundary_and_next_to_it(suite: int) -> None:
    """[SEG-6], [SEG-2], [SEG-4]: a four-segment envelope cut at every segment boundary, one
    byte before and one after it, or one byte short of its end: whole -> authentication-failed;
    streamed -> the same error from a read, after releasing at most the segments that lay
    wholly before the cut and were followed by more bytes."""
    s = spec(3 * SEG + 1000, suite)
    env = s.envelope()
    hlen = len(s.header())
    cuts = {len(env) - 1}
    for k in range(4):
        for d in (-1, 0, 1):
            cuts.add(hlen + k * SEGLEN + d)
    for cut in sorted(c for c in cuts if hlen <= c < len(env)):
        data = env[:cut]
        with pytest.raises(SealpostError) as e:
            whole(data)
        assert e.value.category is C.AUTHENTICATION_FAILED, cut
        released, error, _ = stream(data, 4096)
        assert error is not None and error.category is C.AUTHENTICATION_FAILED, cut
        complete_before = max(0, (cut - hlen - 1) // SEGLEN)  # segments with a byte after them
        assert len(released) <= complete_before * SEG and released == s.plaintext[: len(released)], cut
