#!/usr/bin/env bash
# Runs the Sealpost conformance suite against one implementation.
#
#   conformance-suite/run-conformance.sh <name> [<testee command> [args...]]
#
# <name> names the implementation in reports and selects its known-failures file,
# conformance-suite/known-failures/<name>.txt (optional). With name "java" and no command, the
# testee is the Java reference codec. The JUnit XML report goes to
# conformance-suite/target/conformance-reports/TEST-conformance-<name>.xml. Builds the runner jar
# when it is missing. Exits non-zero when a Required test fails or the known-failures file is out
# of date. Extra runner options can be passed in SEALPOST_CONFORMANCE_OPTS (e.g. "--strict").
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 <name> [<testee command> [args...]]" >&2
  exit 2
fi
name="$1"
shift
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$(ls "$here"/target/sealpost-conformance-*.jar 2>/dev/null | grep -v -e original- -e sources -e tests | head -n 1 || true)"
if [ -z "$jar" ]; then
  (cd "$root" && ./mvnw -q -B -ntp -pl conformance-suite -am package -DskipTests)
  jar="$(ls "$here"/target/sealpost-conformance-*.jar | grep -v -e original- -e sources -e tests | head -n 1)"
fi
if [ $# -eq 0 ]; then
  if [ "$name" != "java" ]; then
    echo "$0: no testee command given for '$name'" >&2
    exit 2
  fi
  set -- java -cp "$jar" dev.sealpost.conformance.testee.JavaTestee
fi
opts=(--name "$name" --vectors "$root/test-vectors"
      --junit-xml "$here/target/conformance-reports/TEST-conformance-$name.xml")
if [ -f "$here/known-failures/$name.txt" ]; then
  opts+=(--known-failures "$here/known-failures/$name.txt")
fi
# shellcheck disable=SC2086
exec java -jar "$jar" "${opts[@]}" ${SEALPOST_CONFORMANCE_OPTS:-} -- "$@"
