"""The Kafka record binding (docs/bindings/kafka.md, [KB-n]) and a client for ``confluent-kafka``.

Two layers:

* :class:`KafkaBinding`: the binding itself, on plain values (topic, key bytes, value bytes,
  a list of ``(name, bytes | None)`` headers). :meth:`KafkaBinding.write_record` and
  :meth:`KafkaBinding.read_record` protect and open whole records; the key and value halves
  are separate methods for serializers. No broker client is needed; the binding vectors
  (``test-vectors/sealpost_kafka_binding_v1.json``) run against this layer.
* :class:`SealpostSerializer` / :class:`SealpostDeserializer` (``confluent_kafka``
  ``Serializer`` / ``Deserializer``), and :class:`SealpostProducer` / :class:`SealpostConsumer`,
  which wire them into a producer and a consumer (install the ``kafka`` extra).

Key digest hand-over ([KB-16]). The value envelope is bound to ``hex(SHA-256(key))`` of the
record key as stored. The Java adapter passes it from the key serializer to the value
serializer through a per-thread slot keyed by the record's headers object. In confluent-kafka,
``SerializingProducer.produce()`` makes one ``SerializationContext`` per record and passes that
same object to the key serializer and then to the value serializer; ``DeserializingConsumer``
and :class:`SealpostConsumer` do the same per polled record, key first. The key half stores the
digest on that context object and the value half takes it from there (and removes it), so the
digest never comes from the record's headers or any other field a broker could set, and never
crosses from one record to another. A value call whose context carries no digest, while key
binding is on, fails: it means the key did not go through the Sealpost serializer.

Headers. Secret headers are moved out of the record by changing the headers object the
application passed to ``produce()`` in place (a list of tuples, or a dict), and restored on the
consumer side by appending to the context's header list. ``DeserializingConsumer`` hands
deserializers a copy of the message's headers and never writes it back, so restored secret
headers would be lost there: use :class:`SealpostConsumer`, which sets them on the message.
The Kafka consumer reports a record without headers as ``None``; a Java producer binds such a
record with its (empty) header list, so both clients here treat ``None`` as an empty list and
always use the record context of [KB-4]; the header-less context of [KB-9] is for state-store
topics (``store_topics``) and for direct calls with ``headers=None`` on :class:`KafkaBinding`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Callable, Optional, Union

from . import envelope as _envelope
from .bindings import (
    EMPTY_SHA256,
    BindingError,
    HeaderSelector,
    encode_headers,
    frame,
    parse_frame,
    same_name,
    sha256_hex,
)
from .errors import ErrorCategory, SealpostError
from .header import MAX_PLAINTEXT_LENGTH
from .recipients import DecryptionKey, Recipient, SymmetricKek
from . import compression as _compression
from .compression import Compression
from .suites import Suite

__all__ = [
    "KafkaBinding",
    "SealpostSerializer",
    "SealpostDeserializer",
    "SealpostProducer",
    "SealpostConsumer",
    "TOMBSTONE_HEADER",
]

TOMBSTONE_HEADER = "sealpost.tombstone"
Header = tuple[str, Optional[bytes]]
HeaderList = list[Header]

# The context slot that carries the key digest from the key half to the value half ([KB-16]).
_KEY_DIGEST_SLOT = "_sealpost_key_sha256"

ValueSealer = Callable[[str, Sequence[Recipient], Suite, bytes, Mapping[str, str]], bytes]


def _is_envelope(data: Optional[bytes]) -> bool:
    return data is not None and _envelope.is_envelope(data)


class KafkaBinding:
    """Configuration shared by the writers and readers of a set of topics ([KB-n]).

    ``topics`` maps each encrypted topic to its recipients (the value recipients; record keys
    are encrypted for the symmetric ones, [KB-2]). ``keys`` are the reader's keys.
    ``topic_patterns`` are ``(regex, recipients)`` pairs matched against whole topic names,
    tried in order after the exact topics. ``plaintext_topics`` may carry plaintext; any other
    topic is refused by writers and read strictly. ``secret_headers`` / ``authenticated_headers`` are regular expressions matched
    against whole header names, case-insensitively. ``key_mode`` is ``"encrypt"`` or
    ``"clear"``; ``bind_key=False`` drops the key digest from value contexts ([KB-8]);
    ``store_topics`` is a pattern of state-store topics bound to topic and part only ([KB-9]);
    ``tombstone_policy`` is ``"drop-unauthenticated"`` or ``"accept"`` ([KB-12]).
    ``compression_topics`` and ``compression_pattern`` (a regex matched against whole topic
    names) name the topics whose values are compressed inside the envelope (SPEC.md section 18)
    with ``compression`` (``"zstd"`` or ``"lz4"``); nothing is compressed unless named there
    ([CMP-1]). Compression reveals information about the value through the envelope's length:
    never name a topic whose records mix secrets with data others choose ([CMP-7]).
    """

    def __init__(
        self,
        *,
        topics: Optional[Mapping[str, Sequence[Recipient]]] = None,
        keys: Iterable[Union[DecryptionKey, Recipient]] = (),
        plaintext_topics: Iterable[str] = (),
        topic_patterns: Sequence[tuple[str, Sequence[Recipient]]] = (),
        secret_headers: Optional[str] = None,
        authenticated_headers: Optional[str] = None,
        key_mode: str = "encrypt",
        bind_key: bool = True,
        value_suite: Union[Suite, str] = Suite.AES_256_GCM,
        store_topics: Optional[str] = None,
        tombstone_policy: str = "drop-unauthenticated",
        max_plaintext_length: int = MAX_PLAINTEXT_LENGTH,
        compression_topics: Iterable[str] = (),
        compression_pattern: Optional[str] = None,
        compression: str = "zstd",
        _value_sealer: Optional[ValueSealer] = None,
    ) -> None:
        self._compress_topics = frozenset(compression_topics)
        self._compress_pattern = re.compile(compression_pattern) if compression_pattern else None
        self._compression = Compression.of(compression)
        if self._compression is Compression.NONE:
            raise ValueError("compression must be 'zstd' or 'lz4'")
        if self._compress_topics or self._compress_pattern is not None:
            _compression.require(self._compression)  # a missing compressor fails here, not per record
        if key_mode not in ("encrypt", "clear"):
            raise ValueError("key_mode must be 'encrypt' or 'clear'")
        if tombstone_policy not in ("drop-unauthenticated", "accept"):
            raise ValueError("tombstone_policy must be 'drop-unauthenticated' or 'accept'")
        self._topics = {t: list(r) for t, r in (topics or {}).items()}
        self._patterns = [(re.compile(p), list(r)) for p, r in topic_patterns]
        self._plaintext = frozenset(plaintext_topics)
        overlap = self._plaintext & self._topics.keys()
        if overlap:
            raise ValueError(f"topics both encrypted and plaintext: {sorted(overlap)}")
        self._keys = list(keys)
        self._decryptor: Optional[_envelope.Decryptor] = None
        self._headers = HeaderSelector(secret_headers, authenticated_headers)
        self.key_mode = key_mode
        self.bind_key = bind_key
        self._suite = Suite[value_suite] if isinstance(value_suite, str) else Suite(value_suite)
        if self._suite.deterministic:
            raise ValueError("values need a randomized suite ([KB-1])")
        self._store = re.compile(store_topics) if store_topics else None
        self.tombstone_policy = tombstone_policy
        self._max = max_plaintext_length
        self._encryptors: dict[str, _envelope.Encryptor] = {}
        self._sealer = _value_sealer

    def _reader(self) -> "_envelope.Decryptor":
        """One reader for every record: envelopes under one DEK cost one unwrap and one header
        parse (its key cache), each still checked as SPEC.md section 11 says."""
        d = self._decryptor
        if d is None:
            d = self._decryptor = _envelope.Decryptor(self._keys, max_plaintext_length=self._max)
        return d

    # ---- configuration lookups ------------------------------------------------------------

    def is_store_topic(self, topic: str) -> bool:
        return self._store is not None and self._store.fullmatch(topic) is not None

    def _recipients(self, topic: str) -> Optional[list[Recipient]]:
        """The writer's recipients: an exact topic first, then the patterns in their order
        (as the Java adapter's ``sealpost.topic.*`` and ``sealpost.rule.*``)."""
        r = self._topics.get(topic)
        if r is None and topic not in self._plaintext:
            r = next((rs for p, rs in self._patterns if p.fullmatch(topic) is not None), None)
        return r

    def is_encrypted_topic(self, topic: str) -> bool:
        return self._recipients(topic) is not None

    def _require_topic(self, topic: str, part: str) -> list[Recipient]:
        r = self._recipients(topic)
        if r is None:
            raise BindingError(
                ErrorCategory.NO_MATCHING_KEY, "no-key-for-topic", f"topic {topic!r} is neither encrypted nor plaintext", part
            )
        return r

    def compresses(self, topic: str) -> bool:
        """True when the values of ``topic`` are compressed ([CMP-1]: only topics named so)."""
        return topic in self._compress_topics or (
            self._compress_pattern is not None and self._compress_pattern.fullmatch(topic) is not None
        )

    def _seal_value(self, topic: str, recipients: list[Recipient], plaintext: bytes, context: Mapping[str, str]) -> bytes:
        compress = self.compresses(topic)
        if self._sealer is not None:
            suite = Suite.of(self._suite, signed=self._suite.signed, compressed=True) if compress else self._suite
            return self._sealer(topic, recipients, suite, plaintext, context)
        enc = self._encryptors.get(topic)
        if enc is None:
            enc = _envelope.Encryptor(recipients, suite=self._suite, compression=self._compression if compress else None)
            self._encryptors[topic] = enc
        return enc.encrypt(plaintext, context)

    # ---- contexts ([KB-3], [KB-4], [KB-9], [KB-11]) ----------------------------------------

    @staticmethod
    def key_context(topic: str) -> dict[str, str]:
        return {"kafka.topic": topic, "kafka.record.part": "key"}

    def value_context(self, topic: str, key_sha256: Optional[str], auth_headers: Optional[Sequence[Header]]) -> dict[str, str]:
        ctx = {"kafka.topic": topic, "kafka.record.part": "value"}
        if auth_headers is None:  # header-less call or state-store topic ([KB-9])
            return ctx
        ctx["kafka.record.headers-sha256"] = sha256_hex(encode_headers(auth_headers)) if auth_headers else EMPTY_SHA256
        if self.bind_key:
            if key_sha256 is None:
                raise BindingError(
                    ErrorCategory.INVALID_KEY_MATERIAL,
                    "no-key-digest",
                    "key binding is on but no key digest reached the value: the record key must go "
                    "through the Sealpost key serializer of the same record ([KB-16])",
                    "value",
                )
            ctx["kafka.record.key-sha256"] = key_sha256
        return ctx

    @staticmethod
    def tombstone_context(topic: str, key_sha256: str) -> dict[str, str]:
        return {"kafka.topic": topic, "kafka.record.part": "tombstone", "kafka.record.key-sha256": key_sha256}

    @staticmethod
    def key_digest(stored_key: Optional[bytes]) -> str:
        """``K`` of [KB-5]: the digest of the key as stored, or ``"null"``."""
        return "null" if stored_key is None else sha256_hex(bytes(stored_key))

    def _authenticated(self, headers: Sequence[Header]) -> list[Header]:
        return [(n, v) for n, v in headers if self._headers.is_authenticated(n)]

    # ---- writer ---------------------------------------------------------------------------

    def write_key(self, topic: str, key: Optional[bytes]) -> tuple[Optional[bytes], str]:
        """The stored key and its digest ``K`` ([KB-2], [KB-3], [KB-5])."""
        if topic in self._plaintext:
            return key, self.key_digest(key)
        recipients = self._require_topic(topic, "key")
        if key is None or self.key_mode == "clear":
            return key, self.key_digest(key)
        symmetric = [r for r in recipients if isinstance(r, SymmetricKek)]
        if not symmetric:
            raise BindingError(
                ErrorCategory.INVALID_KEY_MATERIAL, "no-symmetric-key", f"topic {topic!r} has no symmetric recipient for keys", "key"
            )
        stored = _envelope.encrypt(bytes(key), symmetric, suite=Suite.AES_256_SIV, external_context=self.key_context(topic))
        return stored, self.key_digest(stored)

    def write_value(
        self, topic: str, value: Optional[bytes], headers: Optional[HeaderList], key_sha256: Optional[str]
    ) -> tuple[Optional[bytes], Optional[HeaderList]]:
        """The stored value and the record's headers as sent ([KB-1], [KB-4], [KB-10], [KB-11],
        [KB-20], [KB-21]). ``headers=None`` is a call without headers ([KB-9])."""
        secret_present = headers is not None and any(self._headers.is_secret(n) for n, _ in headers)
        if topic in self._plaintext:
            if secret_present:
                raise BindingError(
                    ErrorCategory.NO_MATCHING_KEY,
                    "secret-header-without-envelope",
                    f"a secret header on plaintext topic {topic!r} ([KB-20])",
                    "value",
                )
            return value, headers
        recipients = self._require_topic(topic, "value")
        store = self.is_store_topic(topic)
        if value is None:
            if secret_present and not store:
                raise BindingError(
                    ErrorCategory.NO_MATCHING_KEY,
                    "secret-header-without-envelope",
                    "a secret header on a tombstone ([KB-20])",
                    "value",
                )
            if headers is None or store:
                return None, headers
            out = [(n, v) for n, v in headers if n != TOMBSTONE_HEADER]  # [KB-21]
            if self.bind_key:  # [KB-11]
                if key_sha256 is None:
                    self.value_context(topic, None, [])  # raises no-key-digest
                auth = self._seal_value(topic, recipients, b"", self.tombstone_context(topic, key_sha256))
                out.append((TOMBSTONE_HEADER, auth))
            return None, out
        if headers is None or store:
            framed = frame([], bytes(value))
            return self._seal_value(topic, recipients, framed, self.value_context(topic, key_sha256, None)), headers
        secret = [(n, v) for n, v in headers if self._headers.is_secret(n)]
        clear = [(n, v) for n, v in headers if not self._headers.is_secret(n)]
        context = self.value_context(topic, key_sha256, self._authenticated(clear))
        sealed = self._seal_value(topic, recipients, frame(secret, bytes(value)), context)
        return sealed, clear

    def write_record(
        self, topic: str, key: Optional[bytes], value: Optional[bytes], headers: Optional[Sequence[Header]]
    ) -> tuple[Optional[bytes], Optional[bytes], Optional[HeaderList]]:
        """Protect a whole record: (stored key, stored value, headers to send)."""
        stored_key, digest = self.write_key(topic, key)
        stored_value, out = self.write_value(topic, value, None if headers is None else list(headers), digest)
        return stored_key, stored_value, out

    # ---- reader ---------------------------------------------------------------------------

    def _open(self, data: bytes, context: Mapping[str, str], part: str) -> bytes:
        try:
            return self._reader().decrypt(data, context)
        except BindingError:
            raise
        except SealpostError as e:
            raise BindingError(e.category, "decryption-failed", e.message, part) from None

    def read_key(self, topic: str, stored: Optional[bytes]) -> tuple[Optional[bytes], str]:
        """The application's key and the digest ``K`` of the key as received ([KB-19])."""
        digest = self.key_digest(stored)
        if stored is None:
            return None, digest
        if _is_envelope(stored):  # [KB-13]
            return self._open(bytes(stored), self.key_context(topic), "key"), digest
        if topic in self._plaintext or self.key_mode == "clear":
            return stored, digest
        raise BindingError(ErrorCategory.NOT_AN_ENVELOPE, "plaintext-rejected", f"record key on topic {topic!r} is not an envelope ([KB-22])", "key")

    def _check_clear_headers(self, headers: Sequence[Header]) -> None:
        for n, _ in headers:
            if self._headers.is_secret(n):
                raise BindingError(
                    ErrorCategory.AUTHENTICATION_FAILED, "secret-header-in-clear", "a clear header has a secret name ([KB-14])", "value"
                )

    def read_value(
        self, topic: str, stored: Optional[bytes], headers: Optional[HeaderList], key_sha256: Optional[str]
    ) -> Optional[bytes]:
        """The application's value; the secret headers are appended to ``headers`` in place
        ([KB-14], [KB-18], [KB-19], [KB-22]). A tombstone that the policy drops raises
        ``tombstone-dropped`` ([KB-12])."""
        store = self.is_store_topic(topic)
        record_headers = headers is not None and not store
        if record_headers:
            self._check_clear_headers(headers)
        if stored is None:
            if topic in self._plaintext or store or self.tombstone_policy == "accept":
                return None
            self._check_tombstone(topic, headers or [], key_sha256)
            return None
        if not _is_envelope(stored):
            if topic in self._plaintext:
                return stored
            raise BindingError(ErrorCategory.NOT_AN_ENVELOPE, "plaintext-rejected", f"record value on topic {topic!r} is not an envelope ([KB-22])", "value")
        auth = self._authenticated(headers) if record_headers else None
        plaintext = self._open(bytes(stored), self.value_context(topic, key_sha256, auth), "value")
        framed, payload = parse_frame(plaintext)
        if record_headers:
            for name, _ in framed:
                if any(same_name(name, n) for n, _ in headers):
                    raise BindingError(
                        ErrorCategory.AUTHENTICATION_FAILED,
                        "secret-header-in-clear",
                        "a clear header has the name of a header inside the envelope ([KB-14])",
                        "value",
                    )
            headers.extend(framed)
        return payload

    def _check_tombstone(self, topic: str, headers: Sequence[Header], key_sha256: Optional[str]) -> None:
        def dropped(why: str) -> BindingError:
            return BindingError(ErrorCategory.AUTHENTICATION_FAILED, "tombstone-dropped", why + " ([KB-12])", "value")

        auths = [v for n, v in headers if n == TOMBSTONE_HEADER]
        if len(auths) != 1 or auths[0] is None:
            raise dropped(f"tombstone with {len(auths)} authenticators")
        if key_sha256 is None:
            raise dropped("no key digest for the tombstone")
        try:
            pt = _envelope.decrypt(auths[0], self._keys, external_context=self.tombstone_context(topic, key_sha256))
        except SealpostError as e:
            raise dropped(f"tombstone authenticator does not open ({e.category.value})") from None
        if pt != b"":
            raise dropped("tombstone authenticator is not of the empty plaintext")

    def read_record(
        self, topic: str, key: Optional[bytes], value: Optional[bytes], headers: Optional[Sequence[Header]]
    ) -> tuple[Optional[bytes], Optional[bytes], Optional[HeaderList]]:
        """Open a whole record as received: (key, value, headers the application sees)."""
        app_key, digest = self.read_key(topic, key)
        out = None if headers is None else list(headers)
        app_value = self.read_value(topic, value, out, digest)
        return app_key, app_value, out


# ---------------------------------------------------------------------------------------------
# confluent-kafka


def _bytes_or_none(data: Any, what: str) -> Optional[bytes]:
    if data is None or isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"the {what} must be bytes or None after the inner serializer, got {type(data).__name__}")


