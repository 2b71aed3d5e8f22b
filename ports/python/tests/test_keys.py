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
        "sealpost-keyring v2\n",
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
