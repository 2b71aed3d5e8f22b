"""The NATS binding (docs/bindings/nats.md, [NB-n]) and a wrapper for ``nats-py``.

* :class:`NatsBinding`: the binding on plain values (subject, headers as a list of
  ``(name, value)`` strings, data bytes): :meth:`~NatsBinding.seal` / :meth:`~NatsBinding.open`
  for messages, :meth:`~NatsBinding.kv_put` / :meth:`~NatsBinding.kv_read` and friends for
  Key-Value entries. The binding vectors run against this layer.
* :class:`SealpostNats`: publish and subscribe on a connected ``nats.aio.client.Client``, with
  JetStream publish and pull subscriptions, and :class:`SealpostKeyValue` for a Key-Value
  bucket (install the ``nats`` extra).

nats-py keeps message headers as a ``dict`` of one string per name, so through nats-py a
message carries at most one value per header name; the binding itself orders and frames
repeated names as [NB-22] says (the Java client and the vectors use them).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Callable, Optional, Union

from . import envelope as _envelope
from .bindings import EMPTY_SHA256, BindingError, HeaderSelector, encode_headers, frame, parse_frame, same_name, sha256_hex
from .errors import ErrorCategory, SealpostError
from .header import MAX_PLAINTEXT_LENGTH
from .recipients import DecryptionKey, Recipient, SymmetricKek
from . import compression as _compression
from .compression import Compression
from .suites import Suite

__all__ = ["NatsBinding", "SealpostNats", "SealpostKeyValue", "subject_matches"]

StrHeader = tuple[str, str]
ValueSealer = Callable[[str, Sequence[Recipient], Suite, bytes, Mapping[str, str]], bytes]

_TOKEN_LITERAL, _TOKEN_STAR, _TOKEN_GT = 2, 1, 0
_HEADER_NAME = re.compile(r"[!-9;-~]+")  # printable ASCII without ':' and space


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS wildcard match: ``*`` one token, ``>`` one or more trailing tokens."""
    p, s = pattern.split("."), subject.split(".")
    for i, tok in enumerate(p):
        if tok == ">":
            return i == len(p) - 1 and len(s) > i
        if i >= len(s) or (tok != "*" and tok != s[i]):
            return False
    return len(p) == len(s)


def _specificity(pattern: str) -> tuple[int, ...]:
    return tuple(_TOKEN_GT if t == ">" else _TOKEN_STAR if t == "*" else _TOKEN_LITERAL for t in pattern.split("."))


def _sort_headers(headers: Iterable[StrHeader]) -> list[StrHeader]:
    """[NB-22]: by utf8(name) bytes; values of one name keep their order (stable sort)."""
    return sorted(headers, key=lambda h: h[0].encode("utf-8"))


def _b(headers: Sequence[StrHeader]) -> list[tuple[str, Optional[bytes]]]:
    return [(n, v.encode("utf-8")) for n, v in headers]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    if re.fullmatch(r"[A-Za-z0-9_-]*", text) is None or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(raw) != text:
        raise ValueError("not canonical base64url")
    return raw


