"""File-like streaming of segmented envelopes (SPEC.md section 17).

:class:`EncryptingWriter` (from :meth:`sealpost.Encryptor.writer`) writes one envelope piece
by piece; :class:`DecryptingReader` (from :meth:`sealpost.Decryptor.reader`) releases its
plaintext one authenticated segment at a time. Both hold at most one segment, whatever the
length of the payload. ::

    >>> import io, shutil, sealpost
    >>> kek = sealpost.SymmetricKek("backups", 1, bytes(range(32)))
    >>> src, sealed, restored = io.BytesIO(b"x" * 200_000), io.BytesIO(), io.BytesIO()
    >>> with sealpost.Encryptor([kek], segmented=True).writer(sealed, {"file": "db.dump"}) as w:
    ...     shutil.copyfileobj(src, w)
    ...     w.finish()                                   # the explicit end of the payload
    >>> sealed.seek(0)
    0
    >>> r = sealpost.Decryptor([kek]).reader(sealed, {"file": "db.dump"})
    >>> shutil.copyfileobj(r, restored)
    >>> restored.getvalue() == b"x" * 200_000
    True
    >>> cut = io.BytesIO(sealed.getvalue()[:-100])      # truncated: an error, never a short file
    >>> shutil.copyfileobj(sealpost.Decryptor([kek]).reader(cut, {"file": "db.dump"}), io.BytesIO())
    Traceback (most recent call last):
    ...
    sealpost.stream.SealpostStreamError: authentication-failed: ... (discard the 196608 plaintext bytes already read)
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, Optional

from .errors import ErrorCategory, SealpostError
from .header import NeedMore, SEGMENT_PLAINTEXT_LENGTH, SIGNATURE_LENGTH, Header, max_body_length, parse_header
from .segments import MAX_SEGMENTS, SEGMENT_LENGTH, SegmentCipher
from .suites import TAG_LENGTH, Suite

if TYPE_CHECKING:
    from .envelope import _DekState
    from .recipients import DecryptionKey
    from .signing import SignerRef, Trust, VerificationCache

__all__ = ["EncryptingWriter", "DecryptingReader", "SealpostStreamError"]

#: Bytes asked of the source per read while the header is incomplete.
_HEADER_READ = 4096


class SealpostStreamError(SealpostError):
    """A failure while reading a stream, after some plaintext may have been released.

    ``released`` is the number of plaintext bytes the reader had returned before the failure:
    they belong to a stream that did not authenticate as a whole, so the caller must discard
    them ([SEG-4]). Every later read raises the same error: a failed stream never reports an
    end of data.
    """

    released: int

    def __init__(self, category: ErrorCategory, message: str, released: int) -> None:
        super().__init__(category, message + f" (discard the {released} plaintext bytes already read)")
        self.released = released


def _write_all(sink: Any, data: memoryview) -> None:
    """Write every byte of ``data`` to ``sink``, also when it writes less than asked."""
    while len(data):
        n = sink.write(data)
        if n is None or n >= len(data):  # None: a text-free sink that reports nothing
            return
        data = data[n:]


class EncryptingWriter(io.RawIOBase):
    """A binary file that encrypts what is written into one segmented envelope.

    Made by :meth:`sealpost.Encryptor.writer`, which has already written the header. Every
    65536 bytes become a segment once more data follows. Completing the envelope is an explicit
    act ([SEG-9]): :meth:`finish` writes the last segment (flag ``01``). :meth:`close` only
    releases the writer: called without :meth:`finish` (from a ``finally`` block, a ``with``
    block left normally or by an exception, a writer dropped unclosed) it writes no last
    segment, so the envelope stays incomplete and fails for every reader, where a completed one
    would pass a truncated payload off as whole. The same after any failure while writing.
    Memory is two segment buffers. ``sink`` is never closed.
    """

    def __init__(self, sink: BinaryIO, state: "_DekState", nonce: bytes, external: bytes) -> None:
        super().__init__()
        header = state.header_prefix + nonce
        self._sink = sink
        self._cipher: Optional[SegmentCipher] = state.segment_cipher(nonce)
        self._aad: Optional[bytes] = header + external
        self._pending = bytearray(SEGMENT_PLAINTEXT_LENGTH)
        self._out = bytearray(SEGMENT_LENGTH)
        self._fill = 0
        self._index = 0
        self._failed = False
        self._finished = False
        self._written = 0
        _write_all(sink, memoryview(header))

    def writable(self) -> bool:
        return True

    @property
    def plaintext_length(self) -> int:
        """Plaintext bytes accepted so far."""
        return self._written

    @property
    def finished(self) -> bool:
        """True once :meth:`finish` has completed the envelope."""
        return self._finished

    def write(self, data: Any) -> int:  # type: ignore[override]
        """Encrypt ``data`` (any bytes-like object); returns its length: all of it is taken."""
        if self.closed or self._finished:
            raise ValueError("write to a finished or closed EncryptingWriter")
        if self._failed:
            raise ValueError("this EncryptingWriter failed earlier; its envelope is incomplete")
        with memoryview(data) as view, view.cast("B") as src:
            n = len(src)
            off = 0
            while off < n:
                if self._fill == SEGMENT_PLAINTEXT_LENGTH:
                    self._emit(last=False)  # more data follows: this one is not the last
                take = min(SEGMENT_PLAINTEXT_LENGTH - self._fill, n - off)
                self._pending[self._fill : self._fill + take] = src[off : off + take]
                self._fill += take
                off += take
        self._written += n
        return n

    def _emit(self, last: bool) -> None:
        assert self._cipher is not None
        n = self._fill
        try:
            with memoryview(self._pending) as p, memoryview(self._out) as o:
                self._cipher.seal_into(self._index, last, self._aad, p[:n], o[: n + TAG_LENGTH])
                _write_all(self._sink, o[: n + TAG_LENGTH])
        except BaseException:
            self._failed = True
            raise
        self._index += 1
        self._fill = 0
        self._aad = None  # aad_i is empty for i > 0

    def finish(self) -> None:
        """Declare the payload complete: write the last segment (flag ``01``), completing the
        envelope, and release the writer ([SEG-9]). Refused after a failure or :meth:`close`;
        a second call does nothing. Does not close the sink."""
        if self._finished:
            return
        if self.closed:
            raise ValueError("finish() on a closed EncryptingWriter: its envelope is incomplete")
        if self._failed:
            raise ValueError("this EncryptingWriter failed earlier; its envelope is incomplete")
        try:
            self._emit(last=True)
            self._finished = True
        finally:
            self.close()

    def close(self) -> None:
        """Release the writer. Without an earlier :meth:`finish` this writes no last segment:
        the envelope stays incomplete ([SEG-9]). Does not close the sink."""
        if self.closed:
            return
        try:
            self._failed = self._failed or not self._finished
            self._release()
        finally:
            super().close()

    def _release(self) -> None:
        self._cipher = None
        self._aad = None
        self._pending[:] = bytes(len(self._pending))
        self._fill = 0

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # A writer dropped without finish() never completes its envelope.
        if not self.closed:
            self.close()


class DecryptingReader(io.RawIOBase):
    """A binary file of the plaintext of one envelope read from a source.

    Made by :meth:`sealpost.Decryptor.reader`, which has already checked the header, the
    writer and the key. ``read``/``readinto`` release segment ``i`` only once it has been
    authenticated ([SEG-3]), and report the end of data only after the last segment (flag
    ``01``) authenticated with no byte after it ([SEG-6]). Truncation, a dropped, reordered,
    repeated or foreign segment, or bytes appended raise :class:`SealpostStreamError`
    (``authentication-failed``), from this read and every later one ([SEG-4]).

    ``verified_signer`` is the writer step 10a verified, or ``None`` ([SIG-8]).
    """

    suite: Suite
    verified_signer: Optional["SignerRef"]

    def __init__(self) -> None:  # built by _start
        super().__init__()
        self._source: Any = None
        self._buf = bytearray()
        self._eof = False
        self._cipher: Optional[SegmentCipher] = None
        self._aad: Optional[bytes] = None
        self._plain: Any = b""
        self._pos = 0
        self._end = 0
        self._index = 0
        self._done = False
        self._released = 0
        self._error: Optional[SealpostStreamError] = None
        self._in = bytearray()  # segmented suites: the input buffer, self._have bytes used
        self._have = 0

    @classmethod
    def _start(
        cls,
        source: BinaryIO,
        keys: Sequence["DecryptionKey"],
        external: bytes,
        required_context: Any,
        limit: int,
        trust: "Trust",
        cache: Optional["VerificationCache"],
        key_cache: Any = None,
    ) -> "DecryptingReader":
        from . import envelope as env
        from .signing import check_writer

        self = cls()
        self._source = source
        header = self._read_header()
        if not header.suite.segmented:
            # The whole envelope is needed before any byte can be released ([AUTH-3]); read
            # one byte past the longest one the limit allows, so that step 9 sees the excess.
            bound = max_body_length(header.suite, limit) + SIGNATURE_LENGTH + 1
            self._fill(bound)
            data = header.raw + self._buf[:bound]
            self._buf = bytearray()
            opened = env._open(data, keys, external, required_context, limit, trust, cache, key_cache)
            self.suite = opened.suite
            self.verified_signer = opened.verified_signer
            self._plain = opened.plaintext
            self._end = len(opened.plaintext)
            self._done = True
            return self
        # Segmented suite, streamed: steps 10, 10a (mode 01 only, [SIG-3]), 11 and 12; step 9
        # gives way to section 17.
        env._check_required(header, required_context)
        self.verified_signer = check_writer(header, trust, None, None, external, cache) if trust else None
        derived, _ = env._derive_checked_keys(header, external, keys, key_cache)
        assert derived.prk is not None
        self.suite = header.suite
        self._cipher = SegmentCipher(header.suite, env.derive_segment_key(derived.prk, int(header.suite), header.nonce))
        self._aad = header.raw + external
        self._plain = bytearray(SEGMENT_PLAINTEXT_LENGTH)
        # From here the input goes to one fixed buffer: a segment and one byte more.
        leftover = self._buf
        self._in = bytearray(max(SEGMENT_LENGTH + 1, len(leftover)))
        self._in[: len(leftover)] = leftover
        self._have = len(leftover)
        self._buf = bytearray()
        return self

    def _read_source(self, n: int) -> bytes:
        data = self._source.read(n)
        if data is None:
            raise ValueError("the source is non-blocking and has no data; give a blocking source")
        return bytes(data)

    def _fill(self, n: int) -> None:
        """Read until the buffer holds ``n`` bytes or the source ends."""
        while len(self._buf) < n and not self._eof:
            chunk = self._read_source(n - len(self._buf))
            if not chunk:
                self._eof = True
            else:
                self._buf += chunk

    def _read_header(self) -> Header:
        """Steps 1 to 8 on the bytes read so far, reading more while the header is incomplete."""
        while True:
            try:
                header = parse_header(bytes(self._buf), complete=self._eof)
            except NeedMore:
                chunk = self._read_source(_HEADER_READ)
                if not chunk:
                    self._eof = True
                else:
                    self._buf += chunk
                continue
            del self._buf[: len(header.raw)]
            return header

    def readable(self) -> bool:
        return True

    @property
    def released(self) -> int:
        """Plaintext bytes returned so far."""
        return self._released

    def readinto(self, b: Any) -> int:  # type: ignore[override]
        if self._error is not None:
            raise self._error
        if self.closed:
            raise ValueError("read from a closed DecryptingReader")
        if self._pos == self._end:
            if self._done:
                return 0
            try:
                self._next_segment()
            except SealpostError as e:
                self._fail(e)
        with memoryview(b) as view, view.cast("B") as out:
            n = min(len(out), self._end - self._pos)
            out[:n] = self._plain[self._pos : self._pos + n]
        self._pos += n
        self._released += n
        return n

    def _fail(self, e: SealpostError) -> None:
        self._error = SealpostStreamError(e.category, e.message, self._released)
        self._cipher = None
        self._aad = None
        if isinstance(self._plain, bytearray):
            self._plain[:] = bytes(len(self._plain))
        self._end = self._pos = 0
        raise self._error from None

    def _fill_in(self, n: int) -> None:
        """Read into the input buffer until it holds ``n`` bytes or the source ends."""
        readinto = getattr(self._source, "readinto", None)
        while self._have < n and not self._eof:
            if readinto is not None:
                with memoryview(self._in) as view:
                    k = readinto(view[self._have : n])
                if k is None:
                    raise ValueError("the source is non-blocking and has no data; give a blocking source")
            else:
                chunk = self._read_source(n - self._have)
                k = len(chunk)
                self._in[self._have : self._have + k] = chunk
            if k == 0:
                self._eof = True
            self._have += k

    def _next_segment(self) -> None:
        """Read, authenticate and decrypt the next segment ([SEG-2], [SEG-3], [SEG-6])."""
        assert self._cipher is not None
        self._fill_in(SEGMENT_LENGTH + 1)  # one byte more tells whether this segment is the last
        have = self._have
        if have and self._index >= MAX_SEGMENTS:
            # [SEG-5]: the body holds bytes beyond segment 2^32 - 1; fail before opening them,
            # whatever their length.
            raise SealpostError(
                ErrorCategory.LIMIT_EXCEEDED, "the body holds bytes beyond segment 2^32 - 1: 2^48 bytes at most"
            )
        last = have <= SEGMENT_LENGTH
        length = have if last else SEGMENT_LENGTH
        if last and (length < TAG_LENGTH or (length == TAG_LENGTH and self._index > 0)):
            raise SealpostError(
                ErrorCategory.AUTHENTICATION_FAILED,
                "the envelope ends inside a segment's tag, or with an empty segment after others"
                if length else "the envelope ends before its last segment",
            )
        with memoryview(self._in) as src, memoryview(self._plain) as dst:
            self._cipher.open_into(
                self._index, last, self._aad, src[:length], dst[: length - TAG_LENGTH]
            )
        rest = have - length
        if rest:
            self._in[:rest] = self._in[length:have]
        self._have = rest
        self._aad = None
        self._index += 1
        self._pos = 0
        self._end = length - TAG_LENGTH
        if last:
            self._done = True
            self._cipher = None
