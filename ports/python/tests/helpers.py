"""Hand-built envelope bytes, so that tests can produce headers no writer would."""

from __future__ import annotations

import struct
from collections.abc import Sequence

MAGIC = b"\xf7\x53\x50"


def recipient(
    rtype: int = 1,
    key_id: bytes = b"orders",
    version: int = 1,
    wrapped: bytes | None = None,
    *,
    key_id_len: int | None = None,
    wrapped_len: int | None = None,
) -> bytes:
    if wrapped is None:
        wrapped = bytes({1: 40, 2: 80}.get(rtype, 60))
    kl = len(key_id) if key_id_len is None else key_id_len
    wl = len(wrapped) if wrapped_len is None else wrapped_len
    return bytes([rtype, kl]) + key_id + struct.pack(">IH", version, wl) + wrapped


def entry(key: bytes, value: bytes, *, key_len: int | None = None, value_len: int | None = None) -> bytes:
    kl = len(key) if key_len is None else key_len
    vl = len(value) if value_len is None else value_len
    return bytes([kl]) + key + struct.pack(">H", vl) + value


def header(
    *,
    suite: int = 1,
    recipients: Sequence[bytes] | None = None,
    count: int | None = None,
    commitment: bytes = bytes(32),
    entries: Sequence[bytes] = (),
    entry_count: int | None = None,
    nonce: bytes | None = None,
    version: int = 1,
) -> bytes:
    recips = [recipient()] if recipients is None else list(recipients)
    n = len(recips) if count is None else count
    ec = len(entries) if entry_count is None else entry_count
    if nonce is None:
        nonce = b"" if suite == 3 else bytes(12)
    return (
        MAGIC
        + bytes([version])
        + struct.pack(">HB", suite, n)
        + b"".join(recips)
        + commitment
        + bytes([ec])
        + b"".join(entries)
        + nonce
    )


def envelope(body: bytes = bytes(16), **kwargs: object) -> bytes:
    return header(**kwargs) + body  # type: ignore[arg-type]
