"""Compressed suites 0401/0402/0501/0502 (SPEC.md section 18, [CMP-1]..[CMP-6], [LIM-3], step 14).

Hostile envelopes come from tests/spec_writer.py (SPEC.md and the `cryptography` package's
primitives), their packed payloads from hand-built bytes and from the zstandard and lz4 packages
called directly, never from the port under test. What the port writes is opened the same way.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import threading
import tracemalloc
from typing import Any

import pytest

zstd = pytest.importorskip("zstandard")
lz4block = pytest.importorskip("lz4.block")

import sealpost  # noqa: E402
from sealpost import (  # noqa: E402
    Compression,
    Decryptor,
    Encryptor,
    ErrorCategory as C,
    SealpostError,
    Suite,
    SymmetricKek,
    WriterKey,
)
from sealpost import compression as compression_module  # noqa: E402
from sealpost._testing import encrypt_fixed  # noqa: E402
from spec_writer import Kek, Signer, Spec, encode_ctx  # noqa: E402

KEK = bytes(range(32))
DEK = bytes(range(100, 132))
NONCE = bytes(range(12))
ORDERS = SymmetricKek("orders", 1, KEK)
EXT = {"topic": "events"}
SEED = bytes(range(7, 39))
WRITER = WriterKey("billing", 3, SEED)

COMPRESSED = [Suite.AES_256_GCM_COMPRESSED, Suite.CHACHA20_POLY1305_COMPRESSED,
              Suite.AES_256_GCM_SIGNED_COMPRESSED, Suite.CHACHA20_POLY1305_SIGNED_COMPRESSED]
# A JSON-ish record that compresses well, as a broker's log of events does.
DOC = b"".join(b'{"event":"order.created","id":%d,"status":"pending","amount":12.50}\n' % i for i in range(40))


def stored(data: bytes) -> bytes:
    return b"\x00" + struct.pack(">I", len(data)) + data


def zstd_packed(data: bytes, declared: int | None = None, **kw: Any) -> bytes:
    frame = zstd.ZstdCompressor(**kw).compress(data)
    return b"\x01" + struct.pack(">I", len(data) if declared is None else declared) + frame


def lz4_packed(data: bytes, declared: int | None = None) -> bytes:
    block = lz4block.compress(data, store_size=False)
    return b"\x02" + struct.pack(">I", len(data) if declared is None else declared) + block


def spec(packed: bytes, suite: int = 0x0401, **kw: Any) -> Spec:
    """An envelope whose AEAD plaintext is ``packed`` (section 18), built per SPEC."""
    return Spec(suite, [Kek(b"orders", 1, KEK)], DEK, NONCE, packed, {}, dict(EXT), **kw)


def open_packed(envelope: bytes, suite: int) -> bytes:
    """The packed payload of an unsigned or mode 01 envelope this port wrote, opened with the
    SPEC's key schedule and the `cryptography` AEAD (not the port's reader)."""
    header = sealpost.inspect(envelope).header
    body = envelope[len(header.raw):]
    s = Spec(suite, [Kek(b"orders", 1, KEK)], DEK, header.nonce)
    # The DEK is random in the port's envelopes: take it from the key wrap.
    from cryptography.hazmat.primitives.keywrap import aes_key_unwrap
    s.dek = aes_key_unwrap(KEK, header.recipients[0].wrapped_dek)
    assert s.commitment() == header.commitment
    return s.aead(s.k_msg()).decrypt(header.nonce, body, header.raw + encode_ctx(EXT))


def fails(category: C, envelope: bytes, reader: Decryptor | None = None) -> SealpostError:
    r = reader or Decryptor([ORDERS])
    with pytest.raises(SealpostError) as e:
        r.decrypt(envelope, EXT)
    assert e.value.category is category, e.value
    return e.value


# ------------------------------------------------------------------------- writer: suites, opt-in


@pytest.mark.parametrize(
    "base, signed, expected",
    [
        (Suite.AES_256_GCM, False, 0x0401),
        (Suite.CHACHA20_POLY1305, False, 0x0402),
        (Suite.AES_256_GCM, True, 0x0501),
        (Suite.CHACHA20_POLY1305, True, 0x0502),
    ],
)
@pytest.mark.parametrize("method", ["zstd", "lz4", Compression.ZSTD, Compression.LZ4])
def test_cmp1_compression_option_selects_the_compressed_suite(base: Suite, signed: bool, expected: int, method: Any) -> None:
    """[CMP-1]: asking for compression turns the chosen suite into its compressed form (section 4)."""
    enc = Encryptor([ORDERS], suite=base, compression=method, signer=WRITER if signed else None)
    assert int(enc.suite) == expected
    assert enc.compression is Compression(str(getattr(method, "value", method)))
    assert sealpost.inspect(enc.encrypt(DOC, EXT)).suite == expected


def test_cmp1_compression_is_never_a_default() -> None:
    """[CMP-1]: without the option, no compressed suite is written."""
    assert Encryptor([ORDERS]).compression is Compression.NONE
    assert int(sealpost.inspect(sealpost.encrypt(DOC, [ORDERS])).suite) == 0x0001
    assert int(Encryptor([ORDERS], compression=None).suite) == 0x0001
    assert int(Encryptor([ORDERS], compression="none").suite) == 0x0001


def test_suite_ids_and_properties() -> None:
    """Section 4: the four ids, their AEAD, signer field and no segmentation."""
    assert [int(s) for s in COMPRESSED] == [0x0401, 0x0402, 0x0501, 0x0502]
    assert [s.base for s in COMPRESSED] == [Suite.AES_256_GCM, Suite.CHACHA20_POLY1305] * 2
    assert [s.signed for s in COMPRESSED] == [False, False, True, True]
    assert not any(s.segmented or s.deterministic for s in COMPRESSED)
    assert all(s.compressed for s in COMPRESSED)
    assert not any(s.compressed for s in Suite if int(s) >> 8 not in (4, 5))
    with pytest.raises(ValueError):
        Suite.of(Suite.AES_256_GCM, segmented=True, compressed=True)
    with pytest.raises(ValueError):
        Suite.of(Suite.AES_256_SIV, compressed=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"suite": Suite.AES_256_SIV, "compression": "zstd"},
        {"segmented": True, "compression": "lz4"},
        {"suite": Suite.AES_256_GCM_SEGMENTED, "compression": "zstd"},
        {"suite": Suite.AES_256_GCM_COMPRESSED},  # a compressed suite names no method
        {"compression": "gzip"},
        {"compression": 1},
    ],
)
def test_writer_refuses_combinations_no_suite_registers(kwargs: dict[str, Any]) -> None:
    """Section 18: no compressed deterministic or segmented suite; the method must be known."""
    with pytest.raises(ValueError):
        Encryptor([ORDERS], **kwargs)
    with pytest.raises(ValueError):
        sealpost.encrypt(DOC, [ORDERS], **kwargs)


# ------------------------------------------------------------------------- round trips, packing


@pytest.mark.parametrize("suite", COMPRESSED)
@pytest.mark.parametrize("method", ["zstd", "lz4"])
@pytest.mark.parametrize("plaintext", [b"", b"x", DOC, os.urandom(3000), bytes(200_000)])
def test_cmp2_round_trip(suite: Suite, method: str, plaintext: bytes) -> None:
    """[CMP-2], step 14: every suite and method gives back the plaintext."""
    signer = WRITER if suite.signed else None
    env = sealpost.encrypt(plaintext, [ORDERS], suite=suite.base, signer=signer, compression=method,
                           external_context=EXT)
    assert sealpost.inspect(env).suite is suite
    reader = Decryptor([ORDERS], trusted_writers=[WRITER.trusted()] if signer else None)
    opened = reader.open(env, EXT)
    assert opened.plaintext == plaintext and opened.suite is suite


@pytest.mark.parametrize("method, byte, decompress", [
    ("zstd", 0x01, lambda data, n: zstd.ZstdDecompressor().decompress(data, max_output_size=n)),
    ("lz4", 0x02, lambda data, n: lz4block.decompress(data, uncompressed_size=n)),
])
def test_cmp2_packing_compresses_with_the_method(method: str, byte: int, decompress: Any) -> None:
    """[CMP-2]: method byte, u32 length of the plaintext, then data the method's own library
    decompresses to the plaintext; the envelope is shorter than the uncompressed suite's."""
    env = Encryptor([ORDERS], compression=method).encrypt(DOC, EXT)
    packed = open_packed(env, 0x0401)
    assert packed[0] == byte
    assert struct.unpack(">I", packed[1:5])[0] == len(DOC)
    assert decompress(packed[5:], len(DOC)) == DOC
    plain = Encryptor([ORDERS]).encrypt(DOC, EXT)
    assert len(env) < len(plain) // 3


