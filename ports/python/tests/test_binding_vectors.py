"""The broker binding vectors (test-vectors/sealpost_kafka_binding_v1.json and
sealpost_nats_binding_v1.json) against the Python bindings, every test case its own test.

Kafka cases run twice: on :class:`sealpost.kafka.KafkaBinding` directly and through the
confluent-kafka serializer and deserializer (driven with the ``SerializationContext`` that
``SerializingProducer`` / ``SealpostConsumer`` make per record). NATS cases run on
:class:`sealpost.nats.NatsBinding`, the layer the nats-py wrapper calls. Missing vector files
fail; they are never skipped.
"""

from __future__ import annotations

from typing import Any, Optional

import pytest

from sealpost import SymmetricKek
from sealpost._testing import encrypt_fixed
from sealpost.bindings import BindingError
from sealpost.kafka import KafkaBinding, SealpostDeserializer, SealpostSerializer

from fixtures import load_vectors

KAFKA = load_vectors("sealpost_kafka_binding_v1.json")
NATS = load_vectors("sealpost_nats_binding_v1.json")


def _hex(v: Optional[str]) -> Optional[bytes]:
    return None if v is None else bytes.fromhex(v)


def _headers(hs: Optional[list[dict[str, Any]]]) -> Optional[list[tuple[str, Optional[bytes]]]]:
    return None if hs is None else [(h["name"], _hex(h["value"])) for h in hs]


def _symmetric(keys: dict[str, Any]) -> dict[tuple[str, int], SymmetricKek]:
    return {(k["keyId"], k["version"]): SymmetricKek(k["keyId"], k["version"], bytes.fromhex(k["key"])) for k in keys["symmetric"]}


def _kafka_binding(test: dict[str, Any]) -> KafkaBinding:
    cfg = test["config"]
    held = _symmetric(KAFKA["keys"])
    recipients = [held[(r["keyId"], r["version"])] for r in cfg["recipients"]]
    rnd = test.get("randomness")

    def sealer(topic, recips, suite, plaintext, context):  # the vector's first DEK and nonce base
        assert rnd is not None, "a randomized envelope in a test without randomness"
        return encrypt_fixed(plaintext, recips, suite=suite, external_context=context, dek=bytes.fromhex(rnd["dek"]), nonce=bytes.fromhex(rnd["nonce"]))

    return KafkaBinding(
        topics={t: recipients for t in cfg["encryptedTopics"]},
        keys=list(held.values()),
        plaintext_topics=cfg["plaintextTopics"],
        secret_headers=cfg["secretHeaders"],
        authenticated_headers=cfg["authenticatedHeaders"],
        key_mode=cfg["keyMode"],
        bind_key=cfg["bindKey"],
        value_suite=cfg["valueSuite"],
        store_topics=cfg["storeTopics"],
        tombstone_policy=cfg["tombstonePolicy"],
        _value_sealer=sealer,
    )


def _cases(doc: dict[str, Any], kind: str) -> list[Any]:
    return [pytest.param(t, id=f"tc{t['tcId']}") for g in doc["testGroups"] if g["type"] == kind for t in g["tests"]]


def test_kafka_vector_counts() -> None:
    tests = [t for g in KAFKA["testGroups"] for t in g["tests"]]
    assert len(tests) == KAFKA["numberOfTests"] == 48


def _confluent_write(b: KafkaBinding, topic: str, key, value, headers):
    from confluent_kafka.serialization import MessageField, SerializationContext

    ser = SealpostSerializer(b)
    ctx = SerializationContext(topic, MessageField.KEY, headers)
    k = ser(key, ctx)
    ctx.field = MessageField.VALUE
    v = ser(value, ctx)
    return k, v, headers


def _confluent_read(b: KafkaBinding, topic: str, key, value, headers):
    from confluent_kafka.serialization import MessageField, SerializationContext

    de = SealpostDeserializer(b)
    ctx = SerializationContext(topic, MessageField.KEY, headers)
    k = de(key, ctx)
    ctx.field = MessageField.VALUE
    v = de(value, ctx)
    return k, v, ctx.headers


def _write_cases() -> list[Any]:
    # The confluent-kafka clients always produce with a header list (sealpost.kafka's module
    # documentation says why), so the header-less call ([KB-9], input headers null) runs on the
    # binding only.
    out = []
    for p in _cases(KAFKA, "KafkaRecordWrite"):
        t = p.values[0]
        out.append(pytest.param(t, "binding", id=f"tc{t['tcId']}-binding"))
        if t["input"]["headers"] is not None:
            out.append(pytest.param(t, "confluent", id=f"tc{t['tcId']}-confluent"))
    return out


@pytest.mark.parametrize("test,via", _write_cases())
def test_kafka_write(test: dict[str, Any], via: str) -> None:
    b = _kafka_binding(test)
    inp = test["input"]
    headers = _headers(inp["headers"])
    args = (inp["topic"], _hex(inp["key"]), _hex(inp["value"]), headers)
    run = b.write_record if via == "binding" else (lambda *a: _confluent_write(b, *a))
    if test["result"] == "invalid":
        with pytest.raises(BindingError) as e:
            run(*args)
        assert e.value.reason == test["error"]
        return
    key, value, out_headers = run(*args)
    out = test["output"]
    assert key == _hex(out["key"])
    assert value == _hex(out["value"])
    assert out_headers == _headers(out["headers"])


