"""The confluent-kafka serializer and deserializer beyond the binding vectors: the key digest
hand-over through the per-record SerializationContext ([KB-16]), fail-closed refusals, and the
application's headers object changed in place. No broker needed."""

from __future__ import annotations

import os

import pytest
from confluent_kafka.serialization import MessageField, SerializationContext, StringDeserializer, StringSerializer

from sealpost import SymmetricKek, is_envelope
from sealpost.bindings import BindingError
from sealpost.kafka import TOMBSTONE_HEADER, KafkaBinding, SealpostDeserializer, SealpostSerializer

KEK = SymmetricKek("orders", 1, os.urandom(32))


def binding(**kw) -> KafkaBinding:
    return KafkaBinding(topics={"orders": [KEK]}, keys=[KEK], plaintext_topics=["metrics"], secret_headers="x-pii-.*", authenticated_headers="x-tenant", **kw)


def produce(b: KafkaBinding, topic: str, key, value, headers):
    ser_k, ser_v = SealpostSerializer(b, StringSerializer()), SealpostSerializer(b, StringSerializer())
    ctx = SerializationContext(topic, MessageField.KEY, headers)
    k = ser_k(key, ctx)
    ctx.field = MessageField.VALUE
    return k, ser_v(value, ctx)


def consume(b: KafkaBinding, topic: str, key, value, headers):
    de_k, de_v = SealpostDeserializer(b, StringDeserializer()), SealpostDeserializer(b, StringDeserializer())
    ctx = SerializationContext(topic, MessageField.KEY, headers)
    k = de_k(key, ctx)
    ctx.field = MessageField.VALUE
    return k, de_v(value, ctx), ctx.headers


def test_round_trip_and_headers_changed_in_place() -> None:
    b = binding()
    headers = [("x-tenant", b"acme"), ("X-PII-Name", "Ada"), ("trace", None)]
    same_list = headers
    k, v = produce(b, "orders", "alice", "limit=10", headers)
    assert headers is same_list and headers == [("x-tenant", b"acme"), ("trace", None)]  # secret one moved out
    assert is_envelope(k) and is_envelope(v) and b"Ada" not in v
    assert consume(b, "orders", k, v, list(headers)) == ("alice", "limit=10", [("x-tenant", b"acme"), ("trace", None), ("X-PII-Name", b"Ada")])


def test_dict_headers_changed_in_place() -> None:
    headers = {"x-tenant": b"acme", "x-pii-a": b"1"}
    produce(binding(), "orders", "k", "v", headers)
    assert headers == {"x-tenant": b"acme"}


def test_value_without_key_call_fails_closed() -> None:
    """A value serialized with a context that did not go through the key serializer has no key
    digest: refused, not bound without it ([KB-16])."""
    ctx = SerializationContext("orders", MessageField.VALUE, [])
    with pytest.raises(BindingError) as e:
        SealpostSerializer(binding())(b"v", ctx)
    assert e.value.reason == "no-key-digest"
    k_ctx = SerializationContext("orders", MessageField.VALUE, [])
    with pytest.raises(BindingError):
        SealpostDeserializer(binding())(b"\xf7SP\x01", k_ctx)


def test_key_digest_does_not_leak_to_the_next_record() -> None:
    b = binding()
    ser = SealpostSerializer(b)
    ctx = SerializationContext("orders", MessageField.KEY, [])
    ser(b"alice", ctx)
    ctx.field = MessageField.VALUE
    ser(b"v", ctx)
    with pytest.raises(BindingError):
        ser(b"again", ctx)  # the slot was taken by the first value


def test_value_with_another_key_fails() -> None:
    b = binding()
    _, v = produce(b, "orders", "alice", "x", [])
    k_bob, _ = produce(b, "orders", "bob", "y", [])
    with pytest.raises(BindingError) as e:
        consume(b, "orders", k_bob, v, [])
    assert (e.value.category.value, e.value.part) == ("authentication-failed", "value")


def test_unmapped_topic_and_secret_on_plaintext_are_refused() -> None:
    with pytest.raises(BindingError) as e:
        produce(binding(), "inventory", "k", "v", [])
    assert e.value.reason == "no-key-for-topic"
    with pytest.raises(BindingError) as e:
        produce(binding(), "metrics", "k", "v", [("x-pii-a", b"1")])
    assert e.value.reason == "secret-header-without-envelope"


def test_tombstone_needs_a_header_list() -> None:
    with pytest.raises(BindingError) as e:
        produce(binding(), "orders", "k", None, None)
    assert e.value.reason == "headers-not-mutable"
    headers: list = [(TOMBSTONE_HEADER, b"old")]
    k, v = produce(binding(), "orders", "k", None, headers)
    assert v is None and len(headers) == 1 and headers[0][1] != b"old" and is_envelope(headers[0][1])
    assert consume(binding(), "orders", k, None, list(headers))[:2] == ("k", None)


def test_immutable_headers_with_secret_are_refused() -> None:
    with pytest.raises(BindingError) as e:
        produce(binding(), "orders", "k", "v", (("x-pii-a", b"1"),))
    assert e.value.reason == "headers-not-mutable"


def test_plaintext_on_encrypted_topic_is_refused() -> None:
    b = binding()
    k, _ = produce(b, "orders", "k", "v", [])
    with pytest.raises(BindingError) as e:
        consume(b, "orders", k, b"forged", [])
    assert (e.value.category.value, e.value.part) == ("not-an-envelope", "value")


def test_topic_patterns_after_exact_topics() -> None:
    other = SymmetricKek("eu", 1, os.urandom(32))
    b = KafkaBinding(topics={"orders": [KEK]}, topic_patterns=[("orders-.*", [other])], keys=[KEK, other], plaintext_topics=["orders-public"])
    _, v = produce(b, "orders-eu", "k", "v", [])
    assert sealpost_entries(v) == [b"eu"]
    _, v = produce(b, "orders", "k", "v", [])
    assert sealpost_entries(v) == [b"orders"]
    assert produce(b, "orders-public", "k", "v", [])[1] == b"v"  # plaintext named exactly wins


def sealpost_entries(envelope: bytes) -> list[bytes]:
    from sealpost import inspect

    return [r.key_id for r in inspect(envelope).recipients]


def test_null_from_inner_serializer_is_refused() -> None:
    b = binding()
    ser = SealpostSerializer(b, lambda obj, ctx: None)
    ctx = SerializationContext("orders", MessageField.KEY, [])
    with pytest.raises(BindingError) as e:
        ser("k", ctx)
    assert (e.value.reason, e.value.part) == ("null-from-serializer", "key")
    ctx = SerializationContext("orders", MessageField.KEY, [])
    SealpostSerializer(b)(b"k", ctx)
    ctx.field = MessageField.VALUE
    with pytest.raises(BindingError) as e:
        ser("v", ctx)
    assert (e.value.reason, e.value.part) == ("null-from-serializer", "value")