@pytest.mark.parametrize("method", ["zstd", "lz4"])
@pytest.mark.parametrize("plaintext", [b"", b"a", b"abcd", os.urandom(1000)])
def test_cmp2_falls_back_to_stored_when_not_shorter(method: str, plaintext: bytes) -> None:
    """[CMP-2]: data that compression would not shrink is stored (method 00), and the envelope
    is then byte-exact from the plaintext alone (section 15)."""
    env = encrypt_fixed(plaintext, [ORDERS], compression=method, external_context=EXT, dek=DEK, nonce=NONCE)
    assert env == spec(stored(plaintext)).envelope()
    assert sealpost.decrypt(env, [ORDERS], external_context=EXT) == plaintext


@pytest.mark.parametrize("suite", COMPRESSED)
@pytest.mark.parametrize("packed", [stored(DOC), zstd_packed(DOC), lz4_packed(DOC),
                                    zstd_packed(DOC, write_content_size=False, write_checksum=True),
                                    zstd_packed(b""), lz4_packed(b""), stored(b"")])
def test_reader_opens_spec_built_envelopes(suite: Suite, packed: bytes) -> None:
    """Step 14: envelopes built from the SPEC with packed payloads of every method (a frame
    with or without content size and checksum) decrypt to the plaintext."""
    plaintext = DOC if struct.unpack(">I", packed[1:5])[0] else b""
    signer = Signer(SEED, b"billing", 3, 1) if suite.signed else None
    env = spec(packed, int(suite), signer=signer).envelope()
    reader = Decryptor([ORDERS], trusted_writers=[WRITER.trusted()] if signer else None)
    assert reader.decrypt(env, EXT) == plaintext
    assert sealpost.decrypt(env, [ORDERS], external_context=EXT) == plaintext


