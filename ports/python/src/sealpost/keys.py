"""Key material files: the keyring file and X25519 PEM keys of docs/key-material.md.

Every failure, whatever its cause, raises :class:`~sealpost.SealpostError` with category
``invalid-key-material``. Messages name the line or the structure at fault and never contain
key bytes, their base64, or passwords.

* :func:`parse_keyring` / :func:`load_keyring`: a keyring (section 1), plain or
  password-protected (section 2), as a :class:`Keyring` of :class:`~sealpost.SymmetricKek`.
* :func:`private_key_from_pem` / :func:`load_private_key`: ``PRIVATE KEY`` or
  ``ENCRYPTED PRIVATE KEY`` (PBES2) to an :class:`~sealpost.X25519PrivateKey`.
* :func:`public_key_from_pem` / :func:`load_public_key`: ``PUBLIC KEY`` to an
  :class:`~sealpost.X25519Recipient`.

As in the Java codec, loading a keyring or a private key file that group or others may read
or write logs a WARNING on the logger ``sealpost.keys`` (the file is still loaded), and an
encrypted PEM key protected by fewer than 100,000 PBKDF2 iterations is loaded with a WARNING.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import stat
from dataclasses import dataclass
from typing import Optional, Union

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import ErrorCategory, SealpostError
from .recipients import SymmetricKek, X25519PrivateKey, X25519Recipient

__all__ = [
    "Keyring",
    "KeyringEntry",
    "parse_keyring",
    "load_keyring",
    "private_key_from_pem",
    "public_key_from_pem",
    "load_private_key",
    "load_public_key",
    "LOGGER_NAME",
]

#: The logger that key-file warnings go to (the Java codec's is ``dev.sealpost.codec.keys``).
LOGGER_NAME = "sealpost.keys"
_log = logging.getLogger(LOGGER_NAME)

PLAIN_HEADER = "sealpost-keyring v1"
ENCRYPTED_HEADER = "sealpost-keyring-encrypted v1"
MAX_KEYRING_BYTES = 1 << 20
MIN_KEYRING_ITERATIONS = 100_000
MAX_ITERATIONS = 5_000_000
MIN_PEM_ITERATIONS = 1_000
WARN_BELOW_PEM_ITERATIONS = 100_000
MAX_PEM_CHARS = 65_536

PathLike = Union[str, "os.PathLike[str]"]


def _fail(message: str) -> SealpostError:
    return SealpostError(ErrorCategory.INVALID_KEY_MATERIAL, message)


# ---------------------------------------------------------------------------------------------
# Files: bounded reads and the permission warning (docs/key-material.md 4.1)


def _warn_if_exposed(path: PathLike, what: str) -> None:
    if os.name != "posix":
        return  # without POSIX permissions the directory's ACL decides; nothing is checked
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        _log.warning("cannot check the permissions of %s %s: %s", what, os.fspath(path), e)
        return
    exposed = []
    if mode & (stat.S_IRGRP | stat.S_IWGRP):
        exposed.append("group")
    if mode & (stat.S_IROTH | stat.S_IWOTH):
        exposed.append("others")
    if exposed:
        _log.warning(
            "%s %s is accessible to %s (mode %s); it holds secret keys: restrict it to the owner, "
            "e.g. chmod 600",
            what,
            os.fspath(path),
            " and ".join(exposed),
            stat.filemode(mode)[1:],
        )


def _read_bounded(path: PathLike, limit: int, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise _fail(f"cannot read {what} {os.fspath(path)}: {e.strerror or type(e).__name__}") from None
    if len(data) > limit:
        raise _fail(f"{what} {os.fspath(path)} is larger than {limit} bytes")
    return data


def _password_bytes(password: str) -> bytes:
    if password == "":
        raise _fail("the password must not be empty")
    try:
        return password.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail("the password has no UTF-8 form (an unpaired surrogate)") from None


# ---------------------------------------------------------------------------------------------
# Canonical base64 (docs/key-material.md 1.2)

_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def _canonical_b64(text: str, what: str) -> bytes:
    if _B64.fullmatch(text) is None or len(text) % 4 != 0:
        raise _fail(f"{what} is not canonical base64")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _fail(f"{what} is not canonical base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise _fail(f"{what} is not canonical base64 (padding or trailing bits)")
    return raw


# ---------------------------------------------------------------------------------------------
# Keyring (docs/key-material.md sections 1 and 2)


@dataclass(frozen=True)
class KeyringEntry:
    key_id: str
    version: int
    key: bytes
    primary: bool

    def __repr__(self) -> str:  # never the key bytes
        return f"KeyringEntry({self.key_id!r}, {self.version}, primary={self.primary})"


class Keyring:
    """Symmetric KEKs by (key id, version), as read from a keyring file."""

    def __init__(self, entries: list[KeyringEntry]) -> None:
        self._entries = list(entries)
        self._by_ref = {(e.key_id, e.version): e for e in self._entries}

    @property
    def entries(self) -> list[KeyringEntry]:
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def holds(self, key_id: str, version: int) -> bool:
        return (key_id, version) in self._by_ref

    def kek(self, key_id: str, version: int) -> SymmetricKek:
        e = self._by_ref.get((key_id, version))
        if e is None:
            raise _fail(f"the keyring holds no key {key_id!r} version {version}")
        return SymmetricKek(e.key_id, e.version, e.key)

    def current_version(self, key_id: str) -> int:
        """The version writers use: the one marked ``primary``, else the highest (1.3)."""
        versions = [e for e in self._entries if e.key_id == key_id]
        if not versions:
            raise _fail(f"the keyring holds no key {key_id!r}")
        for e in versions:
            if e.primary:
                return e.version
        return max(e.version for e in versions)

    def current(self, key_id: str) -> SymmetricKek:
        """The writer's recipient for ``key_id``: its current version."""
        return self.kek(key_id, self.current_version(key_id))

    def reader_keys(self) -> list[SymmetricKek]:
        """Every version of every key id, for :func:`sealpost.decrypt`."""
        return [SymmetricKek(e.key_id, e.version, e.key) for e in self._entries]

    def __repr__(self) -> str:
        return f"Keyring({len(self._entries)} keys)"


