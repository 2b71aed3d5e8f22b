"""The language-neutral vectors of the repository's test-vectors/ directory (SPEC.md 15, [VEC-1]).

Every vector is its own test case, id'd by file and tcId. The directory is
../../../test-vectors/ relative to this file, or $SEALPOST_VECTORS_DIR. Missing vector files are
a failure, never a skip: a port that cannot see the vectors has not shown conformance.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

import sealpost
from sealpost import (
    ErrorCategory,
    KmsKey,
    SealpostError,
    SymmetricKek,
    TestKms,
    X25519PrivateKey,
    X25519Recipient,
)
from sealpost import Decryptor, SealpostStreamError, SignerRef, SignMode, TrustedWriter, WriterKey
from sealpost._testing import encrypt_fixed, encrypting_writer_fixed, x25519_recipient_fixed
from sealpost.context import canonical_entries, encode_context, encode_entries
from sealpost.compression import unpack
from sealpost.header import MAX_PLAINTEXT_LENGTH
from sealpost.hpke import _dh, _extract_and_expand, x25519_public_key
from sealpost.kdf import (
    derive_deterministic_dek,
    derive_message_keys,
    derive_segment_key,
    deterministic_info,
    hkdf_extract,
)
from sealpost.recipients import DecryptionKey, Recipient

ENCRYPT_FILE = "sealpost_v1_encrypt.json"
DECRYPT_FILE = "sealpost_v1_decrypt.json"


def vectors_dir() -> Path:
    override = os.environ.get("SEALPOST_VECTORS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent.parent.parent / "test-vectors"


def _load(name: str) -> tuple[list[Any], list[str]]:
    """(params, ids) for one file; a missing or unreadable file yields one failing case."""
    path = vectors_dir() / name
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        problem = f"cannot read test vector file {path}: {e}"
        return [pytest.param(None, None, problem)], [f"{name}-missing"]
    params: list[Any] = []
    ids: list[str] = []
    for group in doc["testGroups"]:
        for test in group["tests"]:
            params.append(pytest.param(group, test, None))
            ids.append(f"{name}-tcId{test['tcId']}")
    if not params:
        return [pytest.param(None, None, f"{path} holds no tests")], [f"{name}-empty"]
    return params, ids


_ENC_PARAMS, _ENC_IDS = _load(ENCRYPT_FILE)
_DEC_PARAMS, _DEC_IDS = _load(DECRYPT_FILE)


def _hex(value: str | None) -> bytes:
    return bytes.fromhex(value) if value else b""


def _pattern(spec: dict[str, Any]) -> bytes:
    """test-vectors/README.md: ``plaintextPattern``, byte i = i mod 251."""
    assert spec["rule"] == "byte i = i mod 251", spec
    n = spec["length"]
    return (bytes(range(251)) * (n // 251 + 1))[:n]


def _plaintext(test: dict[str, Any]) -> bytes:
    if "plaintextPattern" in test:
        assert "plaintext" not in test
        return _pattern(test["plaintextPattern"])
    return _hex(test["plaintext"])


def _signer(test: dict[str, Any]) -> tuple[WriterKey | None, SignMode]:
    spec = test.get("signer")
    if spec is None:
        return None, SignMode.PER_DEK
    key = WriterKey(spec["signerId"], spec["version"], _hex(spec["privateKey"]))
    assert key.public_key.hex() == spec["publicKey"], "the seed's Ed25519 public key differs from the vector's"
    return key, {"PER_DEK": SignMode.PER_DEK, "PER_MESSAGE": SignMode.PER_MESSAGE}[spec["mode"]]


def _trusted(test: dict[str, Any]) -> list[TrustedWriter] | None:
    writers = test.get("trustedWriters")
    if writers is None:
        return None
    assert writers, "trustedWriters is never empty in the vectors"
    return [TrustedWriter(w["signerId"], w["version"], _hex(w["publicKey"])) for w in writers]


def _expected_signer(test: dict[str, Any]) -> SignerRef | None:
    v = test.get("verifiedSigner")
    return None if v is None else SignerRef(v["signerId"], v["version"])


def _check_envelope(envelope: bytes, test: dict[str, Any]) -> None:
    """Byte-exact, or for long segmented vectors the length and SHA-256."""
    if "envelope" in test:
        assert envelope.hex() == test["envelope"]
    else:
        assert len(envelope) == test["envelopeLength"]
        assert hashlib.sha256(envelope).hexdigest() == test["envelopeSha256"]


class ChunkedSource(io.RawIOBase):
    """A source that hands out at most one chunk per read, in cycling uneven sizes."""

    SIZES = (1, 7, 4096, 65535, 3, 65553, 100_000, 16)

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = memoryview(data)
        self._pos = 0
        self._i = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        size = min(len(b), self.SIZES[self._i % len(self.SIZES)], len(self._data) - self._pos)
        self._i += 1
        b[:size] = self._data[self._pos : self._pos + size]
        self._pos += size
        return size


def _kms(group: dict[str, Any], nonces: list[bytes] | None = None) -> TestKms:
    keys = {k["keyUri"]: _hex(k["key"]) for k in group["keys"].get("kms", [])}
    if nonces is None:
        return TestKms(keys)
    queue = list(nonces)
    return TestKms(keys, nonce_source=lambda n: queue.pop(0))


def reader_keys(group: dict[str, Any]) -> list[DecryptionKey | Recipient]:
    """The reader's keys: what the group lists, and nothing else."""
    keys = group["keys"]
    out: list[DecryptionKey] = []
    for k in keys.get("symmetric", []):
        out.append(SymmetricKek(k["keyId"], k["version"], _hex(k["key"])))
    for k in keys.get("x25519", []):
        if "privateKey" not in k:
            # SPEC 15: an X25519 key listed without a private key is not held.
            out.append(X25519Recipient(k["keyId"], k["version"], _hex(k["publicKey"])))  # type: ignore[arg-type]
            continue
        priv = X25519PrivateKey(k["keyId"], k["version"], _hex(k["privateKey"]))
        if "publicKey" in k:
            assert priv.public_key == _hex(k["publicKey"]), "x25519 publicKey does not match privateKey"
        out.append(priv)
    kms = _kms(group)
    for k in keys.get("kms", []):
        out.append(KmsKey(k["keyUri"], kms))
    return out


