"""Cross-language, cross-broker proof (issue 12, section 4), against real servers:

* Java producer -> Kafka -> Python consumer, and Python producer -> Kafka -> Java consumer, with
  record keys (encrypted), a null key, secret headers, authenticated clear headers, other clear
  headers and an authenticated tombstone;
* Java publisher -> NATS JetStream -> Python pull subscriber, and the reverse;
* the same message through both brokers: an envelope made for a Kafka topic and one made for a
  NATS subject, with the same keys, DEK and nonce, are equal except for the AEAD tag, which
  authenticates the external context, the one thing the bindings make different.

Both sides read one keyring file, written here and loaded by ``sealpost.keys`` and by the Java
adapters' ``sealpost.keyring.path``. Expected values are the records as sent.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from pathlib import Path
from typing import Any, Optional

import pytest

from sealpost import keys
from sealpost._testing import encrypt_fixed
from sealpost.bindings import encode_headers, sha256_hex
from sealpost.envelope import decrypt, is_envelope
from sealpost.errors import SealpostError
from sealpost.kafka import TOMBSTONE_HEADER, KafkaBinding, SealpostConsumer, SealpostProducer
from sealpost.nats import NatsBinding, SealpostNats

pytestmark = pytest.mark.integration

SECRET = "x-pii-.*|authorization"
AUTH = "approved-by|x-tenant"

Header = tuple[str, Optional[bytes]]
Record = tuple[str, Optional[bytes], Optional[bytes], list[Header]]


@pytest.fixture(scope="module")
def keyring_path(workdir: Path) -> Path:
    path = workdir / "interop.keyring"
    lines = ["sealpost-keyring v1"]
    for key_id in ("orders", "payments"):
        lines.append(f"key {key_id} 1 {base64.b64encode(os.urandom(32)).decode()}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def _props(path: Path, entries: dict[str, str]) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in entries.items()))
    return path


# --- the driver's line format (see InteropDriver) -------------------------------------------


def _hex(b: Optional[bytes]) -> str:
    return "-" if b is None else b.hex()


def _unhex(s: str) -> Optional[bytes]:
    return None if s == "-" else bytes.fromhex(s)


def to_line(name: str, key: Optional[bytes], value: Optional[bytes], headers: list[Header]) -> str:
    hs = ",".join(f"{n.encode().hex()}:{_hex(v)}" for n, v in headers)
    return f"{name.encode().hex()}\t{_hex(key)}\t{_hex(value)}\t{hs}"


def from_line(line: str) -> Record:
    name, key, value, hs = line.split("\t")
    headers = []
    for h in filter(None, hs.split(",")):
        n, v = h.split(":", 1)
        headers.append((bytes.fromhex(n).decode(), _unhex(v)))
    return bytes.fromhex(name).decode(), _unhex(key), _unhex(value), headers


# --- Kafka -------------------------------------------------------------------------------------


def _records(topic: str, who: str) -> list[Record]:
    """Records as the application sends them; headers in record order."""
    return [
        (topic, b"alice", f"limit=10 from {who}".encode(), [("trace", b"t-1"), ("x-pii-ssn", b"078-05-1120"), ("approved-by", b"auditor-7")]),
        (topic, b"bob", b'{"n":1}', [("Authorization", b"Bearer x"), ("x-tenant", b"acme"), ("approved-by", b"auditor-8")]),
        (topic, None, b"no key", [("approved-by", b"a"), ("X-PII-Name", b"Ada")]),
        (topic, b"carol", b"", []),
        (topic, b"alice", None, []),  # tombstone: the writer attaches an authenticator
    ]


def _expected_read(rec: Record) -> Record:
    """What a reader delivers: clear headers in order, then the secret ones."""
    topic, key, value, headers = rec
    secret = [h for h in headers if h[0].lower().startswith("x-pii-") or h[0].lower() == "authorization"]
    clear = [h for h in headers if h not in secret]
    return topic, key, value, clear + secret


def _without_tombstone_value(rec: Record) -> Record:
    topic, key, value, headers = rec
    return topic, key, value, [(n, b"<authenticator>" if n == TOMBSTONE_HEADER else v) for n, v in headers]


def _kafka_java_props(workdir: Path, keyring: Path, topic: str) -> Path:
    return _props(workdir / f"kafka-{topic}.properties", {
        "sealpost.keyring.path": str(keyring),
        f"sealpost.topic.{topic}": "kek:orders",
        "sealpost.secret.headers": SECRET,
        "sealpost.authenticated.headers": AUTH,
    })


def _kafka_binding(keyring: Path, topic: str, **extra: Any) -> KafkaBinding:
    ring = keys.load_keyring(keyring)
    return KafkaBinding(topics={topic: [ring.current("orders")]}, keys=ring.reader_keys(), secret_headers=SECRET, authenticated_headers=AUTH, **extra)


def _create_topics(bootstrap: str, *topics: str) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    deadline = time.monotonic() + 60
    while True:
        futures = admin.create_topics([NewTopic(t, 1, 1) for t in topics])
        try:
            for f in futures.values():
                f.result(15)
            return
        except Exception as e:  # broker still starting: retry until the deadline
            if "TOPIC_ALREADY_EXISTS" in str(e) or time.monotonic() > deadline:
                if "TOPIC_ALREADY_EXISTS" in str(e):
                    return
                raise
            time.sleep(0.5)


def _consume_python(bootstrap: str, binding: KafkaBinding, topic: str, count: int) -> list[Record]:
    consumer = SealpostConsumer({"bootstrap.servers": bootstrap, "group.id": f"py-{topic}", "auto.offset.reset": "earliest"}, binding)
    consumer.subscribe([topic])
    out: list[Record] = []
    deadline = time.monotonic() + 60
    try:
        while len(out) < count and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            assert msg.error() is None, msg.error()
            out.append((msg.topic(), msg.key(), msg.value(), list(msg.headers() or [])))
    finally:
        consumer.close()
    assert len(out) == count, f"received {len(out)} of {count} records"
    return out


def _raw_records(bootstrap: str, topic: str, count: int) -> list[Any]:
    from confluent_kafka import Consumer

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"raw-{topic}-{time.monotonic_ns()}", "auto.offset.reset": "earliest"})
    c.subscribe([topic])
    out: list[Any] = []
    deadline = time.monotonic() + 60
    try:
        while len(out) < count and time.monotonic() < deadline:
            m = c.poll(1.0)
            if m is not None and m.error() is None:
                out.append(m)
    finally:
        c.close()
    assert len(out) == count
    return out


def _assert_stored_encrypted(raw: list[Any], sent: list[Record]) -> None:
    for m, (_, key, value, headers) in zip(raw, sent):
        if key is not None:
            assert is_envelope(m.key()) and key not in m.key()
        if value is not None:
            assert is_envelope(m.value())
        stored_names = [n.lower() for n, _ in (m.headers() or [])]
        assert not any(n.startswith("x-pii-") or n == "authorization" for n in stored_names)
        for n, v in headers:
            if (n.lower().startswith("x-pii-") or n.lower() == "authorization") and v:
                assert all(v not in (hv or b"") for _, hv in (m.headers() or []))
                assert v not in m.value()


def _scan(directory: Path, present: bytes, absent: list[bytes]) -> None:
    """The servers' storage: ``present`` (bytes known to be stored, so the scan is not vacuous)
    is found, and no plaintext of ``absent`` is."""
    blobs = [p.read_bytes() for p in directory.rglob("*") if p.is_file()]
    assert any(present in b for b in blobs), f"{present[:16].hex()}... not found under {directory}"
    for secret in absent:
        assert not any(secret in b for b in blobs), f"plaintext {secret!r} stored under {directory}"


def test_java_producer_kafka_python_consumer(java_side, kafka_bootstrap, workdir, keyring_path) -> None:
    topic = "orders-j2p"
    _create_topics(kafka_bootstrap, topic)
    sent = _records(topic, "java")
    lines = java_side.run("kafka-produce", kafka_bootstrap, str(_kafka_java_props(workdir, keyring_path, topic)),
                          stdin="\n".join(to_line(*r) for r in sent) + "\n")
    assert lines[-1] == f"produced {len(sent)}"
    _assert_stored_encrypted(_raw_records(kafka_bootstrap, topic, len(sent)), sent)
    got = _consume_python(kafka_bootstrap, _kafka_binding(keyring_path, topic), topic, len(sent))
    expected = [_expected_read(r) for r in sent]
    expected[-1] = (topic, b"alice", None, [(TOMBSTONE_HEADER, b"<authenticator>")])  # authenticated: kept
    assert [_without_tombstone_value(r) for r in got] == expected


def test_python_producer_kafka_java_consumer(java_side, kafka_bootstrap, workdir, keyring_path) -> None:
    topic = "orders-p2j"
    _create_topics(kafka_bootstrap, topic)
    sent = _records(topic, "python")
    producer = SealpostProducer({"bootstrap.servers": kafka_bootstrap, "acks": "all"}, _kafka_binding(keyring_path, topic))
    for t, key, value, headers in sent:
        producer.produce(t, key, value, headers=list(headers))
    assert producer.flush(30) == 0
    raw = _raw_records(kafka_bootstrap, topic, len(sent))
    _assert_stored_encrypted(raw, sent)
    _scan(workdir / "kafka" / "data", raw[0].value(), [b"limit=10 from python", b"078-05-1120", b"Bearer x", b'{"n":1}'])
    lines = java_side.run("kafka-consume", kafka_bootstrap, str(_kafka_java_props(workdir, keyring_path, topic)), topic, str(len(sent)))
    got = [from_line(line) for line in lines]
    expected = [_expected_read(r) for r in sent]
    expected[-1] = (topic, b"alice", None, [(TOMBSTONE_HEADER, b"<authenticator>")])
    assert [_without_tombstone_value(r) for r in got] == expected


# --- NATS --------------------------------------------------------------------------------------


def _nats_java_props(workdir: Path, keyring: Path) -> Path:
    return _props(workdir / "nats.properties", {
        "sealpost.keyring.path": str(keyring),
        "sealpost.subject.orders.*": "kek:orders",
        "sealpost.secret.headers": SECRET,
        "sealpost.authenticated.headers": AUTH,
    })


def _nats_binding(keyring: Path, **extra: Any) -> NatsBinding:
    ring = keys.load_keyring(keyring)
    return NatsBinding(subjects={"orders.*": [ring.current("orders")]}, keys=ring.reader_keys(), secret_headers=SECRET, authenticated_headers=AUTH, **extra)


NATS_MESSAGES = [
    ("hello, interop", {"x-tenant": "acme", "x-pii-name": "Ada Lovelace", "trace-id": "7f3a"}),
    ("", {}),
    ("second message body", {"Authorization": "Bearer t0k3n", "approved-by": "auditor-7"}),
]


async def _with_stream(url: str, stream: str, subject: str, body) -> Any:
    import nats

    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        await js.add_stream(name=stream, subjects=[subject])
        return await body(nc)
    finally:
        await nc.close()


def _is_secret(name: str) -> bool:
    return name.lower().startswith("x-pii-") or name.lower() == "authorization"


def test_java_publisher_nats_python_subscriber(java_side, nats_url, workdir, keyring_path) -> None:
    subject = "orders.j2p"
    sent = [(subject, None, data.encode(), [(n, v.encode()) for n, v in hs.items()]) for data, hs in NATS_MESSAGES]

    async def body(nc):
        lines = await asyncio.to_thread(java_side.run, "nats-publish", nats_url, str(_nats_java_props(workdir, keyring_path)),
                                        stdin="\n".join(to_line(*m) for m in sent) + "\n")
        assert lines[-1] == f"published {len(sent)}"
        raw = await (await nc.jetstream().pull_subscribe(subject, "raw")).fetch(len(sent), timeout=10)
        for m, (_, _, data, hs) in zip(raw, sent):
            assert is_envelope(m.data)
            assert not any(_is_secret(n) for n in (m.headers or {}))
            for n, v in hs:
                if _is_secret(n):
                    assert v not in m.data
        sub = await SealpostNats(nc, _nats_binding(keyring_path)).pull_subscribe(subject, "py")
        return await sub.fetch(len(sent), timeout=10)

    got = asyncio.run(_with_stream(nats_url, "J2P", subject, body))
    assert [(m.subject, m.data, m.headers or {}) for m in got] == [(subject, data.encode(), hs) for data, hs in NATS_MESSAGES]


def test_python_publisher_nats_java_subscriber(java_side, nats_url, workdir, keyring_path) -> None:
    subject = "orders.p2j"

    async def body(nc):
        client = SealpostNats(nc, _nats_binding(keyring_path))
        for data, hs in NATS_MESSAGES:
            ack = await client.js_publish(subject, data.encode(), headers=dict(hs) or None)
            assert ack.stream == "P2J"
        first = (await (await nc.jetstream().pull_subscribe(subject, "raw")).fetch(1, timeout=10))[0]
        _scan(workdir / "jetstream", first.data, [b"Ada Lovelace", b"Bearer t0k3n", b"hello, interop", b"second message body"])
        return await asyncio.to_thread(java_side.run, "nats-consume", nats_url, str(_nats_java_props(workdir, keyring_path)), subject, str(len(NATS_MESSAGES)))

    lines = asyncio.run(_with_stream(nats_url, "P2J", subject, body))
    got = [from_line(line) for line in lines]
    expected = [(subject, None, data.encode(), sorted((n, v.encode()) for n, v in hs.items())) for data, hs in NATS_MESSAGES]
    assert [(s, k, d, sorted(h)) for s, k, d, h in got] == expected


# --- the same message through both brokers -----------------------------------------------------


def test_same_message_through_kafka_and_nats(java_side, kafka_bootstrap, nats_url, workdir, keyring_path) -> None:
    """One message, one DEK and nonce (a test hook: never reuse them outside tests), sealed once
    for a Kafka topic and once for a NATS subject. The stored bytes, read back raw from each
    broker, are equal but for the 16-byte tag: same envelope header (suite, recipient, wrapped
    DEK, commitment, nonce) and same ciphertext, hence the same inner framing; only the external
    context differs, as the bindings say. Each opens only under its own binding's context, and
    the Java adapters open both."""
    topic, subject = "orders-both", "orders.both"
    dek, nonce = os.urandom(32), os.urandom(12)
    contexts: dict[str, dict[str, str]] = {}

    def sealer(where, recipients, suite, plaintext, context):
        contexts[where] = dict(context)
        return encrypt_fixed(plaintext, recipients, suite=suite, external_context=context, dek=dek, nonce=nonce)

    data = b'{"order":42}'
    headers = {"x-tenant": "acme", "x-pii-name": "Ada"}

    _create_topics(kafka_bootstrap, topic)
    producer = SealpostProducer({"bootstrap.servers": kafka_bootstrap, "acks": "all"},
                                _kafka_binding(keyring_path, topic, _value_sealer=sealer))
    producer.produce(topic, None, data, headers=list((n, v.encode()) for n, v in headers.items()))
    assert producer.flush(30) == 0
    kafka_raw = _raw_records(kafka_bootstrap, topic, 1)[0]

    async def body(nc):
        await SealpostNats(nc, _nats_binding(keyring_path, _value_sealer=sealer)).js_publish(subject, data, headers=headers)
        return (await (await nc.jetstream().pull_subscribe(subject, "raw")).fetch(1, timeout=10))[0]

    nats_raw = asyncio.run(_with_stream(nats_url, "BOTH", subject, body))
    k_env, n_env = kafka_raw.value(), nats_raw.data
    assert len(k_env) == len(n_env)
    assert k_env[:-16] == n_env[:-16]  # header, ciphertext: the framing and format are the same
    assert k_env[-16:] != n_env[-16:]  # the tag: the external contexts differ

    kctx, nctx = contexts[topic], contexts["orders.*"]
    digest = sha256_hex(encode_headers([("x-tenant", b"acme")]))
    assert kctx == {"kafka.topic": topic, "kafka.record.part": "value", "kafka.record.key-sha256": "null", "kafka.record.headers-sha256": digest}
    assert nctx == {"nats.subject": subject, "nats.part": "data", "nats.headers-sha256": digest}
    ring = keys.load_keyring(keyring_path).reader_keys()
    assert decrypt(k_env, ring, external_context=kctx) == decrypt(n_env, ring, external_context=nctx)
    for env, wrong in ((k_env, nctx), (n_env, kctx)):
        with pytest.raises(SealpostError):
            decrypt(env, ring, external_context=wrong)

    k_lines = java_side.run("kafka-consume", kafka_bootstrap, str(_kafka_java_props(workdir, keyring_path, topic)), topic, "1")
    n_lines = java_side.run("nats-consume", nats_url, str(_nats_java_props(workdir, keyring_path)), subject, "1")
    (_, _, k_data, k_headers), (_, _, n_data, n_headers) = from_line(k_lines[0]), from_line(n_lines[0])
    assert k_data == n_data == data
    assert sorted(k_headers) == sorted(n_headers) == [("x-pii-name", b"Ada"), ("x-tenant", b"acme")]


# --- the nats-py wrapper on its own: core NATS and Key-Value on the real server ------------------


def test_python_nats_core_and_key_value(nats_url, keyring_path) -> None:
    import nats

    ring = keys.load_keyring(keyring_path)

    async def body():
        nc = await nats.connect(nats_url)
        try:
            binding = _nats_binding(keyring_path, kv_buckets={"profiles": [ring.current("payments")]})
            client = SealpostNats(nc, binding)
            raw_sub = await nc.subscribe("orders.core")
            sub = await nc.subscribe("orders.core")
            await client.publish("orders.core", b"core data", headers={"x-pii-name": "Ada", "x-tenant": "acme"})
            raw = await raw_sub.next_msg(5)
            assert is_envelope(raw.data) and b"Ada" not in raw.data and raw.headers == {"x-tenant": "acme"}
            opened = await client.next_msg(sub, 5)
            assert (opened.data, opened.headers) == (b"core data", {"x-tenant": "acme", "x-pii-name": "Ada"})
            await nc.publish("orders.core", b"plaintext")  # fail closed ([NB-14])
            from sealpost.bindings import BindingError

            with pytest.raises(BindingError) as e:
                await client.next_msg(sub, 5)
            assert e.value.reason == "plaintext-rejected"

            await nc.jetstream().create_key_value(bucket="profiles")
            kv = await client.key_value("profiles")
            await kv.put("user.42", b'{"name":"Ada"}')
            await kv.put("user.43", b'{"name":"Grace"}')
            assert await kv.get("user.42") == b'{"name":"Ada"}'
            assert sorted(await kv.keys()) == ["user.42", "user.43"]
            stored = await kv.kv.keys()
            assert all(is_envelope(base64.urlsafe_b64decode(k + "=" * (-len(k) % 4))) for k in stored)
            assert "user.42" not in stored
            await kv.delete("user.43")
            assert await kv.keys() == ["user.42"]
        finally:
            await nc.close()

    asyncio.run(body())


def test_key_value_between_java_and_python(java_side, nats_url, workdir, keyring_path) -> None:
    """Key-Value entries written by each side are listed and read by the other: the stored
    keys (deterministic envelopes, base64url) and values are the same binding on both."""
    import nats

    ring = keys.load_keyring(keyring_path)
    props = _props(workdir / "kv.properties", {
        "sealpost.keyring.path": str(keyring_path),
        "sealpost.kv.bucket.prefs": "kek:payments",
    })
    from_python = {"user.1": b'{"theme":"dark"}', "k\u00e9y/2": b"python value"}
    from_java = {"user.3": b"java value", "user.1": b'{"theme":"light"}'}  # overwrites a Python key

    async def body():
        nc = await nats.connect(nats_url)
        try:
            await nc.jetstream().create_key_value(bucket="prefs")
            kv = await SealpostNats(nc, NatsBinding(keys=ring.reader_keys(), kv_buckets={"prefs": [ring.current("payments")]})).key_value("prefs")
            for k, v in from_python.items():
                await kv.put(k, v)
            lines = await asyncio.to_thread(java_side.run, "kv-put", nats_url, str(props), "prefs",
                                            stdin="".join(to_line(k, None, v, []) + "\n" for k, v in from_java.items()))
            assert lines[-1] == f"put {len(from_java)}"
            return {k: await kv.get(k) for k in await kv.keys()}
        finally:
            await nc.close()

    seen_by_python = asyncio.run(body())
    expected = {**from_python, **from_java}
    assert seen_by_python == expected
    seen_by_java = {name: value for name, _, value, _ in map(from_line, java_side.run("kv-get", nats_url, str(props), "prefs"))}
    assert seen_by_java == expected