_FORBIDDEN_ID = re.compile(
    "[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)
_CONTROL = re.compile("[\u0000-\u0008\u000a-\u001f\u007f]")
_VERSION = re.compile(r"0|[1-9][0-9]{0,9}")
_FIELDS = re.compile(r"[ \t]+")


def _decode_lines(data: bytes, what: str) -> list[str]:
    """Size, UTF-8 and the line splitting of 1.1 (LF only; one CR before LF dropped)."""
    if len(data) > MAX_KEYRING_BYTES:
        raise _fail(f"{what} is larger than {MAX_KEYRING_BYTES} bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        raise _fail(f"{what} starts with a byte-order mark")
    try:
        text = data.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        raise _fail(f"{what} is not valid UTF-8 (byte {e.start})") from None
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()  # an LF at the very end does not start another line
    for i in range(len(lines) - (0 if text.endswith("\n") else 1)):
        if lines[i].endswith("\r"):
            lines[i] = lines[i][:-1]
    for n, line in enumerate(lines, 1):
        if _CONTROL.search(line) is not None:
            raise _fail(f"{what} line {n}: control character")
    return lines


def _parse_plain(lines: list[str], what: str) -> Keyring:
    if not lines or lines[0] != PLAIN_HEADER:
        raise _fail(f"{what} line 1: not '{PLAIN_HEADER}'")
    entries: list[KeyringEntry] = []
    seen: set[tuple[str, int]] = set()
    primaries: set[str] = set()
    for n, line in enumerate(lines[1:], 2):
        stripped = line.strip(" \t")
        if stripped == "" or stripped.startswith("#"):
            continue
        fields = _FIELDS.split(stripped)
        if fields[0] != "key" or not 4 <= len(fields) <= 5:
            raise _fail(f"{what} line {n}: expected 'key <key-id> <version> <key> [primary]'")
        key_id, version_text, key_text = fields[1], fields[2], fields[3]
        if len(key_id.encode("utf-8")) > 255:
            raise _fail(f"{what} line {n}: key id longer than 255 bytes")
        if _FORBIDDEN_ID.search(key_id) is not None:
            raise _fail(f"{what} line {n}: key id contains a forbidden character")
        if _VERSION.fullmatch(version_text) is None or int(version_text) > 0x7FFFFFFF:
            raise _fail(f"{what} line {n}: version must be a decimal 0..2147483647 without leading zeros")
        version = int(version_text)
        if len(key_text) != 44:
            raise _fail(f"{what} line {n}: key must be 44 characters of canonical base64 (32 bytes)")
        key = _canonical_b64(key_text, f"{what} line {n}: key")
        if len(key) != 32:
            raise _fail(f"{what} line {n}: key must decode to 32 bytes")
        primary = False
        if len(fields) == 5:
            if fields[4] != "primary":
                raise _fail(f"{what} line {n}: fifth field must be 'primary'")
            primary = True
        if (key_id, version) in seen:
            raise _fail(f"{what} line {n}: key {key_id!r} version {version} appears twice")
        seen.add((key_id, version))
        if primary:
            if key_id in primaries:
                raise _fail(f"{what} line {n}: a second 'primary' for key {key_id!r}")
            primaries.add(key_id)
        entries.append(KeyringEntry(key_id, version, key, primary))
    return Keyring(entries)


_ENCRYPTED_NAMES = ("kdf", "iterations", "salt", "nonce", "ciphertext")


def _parse_encrypted(lines: list[str], password: str, what: str) -> Keyring:
    if len(lines) != 6:
        raise _fail(f"{what}: an encrypted keyring has exactly six lines, found {len(lines)}")
    values = []
    for n, (line, name) in enumerate(zip(lines[1:], _ENCRYPTED_NAMES), 2):
        if not line.isascii() or not line.startswith(name + " ") or " " in line[len(name) + 1 :]:
            raise _fail(f"{what} line {n}: expected '{name} <value>'")
        value = line[len(name) + 1 :]
        if value == "":
            raise _fail(f"{what} line {n}: expected '{name} <value>'")
        values.append(value)
    kdf, iterations_text, salt_text, nonce_text, ct_text = values
    if kdf != "pbkdf2-hmac-sha256":
        raise _fail(f"{what} line 2: kdf must be pbkdf2-hmac-sha256")
    if re.fullmatch(r"[1-9][0-9]{0,9}", iterations_text) is None:
        raise _fail(f"{what} line 3: iterations must be a decimal without sign or leading zeros")
    iterations = int(iterations_text)
    if not MIN_KEYRING_ITERATIONS <= iterations <= MAX_ITERATIONS:  # before deriving anything
        raise _fail(
            f"{what} line 3: iteration count {iterations} is outside "
            f"{MIN_KEYRING_ITERATIONS}..{MAX_ITERATIONS}"
        )
    salt = _canonical_b64(salt_text, f"{what} line 4: salt")
    if len(salt) != 16:
        raise _fail(f"{what} line 4: salt must be 16 bytes")
    nonce = _canonical_b64(nonce_text, f"{what} line 5: nonce")
    if len(nonce) != 12:
        raise _fail(f"{what} line 5: nonce must be 12 bytes")
    ct = _canonical_b64(ct_text, f"{what} line 6: ciphertext")
    if len(ct) < 16:
        raise _fail(f"{what} line 6: ciphertext shorter than its 16-byte tag")
    pw = _password_bytes(password)
    key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations).derive(pw)
    aad = "".join(line + "\n" for line in lines[:5]).encode("ascii")
    try:
        plaintext = AESGCM(key).decrypt(nonce, ct, aad)
    except InvalidTag:
        raise _fail(f"{what}: wrong password, or the file was altered") from None
    finally:
        del key
    inner = f"{what} (decrypted)"
    try:
        inner_lines = _decode_lines(plaintext, inner)
    finally:
        del plaintext
    if inner_lines and inner_lines[0] == ENCRYPTED_HEADER:
        raise _fail(f"{inner}: an encrypted keyring inside an encrypted keyring is not supported")
    return _parse_plain(inner_lines, inner)


def parse_keyring(data: Union[bytes, str], password: Optional[str] = None, *, what: str = "keyring") -> Keyring:
    """Parse a keyring file's bytes (or text). ``password`` is required exactly when the
    file is the password-protected form (2.3, step 2)."""
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError:
            raise _fail(f"{what} is not valid UTF-8") from None
    lines = _decode_lines(bytes(data), what)
    first = lines[0] if lines else ""
    if first == PLAIN_HEADER:
        if password is not None:
            raise _fail(f"{what} is a plain keyring but a password was given: it is not protected")
        return _parse_plain(lines, what)
    if first == ENCRYPTED_HEADER:
        if password is None:
            raise _fail(f"{what} is password-protected but no password was given")
        return _parse_encrypted(lines, password, what)
    raise _fail(f"{what} line 1: not '{PLAIN_HEADER}' nor '{ENCRYPTED_HEADER}'")


def load_keyring(path: PathLike, password: Optional[str] = None) -> Keyring:
    """Read a keyring file (at most 1 MiB); warns when group or others may access it."""
    _warn_if_exposed(path, "keyring file")
    data = _read_bounded(path, MAX_KEYRING_BYTES, "keyring file")
    return parse_keyring(data, password, what=f"keyring {os.fspath(path)}")


# ---------------------------------------------------------------------------------------------
# DER (strict: definite minimal lengths, minimal INTEGERs)


class _Der:
    def __init__(self, data: bytes, what: str) -> None:
        self.data = data
        self.pos = 0
        self.what = what

    def fail(self, msg: str) -> SealpostError:
        return _fail(f"{self.what}: {msg}")

    def at_end(self) -> bool:
        return self.pos >= len(self.data)

    def peek_tag(self) -> int:
        if self.at_end():
            raise self.fail("truncated DER")
        return self.data[self.pos]

    def read(self, tag: Optional[int] = None) -> tuple[int, bytes]:
        d = self.data
        if self.pos + 2 > len(d):
            raise self.fail("truncated DER")
        t = d[self.pos]
        if t & 0x1F == 0x1F:
            raise self.fail("unsupported DER tag")
        if tag is not None and t != tag:
            raise self.fail(f"expected DER tag {tag:02x}, found {t:02x}")
        first = d[self.pos + 1]
        p = self.pos + 2
        if first < 0x80:
            length = first
        elif first == 0x80:
            raise self.fail("indefinite DER length")
        else:
            n = first & 0x7F
            if n > 4 or p + n > len(d):
                raise self.fail("bad DER length")
            length = int.from_bytes(d[p : p + n], "big")
            if d[p] == 0 or length < 0x80:
                raise self.fail("DER length not minimally encoded")
            p += n
        if p + length > len(d):
            raise self.fail("DER length runs past the end")
        self.pos = p + length
        return t, d[p : p + length]

    def seq(self) -> "_Der":
        return _Der(self.read(0x30)[1], self.what)

    def integer(self) -> int:
        v = self.read(0x02)[1]
        if not v:
            raise self.fail("empty INTEGER")
        if len(v) > 1 and ((v[0] == 0 and v[1] < 0x80) or (v[0] == 0xFF and v[1] >= 0x80)):
            raise self.fail("INTEGER not minimally encoded")
        return int.from_bytes(v, "big", signed=True)

    def oid(self) -> str:
        return _oid_text(self.read(0x06)[1], self)

    def end(self) -> None:
        if not self.at_end():
            raise self.fail("unexpected bytes after the DER structure")


def _oid_text(v: bytes, der: _Der) -> str:
    if not v or v[-1] & 0x80:
        raise der.fail("bad OID")
    arcs: list[int] = []
    acc = 0
    start = True
    for b in v:
        if start and b == 0x80:
            raise der.fail("bad OID")
        acc = (acc << 7) | (b & 0x7F)
        start = not (b & 0x80)
        if start:
            arcs.append(acc)
            acc = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


OID_X25519 = "1.3.101.110"
_KNOWN_ALGORITHMS = {
    "1.3.101.111": "X448",
    "1.3.101.112": "Ed25519",
    "1.3.101.113": "Ed448",
    "1.2.840.113549.1.1.1": "RSA",
    "1.2.840.10045.2.1": "EC",
}
OID_PBES2 = "1.2.840.113549.1.5.13"
OID_PBKDF2 = "1.2.840.113549.1.5.12"
OID_HMAC_SHA256 = "1.2.840.113549.2.9"
OID_HMAC_SHA1 = "1.2.840.113549.2.7"
OID_AES256_CBC = "2.16.840.1.101.3.4.1.42"
OID_AES128_CBC = "2.16.840.1.101.3.4.1.2"
OID_SCRYPT = "1.3.6.1.4.1.11591.4.11"


def _algorithm_name(oid: str) -> str:
    name = _KNOWN_ALGORITHMS.get(oid)
    return f"{name} (OID {oid})" if name else f"OID {oid}"


def _check_x25519_algorithm(der: _Der) -> None:
    alg = der.seq()
    oid = alg.oid()
    if oid != OID_X25519:
        raise der.fail(f"not an X25519 key: found {_algorithm_name(oid)}")
    if not alg.at_end():
        raise der.fail("X25519 AlgorithmIdentifier must have no parameters")


def _private_key_info(der_bytes: bytes, what: str) -> bytes:
    """The 32-byte X25519 private key of a PrivateKeyInfo / OneAsymmetricKey (3.2)."""
    outer = _Der(der_bytes, what)
    info = outer.seq()
    outer.end()
    version = info.integer()
    if version not in (0, 1):
        raise info.fail(f"unsupported PrivateKeyInfo version {version}")
    _check_x25519_algorithm(info)
    inner = _Der(info.read(0x04)[1], what)
    private = inner.read(0x04)[1]
    inner.end()
    if len(private) != 32:
        raise info.fail(f"X25519 private key must be 32 bytes, found {len(private)}")
    public: Optional[bytes] = None
    if not info.at_end() and info.peek_tag() == 0xA0:
        info.read(0xA0)  # attributes: ignored
    if not info.at_end():
        tag, v = info.read()
        if tag != 0x81:
            raise info.fail(f"unexpected field (tag {tag:02x}) in PrivateKeyInfo")
        if version == 0:
            raise info.fail("a version 0 PrivateKeyInfo must not carry a public key")
        if len(v) != 33 or v[0] != 0:
            raise info.fail("bad X25519 public key in PrivateKeyInfo")
        public = v[1:]
    info.end()
    if public is not None:
        derived = (
            x25519.X25519PrivateKey.from_private_bytes(private)
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        if derived != public:
            raise info.fail("the public key does not match the private key")
    return private


def _public_key_info(der_bytes: bytes, what: str) -> bytes:
    outer = _Der(der_bytes, what)
    spki = outer.seq()
    outer.end()
    _check_x25519_algorithm(spki)
    bits = spki.read(0x03)[1]
    spki.end()
    if len(bits) != 33 or bits[0] != 0:
        raise spki.fail("X25519 public key must be a 32-byte BIT STRING with 0 unused bits")
    return bits[1:]


def _pbes2_decrypt(der_bytes: bytes, password: str, what: str, source: str) -> bytes:
    """Decrypt an EncryptedPrivateKeyInfo (3.4); every bound is checked before PBKDF2 runs."""
    outer = _Der(der_bytes, what)
    epki = outer.seq()
    outer.end()
    alg = epki.seq()
    scheme = alg.oid()
    if scheme != OID_PBES2:
        raise epki.fail(
            f"unsupported encryption scheme OID {scheme} (only PBES2 is supported; "
            "re-encrypt with openssl pkcs8 -topk8 -v2 aes-256-cbc)"
        )
    params = alg.seq()
    alg.end()
    kdf = params.seq()
    kdf_oid = kdf.oid()
    if kdf_oid != OID_PBKDF2:
        name = "scrypt" if kdf_oid == OID_SCRYPT else f"OID {kdf_oid}"
        raise epki.fail(f"unsupported key derivation {name} (only PBKDF2 is supported)")
    kp = kdf.seq()
    kdf.end()
    salt = kp.read(0x04)[1]
    if not 8 <= len(salt) <= 1024:
        raise epki.fail(f"PBKDF2 salt must be 8..1024 bytes, got {len(salt)}")
    iterations = kp.integer()
    if iterations < MIN_PEM_ITERATIONS:
        raise epki.fail(
            f"PBKDF2 iteration count {iterations} is below the minimum of {MIN_PEM_ITERATIONS}: "
            "too weak to protect the key; re-encrypt it with more iterations"
        )
    if iterations > MAX_ITERATIONS:
        raise epki.fail(f"PBKDF2 iteration count {iterations} is above the maximum of {MAX_ITERATIONS}")
    key_length: Optional[int] = None
    if not kp.at_end() and kp.peek_tag() == 0x02:
        key_length = kp.integer()
    prf = OID_HMAC_SHA1
    if not kp.at_end():
        prf_seq = kp.seq()
        prf = prf_seq.oid()
        if not prf_seq.at_end():
            if prf_seq.read(0x05)[1] != b"":
                raise epki.fail("bad PRF parameters")
        prf_seq.end()
    kp.end()
    if prf not in (OID_HMAC_SHA256, OID_HMAC_SHA1):
        raise epki.fail(f"unsupported PBKDF2 PRF OID {prf} (hmacWithSHA256 or hmacWithSHA1)")
    enc = params.seq()
    params.end()
    cipher_oid = enc.oid()
    if cipher_oid == OID_AES256_CBC:
        aes_len = 32
    elif cipher_oid == OID_AES128_CBC:
        aes_len = 16
    else:
        raise epki.fail(f"unsupported cipher OID {cipher_oid} (aes256-CBC or aes128-CBC)")
    iv = enc.read(0x04)[1]
    enc.end()
    if len(iv) != 16:
        raise epki.fail("the AES-CBC IV must be 16 bytes")
    if key_length is not None and key_length != aes_len:
        raise epki.fail(f"PBKDF2 key length {key_length} does not match the cipher ({aes_len})")
    data = epki.read(0x04)[1]
    epki.end()
    if not data or len(data) % 16:
        raise epki.fail("encrypted data must be a non-empty multiple of 16 bytes")
    pw = _password_bytes(password)
    if iterations < WARN_BELOW_PEM_ITERATIONS:
        _log.warning(
            "%s is protected by only %d PBKDF2 iterations; re-encrypt it with more, e.g. "
            "openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000",
            source,
            iterations,
        )
    algo = hashes.SHA256() if prf == OID_HMAC_SHA256 else hashes.SHA1()
    key = PBKDF2HMAC(algorithm=algo, length=aes_len, salt=salt, iterations=iterations).derive(pw)
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = dec.update(data) + dec.finalize()
    del key
    wrong = epki.fail("wrong password, or the encrypted key is corrupted")
    pad = padded[-1]
    if not 1 <= pad <= 16 or padded[-pad:] != bytes([pad]) * pad:
        raise wrong
    return padded[:-pad]


# ---------------------------------------------------------------------------------------------
# PEM (docs/key-material.md 3.1)

_LABELS = ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PUBLIC KEY")
_BEGIN = re.compile(r"-----BEGIN ([^-]*)-----")
_END = re.compile(r"-----END ([^-]*)-----")


def _pem_block(text: str, what: str) -> tuple[str, bytes]:
    if len(text) > MAX_PEM_CHARS:
        raise _fail(f"{what} is longer than {MAX_PEM_CHARS} characters")
    lines = text.split("\n")
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    lines = [line.rstrip(" \t") for line in lines]
    while lines and lines[0] == "":
        lines.pop(0)
    while lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise _fail(f"{what}: no PEM block")
    begin = _BEGIN.fullmatch(lines[0])
    if begin is None:
        raise _fail(f"{what}: text before the PEM block, or no PEM block")
    label = begin.group(1)
    end_index = next((i for i, line in enumerate(lines) if line.startswith("-----END ")), None)
    if end_index is None:
        raise _fail(f"{what}: PEM block has no END line")
    end = _END.fullmatch(lines[end_index])
    if end is None or end.group(1) != label:
        raise _fail(f"{what}: PEM END line does not match BEGIN {label}")
    if end_index != len(lines) - 1:
        raise _fail(f"{what}: text after the PEM block (a second block, or explanatory text)")
    if label not in _LABELS:
        raise _fail(f"{what}: unsupported PEM label {label!r} (expected one of {', '.join(_LABELS)})")
    body = lines[1:end_index]
    if any(":" in line for line in body):
        raise _fail(f"{what}: PEM headers (Proc-Type, DEK-Info) are not supported")
    der = _canonical_b64("".join(body), f"{what}: PEM body")
    if not der:
        raise _fail(f"{what}: empty PEM body")
    return label, der


def private_key_from_pem(
    pem: str, key_id: str, version: int, password: Optional[str] = None, *, what: str = "PEM private key"
) -> X25519PrivateKey:
    """An X25519 reader key from ``PRIVATE KEY`` or (with ``password``) ``ENCRYPTED PRIVATE KEY``."""
    label, der = _pem_block(pem, what)
    if label == "PUBLIC KEY":
        raise _fail(f"{what}: found a PUBLIC KEY where a private key was expected")
    if label == "PRIVATE KEY":
        if password is not None:
            raise _fail(f"{what} is not encrypted but a password was given: it is not protected")
        private = _private_key_info(der, what)
    else:
        if password is None:
            raise _fail(f"{what} is encrypted (ENCRYPTED PRIVATE KEY) but no password was given")
        info = _pbes2_decrypt(der, password, what, what)
        try:
            private = _private_key_info(info, what)
        except SealpostError as e:
            if "not an X25519 key" in e.message:
                raise  # decrypted to a well-formed key of another algorithm
            raise _fail(f"{what}: wrong password, or the encrypted key is corrupted") from None
    return X25519PrivateKey(key_id, version, private)


def public_key_from_pem(pem: str, key_id: str, version: int, *, what: str = "PEM public key") -> X25519Recipient:
    """An X25519 recipient (writer side) from ``PUBLIC KEY`` (SubjectPublicKeyInfo)."""
    label, der = _pem_block(pem, what)
    if label != "PUBLIC KEY":
        raise _fail(f"{what}: found {label} where a PUBLIC KEY was expected")
    return X25519Recipient(key_id, version, _public_key_info(der, what))


def _read_pem(path: PathLike, what: str) -> str:
    data = _read_bounded(path, MAX_PEM_CHARS, what)
    try:
        return data.decode("utf-8", "strict")
    except UnicodeDecodeError:
        raise _fail(f"{what} {os.fspath(path)} is not valid UTF-8") from None


def load_private_key(
    path: PathLike, key_id: str, version: int, password: Optional[str] = None
) -> X25519PrivateKey:
    """Read a PEM private key file; warns when group or others may access it."""
    _warn_if_exposed(path, "private key file")
    text = _read_pem(path, "private key file")
    return private_key_from_pem(text, key_id, version, password, what=f"private key file {os.fspath(path)}")


def load_public_key(path: PathLike, key_id: str, version: int) -> X25519Recipient:
    """Read a PEM public key file (not checked for permissions: it holds nothing secret)."""
    text = _read_pem(path, "public key file")
    return public_key_from_pem(text, key_id, version, what=f"public key file {os.fspath(path)}")