def test_test_hook_encrypts_a_given_packed_payload() -> None:
    """Section 15: a port encrypts the vector's packed payload and gets the expected envelope."""
    packed = lz4_packed(DOC)
    env = encrypt_fixed(DOC, [ORDERS], compression="lz4", external_context=EXT, dek=DEK, nonce=NONCE, packed=packed)
    assert env == spec(packed).envelope()


def test_mode_02_signature_covers_the_compressed_envelope() -> None:
    """Section 16 unchanged: sign mode 02 over a compressed envelope verifies and round-trips."""
    env = sealpost.encrypt(DOC, [ORDERS], compression="zstd", signer=WRITER, sign_mode=sealpost.SignMode.PER_MESSAGE,
                           external_context=EXT)
    assert sealpost.inspect(env).suite is Suite.AES_256_GCM_SIGNED_COMPRESSED
    reader = Decryptor([ORDERS], trusted_writers=[WRITER.trusted()])
    assert reader.decrypt(env, EXT) == DOC
    tampered = env[:-1] + bytes([env[-1] ^ 1])
    fails(C.SIGNATURE_INVALID, tampered, reader)


# ------------------------------------------------------------------------- malformed payloads


def zstd_frame_with_dict_id(dict_id: int, content: bytes = b"hello") -> bytes:
    """A one-raw-block zstd frame (RFC 8878 3.1.1) with a 1-byte Dictionary_ID field."""
    descriptor = 0x20 | 0x01  # Single_Segment, Dictionary_ID_flag = 1 (1 byte)
    block = ((len(content) << 3) | 0x01).to_bytes(3, "little") + content  # last, raw
    return b"\x28\xb5\x2f\xfd" + bytes([descriptor, dict_id, len(content)]) + block


def lz4_literals(data: bytes) -> bytes:
    """An LZ4 block of one literal-only sequence (lz4_Block_format.md), for data < 15 bytes."""
    assert len(data) < 15
    return bytes([len(data) << 4]) + data


FRAME = zstd.ZstdCompressor().compress(DOC)
SIZELESS = zstd.ZstdCompressor(write_content_size=False).compress(DOC)
CHECKED = zstd.ZstdCompressor(write_checksum=True).compress(DOC)
BLOCK = lz4block.compress(DOC, store_size=False)
SKIPPABLE = b"\x50\x2a\x4d\x18" + struct.pack("<I", 3) + b"abc"
N = struct.pack(">I", len(DOC))

