#!/usr/bin/env bash
# Fuzzes one target for a given time (Jazzer fuzzing mode; the normal build runs every target
# in regression mode over its saved inputs only).
#
#   fuzz/fuzz.sh HeaderParserFuzzTest 2m
#   fuzz/fuzz.sh 'KeyMaterialFuzzTest#keyringFile' 5m
#
# Targets: HeaderParserFuzzTest, DecryptFuzzTest, RoundTripFuzzTest,
#          KeyMaterialFuzzTest#keyringFile, KeyMaterialFuzzTest#privateKeyPem,
#          KeyMaterialFuzzTest#publicKeyPem
#
# A crashing input is written to src/test/resources/dev/sealpost/fuzz/<Class>Inputs/<method>/
# and from then on runs in every build; the growing corpus stays in fuzz/.cifuzz-corpus
# (git-ignored). jazzer.instrument extends coverage instrumentation to the codec's classes.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: fuzz/fuzz.sh TARGET [DURATION]}"
duration="${2:-2m}"
JAZZER_FUZZ=1 ./mvnw -B -pl fuzz -am test \
  -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.max_duration="$duration" '-Djazzer.instrument=dev.sealpost.**'