def writer_recipients(group: dict[str, Any], test: dict[str, Any]) -> list[Recipient]:
    keys = group["keys"]
    out: list[Recipient] = []
    for r in test["recipients"]:
        kind, key_id, version = r["type"], r["keyId"], r["version"]
        if kind == "symmetric":
            (k,) = [k for k in keys["symmetric"] if k["keyId"] == key_id and k["version"] == version]
            out.append(SymmetricKek(key_id, version, _hex(k["key"])))
        elif kind == "x25519":
            (k,) = [k for k in keys["x25519"] if k["keyId"] == key_id and k["version"] == version]
            public = _hex(k.get("publicKey")) or X25519PrivateKey(key_id, version, _hex(k["privateKey"])).public_key
            out.append(x25519_recipient_fixed(key_id, version, public, _hex(r["ephemeralPrivateKey"])))
        elif kind == "kms":
            out.append(KmsKey(key_id, _kms(group, [_hex(r["kmsNonce"])]), version))
        else:
            raise AssertionError(f"unknown recipient type in vector: {kind}")
    return out


def _packing(test: dict[str, Any]) -> dict[str, Any]:
    """Compressed suites (SPEC.md sections 15 and 18): the vector's packed payload is an input,
    sealed as given; it must unpack to the plaintext ([CMP-4]). The compression named for the
    writer is the one of the packing's method (00: either)."""
    if "packed" not in test:
        assert "COMPRESSED" not in test["suite"], "a compressed-suite vector gives its packed payload"
        return {}
    packed = _hex(test["packed"])
    assert unpack(packed, MAX_PLAINTEXT_LENGTH) == _plaintext(test)
    return {"compression": "lz4" if packed[0] == 0x02 else "zstd", "packed": packed}


