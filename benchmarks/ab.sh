#!/usr/bin/env bash
# Interleaved A/B harnesses (see README.md, "Interleaved A/B"): variants alternate in short slices for
# many rounds in one JVM; the report is the median of the per-round ratios with their spread.
#
#   benchmarks/ab.sh codec                       # codec vs Tink AEAD (same AAD length) and raw JCE, 64 B and 1 KiB
#   benchmarks/ab.sh providers                   # AES-256-GCM per message: SunJCE vs ACCP vs Conscrypt
#   benchmarks/ab.sh signed                      # unsigned vs signed per DEK vs per message, 1 KiB
#   benchmarks/ab.sh stream                      # 1 GiB streamed (segmented suite) vs raw JCE AES-GCM, small heap
#   benchmarks/ab.sh deserializer --old A.jar --new B.jar   # Kafka deserializer path of two kafka-adapter builds
#   benchmarks/ab.sh serializer                  # Kafka serializer and deserializer per record vs the floor, as the e2e run configures them
#   benchmarks/ab.sh codec --rounds 400 --slice-ms 50 --sizes 1024   # options; --help lists them
#   JAVA=/path/to/jdk-25/bin/java SKIP_BUILD=1 benchmarks/ab.sh codec
#
# Reports go to stdout and to benchmarks/target/ab-<which>-jdk<version>-<time>.md. Only on a quiet
# machine do the numbers mean anything. Never part of the build or of CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
java="${JAVA:-java}"
which="${1:-}"
case "$which" in
  codec) main=dev.sealpost.bench.ab.CodecAb ;;
  providers) main=dev.sealpost.bench.ab.ProviderAb ;;
  signed) main=dev.sealpost.bench.ab.SignedAb ;;
  stream) main=dev.sealpost.bench.ab.StreamAb ;;
  deserializer) main=dev.sealpost.bench.ab.DeserializerAb ;;
  serializer) main=dev.sealpost.bench.ab.SerializerAb ;;
  *) echo "usage: $0 codec|providers|signed|stream|deserializer|serializer [options]" >&2; exit 2 ;;
esac
shift
if [[ -z "${SKIP_BUILD:-}" ]]; then
  (cd "$root" && ./mvnw -q -B -pl benchmarks -am package -DskipTests)
fi
version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"
out="$here/target/ab-${which}-jdk${version}-$(date -u +%Y%m%dT%H%M%SZ).md"
cp="$here/target/classes:$(cat "$here/target/harness.classpath")"
if [[ "$which" == providers ]]; then
  # Only here: with Conscrypt on the class path, Tink takes its nonces from Conscrypt's SecureRandom.
  cp="$cp:$(cat "$here/target/providers.classpath")"
fi
heap=(-Xms1g -Xmx1g)
if [[ "$which" == stream ]]; then
  # A small heap shows that streaming does not hold the payload; ciphertexts to decrypt live off the heap.
  heap=(-Xms64m -Xmx64m -XX:MaxDirectMemorySize=4g)
fi
"$java" "${heap[@]}" -cp "$cp" "$main" "$@" | tee "$out"
echo "written to $out" >&2