class NatsBinding:
    """Configuration shared by the publishers and subscribers of a set of subjects.

    ``subjects`` maps literal subjects and wildcard patterns to recipients;
    ``plaintext_subjects`` lists subjects and patterns sent in the clear;
    ``consume_plaintext_subjects`` lists those whose readers accept plaintext (migration).
    ``kv_buckets`` maps Key-Value bucket names to recipients (keys use the symmetric ones).
    ``keys`` are the reader's keys.
    ``compression_subjects`` lists subjects and patterns whose message data is compressed
    inside the envelope (SPEC.md section 18) with ``compression`` (``"zstd"`` or ``"lz4"``);
    nothing is compressed unless named there ([CMP-1]). Compression reveals information about
    the data through the envelope's length: never name a subject whose messages mix secrets
    with data others choose ([CMP-7]).
    """

    def __init__(
        self,
        *,
        subjects: Optional[Mapping[str, Sequence[Recipient]]] = None,
        keys: Iterable[Union[DecryptionKey, Recipient]] = (),
        plaintext_subjects: Iterable[str] = (),
        consume_plaintext_subjects: Iterable[str] = (),
        secret_headers: Optional[str] = None,
        authenticated_headers: Optional[str] = None,
        value_suite: Union[Suite, str] = Suite.AES_256_GCM,
        kv_buckets: Optional[Mapping[str, Sequence[Recipient]]] = None,
        max_plaintext_length: int = MAX_PLAINTEXT_LENGTH,
        compression_subjects: Iterable[str] = (),
        compression: str = "zstd",
        _value_sealer: Optional[ValueSealer] = None,
    ) -> None:
        self._compress_subjects = list(compression_subjects)
        self._compression = Compression.of(compression)
        if self._compression is Compression.NONE:
            raise ValueError("compression must be 'zstd' or 'lz4'")
        if self._compress_subjects:
            _compression.require(self._compression)  # a missing compressor fails here, not per message
        self._entries: list[tuple[str, Optional[list[Recipient]]]] = [(p, list(r)) for p, r in (subjects or {}).items()]
        self._entries += [(p, None) for p in plaintext_subjects]
        self._consume_plaintext = list(consume_plaintext_subjects)
        self._keys = list(keys)
        self._decryptor: Optional[_envelope.Decryptor] = None
        self._headers = HeaderSelector(secret_headers, authenticated_headers)
        self._suite = Suite[value_suite] if isinstance(value_suite, str) else Suite(value_suite)
        if self._suite.deterministic:
            raise ValueError("message data needs a randomized suite ([NB-1])")
        self._buckets = {b: list(r) for b, r in (kv_buckets or {}).items()}
        self._max = max_plaintext_length
        self._sealer = _value_sealer
        self._encryptors: dict[str, _envelope.Encryptor] = {}

    def _reader(self) -> "_envelope.Decryptor":
        """One reader for every record: envelopes under one DEK cost one unwrap and one header
        parse (its key cache), each still checked as SPEC.md section 11 says."""
        d = self._decryptor
        if d is None:
            d = self._decryptor = _envelope.Decryptor(self._keys, max_plaintext_length=self._max)
        return d

    # ---- subjects ([NB-13]) ---------------------------------------------------------------

    def resolve(self, subject: str) -> Optional[tuple[str, Optional[list[Recipient]]]]:
        """The most specific entry matching ``subject``: (pattern, recipients or None for
        plaintext), or None when no entry matches."""
        matching = [(p, r) for p, r in self._entries if subject_matches(p, subject)]
        if not matching:
            return None
        return max(matching, key=lambda e: _specificity(e[0]))

    def compresses(self, subject: str) -> bool:
        """True when the data of ``subject`` is compressed ([CMP-1]: only subjects named so)."""
        return any(subject_matches(p, subject) for p in self._compress_subjects)

    def _seal(
        self, key: str, recipients: list[Recipient], plaintext: bytes, context: Mapping[str, str], compress: bool = False
    ) -> bytes:
        suite = Suite.of(self._suite, signed=self._suite.signed, compressed=compress) if compress else self._suite
        if self._sealer is not None:
            return self._sealer(key, recipients, suite, plaintext, context)
        cache_key = key + "\x00compressed" if compress else key
        enc = self._encryptors.get(cache_key)
        if enc is None:
            enc = _envelope.Encryptor(
                recipients, suite=self._suite, compression=self._compression if compress else None
            )
            self._encryptors[cache_key] = enc
        return enc.encrypt(plaintext, context)

    def _open_envelope(self, data: bytes, context: Mapping[str, str], reason: str, part: str) -> bytes:
        try:
            return self._reader().decrypt(data, context)
        except SealpostError as e:
            raise BindingError(e.category, reason, e.message, part) from None

    @staticmethod
    def data_context(subject: str, auth_headers: Sequence[StrHeader]) -> dict[str, str]:
        digest = sha256_hex(encode_headers(_b(auth_headers))) if auth_headers else EMPTY_SHA256
        return {"nats.headers-sha256": digest, "nats.part": "data", "nats.subject": subject}

    # ---- messages -------------------------------------------------------------------------

    def seal(self, subject: str, headers: Optional[Iterable[StrHeader]], data: bytes) -> tuple[bytes, list[StrHeader]]:
        """The data and clear headers to publish ([NB-1], [NB-3], [NB-5]..[NB-8], [NB-12])."""
        hs = list(headers or [])
        entry = self.resolve(subject)
        if entry is None:
            raise BindingError(ErrorCategory.NO_MATCHING_KEY, "no-key-for-subject", f"no entry matches subject {subject!r} ([NB-12])", "data")
        secret = _sort_headers(h for h in hs if self._headers.is_secret(h[0]))
        clear = [h for h in hs if not self._headers.is_secret(h[0])]
        recipients = entry[1]
        if recipients is None:
            if secret:
                raise BindingError(
                    ErrorCategory.NO_MATCHING_KEY,
                    "secret-header-without-envelope",
                    f"a secret header on plaintext subject {subject!r} ([NB-8])",
                    "data",
                )
            return bytes(data), hs
        auth = _sort_headers(h for h in clear if self._headers.is_authenticated(h[0]))
        sealed = self._seal(
            entry[0], recipients, frame(_b(secret), bytes(data)), self.data_context(subject, auth), self.compresses(subject)
        )
        return sealed, clear

    def open(self, subject: str, headers: Optional[Iterable[StrHeader]], data: bytes) -> tuple[bytes, list[StrHeader]]:
        """The data and headers the application sees: clear headers, then the restored secret
        ones ([NB-4], [NB-9], [NB-10], [NB-14])."""
        hs = list(headers or [])
        for name, _ in hs:
            if self._headers.is_secret(name):
                raise BindingError(
                    ErrorCategory.AUTHENTICATION_FAILED, "secret-header-in-clear", "a clear header has a secret name ([NB-9])", "data"
                )
        data = bytes(data)
        if not _envelope.is_envelope(data):
            entry = self.resolve(subject)
            plaintext_ok = (entry is not None and entry[1] is None) or any(
                subject_matches(p, subject) for p in self._consume_plaintext
            )
            if plaintext_ok:
                return data, hs
            raise BindingError(ErrorCategory.NOT_AN_ENVELOPE, "plaintext-rejected", f"data on subject {subject!r} is not an envelope ([NB-14])", "data")
        auth = _sort_headers(h for h in hs if self._headers.is_authenticated(h[0]))
        plaintext = self._open_envelope(data, self.data_context(subject, auth), "decryption-failed", "data")
        framed, payload = parse_frame(plaintext, allow_null=False)
        restored: list[StrHeader] = []
        for name, value in framed:
            try:
                text = value.decode("utf-8", "strict") if value is not None else ""
            except UnicodeDecodeError:
                raise BindingError(ErrorCategory.MALFORMED_HEADER, "bad-inner-framing", "header value is not UTF-8", "data") from None
            if _HEADER_NAME.fullmatch(name) is None or "\r" in text or "\n" in text:
                raise BindingError(ErrorCategory.MALFORMED_HEADER, "bad-inner-framing", "framed header is not a valid NATS header", "data")
            if any(same_name(name, n) for n, _ in hs):
                raise BindingError(
                    ErrorCategory.AUTHENTICATION_FAILED,
                    "secret-header-in-clear",
                    "a clear header has the name of a header inside the envelope ([NB-9])",
                    "data",
                )
            restored.append((name, text))
        return payload, hs + restored

    # ---- Key-Value ([NB-15]..[NB-20]) -----------------------------------------------------

    def _bucket(self, bucket: str) -> list[Recipient]:
        r = self._buckets.get(bucket)
        if r is None:
            raise BindingError(ErrorCategory.NO_MATCHING_KEY, "no-key-for-bucket", f"bucket {bucket!r} is not configured", "kv-key")
        return r

    @staticmethod
    def kv_key_context(bucket: str) -> dict[str, str]:
        return {"nats.kv.bucket": bucket, "nats.part": "kv-key"}

    @staticmethod
    def kv_value_context(bucket: str, stored_key: str) -> dict[str, str]:
        return {"nats.kv.bucket": bucket, "nats.kv.key": stored_key, "nats.part": "kv-value"}

    def kv_key(self, bucket: str, key: str) -> str:
        """The stored form of ``key``: base64url of its deterministic envelope ([NB-15])."""
        symmetric = [r for r in self._bucket(bucket) if isinstance(r, SymmetricKek)]
        if not symmetric:
            raise BindingError(ErrorCategory.INVALID_KEY_MATERIAL, "no-symmetric-key", f"bucket {bucket!r} has no symmetric recipient", "kv-key")
        env = _envelope.encrypt(key.encode("utf-8"), symmetric, suite=Suite.AES_256_SIV, external_context=self.kv_key_context(bucket))
        return b64url(env)

    def kv_put(self, bucket: str, key: str, value: bytes) -> tuple[str, bytes]:
        """(stored key, stored value) for a put ([NB-15], [NB-17])."""
        stored_key = self.kv_key(bucket, key)
        return stored_key, self._seal("$KV." + bucket, self._bucket(bucket), bytes(value), self.kv_value_context(bucket, stored_key))

    def kv_read_key(self, bucket: str, stored_key: str) -> str:
        """The application key of a stored key; fails, never skips ([NB-18])."""
        try:
            env = _b64url_decode(stored_key)
        except (ValueError, binascii.Error):
            raise BindingError(ErrorCategory.NOT_AN_ENVELOPE, "bad-kv-key", "stored key is not base64url ([NB-18])", "kv-key") from None
        if not _envelope.is_envelope(env):
            raise BindingError(ErrorCategory.NOT_AN_ENVELOPE, "bad-kv-key", "stored key is not an envelope ([NB-18])", "kv-key")
        raw = self._open_envelope(env, self.kv_key_context(bucket), "bad-kv-key", "kv-key")
        try:
            return raw.decode("utf-8", "strict")
        except UnicodeDecodeError:
            raise BindingError(ErrorCategory.MALFORMED_HEADER, "bad-kv-key", "key is not UTF-8", "kv-key") from None

    def kv_read_value(self, bucket: str, stored_key: str, stored_value: bytes) -> bytes:
        stored_value = bytes(stored_value)
        if not _envelope.is_envelope(stored_value):
            raise BindingError(ErrorCategory.NOT_AN_ENVELOPE, "plaintext-rejected", "stored value is not an envelope ([NB-19])", "kv-value")
        return self._open_envelope(stored_value, self.kv_value_context(bucket, stored_key), "decryption-failed", "kv-value")

    def kv_read(self, bucket: str, stored_key: str, operation: str, stored_value: bytes) -> tuple[str, Optional[bytes]]:
        """(key, value) of a stored entry; a DEL or PURGE marker has value None ([NB-20])."""
        key = self.kv_read_key(bucket, stored_key)
        if operation in ("DEL", "PURGE"):
            return key, None
        return key, self.kv_read_value(bucket, stored_key, stored_value)


