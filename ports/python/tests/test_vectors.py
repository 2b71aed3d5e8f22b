"""The language-neutral vectors of the repository's test-vectors/ directory (SPEC.md 15, [VEC-1]).

Every vector is its own test case, id'd by file and tcId. The directory is
../../../test-vectors/ relative to this file, or $SEALPOST_VECTORS_DIR. Missing vector files are
a failure, never a skip: a port that cannot see the vectors has not shown conformance.
"""

from __future__ import annotations

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
from sealpost._testing import encrypt_fixed, x25519_recipient_fixed
from sealpost.context import canonical_entries, encode_context, encode_entries
from sealpost.hpke import _dh, _extract_and_expand, x25519_public_key
from sealpost.kdf import derive_deterministic_dek, derive_message_keys, deterministic_info, hkdf_extract
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


@pytest.mark.parametrize(("group", "test", "problem"), _ENC_PARAMS, ids=_ENC_IDS)
def test_encrypt_vector(group: Any, test: Any, problem: str | None) -> None:
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    assert test["result"] == "valid"
    suite = sealpost.Suite.from_name(test["suite"])
    plaintext = _hex(test["plaintext"])
    external = test.get("externalContext") or {}
    envelope = encrypt_fixed(
        plaintext,
        writer_recipients(group, test),
        suite=suite,
        stored_context=test.get("storedContext") or {},
        external_context=external,
        dek=_hex(test["dek"]) if test.get("dek") else None,
        nonce=_hex(test.get("nonce")) if not suite.deterministic else None,
    )
    assert envelope.hex() == test["envelope"]
    back = sealpost.decrypt(envelope, reader_keys(group), external_context=external)
    assert back == plaintext


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
    keys = derive_message_keys(dek, int(suite), suite.key_length)
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
    envelope = encrypt_fixed(
        _hex(test["plaintext"]), writer_recipients(group, test), suite=suite,
        stored_context=test.get("storedContext") or {}, external_context=test.get("externalContext") or {},
        dek=None if suite.deterministic else dek, nonce=None if suite.deterministic else _hex(test["nonce"]),
    )
    assert (sealpost.inspect(envelope).header.raw + external).hex() == inter["aad"]


@pytest.mark.parametrize(("group", "test", "problem"), _DEC_PARAMS, ids=_DEC_IDS)
def test_decrypt_vector(group: Any, test: Any, problem: str | None) -> None:
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    kwargs: dict[str, Any] = {
        "external_context": test.get("externalContext") or {},
        "required_context": test.get("requiredContext") or {},
    }
    if test.get("maxPlaintextLength") is not None:
        kwargs["max_plaintext_length"] = test["maxPlaintextLength"]
    envelope = _hex(test["envelope"])
    if test["result"] == "valid":
        assert sealpost.decrypt(envelope, reader_keys(group), **kwargs) == _hex(test["plaintext"])
    else:
        assert test["result"] == "invalid"
        expected = ErrorCategory(test["error"])
        with pytest.raises(SealpostError) as info:
            sealpost.decrypt(envelope, reader_keys(group), **kwargs)
        assert info.value.category is expected, info.value.message
