"""Header parsing: SPEC.md sections 2, 3, 10 and the order of section 11 (steps 1 to 9).

Each test names the requirement ids it checks.
"""

from __future__ import annotations

import pytest

import sealpost
from helpers import MAGIC, entry, envelope, header, recipient
from sealpost import ErrorCategory as C
from sealpost import SealpostError

MAX_HEADER = 16384


def category(data: bytes, **kwargs: object) -> C | None:
    try:
        sealpost.inspect(data, **kwargs)  # type: ignore[arg-type]
    except SealpostError as e:
        return e.category
    return None


def test_minimal_envelope_parses() -> None:
    info = sealpost.inspect(envelope())
    assert info.suite is sealpost.Suite.AES_256_GCM
    assert info.recipients[0].key_id_text == "orders"
    assert info.plaintext_length == 0


# --- 2. Detection and version ------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"\xf7", b"\xf7\x53", b"\xf7\x53\x51\x01", b"{}", b"\x00\x00\x00\x00\x01", b"\xf6SP\x01"],
)
def test_det2_no_magic_is_not_an_envelope(data: bytes) -> None:
    """[DET-2]: fewer than 3 bytes, or not the magic."""
    assert category(data) is C.NOT_AN_ENVELOPE


def test_det2_non_envelope_is_never_returned_as_plaintext() -> None:
    """[DET-2], [SEC-1]"""
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(b"plain text", [])
    assert e.value.category is C.NOT_AN_ENVELOPE


def test_det3_magic_only_is_malformed() -> None:
    """[DET-3]"""
    assert category(MAGIC) is C.MALFORMED_HEADER


@pytest.mark.parametrize("version", [0x00, 0x02, 0x7F, 0xFF])
def test_det4_unknown_version(version: int) -> None:
    """[DET-4], [EXT-2]: even when nothing follows the version byte."""
    assert category(MAGIC + bytes([version])) is C.UNSUPPORTED_VERSION
    assert category(envelope(version=version)) is C.UNSUPPORTED_VERSION


def test_det5_base64_prefix() -> None:
    """[DET-5]: the base64 of any v1 envelope starts with 91NQA."""
    import base64

    assert base64.b64encode(envelope()).startswith(b"91NQA")
    assert base64.urlsafe_b64encode(envelope()).startswith(b"91NQA")


# --- 4. Suites -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suite", [0x0000, 0x0004, 0x00FF, 0xFEFF, 0xFF00, 0xFFFF])
def test_suite2_unsupported_suite(suite: int) -> None:
    """[SUITE-2]: reserved, unassigned and private-use ids."""
    assert category(envelope(suite=suite)) is C.UNSUPPORTED_SUITE


def test_suite2_suite_checked_before_the_rest_is_read() -> None:
    """[SUITE-2], [ERR-2]: step 3 comes before any truncation further on."""
    assert category(MAGIC + b"\x01\x00\x05") is C.UNSUPPORTED_SUITE


def test_hdr2_truncated_suite_is_malformed() -> None:
    """[HDR-2]"""
    assert category(MAGIC + b"\x01\x00") is C.MALFORMED_HEADER


# --- 3. Layout, truncation -----------------------------------------------------------------------


@pytest.mark.parametrize("suite", [1, 2, 3])
def test_hdr2_every_truncation_inside_the_header_is_malformed(suite: int) -> None:
    """[HDR-2], [DET-2], [DET-3], [AUTH-4]: cut a valid envelope at every offset."""
    rs = [recipient(1), recipient(0x7F, b"test-kms://alpha", 0, bytes(60))]
    if suite != 3:  # [SUITE-4]: suite 0003 carries no type 02 or 03 entry
        rs += [recipient(2, b"consumer-a"), recipient(3, b"test-kms://alpha", 0, bytes(60))]
    h = header(suite=suite, recipients=rs, entries=[entry(b"a", b"1"), entry(b"b", b"")])
    data = h + bytes(16)
    for cut in range(len(data)):
        got = category(data[:cut])
        if cut < 3:
            assert got is C.NOT_AN_ENVELOPE, cut
        elif cut < len(h):
            assert got is C.MALFORMED_HEADER, cut
        else:
            assert got is C.AUTHENTICATION_FAILED, cut
    assert category(data) is None