def _header_list(headers: Any) -> HeaderList:
    if headers is None:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: HeaderList = []
    for name, value in items:
        if isinstance(value, str):
            value = value.encode("utf-8")
        out.append((str(name), _bytes_or_none(value, "header value")))
    return out


def _replace_headers(target: Any, new: HeaderList) -> None:
    """Write ``new`` into the application's headers object, in place."""
    if isinstance(target, list):
        target[:] = new
    elif isinstance(target, dict):
        target.clear()
        target.update(new)
    else:
        raise BindingError(
            ErrorCategory.INVALID_KEY_MATERIAL,
            "headers-not-mutable",
            f"the record's headers ({type(target).__name__}) cannot be changed in place: pass a list or a dict",
            "value",
        )


try:  # the `kafka` extra
    from confluent_kafka import Consumer as _Consumer
    from confluent_kafka import SerializingProducer as _SerializingProducer
    from confluent_kafka.serialization import Deserializer as _Deserializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    from confluent_kafka.serialization import Serializer as _Serializer

    _HAVE_CONFLUENT = True
except ImportError:  # pragma: no cover - exercised only without the extra
    _HAVE_CONFLUENT = False
    _Serializer = _Deserializer = object  # type: ignore[assignment,misc]
    _SerializingProducer = _Consumer = object  # type: ignore[assignment,misc]


