"""Packed payloads of the compressed suites (SPEC.md section 18).

``packed = method(1) || u32(length) || data``: method ``00`` stores the plaintext, ``01`` holds
one zstd frame, ``02`` one raw LZ4 block. The compressors are optional packages (the
``compression`` extra: ``zstandard`` and ``lz4``), imported only when a compressed suite is
used; a reader without both treats the compressed suites as not implemented ([CMP-5]).
"""

from __future__ import annotations

import struct
import threading
from enum import Enum
from typing import Any, Optional, Union

from .errors import ErrorCategory, SealpostError

__all__ = ["Compression", "available", "require", "pack", "unpack", "PACKED_PREFIX_LENGTH"]

METHOD_STORED = 0x00
METHOD_ZSTD = 0x01
METHOD_LZ4 = 0x02
#: method (1) and length (4): a packed payload is this much longer than its data.
PACKED_PREFIX_LENGTH = 5

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: zstd's own "content size unknown" (ZSTD_CONTENTSIZE_UNKNOWN).
_ZSTD_UNKNOWN_SIZE = (1 << 64) - 1
#: The largest Window_Size a reader accepts and a writer writes ([CMP-2], [CMP-4]): zstd's
#: ZSTD_WINDOWLOG_LIMIT_DEFAULT.
ZSTD_MAX_WINDOW = 1 << 27
#: zstd level of the writer: zstd's default, the one Kafka's zstd codec uses.
ZSTD_LEVEL = 3

_PACKAGES = {"zstd": "zstandard", "lz4": "lz4"}


class Compression(str, Enum):
    """The compression a writer asks for ([CMP-1]). ``NONE`` means no compressed suite; the
    method bytes of section 18 are an internal matter."""

    NONE = "none"
    ZSTD = "zstd"
    LZ4 = "lz4"

    @classmethod
    def of(cls, value: Union["Compression", str, None]) -> "Compression":
        """``None``, ``"zstd"``, ``"lz4"`` (or ``"none"``), or a member; ``ValueError`` otherwise."""
        if value is None:
            return cls.NONE
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value.lower())
            except ValueError:
                pass
        raise ValueError(f"compression must be None, 'zstd' or 'lz4', not {value!r}")


_modules: dict[str, Any] = {}
_import_lock = threading.Lock()


def _module(name: str) -> Optional[Any]:
    """The compressor module for ``"zstd"`` or ``"lz4"``, or ``None`` when not installed.
    Imported on first use, so the codec works without the extra."""
    if name in _modules:
        return _modules[name]
    with _import_lock:
        if name not in _modules:
            try:
                if name == "zstd":
                    import zstandard as mod
                else:
                    import lz4.block as mod  # type: ignore[no-redef]
            except ImportError:
                mod = None  # type: ignore[assignment]
            _modules[name] = mod
    return _modules[name]


def available() -> bool:
    """True when both decompressors are installed: [CMP-5] asks a reader of compressed suites
    for all three methods."""
    return _module("zstd") is not None and _module("lz4") is not None


def require(compression: Compression) -> None:
    """A writer asking for a compressor that is not installed fails here, when it is made."""
    if compression is Compression.NONE:
        return
    if _module(compression.value) is None:
        raise SealpostError(
            ErrorCategory.UNSUPPORTED_SUITE,
            f"compression {compression.value} needs the package {_PACKAGES[compression.value]!r}: "
            "install the extra sealpost-envelope[compression]",
        )


class _PerThread(threading.local):
    """zstd contexts are not thread-safe; each thread keeps its own, since making one costs
    more than compressing a small record."""

    cctx: Any = None
    dctx: Any = None


_local = _PerThread()


def _zstd_compress(data: bytes) -> bytes:
    cctx = _local.cctx
    if cctx is None:
        # Content size written: a reader then checks it against `length` before decompressing.
        cctx = _local.cctx = _module("zstd").ZstdCompressor(level=ZSTD_LEVEL, write_content_size=True)
    return cctx.compress(data)  # type: ignore[no-any-return]