MALFORMED = {
    "empty payload": b"",
    "1 byte": b"\x00",
    "4 bytes": b"\x00\x00\x00\x00",
    "unknown method 03": b"\x03" + struct.pack(">I", 0),
    "unknown method ff": b"\xff" + N + DOC,
    "stored, one byte short": stored(DOC)[:-1],
    "stored, one byte more": stored(DOC) + b"x",
    "stored, declares more": b"\x00" + struct.pack(">I", 5) + b"abcd",
    "zstd, empty data": b"\x01" + N,
    "zstd, not a frame": b"\x01" + N + b"not a zstd frame at all",
    "zstd, skippable frame then frame": b"\x01" + N + SKIPPABLE + FRAME,
    "zstd, frame then skippable frame": b"\x01" + N + FRAME + SKIPPABLE,
    "zstd, two frames": b"\x01" + struct.pack(">I", 2 * len(DOC)) + FRAME + FRAME,
    "zstd, trailing byte": b"\x01" + N + FRAME + b"\x00",
    "zstd, sizeless frame, trailing byte": b"\x01" + N + SIZELESS + b"\x00",
    "zstd, truncated frame": b"\x01" + N + FRAME[:-1],
    "zstd, frame content size differs": b"\x01" + struct.pack(">I", len(DOC) + 1) + FRAME,
    "zstd, sizeless frame gives more": b"\x01" + struct.pack(">I", len(DOC) - 1) + SIZELESS,
    "zstd, sizeless frame gives fewer": b"\x01" + struct.pack(">I", len(DOC) + 1) + SIZELESS,
    "zstd, sizeless frame, declared 0": b"\x01" + struct.pack(">I", 0) + SIZELESS,
    "zstd, empty frame with junk": b"\x01" + struct.pack(">I", 0) + zstd.ZstdCompressor().compress(b"") + b"junk",
    "zstd, bad checksum": b"\x01" + N + CHECKED[:-1] + bytes([CHECKED[-1] ^ 1]),
    "zstd, names a dictionary": b"\x01" + struct.pack(">I", 5) + zstd_frame_with_dict_id(7),
    "zstd, header declares 0, block holds 5": b"\x01" + struct.pack(">I", 0)
    + b"\x28\xb5\x2f\xfd\x20\x00" + ((5 << 3) | 1).to_bytes(3, "little") + b"hello",
    "lz4, empty data": b"\x02" + N,
    "lz4, garbage": b"\x02" + N + b"\xff" * 20,
    "lz4, gives more": b"\x02" + struct.pack(">I", len(DOC) - 1) + BLOCK,
    "lz4, gives fewer": b"\x02" + struct.pack(">I", len(DOC) + 1) + BLOCK,
    "lz4, trailing byte": b"\x02" + N + BLOCK + b"\x00",
    "lz4, truncated": b"\x02" + N + BLOCK[:-1],
    "lz4, literals give fewer": b"\x02" + struct.pack(">I", 4) + lz4_literals(b"abc"),
    "lz4, empty block declares 1": b"\x02" + struct.pack(">I", 1) + b"\x00",
}


@pytest.mark.parametrize("suite", [0x0401, 0x0402])
@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_cmp4_malformed_payload(name: str, suite: int) -> None:
    """[CMP-4], step 14: each malformed packing is malformed-payload, after authentication."""
    env = spec(MALFORMED[name], suite).envelope()
    fails(C.MALFORMED_PAYLOAD, env)
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(env, [ORDERS], external_context=EXT)
    assert e.value.category is C.MALFORMED_PAYLOAD


def test_cmp4_the_hand_built_payloads_are_valid_when_right() -> None:
    """The hand-built frame and block of the malformed cases decode when their length is right,
    so that the cases above fail for the one reason they name; a Dictionary_ID of 0 is none."""
    for packed, plaintext in [
        (b"\x01" + struct.pack(">I", 5) + zstd_frame_with_dict_id(0), b"hello"),
        (b"\x02" + struct.pack(">I", 3) + lz4_literals(b"abc"), b"abc"),
        (b"\x02" + struct.pack(">I", 0) + b"\x00", b""),
        (b"\x01" + struct.pack(">I", 0) + zstd.ZstdCompressor(write_content_size=False).compress(b""), b""),
    ]:
        assert Decryptor([ORDERS]).decrypt(spec(packed).envelope(), EXT) == plaintext


def test_err2_authentication_precedes_unpacking() -> None:
    """[ERR-2], [CMP-6]: an altered body of a malformed payload is authentication-failed."""
    env = bytearray(spec(MALFORMED["4 bytes"]).envelope())
    env[-1] ^= 1
    fails(C.AUTHENTICATION_FAILED, bytes(env))


def test_cmp6_streamed_reader_releases_nothing_of_a_malformed_payload() -> None:
    """[CMP-6]: the file-like reader fails before any byte of a malformed payload."""
    import io

    env = spec(b"\x02" + struct.pack(">I", len(DOC) - 1) + BLOCK).envelope()
    with pytest.raises(SealpostError) as e:
        Decryptor([ORDERS]).reader(io.BytesIO(env), EXT)
    assert e.value.category is C.MALFORMED_PAYLOAD
    good = Encryptor([ORDERS], compression="zstd").encrypt(DOC, EXT)
    with Decryptor([ORDERS]).reader(io.BytesIO(good), EXT) as r:
        assert r.read() == DOC