def test_recipient_count_zero_is_malformed() -> None:
    """[HDR-3]"""
    assert category(envelope(recipients=[], count=0)) is C.MALFORMED_HEADER


@pytest.mark.parametrize("count", [33, 255])
def test_lim1_recipient_count_over_32(count: int) -> None:
    """[LIM-1]: checked as soon as read, before the entries."""
    assert category(envelope(recipients=[], count=count)) is C.LIMIT_EXCEEDED


def test_32_recipients_allowed() -> None:
    """[RCP-1]"""
    rs = [recipient(1, f"k{i}".encode()) for i in range(32)]
    assert category(envelope(recipients=rs)) is None


def test_hdr3_zero_key_id_length() -> None:
    """[HDR-3]"""
    assert category(envelope(recipients=[recipient(1, b"")])) is C.MALFORMED_HEADER


def test_hdr3_zero_wrapped_length() -> None:
    """[HDR-3]"""
    assert category(envelope(recipients=[recipient(3, b"kms", 0, b"")])) is C.MALFORMED_HEADER


@pytest.mark.parametrize("wrapped_len", [4097, 0xFFFF])
def test_lim1_wrapped_length_over_4096(wrapped_len: int) -> None:
    """[LIM-1]: declared length checked before the bytes are read."""
    r = recipient(3, b"kms", 0, b"", wrapped_len=wrapped_len)
    assert category(envelope(recipients=[r])) is C.LIMIT_EXCEEDED


def test_wrapped_length_4096_allowed() -> None:
    assert category(envelope(recipients=[recipient(3, b"kms", 0, bytes(4096))])) is None


BAD_UTF8 = [
    b"\xc0\x80",  # overlong NUL
    b"\xe0\x80\xaf",  # overlong '/'
    b"\xed\xa0\x80",  # surrogate U+D800
    b"\xf4\x90\x80\x80",  # above U+10FFFF
    b"\xf5\x80\x80\x80",
    b"\x80",  # lone continuation byte
    b"ab\xe2\x82",  # truncated sequence
    b"\xff",
]


@pytest.mark.parametrize("bad", BAD_UTF8)
def test_hdr4_key_id_not_utf8(bad: bytes) -> None:
    """[HDR-4]"""
    assert category(envelope(recipients=[recipient(1, bad)])) is C.MALFORMED_HEADER


@pytest.mark.parametrize("bad", BAD_UTF8)
def test_hdr4_context_key_and_value_not_utf8(bad: bytes) -> None:
    """[HDR-4]"""
    assert category(envelope(entries=[entry(bad, b"v")])) is C.MALFORMED_HEADER
    assert category(envelope(entries=[entry(b"k", bad)])) is C.MALFORMED_HEADER


def test_hdr4_valid_multibyte_utf8_accepted() -> None:
    key_id = "clé-🔑".encode()
    info = sealpost.inspect(envelope(recipients=[recipient(1, key_id)], entries=[entry("ü".encode(), "€".encode())]))
    assert info.recipients[0].key_id_text == "clé-🔑"
    assert info.stored_context == {"ü": "€"}


@pytest.mark.parametrize(("rtype", "length"), [(1, 39), (1, 41), (1, 80), (2, 40), (2, 79), (2, 81)])
def test_rcp3_fixed_wrapped_lengths(rtype: int, length: int) -> None:
    """[RCP-3]: type 01 needs 40 bytes, type 02 needs 80, whatever keys the reader holds."""
    assert category(envelope(recipients=[recipient(rtype, b"k", 1, bytes(length))])) is C.MALFORMED_HEADER


