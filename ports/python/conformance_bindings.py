"""Broker binding requests of the Sealpost conformance protocol (issue 12), for the Python testee.

``conformance_testee.py`` adds :data:`HANDLERS` to its own: ``kafkaWrite``, ``kafkaRead``,
``natsSeal``, ``natsOpen``, ``natsKvPut`` and ``natsKvRead`` (conformance-suite/README.md,
"Broker bindings"). Each request builds a fresh :class:`sealpost.kafka.KafkaBinding` or
:class:`sealpost.nats.NatsBinding` from the request's ``config`` (the binding vector files'
``config``, verbatim) and ``keys``, and answers with the record or message, or with the
binding's error: SPEC.md category, binding reason and, for Kafka, the record part.

With ``randomness`` (a write), the value or data envelope uses that DEK and nonce base, through
the bindings' ``_value_sealer`` hook (as tests/test_binding_vectors.py does); without it, the
binding's own randomness.

The NATS binding layer works on subject, headers and data; the reply subject is passed through
by the nats-py wrapper untouched and unbound ([NB-11]), so the answers carry the request's.
Needs only ``cryptography``: the broker clients are not imported.
"""

from __future__ import annotations

import base64
from typing import Any, Callable, Optional

from sealpost import SymmetricKek
from sealpost._testing import encrypt_fixed
from sealpost.bindings import BindingError
from sealpost.kafka import KafkaBinding
from sealpost.nats import NatsBinding


def _unb64(value: Optional[str]) -> bytes:
    return base64.b64decode(value) if value else b""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _opt(obj: dict, name: str) -> Optional[bytes]:
    """An ``optional bytes`` field: absent (or JSON null) is None, present is bytes (maybe empty)."""
    value = obj.get(name)
    return None if value is None else base64.b64decode(value)


def _symmetric(keys: dict) -> dict[tuple[str, int], SymmetricKek]:
    return {
        (k.get("keyId", ""), k.get("version", 0)): SymmetricKek(k.get("keyId", ""), k.get("version", 0), _unb64(k.get("key")))
        for k in keys.get("symmetric", [])
    }


def _sealer(randomness: Optional[dict]) -> Optional[Callable[..., bytes]]:
    """The fixed-randomness hook: the request's DEK and nonce base for the message's envelope."""
    if randomness is None:
        return None
    dek, nonce = _unb64(randomness.get("dek")), _unb64(randomness.get("nonce"))

    def seal(_target: Any, recipients: Any, suite: Any, plaintext: bytes, context: Any) -> bytes:
        return encrypt_fixed(
            plaintext, recipients, suite=suite, external_context=context, dek=dek, nonce=nonce,
            compression="zstd" if suite.compressed else None,
        )

    return seal


def _error(e: BindingError) -> dict:
    return {"error": {"category": e.category.value, "message": str(e), "reason": e.reason, "part": e.part or ""}}


# ------------------------------------------------------------------------------------------ Kafka


def _kafka_binding(req: dict, randomness: Optional[dict]) -> KafkaBinding:
    cfg = req.get("config", {})
    held = _symmetric(req.get("keys", {}))
    recipients = []
    for r in cfg.get("recipients", []):
        if r.get("type") != "symmetric":
            raise ValueError(f"recipient type {r.get('type')!r} is not supported by this testee")
        recipients.append(held[(r.get("keyId", ""), r.get("version", 0))])
    return KafkaBinding(
        topics={t: recipients for t in cfg.get("encryptedTopics", [])},
        keys=list(held.values()),
        plaintext_topics=cfg.get("plaintextTopics", []),
        secret_headers=cfg.get("secretHeaders") or None,
        authenticated_headers=cfg.get("authenticatedHeaders") or None,
        key_mode=cfg.get("keyMode") or "encrypt",
        bind_key=cfg.get("bindKey", False),
        value_suite=cfg.get("valueSuite") or "AES_256_GCM",
        store_topics=cfg.get("storeTopics"),
        tombstone_policy=cfg.get("tombstonePolicy") or "drop-unauthenticated",
        _value_sealer=_sealer(randomness),
    )


def _kafka_in(record: dict) -> tuple[str, Optional[bytes], Optional[bytes], Optional[list]]:
    headers = None if record.get("noHeaders") else [(h.get("name", ""), _opt(h, "value")) for h in record.get("headers", [])]
    return record.get("topic", ""), _opt(record, "key"), _opt(record, "value"), headers


def _kafka_out(topic: str, key: Optional[bytes], value: Optional[bytes], headers: Optional[list]) -> dict:
    out: dict[str, Any] = {"topic": topic}
    if key is not None:
        out["key"] = _b64(key)
    if value is not None:
        out["value"] = _b64(value)
    if headers is None:
        out["noHeaders"] = True
    else:
        out["headers"] = [{"name": n} if v is None else {"name": n, "value": _b64(v)} for n, v in headers]
    return {"kafkaRecord": out}