def _require_confluent() -> None:
    if not _HAVE_CONFLUENT:
        raise ImportError("sealpost.kafka clients need confluent-kafka: pip install 'sealpost-envelope[kafka]'")


class SealpostSerializer(_Serializer):  # type: ignore[misc,valid-type]
    """A ``confluent_kafka`` serializer for both the key and the value of a record.

    Use the same binding for ``key.serializer`` and ``value.serializer`` of a
    ``SerializingProducer`` (or :class:`SealpostProducer`). ``inner`` is the application's
    serializer (e.g. ``StringSerializer()``), applied first.
    """

    def __init__(self, binding: KafkaBinding, inner: Optional[Callable[[Any, Any], Any]] = None) -> None:
        _require_confluent()
        self.binding = binding
        self.inner = inner

    def __call__(self, obj: Any, ctx: Optional["SerializationContext"] = None) -> Optional[bytes]:
        if ctx is None:
            raise BindingError(ErrorCategory.INVALID_KEY_MATERIAL, "no-context", "a SerializationContext is required", None)
        data = _bytes_or_none(self.inner(obj, ctx) if self.inner is not None else obj, str(ctx.field))
        if ctx.field == MessageField.KEY:
            if obj is not None and data is None and self.binding.key_mode == "encrypt" and self.binding.is_encrypted_topic(ctx.topic):
                raise BindingError(
                    ErrorCategory.INVALID_KEY_MATERIAL,
                    "null-from-serializer",
                    "the application serializer returned None for a key ([KB-15])",
                    "key",
                )
            stored, digest = self.binding.write_key(ctx.topic, data)
            setattr(ctx, _KEY_DIGEST_SLOT, digest)
            return stored
        digest = ctx.__dict__.pop(_KEY_DIGEST_SLOT, None)
        if obj is not None and data is None and self.binding.is_encrypted_topic(ctx.topic):
            raise BindingError(
                ErrorCategory.INVALID_KEY_MATERIAL,
                "null-from-serializer",
                "the application serializer returned None for a value ([KB-15])",
                "value",
            )
        headers = None if ctx.headers is None else _header_list(ctx.headers)
        if headers is None and data is None and self.binding.is_encrypted_topic(ctx.topic) and self.binding.bind_key:
            raise BindingError(
                ErrorCategory.INVALID_KEY_MATERIAL,
                "headers-not-mutable",
                "a tombstone needs a headers list for its authenticator ([KB-11]): pass headers=[]",
                "value",
            )
        stored, out = self.binding.write_value(ctx.topic, data, headers if headers is not None else [], digest)
        if ctx.headers is not None and out != headers:
            _replace_headers(ctx.headers, out or [])
        return stored