@pytest.mark.parametrize("rtype", [0x00, 0x03, 0x04, 0x7F, 0x80, 0xFF])
def test_rcp4_other_types_have_free_lengths(rtype: int) -> None:
    """[RCP-4]: unknown (and KMS) entries are length prefixed and parse with any length."""
    for length in (1, 40, 80, 123):
        assert category(envelope(recipients=[recipient(rtype, b"k", 1, bytes(length))])) is None


# --- 7. Stored context ---------------------------------------------------------------------------


def test_ctx2_unsorted_context_is_malformed() -> None:
    """[CTX-2]"""
    assert category(envelope(entries=[entry(b"b", b""), entry(b"a", b"")])) is C.MALFORMED_HEADER


def test_ctx2_duplicate_key_is_malformed() -> None:
    """[CTX-2]"""
    assert category(envelope(entries=[entry(b"a", b"1"), entry(b"a", b"2")])) is C.MALFORMED_HEADER


def test_ctx2_order_is_unsigned_bytes() -> None:
    """[CTX-1], [CTX-2]: "Z" < "a" < "é" (0xC3 ...) as unsigned bytes; a prefix sorts first."""
    ok = [entry(b"Z", b""), entry(b"a", b""), entry(b"ab", b""), entry("é".encode(), b"")]
    assert category(envelope(entries=ok)) is None
    assert category(envelope(entries=[entry("é".encode(), b""), entry(b"z", b"")])) is C.MALFORMED_HEADER


def test_hdr3_zero_context_key_length() -> None:
    """[HDR-3]"""
    assert category(envelope(entries=[entry(b"", b"v")])) is C.MALFORMED_HEADER


def test_lim1_context_entry_count_over_32() -> None:
    """[LIM-1]: checked as soon as read."""
    assert category(envelope(entries=[], entry_count=33)) is C.LIMIT_EXCEEDED


def test_context_32_entries_allowed() -> None:
    es = [entry(f"k{i:02d}".encode(), b"v") for i in range(32)]
    assert category(envelope(entries=es)) is None


def test_lim1_context_value_over_1024() -> None:
    """[LIM-1]"""
    assert category(envelope(entries=[entry(b"k", b"", value_len=1025)])) is C.LIMIT_EXCEEDED
    assert category(envelope(entries=[entry(b"k", b"v" * 1024)])) is None


# --- 10. Limits ----------------------------------------------------------------------------------


def _big_kms_header(last_wrapped: int, *, suite: int = 1) -> bytes:
    """4 KMS recipients with 1-byte key ids and a 12-byte nonce: 12376 + last_wrapped bytes."""
    rs = [recipient(3, bytes([0x61 + i]), 0, bytes(4096)) for i in range(3)]
    rs.append(recipient(3, b"d", 0, bytes(last_wrapped)))
    return header(suite=suite, recipients=rs)


def test_lim2_header_of_exactly_16384_bytes_is_allowed() -> None:
    """[LIM-2]: the limit is inclusive."""
    h = _big_kms_header(4008)
    assert len(h) == MAX_HEADER
    assert category(h + bytes(16)) is None


def test_lim2_header_of_16385_bytes_is_limit_exceeded() -> None:
    """[LIM-2]: the nonce would end at 16385."""
    h = _big_kms_header(4009)
    assert len(h) == MAX_HEADER + 1
    assert category(h + bytes(16)) is C.LIMIT_EXCEEDED


def test_lim2_limit_checked_before_truncation() -> None:
    """[LIM-2]: a field that would cross 16384 is limit-exceeded even when the input ends first."""
    rs = [recipient(3, bytes([0x61 + i]), 0, bytes(4096)) for i in range(3)]
    rs.append(recipient(3, b"d", 0, bytes(100), wrapped_len=4096))  # declares 4096, holds 100
    h = header(recipients=rs)
    assert category(h[: 7 + 3 * 4105 + 20]) is C.LIMIT_EXCEEDED


