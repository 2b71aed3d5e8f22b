"""Error messages quote header text (key ids, KMS URIs) safely: no log injection ([SEC-4],
issue 8 finding 7), and no key material ([SEC-3])."""

from __future__ import annotations

import re

import pytest

import sealpost
from helpers import envelope, recipient
from sealpost import ErrorCategory as C
from sealpost import KmsAllowList, SealpostError, SymmetricKek
from sealpost.errors import escape_controls

RAW_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def error_of(data: bytes, keys: list[object]) -> SealpostError:
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(data, keys)  # type: ignore[arg-type]
    return e.value


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain ascii, é, \U0001f600", "plain ascii, é, \U0001f600"),
        ("line\nFAKE", "line\\nFAKE"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        ("\x00\x1b[31m\x7f", "\\x00\\x1b[31m\\x7f"),
        ("c1\x85\x9b", "c1\\x85\\x9b"),
        ("ls\u2028ps\u2029rlo\u202e", "ls\\u{2028}ps\\u{2029}rlo\\u{202e}"),
    ],
)
def test_sec4_escape_controls(text: str, escaped: str) -> None:
    """[SEC-4]: U+0000..U+001F and U+007F..U+009F, plus line separators and bidi controls."""
    assert escape_controls(text) == escaped


def test_sec4_every_message_is_escaped() -> None:
    """[SEC-4]"""
    e = SealpostError(C.UNWRAP_FAILED, "key 'x\n2026-01-01 INFO all good'")
    assert "\n" not in str(e) and "\n" not in e.message
    assert "\\n2026-01-01" in str(e)


def test_sec4_key_id_with_controls_in_reader_messages() -> None:
    """[SEC-4]: a hostile key id reaches the messages of [RCP-7] and of step 11 only escaped."""
    evil = "k\n2026-11-28 09:00:00 INFO login ok user=admin\x1b[2K".encode()
    dup = envelope(recipients=[recipient(0x7F, evil, 1), recipient(0x7F, evil, 1)])
    none_held = envelope(recipients=[recipient(1, evil, 1)])
    for data in (dup, none_held):
        e = error_of(data, [SymmetricKek("other", 1, bytes(32))])
        assert RAW_CONTROLS.search(str(e)) is None, str(e)
        assert "\\n2026-11-28" in str(e) and "\\x1b[2K" in str(e)


def test_sec4_kms_uri_with_controls_in_unwrap_message() -> None:
    """[SEC-4]"""
    class Refuses:
        def encrypt(self, key_uri: str, plaintext: bytes) -> bytes:
            return b"blob"

        def decrypt(self, key_uri: str, ciphertext: bytes) -> bytes:
            raise ValueError("no")

    uri = "test-kms://a/\r\nERROR forged"
    data = envelope(recipients=[recipient(3, uri.encode(), 0, b"blob")])
    e = error_of(data, [KmsAllowList(Refuses(), key_uri_prefixes=["test-kms://a/"])])
    assert e.category is C.UNWRAP_FAILED
    assert RAW_CONTROLS.search(str(e)) is None and "\\r\\nERROR forged" in str(e)


def test_sec3_no_key_material_in_messages() -> None:
    """[SEC-3]: a failing unwrap names the key, never its bytes."""
    kek = SymmetricKek("orders", 1, bytes(range(32)))
    env = sealpost.encrypt(b"p", [kek])
    wrong = SymmetricKek("orders", 1, bytes(range(1, 33)))
    e = error_of(env, [wrong])
    for secret in (kek.kek, wrong.kek):
        assert secret.hex() not in str(e) and repr(secret) not in str(e)
