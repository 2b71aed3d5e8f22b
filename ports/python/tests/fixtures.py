"""Where the tests find the repository's shared files: the test vectors and the Java codec's
key fixtures. Each may be named by an environment variable (for a test run from an unpacked
sdist); otherwise they are found relative to this file in a repository checkout. A missing
directory is a failure, never a skip."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parents[3]


def _dir(env: str, relative: str) -> Path:
    path = Path(os.environ.get(env) or _REPO / relative)
    if not path.is_dir():
        raise FileNotFoundError(
            f"{path} not found: run the tests from a repository checkout, or set {env}"
        )
    return path


def vectors_dir() -> Path:
    return _dir("SEALPOST_VECTORS_DIR", "test-vectors")


def key_fixtures_dir() -> Path:
    return _dir("SEALPOST_KEY_FIXTURES_DIR", "java-codec/src/test/resources/keys")


def load_vectors(name: str) -> dict[str, Any]:
    with open(vectors_dir() / name, encoding="utf-8") as f:
        return json.load(f)