# ------------------------------------------------------------------------- limits and bombs


def test_cmp3_declared_length_above_the_default_limit() -> None:
    """[CMP-3]: a declared length above 2^30 is limit-exceeded, whatever the data."""
    for method in (0, 1, 2):
        fails(C.LIMIT_EXCEEDED, spec(bytes([method]) + struct.pack(">I", (1 << 30) + 1) + b"tiny").envelope())
        fails(C.LIMIT_EXCEEDED, spec(bytes([method]) + b"\xff\xff\xff\xff").envelope())


@pytest.mark.parametrize("packed", [zstd_packed(DOC), lz4_packed(DOC), zstd_packed(DOC, write_content_size=False)])
def test_cmp3_declared_length_above_a_configured_limit(packed: bytes) -> None:
    """[CMP-3]: a reader with a lower plaintext limit refuses a packed payload declaring more,
    though its compressed data (and so its body) is within the limit; one byte more of limit
    and it decrypts."""
    assert len(packed) + 16 < len(DOC)  # step 9 passes: the body is small
    env = spec(packed).envelope()
    fails(C.LIMIT_EXCEEDED, env, Decryptor([ORDERS], max_plaintext_length=len(DOC) - 1))
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(env, [ORDERS], external_context=EXT, max_plaintext_length=len(DOC) - 1)
    assert e.value.category is C.LIMIT_EXCEEDED
    assert Decryptor([ORDERS], max_plaintext_length=len(DOC)).decrypt(env, EXT) == DOC


def test_cmp3_order_within_step_14() -> None:
    """Step 14: short or unknown method first (malformed-payload), then the declared length
    (limit-exceeded), then the data (malformed-payload)."""
    fails(C.MALFORMED_PAYLOAD, spec(b"\x07\xff\xff\xff\xff").envelope())
    fails(C.LIMIT_EXCEEDED, spec(b"\x01\xff\xff\xff\xff" + b"not zstd").envelope())
    fails(C.MALFORMED_PAYLOAD, spec(b"\x01\x00\x00\x00\x10" + b"not zstd").envelope())


def _bomb_frame(total: int) -> bytes:
    """A zstd frame of `total` zero bytes with no content size in its header (a streamed
    compressor does not know it), so only decompressing tells how much it gives."""
    cobj = zstd.ZstdCompressor(level=19, write_content_size=False).compressobj()
    chunk = bytes(1 << 20)
    out = b"".join(cobj.compress(chunk) for _ in range(total >> 20))
    return out + cobj.flush()


def test_cmp3_bomb_is_bounded_by_the_declared_length() -> None:
    """Section 18: a small frame of 64 MiB declared as 1000 bytes fails as malformed-payload
    without allocating for what it would give (Python allocations traced)."""
    frame = _bomb_frame(64 << 20)
    assert len(frame) < 64 << 10
    env = spec(b"\x01" + struct.pack(">I", 1000) + frame).envelope()
    reader = Decryptor([ORDERS])
    tracemalloc.start()
    try:
        fails(C.MALFORMED_PAYLOAD, env, reader)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, peak


def test_cmp3_lz4_bomb_is_bounded_by_the_declared_length() -> None:
    """As above for LZ4: 16 MiB of zeros in a block, declared as 1000 bytes."""
    block = lz4block.compress(bytes(16 << 20), store_size=False)
    env = spec(b"\x02" + struct.pack(">I", 1000) + block).envelope()
    tracemalloc.start()
    try:
        fails(C.MALFORMED_PAYLOAD, env)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, peak


def test_lim3_body_limit_of_compressed_suites() -> None:
    """[LIM-3], step 9: compressed suites allow a body of the limit + 5 + 16 bytes, no more;
    unpacked the limit still holds ([CMP-3])."""
    limit = 100
    reader = Decryptor([ORDERS], max_plaintext_length=limit)
    at_limit = spec(stored(bytes(limit)))  # packed 105 bytes, body 121
    assert reader.decrypt(at_limit.envelope(), EXT) == bytes(limit)
    # One byte more of body: limit-exceeded at step 9, before the AEAD (malformed-payload).
    over = spec(stored(bytes(limit)) + b"x")
    fails(C.LIMIT_EXCEEDED, over.envelope(), reader)
    # The uncompressed suite keeps limit + 16.
    plain = Spec(0x0001, [Kek(b"orders", 1, KEK)], DEK, NONCE, bytes(limit + 5), {}, dict(EXT))
    fails(C.LIMIT_EXCEEDED, plain.envelope(), reader)