@pytest.mark.parametrize("via", ["binding", "confluent"])
@pytest.mark.parametrize("test", _cases(KAFKA, "KafkaRecordRead"))
def test_kafka_read(test: dict[str, Any], via: str) -> None:
    b = _kafka_binding(test)
    rec = test["record"]
    args = (rec["topic"], _hex(rec["key"]), _hex(rec["value"]), _headers(rec["headers"]))
    run = b.read_record if via == "binding" else (lambda *a: _confluent_read(b, *a))
    if test["result"] == "invalid":
        with pytest.raises(BindingError) as e:
            run(*args)
        if test["error"] in ("secret-header-in-clear", "tombstone-dropped"):
            assert e.value.reason == test["error"]
        else:
            assert e.value.category.value == test["error"]
            assert e.value.part == test["part"]
        return
    key, value, headers = run(*args)
    exp = test["expected"]
    assert key == _hex(exp["key"])
    assert value == _hex(exp["value"])
    assert headers == _headers(exp["headers"])


# --- NATS ------------------------------------------------------------------------------------

from sealpost.nats import NatsBinding  # noqa: E402


def _nats_recipients(specs: list[str]) -> list[SymmetricKek]:
    held = _symmetric(NATS["keys"])
    out = []
    for spec in specs:
        kind, _, key_id = spec.partition(":")
        assert kind == "kek", spec
        version = max(v for (k, v) in held if k == key_id)
        out.append(held[(key_id, version)])
    return out


def _nats_binding(test: dict[str, Any]) -> NatsBinding:
    cfg = NATS["config"]
    rnd = test.get("randomness")

    def sealer(entry, recips, suite, plaintext, context):
        assert rnd is not None, "a randomized envelope in a test without randomness"
        return encrypt_fixed(plaintext, recips, suite=suite, external_context=context, dek=bytes.fromhex(rnd["dek"]), nonce=bytes.fromhex(rnd["nonce"]))

    return NatsBinding(
        subjects={p: _nats_recipients(r) for p, r in cfg["subjects"].items()},
        keys=list(_symmetric(NATS["keys"]).values()),
        plaintext_subjects=cfg["plaintextSubjects"],
        consume_plaintext_subjects=cfg["consumePlaintextSubjects"],
        secret_headers=cfg["secretHeaders"],
        authenticated_headers=cfg["authenticatedHeaders"],
        value_suite=cfg["valueSuite"],
        kv_buckets={b: _nats_recipients(r) for b, r in cfg["kvBuckets"].items()},
        _value_sealer=sealer,
    )


def _as_map(headers: list[Any]) -> dict[str, list[str]]:
    """Headers compare as a map from name to the list of its values (test-vectors/README.md)."""
    out: dict[str, list[str]] = {}
    for name, value in headers:
        out.setdefault(name, []).append(value)
    return out


def test_nats_vector_counts() -> None:
    tests = [t for g in NATS["testGroups"] for t in g["tests"]]
    assert len(tests) == NATS["numberOfTests"] == 55
    assert [len(g["tests"]) for g in NATS["testGroups"]] == [12, 28, 15]


def _nats_cases(kind: str) -> list[Any]:
    return [pytest.param(t, id=f"tc{t['tcId']}") for g in NATS["testGroups"] if g["type"] == kind for t in g["tests"]]


@pytest.mark.parametrize("test", _nats_cases("seal"))
def test_nats_seal(test: dict[str, Any]) -> None:
    b = _nats_binding(test)
    args = (test["subject"], [tuple(h) for h in test["headers"]], bytes.fromhex(test["data"]))
    if test["result"] == "invalid":
        with pytest.raises(BindingError) as e:
            b.seal(*args)
        assert (e.value.category.value, e.value.reason) == (test["error"], test["reason"])
        return
    data, headers = b.seal(*args)
    exp = test["expected"]
    assert data.hex() == exp["data"]
    assert _as_map(headers) == _as_map(exp["headers"])


@pytest.mark.parametrize("test", _nats_cases("open"))
def test_nats_open(test: dict[str, Any]) -> None:
    b = _nats_binding(test)
    args = (test["subject"], [tuple(h) for h in test["headers"]], bytes.fromhex(test["data"]))
    if test["result"] == "invalid":
        with pytest.raises(BindingError) as e:
            b.open(*args)
        assert (e.value.category.value, e.value.reason) == (test["error"], test["reason"])
        return
    data, headers = b.open(*args)
    exp = test["expected"]
    assert data.hex() == exp["data"]
    assert _as_map(headers) == _as_map(exp["headers"])


@pytest.mark.parametrize("test", _nats_cases("kv"))
def test_nats_kv(test: dict[str, Any]) -> None:
    b = _nats_binding(test)
    if test["op"] == "put":
        stored_key, stored_value = b.kv_put(test["bucket"], test["key"], bytes.fromhex(test["value"]))
        assert stored_key == test["expected"]["storedKey"]
        assert stored_value.hex() == test["expected"]["storedValue"]
        return
    args = (test["bucket"], test["storedKey"], test["operation"], bytes.fromhex(test["storedValue"]))
    if test["result"] == "invalid":
        with pytest.raises(BindingError) as e:
            b.kv_read(*args)
        assert (e.value.category.value, e.value.reason) == (test["error"], test["reason"])
        return
    key, value = b.kv_read(*args)
    exp = test["expected"]
    assert key == exp["key"]
    assert (None if value is None else value.hex()) == exp["value"]