def pack(plaintext: bytes, compression: Compression) -> bytes:
    """The packed payload of ``plaintext`` ([CMP-2]): compressed with ``compression``, or stored
    (method ``00``) when the compressed data would not be shorter than the plaintext."""
    n = len(plaintext)
    data: Optional[bytes] = None
    if n:
        if compression is Compression.ZSTD:
            data = _zstd_compress(plaintext)
            method = METHOD_ZSTD
        elif compression is Compression.LZ4:
            data = _module("lz4").compress(plaintext, mode="default", store_size=False)
            method = METHOD_LZ4
    if data is None or len(data) >= n:
        return struct.pack(">BI", METHOD_STORED, n) + plaintext
    return struct.pack(">BI", method, n) + data


def _malformed(reason: str) -> SealpostError:
    return SealpostError(ErrorCategory.MALFORMED_PAYLOAD, reason)


def unpack(packed: bytes, max_plaintext_length: int) -> bytes:
    """Step 14 of SPEC.md section 11: the plaintext of an authenticated packed payload.

    ``malformed-payload`` when it is shorter than 5 bytes or names an unknown method ([CMP-4]);
    ``limit-exceeded`` when the declared length is above the reader's plaintext limit, before
    anything is allocated or decompressed ([CMP-3]); ``malformed-payload`` when the data does
    not give exactly the declared length ([CMP-4]).
    """
    if len(packed) < PACKED_PREFIX_LENGTH:
        raise _malformed(f"packed payload of {len(packed)} bytes: shorter than its 5-byte prefix")
    method, length = struct.unpack_from(">BI", packed)
    if method not in (METHOD_STORED, METHOD_ZSTD, METHOD_LZ4):
        raise _malformed(f"unknown packing method {method:02x}")
    if length > max_plaintext_length:  # [CMP-3]: before any allocation
        raise SealpostError(
            ErrorCategory.LIMIT_EXCEEDED,
            f"packed payload declares {length} bytes, above the plaintext limit of {max_plaintext_length} bytes",
        )
    data = memoryview(packed)[PACKED_PREFIX_LENGTH:]
    if method == METHOD_STORED:
        if len(data) != length:
            raise _malformed(f"stored payload of {len(data)} bytes declares {length} bytes")
        return bytes(data)
    if method == METHOD_ZSTD:
        out = _zstd_decompress(data, length)
    else:
        out = _lz4_decompress(data, length)
    if len(out) != length:
        raise _malformed(f"the data decompresses to {len(out)} bytes, not the declared {length}")
    return out