# ------------------------------------------------------------------------- [CMP-5], optional packages


@pytest.fixture
def without(monkeypatch: pytest.MonkeyPatch) -> Any:
    def hide(name: str) -> None:
        monkeypatch.setitem(compression_module._modules, name, None)
    return hide


@pytest.mark.parametrize("missing", ["zstd", "lz4"])
def test_cmp5_reader_without_a_decompressor_has_no_compressed_suite(without: Any, missing: str) -> None:
    """[CMP-5]: missing either package, every compressed suite is unsupported-suite (step 3),
    even for a payload of the method still installed; other suites are unaffected."""
    envs = [spec(stored(DOC), int(s), signer=Signer(SEED, b"billing", 3, 1) if s.signed else None).envelope()
            for s in COMPRESSED]
    without(missing)
    for env in envs:
        fails(C.UNSUPPORTED_SUITE, env)
        with pytest.raises(SealpostError) as e:
            sealpost.inspect(env)
        assert e.value.category is C.UNSUPPORTED_SUITE
    assert sealpost.decrypt(sealpost.encrypt(DOC, [ORDERS]), [ORDERS]) == DOC


def test_cmp5_writer_without_its_compressor_fails_when_made(without: Any) -> None:
    """A writer asking for a compressor that is not installed fails at once, naming the extra."""
    without("lz4")
    with pytest.raises(SealpostError) as e:
        Encryptor([ORDERS], compression="lz4")
    assert e.value.category is C.UNSUPPORTED_SUITE and "compression" in e.value.message
    assert int(Encryptor([ORDERS], compression="zstd").suite) == 0x0401


def test_cmp5_packages_are_imported_only_when_used() -> None:
    """The codec works without the extra: importing and using an uncompressed suite loads
    neither package."""
    code = (
        "import sys, sealpost\n"
        "k = sealpost.SymmetricKek('k', 1, bytes(32))\n"
        "assert sealpost.decrypt(sealpost.encrypt(b'x', [k]), [k]) == b'x'\n"
        "print('zstandard' in sys.modules, 'lz4' in sys.modules)\n"
    )
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": src})
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------------- inspect, threads, fork


def test_inspect_of_a_compressed_envelope() -> None:
    """The plaintext length is inside the encrypted payload: inspect does not claim one."""
    info = sealpost.inspect(Encryptor([ORDERS], compression="lz4").encrypt(DOC, EXT))
    assert info.suite is Suite.AES_256_GCM_COMPRESSED
    assert info.plaintext_length is None


def test_threads_share_one_writer() -> None:
    """Compressor state is per thread: concurrent writers produce envelopes that all decrypt."""
    enc = Encryptor([ORDERS], compression="zstd")
    results: list[tuple[bytes, bytes]] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        for i in range(50):
            pt = DOC + b"%d-%d" % (t, i)
            env = enc.encrypt(pt, EXT)
            with lock:
                results.append((pt, env))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    reader = Decryptor([ORDERS])
    assert len(results) == 200
    assert all(reader.decrypt(env, EXT) == pt for pt, env in results)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() does not exist on this platform")
def test_dek6_fork_child_of_a_compressing_writer() -> None:
    """[DEK-6]: a compressing writer's child re-keys like any other and compresses."""
    enc = Encryptor([ORDERS], compression="zstd")
    before = enc.encrypt(DOC, EXT)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(r)
            with os.fdopen(w, "wb") as out:
                out.write(enc.encrypt(DOC, EXT))
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as inp:
        child = inp.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    a, b = sealpost.inspect(before).header, sealpost.inspect(child).header
    assert a.commitment != b.commitment
    assert Decryptor([ORDERS]).decrypt(child, EXT) == DOC
    assert len(child) < len(DOC) // 3


# ------------------------------------------------------------------------- broker bindings ([CMP-1])


def test_cmp1_kafka_compresses_only_named_topics() -> None:
    """[CMP-1]: per topic, by name or pattern; other topics keep the uncompressed suite."""
    from sealpost.kafka import KafkaBinding

    binding = KafkaBinding(
        topics={"events": [ORDERS], "logs.app": [ORDERS], "payments": [ORDERS]},
        keys=[ORDERS], compression_topics=["events"], compression_pattern=r"logs\..*", compression="lz4",
    )
    for topic, suite in (("events", 0x0401), ("logs.app", 0x0401), ("payments", 0x0001)):
        key, value, headers = binding.write_record(topic, b"k", DOC, [])
        assert int(sealpost.inspect(value).suite) == suite, topic
        _, back, _ = binding.read_record(topic, key, value, headers)
        assert back == DOC
    assert len(binding.write_record("events", b"k", DOC, [])[1]) < len(DOC) // 3
    with pytest.raises(ValueError):
        KafkaBinding(topics={"t": [ORDERS]}, compression="gzip")