# ---------------------------------------------------------------------------------------------
# nats-py


def _dict_headers(headers: Optional[Mapping[str, str]]) -> list[StrHeader]:
    return list((headers or {}).items())


def _to_dict(headers: Sequence[StrHeader]) -> Optional[dict[str, str]]:
    out: dict[str, str] = {}
    for n, v in headers:
        if n in out:
            raise BindingError(ErrorCategory.MALFORMED_HEADER, "repeated-header", f"nats-py holds one value per header name ({n!r})", "data")
        out[n] = v
    return out or None


class SealpostNats:
    """Encrypting publish and subscribe over a connected ``nats.aio.client.Client``.

    ``publish`` / ``subscribe`` for core NATS, ``js_publish`` / ``pull_subscribe`` /
    ``js_subscribe`` for JetStream, :meth:`key_value` for a Key-Value bucket. Received messages
    are opened in place (``msg.data`` and ``msg.headers`` replaced), so ``msg.ack()`` and the
    other JetStream methods keep working. A message that fails to open raises
    :class:`~sealpost.bindings.BindingError` (in a callback subscription: passed to
    ``error_cb`` if given, and the message is not delivered to ``cb``).
    """

    def __init__(self, nc: Any, binding: NatsBinding) -> None:
        self.nc = nc
        self.binding = binding
        self._js: Any = None

    def open_msg(self, msg: Any) -> Any:
        data, headers = self.binding.open(msg.subject, _dict_headers(msg.headers), msg.data)
        msg.data = data
        msg.headers = _to_dict(headers)
        return msg

    def _sealed(self, subject: str, data: bytes, headers: Optional[Mapping[str, str]]) -> tuple[bytes, Optional[dict[str, str]]]:
        sealed, clear = self.binding.seal(subject, _dict_headers(headers), data)
        return sealed, _to_dict(clear)

    async def publish(self, subject: str, data: bytes = b"", reply: str = "", headers: Optional[Mapping[str, str]] = None) -> None:
        sealed, clear = self._sealed(subject, data, headers)
        await self.nc.publish(subject, sealed, reply=reply, headers=clear)

    async def subscribe(
        self,
        subject: str,
        queue: str = "",
        cb: Optional[Callable[[Any], Any]] = None,
        error_cb: Optional[Callable[[Any, BindingError], Any]] = None,
        **kwargs: Any,
    ) -> Any:
        """With ``cb``: opened messages go to ``cb``. Without: use :meth:`next_msg`."""
        if cb is None:
            return await self.nc.subscribe(subject, queue=queue, **kwargs)
        return await self.nc.subscribe(subject, queue=queue, cb=self._wrap(cb, error_cb), **kwargs)

    def _wrap(self, cb: Callable[[Any], Any], error_cb: Optional[Callable[[Any, BindingError], Any]]) -> Callable[[Any], Any]:
        async def handler(msg: Any) -> None:
            try:
                opened = self.open_msg(msg)
            except BindingError as e:
                if error_cb is not None:
                    r = error_cb(msg, e)
                    if hasattr(r, "__await__"):
                        await r
                return
            r = cb(opened)
            if hasattr(r, "__await__"):
                await r

        return handler

    async def next_msg(self, sub: Any, timeout: float = 1.0) -> Any:
        return self.open_msg(await sub.next_msg(timeout=timeout))

    async def request(self, subject: str, data: bytes = b"", timeout: float = 1.0, headers: Optional[Mapping[str, str]] = None) -> Any:
        sealed, clear = self._sealed(subject, data, headers)
        return self.open_msg(await self.nc.request(subject, sealed, timeout=timeout, headers=clear))

    # JetStream

    @property
    def js(self) -> Any:
        if self._js is None:
            self._js = self.nc.jetstream()
        return self._js

    async def js_publish(self, subject: str, data: bytes = b"", headers: Optional[Mapping[str, str]] = None, **kwargs: Any) -> Any:
        """Publish with a JetStream acknowledgement (``PubAck``)."""
        sealed, clear = self._sealed(subject, data, headers)
        return await self.js.publish(subject, sealed, headers=clear, **kwargs)

    async def pull_subscribe(self, subject: str, durable: Optional[str] = None, **kwargs: Any) -> "SealpostPullSubscription":
        return SealpostPullSubscription(self, await self.js.pull_subscribe(subject, durable, **kwargs))

    async def js_subscribe(self, subject: str, cb: Callable[[Any], Any], error_cb: Optional[Callable[[Any, BindingError], Any]] = None, **kwargs: Any) -> Any:
        """A push consumer; opened messages go to ``cb``."""
        return await self.js.subscribe(subject, cb=self._wrap(cb, error_cb), **kwargs)

    async def key_value(self, bucket: str) -> "SealpostKeyValue":
        return SealpostKeyValue(await self.js.key_value(bucket), self.binding, bucket)