def test_lim2_fixed_size_field_crossing_limit() -> None:
    """[LIM-2] applies to fixed-size fields too: here the commitment."""
    h = _big_kms_header(4040)  # recipients end at offset 16371; commitment would end at 16403
    assert category(h) is C.LIMIT_EXCEEDED


def test_lim3_body_longer_than_limit() -> None:
    """[LIM-3], step 9."""
    assert category(envelope(body=bytes(116)), max_plaintext_length=100) is None
    assert category(envelope(body=bytes(117)), max_plaintext_length=100) is C.LIMIT_EXCEEDED


@pytest.mark.parametrize("body_len", [0, 1, 15])
def test_auth4_body_shorter_than_tag(body_len: int) -> None:
    """[AUTH-4]"""
    assert category(envelope(body=bytes(body_len))) is C.AUTHENTICATION_FAILED


def test_auth4_siv_body_shorter_than_tag() -> None:
    """[AUTH-4]: the synthetic IV counts as the tag."""
    assert category(envelope(suite=3, body=bytes(15))) is C.AUTHENTICATION_FAILED
    assert category(envelope(suite=3, body=bytes(16))) is None


def test_hdr5_trailing_bytes_are_body() -> None:
    """[HDR-5]"""
    info = sealpost.inspect(envelope(body=bytes(40)))
    assert info.body_length == 40


# --- 11. Order of faults ([ERR-2]) ----------------------------------------------------------------


def test_err2_key_id_utf8_checked_after_the_entry_is_read() -> None:
    """[ERR-2], section 11 step 5: UTF-8 of the key id is checked after the wrapped length, so an
    oversized wrapped length in the same entry is reported first."""
    r = recipient(3, b"\xff", 0, b"", wrapped_len=5000)
    assert category(envelope(recipients=[r])) is C.LIMIT_EXCEEDED


def test_err2_earlier_entry_fault_wins() -> None:
    """[ERR-2]: a bad key id in entry 0 comes before an oversized entry 1."""
    rs = [recipient(1, b"\xff"), recipient(3, b"k", 0, b"", wrapped_len=5000)]
    assert category(envelope(recipients=rs)) is C.MALFORMED_HEADER


def test_err2_rcp3_after_wrapped_read() -> None:
    """[ERR-2], step 5: a wrong type-01 length is found only once the wrapped DEK is read,
    so a truncated wrapped DEK is reported as truncation (same category)."""
    r = recipient(1, b"k", 1, bytes(41))
    assert category(envelope(recipients=[r])[:20]) is C.MALFORMED_HEADER


def test_err2_context_utf8_after_value_length() -> None:
    """[ERR-2], step 7: the key's UTF-8 is checked after the value length."""
    assert category(envelope(entries=[entry(b"\xff", b"", value_len=2000)])) is C.LIMIT_EXCEEDED


def test_err2_context_order_after_utf8_of_same_entry() -> None:
    """[ERR-2], step 7: an unsorted entry whose value is bad UTF-8: both malformed-header."""
    es = [entry(b"b", b""), entry(b"a", b"\xff")]
    assert category(envelope(entries=es)) is C.MALFORMED_HEADER


def test_err2_header_faults_before_body_checks() -> None:
    """[ERR-2]: step 7 before step 9."""
    assert category(envelope(entries=[entry(b"", b"")], body=b"")) is C.MALFORMED_HEADER


def test_err2_unsupported_suite_before_recipient_faults() -> None:
    assert category(envelope(suite=9, recipients=[], count=0)) is C.UNSUPPORTED_SUITE


def test_inspect_never_raises_other_exceptions_on_garbage() -> None:
    import random

    rng = random.Random(1)
    prefixes = [b"", MAGIC, MAGIC + b"\x01", MAGIC + b"\x01\x00\x01", MAGIC + b"\x01\x00\x03"]
    for _ in range(3000):
        data = rng.choice(prefixes) + rng.randbytes(rng.randrange(0, 300))
        try:
            sealpost.inspect(data)
        except SealpostError:
            pass