def test_cmp1_nats_compresses_only_named_subjects() -> None:
    from sealpost.nats import NatsBinding

    binding = NatsBinding(subjects={"logs.>": [ORDERS], "orders.*": [ORDERS]}, keys=[ORDERS],
                          compression_subjects=["logs.>"])
    for subject, suite in (("logs.app.1", 0x0401), ("orders.new", 0x0001)):
        data, headers = binding.seal(subject, None, DOC)
        assert int(sealpost.inspect(data).suite) == suite, subject
        assert binding.open(subject, headers, data)[0] == DOC


def _lz4_with_match(offset: int, match_length: int) -> tuple[bytes, bytes]:
    """An LZ4 block (lz4_Block_format.md): 12 literals, a match of ``match_length`` (4..18) at
    ``offset``, then 8 literals (a block ends with 5 or more, and its last match starts 12 or more
    bytes before the end). Returns (block, what it decodes to, for offset > 0)."""
    literals = b"abcdefghijkl"
    token = (len(literals) << 4) | (match_length - 4)
    block = bytes([token]) + literals + offset.to_bytes(2, "little") + bytes([8 << 4]) + b"12345678"
    out = bytearray(literals)
    for _ in range(match_length):
        out.append(out[-offset] if offset else 0)
    return block, bytes(out) + b"12345678"


@pytest.mark.parametrize("match_length", [4, 8, 12, 18])
def test_cmp4_lz4_match_offset_zero(match_length: int) -> None:
    """[CMP-4]: the LZ4 Block Format declares offset 0 invalid; such a block is malformed-payload,
    whatever liblz4's decoder would make of it. With offset 8 the same block is valid."""
    good, expected = _lz4_with_match(8, match_length)
    packed = b"\x02" + struct.pack(">I", len(expected)) + good
    assert Decryptor([ORDERS]).decrypt(spec(packed).envelope(), EXT) == expected
    bad, _ = _lz4_with_match(0, match_length)
    fails(C.MALFORMED_PAYLOAD, spec(b"\x02" + struct.pack(">I", len(expected)) + bad).envelope())


# ------------------------------------------------------------------------- zstd Window_Size ([CMP-2], [CMP-4])


def _raw_block_frame(window_descriptor: int, content: bytes = b"hello") -> bytes:
    """A zstd frame (RFC 8878 3.1.1) with a Window_Descriptor, no Frame_Content_Size and one
    last raw block: Window_Size = (1 << (10 + exponent)) * (1 + mantissa / 8)."""
    return (b"\x28\xb5\x2f\xfd" + bytes([0x00, window_descriptor])
            + ((len(content) << 3) | 0x01).to_bytes(3, "little") + content)


