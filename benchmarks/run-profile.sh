#!/usr/bin/env bash
# Short benchmark profile (about 4.5 minutes on 2 cores, 54 benchmarks): builds the benchmarks jar, runs every
# benchmark once with the GC profiler, and prints the ratio report.
#
#   benchmarks/run-profile.sh                      # with the java on PATH
#   JAVA=/path/to/jdk-25/bin/java benchmarks/run-profile.sh
#   SKIP_BUILD=1 benchmarks/run-profile.sh         # reuse benchmarks/target/benchmarks.jar
#
# Extra arguments go to JMH, e.g. a regex to select benchmarks: run-profile.sh 'Codec.*'
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
java="${JAVA:-java}"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  (cd "$root" && ./mvnw -q -B -pl benchmarks -am package -DskipTests)
fi
version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"
out="$here/target/jmh-jdk${version}.json"
"$java" -jar "$here/target/benchmarks.jar" -f 1 -wi 2 -w 1s -i 2 -r 1s -prof gc -rf json -rff "$out" "$@"
python3 "$here/report.py" "$out" | tee "$here/target/report-jdk${version}.md"
