#!/usr/bin/env bash
# End-to-end Kafka benchmark (see README.md, "Kafka end to end"): builds the benchmarks module, then
# runs dev.sealpost.bench.kafka.KafkaEndToEnd, which starts a KRaft broker as its own JVM on free
# loopback ports, measures plaintext, floor and Sealpost producers and consumers side by side, stops
# the broker and prints a markdown report (also written to benchmarks/target/kafka-e2e-*.md).
#
#   benchmarks/kafka-e2e.sh                                   # the full run: 100 B, 1 KiB, 10 KiB x none, lz4, zstd, 3 rounds
#   benchmarks/kafka-e2e.sh --sizes 1024 --compression none   # any option of the harness; --help lists them
#   JAVA=/path/to/jdk-25/bin/java benchmarks/kafka-e2e.sh     # clients and broker on another JDK
#   SKIP_BUILD=1 benchmarks/kafka-e2e.sh                      # reuse benchmarks/target
#
# Only on a quiet machine do the numbers mean anything. Never part of the build or of CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
java="${JAVA:-java}"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  (cd "$root" && ./mvnw -q -B -pl benchmarks -am package -DskipTests)
fi
version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
cp="$here/target/classes:$(cat "$here/target/harness.classpath")"
exec "$java" -Xms1g -Xmx1g -cp "$cp" dev.sealpost.bench.kafka.KafkaEndToEnd \
  --broker-classpath "$here/target/broker.classpath" \
  --broker-java "$(command -v "$java")" \
  --out "$here/target/kafka-e2e-jdk${version}-${stamp}.md" \
  "$@"