def _window_size(descriptor: int) -> int:
    base = 1 << (10 + (descriptor >> 3))
    return base + (base // 8) * (descriptor & 7)


WINDOW_2_27 = 17 << 3  # exponent 17, mantissa 0: 2^27
WINDOW_2_27_PLUS_2_24 = (17 << 3) | 1  # mantissa 1: 2^27 + 2^24


def test_cmp4_zstd_window_size_at_the_bound_is_valid() -> None:
    """[CMP-4]: a Window_Descriptor of exactly 2^27 bytes is accepted, with or without a
    checksum-free raw block of a few bytes."""
    assert _window_size(WINDOW_2_27) == 1 << 27
    packed = b"\x01" + struct.pack(">I", 5) + _raw_block_frame(WINDOW_2_27)
    assert Decryptor([ORDERS]).decrypt(spec(packed).envelope(), EXT) == b"hello"


def test_cmp4_zstd_window_size_above_the_bound_is_malformed() -> None:
    """[CMP-4]: a Window_Descriptor of 2^27 + 2^24 bytes is malformed-payload, although the
    frame is otherwise valid (zstandard alone decodes it when given room)."""
    assert _window_size(WINDOW_2_27_PLUS_2_24) == (1 << 27) + (1 << 24)
    frame = _raw_block_frame(WINDOW_2_27_PLUS_2_24)
    big = zstd.ZstdDecompressor(max_window_size=1 << 28)
    assert big.decompress(frame, max_output_size=5) == b"hello"
    fails(C.MALFORMED_PAYLOAD, spec(b"\x01" + struct.pack(">I", 5) + frame).envelope())


def test_cmp4_zstd_window_size_of_a_single_segment_frame_is_its_content_size() -> None:
    """[CMP-4], RFC 8878 3.1.1.1.2: a single-segment frame's Window_Size is its
    Frame_Content_Size; one of 2^27 + 1 bytes (RLE blocks of 128 KiB, valid otherwise) is
    malformed-payload, refused before it is decoded."""
    total = (1 << 27) + 1
    blocks = []
    left = total
    while left:
        n = min(left, 1 << 17)
        left -= n
        blocks.append(((n << 3) | (1 << 1) | (0 if left else 1)).to_bytes(3, "little") + b"z")
    # Single_Segment_flag, FCS_Field_Size 2 (4 bytes)
    frame = b"\x28\xb5\x2f\xfd" + bytes([0x80 | 0x20]) + struct.pack("<I", total) + b"".join(blocks)
    params = zstd.get_frame_parameters(frame)
    assert (params.window_size, params.content_size) == (total, total)
    fails(C.MALFORMED_PAYLOAD, spec(b"\x01" + struct.pack(">I", total) + frame).envelope())


def _context_size_after(packed: bytes) -> int:
    """The size of zstd's decompression context (ZSTD_sizeof_DCtx: the context and the window
    and input buffers it reserved) of a fresh thread after it unpacked ``packed``."""
    sizes: list[int] = []

    def run() -> None:
        compression_module.unpack(packed, 1 << 30)
        sizes.append(compression_module._local.dctx.memory_size())

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert len(sizes) == 1
    return sizes[0]


def test_cmp4_a_hostile_window_size_reserves_nothing() -> None:
    """Section 18, [CMP-4]: a frame declaring a 2^27 window and no content size, holding 5
    bytes, costs what an honest frame of the same 5 bytes costs: decoded in one call into the
    declared length, zstd reserves no window. zstandard's own streaming decoder, given the same
    frame, reserves the whole window (so the measure would see it)."""
    hostile = _raw_block_frame(WINDOW_2_27)
    honest = zstd.ZstdCompressor(write_content_size=True).compress(b"hello")
    assert zstd.get_frame_parameters(honest).window_size < 1 << 20
    streaming = zstd.ZstdDecompressor()
    assert streaming.decompress(hostile, max_output_size=5) == b"hello"
    assert streaming.memory_size() >= 1 << 27  # what the window would cost
    honest_cost = _context_size_after(b"\x01" + struct.pack(">I", 5) + honest)
    hostile_cost = _context_size_after(b"\x01" + struct.pack(">I", 5) + hostile)
    assert hostile_cost <= 2 * honest_cost, (hostile_cost, honest_cost)
    assert hostile_cost < 1 << 20


@pytest.mark.parametrize("checksum", [False, True])
def test_cmp4_sizeless_frames_give_exactly_the_declared_length(checksum: bool) -> None:
    """[CMP-4]: a frame without Frame_Content_Size (the reader supplies `length`) decodes when
    `length` is right, and is malformed-payload one byte either way; its checksum is still
    checked."""
    frame = zstd.ZstdCompressor(write_content_size=False, write_checksum=checksum).compress(DOC)
    assert zstd.get_frame_parameters(frame).content_size == (1 << 64) - 1
    assert compression_module.unpack(b"\x01" + N + frame, 1 << 30) == DOC
    for n in (len(DOC) - 1, len(DOC) + 1):
        with pytest.raises(SealpostError) as e:
            compression_module.unpack(b"\x01" + struct.pack(">I", n) + frame, 1 << 30)
        assert e.value.category is C.MALFORMED_PAYLOAD
    if checksum:
        bad = frame[:-1] + bytes([frame[-1] ^ 1])
        with pytest.raises(SealpostError) as e:
            compression_module.unpack(b"\x01" + N + bad, 1 << 30)
        assert e.value.category is C.MALFORMED_PAYLOAD


def test_cmp2_writer_window_size_stays_far_below_the_bound() -> None:
    """[CMP-2]: the writer's zstd frames (level 3) have a Window_Size of at most 2^21 bytes,
    also for a plaintext larger than that."""
    plaintext = b"".join(b"%08d:" % i + os.urandom(8).hex().encode() for i in range(200_000))
    assert len(plaintext) > 1 << 22
    packed = compression_module.pack(plaintext, Compression.ZSTD)
    assert packed[0] == 0x01
    assert zstd.get_frame_parameters(packed[5:]).window_size <= 1 << 21
    assert zstd.ZstdDecompressor().decompress(packed[5:]) == plaintext