def kafka_write(req: dict) -> dict:
    """A producer's record: key, then value, one header list [KB-1]..[KB-13], [KB-20]."""
    b = _kafka_binding(req, req.get("randomness"))
    topic, key, value, headers = _kafka_in(req.get("input", {}))
    try:
        k, v, h = b.write_record(topic, key, value, headers)
    except BindingError as e:
        return _error(e)
    return _kafka_out(topic, k, v, h)


def kafka_read(req: dict) -> dict:
    """A consumer's record, the tombstone policy included [KB-12], [KB-14]..[KB-22]."""
    b = _kafka_binding(req, None)
    topic, key, value, headers = _kafka_in(req.get("record", {}))
    try:
        k, v, h = b.read_record(topic, key, value, headers)
    except BindingError as e:
        return _error(e)
    return _kafka_out(topic, k, v, h)


# ------------------------------------------------------------------------------------------- NATS


def _nats_recipients(held: dict[tuple[str, int], SymmetricKek], specs: list) -> list[SymmetricKek]:
    out = []
    for spec in specs:
        kind, _, key_id = str(spec).partition(":")
        if kind != "kek":
            raise ValueError(f"recipient {spec!r} is not supported by this testee")
        versions = [v for (k, v) in held if k == key_id]
        if not versions:
            raise ValueError(f"no key {key_id!r} in the request's keys")
        out.append(held[(key_id, max(versions))])
    return out


def _nats_binding(req: dict, randomness: Optional[dict]) -> NatsBinding:
    cfg = req.get("config", {})
    held = _symmetric(req.get("keys", {}))
    return NatsBinding(
        subjects={p: _nats_recipients(held, r) for p, r in cfg.get("subjects", {}).items()},
        keys=list(held.values()),
        plaintext_subjects=cfg.get("plaintextSubjects", []),
        consume_plaintext_subjects=cfg.get("consumePlaintextSubjects", []),
        secret_headers=cfg.get("secretHeaders") or None,
        authenticated_headers=cfg.get("authenticatedHeaders") or None,
        value_suite=cfg.get("valueSuite") or "AES_256_GCM",
        kv_buckets={b: _nats_recipients(held, r) for b, r in cfg.get("kvBuckets", {}).items()},
        _value_sealer=_sealer(randomness),
    )


def _nats_in(msg: dict) -> tuple[str, list[tuple[str, str]], bytes]:
    return msg.get("subject", ""), [(h.get("name", ""), h.get("value", "")) for h in msg.get("headers", [])], _unb64(msg.get("data"))


def _nats_out(msg: dict, data: bytes, headers: list) -> dict:
    return {
        "natsMessage": {
            "subject": msg.get("subject", ""),
            "replyTo": msg.get("replyTo", ""),
            "headers": [{"name": n, "value": v} for n, v in headers],
            "data": _b64(data),
        }
    }


def nats_seal(req: dict) -> dict:
    """Publish [NB-1]..[NB-13]."""
    b = _nats_binding(req, req.get("randomness"))
    msg = req.get("message", {})
    try:
        data, headers = b.seal(*_nats_in(msg))
    except BindingError as e:
        return _error(e)
    return _nats_out(msg, data, headers)


def nats_open(req: dict) -> dict:
    """Receive [NB-9], [NB-10], [NB-14]."""
    b = _nats_binding(req, None)
    msg = req.get("message", {})
    try:
        data, headers = b.open(*_nats_in(msg))
    except BindingError as e:
        return _error(e)
    return _nats_out(msg, data, headers)


def nats_kv_put(req: dict) -> dict:
    """Key-Value put: stored key and value [NB-15]..[NB-17]."""
    b = _nats_binding(req, req.get("randomness"))
    try:
        stored_key, stored_value = b.kv_put(req.get("bucket", ""), req.get("key", ""), _unb64(req.get("value")))
    except BindingError as e:
        return _error(e)
    return {"natsKvEntry": {"storedKey": stored_key, "storedValue": _b64(stored_value)}}


def nats_kv_read(req: dict) -> dict:
    """Key-Value read of a stored entry [NB-17]..[NB-20]."""
    b = _nats_binding(req, None)
    try:
        key, value = b.kv_read(req.get("bucket", ""), req.get("storedKey", ""), req.get("operation", ""), _unb64(req.get("storedValue")))
    except BindingError as e:
        return _error(e)
    entry: dict[str, Any] = {"key": key}
    if value is not None:
        entry["value"] = _b64(value)
    return {"natsKvEntry": entry}


HANDLERS = {
    "kafkaWrite": kafka_write,
    "kafkaRead": kafka_read,
    "natsSeal": nats_seal,
    "natsOpen": nats_open,
    "natsKvPut": nats_kv_put,
    "natsKvRead": nats_kv_read,
}