class SealpostPullSubscription:
    """A JetStream pull subscription whose :meth:`fetch` returns opened messages (raises on
    the first message that fails to open, after opening the ones before it)."""

    def __init__(self, client: SealpostNats, sub: Any) -> None:
        self._client = client
        self.sub = sub

    async def fetch(self, batch: int = 1, timeout: Optional[float] = 5) -> list[Any]:
        return [self._client.open_msg(m) for m in await self.sub.fetch(batch, timeout=timeout)]

    async def unsubscribe(self) -> None:
        await self.sub.unsubscribe()


class SealpostKeyValue:
    """A Key-Value bucket with encrypted keys (deterministic, base64url) and values ([NB-15]..)."""

    def __init__(self, kv: Any, binding: NatsBinding, bucket: str) -> None:
        self.kv = kv
        self.binding = binding
        self.bucket = bucket

    async def put(self, key: str, value: bytes) -> int:
        stored_key, stored_value = self.binding.kv_put(self.bucket, key, value)
        return await self.kv.put(stored_key, stored_value)

    async def get(self, key: str) -> Optional[bytes]:
        """The value of ``key``; raises nats-py's ``KeyNotFoundError`` as the plain client does."""
        stored_key = self.binding.kv_key(self.bucket, key)
        entry = await self.kv.get(stored_key)
        # The stored key is re-read ([NB-18]) rather than trusted as the one asked for.
        k, v = self.binding.kv_read(self.bucket, entry.key, entry.operation or "PUT", entry.value or b"")
        if k != key:
            raise BindingError(ErrorCategory.AUTHENTICATION_FAILED, "bad-kv-key", "entry is of another key", "kv-key")
        return v

    async def delete(self, key: str) -> bool:
        return await self.kv.delete(self.binding.kv_key(self.bucket, key))

    async def keys(self) -> list[str]:
        """Every key of the bucket, decrypted (a key that does not decrypt raises, [NB-18])."""
        return [self.binding.kv_read_key(self.bucket, k) for k in await self.kv.keys()]