class SealpostDeserializer(_Deserializer):  # type: ignore[misc,valid-type]
    """A ``confluent_kafka`` deserializer for both the key and the value of a record. The key
    must be deserialized first, with the same context object (as :class:`SealpostConsumer`
    and ``DeserializingConsumer`` do). ``inner`` is applied to the opened bytes."""

    def __init__(self, binding: KafkaBinding, inner: Optional[Callable[[Any, Any], Any]] = None) -> None:
        _require_confluent()
        self.binding = binding
        self.inner = inner

    def __call__(self, data: Optional[bytes], ctx: Optional["SerializationContext"] = None) -> Any:
        if ctx is None:
            raise BindingError(ErrorCategory.INVALID_KEY_MATERIAL, "no-context", "a SerializationContext is required", None)
        if ctx.field == MessageField.KEY:
            key, digest = self.binding.read_key(ctx.topic, data)
            setattr(ctx, _KEY_DIGEST_SLOT, digest)
            opened: Optional[bytes] = key
        else:
            digest = ctx.__dict__.pop(_KEY_DIGEST_SLOT, None)
            if ctx.headers is None:
                ctx.headers = []
            elif not isinstance(ctx.headers, list):
                ctx.headers = _header_list(ctx.headers)
            opened = self.binding.read_value(ctx.topic, data, ctx.headers, digest)
        if self.inner is not None and opened is not None:
            return self.inner(opened, ctx)
        return opened