def _zstd_decompress(data: memoryview, length: int) -> bytes:
    zstd = _module("zstd")
    if zstd is None:  # the suite check of step 3 ([CMP-5]) makes this unreachable
        raise SealpostError(ErrorCategory.UNSUPPORTED_SUITE, "zstd is not installed")
    raw = bytes(data)
    # One RFC 8878 frame: its magic first (no skippable or legacy frame).
    if raw[:4] != _ZSTD_MAGIC:
        raise _malformed("method 01 data does not start with a zstd frame")
    try:
        params = zstd.get_frame_parameters(raw)
    except zstd.ZstdError:
        raise _malformed("method 01 data has no valid zstd frame header") from None
    if params.dict_id != 0:
        raise _malformed("the zstd frame names a dictionary")
    # Window_Size as RFC 8878 3.1.1.1.2 defines it: from the Window_Descriptor, or the content
    # size of a single-segment frame (zstd reports both as window_size).
    if params.window_size > ZSTD_MAX_WINDOW:
        raise _malformed(f"the zstd frame's Window_Size of {params.window_size} bytes is above 2^27")
    declared = params.content_size
    if declared == _ZSTD_UNKNOWN_SIZE:
        # zstd decodes a frame in one pass, straight into the output and with no window buffer
        # of its own, only when the header gives the content size; otherwise its streaming
        # decoder reserves Window_Size (up to 128 MiB) for a frame of a few bytes, and keeps it
        # in the thread's context. The header is rewritten to declare `length` (same
        # Window_Descriptor, so the same block size limit; same checksum flag; the
        # Dictionary_ID, 0 here, dropped): zstd then checks that the frame gives exactly
        # `length` bytes, and decodes into a buffer of that size.
        raw = _with_content_size(raw, zstd.frame_header_size(raw), length)
        declared = length
    elif declared != length:
        # Checked before decompressing, so that a frame header cannot make the decompressor
        # allocate more than `length`.
        raise _malformed(f"the zstd frame declares {declared} bytes, not {length}")
    dctx = _local.dctx
    if dctx is None:
        dctx = _local.dctx = zstd.ZstdDecompressor()
    try:
        if declared == 0:
            # zstandard's one-shot call returns b"" for a frame declaring 0 bytes without
            # reading the rest; the streaming object checks the blocks, checksum and trailer
            # (and reserves nothing: a known content size of 0 bounds its buffers).
            obj = dctx.decompressobj()
            out = obj.decompress(raw)
            if not obj.eof or obj.unused_data:
                raise _malformed("method 01 data is not exactly one complete zstd frame")
            return out  # type: ignore[no-any-return]
        # One call into a buffer of exactly `length` bytes (the declared content size): a frame
        # giving more or fewer fails, as does any byte after the frame (a second or skippable
        # frame).
        return dctx.decompress(raw, allow_extra_data=False)  # type: ignore[no-any-return]
    except zstd.ZstdError:
        raise _malformed("method 01 data is not one valid zstd frame of the declared length") from None


def _with_content_size(frame: bytes, header_size: int, length: int) -> bytes:
    """``frame`` (a header without Frame_Content_Size, so not single-segment) with a header
    declaring ``length`` in a 4-byte Frame_Content_Size (RFC 8878 3.1.1.1.1: FCS_Field_Size 2)."""
    descriptor = frame[4]
    return b"".join((
        _ZSTD_MAGIC,
        bytes((0x80 | (descriptor & 0x04), frame[5])),  # keep Content_Checksum_flag, Window_Descriptor
        struct.pack("<I", length),
        memoryview(frame)[header_size:],
    ))


def _lz4_decompress(data: memoryview, length: int) -> bytes:
    lz4 = _module("lz4")
    if lz4 is None:
        raise SealpostError(ErrorCategory.UNSUPPORTED_SUITE, "lz4 is not installed")
    if not data:
        raise _malformed("method 02 data is empty: not an LZ4 block")
    _lz4_check_offsets(data)
    try:
        # A raw block decoded into exactly `length` bytes: the decoder fails when the block
        # would write beyond them or does not end exactly at the end of `data`.
        return lz4.decompress(data, uncompressed_size=length)  # type: ignore[no-any-return]
    except lz4.LZ4BlockError:
        raise _malformed("method 02 data is not one valid LZ4 block of the declared length") from None


def _lz4_check_offsets(data: memoryview) -> None:
    """Refuse a match offset of 0, which the LZ4 Block Format declares invalid but liblz4's
    decoder lets through on some paths, copying from output it has not written ([CMP-4]).
    Walks the sequences without decoding them (a Python loop per sequence: the price of
    reading LZ4 here); anything else wrong is the decoder's to find."""
    src = bytes(data)
    p = 0
    end = len(src)
    while p < end:
        token = src[p]
        p += 1
        literals = token >> 4
        if literals == 15:
            b = 255
            while b == 255:
                if p >= end:
                    return  # truncated: the decoder reports it
                b = src[p]
                p += 1
                literals += b
        p += literals
        if p + 2 > end:
            return  # the last sequence (literals only), or literals past the end: the decoder's
        if not (src[p] or src[p + 1]):
            raise _malformed("an LZ4 match with offset 0")
        p += 2
        if token & 0x0F == 15:
            b = 255
            while b == 255:
                if p >= end:
                    return
                b = src[p]
                p += 1
