#!/usr/bin/env python3
"""Sealpost conformance testee for the Python port.

The conformance runner (conformance-suite/ in this repository) starts this script and sends it
framed requests on stdin: a 4-byte big-endian length, then that many bytes of UTF-8 JSON (the
proto3 JSON form of sealpost_conformance.proto's ConformanceRequest). For each request it
writes one framed ConformanceResponse to stdout. It exits when stdin ends.

Run from a checkout without installing the package (needs only ``cryptography``):

    python3 ports/python/conformance_testee.py
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import struct
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

import sealpost  # noqa: E402
import sealpost.compression  # noqa: E402
from sealpost._testing import encrypt_fixed, encrypting_writer_fixed, x25519_recipient_fixed  # noqa: E402

MAX_PLAINTEXT = 1 << 30


def unb64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class RequestError(Exception):
    """The request is not one this testee can make sense of (a runner or protocol problem)."""


# ------------------------------------------------------------------------------------------ keys


def reader_keys(keys: dict, kms_allowed: list | None = None) -> list:
    """The reader's keys. KMS URIs the reader allows ([KMS-3]): those of ``keys.kms``, or, when
    the request lists ``kmsAllowedKeyUris``, exactly those (an entry ending in '*' is a prefix)."""
    out: list = []
    for k in keys.get("symmetric", []):
        out.append(sealpost.SymmetricKek(k.get("keyId", ""), k.get("version", 0), unb64(k.get("key"))))
    for k in keys.get("x25519", []):
        if k.get("privateKey"):
            out.append(sealpost.X25519PrivateKey(k.get("keyId", ""), k.get("version", 0), unb64(k["privateKey"])))
    kms = {k.get("keyUri", ""): unb64(k.get("key")) for k in keys.get("kms", [])}
    if kms_allowed:
        uris = [u for u in kms_allowed if not u.endswith("*")]
        prefixes = [u[:-1] for u in kms_allowed if u.endswith("*") and u != "*"]
        out.append(sealpost.KmsAllowList(
            sealpost.TestKms(kms), key_uris=uris, key_uri_prefixes=prefixes, discovery="*" in kms_allowed
        ))
    elif kms:
        client = sealpost.TestKms(kms)
        out.extend(sealpost.KmsKey(uri, client) for uri in kms)
    return out


class NotHeld(sealpost.Recipient):
    """A recipient the request names but gives no key for: the writer does not hold it, which
    it reports (invalid-key-material) in the order of SPEC [ENC-3]."""

    def __init__(self, rtype: int, key_id: str, version: int) -> None:
        self.recipient_type = rtype
        self.key_id = key_id.encode("utf-8", "surrogatepass")
        self.key_version = version

    def _check_held(self) -> None:
        raise sealpost.SealpostError(sealpost.ErrorCategory.INVALID_KEY_MATERIAL, "the writer holds no such key")

    def wrap(self, dek: bytes) -> bytes:
        raise AssertionError("never wrapped: _check_held refuses it first")


def writer_recipients(req: dict) -> list:
    keys = req.get("keys", {})
    fixed = req.get("fixedRandomness", False)
    kms_keys = {k.get("keyUri", ""): unb64(k.get("key")) for k in keys.get("kms", [])}
    out: list = []
    for r in req.get("recipients", []):
        kind = r.get("type", "RECIPIENT_TYPE_UNSPECIFIED")
        key_id = r.get("keyId", "")
        version = r.get("version", 0)
        if kind == "SYMMETRIC":
            key = next(
                (unb64(k.get("key")) for k in keys.get("symmetric", [])
                 if k.get("keyId", "") == key_id and k.get("version", 0) == version),
                None,
            )
            if key is None:
                out.append(NotHeld(1, key_id, version))
                continue
            out.append(sealpost.SymmetricKek(key_id, version, key))
        elif kind == "X25519":
            entry = next(
                (k for k in keys.get("x25519", [])
                 if k.get("keyId", "") == key_id and k.get("version", 0) == version),
                None,
            )
            if entry is None:
                out.append(NotHeld(2, key_id, version))
                continue
            public = unb64(entry.get("publicKey"))
            if not public:
                public = sealpost.X25519PrivateKey(key_id, version, unb64(entry.get("privateKey"))).public_key
            if fixed:
                out.append(x25519_recipient_fixed(key_id, version, public, unb64(r.get("ephemeralPrivateKey"))))
            else:
                out.append(sealpost.X25519Recipient(key_id, version, public))
        elif kind == "KMS":
            if fixed:
                nonce = unb64(r.get("kmsNonce"))
                client = sealpost.TestKms(kms_keys, nonce_source=lambda n, nonce=nonce: nonce)
            else:
                client = sealpost.TestKms(kms_keys)
            out.append(sealpost.KmsKey(key_id, client, version))
        else:
            raise RequestError(f"unknown recipient type {kind}")
    return out


# ------------------------------------------------------------------------------------------ requests


def trusted_writers(req: dict) -> list:
    """The writers the reader trusts for this source [SIG-4]; empty: none required."""
    return [
        sealpost.TrustedWriter(w.get("signerId", ""), w.get("version", 0), unb64(w.get("publicKey")))
        for w in req.get("trustedWriters", [])
    ]


def signer_info(signer) -> dict:
    """verifiedSigner: only what step 10a verified [SIG-8]."""
    return {} if signer is None else {"verifiedSigner": {"signerId": signer.signer_id, "version": signer.version}}


def reader(req: dict, limit: int = MAX_PLAINTEXT) -> sealpost.Decryptor:
    return sealpost.Decryptor(
        reader_keys(req.get("keys", {}), req.get("kmsAllowedKeyUris")),
        trusted_writers=trusted_writers(req),
        max_plaintext_length=limit,
    )


def decrypt(req: dict) -> dict:
    limit = min(int(req.get("maxPlaintextLength", MAX_PLAINTEXT)), MAX_PLAINTEXT)
    opened = reader(req, limit).open(
        unb64(req.get("envelope")),
        req.get("externalContext", {}),
        required_context=req.get("requiredContext", {}),
    )
    return {"plaintext": b64(opened.plaintext), **signer_info(opened.verified_signer)}


def writer_key(req: dict):
    """(WriterKey or None, SignMode) of an encrypt request."""
    spec = req.get("signer")
    if not spec:
        return None, sealpost.SignMode.PER_DEK
    key = sealpost.WriterKey(spec.get("signerId", ""), spec.get("version", 0), unb64(spec.get("privateKey")))
    mode = spec.get("mode", "SIGN_MODE_UNSPECIFIED")
    if mode not in ("PER_DEK", "PER_MESSAGE"):
        raise RequestError(f"unknown sign mode {mode}")
    return key, sealpost.SignMode[mode]


def compression(req: dict, suite: "sealpost.Suite") -> dict:
    """Issue 9 (SPEC section 18): the compressor of a compressed suite, and with fixed
    randomness the request's packed payload, sealed as given (SPEC section 15). Unspecified:
    the method the packed payload names, else zstd."""
    name = req.get("compression", "COMPRESSION_UNSPECIFIED")
    packed = unb64(req.get("packed"))
    if not suite.compressed:
        if name != "COMPRESSION_UNSPECIFIED" or packed:
            raise RequestError(f"compression or a packed payload for the uncompressed suite {suite.name}")
        return {}
    if name not in ("ZSTD", "LZ4", "COMPRESSION_UNSPECIFIED"):
        raise RequestError(f"unknown compression {name}")
    if name == "COMPRESSION_UNSPECIFIED":
        name = "LZ4" if packed[:1] == b"\x02" else "ZSTD"
    out: dict = {"compression": name.lower()}
    if packed and req.get("fixedRandomness", False):
        out["packed"] = packed
    return out


def encrypt(req: dict) -> dict:
    suite = sealpost.Suite[req.get("suite", "SUITE_UNSPECIFIED")]
    fixed = req.get("fixedRandomness", False)
    signer, mode = writer_key(req)
    packing = compression(req, suite)
    if "packed" in packing and sealpost.compression.unpack(packing["packed"], MAX_PLAINTEXT) != unb64(req.get("plaintext")):
        raise RequestError("the packed payload does not unpack to the plaintext")
    envelope = encrypt_fixed(
        unb64(req.get("plaintext")),
        writer_recipients(req),
        suite=suite,
        stored_context=req.get("storedContext", {}),
        external_context=req.get("externalContext", {}),
        dek=unb64(req.get("dek")) if fixed and not suite.deterministic else None,
        nonce=unb64(req.get("nonce")) if fixed and not suite.deterministic else None,
        signer=signer,
        sign_mode=mode,
        **packing,
    )
    return {"envelope": b64(envelope)}


class ChunkSource(io.RawIOBase):
    """Hands the reader the request's chunks in order, at most one chunk per read, and records
    how much plaintext the application had read when the reader first asked for each chunk."""

    def __init__(self, chunks: list) -> None:
        super().__init__()
        self.chunks = chunks
        self.index = 0  # the chunk being handed out
        self.offset = 0  # within it
        self.released = 0  # plaintext bytes the application has read so far
        self.released_before_chunk: list = []

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while self.index < len(self.chunks) and self.offset == len(self.chunks[self.index]):
            self.index += 1  # an empty chunk, or one read to its end
            self.offset = 0
        if self.index >= len(self.chunks):
            return 0
        while len(self.released_before_chunk) <= self.index:  # first ask for this chunk (and any empty one before it)
            self.released_before_chunk.append(self.released)
        chunk = self.chunks[self.index]
        n = min(len(b), len(chunk) - self.offset)
        b[:n] = chunk[self.offset : self.offset + n]
        self.offset += n
        return n


def stream_decrypt(req: dict) -> dict:
    """Section 17 through the streaming reader; every failure is an answer, not an error."""
    reader_req = req.get("reader", {})
    source = ChunkSource([unb64(c) for c in req.get("chunks", [])])
    digest = hashlib.sha256()
    result: dict = {}
    verified = None
    try:
        r = reader(reader_req).reader(source, reader_req.get("externalContext", {}))
        verified = r.verified_signer
        while True:
            data = r.read(1 << 16)
            if not data:
                break
            digest.update(data)
            source.released += len(data)
    except sealpost.SealpostError as e:
        result["error"] = {"category": e.category.value, "message": str(e)}
        verified = None
    result.update({
        "releasedLength": source.released,
        "releasedSha256": b64(digest.digest()),
        "releasedBeforeChunk": source.released_before_chunk,
    })
    return {"stream": result, **signer_info(verified)}


class DigestSink(io.RawIOBase):
    def __init__(self) -> None:
        super().__init__()
        self.sha = hashlib.sha256()
        self.length = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.sha.update(b)
        self.length += len(b)
        return len(b)


_PATTERN = bytes(range(251)) * 1024


def stream_encrypt(req: dict) -> dict:
    """The streaming writer over the pattern byte i = i mod 251, in writes of writeSizes."""
    enc_req = req.get("encrypt", {})
    suite = sealpost.Suite[enc_req.get("suite", "SUITE_UNSPECIFIED")]
    signer, mode = writer_key(enc_req)
    external = enc_req.get("externalContext", {})
    digest_only = req.get("digestOnly", False)
    sink = DigestSink() if digest_only else io.BytesIO()
    if enc_req.get("fixedRandomness", False):
        w = encrypting_writer_fixed(
            sink, writer_recipients(enc_req), suite=suite, dek=unb64(enc_req.get("dek")),
            nonce=unb64(enc_req.get("nonce")), stored_context=enc_req.get("storedContext", {}),
            external_context=external, signer=signer, sign_mode=mode,
        )
    else:
        w = sealpost.Encryptor(
            writer_recipients(enc_req), suite=suite, stored_context=enc_req.get("storedContext", {}),
            signer=signer, sign_mode=mode,
        ).writer(sink, external)
    total = int(req.get("patternLength", 0))
    sizes = [int(x) for x in req.get("writeSizes", [])] or [1 << 16]
    with w:
        pos = 0
        i = 0
        while pos < total:
            n = min(sizes[i % len(sizes)], total - pos)
            i += 1
            while n > 0:  # a write larger than the pattern buffer goes in pieces of it
                k = min(n, len(_PATTERN) - 251)
                start = pos % 251
                w.write(memoryview(_PATTERN)[start : start + k])
                pos += k
                n -= k
        w.finish()  # completion is explicit [SEG-9]
    if digest_only:
        return {"envelopeDigest": {"length": sink.length, "sha256": b64(sink.sha.digest())}}
    return {"envelope": b64(sink.getvalue())}


def inspect(req: dict) -> dict:
    info = sealpost.inspect(unb64(req.get("envelope")))
    h = info.header
    signer = h.signer
    return {
        "header": {
            "version": h.version,
            "suiteId": int(h.suite),
            "recipients": [
                {
                    "type": r.type,
                    "keyId": r.key_id_text,
                    "version": r.key_version,
                    "wrappedLength": len(r.wrapped_dek),
                }
                for r in h.recipients
            ],
            "commitment": b64(h.commitment),
            "storedContext": [
                {"key": k.decode("utf-8"), "value": v.decode("utf-8")} for k, v in h.stored_context_entries
            ],
            "nonce": b64(h.nonce),
            "headerLength": len(h.raw),
            "bodyLength": info.body_length,
            "signMode": 0 if signer is None else signer.sign_mode,
            "signerId": "" if signer is None else signer.signer_id_text,
            "signerVersion": 0 if signer is None else signer.signer_version,
        }
    }


HANDLERS = {
    "decrypt": decrypt,
    "encrypt": encrypt,
    "inspect": inspect,
    "streamDecrypt": stream_decrypt,
    "streamEncrypt": stream_encrypt,
}

# Issue 12: the broker binding requests (kafkaWrite, kafkaRead, natsSeal, natsOpen, natsKvPut,
# natsKvRead), answered with the Kafka and NATS bindings in conformance_bindings.py.
from conformance_bindings import HANDLERS as BINDING_HANDLERS  # noqa: E402

HANDLERS.update(BINDING_HANDLERS)


def handle(request: dict) -> dict:
    kinds = [k for k in HANDLERS if k in request]
    if len(kinds) != 1:
        return {"skipped": f"no request this testee knows among {sorted(request)}"}
    try:
        return HANDLERS[kinds[0]](request[kinds[0]])
    except sealpost.SealpostError as e:
        return {"error": {"category": e.category.value, "message": str(e)}}
    except Exception as e:  # a bug or a request outside the API: report, keep serving
        return {"runtimeError": f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"}


# ------------------------------------------------------------------------------------------ framing


def read_exact(stream, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            if data:
                raise EOFError("stdin ended inside a frame")
            return None
        data += chunk
    return data


def main() -> int:
    stdin = sys.stdin.buffer
    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr  # stdout carries frames only
    while True:
        head = read_exact(stdin, 4)
        if head is None:
            return 0
        (length,) = struct.unpack(">I", head)
        body = read_exact(stdin, length)
        if body is None and length:
            raise EOFError("stdin ended inside a frame")
        response = handle(json.loads(body or b"{}"))
        out = json.dumps(response).encode("utf-8")
        stdout.write(struct.pack(">I", len(out)) + out)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