@pytest.mark.parametrize(("group", "test", "problem"), _ENC_PARAMS, ids=_ENC_IDS)
def test_encrypt_vector(group: Any, test: Any, problem: str | None) -> None:
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    assert test["result"] == "valid"
    suite = sealpost.Suite.from_name(test["suite"])
    plaintext = _plaintext(test)
    external = test.get("externalContext") or {}
    signer, mode = _signer(test)
    envelope = encrypt_fixed(
        plaintext,
        writer_recipients(group, test),
        suite=suite,
        stored_context=test.get("storedContext") or {},
        external_context=external,
        dek=_hex(test["dek"]) if test.get("dek") else None,
        nonce=_hex(test.get("nonce")) if not suite.deterministic else None,
        signer=signer,
        sign_mode=mode,
        **_packing(test),
    )
    assert sealpost.inspect(envelope).suite is suite
    _check_envelope(envelope, test)
    back = sealpost.decrypt(envelope, reader_keys(group), external_context=external)
    assert back == plaintext
    if signer is not None:
        # [SIG-4], [SIG-8]: a reader that trusts the writer verifies it and says so.
        opened = Decryptor(reader_keys(group), trusted_writers=[signer.trusted()]).open(envelope, external)
        assert opened.plaintext == plaintext
        assert opened.verified_signer == SignerRef(test["signer"]["signerId"], test["signer"]["version"])


_SEGMENTED_ENC = [p for p in _ENC_PARAMS if p.values[1] is None or "SEGMENTED" in p.values[1]["suite"]]
_SEGMENTED_ENC_IDS = [i for p, i in zip(_ENC_PARAMS, _ENC_IDS) if p.values[1] is None or "SEGMENTED" in p.values[1]["suite"]]
if not _SEGMENTED_ENC:  # a failure, never a silent skip
    _SEGMENTED_ENC = [pytest.param(None, None, f"{ENCRYPT_FILE} holds no segmented-suite vector")]
    _SEGMENTED_ENC_IDS = [f"{ENCRYPT_FILE}-no-segmented"]


@pytest.mark.parametrize(("group", "test", "problem"), _SEGMENTED_ENC, ids=_SEGMENTED_ENC_IDS)
@pytest.mark.parametrize("write_size", [1000, 65536, 70_000])
def test_encrypt_vector_streamed(group: Any, test: Any, problem: str | None, write_size: int) -> None:
    """[SEG-1], [VEC-1]: the streaming writer, fed in writes of one size, writes the vector's
    bytes, and the streaming reader, fed uneven chunks, releases the plaintext."""
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    plaintext = _plaintext(test)
    external = test.get("externalContext") or {}
    signer, mode = _signer(test)
    sink = io.BytesIO()
    w = encrypting_writer_fixed(
        sink, writer_recipients(group, test), suite=test["suite"], dek=_hex(test["dek"]), nonce=_hex(test["nonce"]),
        stored_context=test.get("storedContext") or {}, external_context=external, signer=signer, sign_mode=mode,
    )
    with w:
        for i in range(0, len(plaintext), write_size):
            assert w.write(plaintext[i : i + write_size]) == len(plaintext[i : i + write_size])
        w.finish()
    _check_envelope(sink.getvalue(), test)
    trusted = None if signer is None else [signer.trusted()]
    reader = Decryptor(reader_keys(group), trusted_writers=trusted).reader(ChunkedSource(sink.getvalue()), external)
    assert reader.read() == plaintext
    assert reader.read() == b""


