"""Key loaders (docs/key-material.md) against the Java codec's fixture files.

Expected key bytes come from the fixtures' own documentation (keys/README.md: hand-written
byte strings for the keyrings, OpenSSL's text dump x25519-private.txt for the PEM keys), never
from the code under test.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

import sealpost
from sealpost import ErrorCategory, SealpostError
from sealpost import keys

from fixtures import key_fixtures_dir

PASSWORD = "correct-horse-battery"
KEYRING_PASSWORD = "Grüße, Sealpost \U0001F511"


def fixture(name: str) -> Path:
    return key_fixtures_dir() / name


def text(name: str) -> str:
    return fixture(name).read_text(encoding="utf-8")


def openssl_dump() -> tuple[bytes, bytes]:
    dump = text("x25519-private.txt")
    priv = re.search(r"priv:\n((?:\s+[0-9a-f:]+\n)+)", dump).group(1)
    pub = re.search(r"pub:\n((?:\s+[0-9a-f:]+\n?)+)", dump).group(1)
    as_bytes = lambda s: bytes.fromhex(re.sub(r"[\s:]", "", s))
    return as_bytes(priv), as_bytes(pub)


def invalid(excinfo: pytest.ExceptionInfo[SealpostError]) -> str:
    assert excinfo.value.category is ErrorCategory.INVALID_KEY_MATERIAL
    return excinfo.value.message


# --- keyrings --------------------------------------------------------------------------------


def test_plain_keyring_fixture() -> None:
    kr = keys.load_keyring(fixture("keyring-plain.txt"))
    expected = {
        ("orders", 1): bytes(range(0x00, 0x20)),
        ("orders", 2): bytes(range(0x20, 0x40)),
        ("orders", 3): bytes(range(0x40, 0x60)),
        ("payments/eu", 2147483647): b"\xff" * 32,
        ("payments/eu", 0): bytes(32),
        ("clés", 7): bytes(range(0x40, 0x60)),
    }
    assert {(e.key_id, e.version): e.key for e in kr.entries} == expected
    assert kr.current_version("orders") == 2  # primary, although 3 is higher
    assert kr.current_version("payments/eu") == 2147483647
    assert kr.current_version("clés") == 7
    assert kr.current("orders").kek == bytes(range(0x20, 0x40))
    assert len(kr.reader_keys()) == 6


def test_encrypted_keyring_fixture() -> None:
    kr = keys.load_keyring(fixture("keyring-encrypted.txt"), KEYRING_PASSWORD)
    assert {(e.key_id, e.version): e.key for e in kr.entries} == {
        ("orders", 1): bytes(range(0x00, 0x20)),
        ("orders", 2): bytes(range(0x20, 0x40)),
    }
    assert kr.current_version("orders") == 2


def test_encrypted_keyring_crlf_reads_the_same() -> None:
    data = fixture("keyring-encrypted.txt").read_bytes().replace(b"\n", b"\r\n")
    kr = keys.parse_keyring(data, KEYRING_PASSWORD)
    assert kr.holds("orders", 1) and kr.holds("orders", 2)


def test_encrypted_keyring_wrong_password_and_altered() -> None:
    data = fixture("keyring-encrypted.txt").read_bytes()
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(data, "wrong")
    assert "wrong password" in invalid(e)
    altered = data.replace(b"iterations 100000", b"iterations 100001")
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(altered, KEYRING_PASSWORD)
    assert "wrong password" in invalid(e)


@pytest.mark.parametrize("iterations", ["99999", "5000001", "1", "0100000"])
def test_encrypted_keyring_iteration_bounds_before_kdf(iterations: str) -> None:
    data = fixture("keyring-encrypted.txt").read_bytes().replace(
        b"iterations 100000", b"iterations " + iterations.encode()
    )
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(data, KEYRING_PASSWORD)
    assert "line 3" in invalid(e)


def test_password_mismatch_with_form() -> None:
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(fixture("keyring-plain.txt").read_bytes(), "pw")
    assert "not protected" in invalid(e)
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(fixture("keyring-encrypted.txt").read_bytes())
    assert "no password" in invalid(e)
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(fixture("keyring-encrypted.txt").read_bytes(), "")
    assert "empty" in invalid(e)


K = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
FF = "//////////////////////////////////////////8="


@pytest.mark.parametrize(
    "body",
    [
        "\ufeffsealpost-keyring v1\n",  # BOM
        "sealpost-keyring v1 \n",  # header with trailing space
        "# c\nsealpost-keyring v1\n",  # comment before the header
        f"sealpost-keyring v1\nkey orders 1 {K} # note\n",  # '#' after a field
        f"sealpost-keyring v1\nkey orders 01 {K}\n",  # leading zero
        f"sealpost-keyring v1\nkey orders 2147483648 {K}\n",  # too large
        f"sealpost-keyring v1\nkey orders 1 {K[:-2]}9=\n",  # non-zero trailing bits
        f"sealpost-keyring v1\nkey orders 1 {FF.replace('/', '_')}\n",  # URL-safe alphabet
        f"sealpost-keyring v1\nkey orders 1 {K[:-1]}\n",  # missing padding
        f"sealpost-keyring v1\nkey orders 1 {K}\nkey orders 1 {K}\n",  # duplicate
        f"sealpost-keyring v1\nkey a 1 {K} primary\nkey a 2 {K} primary\n",  # two primaries
        f"sealpost-keyring v1\nkey a 1 {K} Primary\n",
        f"sealpost-keyring v1\nKEY a 1 {K}\n",
        f"sealpost-keyring v1\nkey a\u00a0b 1 {K}\n",  # forbidden (NBSP) in key id
        f"sealpost-keyring v1\nkey a\u2028b 1 {K}\n",
        f"sealpost-keyring v1\nkey {'x' * 256} 1 {K}\n",  # key id too long
        f"sealpost-keyring v1\nkey a 1 {K}\rkey b 1 {K}\n",  # lone CR
        "sealpost-keyring v1\n# bell \x07\n",  # control in a comment
        "sealpost-keyring v1\nkey a 1\n",
        "sealpost-keyring v3\n",  # unknown format version
        "sealpost-keyring v2 \n",
    ],
)
def test_plain_keyring_rejects(body: str) -> None:
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(body.encode("utf-8"))
    msg = invalid(e)
    assert K not in msg  # never the key's base64


def test_plain_keyring_accepts_crlf_and_missing_final_lf() -> None:
    kr = keys.parse_keyring(f"sealpost-keyring v1\r\n\r\n  \t\nkey a 0 {K}".encode())
    assert kr.kek("a", 0).kek == bytes(range(32))
    assert len(keys.parse_keyring(b"sealpost-keyring v1\n")) == 0


def test_keyring_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"sealpost-keyring v1\n" + b"#" * (1 << 20))
    os.chmod(big, 0o600)
    with pytest.raises(SealpostError) as e:
        keys.load_keyring(big)
    assert "larger than" in invalid(e)


def test_missing_file_is_invalid_key_material(tmp_path: Path) -> None:
    with pytest.raises(SealpostError) as e:
        keys.load_keyring(tmp_path / "none.txt")
    invalid(e)


def test_permission_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    copy = tmp_path / "kr.txt"
    shutil.copy(fixture("keyring-plain.txt"), copy)
    os.chmod(copy, 0o600)
    with caplog.at_level(logging.WARNING, logger=keys.LOGGER_NAME):
        keys.load_keyring(copy)
    assert not caplog.records
    os.chmod(copy, 0o644)
    with caplog.at_level(logging.WARNING, logger=keys.LOGGER_NAME):
        kr = keys.load_keyring(copy)
    assert len(kr) == 6  # still loaded
    assert len(caplog.records) == 1
    msg = caplog.records[0].getMessage()
    assert "group and others" in msg and str(copy) in msg and K not in msg
    pem = tmp_path / "k.pem"
    shutil.copy(fixture("x25519-private.pem"), pem)
    os.chmod(pem, 0o640)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=keys.LOGGER_NAME):
        keys.load_private_key(pem, "c", 1)
    assert len(caplog.records) == 1 and "group" in caplog.records[0].getMessage()


# --- keyring format version 2 (docs/key-material.md 1.7) -------------------------------------
#
# keyring-v2-plain.txt and keyring-v2-encrypted.txt were written by the Java command line; the
# expected bytes, states and times below are those the fixture README lists (read back with
# coreutils), not values computed by the code under test.

ORDERS_2 = bytes(range(0x20, 0x40))
ORDERS_3 = bytes(range(0x40, 0x60))
ORDERS_4 = bytes.fromhex("407b62d69fc1af3d1ac74f331c9284439e93082c945f0e271c3cf54729787c98")
BILLING_0 = b"\xff" * 32
BILLING_1 = bytes(32)
BILLING_2 = bytes.fromhex("3cb115b94be55e2689c8fdff927535bd42ec1ed9859dff423063fa7b2d51be8c")
AUDIT_1 = bytes.fromhex("9ed270a3d9f89357242f2978eef714729c86380c2e006ff1816ecbf738c51e41")
AUDIT_2 = bytes.fromhex("d3eaac29bc7f09bafad49ec79a16fc4e8a9e023fa39e5fcbdb4ddc41f30553a7")

# (key id, version) -> (key, primary, disabled, created), in file order
V2_PLAIN = {
    ("orders", 2): (ORDERS_2, False, True, None),
    ("orders", 3): (ORDERS_3, True, False, None),
    ("billing", 0): (BILLING_0, False, True, None),
    ("billing", 1): (BILLING_1, False, False, None),
    ("orders", 4): (ORDERS_4, False, False, "2026-11-28T09:06:55Z"),
    ("billing", 2): (BILLING_2, True, False, "2026-11-28T09:06:56Z"),
    ("audit", 1): (AUDIT_1, False, False, "2026-11-28T09:06:58Z"),
}
V2_ENCRYPTED = {
    **V2_PLAIN,
    ("audit", 1): (AUDIT_1, False, True, "2026-11-28T09:06:58Z"),
    ("audit", 2): (AUDIT_2, True, False, "2026-11-28T09:07:02Z"),
}
V2_RETIRED = [keys.RetiredVersion("orders", 1, "2026-11-28T09:06:54Z")]


def states(kr: keys.Keyring) -> dict[tuple[str, int], tuple[bytes, bool, bool, str | None]]:
    return {(e.key_id, e.version): (e.key, e.primary, e.disabled, e.created) for e in kr.entries}


def held(kr: keys.Keyring) -> dict[tuple[str, int], bytes]:
    return {(k.key_id.decode("utf-8"), k.key_version): k.kek for k in kr.reader_keys()}


def check_v2_fixture(kr: keys.Keyring, expected: dict, refusing: bool) -> None:
    assert states(kr) == expected
    assert list(states(kr)) == list(expected)  # file order
    assert kr.retired == V2_RETIRED
    assert kr.refuses_disabled is refusing
    want = {ref: v[0] for ref, v in expected.items() if not (refusing and v[2])}
    assert held(kr) == want
    for ref, (key, _, disabled, _) in expected.items():
        assert kr.holds(*ref) is not (refusing and disabled)
        if refusing and disabled:
            with pytest.raises(SealpostError) as e:
                kr.kek(*ref)
            invalid(e)
        else:
            assert kr.kek(*ref).kek == key
    assert not kr.holds("orders", 1)  # retired: no key
    with pytest.raises(SealpostError):
        kr.kek("orders", 1)
    assert kr.current_version("orders") == 3  # primary; 4 is higher but pinned out
    assert kr.current("orders").kek == ORDERS_3
    assert kr.current_version("billing") == 2
    assert kr.current("billing").kek == BILLING_2
    assert kr.highest_issued("orders") == 4
    assert kr.highest_issued("billing") == 2
    assert kr.highest_issued("nobody") == -1


def test_v2_plain_fixture_from_java() -> None:
    for kr in (
        keys.load_keyring(fixture("keyring-v2-plain.txt")),
        keys.load_keyring(fixture("keyring-v2-plain.txt"), None, keys.DisabledVersions.DECRYPT),
    ):
        check_v2_fixture(kr, V2_PLAIN, refusing=False)
        assert kr.current_version("audit") == 1
    strict = keys.load_keyring(fixture("keyring-v2-plain.txt"), disabled=keys.DisabledVersions.REFUSE)
    check_v2_fixture(strict, V2_PLAIN, refusing=True)
    assert set(held(strict)) == {("orders", 3), ("orders", 4), ("billing", 1), ("billing", 2), ("audit", 1)}


def test_v2_encrypted_fixture_from_java() -> None:
    data = fixture("keyring-v2-encrypted.txt").read_bytes()
    assert data.startswith(b"sealpost-keyring-encrypted v1\n")  # the outer header stays v1
    kr = keys.load_keyring(fixture("keyring-v2-encrypted.txt"), KEYRING_PASSWORD)
    check_v2_fixture(kr, V2_ENCRYPTED, refusing=False)
    assert kr.current_version("audit") == 2
    assert kr.holds("audit", 1)
    strict = kr.without_disabled()
    check_v2_fixture(strict, V2_ENCRYPTED, refusing=True)
    assert not strict.holds("audit", 1) and strict.current("audit").kek == AUDIT_2
    assert strict.without_disabled() is strict
    refused = keys.parse_keyring(data, KEYRING_PASSWORD, disabled=keys.DisabledVersions.REFUSE)
    check_v2_fixture(refused, V2_ENCRYPTED, refusing=True)
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(data, "wrong")
    assert "wrong password" in invalid(e)


def test_v2_disabled_version_decrypts_unless_refused() -> None:
    ring = keys.load_keyring(fixture("keyring-v2-plain.txt"))
    under_disabled = sealpost.encrypt(b"old data", [sealpost.SymmetricKek("orders", 2, ORDERS_2)])
    assert sealpost.decrypt(under_disabled, ring.reader_keys()) == b"old data"
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(under_disabled, ring.without_disabled().reader_keys())
    assert e.value.category is ErrorCategory.NO_MATCHING_KEY
    # A retired version is not held, whatever the option.
    under_retired = sealpost.encrypt(b"x", [sealpost.SymmetricKek("orders", 1, bytes(range(32)))])
    with pytest.raises(SealpostError) as e:
        sealpost.decrypt(under_retired, ring.reader_keys())
    assert e.value.category is ErrorCategory.NO_MATCHING_KEY
    # Writers use the current version; the reader that refuses disabled versions still reads it.
    fresh = sealpost.encrypt(b"new", [ring.current("orders")])
    assert sealpost.decrypt(fresh, ring.without_disabled().reader_keys()) == b"new"
    assert sealpost.decrypt(fresh, [sealpost.SymmetricKek("orders", 3, ORDERS_3)]) == b"new"


def test_v2_document_example() -> None:
    # docs/key-material.md 1.7, example and the sentences after it.
    text = (
        "sealpost-keyring v2\n"
        f"key orders 2 {K1} disabled created=2026-01-15T09:30:00Z\n"
        f"key orders 3 {K2} created=2026-11-28T08:00:00Z\n"
        f"key billing 1 {K} primary\n"
        "retired orders 1 retired=2026-11-01T00:00:00Z\n"
        "retired billing 0\n"
    )
    kr = keys.parse_keyring(text)
    assert kr.current_version("orders") == 3 and kr.current_version("billing") == 1
    assert set(held(kr)) == {("orders", 2), ("orders", 3), ("billing", 1)}
    assert set(held(kr.without_disabled())) == {("orders", 3), ("billing", 1)}
    assert kr.highest_issued("billing") + 1 == 2 and kr.highest_issued("orders") + 1 == 4
    assert states(kr)["orders", 2] == (bytes(range(0x20, 0x40)), False, True, "2026-01-15T09:30:00Z")
    assert states(kr)["billing", 1] == (bytes(range(0x20)), True, False, None)
    assert kr.retired == [
        keys.RetiredVersion("orders", 1, "2026-11-01T00:00:00Z"),
        keys.RetiredVersion("billing", 0, None),
    ]


def test_v2_disabled_is_never_current() -> None:
    kr = keys.parse_keyring(f"sealpost-keyring v2\nkey a 1 {K}\nkey a 2 {K1} disabled\n")
    assert kr.current_version("a") == 1  # the highest version that is not disabled
    none = keys.parse_keyring(f"sealpost-keyring v2\nkey a 1 {K} disabled\nretired a 2\n")
    with pytest.raises(SealpostError) as e:
        none.current_version("a")
    assert e.value.category is ErrorCategory.NO_MATCHING_KEY
    assert "disabled" in e.value.message
    with pytest.raises(SealpostError) as e:
        none.current("a")
    assert e.value.category is ErrorCategory.NO_MATCHING_KEY
    assert none.holds("a", 1) and none.kek("a", 1).kek == bytes(range(32))  # still decrypts
    only_retired = keys.parse_keyring("sealpost-keyring v2\nretired a 5\n")
    assert len(only_retired) == 0 and only_retired.highest_issued("a") == 5
    with pytest.raises(SealpostError) as e:
        only_retired.current_version("a")
    assert e.value.category is ErrorCategory.NO_MATCHING_KEY
    # A primary version is current even when a higher one is enabled.
    pinned = keys.parse_keyring(f"sealpost-keyring v2\nkey a 1 {K} primary\nkey a 2 {K1}\n")
    assert pinned.current_version("a") == 1


def test_v2_lexical_freedom() -> None:
    # Flags in any order, SP/HTAB runs, comments, blank lines, CRLF, no final LF.
    text = (
        "sealpost-keyring v2\r\n"
        "# lifecycle\r\n"
        "\t \r\n"
        f"\tkey  a\t1 {K}\tcreated=2026-01-01T00:00:00Z  disabled \r\n"
        f"key a 2 {K1} created=2024-02-29T23:59:59Z primary\r\n"
        "  retired\ta  0\tretired=2000-02-29T00:00:00Z "
    )
    kr = keys.parse_keyring(text)
    assert states(kr) == {
        ("a", 1): (bytes(range(0x20)), False, True, "2026-01-01T00:00:00Z"),
        ("a", 2): (bytes(range(0x20, 0x40)), True, False, "2024-02-29T23:59:59Z"),
    }
    assert kr.retired == [keys.RetiredVersion("a", 0, "2000-02-29T00:00:00Z")]
    # An empty version 2 keyring; a version 1 file has no lifecycle at all.
    assert len(keys.parse_keyring("sealpost-keyring v2\n")) == 0
    v1 = keys.load_keyring(fixture("keyring-plain.txt"))
    assert not any(e.disabled or e.created for e in v1.entries) and v1.retired == []


@pytest.mark.parametrize(
    "time",
    [
        "0000-02-29T00:00:00Z",  # year 0 of the proleptic calendar is a leap year
        "2000-02-29T12:00:00Z",
        "2024-02-29T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2026-04-30T00:00:00Z",
        "1970-01-01T00:00:00Z",
    ],
)
def test_v2_real_times_accepted(time: str) -> None:
    kr = keys.parse_keyring(f"sealpost-keyring v2\nkey a 1 {K} created={time}\nretired a 0 retired={time}\n")
    assert kr.entries[0].created == time and kr.retired[0].retired == time


K1 = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="  # 20..3f
K2 = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8="  # 40..5f


@pytest.mark.parametrize(
    "body, line, fragment",
    [
        # After KeyringV2Test.syntaxErrorsNameTheLine: version 1 knows none of it
        (f"sealpost-keyring v1\nkey a 1 {K} disabled", 2, "'primary'"),
        (f"sealpost-keyring v1\nkey a 1 {K} created=2026-01-01T00:00:00Z", 2, "'primary'"),
        ("sealpost-keyring v1\nretired a 1", 2, "expected 'key"),
        (f"sealpost-keyring v3\nkey a 1 {K}", 1, "not 'sealpost-keyring v1'"),
        # flags
        (f"sealpost-keyring v2\nkey a 1 {K} primary disabled", 2, "both primary and disabled"),
        (f"sealpost-keyring v2\nkey a 1 {K} disabled primary", 2, "both primary and disabled"),
        (f"sealpost-keyring v2\nkey a 1 {K} disabled disabled", 2, "'disabled' given twice"),
        (f"sealpost-keyring v2\nkey a 1 {K} primary primary", 2, "'primary' given twice"),
        (
            f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-01T00:00:00Z created=2026-01-01T00:00:00Z",
            2,
            "'created' given twice",
        ),
        (f"sealpost-keyring v2\nkey a 1 {K} enabled", 2, "unexpected field after the key"),
        (f"sealpost-keyring v2\nkey a 1 {K} Disabled", 2, "unexpected field after the key"),
        (f"sealpost-keyring v2\nkey a 1 {K} Created=2026-01-01T00:00:00Z", 2, "unexpected field after the key"),
        (f"sealpost-keyring v2\nkey a 1 {K} retired=2026-01-01T00:00:00Z", 2, "unexpected field after the key"),
        (f"sealpost-keyring v2\nkey a 1 {K} # note", 2, "unexpected field after the key"),
        (f"sealpost-keyring v2\nkey a 1 {K} created", 2, "time must be RFC 3339"),
        # times: RFC 3339 UTC to the second, a real date
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-02-29T00:00:00Z", 2, "not a valid date and time"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2100-02-29T00:00:00Z", 2, "not a valid date and time"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-04-31T00:00:00Z", 2, "not a valid date and time"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-13-01T00:00:00Z", 2, "not a valid date and time"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-00-01T00:00:00Z", 2, "not a valid date and time"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-00T00:00:00Z", 2, "not a valid date and time"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-01T24:00:00Z", 2, "not a valid date and time"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-01T00:60:00Z", 2, "not a valid date and time"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-01T00:00:60Z", 2, "not a valid date and time"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-01T00:00:00z", 2, "time must be RFC 3339 UTC"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-01t00:00:00Z", 2, "time must be RFC 3339 UTC"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-01T00:00:00.5Z", 2, "time must be RFC 3339 UTC"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-01T01:00:00+01:00", 2, "time must be RFC 3339 UTC"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-01-01 00:00:00Z", 2, "time must be RFC 3339 UTC"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=2026-1-01T00:00:00Z", 2, "time must be RFC 3339 UTC"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=\u0662026-01-01T00:00:00Z", 2, "time must be RFC 3339 UTC"),
        (f"sealpost-keyring v2\nkey a 1 {K} created=", 2, "time must be RFC 3339 UTC"),
        # retired lines
        (f"sealpost-keyring v2\nretired a 1 {K}", 2, "only 'retired=<time>' may follow"),
        ("sealpost-keyring v2\nretired a 1 created=2026-01-01T00:00:00Z", 2, "only 'retired=<time>' may follow"),
        ("sealpost-keyring v2\nretired a", 2, "found 2 fields"),
        ("sealpost-keyring v2\nretired a 1 retired=2026-01-01T00:00:00Z x", 2, "found 5 fields"),
        ("sealpost-keyring v2\nretired a 01", 2, "version must be"),
        ("sealpost-keyring v2\nretired a 2147483648", 2, "version must be"),
        ("sealpost-keyring v2\nretired a\u00a0b 1", 2, "forbidden character"),
        ("sealpost-keyring v2\nretired a 1 retired=2026-02-30T00:00:00Z", 2, "not a valid date and time"),
        ("sealpost-keyring v2\nretired a 1 retired=", 2, "time must be RFC 3339 UTC"),
        ("sealpost-keyring v2\nRetired a 1", 2, "expected 'key"),
        (f"sealpost-keyring v2\nkey a 1 {K}\nretired a 1", 3, "first on line 2"),
        (f"sealpost-keyring v2\nretired a 1\nkey a 1 {K}", 3, "first on line 2"),
        ("sealpost-keyring v2\nretired a 1\n\nretired a 1", 4, "first on line 2"),
        # version 1 rules still hold in version 2
        (f"sealpost-keyring v2\nkey a 1 {K} primary\nkey a 2 {K1} primary", 3, "second 'primary'"),
        (f"sealpost-keyring v2\nkey a 1 {K[:-2]}9=", 2, "canonical base64"),
        (f"sealpost-keyring v2\nkey a 1 {K}\rkey b 1 {K}", 2, "control character"),
        ("sealpost-keyring v2\nkey a 1", 2, "expected 'key"),
        ("sealpost-keyring v2\ndisabled a 1", 2, "expected 'key"),
    ],
)
def test_v2_rejects(body: str, line: int, fragment: str) -> None:
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(body.encode("utf-8"))
    msg = invalid(e)
    assert f"line {line}:" in msg and fragment in msg, msg
    assert K not in msg and K1 not in msg  # never a key's base64


def encrypt_keyring(plaintext: str, password: str = KEYRING_PASSWORD) -> bytes:
    """The password-protected form of section 2.2, made with the cryptography package (as the
    fixture keyring-encrypted.txt was), so that malformed inner files can be tested."""
    salt, nonce, iterations = os.urandom(16), os.urandom(12), 100_000
    b64 = lambda b: base64.b64encode(b).decode("ascii")
    header = (
        "sealpost-keyring-encrypted v1\n"
        "kdf pbkdf2-hmac-sha256\n"
        f"iterations {iterations}\n"
        f"salt {b64(salt)}\n"
        f"nonce {b64(nonce)}\n"
    ).encode("ascii")
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    ct = AESGCM(kdf.derive(password.encode("utf-8"))).encrypt(nonce, plaintext.encode("utf-8"), header)
    return header + b"ciphertext " + b64(ct).encode("ascii") + b"\n"


def test_v2_inside_the_password_protected_form() -> None:
    good = encrypt_keyring(f"sealpost-keyring v2\nkey a 1 {K} disabled\nretired a 0\n")
    kr = keys.parse_keyring(good, KEYRING_PASSWORD)
    assert states(kr) == {("a", 1): (bytes(range(0x20)), False, True, None)}
    assert kr.retired == [keys.RetiredVersion("a", 0, None)]
    assert not keys.parse_keyring(good, KEYRING_PASSWORD, disabled=keys.DisabledVersions.REFUSE).holds("a", 1)
    bad = encrypt_keyring(f"sealpost-keyring v2\nkey a 1 {K}\nkey a 2 {K1} primary disabled\n")
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(bad, KEYRING_PASSWORD)
    msg = invalid(e)
    assert "(decrypted) line 3:" in msg and "both primary and disabled" in msg
    v3 = encrypt_keyring(f"sealpost-keyring v3\nkey a 1 {K}\n")
    with pytest.raises(SealpostError) as e:
        keys.parse_keyring(v3, KEYRING_PASSWORD)
    assert "(decrypted) line 1:" in invalid(e)


def test_disabled_option_must_be_the_enum(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        keys.parse_keyring(b"sealpost-keyring v2\n", disabled="refuse")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        keys.load_keyring(fixture("keyring-v2-plain.txt"), None, True)  # type: ignore[arg-type]


# --- PEM -------------------------------------------------------------------------------------


def test_private_and_public_pem_match_openssl_dump() -> None:
    priv, pub = openssl_dump()
    key = keys.load_private_key(fixture("x25519-private.pem"), "consumer-a", 1)
    assert key._private == priv
    assert key.public_key == pub
    recipient = keys.load_public_key(fixture("x25519-public.pem"), "consumer-a", 1)
    assert recipient.public_key == pub
    env = sealpost.encrypt(b"hi", [recipient])
    assert sealpost.decrypt(env, [key]) == b"hi"


@pytest.mark.parametrize(
    "name",
    [
        "x25519-private-aes256-sha256.pem",
        "x25519-private-aes256-sha1.pem",
        "x25519-private-aes128-sha256.pem",
        "x25519-private-iter1000.pem",
        "x25519-private-iter100000.pem",
    ],
)
def test_encrypted_pem(name: str) -> None:
    priv, pub = openssl_dump()
    key = keys.private_key_from_pem(text(name), "c", 1, PASSWORD)
    assert key._private == priv and key.public_key == pub


def test_encrypted_pem_low_iterations_warn(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=keys.LOGGER_NAME):
        keys.private_key_from_pem(text("x25519-private-iter99999.pem"), "c", 1, PASSWORD)
    assert any("99999" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=keys.LOGGER_NAME):
        keys.private_key_from_pem(text("x25519-private-iter100000.pem"), "c", 1, PASSWORD)
    assert not caplog.records


@pytest.mark.parametrize("name,count", [("x25519-private-iter999.pem", "999"), ("x25519-private-iter5000001.pem", "5000001")])
def test_encrypted_pem_iteration_bounds(name: str, count: str) -> None:
    with pytest.raises(SealpostError) as e:
        keys.private_key_from_pem(text(name), "c", 1, PASSWORD)
    assert count in invalid(e)


def test_encrypted_pem_iteration_ceiling_accepted() -> None:
    priv, _ = openssl_dump()
    assert keys.private_key_from_pem(text("x25519-private-iter5000000.pem"), "c", 1, PASSWORD)._private == priv


@pytest.mark.parametrize(
    "name,password,fragment",
    [
        ("x25519-private-aes256-sha256.pem", "wrong", "wrong password"),
        ("x25519-private-aes256-sha256.pem", None, "no password"),
        ("x25519-private.pem", PASSWORD, "not protected"),
        ("x25519-private-pbe-sha1-3des.pem", PASSWORD, "PBES2"),
        ("ed25519-private.pem", None, "found Ed25519 (OID 1.3.101.112)"),
        ("ed25519-private-aes256-sha256.pem", PASSWORD, "found Ed25519"),
        ("x448-private.pem", None, "found X448"),
        ("rsa-private.pem", None, "found RSA"),
        ("x25519-public.pem", None, "PUBLIC KEY"),
    ],
)
def test_private_pem_rejects(name: str, password: str | None, fragment: str) -> None:
    with pytest.raises(SealpostError) as e:
        keys.private_key_from_pem(text(name), "c", 1, password)
    msg = invalid(e)
    assert fragment in msg
    assert PASSWORD not in msg


@pytest.mark.parametrize(
    "name,fragment",
    [("ed25519-public.pem", "Ed25519"), ("p256-public.pem", "found EC"), ("rsa-public.pem", "found RSA"), ("x25519-private.pem", "PRIVATE KEY")],
)
def test_public_pem_rejects(name: str, fragment: str) -> None:
    with pytest.raises(SealpostError) as e:
        keys.public_key_from_pem(text(name), "c", 1)
    assert fragment in invalid(e)


def test_pem_text_rules() -> None:
    pem = text("x25519-private.pem")
    _, pub = openssl_dump()
    crlf = "\n\n" + pem.replace("\n", " \r\n") + "\n"
    assert keys.private_key_from_pem(crlf, "c", 1).public_key == pub
    for bad in (
        "note\n" + pem,
        pem + text("x25519-public.pem"),
        pem.replace("-----BEGIN PRIVATE KEY-----\n", "-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"),
        " " + pem,
        pem.replace("PRIVATE KEY-----\n", "RSA PRIVATE KEY-----\n"),
        pem.replace("-----END PRIVATE KEY-----", "-----END PUBLIC KEY-----"),
        "x" * 70000,
    ):
        with pytest.raises(SealpostError) as e:
            keys.private_key_from_pem(bad, "c", 1)
        invalid(e)


def test_der_must_be_der() -> None:
    _, pub = openssl_dump()
    good = bytes.fromhex("302a300506032b656e032100") + pub
    wrap = lambda der: "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n"
    assert keys.public_key_from_pem(wrap(good), "c", 1).public_key == pub
    for bad in (
        good + b"\x00",  # trailing bytes
        bytes.fromhex("30812a300506032b656e032100") + pub,  # non-minimal length
        bytes.fromhex("302c300706032b656e0500032100") + pub,  # NULL parameters
        bytes.fromhex("302a300506032b656e032101") + pub,  # unused bits
    ):
        with pytest.raises(SealpostError) as e:
            keys.public_key_from_pem(wrap(bad), "c", 1)
        invalid(e)


def test_private_key_v2_with_public_key() -> None:
    priv, pub = openssl_dump()
    body = bytes.fromhex("020101300506032b656e04220420") + priv + bytes.fromhex("812100") + pub
    der = bytes([0x30, len(body)]) + body
    wrap = lambda d: "-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(d).decode() + "\n-----END PRIVATE KEY-----\n"
    assert keys.private_key_from_pem(wrap(der), "c", 1).public_key == pub
    wrong = der[:-1] + bytes([der[-1] ^ 1])
    with pytest.raises(SealpostError) as e:
        keys.private_key_from_pem(wrap(wrong), "c", 1)
    assert "does not match" in invalid(e)
    v0 = bytes([0x30, len(body)]) + bytes.fromhex("020100") + body[3:]
    with pytest.raises(SealpostError) as e:
        keys.private_key_from_pem(wrap(v0), "c", 1)
    invalid(e)
