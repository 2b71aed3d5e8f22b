"""Error categories of SPEC.md section 9 and the single exception type of this package."""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .header import RecipientEntry

__all__ = ["ErrorCategory", "SealpostError", "escape_controls", "describe_key_id", "describe_entry"]


class ErrorCategory(str, Enum):
    """The closed set of v1 error categories ([ERR-1]).

    The value of each member is the identifier used in SPEC.md section 9 and in the test vectors.
    """

    NOT_AN_ENVELOPE = "not-an-envelope"
    UNSUPPORTED_VERSION = "unsupported-version"
    UNSUPPORTED_SUITE = "unsupported-suite"
    MALFORMED_HEADER = "malformed-header"
    LIMIT_EXCEEDED = "limit-exceeded"
    NO_MATCHING_KEY = "no-matching-key"
    UNWRAP_FAILED = "unwrap-failed"
    COMMITMENT_MISMATCH = "commitment-mismatch"
    AUTHENTICATION_FAILED = "authentication-failed"
    CONTEXT_MISMATCH = "context-mismatch"
    UNTRUSTED_WRITER = "untrusted-writer"
    SIGNATURE_INVALID = "signature-invalid"
    MALFORMED_PAYLOAD = "malformed-payload"
    # Failures that come from keys or key services, never from envelope bytes.
    INVALID_KEY_MATERIAL = "invalid-key-material"
    KEY_SERVICE_FAILURE = "key-service-failure"

    @property
    def id(self) -> str:
        """The category identifier of SPEC.md section 9, e.g. ``"malformed-header"``."""
        return self.value

    def __str__(self) -> str:
        return self.value


class SealpostError(Exception):
    """The one exception raised for every Sealpost failure.

    ``category`` tells what failed ([ERR-1]); ``message`` is a human-readable detail that never
    contains key material or plaintext.
    """

    category: ErrorCategory
    message: str

    def __init__(self, category: ErrorCategory, message: str) -> None:
        message = escape_controls(message)  # messages may quote header text (key ids, URIs)
        super().__init__(f"{category.value}: {message}")
        self.category = category
        self.message = message

    def __repr__(self) -> str:
        return f"SealpostError({self.category.value!r}, {self.message!r})"


# [SEC-4]. Control characters (C0, DEL, C1) and the Unicode line and paragraph separators end or rewrite
# log lines; bidirectional controls reorder what a reader of the log sees. Header-derived text
# (key ids, KMS URIs, context keys) is attacker-chosen, so no message carries these raw.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: "re.Match[str]") -> str:
    c = match.group()
    named = _NAMED.get(c)
    if named is not None:
        return named
    code = ord(c)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{{{code:04x}}}"


def escape_controls(text: str) -> str:
    """``text`` with every control character escaped: ``\\n``, ``\\r``, ``\\t``, other C0, DEL
    and C1 as ``\\xNN``, line/paragraph separators and bidi controls as ``\\u{NNNN}``."""
    if _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub(_escape_one, text)


def describe_key_id(key_id: bytes) -> str:
    """A header key id for a message: quoted text, undecodable bytes as ``\\xNN``. Control
    characters are escaped by :class:`SealpostError` itself."""
    return "'" + key_id.decode("utf-8", "backslashreplace") + "'"


def describe_entry(entry: "RecipientEntry") -> str:
    """A recipient entry for a message: type, key id and version."""
    return f"type {entry.type:02x} key id {describe_key_id(entry.key_id)} v{entry.key_version}"