@pytest.mark.parametrize(("group", "test", "problem"), _ENC_PARAMS, ids=_ENC_IDS)
def test_encrypt_vector_intermediates(group: Any, test: Any, problem: str | None) -> None:
    """The vector's intermediate values (test-vectors/README.md), step by step in the order they
    are computed, so that a divergence shows where it starts."""
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    inter = test["intermediates"]
    suite = sealpost.Suite.from_name(test["suite"])
    recipients = writer_recipients(group, test)
    stored = canonical_entries(test.get("storedContext") or {})
    external = encode_context(test.get("externalContext") or {})
    if suite.deterministic:
        assert "dek" not in test, "AES_256_SIV vectors give no DEK: it is derived ([SIV-1])"
        refs = [(r.recipient_type, r.key_id, r.key_version) for r in recipients]
        assert deterministic_info(int(suite), refs, encode_entries(stored), external).hex() == inter["deterministicInfo"]
        first = recipients[0]
        assert isinstance(first, SymmetricKek)
        dek = derive_deterministic_dek(first.kek, int(suite), refs, encode_entries(stored), external)
        assert dek.hex() == inter["dek"]
    else:
        assert "deterministicInfo" not in inter and "dek" not in inter
        dek = _hex(test["dek"])
    assert hkdf_extract(b"sealpost/v1", dek).hex() == inter["prk"]
    keys = derive_message_keys(dek, int(suite), suite.key_length, segmented=suite.segmented)
    if suite.segmented:
        assert "kMsg" not in inter
        assert keys.message_key is None, "[KDF-1]: no K_msg for a segmented suite"
        assert keys.prk is not None
        assert derive_segment_key(keys.prk, int(suite), _hex(test["nonce"])).hex() == inter["kEnv"]
        n = len(_plaintext(test))
        assert inter["segmentCount"] == max(1, -(-n // 65536))
    else:
        assert keys.prk is None and keys.message_key is not None
        assert keys.message_key.hex() == inter["kMsg"]
    assert keys.commitment.hex() == inter["commitment"]
    assert len(inter["recipients"]) == len(recipients)
    for r, expected in zip(recipients, inter["recipients"]):
        assert r.wrap(dek).hex() == expected["wrappedDek"]
        if isinstance(r, X25519Recipient):
            assert r._ephemeral is not None
            shared = _extract_and_expand(_dh(r._ephemeral, r.public_key), x25519_public_key(r._ephemeral) + r.public_key)
            assert shared.hex() == expected["sharedSecret"]
        else:
            assert "sharedSecret" not in expected
    signer, mode = _signer(test)
    envelope = encrypt_fixed(
        _plaintext(test), writer_recipients(group, test), suite=suite,
        stored_context=test.get("storedContext") or {}, external_context=test.get("externalContext") or {},
        dek=None if suite.deterministic else dek, nonce=None if suite.deterministic else _hex(test["nonce"]),
        signer=signer, sign_mode=mode, **_packing(test),
    )
    header = sealpost.inspect(envelope).header
    assert (header.raw + external).hex() == inter["aad"]
    if signer is None:
        assert "signedMessage" not in inter and "signature" not in inter
    elif mode is SignMode.PER_DEK:
        # SPEC 16: "sealpost/v1 signed header" || P, P = the header through the signer version.
        assert (b"sealpost/v1 signed header" + header.raw[: header.signed_length]).hex() == inter["signedMessage"]
        assert header.raw[header.signed_length : header.signed_length + 64].hex() == inter["signature"]
    else:
        # "sealpost/v1 signed message" || E || encode(external), E = all but the last 64 bytes.
        assert (b"sealpost/v1 signed message" + envelope[:-64] + external).hex() == inter["signedMessage"]
        assert envelope[-64:].hex() == inter["signature"]


_STORED_ENC = [p for p in _ENC_PARAMS if p.values[1] is not None and "PackStored" in p.values[1]["flags"]]
_STORED_ENC_IDS = [i for p, i in zip(_ENC_PARAMS, _ENC_IDS) if p.values[1] is not None and "PackStored" in p.values[1]["flags"]]
if not _STORED_ENC:  # a failure, never a silent skip
    _STORED_ENC = [pytest.param(None, None, f"{ENCRYPT_FILE} holds no method-00 compressed vector")]
    _STORED_ENC_IDS = [f"{ENCRYPT_FILE}-no-stored"]


@pytest.mark.parametrize(("group", "test", "problem"), _STORED_ENC, ids=_STORED_ENC_IDS)
@pytest.mark.parametrize("compression", ["zstd", "lz4"])
def test_encrypt_vector_stored_from_plaintext(group: Any, test: Any, problem: str | None, compression: str) -> None:
    """[CMP-2], SPEC.md 15: method 00 vectors are byte-exact from the plaintext alone; this
    port's packing, with either compressor, falls back to 00 for them."""
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    suite = sealpost.Suite.from_name(test["suite"])
    signer, mode = _signer(test)
    envelope = encrypt_fixed(
        _plaintext(test), writer_recipients(group, test), suite=suite.base,
        stored_context=test.get("storedContext") or {}, external_context=test.get("externalContext") or {},
        dek=_hex(test["dek"]), nonce=_hex(test["nonce"]), signer=signer, sign_mode=mode, compression=compression,
    )
    _check_envelope(envelope, test)


_PACKED_ENC = [p for p in _ENC_PARAMS if p.values[1] is not None and "CompressorOutput" in p.values[1]["flags"]]
_PACKED_ENC_IDS = [i for p, i in zip(_ENC_PARAMS, _ENC_IDS) if p.values[1] is not None and "CompressorOutput" in p.values[1]["flags"]]
if not _PACKED_ENC:
    _PACKED_ENC = [pytest.param(None, None, f"{ENCRYPT_FILE} holds no method-01/02 vector")]
    _PACKED_ENC_IDS = [f"{ENCRYPT_FILE}-no-compressed"]


@pytest.mark.parametrize(("group", "test", "problem"), _PACKED_ENC, ids=_PACKED_ENC_IDS)
def test_encrypt_vector_own_compressor(group: Any, test: Any, problem: str | None) -> None:
    """[CMP-2]: with this port's own compressor (the vector's method) the envelope is not the
    vector's bytes in general, but it has the vector's header and is shorter than storing."""
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    suite = sealpost.Suite.from_name(test["suite"])
    signer, mode = _signer(test)
    packed = _hex(test["packed"])
    plaintext = _plaintext(test)
    external = test.get("externalContext") or {}
    envelope = encrypt_fixed(
        plaintext, writer_recipients(group, test), suite=suite.base,
        stored_context=test.get("storedContext") or {}, external_context=external,
        dek=_hex(test["dek"]), nonce=_hex(test["nonce"]), signer=signer, sign_mode=mode,
        compression="lz4" if packed[0] == 0x02 else "zstd",
    )
    expected = _hex(test["envelope"])
    header_length = len(sealpost.inspect(expected).header.raw)
    assert envelope[:header_length] == expected[:header_length]
    assert len(envelope) < len(expected) - len(packed) + 5 + len(plaintext)
    trusted = None if signer is None else [signer.trusted()]
    assert Decryptor(reader_keys(group), trusted_writers=trusted).decrypt(envelope, external) == plaintext


@pytest.mark.parametrize(("group", "test", "problem"), _DEC_PARAMS, ids=_DEC_IDS)
def test_decrypt_vector(group: Any, test: Any, problem: str | None) -> None:
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    kwargs: dict[str, Any] = {
        "external_context": test.get("externalContext") or {},
        "required_context": test.get("requiredContext") or {},
        "trusted_writers": _trusted(test),
    }
    if test.get("maxPlaintextLength") is not None:
        kwargs["max_plaintext_length"] = test["maxPlaintextLength"]
    envelope = _hex(test["envelope"])
    if test["result"] == "valid":
        assert sealpost.decrypt(envelope, reader_keys(group), **kwargs) == _plaintext(test)
    else:
        assert test["result"] == "invalid"
        expected = ErrorCategory(test["error"])
        with pytest.raises(SealpostError) as info:
            sealpost.decrypt(envelope, reader_keys(group), **kwargs)
        assert info.value.category is expected, info.value.message


def _reader(group: Any, test: Any) -> Decryptor:
    limit = test.get("maxPlaintextLength")
    return Decryptor(
        reader_keys(group),
        trusted_writers=_trusted(test),
        **({} if limit is None else {"max_plaintext_length": limit}),
    )


@pytest.mark.parametrize(("group", "test", "problem"), _DEC_PARAMS, ids=_DEC_IDS)
def test_decrypt_vector_open(group: Any, test: Any, problem: str | None) -> None:
    """[SIG-8]: a valid vector's reader reports exactly ``verifiedSigner``: the signer it
    verified when it requires a trusted writer, and no one otherwise."""
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    ext = test.get("externalContext") or {}
    req = test.get("requiredContext") or {}
    envelope = _hex(test["envelope"])
    if test["result"] == "valid":
        opened = _reader(group, test).open(envelope, ext, required_context=req)
        assert opened.plaintext == _plaintext(test)
        assert opened.verified_signer == _expected_signer(test)
        assert (opened.verified_signer is None) == (test.get("trustedWriters") is None)
    else:
        with pytest.raises(SealpostError) as info:
            _reader(group, test).open(envelope, ext, required_context=req)
        assert info.value.category is ErrorCategory(test["error"]), info.value.message


def _streamed_case(test: Any) -> bool:
    """Every decryption vector, read through the streaming reader, except the two whose outcome
    depends on a plaintext limit for a segmented suite: a streamed reader applies [SEG-5]
    instead of that limit (section 11, step 9), so they have no streamed outcome in the file."""
    if test is None:
        return True
    return not (test.get("maxPlaintextLength") is not None and "SEGMENTED" in _suite_name(test))


def _suite_name(test: Any) -> str:
    envelope = _hex(test["envelope"])
    if len(envelope) < 6 or envelope[:4] != b"\xf7SP\x01":
        return ""
    try:
        return sealpost.Suite(int.from_bytes(envelope[4:6], "big")).name
    except ValueError:
        return ""


_STREAM_PARAMS = [p for p in _DEC_PARAMS if _streamed_case(p.values[1])]
_STREAM_IDS = [i for p, i in zip(_DEC_PARAMS, _DEC_IDS) if _streamed_case(p.values[1])]


def test_streamed_exclusions_are_only_the_limit_cases() -> None:
    """The streamed parametrization leaves out exactly the segmented vectors with a reader
    limit (see _streamed_case), and there are such vectors to leave out."""
    left_out = [p.values[1] for p in _DEC_PARAMS if not _streamed_case(p.values[1])]
    assert left_out, "the vectors have segmented cases with maxPlaintextLength"
    assert all("SEGMENTED" in _suite_name(t) and t.get("maxPlaintextLength") is not None for t in left_out)
    assert len(_STREAM_PARAMS) + len(left_out) == len(_DEC_PARAMS)


@pytest.mark.parametrize(("group", "test", "problem"), _STREAM_PARAMS, ids=_STREAM_IDS)
def test_decrypt_vector_streamed(group: Any, test: Any, problem: str | None) -> None:
    """[SEG-3], [SEG-4], [SEG-6]: the streaming reader, fed uneven chunks, gives every
    decryption vector's outcome; a failure is an exception from ``reader()`` or a read, never
    an early end of data."""
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    ext = test.get("externalContext") or {}
    req = test.get("requiredContext") or {}
    source = ChunkedSource(_hex(test["envelope"]))
    if test["result"] == "valid":
        r = _reader(group, test).reader(source, ext, required_context=req)
        assert r.read() == _plaintext(test)
        assert r.verified_signer == _expected_signer(test)
        return
    released = b""
    with pytest.raises(SealpostError) as info:
        r = _reader(group, test).reader(source, ext, required_context=req)
        while True:
            chunk = r.read(5000)
            assert chunk, "a failing envelope must never reach an end of data"
            released += chunk
    assert info.value.category is ErrorCategory(test["error"]), info.value.message
    if isinstance(info.value, SealpostStreamError):
        assert info.value.released == len(released)
        for _ in range(2):  # the failure sticks: never an end of data afterwards
            with pytest.raises(SealpostStreamError):
                r.read(1)
