#!/usr/bin/env bash
# Runs every test of the project: the Java build (codec, vectors, spec checks, and every other
# module), the Python port against the same vectors, then the conformance suite against both
# implementations (Required and Recommended tests: --strict). Between them, the cross-language
# tests: Java and Python clients through a real Kafka broker and a real nats-server.
set -euo pipefail
cd "$(dirname "$0")"

echo "== Java: ./mvnw verify"
./mvnw -B -ntp verify

echo "== Python port: pytest"
venv="${SEALPOST_VENV:-ports/python/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -e 'ports/python[test,kafka,nats,compression]'
"$venv/bin/python" -m pytest -q ports/python

echo "== Cross-language: Java <-> Python through a Kafka broker and nats-server (real servers)"
# Fails, never skips, when java, the Java build above or nats-server (.ci/run installs it) is missing.
"$venv/bin/python" -m pytest -q -m integration ports/python/tests/integration

echo "== Conformance suite: the Java reference and the Python port as testees"
export SEALPOST_CONFORMANCE_OPTS="${SEALPOST_CONFORMANCE_OPTS:---strict}"
conformance-suite/run-conformance.sh java
conformance-suite/run-conformance.sh python "$venv/bin/python" ports/python/conformance_testee.py