class SealpostProducer(_SerializingProducer):  # type: ignore[misc,valid-type]
    """A ``SerializingProducer`` with Sealpost key and value serializers. ``config`` is the
    librdkafka configuration; ``key_serializer`` / ``value_serializer`` are the application's
    inner serializers. Records are always produced with a header list ([KB-4])."""

    def __init__(
        self,
        config: Mapping[str, Any],
        binding: KafkaBinding,
        *,
        key_serializer: Optional[Callable[[Any, Any], Any]] = None,
        value_serializer: Optional[Callable[[Any, Any], Any]] = None,
    ) -> None:
        _require_confluent()
        conf = dict(config)
        conf["key.serializer"] = SealpostSerializer(binding, key_serializer)
        conf["value.serializer"] = SealpostSerializer(binding, value_serializer)
        super().__init__(conf)

    def produce(self, topic: str, key: Any = None, value: Any = None, *args: Any, headers: Any = None, **kwargs: Any) -> None:
        if headers is None:
            headers = []
        elif not isinstance(headers, (list, dict)):
            headers = list(headers)
        super().produce(topic, key, value, *args, headers=headers, **kwargs)


class SealpostConsumer(_Consumer):  # type: ignore[misc,valid-type]
    """A ``confluent_kafka.Consumer`` whose :meth:`poll` opens each record: key, value and
    secret headers (set on the message). A record that fails raises :class:`BindingError`
    (its offset is already consumed; the next poll goes on after it). Tombstones that the
    policy drops are skipped, as the Java deserializer drops them."""

    def __init__(
        self,
        config: Mapping[str, Any],
        binding: KafkaBinding,
        *,
        key_deserializer: Optional[Callable[[Any, Any], Any]] = None,
        value_deserializer: Optional[Callable[[Any, Any], Any]] = None,
    ) -> None:
        _require_confluent()
        super().__init__(dict(config))
        self._key = SealpostDeserializer(binding, key_deserializer)
        self._value = SealpostDeserializer(binding, value_deserializer)

    def poll(self, timeout: float = -1) -> Any:
        deadline = None if timeout is None or timeout < 0 else time.monotonic() + timeout
        while True:
            remaining = -1 if deadline is None else max(0.0, deadline - time.monotonic())
            msg = super().poll(remaining)
            if msg is None or msg.error() is not None:
                return msg
            try:
                return self._open(msg)
            except BindingError as e:
                if e.reason != "tombstone-dropped":
                    raise
            if deadline is not None and time.monotonic() >= deadline:
                return None

    def consume(self, num_messages: int = 1, timeout: float = -1) -> list[Any]:
        """Not available: a batch would hand back records that were not opened, or lose the
        rest of the batch at the first failure. Use :meth:`poll`."""
        raise NotImplementedError("SealpostConsumer.consume() is not implemented; use poll()")

    def _open(self, msg: Any) -> Any:
        headers = _header_list(msg.headers())
        ctx = SerializationContext(msg.topic(), MessageField.KEY, headers)
        key = self._key(msg.key(), ctx)
        ctx.field = MessageField.VALUE
        value = self._value(msg.value(), ctx)
        msg.set_key(key)
        msg.set_value(value)
        msg.set_headers(ctx.headers)
        return msg
