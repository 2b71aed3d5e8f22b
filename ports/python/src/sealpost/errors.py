"""Error categories of SPEC.md section 9 and the single exception type of this package."""

from __future__ import annotations

from enum import Enum

__all__ = ["ErrorCategory", "SealpostError"]


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
        super().__init__(f"{category.value}: {message}")
        self.category = category
        self.message = message

    def __repr__(self) -> str:
        return f"SealpostError({self.category.value!r}, {self.message!r})"
